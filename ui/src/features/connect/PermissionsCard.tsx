import { useState } from "react";
import { api } from "../../api";
import type { ObjectPermissions } from "../../bindings/ObjectPermissions";
import type { OrgPermissions } from "../../bindings/OrgPermissions";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import { useKeepLast, useLoad } from "../../hooks";

const COLUMNS: { key: "createable" | "updateable" | "queryable"; label: string }[] = [
  { key: "createable", label: "Create" },
  { key: "updateable", label: "Update" },
  { key: "queryable", label: "Query" },
];

/** What the connected Salesforce user may do, from describe; Refresh reads it anew. */
export function PermissionsCard() {
  const [refresh, setRefresh] = useState(false);
  const [loaded, reload] = useLoad(() => api.orgPermissions(refresh));
  const perms = useKeepLast(loaded);
  const again = () => {
    setRefresh(true);
    reload();
  };
  return (
    <div className="card stack" data-testid="org-permissions">
      <div className="row card-title">
        <h2>What this user may do</h2>
        <span className="spacer" />
        <button
          type="button"
          className="secondary"
          onClick={again}
          disabled={loaded.state === "loading"}
          data-testid="permissions-refresh"
        >
          {loaded.state === "loading" ? "Reading…" : "Refresh"}
        </button>
      </div>
      {perms.state === "loading" && <p className="muted">Reading the org's describe metadata…</p>}
      {perms.state === "failed" && <ErrorBanner error={perms.error} />}
      {perms.state === "ready" && <PermissionsTable perms={perms.value} />}
    </div>
  );
}

function PermissionsTable({ perms }: { perms: OrgPermissions }) {
  return (
    <>
      <table className="permissions-table">
        <thead>
          <tr>
            <th scope="col">Object</th>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {perms.objects.map((o) => (
            <tr key={o.object} data-testid={`permissions-${o.object}`}>
              <th scope="row">
                {o.object}
                {!o.visible && <span className="hint"> (not visible to this user)</span>}
              </th>
              {COLUMNS.map((c) => (
                <Cell key={c.key} o={o} allowed={o[c.key]} label={c.label} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        From Salesforce's describe for profile “{perms.profile}”, read {formatDateTime(perms.readAt)}. Actions
        the user may not take are disabled across the app.
      </p>
    </>
  );
}

function Cell({ o, allowed, label }: { o: ObjectPermissions; allowed: boolean; label: string }) {
  return (
    <td
      className={allowed ? "perm-yes" : "perm-no"}
      data-testid={`perm-${o.object}-${label.toLowerCase()}`}
      title={`${label} ${o.object}: ${allowed ? "allowed" : "not allowed"}`}
    >
      {allowed ? "✓ Yes" : "✕ No"}
    </td>
  );
}
