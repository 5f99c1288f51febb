import "./connect.css";
import { useRef, useState } from "react";
import { api } from "../../api";
import type { DisconnectOutcome } from "../../bindings/DisconnectOutcome";
import type { OrgProfile } from "../../bindings/OrgProfile";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useKeepLast, useLoad } from "../../hooks";
import { AutomatedDeliveryPanel } from "./AutomatedDeliveryPanel";
import { ConnectForm, type ConnectFormValues, EMPTY_FORM, formFromProfile } from "./ConnectForm";
import { DEMO_PROFILE, DemoOrgCard } from "./DemoOrgCard";
import { PermissionsCard } from "./PermissionsCard";
import { ProfilesCard } from "./ProfilesCard";
import { StatusCard } from "./StatusCard";

type Notice = { tone: "success" | "warning"; text: string };

/** The Connect screen: the active org, saved profiles, the demo org and the login form. */
export function ConnectScreen() {
  const [statusNow, reloadStatus] = useLoad(api.orgStatus);
  const [profilesNow, reloadProfiles] = useLoad(api.orgProfiles);
  const status = useKeepLast(statusNow);
  const profiles = useKeepLast(profilesNow);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // Remounting the form (new key) loads new initial values, e.g. a profile to sign in to again.
  const [form, setForm] = useState<{ key: number; values: ConnectFormValues }>({
    key: 0,
    values: EMPTY_FORM,
  });
  const formRef = useRef<HTMLDivElement>(null);

  const reload = () => {
    reloadStatus();
    reloadProfiles();
  };

  const run = async (action: () => Promise<Notice | null>) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      setNotice(await action());
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
      reload();
    }
  };

  const tryDemo = () =>
    run(async () => {
      const p = await api.demoOrgConnect();
      return { tone: "success", text: `Connected to the demo org as ${p.username}.` };
    });

  const activate = (name: string) =>
    run(async () => {
      await api.orgActivate(name);
      return { tone: "success", text: `“${name}” is now the active org profile.` };
    });

  const reconnect = (p: OrgProfile) => {
    if (p.name === DEMO_PROFILE) {
      tryDemo();
      return;
    }
    setForm((f) => ({ key: f.key + 1, values: formFromProfile(p) }));
    formRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  };

  const disconnected = (o: DisconnectOutcome) => {
    setActionError(null);
    setNotice(
      o.revoked
        ? { tone: "success", text: `Disconnected “${o.profile}”: Salesforce revoked the token.` }
        : {
            tone: "warning",
            text: `Disconnected “${o.profile}”, but Salesforce did not confirm the token was revoked (${o.revokeError ?? "no reason given"}). The tokens are deleted from this computer.`,
          },
    );
    reload();
  };

  const connected = (p: OrgProfile) => {
    setNotice({ tone: "success", text: `Connected “${p.name}” to ${p.instanceUrl} as ${p.username}.` });
    reload();
  };

  if (status.state === "loading" || profiles.state === "loading") return <p className="muted">Loading…</p>;
  if (status.state === "failed") return <ErrorBanner error={status.error} />;
  if (profiles.state === "failed") return <ErrorBanner error={profiles.error} />;

  const st = status.value;
  const saved = profiles.value;
  const activeProfile = saved.find((p) => p.active);
  const nothingConnected = !st.connected;

  return (
    <div className="stack connect-screen">
      {notice && (
        <p className={`status-note status-note-${notice.tone}`} role="status" data-testid="connect-notice">
          {notice.text}
        </p>
      )}
      {actionError !== null && <ErrorBanner error={actionError} />}

      {nothingConnected && <DemoOrgCard prominent busy={busy} onTry={tryDemo} />}
      {st.profile !== null && (
        <StatusCard
          key={st.profile}
          status={st}
          profile={activeProfile}
          onReconnect={() => activeProfile && reconnect(activeProfile)}
        />
      )}
      {st.connected && <AutomatedDeliveryPanel />}

      {st.connected && <PermissionsCard key={`${st.profile}:${st.username}`} />}

      {saved.length > 0 && (
        <ProfilesCard
          profiles={saved}
          busy={busy}
          onActivate={activate}
          onReconnect={reconnect}
          onDisconnected={disconnected}
        />
      )}
      {!nothingConnected && activeProfile?.name !== DEMO_PROFILE && (
        <DemoOrgCard prominent={false} busy={busy} onTry={tryDemo} />
      )}

      <div ref={formRef}>
        <ConnectForm
          key={form.key}
          initial={form.values}
          existingNames={saved.map((p) => p.name)}
          guideOpen={saved.length === 0}
          onConnected={connected}
        />
      </div>
    </div>
  );
}
