import { useEffect, useId, useState } from "react";
import { api } from "../../api";
import type { BackflowReport } from "../../bindings/BackflowReport";
import type { ServePanel } from "../../bindings/ServePanel";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Switch } from "../../components/Switch";
import { formatDateTime } from "../../format";
import { Placeholder } from "./Placeholder";

/** How often the status refreshes while the receiver runs. */
export const STATUS_REFRESH_MS = 2000;

/**
 * "Automated delivery": the local webhook receiver (`POST /webhooks/lead-events`) that takes
 * signed chat events and delivers them by the mapping's criteria, and the back-flow's
 * "Pull now". The secret is write-only: it goes to the OS keyring and is never shown again.
 */
export function AutomatedDeliveryPanel() {
  const [panel, setPanel] = useState<ServePanel | null>(null);
  const [listen, setListen] = useState("");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pulled, setPulled] = useState<BackflowReport | null>(null);
  const listenId = useId();
  const secretId = useId();

  useEffect(() => {
    api.serveStatus().then((p) => {
      setPanel(p);
      setListen(p.settings.listen);
    }, setError);
  }, []);

  const running = panel?.status.running ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      api.serveStatus().then(setPanel, setError);
    }, STATUS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [running]);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (on: boolean) =>
    act(async () => {
      const next = on ? await api.serveStart(listen, secret === "" ? null : secret) : await api.serveStop();
      setSecret("");
      setPanel(next);
    });

  const saveSecret = () =>
    act(async () => {
      setPanel(await api.serveStart(listen, secret));
      setSecret("");
    });

  const pull = () =>
    act(async () => {
      setPulled(await api.backflowPull());
      setPanel(await api.serveStatus());
    });

  // Until the status arrives the panel renders its final structure with placeholders, so the
  // cards below it (the permissions card and its Refresh button) do not move when it fills in.
  // Data test ids appear only once loaded: the e2e tests wait on them as the "loaded" signal.
  const loading = panel === null;
  const loaded = (testId: string) => (loading ? undefined : testId);
  const st = panel?.status ?? null;
  const bf = panel?.backflow ?? null;
  const secretSet = panel?.settings.secretSet ?? false;
  return (
    <section
      className="card stack"
      data-testid="automated-delivery"
      aria-labelledby={`${listenId}-title`}
      aria-busy={loading}
    >
      <div className="row card-title">
        <span className={running ? "status-dot ok" : "status-dot"} aria-hidden="true" />
        <h2 id={`${listenId}-title`}>Automated delivery</h2>
        <span className="spacer" />
        <Switch
          checked={running}
          onChange={toggle}
          disabled={loading || busy || (!running && !secretSet && secret === "")}
          label={running ? "On" : "Off"}
          ariaLabel="Receive chat events"
          testId={loaded("serve-switch")}
        />
      </div>
      <p className="hint">
        The chat platform posts signed events to this computer; contacts that meet the mapping's criteria
        (integration on, minimum score, sync delay) are delivered with trigger “webhook”.
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={listenId} className="field-label">
            Listen address
          </label>
          <input
            id={listenId}
            className="mono"
            value={listen}
            onChange={(e) => setListen(e.target.value)}
            disabled={loading || running || busy}
            data-testid={loaded("serve-listen")}
          />
        </div>
        <div className="field">
          <label htmlFor={secretId} className="field-label">
            Webhook secret
          </label>
          <div className="row">
            <input
              id={secretId}
              type="password"
              autoComplete="off"
              value={secret}
              placeholder={loading ? "" : secretSet ? "Stored in the keyring (type to replace)" : "Required"}
              onChange={(e) => setSecret(e.target.value)}
              disabled={loading || busy}
              data-testid={loaded("serve-secret")}
            />
            {running && secret !== "" && (
              <button type="button" onClick={saveSecret} disabled={busy} data-testid="serve-secret-save">
                Replace
              </button>
            )}
          </div>
        </div>
      </div>
      {error !== null && <ErrorBanner error={error} />}
      {st === null ? (
        <dl className="facts">
          <dt>Webhook URL</dt>
          <dd className="mono">
            <Placeholder />
          </dd>
          <dt>Events</dt>
          <dd>
            <Placeholder />
          </dd>
          <dt>Deliveries</dt>
          <dd>
            <Placeholder />
          </dd>
        </dl>
      ) : (
        <dl className="facts" data-testid="serve-status">
          <dt>Webhook URL</dt>
          <dd className="mono" data-testid="serve-url">
            {st.url ?? "Not listening"}
          </dd>
          <dt>Events</dt>
          <dd data-testid="serve-events">
            {st.received} received · {st.accepted} accepted · {st.rejected} rejected
          </dd>
          <dt>Deliveries</dt>
          <dd data-testid="serve-deliveries">
            {st.queued} queued · {st.delivered} delivered · {st.failed} failed · {st.tasksCreated} Tasks
          </dd>
          {st.lastRejection !== null && (
            <>
              <dt>Last rejection</dt>
              <dd data-testid="serve-last-rejection">{st.lastRejection}</dd>
            </>
          )}
          {st.lastError !== null && (
            <>
              <dt>Last error</dt>
              <dd className="input-error" data-testid="serve-last-error">
                {st.lastError}
              </dd>
            </>
          )}
        </dl>
      )}
      <div className="row">
        <div className="stack-tight">
          <strong>Back-flow from Salesforce</strong>
          <span className="hint" data-testid={loaded("backflow-cursor")}>
            {bf === null ? (
              <Placeholder />
            ) : bf.cursor === null ? (
              "Never pulled: the first pull reads every Opportunity."
            ) : (
              `Opportunities changed up to ${formatDateTime(bf.cursor)} are in; last pull ${bf.lastPulledAt === null ? "never" : formatDateTime(bf.lastPulledAt)}.`
            )}
          </span>
          {pulled !== null && (
            <span className="hint" role="status" data-testid="backflow-result">
              {pulled.opportunities} Opportunities read, {pulled.contactsUpdated} contacts updated,{" "}
              {pulled.unmatched} matched no contact ({pulled.apiCalls} API calls).
            </span>
          )}
        </div>
        <span className="spacer" />
        <button
          type="button"
          className="ghost"
          onClick={pull}
          disabled={loading || busy}
          data-testid={loaded("backflow-pull")}
        >
          Pull now
        </button>
      </div>
    </section>
  );
}
