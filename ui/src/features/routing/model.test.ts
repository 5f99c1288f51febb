import { describe, expect, it } from "vitest";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { UserMapping } from "../../bindings/UserMapping";
import { defaultDocument, field } from "../mapping/testData";
import {
  isQueueId,
  moveStrategy,
  renameSegment,
  reshapeCondition,
  sameId,
  setStrategyEnabled,
  setUserMapping,
  strategyList,
  userLookupFields,
} from "./model";
import { strategyAnnouncements } from "./StrategyList";

describe("strategy list", () => {
  it("shows each strategy once, the document's first, the missing ones off", () => {
    const list = strategyList([
      { strategy: "closed_by", enabled: true },
      { strategy: "closed_by", enabled: false },
      { strategy: "account_owner", enabled: false },
    ]);
    expect(list).toEqual([
      { strategy: "closed_by", enabled: true },
      { strategy: "account_owner", enabled: false },
      { strategy: "meeting_scheduler", enabled: false },
      { strategy: "last_routed", enabled: false },
      { strategy: "default_owner", enabled: false },
    ]);
  });

  it("moves and switches strategies, writing the whole list", () => {
    const doc = defaultDocument(); // meeting_scheduler, default_owner
    const moved = moveStrategy(doc.ownerStrategies, 1, 0);
    expect(moved.map((s) => s.strategy)).toEqual([
      "default_owner",
      "meeting_scheduler",
      "last_routed",
      "closed_by",
      "account_owner",
    ]);
    expect(moveStrategy(doc.ownerStrategies, 0, 9).at(-1)?.strategy).toBe("meeting_scheduler");
    const on = setStrategyEnabled(doc.ownerStrategies, "closed_by", true);
    expect(on.find((s) => s.strategy === "closed_by")?.enabled).toBe(true);
    expect(on).toHaveLength(5);
  });

  it("announces picks and drops with names and ranks", () => {
    const a = strategyAnnouncements(() => ["meeting_scheduler", "closed_by", "default_owner"]);
    const active = { id: "closed_by" } as never;
    expect(a.onDragStart?.({ active })).toBe("Picked up Closed by, rank 2 of 3.");
    expect(a.onDragEnd?.({ active, over: { id: "meeting_scheduler" } } as never)).toBe(
      "Closed by dropped at rank 1 of 3.",
    );
    expect(a.onDragEnd?.({ active, over: null } as never)).toBe(
      "Closed by dropped outside the list. The order did not change.",
    );
    expect(a.onDragCancel?.({ active, over: null } as never)).toBe(
      "Moving was cancelled. Closed by stays at rank 2.",
    );
  });
});

describe("user mapping edits", () => {
  const auto: UserMapping = { chatUser: "Sally@chat.example", salesforceUserId: "005A", source: "auto" };
  const other: UserMapping = { chatUser: "bob@chat.example", salesforceUserId: "005B", source: "manual" };

  it("a choice replaces every entry of that chat user in place; null removes them", () => {
    const picked = setUserMapping([auto, other], "sally@chat.example", "005C");
    expect(picked).toEqual([
      { chatUser: "sally@chat.example", salesforceUserId: "005C", source: "manual" },
      other,
    ]);
    expect(setUserMapping(picked, "SALLY@chat.example", null)).toEqual([other]);
    expect(setUserMapping([other], "new@chat.example", "005D")).toHaveLength(2);
  });

  it("compares 15- and 18-character Ids", () => {
    expect(sameId("005000000000001AAA", "005000000000001")).toBe(true);
    expect(sameId("005000000000001AAA", "005000000000002AAA")).toBe(false);
    expect(sameId(null, "005000000000001")).toBe(false);
  });
});

describe("segments", () => {
  it("keeps values across operators and refuses numeric tests on text fields", () => {
    const inList = reshapeCondition({ op: "equals", field: "country", value: "US, CA" }, "country", "in");
    expect(inList).toEqual({ op: "in", field: "country", values: ["US", "CA"] });
    expect(reshapeCondition(inList, "country", "between")).toEqual({
      op: "equals",
      field: "country",
      value: "US, CA",
    });
    const between = reshapeCondition({ op: "gte", field: "employees", value: 200 }, "employees", "between");
    expect(between).toEqual({ op: "between", field: "employees", min: 200, max: 200 });
    expect(reshapeCondition(between, "metadata.budget", "lte")).toEqual({
      op: "lte",
      field: "metadata.budget",
      value: 200,
    });
  });

  it("renaming a segment renames the rules that use it", () => {
    const doc: MappingDocument = {
      ...defaultDocument(),
      segments: [{ name: "EMEA", match: "any", conditions: [] }],
      ownershipRules: [
        { segment: "emea ", ownerField: "OwnerId", thenBy: null, fallbackUserId: null },
        { segment: "Other", ownerField: "OwnerId", thenBy: null, fallbackUserId: null },
      ],
    };
    const renamed = renameSegment(doc, 0, "Europe");
    expect(renamed.segments[0]?.name).toBe("Europe");
    expect(renamed.ownershipRules.map((r) => r.segment)).toEqual(["Europe", "Other"]);
  });

  it("offers Account lookups to User as owner fields, OwnerId first, no audit fields", () => {
    const fields = [
      field("SDR__c", "SDR", { type: "reference", referenceTo: ["User"] }),
      field("LastModifiedById", "Last Modified By", { type: "reference", referenceTo: ["User"] }),
      field("ParentId", "Parent Account", { type: "reference", referenceTo: ["Account"] }),
      field("OwnerId", "Owner", { type: "reference", referenceTo: ["User"] }),
    ];
    expect(userLookupFields(fields).map((f) => f.name)).toEqual(["OwnerId", "SDR__c"]);
  });
});

describe("default owner", () => {
  it("accepts Queue Ids of 15 or 18 characters only", () => {
    expect(isQueueId("00G000000000001")).toBe(true);
    expect(isQueueId(" 00G000000000001AAA ")).toBe(true);
    expect(isQueueId("005000000000001AAA")).toBe(false);
    expect(isQueueId("00G0000000000")).toBe(false);
  });
});
