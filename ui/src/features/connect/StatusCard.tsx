import { api } from "../../api";
import type { OrgProfile } from "../../bindings/OrgProfile";
import type { OrgStatus } from "../../bindings/OrgStatus";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import { useLoad } from "../../hooks";
import { Placeholder } from "./Placeholder";

/** Who is connected to which org, and how much of the org's daily API allowance is used. */
export function StatusCard({
  status,
  profile,
  onReconnect,
}: {
  status: OrgStatus;
  profile: OrgProfile | undefined;
  onReconnect: () => void;
}) {
  if (!status.connected) {
    return (
      <div className="card stack" data-testid="org-status">
        <div className="row">
          <span className="status-dot bad" aria-hidden="true" />
          <h2>Profile “{status.profile}” needs signing in again</h2>
        </div>
        <p className="muted">
          Its tokens are no longer in the OS keyring (removed, or the keyring was reset). Sign in again to
          keep using this org.
        </p>
        <div className="row">
          <button type="button" onClick={onReconnect} data-testid="org-reconnect">
            Sign in again
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="card" data-testid="org-status">
      <div className="row card-title">
        <span className="status-dot ok" aria-hidden="true" />
        <h2>Connected</h2>
        <span className="badge badge-success" data-testid="org-status-profile">
          {status.profile}
        </span>
      </div>
      <dl className="facts">
        <dt>Username</dt>
        <dd data-testid="org-status-username">{status.username}</dd>
        <dt>Org ID</dt>
        <dd className="mono" data-testid="org-status-org-id">
          {status.orgId}
        </dd>
        <dt>Instance URL</dt>
        <dd className="mono" data-testid="org-status-instance">
          {status.instanceUrl}
        </dd>
        <dt>Login URL</dt>
        <dd className="mono">{status.loginUrl}</dd>
        <dt>API version</dt>
        <dd data-testid="org-status-api-version">v{status.apiVersion}</dd>
        {profile && (
          <>
            <dt>Connected</dt>
            <dd>{formatDateTime(profile.connectedAt)}</dd>
          </>
        )}
      </dl>
      <ApiUsagePanel />
    </div>
  );
}

/** The org's 24-hour API request count against its allowance (one `/limits` call). */
function ApiUsagePanel() {
  const [usage, reload] = useLoad(api.orgApiUsage);
  return (
    <section className="usage" aria-label="API usage" data-testid="api-usage">
      <div className="row">
        <h3>API requests, last 24 hours</h3>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={reload} disabled={usage.state === "loading"}>
          Refresh
        </button>
      </div>
      {usage.state === "loading" && <UsagePlaceholder />}
      {usage.state === "failed" && <ErrorBanner error={usage.error} />}
      {usage.state === "ready" &&
        (usage.value === null ? (
          <p className="muted">Salesforce did not report the org's usage.</p>
        ) : (
          <UsageBar
            used={Number(usage.value.used)}
            max={Number(usage.value.max)}
            at={usage.value.observedAt}
          />
        ))}
    </section>
  );
}

/** The usage bar's shape while Salesforce answers, so the cards below keep their place. */
function UsagePlaceholder() {
  return (
    <div className="stack-tight" aria-busy="true" data-testid="api-usage-loading">
      <div className="progress" aria-label="Asking Salesforce…" role="progressbar" />
      <p className="hint">
        <Placeholder />
      </p>
    </div>
  );
}

function UsageBar({ used, max, at }: { used: number; max: number; at: string }) {
  const percent = max > 0 ? Math.min(100, (used / max) * 100) : 0;
  const level = percent >= 90 ? "danger" : percent >= 75 ? "warning" : "ok";
  return (
    <div className="stack-tight">
      <div
        className={`progress progress-${level}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={used}
        aria-label="API requests used"
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <p className="hint" data-testid="api-usage-text">
        <strong>{used.toLocaleString()}</strong> of {max.toLocaleString()} used ({percent.toFixed(1)}%) · as
        reported {formatDateTime(at)}
      </p>
    </div>
  );
}
