// The Mapping screen's editing logic, free of React: row edits, the unsaved-changes test,
// which problems belong where, and how Salesforce fields are described and filtered.
import type { Change } from "../../bindings/Change";
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { MappedObject } from "../../bindings/MappedObject";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { MappingRow } from "../../bindings/MappingRow";
import type { Problem } from "../../bindings/Problem";

/** The three mapping tabs, in the order the seed names them. */
export const MAPPED_OBJECTS: readonly MappedObject[] = ["Lead", "Contact", "Account"];

/** Salesforce field names are case-insensitive; two rows for one field are one too many. */
export function sameField(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What mapping `source` onto `target` did to a tab's rows. */
export type MapOutcome =
  | { kind: "added"; index: number }
  | { kind: "replaced"; index: number; previousSource: string }
  | { kind: "unchanged"; index: number };

/**
 * Maps a chat field onto a Salesforce field. A field already mapped gets the new source and
 * keeps its overwrite flag (a field is written from one chat field only); a new row goes at
 * the end with overwrite off, so nothing curated in Salesforce is replaced by surprise.
 */
export function mapField(
  rows: readonly MappingRow[],
  source: string,
  target: string,
): { rows: MappingRow[]; outcome: MapOutcome } {
  const index = rows.findIndex((r) => sameField(r.target, target));
  const existing = rows[index];
  if (!existing) {
    return {
      rows: [...rows, { source, target, overwrite: false }],
      outcome: { kind: "added", index: rows.length },
    };
  }
  if (existing.source === source) return { rows: [...rows], outcome: { kind: "unchanged", index } };
  const next = rows.map((r, i) => (i === index ? { ...r, source } : r));
  return { rows: next, outcome: { kind: "replaced", index, previousSource: existing.source } };
}

export function removeRow(rows: readonly MappingRow[], index: number): MappingRow[] {
  return rows.filter((_, i) => i !== index);
}

export function setOverwrite(rows: readonly MappingRow[], index: number, overwrite: boolean): MappingRow[] {
  return rows.map((r, i) => (i === index ? { ...r, overwrite } : r));
}

/** Stable React keys for rows: the target, numbered when a (broken) document repeats one. */
export function rowKeys(rows: readonly MappingRow[]): string[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const k = r.target.toLowerCase();
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? k : `${k}#${n}`;
  });
}

export function rowsOf(doc: MappingDocument, object: MappedObject): MappingRow[] {
  return doc.objects[object];
}

export function withRows(doc: MappingDocument, object: MappedObject, rows: MappingRow[]): MappingDocument {
  return { ...doc, objects: { ...doc.objects, [object]: rows } };
}

/** Structural equality of JSON values (key order ignored), for the unsaved-changes marker. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => k in rb && sameValue(ra[k], rb[k]));
}

/** The keys of the document this screen edits; the Routing screen owns the others. */
export const SCREEN_KEYS = [
  "objects",
  "campaignId",
  "criteria",
  "requiredDefaults",
  "contactPolicy",
  "assignment",
  "opportunity",
  "tasks",
] as const satisfies readonly (keyof MappingDocument)[];

/**
 * The document to save: the newest saved one with this screen's sections replaced by the
 * draft's, so routing settings saved meanwhile (Routing screen, CLI import) are kept.
 */
export function withScreenSections(latest: MappingDocument, draft: MappingDocument): MappingDocument {
  return withSections(latest, draft, SCREEN_KEYS);
}

/** `latest` with the `keys` sections taken from `draft` (each screen saves only its own). */
export function withSections(
  latest: MappingDocument,
  draft: MappingDocument,
  keys: readonly (keyof MappingDocument)[],
): MappingDocument {
  const out: MappingDocument = { ...latest };
  for (const key of keys) {
    // The key is the same on both sides; TypeScript cannot relate the two indexed types.
    (out as Record<string, unknown>)[key] = draft[key];
  }
  return out;
}

// ---- problems --------------------------------------------------------------------------

export function problemsForRow(problems: readonly Problem[], object: MappedObject, index: number): Problem[] {
  return problems.filter((p) => p.object === object && p.rowIndex === index);
}

/** Problems about a tab as a whole (an unmapped required field, an object the user cannot write). */
export function problemsForTab(problems: readonly Problem[], object: MappedObject): Problem[] {
  return problemsAt(problems, `objects.${object}`).filter((p) => p.rowIndex === null);
}

/** Every problem shown on a tab: its rows' and its own (for the tab's badge). */
export function problemsOnTab(problems: readonly Problem[], object: MappedObject): Problem[] {
  return problemsAt(problems, `objects.${object}`);
}

/** Problems of a settings section, by its document key (`criteria`, `opportunity`, ...). */
export function problemsAt(problems: readonly Problem[], ...keys: string[]): Problem[] {
  return problems.filter((p) =>
    keys.some((k) => p.path === k || p.path.startsWith(`${k}.`) || p.path.startsWith(`${k}[`)),
  );
}

export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: problems.length - errors };
}

/** Where a problem is, in words: "Lead row 3 (Email)", "Criteria", "Routing". */
export function problemLocation(p: Problem): string {
  if (p.object && p.rowIndex !== null) {
    return `${p.object} row ${p.rowIndex + 1}${p.field ? ` (${p.field})` : ""}`;
  }
  const head = p.path.split(/[.[]/)[0] ?? p.path;
  const names: Record<string, string> = {
    objects: p.object ?? "Mapping",
    criteria: "Criteria",
    requiredDefaults: "Required fields",
    campaignId: "Campaign",
    opportunity: "Opportunity",
    tasks: "Event settings",
    contactPolicy: "Existing Contacts",
    assignment: "Assignment",
    version: "Document",
  };
  return names[head] ?? "Routing";
}

/** Whether a problem belongs to the Routing screen (owners, users, segments, rules). */
export function isRoutingProblem(p: Problem): boolean {
  return problemLocation(p) === "Routing";
}

// ---- Salesforce fields -----------------------------------------------------------------

/** `string(80)`, `double(18, 2)`, `picklist`: the type with its size. */
export function fieldTypeLabel(f: FieldDescribe): string {
  if (f.length > 0) return `${f.type}(${f.length})`;
  if (f.precision > 0) return `${f.type}(${f.precision}, ${f.scale})`;
  return f.type;
}

/** A field Leadbridge can never write: neither createable nor updateable (Id, formulas, audit fields). */
export function isReadOnly(f: FieldDescribe): boolean {
  return !f.createable && !f.updateable;
}

/** Salesforce refuses a create without it (mirrors the core's `required_on_create`). */
export function isRequiredOnCreate(f: FieldDescribe): boolean {
  return f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== "boolean";
}

/** Fields whose label or API name contains `query` (case-insensitive), label order kept. */
export function filterFields(
  fields: readonly FieldDescribe[],
  query: string,
  hideReadOnly: boolean,
): FieldDescribe[] {
  const q = query.trim().toLowerCase();
  return fields.filter(
    (f) =>
      (!hideReadOnly || !isReadOnly(f)) &&
      (q === "" || f.label.toLowerCase().includes(q) || f.name.toLowerCase().includes(q)),
  );
}

export function sortByLabel(fields: readonly FieldDescribe[]): FieldDescribe[] {
  return [...fields].sort((a, b) => a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
}

/** A chat field's example value as a short line of text. */
export function exampleText(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

// ---- history -------------------------------------------------------------------------------

function rowText(row: MappingRow): string {
  return `${row.source} → ${row.target}${row.overwrite ? " (overwrite)" : ""}`;
}

function valueText(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

/** One line per change between two versions, in words. */
export function describeChange(change: Change): string {
  switch (change.kind) {
    case "rowAdded":
      return `${change.object}: added ${rowText(change.row)}`;
    case "rowRemoved":
      return `${change.object}: removed ${rowText(change.row)}`;
    case "rowChanged": {
      const parts: string[] = [];
      if (change.before.source !== change.after.source) {
        parts.push(`chat field ${change.before.source} → ${change.after.source}`);
      }
      if (change.before.overwrite !== change.after.overwrite) {
        parts.push(
          `overwrite ${change.before.overwrite ? "on" : "off"} → ${change.after.overwrite ? "on" : "off"}`,
        );
      }
      if (change.before.target !== change.after.target) {
        parts.push(`field ${change.before.target} → ${change.after.target}`);
      }
      return `${change.object} ${change.after.target}: ${parts.join(", ")}`;
    }
    case "rowsReordered":
      return `${change.object}: rows reordered (${change.after.join(", ")})`;
    case "settingChanged":
      return `${change.path}: ${valueText(change.before)} → ${valueText(change.after)}`;
  }
}
