// The manual push's plain logic: the core selection for the screen's ticks, plan groups,
// and the words for progress and outcomes. No React here, so it is tested on its own.
import type { BulkProgress } from "../../bindings/BulkProgress";
import type { BulkStage } from "../../bindings/BulkStage";
import type { Plan } from "../../bindings/Plan";
import type { PlanItem } from "../../bindings/PlanItem";
import type { Selection as PushSelection } from "../../bindings/Selection";
import type { SyncProgress } from "../../bindings/SyncProgress";
import type { SyncSummary } from "../../bindings/SyncSummary";
import type { Selection } from "./selection";
import { type ContactFilters, toQuery } from "./useContactWindow";

/** More contacts than this ask for a confirmation before pushing. */
export const CONFIRM_ABOVE = 5;

/** Items shown per group in the preview; the push takes them all. */
export const PREVIEW_ITEMS_PER_GROUP = 100;

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/**
 * The core's selection for the screen's ticks: explicit rows by email, or "all matching the
 * filters" minus the rows unticked since.
 */
export function toPushSelection(selection: Selection, filters: ContactFilters): PushSelection {
  if (!selection.all) return { emails: [...selection.emails] };
  return { matching: { query: toQuery(filters), except: [...selection.except] } };
}

export type GroupId = "create" | "update" | "invalid" | "skipped" | "unchanged";

export interface PlanGroup {
  id: GroupId;
  title: string;
  items: PlanItem[];
}

const GROUP_TITLES: Record<GroupId, string> = {
  create: "New Leads",
  update: "Updates",
  invalid: "Cannot be sent",
  skipped: "Skipped",
  unchanged: "Unchanged",
};

/** Which group an item belongs in: a value that cannot be sent wins over its action. */
export function groupOf(item: PlanItem): GroupId {
  if (item.problem) return "invalid";
  return item.action;
}

/** The plan's items by action, in the order people act on them; empty groups left out. */
export function groupPlan(plan: Plan): PlanGroup[] {
  const order: GroupId[] = ["create", "update", "invalid", "skipped", "unchanged"];
  const by = new Map<GroupId, PlanItem[]>(order.map((g) => [g, []]));
  for (const item of plan.items) by.get(groupOf(item))?.push(item);
  return order
    .map((id) => ({ id, title: GROUP_TITLES[id], items: by.get(id) ?? [] }))
    .filter((g) => g.items.length > 0);
}

/** What the confirmation says will happen. */
export function planSentence(plan: Plan): string {
  const t = plan.totals;
  const parts: string[] = [];
  if (t.create > 0) parts.push(`${plural(t.create, "new Lead", "new Leads")} will be created`);
  if (t.update > 0) parts.push(`${plural(t.update, "record", "records")} updated`);
  if (t.unchanged > 0) parts.push(`${t.unchanged.toLocaleString()} already up to date`);
  if (t.skipped > 0) parts.push(`${t.skipped.toLocaleString()} skipped`);
  if (t.invalid > 0) parts.push(`${t.invalid.toLocaleString()} cannot be sent`);
  if (parts.length === 0) return "Nothing to push.";
  const extra: string[] = [];
  if (t.campaignMembers > 0) extra.push(plural(t.campaignMembers, "campaign member", "campaign members"));
  if (t.opportunities > 0) extra.push(plural(t.opportunities, "Opportunity", "Opportunities"));
  const sentence = `${parts.join(", ")}.`;
  return extra.length > 0 ? `${sentence} Also: ${extra.join(", ")}.` : sentence;
}

/** Items continuing a delivery an earlier push left unfinished. */
export function resumedCount(plan: Plan): number {
  return plan.items.filter((i) => i.continues !== null && !i.continues.retry).length;
}

/** A field value as people read it: text as is, nothing as an em dash. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** True while a push is planning or writing. */
export function isRunning(p: SyncProgress | null): boolean {
  return p !== null && (p.stage === "planning" || p.stage === "writing");
}

/** The progress line under the bar. */
export function progressText(p: SyncProgress, cancelling: boolean): string {
  if (cancelling) return "Cancelling: the calls already sent finish and are logged; the rest stays pending.";
  if (p.stage === "planning") return "Looking up the contacts' records in Salesforce…";
  const counts = [
    `${p.done.toLocaleString()} of ${plural(p.total, "contact", "contacts")} done`,
    `${p.sent.toLocaleString()} sent`,
    `${p.succeeded.toLocaleString()} succeeded`,
    `${p.failed.toLocaleString()} failed`,
    `${p.skipped.toLocaleString()} skipped`,
  ];
  const bulk = p.bulk ? ` — Bulk API 2.0: ${bulkText(p.bulk)}` : "";
  return `${counts.join(" · ")} — ${plural(p.apiCalls, "API call", "API calls")}${bulk}`;
}

const BULK_STAGES: Record<BulkStage, string> = {
  writing: "writing the CSV files",
  uploading: "uploading",
  processing: "Salesforce is processing",
  results: "reading the results",
  aborting: "aborting the open jobs",
  done: "done",
};

/** Where the Bulk API 2.0 jobs of a push stand (Salesforce processes them on its side). */
export function bulkText(b: BulkProgress): string {
  return `${BULK_STAGES[b.stage]}, ${b.jobsDone} of ${plural(b.jobs, "job", "jobs")} done, ${b.processed.toLocaleString()} of ${b.records.toLocaleString()} records processed`;
}

/** The bar's fill, 0–100; a sliver while planning. */
export function progressPercent(p: SyncProgress): number {
  if (p.stage === "planning" || p.total === 0) return 3;
  return Math.max(3, Math.round((100 * p.done) / p.total));
}

/** The summary's headline. */
export function summaryTitle(s: SyncSummary): string {
  const finished = s.created + s.updated + s.unchanged + s.skipped + s.failed;
  if (s.cancelled && finished === 0 && s.pending === 0) return "Push cancelled before anything was sent";
  if (s.cancelled) return "Push cancelled";
  if (s.failed > 0) return "Push finished with failures";
  return "Push finished";
}
