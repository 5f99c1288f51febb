/**
 * How to create the External Client App Leadbridge signs in through. Salesforce no longer
 * lets anyone create Connected Apps, so this is the only kind of app that works.
 */
export function EcaGuide({ callbackUrl, open }: { callbackUrl: string; open: boolean }) {
  return (
    <details className="guide" open={open} data-testid="eca-guide">
      <summary>How to create the External Client App in Salesforce</summary>
      <ol>
        <li>
          In Salesforce, open <strong>Setup → External Client App Manager</strong> and click{" "}
          <strong>New External Client App</strong>. Give it a name (e.g. “Leadbridge”) and a contact email;
          Distribution State <strong>Local</strong>.
        </li>
        <li>
          Under <strong>API (Enable OAuth Settings)</strong>, tick <strong>Enable OAuth</strong>.
        </li>
        <li>
          <strong>Callback URL</strong>: <code>{callbackUrl}</code>. Salesforce compares it character for
          character, port and path included. You may add spare ports, one URL per line.
        </li>
        <li>
          <strong>OAuth scopes</strong>: “Manage user data via APIs (<code>api</code>)” and “Perform requests
          at any time (<code>refresh_token</code>, <code>offline_access</code>)”.
        </li>
        <li>
          Under <strong>Flow Enablement</strong> and <strong>Security</strong>: keep{" "}
          <strong>Require Proof Key for Code Exchange (PKCE)</strong> on and turn on{" "}
          <strong>Enable Refresh Token Rotation</strong>. For the client-credentials flow, also enable{" "}
          <strong>Client Credentials Flow</strong> and choose its Run As user in the app's policies.
        </li>
        <li>
          Create the app, then open its <strong>Settings → OAuth Settings → Consumer Key and Secret</strong>.
          Paste the consumer key into <em>Client ID</em> below (and the secret, if you use one). A new app can
          take a few minutes before Salesforce accepts logins.
        </li>
      </ol>
    </details>
  );
}
