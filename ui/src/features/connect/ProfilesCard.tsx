import { useState } from "react";
import { api } from "../../api";
import type { DisconnectOutcome } from "../../bindings/DisconnectOutcome";
import type { OrgProfile } from "../../bindings/OrgProfile";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime, formatShortDateTime } from "../../format";
import { DEMO_PROFILE } from "./DemoOrgCard";

const HOST_LABELS: Record<OrgProfile["loginHost"], string> = {
  production: "Production",
  sandbox: "Sandbox",
  custom: "My Domain",
};

/** The saved org profiles: switch the active one, sign in again, or disconnect. */
export function ProfilesCard({
  profiles,
  busy,
  onActivate,
  onReconnect,
  onDisconnected,
}: {
  profiles: OrgProfile[];
  busy: boolean;
  onActivate: (name: string) => void;
  onReconnect: (profile: OrgProfile) => void;
  onDisconnected: (outcome: DisconnectOutcome) => void;
}) {
  const [confirming, setConfirming] = useState<OrgProfile | null>(null);
  return (
    <div className="card" data-testid="org-profiles">
      <h2>Saved org profiles</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Profile</th>
              <th>User and org</th>
              <th>Login</th>
              <th>Connected</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {profiles.map((p) => (
              <tr
                key={p.name}
                data-testid={`profile-${p.name}`}
                className={p.active ? "row-active" : undefined}
              >
                <td>
                  <strong>{p.name}</strong> {p.active && <span className="badge badge-success">active</span>}{" "}
                  {p.name === DEMO_PROFILE && <span className="badge">demo</span>}
                </td>
                <td>
                  {p.username}
                  <div className="hint mono">{p.orgId}</div>
                </td>
                <td>
                  {HOST_LABELS[p.loginHost]} ·{" "}
                  {p.flow === "webServer" ? "web server + PKCE" : "client credentials"}
                  <div className="hint mono">{p.loginUrl}</div>
                </td>
                <td title={formatDateTime(p.connectedAt)}>{formatShortDateTime(p.connectedAt)}</td>
                <td className="actions">
                  {!p.active && (
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      onClick={() => onActivate(p.name)}
                      data-testid={`activate-${p.name}`}
                    >
                      Make active
                    </button>
                  )}
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    onClick={() => onReconnect(p)}
                    data-testid={`reconnect-${p.name}`}
                  >
                    Sign in again
                  </button>
                  <button
                    type="button"
                    className="secondary danger-text"
                    disabled={busy}
                    onClick={() => setConfirming(p)}
                    data-testid={`disconnect-${p.name}`}
                  >
                    Disconnect
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirming && (
        <DisconnectDialog
          profile={confirming}
          onClose={() => setConfirming(null)}
          onDone={(outcome) => {
            setConfirming(null);
            onDisconnected(outcome);
          }}
        />
      )}
    </div>
  );
}

function DisconnectDialog({
  profile,
  onClose,
  onDone,
}: {
  profile: OrgProfile;
  onClose: () => void;
  onDone: (outcome: DisconnectOutcome) => void;
}) {
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "working" } | { kind: "failed"; error: unknown }
  >({ kind: "idle" });
  const disconnect = async () => {
    setState({ kind: "working" });
    try {
      onDone(await api.orgDisconnect(profile.name));
    } catch (error) {
      setState({ kind: "failed", error });
    }
  };
  const working = state.kind === "working";
  return (
    <Dialog
      title={`Disconnect “${profile.name}”?`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="secondary" onClick={onClose} disabled={working}>
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            onClick={disconnect}
            disabled={working}
            data-testid="confirm-disconnect"
          >
            {working ? "Revoking…" : "Revoke and disconnect"}
          </button>
        </>
      }
    >
      <div className="stack dialog-text">
        <p>
          Leadbridge asks Salesforce to <strong>revoke the token</strong> it holds for{" "}
          <strong>{profile.username}</strong> at {profile.loginUrl}, deletes the tokens and client secret from
          the OS keyring and removes this saved profile.
        </p>
        <p className="muted">
          Contacts, mappings and the delivery log stay. To use this org again, connect it again.
        </p>
        {state.kind === "failed" && <ErrorBanner error={state.error} />}
      </div>
    </Dialog>
  );
}
