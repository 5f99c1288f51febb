import { useEffect, useRef } from "react";
import type { Attempt } from "../../bindings/Attempt";
import type { DeliveryDetail } from "../../bindings/DeliveryDetail";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import type { Loadable } from "../../hooks";
import { OutcomeBadge, prettyJson, StatusBadge } from "./cells";

/**
 * One delivery: what went wrong (Salesforce's code, message and fields), the planned payload,
 * and every attempt with its request and response. Bodies arrive redacted from the core.
 */
export function DeliveryPanel({
  id,
  detail,
  busy,
  onClose,
  onOpen,
  onRetry,
  onResolve,
}: {
  id: number;
  detail: Loadable<DeliveryDetail>;
  busy: boolean;
  onClose: () => void;
  onOpen: (id: number) => void;
  onRetry: (id: number) => void;
  onResolve: (id: number) => void;
}) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const d = detail.state === "ready" ? detail.value.delivery : null;
  return (
    <aside className="dl-panel" aria-label={`Delivery ${id}`} data-testid="delivery-panel">
      <header className="dl-panel-header">
        <div className="dl-panel-title">
          <h2 data-testid="delivery-panel-title">
            Delivery {id} {d && <StatusBadge status={d.status} />}
          </h2>
          {d && (
            <p className="muted">
              {d.contactName ? `${d.contactName} · ` : ""}
              <span className="mono">{d.email}</span>
            </p>
          )}
        </div>
        <button
          ref={closeRef}
          type="button"
          className="ghost"
          onClick={onClose}
          aria-label="Close delivery details"
          data-testid="delivery-panel-close"
        >
          ✕
        </button>
      </header>
      <div className="dl-panel-body">
        {detail.state === "loading" && <p className="muted">Loading…</p>}
        {detail.state === "failed" && <ErrorBanner error={detail.error} />}
        {detail.state === "ready" && (
          <Detail
            detail={detail.value}
            busy={busy}
            onOpen={onOpen}
            onRetry={() => onRetry(id)}
            onResolve={() => onResolve(id)}
          />
        )}
      </div>
    </aside>
  );
}

function Detail({
  detail,
  busy,
  onOpen,
  onRetry,
  onResolve,
}: {
  detail: DeliveryDetail;
  busy: boolean;
  onOpen: (id: number) => void;
  onRetry: () => void;
  onResolve: () => void;
}) {
  const d = detail.delivery;
  return (
    <>
      {d.status === "failed" && (
        <div className="dl-panel-actions">
          <button type="button" onClick={onRetry} disabled={busy} data-testid="panel-retry">
            Retry this delivery
          </button>
          <button
            type="button"
            className="secondary"
            onClick={onResolve}
            disabled={busy}
            data-testid="panel-resolve"
          >
            Mark resolved
          </button>
        </div>
      )}
      {d.error && (
        <section className="dl-error" data-testid="delivery-error">
          <h3>
            {d.status === "skipped" ? "Why it was skipped" : "Salesforce error"}
            <span className="badge badge-danger mono" data-testid="delivery-error-code">
              {d.error.code}
            </span>
          </h3>
          <p data-testid="delivery-error-message">{d.error.message}</p>
          <dl className="facts">
            {d.error.fields.length > 0 && (
              <>
                <dt>Fields</dt>
                <dd className="mono">{d.error.fields.join(", ")}</dd>
              </>
            )}
            {d.error.httpStatus !== null && (
              <>
                <dt>HTTP status</dt>
                <dd>{d.error.httpStatus}</dd>
              </>
            )}
            {d.error.salesforceCode && d.error.salesforceCode !== d.error.code && (
              <>
                <dt>Salesforce code</dt>
                <dd className="mono">{d.error.salesforceCode}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      <section>
        <h3>Delivery</h3>
        <dl className="facts">
          <dt>Object</dt>
          <dd>
            {d.object} · {d.action}
          </dd>
          <dt>Trigger</dt>
          <dd>{d.trigger}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(d.createdAt)}</dd>
          <dt>Finished</dt>
          <dd>{d.finishedAt ? formatDateTime(d.finishedAt) : "not yet"}</dd>
          {d.company && (
            <>
              <dt>Company</dt>
              <dd>{d.company}</dd>
            </>
          )}
          {d.salesforceId && (
            <>
              <dt>Salesforce id</dt>
              <dd className="mono">{d.salesforceId}</dd>
            </>
          )}
          {d.ownerId && (
            <>
              <dt>Owner</dt>
              <dd className="mono">
                {d.ownerId}
                {d.ownerReason && <span className="muted"> ({d.ownerReason})</span>}
              </dd>
            </>
          )}
          {d.opportunityId && (
            <>
              <dt>Opportunity</dt>
              <dd className="mono">{d.opportunityId}</dd>
            </>
          )}
          {d.campaignMemberId && (
            <>
              <dt>Campaign member</dt>
              <dd className="mono">{d.campaignMemberId}</dd>
            </>
          )}
          {d.retryOf !== null && (
            <>
              <dt>Retry of</dt>
              <dd>
                <button type="button" className="link" onClick={() => onOpen(d.retryOf ?? 0)}>
                  Delivery {d.retryOf}
                </button>
              </dd>
            </>
          )}
          {detail.retriedBy.length > 0 && (
            <>
              <dt>Retried by</dt>
              <dd data-testid="retried-by">
                {detail.retriedBy.map((r) => (
                  <button key={r} type="button" className="link dl-inline-link" onClick={() => onOpen(r)}>
                    Delivery {r}
                  </button>
                ))}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section>
        <h3>Payload</h3>
        <pre className="dl-code dl-payload" data-testid="delivery-payload">
          {prettyJson(detail.payload)}
        </pre>
      </section>
      <section>
        <h3>Attempts ({detail.attempts.length})</h3>
        {detail.attempts.length === 0 ? (
          <p className="muted">No call was made for this delivery.</p>
        ) : (
          <ol className="dl-timeline" data-testid="attempt-timeline">
            {detail.attempts.map((a) => (
              <AttemptItem key={a.id} attempt={a} />
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function AttemptItem({ attempt: a }: { attempt: Attempt }) {
  const failed = a.outcome === "failed_permanent" || a.outcome === "failed_transient";
  return (
    <li className={failed ? "dl-attempt dl-attempt-failed" : "dl-attempt"} data-testid="attempt">
      <div className="dl-attempt-head">
        <strong>Attempt {a.attempt}</strong>
        <OutcomeBadge outcome={a.outcome} />
        <span className="muted">
          {formatDateTime(a.startedAt)}
          {a.durationMs !== null && ` · ${a.durationMs} ms`}
        </span>
      </div>
      <div className="mono dl-attempt-call">
        {a.method} {a.path}
        {a.responseStatus !== null && <span className="dl-http"> → {a.responseStatus}</span>}
      </div>
      {a.error && (
        <p className="dl-attempt-error">
          <span className="mono">{a.error.code ?? "error"}</span>
          {a.error.fields.length > 0 && <span className="mono"> [{a.error.fields.join(", ")}]</span>}:{" "}
          {a.error.message}
        </p>
      )}
      {a.apiUsage && <p className="muted dl-small">API usage: {a.apiUsage}</p>}
      {a.requestBody && (
        <details>
          <summary>Request</summary>
          <pre className="dl-code">{prettyJson(a.requestBody)}</pre>
        </details>
      )}
      {a.responseBody && (
        <details open={failed}>
          <summary>Response</summary>
          <pre className="dl-code" data-testid="attempt-response">
            {prettyJson(a.responseBody)}
          </pre>
        </details>
      )}
    </li>
  );
}
