import type { Problem } from "../../bindings/Problem";
import { editorReducer, isDirty } from "./editor";
import {
  describeChange,
  fieldTypeLabel,
  filterFields,
  isRequiredOnCreate,
  mapField,
  problemLocation,
  problemsAt,
  problemsForRow,
  problemsForTab,
  problemsOnTab,
  removeRow,
  rowKeys,
  sameValue,
  setOverwrite,
  withScreenSections,
} from "./model";
import { defaultDocument, field, LEAD_FIELDS, versioned } from "./testData";

const rows = () => defaultDocument().objects.Lead;

function problem(path: string, extra: Partial<Problem> = {}): Problem {
  return {
    severity: "error",
    code: "UNKNOWN_FIELD",
    path,
    object: null,
    rowIndex: null,
    field: null,
    message: `problem at ${path}`,
    line: null,
    ...extra,
  };
}

describe("row editing", () => {
  it("adds a new field at the end with overwrite off", () => {
    const { rows: next, outcome } = mapField(rows(), "domain", "Title");
    expect(outcome).toEqual({ kind: "added", index: 6 });
    expect(next).toHaveLength(7);
    expect(next[6]).toEqual({ source: "domain", target: "Title", overwrite: false });
  });

  it("replaces the source of a field already mapped, keeping its overwrite flag", () => {
    const before = rows();
    const { rows: next, outcome } = mapField(before, "intent", "lead_score__c");
    expect(outcome).toEqual({ kind: "replaced", index: 5, previousSource: "qualificationScore" });
    expect(next[5]).toEqual({ source: "intent", target: "Lead_Score__c", overwrite: true });
    expect(next).toHaveLength(before.length);
    expect(before[5]?.source).toBe("qualificationScore");
  });

  it("leaves a mapping that already exists alone", () => {
    const { rows: next, outcome } = mapField(rows(), "email", "Email");
    expect(outcome).toEqual({ kind: "unchanged", index: 0 });
    expect(next).toEqual(rows());
  });

  it("removes and toggles one row only", () => {
    const removed = removeRow(rows(), 1);
    expect(removed.map((r) => r.target)).toEqual([
      "Email",
      "FirstName",
      "LastName",
      "Company",
      "Lead_Score__c",
    ]);
    const toggled = setOverwrite(rows(), 0, true);
    expect(toggled[0]?.overwrite).toBe(true);
    expect(toggled.slice(1)).toEqual(rows().slice(1));
  });

  it("keys rows by target, numbering repeats", () => {
    expect(
      rowKeys([
        { source: "a", target: "Email", overwrite: false },
        { source: "b", target: "email", overwrite: false },
        { source: "c", target: "Phone", overwrite: false },
      ]),
    ).toEqual(["email", "email#2", "phone"]);
  });
});

describe("the editor", () => {
  it("tracks unsaved changes until they are discarded", () => {
    let state = editorReducer(null, { type: "loaded", current: versioned(2) });
    expect(isDirty(state)).toBe(false);
    state = editorReducer(state, { type: "map", object: "Account", source: "website", target: "Website" });
    expect(state?.draft.objects.Account.map((r) => r.target)).toEqual(["Industry", "Website"]);
    expect(isDirty(state)).toBe(true);
    state = editorReducer(state, { type: "discard" });
    expect(isDirty(state)).toBe(false);
    expect(state?.draft.objects.Account).toHaveLength(1);
  });

  it("is clean again when an edit is undone by hand", () => {
    let state = editorReducer(null, { type: "loaded", current: versioned(1) });
    state = editorReducer(state, { type: "overwrite", object: "Lead", index: 0, overwrite: true });
    expect(isDirty(state)).toBe(true);
    state = editorReducer(state, { type: "overwrite", object: "Lead", index: 0, overwrite: false });
    expect(isDirty(state)).toBe(false);
  });

  it("edits settings and removes rows of the right tab", () => {
    let state = editorReducer(null, { type: "loaded", current: versioned(1) });
    state = editorReducer(state, { type: "remove", object: "Contact", index: 0 });
    state = editorReducer(state, {
      type: "edit",
      edit: (doc) => ({ ...doc, criteria: { ...doc.criteria, minimumScore: { stars: 2 } } }),
    });
    expect(state?.draft.objects.Contact.map((r) => r.target)).toEqual(["Phone"]);
    expect(state?.draft.objects.Lead).toHaveLength(6);
    expect(state?.draft.criteria.minimumScore).toEqual({ stars: 2 });
    expect(state?.base.document.criteria.minimumScore).toBe("all");
  });

  it("ignores edits before anything is loaded", () => {
    expect(editorReducer(null, { type: "discard" })).toBeNull();
    expect(isDirty(null)).toBe(false);
  });
});

describe("documents", () => {
  it("compares structurally, ignoring key order", () => {
    expect(sameValue({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ stars: 2 }, "all")).toBe(false);
  });

  it("saves this screen's sections over the newest version, keeping routing settings", () => {
    const latest = defaultDocument();
    latest.defaultOwnerId = "005000000000001AAA";
    latest.criteria.syncDelayMinutes = 5;
    const draft = defaultDocument();
    draft.campaignId = "701000000000001AAA";
    draft.objects.Account = [];
    const merged = withScreenSections(latest, draft);
    expect(merged.defaultOwnerId).toBe("005000000000001AAA");
    expect(merged.campaignId).toBe("701000000000001AAA");
    expect(merged.objects.Account).toEqual([]);
    expect(merged.criteria.syncDelayMinutes).toBe(0);
  });
});

describe("problems", () => {
  const problems = [
    problem("objects.Lead[2].target", { object: "Lead", rowIndex: 2, field: "FirstName" }),
    problem("objects.Lead", { object: "Lead", code: "REQUIRED_UNMAPPED", field: "Company" }),
    problem("objects.Contact[0].target", { object: "Contact", rowIndex: 0 }),
    problem("criteria.starBands", { code: "INVALID_SCORE" }),
    problem("defaultOwnerId", { severity: "warning", code: "DEFAULT_OWNER_UNSET" }),
  ];

  it("puts each problem on its row, its tab or its section", () => {
    expect(problemsForRow(problems, "Lead", 2).map((p) => p.field)).toEqual(["FirstName"]);
    expect(problemsForRow(problems, "Lead", 0)).toEqual([]);
    expect(problemsForRow(problems, "Contact", 0)).toHaveLength(1);
    expect(problemsForTab(problems, "Lead").map((p) => p.code)).toEqual(["REQUIRED_UNMAPPED"]);
    expect(problemsOnTab(problems, "Lead")).toHaveLength(2);
    expect(problemsOnTab(problems, "Account")).toEqual([]);
    expect(problemsAt(problems, "criteria").map((p) => p.code)).toEqual(["INVALID_SCORE"]);
  });

  it("says where a problem is", () => {
    expect(problems.map(problemLocation)).toEqual([
      "Lead row 3 (FirstName)",
      "Lead",
      "Contact row 1",
      "Criteria",
      "Routing",
    ]);
  });
});

describe("Salesforce fields", () => {
  it("describes types with their size", () => {
    expect(fieldTypeLabel(field("Title", "Title", { length: 128 }))).toBe("string(128)");
    expect(fieldTypeLabel(field("S", "S", { type: "double", length: 0, precision: 18, scale: 2 }))).toBe(
      "double(18, 2)",
    );
    expect(fieldTypeLabel(field("B", "B", { type: "boolean", length: 0 }))).toBe("boolean");
  });

  it("finds fields by label or API name and hides read-only ones", () => {
    expect(filterFields(LEAD_FIELDS, "score", true).map((f) => f.name)).toEqual(["Lead_Score__c"]);
    expect(filterFields(LEAD_FIELDS, " FIRST", true).map((f) => f.name)).toEqual(["FirstName"]);
    expect(filterFields(LEAD_FIELDS, "", true).some((f) => f.name === "Id")).toBe(false);
    expect(filterFields(LEAD_FIELDS, "", false).some((f) => f.name === "Id")).toBe(true);
  });

  it("knows which fields a create needs", () => {
    const required = LEAD_FIELDS.filter(isRequiredOnCreate).map((f) => f.name);
    expect(required).toEqual(["LastName", "Company"]);
  });
});

describe("history", () => {
  it("describes changes in words", () => {
    expect(
      describeChange({
        kind: "rowAdded",
        object: "Account",
        index: 1,
        row: { source: "website", target: "Website", overwrite: true },
      }),
    ).toBe("Account: added website → Website (overwrite)");
    expect(
      describeChange({
        kind: "rowChanged",
        object: "Lead",
        index: 0,
        before: { source: "email", target: "Email", overwrite: false },
        after: { source: "email", target: "Email", overwrite: true },
      }),
    ).toBe("Lead Email: overwrite off → on");
    expect(
      describeChange({
        kind: "settingChanged",
        path: "criteria.minimumScore",
        before: "all",
        after: { stars: 2 },
      }),
    ).toBe('criteria.minimumScore: "all" → {"stars":2}');
  });
});
