/** The profile name the core saves the demo org under. */
export const DEMO_PROFILE = "demo";

/** "Try the demo org": the way in for someone without a Salesforce account. */
export function DemoOrgCard({
  prominent,
  busy,
  onTry,
}: {
  prominent: boolean;
  busy: boolean;
  onTry: () => void;
}) {
  if (!prominent) {
    return (
      <div className="card row demo-compact">
        <div>
          <h3>Demo org</h3>
          <p className="hint">A local Salesforce-compatible org with sample data, no account needed.</p>
        </div>
        <span className="spacer" />
        <button
          type="button"
          className="secondary"
          onClick={onTry}
          disabled={busy}
          data-testid="demo-connect"
        >
          {busy ? "Starting the demo org…" : "Try the demo org"}
        </button>
      </div>
    );
  }
  return (
    <div className="card demo-hero" data-testid="demo-hero">
      <div>
        <h2>No Salesforce org connected yet</h2>
        <p>
          <strong>Try the demo org</strong>: no Salesforce account needed. Leadbridge starts a local org that
          speaks Salesforce's API, with sample users, accounts, contacts, leads and a campaign, and signs in
          to it. Connect your real org whenever you are ready.
        </p>
      </div>
      <button type="button" className="big" onClick={onTry} disabled={busy} data-testid="demo-connect">
        {busy ? "Starting the demo org…" : "Try the demo org"}
      </button>
    </div>
  );
}
