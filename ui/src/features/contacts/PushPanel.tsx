import { screenHref } from "../../route";
import "./push.css";
import { ApiError } from "../../api";
import type { SyncProgress } from "../../bindings/SyncProgress";
import type { SyncSummary } from "../../bindings/SyncSummary";
import { ErrorBanner } from "../../components/ErrorBanner";
import { plural, progressPercent, progressText, summaryTitle } from "./push";

/** A running push: the bar, its counts, and Cancel. */
export function PushProgressPanel({
  progress,
  cancelling,
  onCancel,
}: {
  progress: SyncProgress;
  cancelling: boolean;
  onCancel: () => void;
}) {
  const percent = progressPercent(progress);
  return (
    <div className="card push-progress" role="status" data-testid="push-progress">
      <div className="push-progress-head">
        <strong>
          {progress.stage === "planning"
            ? "Preparing the push"
            : `Pushing ${plural(progress.total, "contact", "contacts")} to Salesforce`}
        </strong>
        <span className="spacer" />
        <button
          type="button"
          className="secondary"
          onClick={onCancel}
          disabled={cancelling}
          data-testid="push-cancel"
        >
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
        aria-label="Contacts done"
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <span className="hint" data-testid="push-progress-text">
        {progressText(progress, cancelling)}
      </span>
    </div>
  );
}

/** How a push ended: counts, failures (to the Deliveries screen), or the error that stopped it. */
export function PushResultPanel({ progress, onDismiss }: { progress: SyncProgress; onDismiss: () => void }) {
  const summary = progress.summary;
  return (
    <div className={`card push-result ${resultTone(progress)}`} role="status" data-testid="push-result">
      <div className="push-progress-head">
        <h2 data-testid="push-result-title">
          {summary ? summaryTitle(summary) : "The push stopped on an error"}
        </h2>
        <span className="spacer" />
        <button
          type="button"
          className="ghost"
          onClick={onDismiss}
          aria-label="Dismiss"
          data-testid="push-dismiss"
        >
          ✕
        </button>
      </div>
      {progress.error && <ErrorBanner error={new ApiError(progress.error)} />}
      {progress.error && (
        <p className="hint">
          Deliveries already logged are in the <a href="#/deliveries">Deliveries</a> screen; unfinished ones
          resume with the next push.
        </p>
      )}
      {summary && <SummaryCounts summary={summary} />}
    </div>
  );
}

function resultTone(p: SyncProgress): string {
  if (p.error || (p.summary && p.summary.failed > 0)) return "push-result-bad";
  if (p.summary && (p.summary.cancelled || p.summary.pending > 0)) return "push-result-warn";
  return "push-result-good";
}

function SummaryCounts({ summary: s }: { summary: SyncSummary }) {
  const counts: [string, number, string][] = [
    ["created", s.created, "created"],
    ["updated", s.updated, "updated"],
    ["unchanged", s.unchanged, "unchanged"],
    ["skipped", s.skipped, "skipped"],
    ["failed", s.failed, "failed"],
  ];
  if (s.pending > 0) counts.push(["pending", s.pending, "left pending"]);
  return (
    <>
      <ul className="push-counts" data-testid="push-counts">
        {counts.map(([id, n, label]) => (
          <li
            key={id}
            className={`push-count count-${id}${n === 0 ? " zero" : ""}`}
            data-testid={`push-${id}`}
          >
            <strong>{n.toLocaleString()}</strong> {label}
          </li>
        ))}
      </ul>
      <p className="hint">
        {plural(s.apiCalls, "API call", "API calls")} to write, {plural(s.lookupCalls, "call", "calls")} to
        look up.
        {s.pending > 0 &&
          " The pending deliveries were not sent; the next push finishes them first, without sending anything twice."}
      </p>
      {s.failed > 0 && (
        <div className="push-failures" data-testid="push-failures">
          <ul>
            {s.failures.map((f) => (
              <li key={f.deliveryId ?? f.email}>
                <span className="plan-email">{f.email}</span>{" "}
                {f.error && <span className="badge badge-danger">{f.error.code}</span>}{" "}
                <span className="muted">{f.error?.message}</span>
              </li>
            ))}
          </ul>
          {s.failed > s.failures.length && (
            <p className="hint">
              …and {plural(s.failed - s.failures.length, "more failure", "more failures")}.
            </p>
          )}
          <a
            // This push's failures: the log filtered to failed deliveries of its batch.
            href={screenHref(
              "deliveries",
              s.batchId === null ? { status: "failed" } : { status: "failed", batch: s.batchId },
            )}
            className="push-deliveries-link"
            data-testid="push-open-deliveries"
          >
            Inspect and retry the {plural(s.failed, "failure", "failures")} in Deliveries →
          </a>
        </div>
      )}
    </>
  );
}
