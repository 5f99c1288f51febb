import "./deliveries.css";
import { useCallback, useEffect, useMemo, useState } from "react";
import { api } from "../../api";
import type { CsvExport } from "../../bindings/CsvExport";
import type { DeliveryDetail } from "../../bindings/DeliveryDetail";
import type { DeliveryObject } from "../../bindings/DeliveryObject";
import type { DeliveryStatus } from "../../bindings/DeliveryStatus";
import type { SortField } from "../../bindings/SortField";
import type { SyncProgress } from "../../bindings/SyncProgress";
import type { SyncReport } from "../../bindings/SyncReport";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatCount } from "../../format";
import { type Loadable, useKeepLast, useLoad } from "../../hooks";
import { hashParam } from "../../route";
import { STATUS_OPTIONS } from "./cells";
import { DeliveryChart } from "./DeliveryChart";
import { DeliveryPanel } from "./DeliveryPanel";
import { DeliveryTable } from "./DeliveryTable";
import { useLoadFrom } from "./load";
import { RetentionDialog } from "./RetentionDialog";
import {
  type DeliveryFilters,
  filtersFromHash,
  hasFilters,
  NO_FILTERS,
  toQuery,
  useDeliveryWindow,
} from "./useDeliveryWindow";

const SEARCH_DEBOUNCE_MS = 250;
const CHART_DAYS = 30;
const OBJECTS: DeliveryObject[] = ["Lead", "Contact", "Account", "Opportunity", "CampaignMember", "Task"];

/** What a confirmed retry takes: these failed deliveries, or every failed one. */
type RetryAsk = { ids: number[] } | { all: number };

const plural = formatCount;

/** The chart's range: the last CHART_DAYS UTC days, today included. */
function chartRange(): { from: string; to: string } {
  const now = new Date();
  const tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return {
    from: new Date(tomorrow - CHART_DAYS * 86_400_000).toISOString(),
    to: new Date(tomorrow).toISOString(),
  };
}

function reportText(r: SyncReport): string {
  const count = (s: string) => r.results.filter((x) => x.status === s).length;
  if (r.results.length === 0 && r.pending.length === 0)
    return "Nothing to retry: no failed delivery is left.";
  const parts = [`${count("succeeded")} succeeded`, `${count("failed")} failed`];
  if (count("skipped") > 0) parts.push(`${count("skipped")} skipped`);
  if (r.pending.length > 0) parts.push(`${r.pending.length} left pending`);
  return `${r.cancelled ? "Retry cancelled" : "Retry finished"}: ${parts.join(", ")}.`;
}

/** The delivery log: find failures, understand them, retry them. */
export function DeliveriesScreen() {
  // A link from elsewhere (`#/deliveries?delivery=12&search=jane%40acme.com`, a push's
  // `?status=failed&batch=4`) opens the log filtered so, with that delivery open.
  const [filters, setFilters] = useState<DeliveryFilters>(() => filtersFromHash());
  const [searchText, setSearchText] = useState(() => hashParam("search") ?? "");
  const [generation, setGeneration] = useState(0);
  /** Selected delivery ids, and whether each was failed when selected. */
  const [selected, setSelected] = useState<ReadonlyMap<number, boolean>>(new Map());
  const [openId, setOpenId] = useState<number | null>(() => {
    const linked = Number(hashParam("delivery"));
    return Number.isInteger(linked) && linked > 0 ? linked : null;
  });
  const [ask, setAsk] = useState<RetryAsk | null>(null);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [retrying, setRetrying] = useState(false);
  const [report, setReport] = useState<SyncReport | null>(null);
  const [exported, setExported] = useState<CsvExport | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showRetention, setShowRetention] = useState(false);
  const w = useDeliveryWindow(filters, generation);
  const total = w.total ?? 0;
  const filtered = hasFilters(filters);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` refreshes the chart after a retry.
  const statsLoader = useCallback(() => {
    const { from, to } = chartRange();
    return api.deliveriesStats("day", from, to);
  }, [generation]);
  const stats = useKeepLast(useLoadFrom(statsLoader));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` refreshes the menu after a retry.
  const codesLoader = useCallback(() => api.deliveriesErrorCodes({}), [generation]);
  const codes = useKeepLast(useLoadFrom(codesLoader));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` reloads the open delivery after an action.
  const detailLoader = useCallback(
    () => (openId === null ? Promise.resolve(null) : api.deliveriesGet(openId)),
    [openId, generation],
  );
  // After an action the open delivery reloads in place: keep showing it meanwhile, but never
  // another delivery's detail under this one's title.
  const detailKept = useKeepLast(useLoadFrom(detailLoader));
  const detail: Loadable<DeliveryDetail> =
    detailKept.state === "failed"
      ? detailKept
      : detailKept.state === "ready" && detailKept.value !== null && detailKept.value.delivery.id === openId
        ? { state: "ready", value: detailKept.value }
        : { state: "loading" };
  const [retention, reloadRetention] = useLoad(api.deliveriesSettings);

  useEffect(() => {
    const t = setTimeout(
      () => setFilters((f) => (f.search === searchText ? f : { ...f, search: searchText })),
      SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(t);
  }, [searchText]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `filters` is the trigger, not an input.
  useEffect(() => setSelected(new Map()), [filters]);

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let live = true;
    api
      .onRetryProgress((p) => setProgress(p))
      .then((u) => {
        if (live) unlisten = u;
        else u();
      })
      .catch(() => {});
    return () => {
      live = false;
      unlisten?.();
    };
  }, []);

  const change = (patch: Partial<DeliveryFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const clearFilters = () => {
    setSearchText("");
    change(NO_FILTERS);
  };
  const onSort = (field: SortField) =>
    setFilters((f) =>
      f.sort === field
        ? { ...f, descending: !f.descending }
        : { ...f, sort: field, descending: field === "createdAt" },
    );
  // Stable callbacks and selection set: the table's rows are memoised on them.
  const onToggle = useCallback(
    (id: number, failed: boolean) =>
      setSelected((s) => {
        const next = new Map(s);
        if (next.has(id)) next.delete(id);
        else next.set(id, failed);
        return next;
      }),
    [],
  );
  const selectedIds = useMemo(() => new Set(selected.keys()), [selected]);
  const closePanel = useCallback(() => setOpenId(null), []);
  const refresh = () => setGeneration((g) => g + 1);

  const selectedFailed = useMemo(
    () => [...selected].filter(([, failed]) => failed).map(([id]) => id),
    [selected],
  );

  const askRetryAll = async () => {
    setActionError(null);
    try {
      const failed = await api.deliveriesList({ status: ["failed"], limit: 1 });
      setAsk({ all: failed.total ?? 0 });
    } catch (e) {
      setActionError(e);
    }
  };

  const runRetry = async (ids: number[] | null) => {
    setAsk(null);
    setActionError(null);
    setReport(null);
    setNotice(null);
    setProgress(null);
    setRetrying(true);
    try {
      setReport(await api.deliveriesRetry(ids));
      setSelected(new Map());
    } catch (e) {
      setActionError(e);
    } finally {
      setRetrying(false);
      setProgress(null);
      refresh();
    }
  };

  const resolve = async (ids: number[]) => {
    setActionError(null);
    setNotice(null);
    try {
      const n = await api.deliveriesMarkResolved(ids);
      setNotice(`${plural(n, "delivery", "deliveries")} marked resolved.`);
      setSelected(new Map());
      refresh();
    } catch (e) {
      setActionError(e);
    }
  };

  const exportCsv = async () => {
    setActionError(null);
    setExported(null);
    try {
      setExported(await api.deliveriesExportCsv(toQuery(filters)));
    } catch (e) {
      setActionError(e);
    }
  };

  const emptyLog = w.total === 0 && !filtered;
  const errorCodes = codes.state === "ready" ? codes.value : [];

  return (
    <div className={openId === null ? "dl-screen" : "dl-screen dl-with-panel"}>
      <div className="dl-main">
        {stats.state === "ready" && !emptyLog && <DeliveryChart points={stats.value} />}
        {stats.state === "failed" && <ErrorBanner error={stats.error} />}

        {!emptyLog && (
          // biome-ignore lint/a11y/useSemanticElements: older WebKitGTK (the Linux webview) lacks <search>; the role is its ARIA equivalent.
          <form className="toolbar dl-filters" role="search" onSubmit={(e) => e.preventDefault()}>
            <input
              type="search"
              className="dl-search"
              placeholder="Email or name…"
              aria-label="Search deliveries"
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
              data-testid="deliveries-search"
            />
            <select
              aria-label="Status"
              value={filters.status ?? ""}
              onChange={(e) =>
                change({ status: e.target.value === "" ? null : (e.target.value as DeliveryStatus) })
              }
              data-testid="filter-status"
            >
              <option value="">Any status</option>
              {STATUS_OPTIONS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            <select
              aria-label="Object"
              value={filters.object ?? ""}
              onChange={(e) =>
                change({ object: e.target.value === "" ? null : (e.target.value as DeliveryObject) })
              }
              data-testid="filter-object"
            >
              <option value="">Any object</option>
              {OBJECTS.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
            <select
              aria-label="Error code"
              value={filters.errorCode ?? ""}
              onChange={(e) => change({ errorCode: e.target.value === "" ? null : e.target.value })}
              data-testid="filter-error-code"
            >
              <option value="">Any error code</option>
              {errorCodes.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.code} ({c.count.toLocaleString()})
                </option>
              ))}
              {filters.errorCode !== null && !errorCodes.some((c) => c.code === filters.errorCode) && (
                <option value={filters.errorCode}>{filters.errorCode}</option>
              )}
            </select>
            {/* The range wraps as one piece on narrow windows. */}
            <span className="dl-range">
              <label className="dl-date">
                From
                <input
                  type="date"
                  value={filters.from}
                  max={filters.to || undefined}
                  onChange={(e) => change({ from: e.target.value })}
                  data-testid="filter-from"
                />
              </label>
              <label className="dl-date">
                To
                <input
                  type="date"
                  value={filters.to}
                  min={filters.from || undefined}
                  onChange={(e) => change({ to: e.target.value })}
                  data-testid="filter-to"
                />
              </label>
            </span>
            {filters.batchId !== null && (
              <span className="badge" data-testid="filter-batch" title="Only the deliveries of this push">
                Push #{filters.batchId}{" "}
                <button
                  type="button"
                  className="ghost link"
                  onClick={() => change({ batchId: null })}
                  aria-label={`Show deliveries of every push, not only push #${filters.batchId}`}
                  data-testid="filter-batch-clear"
                >
                  ✕
                </button>
              </span>
            )}
            {filtered && (
              <button type="button" className="ghost link" onClick={clearFilters} data-testid="clear-filters">
                Clear filters
              </button>
            )}
          </form>
        )}

        {w.error !== null && <ErrorBanner error={w.error} />}
        {actionError !== null && <ErrorBanner error={actionError} />}
        {retrying && (
          <div className="card dl-progress" role="status" data-testid="retry-progress">
            <span>
              Retrying…{" "}
              {progress && progress.total > 0
                ? `${progress.done} of ${plural(progress.total, "delivery", "deliveries")} done, ${progress.succeeded} succeeded, ${progress.failed} failed`
                : "looking up the records in Salesforce"}
            </span>
            <div className="progress" aria-hidden="true">
              <span
                style={{
                  width: `${progress && progress.total > 0 ? (100 * progress.done) / progress.total : 5}%`,
                }}
              />
            </div>
            <button
              type="button"
              className="secondary"
              onClick={() => api.deliveriesCancelRetry().catch(setActionError)}
              data-testid="retry-cancel"
            >
              Cancel
            </button>
          </div>
        )}
        {report && (
          <div className="card dl-notice" role="status" data-testid="retry-report">
            <span>{reportText(report)}</span>
            <button type="button" className="ghost" onClick={() => setReport(null)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}
        {notice && (
          <div className="card dl-notice" role="status">
            <span>{notice}</span>
            <button type="button" className="ghost" onClick={() => setNotice(null)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}
        {exported && (
          <div className="card dl-notice" role="status" data-testid="export-done">
            <span>
              Exported {plural(exported.rows, "delivery", "deliveries")} to <code>{exported.path}</code>
            </span>
            <button type="button" className="ghost" onClick={() => setExported(null)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}

        {emptyLog ? (
          <div className="empty-state" data-testid="deliveries-empty">
            <h2>No deliveries yet</h2>
            <p>
              Every record Leadbridge writes to Salesforce is logged here with its attempts, so failures can
              be inspected and retried. Push contacts from the <a href="#/contacts">Contacts</a> screen (or
              run <code>leadbridge sync</code>), or let the webhook deliver them as chats qualify.
            </p>
            <p className="hint">
              Check the <a href="#/mapping">Mapping</a> first: it decides which fields each delivery writes.
            </p>
          </div>
        ) : (
          <>
            <div className="toolbar dl-actions" aria-live="polite">
              <span data-testid="deliveries-count">
                {w.total === null
                  ? "Loading…"
                  : selected.size > 0
                    ? `${selected.size.toLocaleString()} of ${total.toLocaleString()} selected`
                    : filtered
                      ? `${plural(total, "delivery matches", "deliveries match")}`
                      : plural(total, "delivery", "deliveries")}
              </span>
              {selected.size > 0 && (
                <button type="button" className="ghost link" onClick={() => setSelected(new Map())}>
                  Clear selection
                </button>
              )}
              <span className="spacer" />
              {selected.size > 0 && (
                <>
                  <button
                    type="button"
                    disabled={retrying || selectedFailed.length === 0}
                    title={selectedFailed.length === 0 ? "Only failed deliveries can be retried" : undefined}
                    onClick={() => setAsk({ ids: selectedFailed })}
                    data-testid="retry-selected"
                  >
                    Retry {selectedFailed.length} selected
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={retrying || selectedFailed.length === 0}
                    onClick={() => resolve(selectedFailed)}
                    data-testid="resolve-selected"
                  >
                    Mark resolved
                  </button>
                </>
              )}
              <button
                type="button"
                className="secondary"
                disabled={retrying}
                onClick={askRetryAll}
                data-testid="retry-all"
              >
                Retry all failed…
              </button>
              <button type="button" className="secondary" onClick={exportCsv} data-testid="export-csv">
                Export CSV
              </button>
              <button
                type="button"
                className="ghost"
                onClick={() => setShowRetention(true)}
                data-testid="retention-open"
                title="How long finished deliveries are kept"
              >
                {retention.state === "ready"
                  ? retention.value.retentionDays === 0
                    ? "Retention: forever"
                    : `Retention: ${retention.value.retentionDays} days`
                  : "Retention"}
              </button>
            </div>
            {w.total === 0 ? (
              <div className="empty-state" data-testid="deliveries-none-match">
                <h2>No deliveries match these filters</h2>
                <p>Widen the date range, pick another status or error code, or clear the filters.</p>
                <div className="empty-actions">
                  <button type="button" onClick={clearFilters}>
                    Clear filters
                  </button>
                </div>
              </div>
            ) : (
              <DeliveryTable
                window={w}
                total={total}
                sort={filters.sort}
                descending={filters.descending}
                onSort={onSort}
                selected={selectedIds}
                openId={openId}
                onToggle={onToggle}
                onOpen={setOpenId}
              />
            )}
          </>
        )}
      </div>

      {openId !== null && (
        <DeliveryPanel
          id={openId}
          detail={detail}
          busy={retrying}
          onClose={closePanel}
          onOpen={setOpenId}
          onRetry={(id) => setAsk({ ids: [id] })}
          onResolve={(id) => resolve([id])}
        />
      )}

      {ask && (
        <Dialog
          title={"all" in ask ? "Retry all failed deliveries?" : "Retry failed deliveries?"}
          onClose={() => setAsk(null)}
          actions={
            <>
              <button type="button" className="secondary" onClick={() => setAsk(null)}>
                Cancel
              </button>
              <button
                type="button"
                disabled={"all" in ask && ask.all === 0}
                onClick={() => runRetry("all" in ask ? null : ask.ids)}
                data-testid="retry-confirm"
              >
                {"all" in ask
                  ? `Retry ${plural(ask.all, "delivery", "deliveries")}`
                  : `Retry ${plural(ask.ids.length, "delivery", "deliveries")}`}
              </button>
            </>
          }
        >
          <p data-testid="retry-question">
            {"all" in ask
              ? ask.all === 0
                ? "No delivery is failed right now: there is nothing to retry."
                : `${plural(ask.all, "failed delivery", "failed deliveries")} will be sent again.`
              : `${plural(ask.ids.length, "failed delivery", "failed deliveries")} will be sent again.`}{" "}
            Each contact is looked up in Salesforce first, so a record that already exists is updated, never
            duplicated. A retry that succeeds resolves the failure.
          </p>
        </Dialog>
      )}
      {showRetention && retention.state === "ready" && (
        <RetentionDialog
          current={retention.value}
          onClose={() => setShowRetention(false)}
          onSaved={(pruned) => {
            setShowRetention(false);
            reloadRetention();
            if (pruned.deliveries > 0) {
              setNotice(`${plural(pruned.deliveries, "old delivery was", "old deliveries were")} removed.`);
              refresh();
            }
          }}
        />
      )}
    </div>
  );
}
