import { api } from "../../api";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks";

/** Facts about this installation, read from the Rust core. */
export function AboutPanel() {
  const [info] = useLoad(api.appInfo);
  if (info.state === "loading") return <p className="muted">Loading…</p>;
  if (info.state === "failed") return <ErrorBanner error={info.error} />;
  const v = info.value;
  return (
    <dl className="facts" data-testid="about">
      <dt>Version</dt>
      <dd data-testid="about-version">
        {v.name} {v.version} ({v.buildProfile})
      </dd>
      <dt>Platform</dt>
      <dd>{v.platform}</dd>
      <dt>Data directory</dt>
      <dd className="mono" data-testid="about-data-dir">
        {v.dataDir}
      </dd>
      <dt>Database</dt>
      <dd className="mono">
        {v.databasePath} · schema {v.schemaVersion}
      </dd>
      <dt>Logs</dt>
      <dd className="mono">{v.logDir}</dd>
    </dl>
  );
}
