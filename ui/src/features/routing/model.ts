// The Routing screen's editing logic, free of React: the strategy list, the user mapping,
// segments and their conditions, ownership rules, and which document keys the screen owns.
import type { Condition } from "../../bindings/Condition";
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { OwnerStrategy } from "../../bindings/OwnerStrategy";
import type { OwnerStrategySetting } from "../../bindings/OwnerStrategySetting";
import type { OwnershipRule } from "../../bindings/OwnershipRule";
import type { SalesforceUser } from "../../bindings/SalesforceUser";
import type { Segment } from "../../bindings/Segment";
import type { UserMapping } from "../../bindings/UserMapping";

/** The keys of the mapping document this screen edits; the Mapping screen owns the others. */
export const ROUTING_KEYS = [
  "ownerStrategies",
  "defaultOwnerId",
  "userMapping",
  "segments",
  "ownershipRules",
  "unmatchedFallbackUserId",
] as const satisfies readonly (keyof MappingDocument)[];

/** Every strategy, in the core's default rank. */
export const ALL_STRATEGIES: readonly OwnerStrategy[] = [
  "meeting_scheduler",
  "last_routed",
  "closed_by",
  "account_owner",
  "default_owner",
];

export const STRATEGY_TEXT: Record<OwnerStrategy, { title: string; detail: string }> = {
  meeting_scheduler: {
    title: "Meeting scheduler",
    detail: "The chat user the visitor booked a meeting with (agents.meetingScheduledWith)",
  },
  last_routed: {
    title: "Last routed",
    detail: "The chat user last routed into the conversation (agents.lastRouted)",
  },
  closed_by: {
    title: "Closed by",
    detail: "The chat user who closed the conversation (agents.closedBy)",
  },
  account_owner: {
    title: "Account owner",
    detail: "The owner the ownership rules find on the company's Salesforce Account",
  },
  default_owner: { title: "Default owner", detail: "A fixed user or queue" },
};

/**
 * The list the screen shows: the document's strategies in their rank, then any the document
 * leaves out (which are not used, so they show as off), each once.
 */
export function strategyList(settings: readonly OwnerStrategySetting[]): OwnerStrategySetting[] {
  const out: OwnerStrategySetting[] = [];
  for (const s of settings) {
    if (!out.some((o) => o.strategy === s.strategy)) out.push({ ...s });
  }
  for (const strategy of ALL_STRATEGIES) {
    if (!out.some((o) => o.strategy === strategy)) out.push({ strategy, enabled: false });
  }
  return out;
}

/** Moves the strategy at `from` to `to` (array positions), keeping the others' order. */
export function moveStrategy(
  settings: readonly OwnerStrategySetting[],
  from: number,
  to: number,
): OwnerStrategySetting[] {
  const list = strategyList(settings);
  const [moved] = list.splice(from, 1);
  if (!moved) return list;
  list.splice(Math.max(0, Math.min(to, list.length)), 0, moved);
  return list;
}

export function setStrategyEnabled(
  settings: readonly OwnerStrategySetting[],
  strategy: OwnerStrategy,
  enabled: boolean,
): OwnerStrategySetting[] {
  return strategyList(settings).map((s) => (s.strategy === strategy ? { ...s, enabled } : s));
}

// ---- users -----------------------------------------------------------------------------------

/** The 15-character key of a record Id (18-character Ids add a checksum). */
export function idKey(id: string): string {
  const t = id.trim();
  return t.length === 18 ? t.slice(0, 15) : t;
}

export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && idKey(a) === idKey(b);
}

export function userById(users: readonly SalesforceUser[], id: string | null | undefined) {
  return id ? users.find((u) => sameId(u.id, id)) : undefined;
}

/** "Sally Park" / "Sally Park (inactive)" / the Id when the org has no such User. */
export function userLabel(users: readonly SalesforceUser[], id: string | null | undefined): string {
  if (!id) return "Nobody";
  const user = userById(users, id);
  if (!user) return id.startsWith("00G") ? `Queue ${id}` : `${id} (not a User of this org)`;
  return user.isActive ? user.name : `${user.name} (inactive)`;
}

/** Users whose name, email or username contains `query` (case-insensitive). */
export function searchUsers(users: readonly SalesforceUser[], query: string): SalesforceUser[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...users];
  return users.filter(
    (u) =>
      u.name.toLowerCase().includes(q) ||
      u.email.toLowerCase().includes(q) ||
      u.username.toLowerCase().includes(q),
  );
}

const sameChatUser = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The admin's choice for a chat user: a manual mapping replacing any entry for that chat
 * user; `null` removes the entries (the chat user then follows the automatic email match).
 */
export function setUserMapping(
  mapping: readonly UserMapping[],
  chatUser: string,
  salesforceUserId: string | null,
): UserMapping[] {
  const others = mapping.filter((m) => !sameChatUser(m.chatUser, chatUser));
  if (salesforceUserId === null) return others;
  const at = mapping.findIndex((m) => sameChatUser(m.chatUser, chatUser));
  const entry: UserMapping = { chatUser, salesforceUserId, source: "manual" };
  if (at === -1) return [...others, entry];
  // Keep the row where it was, so the saved document's diff stays small.
  const out = [...mapping];
  out.splice(at, 1, entry);
  return out.filter((m, i) => i === at || !sameChatUser(m.chatUser, chatUser));
}

export function manualEntry(mapping: readonly UserMapping[], chatUser: string): UserMapping | undefined {
  return mapping.find((m) => m.source === "manual" && sameChatUser(m.chatUser, chatUser));
}

/** A queue as the default owner: Queue Ids start with 00G and have 15 or 18 characters. */
export function isQueueId(text: string): boolean {
  return /^00G[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(text.trim());
}

// ---- segments ----------------------------------------------------------------------------

export type ConditionOp = Condition["op"];
export type FieldKind = "industry" | "companySize" | "employees" | "country" | "domain" | "metadata";

export const FIELD_TEXT: Record<FieldKind, string> = {
  industry: "Industry",
  companySize: "Company size (band)",
  employees: "Employees",
  country: "Country",
  domain: "Domain",
  metadata: "Metadata key…",
};

export const OP_TEXT: Record<ConditionOp, string> = {
  equals: "is",
  notEquals: "is not",
  contains: "contains",
  in: "is one of",
  between: "is between",
  gte: "is at least",
  lte: "is at most",
};

export const TEXT_OPS: readonly ConditionOp[] = ["equals", "notEquals", "contains", "in"];
export const NUMERIC_OPS: readonly ConditionOp[] = ["between", "gte", "lte"];

export function fieldKind(field: string): FieldKind {
  if (field.startsWith("metadata.")) return "metadata";
  return (
    (["industry", "companySize", "employees", "country", "domain"] as const).find((k) => k === field) ??
    "industry"
  );
}

/** Numeric tests apply to head counts and metadata values only (as the core checks). */
export function allowsNumeric(field: string): boolean {
  return field === "employees" || field.startsWith("metadata.");
}

export function opsFor(field: string): readonly ConditionOp[] {
  return allowsNumeric(field) ? [...TEXT_OPS, ...NUMERIC_OPS] : TEXT_OPS;
}

/** A condition's value(s) as text, for carrying over when the operator changes. */
function valueTexts(c: Condition): string[] {
  switch (c.op) {
    case "in":
      return c.values;
    case "between":
      return [String(c.min), String(c.max)];
    default:
      return [String(c.value)];
  }
}

function asNumber(text: string | undefined, fallback = 0): number {
  const n = Number(text);
  return text !== undefined && text.trim() !== "" && Number.isFinite(n) ? n : fallback;
}

/** The condition with another field or operator, keeping what value it can. */
export function reshapeCondition(c: Condition, field: string, op: ConditionOp): Condition {
  const op2 = opsFor(field).includes(op) ? op : "equals";
  const values = valueTexts(c);
  const first = values[0] ?? "";
  switch (op2) {
    case "equals":
    case "notEquals":
    case "contains":
      return { op: op2, field, value: values.join(", ") };
    case "in":
      return {
        op: "in",
        field,
        values: values
          .flatMap((v) => v.split(","))
          .map((v) => v.trim())
          .filter((v) => v !== ""),
      };
    case "between":
      return { op: "between", field, min: asNumber(first), max: asNumber(values[1], asNumber(first)) };
    case "gte":
    case "lte":
      return { op: op2, field, value: asNumber(first) };
  }
}

export function newCondition(): Condition {
  return { op: "equals", field: "industry", value: "" };
}

/** A name for a new segment that no segment has yet. */
export function newSegmentName(segments: readonly Segment[]): string {
  const taken = new Set(segments.map((s) => s.name.trim().toLowerCase()));
  for (let n = segments.length + 1; ; n++) {
    const name = `Segment ${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/**
 * Renames a segment and the rules that refer to it, so a rename never breaks a rule.
 */
export function renameSegment(doc: MappingDocument, index: number, name: string): MappingDocument {
  const old = doc.segments[index]?.name;
  if (old === undefined) return doc;
  const key = old.trim().toLowerCase();
  return {
    ...doc,
    segments: doc.segments.map((s, i) => (i === index ? { ...s, name } : s)),
    ownershipRules: doc.ownershipRules.map((r) =>
      r.segment.trim().toLowerCase() === key ? { ...r, segment: name } : r,
    ),
  };
}

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (to < 0 || to >= out.length) return out;
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

export function newRule(segments: readonly Segment[]): OwnershipRule {
  return { segment: segments[0]?.name ?? "", ownerField: "OwnerId", thenBy: null, fallbackUserId: null };
}

/** Audit lookups to User: who created or last changed the record, never its owner. */
const AUDIT_FIELDS = new Set(["CreatedById", "LastModifiedById"]);

/** Account fields a rule can read an owner from: lookups to User (OwnerId first). */
export function userLookupFields(fields: readonly FieldDescribe[]): FieldDescribe[] {
  return fields
    .filter((f) => f.type === "reference" && f.referenceTo.includes("User") && !AUDIT_FIELDS.has(f.name))
    .sort((a, b) => (a.name === "OwnerId" ? -1 : b.name === "OwnerId" ? 1 : a.label.localeCompare(b.label)));
}
