import { useState } from "react";
import type { HistoryEntry } from "../../bindings/HistoryEntry";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import type { Loadable } from "../../hooks";
import { SoqlCode } from "./SoqlCode";
import { rowsText } from "./table";

/** The last statements run from the console, newest first; a click puts one back in the editor. */
export function HistoryPanel({
  history,
  onReuse,
  onClear,
}: {
  history: Loadable<HistoryEntry[]>;
  onReuse: (soql: string) => void;
  onClear: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (history.state === "loading") return <p className="muted">Loading the history…</p>;
  if (history.state === "failed") return <ErrorBanner error={history.error} />;
  const entries = history.value;
  if (entries.length === 0) {
    return (
      <div className="empty-state" data-testid="soql-history-empty">
        <h2>No queries yet</h2>
        <p>Every query you run from the console is kept here (the last 50), so you can run it again.</p>
      </div>
    );
  }
  return (
    <div className="stack">
      <div className="toolbar">
        <span className="muted">
          {entries.length} {entries.length === 1 ? "query" : "queries"}, newest first. Click one to open it in
          the console.
        </span>
        <span className="spacer" />
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          Clear history
        </button>
      </div>
      {error !== null && <ErrorBanner error={error} />}
      <ul className="soql-history" data-testid="soql-history">
        {entries.map((e) => (
          <li key={`${e.ranAt}-${e.soql}`}>
            <button
              type="button"
              className="soql-history-item"
              onClick={() => onReuse(e.soql)}
              data-testid="soql-history-item"
            >
              <SoqlCode soql={e.soql} />
              <span className="soql-history-meta">
                <span className="muted">{formatDateTime(e.ranAt)}</span>
                {e.errorCode ? (
                  <span className="badge badge-danger">{e.errorCode}</span>
                ) : (
                  <span className="badge badge-success">
                    {e.totalSize === null ? "ran" : rowsText(e.totalSize)}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {confirming && (
        <Dialog
          title="Clear the query history?"
          onClose={() => setConfirming(false)}
          actions={
            <>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirming(false);
                  onClear().catch(setError);
                }}
              >
                Clear
              </button>
            </>
          }
        >
          <p>
            The {entries.length} saved queries are removed from this computer. Salesforce is not affected.
          </p>
        </Dialog>
      )}
    </div>
  );
}
