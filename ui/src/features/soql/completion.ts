// What to suggest at the cursor: objects after FROM (describe global), fields of the FROM
// object elsewhere (its describe), following relationship names through dots (Owner.Na...).
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import type { SObjectSummary } from "../../bindings/SObjectSummary";
import { type Token, tokenize } from "./tokens";

export type CompletionContext =
  | { kind: "object"; prefix: string }
  | { kind: "field"; object: string; relationships: string[]; prefix: string };

export interface Candidate {
  /** The text inserted in place of the prefix. */
  insert: string;
  /** What the list shows. */
  label: string;
  detail: string;
  kind: "object" | "field" | "relationship";
}

/** Words after which a field name is expected (or a function over one). */
const FIELD_AFTER = new Set(["SELECT", "WHERE", "AND", "OR", "NOT", "BY", "HAVING", ",", "("]);

const significant = (t: Token) => t.kind !== "space";

/**
 * The completion context at `cursor`, or null where nothing is to be suggested (inside a
 * string, after an operator, in a subquery on a child relationship we cannot describe).
 */
export function completionContext(text: string, cursor: number): CompletionContext | null {
  const before = text.slice(0, cursor);
  const word = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(before)?.[0] ?? "";
  if (word === "" && /[A-Za-z0-9_]$/.test(before)) return null;
  const tokens = tokenize(text);
  const from = cursor - word.length;
  const inside = tokens.find((t) => t.start < cursor && cursor <= t.end && t.kind === "string");
  if (inside && (inside.open || cursor < inside.end)) return null;
  const previous = tokens.filter((t) => t.end <= from && significant(t)).pop();
  const prevWord = previous?.text.toUpperCase() ?? "";
  const parts = word.split(".");
  const prefix = parts.pop() ?? "";
  if (prevWord === "FROM") return parts.length === 0 ? { kind: "object", prefix } : null;
  if (!FIELD_AFTER.has(prevWord)) return null;
  const object = scopeObject(tokens, from);
  if (!object) return null;
  return { kind: "field", object, relationships: parts, prefix };
}

/**
 * The object the fields at `offset` belong to: the FROM of the innermost SELECT around it.
 * A parenthesis that does not open a SELECT (a function, an IN list, a group) keeps the
 * enclosing scope.
 */
export function scopeObject(tokens: Token[], offset: number): string | null {
  const code = tokens.filter(significant);
  // The open parentheses before the offset, innermost last.
  const stack: number[] = [];
  code.forEach((t, i) => {
    if (t.start >= offset) return;
    if (t.text === "(") stack.push(i);
    else if (t.text === ")") stack.pop();
  });
  const selects = stack.filter((i) => code[i + 1]?.text.toUpperCase() === "SELECT");
  const opener = selects.length > 0 ? (selects[selects.length - 1] ?? -1) : -1;
  // Find FROM at the depth of that SELECT, scanning forward from it.
  let depth = 0;
  for (let i = opener + 1; i < code.length; i++) {
    const t = code[i];
    if (!t) break;
    if (t.text === "(") depth += 1;
    else if (t.text === ")") {
      if (depth === 0) break;
      depth -= 1;
    } else if (depth === 0 && t.text.toUpperCase() === "FROM") {
      const next = code[i + 1];
      return next && next.kind === "ident" && !next.text.includes(".") ? next.text : null;
    }
  }
  return null;
}

function rank(name: string, prefix: string): number {
  const n = name.toLowerCase();
  const p = prefix.toLowerCase();
  if (n === p) return 0;
  if (n.startsWith(p)) return 1;
  if (n.includes(p)) return 2;
  return -1;
}

function sortByRank<T>(items: T[], name: (t: T) => string, prefix: string, limit: number): T[] {
  return items
    .map((item) => ({ item, r: rank(name(item), prefix) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || name(a.item).localeCompare(name(b.item)))
    .slice(0, limit)
    .map((x) => x.item);
}

export const MAX_CANDIDATES = 50;

export function objectCandidates(objects: SObjectSummary[], prefix: string): Candidate[] {
  return sortByRank(
    objects.filter((o) => o.queryable),
    (o) => o.name,
    prefix,
    MAX_CANDIDATES,
  ).map((o) => ({
    insert: o.name,
    label: o.name,
    detail: o.label === o.name ? "" : o.label,
    kind: "object",
  }));
}

/** Fields of `describe`, plus its relationship names (which continue with a dot). */
export function fieldCandidates(describe: SObjectDescribe, prefix: string): Candidate[] {
  const entries: Candidate[] = [];
  for (const f of describe.fields) {
    entries.push({ insert: f.name, label: f.name, detail: `${f.label} · ${f.type}`, kind: "field" });
    if (f.relationshipName && f.referenceTo.length > 0) {
      entries.push({
        insert: `${f.relationshipName}.`,
        label: `${f.relationshipName}.`,
        detail: `→ ${f.referenceTo.join(" / ")}`,
        kind: "relationship",
      });
    }
  }
  return sortByRank(entries, (c) => c.label.replace(/\.$/, ""), prefix, MAX_CANDIDATES);
}

/** The reference field whose relationship name is `name` (Owner → OwnerId). */
export function relationshipField(describe: SObjectDescribe, name: string): FieldDescribe | null {
  const n = name.toLowerCase();
  return describe.fields.find((f) => f.relationshipName?.toLowerCase() === n) ?? null;
}
