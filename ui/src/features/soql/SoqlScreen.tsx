import "./soql.css";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { ApiError, api } from "../../api";
import type { ConsoleCheck } from "../../bindings/ConsoleCheck";
import type { QueryResult } from "../../bindings/QueryResult";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Tabs } from "../../components/Tabs";
import { useLoad } from "../../hooks";
import { createCatalog } from "./catalog";
import { HistoryPanel } from "./HistoryPanel";
import { PreviewPanel } from "./PreviewPanel";
import { ResultsTable } from "./ResultsTable";
import { SoqlEditor } from "./SoqlEditor";
import { download, rowsText, toCsv } from "./table";

type TabId = "console" | "history" | "preview";

/** Row caps offered: multiples of Salesforce's 2,000-row page, so pages are never cut. */
export const ROW_CAPS = [2_000, 10_000, 20_000, 50_000] as const;
const CHECK_DEBOUNCE_MS = 120;
/** The editor's text survives leaving the screen (kept in this window's session only). */
const DRAFT_KEY = "leadbridge.soql.draft";

type Run =
  | { state: "idle" }
  | { state: "running" }
  | { state: "done"; result: QueryResult; loadingMore: boolean; moreError: unknown }
  | { state: "failed"; error: unknown };

function readDraft(): string {
  try {
    return sessionStorage.getItem(DRAFT_KEY) ?? "";
  } catch {
    return "";
  }
}

export function SoqlScreen() {
  const [tab, setTab] = useState<TabId>("console");
  const [text, setText] = useState(readDraft);
  const [verdict, setVerdict] = useState<{ text: string; check: ConsoleCheck } | null>(null);
  const [cap, setCap] = useState<number>(ROW_CAPS[0]);
  const [run, setRun] = useState<Run>({ state: "idle" });
  const [status, setStatus] = useState("");
  const [history, reloadHistory] = useLoad(api.soqlHistory);
  const catalog = useMemo(createCatalog, []);
  const feedbackId = useId();
  const editorFocus = useRef<(() => void) | null>(null);

  useEffect(() => {
    try {
      sessionStorage.setItem(DRAFT_KEY, text);
    } catch {
      // Storage full or disabled: the draft just does not survive navigation.
    }
  }, [text]);

  // The guard checks as you type (a local call, no Salesforce request).
  useEffect(() => {
    if (text.trim() === "") {
      setVerdict(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api.soqlCheck(text).then(
        (check) => live && setVerdict({ text, check }),
        () => live && setVerdict(null),
      );
    }, CHECK_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);

  const current = verdict && verdict.text === text ? verdict.check : null;
  const refusal = current?.status === "refused" ? current.refusal : null;
  const accepted = current?.status === "accepted" ? current.query : null;
  const canRun = accepted !== null && run.state !== "running";

  const execute = () => {
    if (!canRun) return;
    setRun({ state: "running" });
    setStatus("");
    api.soqlRun(text, cap).then(
      (result) => {
        setRun({ state: "done", result, loadingMore: false, moreError: null });
        reloadHistory();
      },
      (error: unknown) => {
        setRun({ state: "failed", error });
        reloadHistory();
      },
    );
  };

  // The latest run, for loading more without side effects inside a state update.
  const runRef = useRef(run);
  runRef.current = run;
  const loadMore = useCallback(() => {
    const r = runRef.current;
    if (r.state !== "done" || r.loadingMore || !r.result.nextRecordsUrl) return;
    const url = r.result.nextRecordsUrl;
    // Only the run that asked may take the page: a new Run meanwhile wins.
    const same = (now: Run): now is Extract<Run, { state: "done" }> =>
      now.state === "done" && now.result.nextRecordsUrl === url;
    const next: Run = { ...r, loadingMore: true, moreError: null };
    runRef.current = next;
    setRun(next);
    api.soqlNextPage(url, r.result.columns).then(
      (page) =>
        setRun((now) =>
          same(now)
            ? {
                state: "done",
                loadingMore: false,
                moreError: null,
                result: {
                  ...now.result,
                  columns: page.columns,
                  rows: [...now.result.rows, ...page.rows],
                  done: page.done,
                  nextRecordsUrl: page.nextRecordsUrl,
                  pages: now.result.pages + 1,
                },
              }
            : now,
        ),
      (error: unknown) =>
        setRun((now) => (same(now) ? { ...now, loadingMore: false, moreError: error } : now)),
    );
  }, []);

  // A status line (copied, exported) fades after a moment.
  useEffect(() => {
    if (!status) return;
    const t = setTimeout(() => setStatus(""), 2500);
    return () => clearTimeout(t);
  }, [status]);

  const openInConsole = (soql: string) => {
    setText(soql);
    setTab("console");
    setRun({ state: "idle" });
  };

  return (
    <div className="soql-screen">
      <Tabs<TabId>
        label="SOQL"
        value={tab}
        onChange={setTab}
        items={[
          { id: "console", label: "Console" },
          {
            id: "history",
            label: "History",
            badge: history.state === "ready" && history.value.length > 0 ? history.value.length : undefined,
          },
          { id: "preview", label: "The app's own queries" },
        ]}
      />
      {tab === "console" && (
        <div className="stack" role="tabpanel">
          <section className="card soql-console">
            <SoqlEditor
              value={text}
              onChange={setText}
              onRun={execute}
              refusal={refusal}
              catalog={catalog}
              describedBy={feedbackId}
              focusRef={editorFocus}
            />
            <div className="soql-console-bar">
              <Feedback
                id={feedbackId}
                empty={text.trim() === ""}
                check={current}
                onShow={() => editorFocus.current?.()}
              />
              <label className="soql-cap">
                Row cap
                <select value={cap} onChange={(e) => setCap(Number(e.target.value))} data-testid="soql-cap">
                  {ROW_CAPS.map((n) => (
                    <option key={n} value={n}>
                      {n.toLocaleString()}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                onClick={execute}
                disabled={!canRun}
                title={refusal ? "The query is refused: see the reason beside" : "Run (Ctrl+Enter)"}
                data-testid="soql-run"
              >
                {run.state === "running" ? "Running…" : "Run"}
              </button>
            </div>
          </section>
          <Results run={run} onLoadMore={loadMore} onStatus={setStatus} />
          <p className="sr-only" role="status" aria-live="polite" data-testid="soql-status">
            {status}
          </p>
          {status && <div className="toast">{status}</div>}
        </div>
      )}
      {tab === "history" && (
        <div role="tabpanel">
          <HistoryPanel
            history={history}
            onReuse={openInConsole}
            onClear={() => api.soqlHistoryClear().then(reloadHistory)}
          />
        </div>
      )}
      {tab === "preview" && (
        <div role="tabpanel">
          <PreviewPanel onOpen={openInConsole} />
        </div>
      )}
    </div>
  );
}

/** What the guard says about the text, under the editor. */
function Feedback({
  id,
  empty,
  check,
  onShow,
}: {
  id: string;
  empty: boolean;
  check: ConsoleCheck | null;
  onShow: () => void;
}) {
  if (empty) {
    return (
      <p id={id} className="soql-feedback muted" data-testid="soql-feedback">
        Write one SELECT query. Ctrl+Space suggests objects and fields; Ctrl+Enter runs.
      </p>
    );
  }
  if (!check) {
    return (
      <p id={id} className="soql-feedback muted" data-testid="soql-feedback">
        Checking…
      </p>
    );
  }
  if (check.status === "refused") {
    const r = check.refusal;
    return (
      <p id={id} className="soql-feedback refused" role="alert" data-testid="soql-feedback">
        <span className="badge badge-danger">SOQL_REFUSED</span>
        <span data-testid="soql-refusal">
          Refused at line {r.line}, column {r.lineColumn}: {r.reason}
        </span>
        <button type="button" className="link" onClick={onShow}>
          Show
        </button>
      </p>
    );
  }
  const q = check.query;
  return (
    <p id={id} className="soql-feedback ok" data-testid="soql-feedback">
      <span className="badge badge-success">Read-only</span>
      <span>
        {q.isCount ? "COUNT() " : `${q.fields.length} ${q.fields.length === 1 ? "field" : "fields"} `}
        from <span className="mono">{q.object}</span>
        {q.hasLimit && q.limit !== null ? `, LIMIT ${q.limit}` : ""}. Ready to run.
      </span>
    </p>
  );
}

function Results({
  run,
  onLoadMore,
  onStatus,
}: {
  run: Run;
  onLoadMore: () => void;
  onStatus: (message: string) => void;
}) {
  if (run.state === "idle") return null;
  if (run.state === "running") return <p className="muted">Running the query…</p>;
  if (run.state === "failed") {
    const notConnected = run.error instanceof ApiError && run.error.code === "NOT_CONNECTED";
    return (
      <div className="stack" data-testid="soql-error">
        <ErrorBanner error={run.error} />
        {notConnected && (
          <p>
            Connect an org (or the demo org) on the <a href="#/connect">Connect</a> screen, then run the query
            again.
          </p>
        )}
      </div>
    );
  }
  const { result, loadingMore, moreError } = run;
  if (result.isCount) {
    return (
      <section className="card soql-count" data-testid="soql-count">
        <span className="muted">COUNT()</span>
        <strong>{result.totalSize.toLocaleString()}</strong>
      </section>
    );
  }
  const loaded = result.rows.length;
  const exportCsv = () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
    download(`soql-${stamp}.csv`, toCsv(result.columns, result.rows), "text/csv;charset=utf-8");
    onStatus(`Exported ${loaded.toLocaleString()} rows as CSV.`);
  };
  const summary = (
    <>
      <strong data-testid="soql-summary">
        {loaded.toLocaleString()} of {rowsText(result.totalSize)}
      </strong>
      <span className="muted">
        {result.pages} {result.pages === 1 ? "page" : "pages"}
        {result.done ? ", all rows in" : ""}
      </span>
    </>
  );
  const actions = (
    <>
      {result.nextRecordsUrl && (
        <button
          type="button"
          className="secondary"
          onClick={onLoadMore}
          disabled={loadingMore}
          data-testid="soql-load-more"
        >
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
      <button
        type="button"
        className="secondary"
        onClick={exportCsv}
        disabled={loaded === 0}
        data-testid="soql-csv"
      >
        Export CSV
      </button>
    </>
  );
  return (
    <section className="card soql-result" aria-label="Results">
      {moreError !== null && <ErrorBanner error={moreError} />}
      {loaded === 0 ? (
        <>
          <div className="toolbar">{summary}</div>
          <div className="empty-state" data-testid="soql-no-rows">
            <h2>No rows</h2>
            <p>Nothing in the org matches this query.</p>
          </div>
        </>
      ) : (
        <ResultsTable
          columns={result.columns}
          rows={result.rows}
          canLoadMore={result.nextRecordsUrl !== null}
          loadingMore={loadingMore}
          onLoadMore={onLoadMore}
          onStatus={onStatus}
          summary={summary}
          actions={actions}
        />
      )}
    </section>
  );
}
