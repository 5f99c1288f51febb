import { useState } from "react";
import { api } from "../../api";
import type { LinkedOpportunity } from "../../bindings/LinkedOpportunity";
import type { LinkedRecords } from "../../bindings/LinkedRecords";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Facts } from "../../components/Facts";
import { formatAmount, formatDateTime } from "../../format";
import { useKeepLast, useLoad } from "../../hooks";
import { OpportunityEditor } from "./OpportunityEditor";

/** The Salesforce records the contact is linked to, fetched in one call; Refresh fetches again. */
export function LinkedPanel({ email, onChanged }: { email: string; onChanged: () => void }) {
  const [loaded, reload] = useLoad(() => api.contactLinked(email));
  const linked = useKeepLast(loaded);
  const [editing, setEditing] = useState<string | null>(null);
  // Cached with the describes: no call after the first.
  const [perms] = useLoad(() => api.orgPermissions(false));
  const opp =
    perms.state === "ready" ? perms.value.objects.find((o) => o.object === "Opportunity") : undefined;
  const editReason =
    opp && !opp.updateable
      ? `The connected Salesforce user may not edit Opportunity records (Opportunity.updateable is false for “${perms.state === "ready" ? perms.value.profile : ""}”).`
      : null;
  const refreshing = loaded.state === "loading";
  return (
    <div className="card stack linked-panel" data-testid="linked-panel">
      <div className="row card-title">
        <h3>In Salesforce</h3>
        <span className="spacer" />
        {linked.state === "ready" && (
          <span className="hint" data-testid="linked-fetched-at">
            Fetched {formatDateTime(linked.value.fetchedAt)}
          </span>
        )}
        <button
          type="button"
          className="secondary"
          onClick={reload}
          disabled={refreshing}
          data-testid="linked-refresh"
        >
          {refreshing ? "Fetching…" : "Refresh"}
        </button>
      </div>
      {linked.state === "loading" && <p className="muted">Fetching the linked records…</p>}
      {linked.state === "failed" && <ErrorBanner error={linked.error} />}
      {linked.state === "ready" && (
        <Linked
          linked={linked.value}
          editing={editing}
          onEdit={setEditing}
          editReason={editReason}
          email={email}
          onUpdated={() => {
            reload();
            onChanged();
          }}
        />
      )}
    </div>
  );
}

function Linked({
  linked,
  editing,
  onEdit,
  editReason,
  email,
  onUpdated,
}: {
  linked: LinkedRecords;
  editing: string | null;
  onEdit: (id: string | null) => void;
  editReason: string | null;
  email: string;
  onUpdated: () => void;
}) {
  const { lead, contact, account, opportunities } = linked;
  return (
    <>
      {linked.notes.map((n) => (
        <p key={n} className="status-note status-note-warning">
          {n}
        </p>
      ))}
      <section data-testid="linked-person">
        <h4>{contact ? "Contact" : lead ? "Lead" : "Lead or Contact"}</h4>
        {contact ? (
          <Facts
            rows={[
              ["Name", contact.name],
              ["Title", contact.title],
              ["Phone", contact.phone],
              ["Owner", contact.ownerName],
              [
                "Id",
                <span key="i" className="mono">
                  {contact.id}
                </span>,
              ],
            ]}
          />
        ) : lead ? (
          <Facts
            rows={[
              ["Name", lead.name],
              ["Company", lead.company],
              ["Status", lead.status],
              ["Lead source", lead.leadSource],
              ["Owner", lead.ownerName],
              [
                "Id",
                <span key="i" className="mono">
                  {lead.id}
                </span>,
              ],
            ]}
          />
        ) : (
          <p className="muted">No Lead or Contact in Salesforce has this email.</p>
        )}
        {contact && lead && (
          <p className="hint">
            A Lead with this email exists too ({lead.name ?? lead.id}, {lead.status ?? "no status"}).
          </p>
        )}
      </section>
      <section data-testid="linked-account">
        <h4>Account</h4>
        {account ? (
          <>
            <Facts
              rows={[
                ["Name", account.name],
                ["Owner", account.ownerName],
                ["Industry", account.industry],
                [
                  "Employees",
                  account.numberOfEmployees === null ? null : account.numberOfEmployees.toLocaleString(),
                ],
                ["Website", account.website],
                ["Country", account.billingCountry],
              ]}
            />
            <p className="hint">
              {account.matchedBy === "contact"
                ? "The Contact's Account."
                : "Matched by the company's domain or name, as the ownership rules look it up."}
            </p>
          </>
        ) : (
          <p className="muted">No Account matched.</p>
        )}
      </section>
      <section data-testid="linked-opportunities">
        <h4>
          Opportunities
          {opportunities.length > 0 && (
            <span className="hint"> · {opportunities.filter((o) => !o.isClosed).length} open</span>
          )}
        </h4>
        {opportunities.length === 0 ? (
          <p className="muted">No Opportunity on this Account.</p>
        ) : (
          <ul className="plain-list">
            {opportunities.map((o) => (
              <li key={o.id} className="list-item" data-testid={`opportunity-${o.id}`}>
                <OpportunityRow
                  o={o}
                  onEdit={() => onEdit(editing === o.id ? null : o.id)}
                  editing={editing === o.id}
                  editReason={editReason}
                />
                {editing === o.id && (
                  <OpportunityEditor
                    email={email}
                    opportunityId={o.id}
                    onClose={() => onEdit(null)}
                    onUpdated={onUpdated}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        {editReason && opportunities.length > 0 && (
          <p className="status-note status-note-warning" data-testid="opportunity-edit-reason">
            {editReason}
          </p>
        )}
      </section>
    </>
  );
}

function OpportunityRow({
  o,
  onEdit,
  editing,
  editReason,
}: {
  o: LinkedOpportunity;
  onEdit: () => void;
  editing: boolean;
  editReason: string | null;
}) {
  return (
    <div className="opportunity-row">
      <div>
        <strong>{o.name ?? o.id}</strong>
        <div className="hint">
          <span data-testid="opportunity-stage">{o.stageName ?? "no stage"}</span>
          {" · "}
          <span
            data-testid="opportunity-amount"
            title={
              o.currencyIsoCode ? undefined : "In the org's currency (its records carry no currency code)"
            }
          >
            {o.amount === null ? "no amount" : formatAmount(o.amount, o.currencyIsoCode)}
          </span>
          {" · closes "}
          <span data-testid="opportunity-close">{o.closeDate ?? "—"}</span>
          {o.ownerName && <> · {o.ownerName}</>}
        </div>
      </div>
      <span className={o.isClosed ? (o.isWon ? "badge badge-success" : "badge") : "badge badge-warning"}>
        {o.isClosed ? (o.isWon ? "Won" : "Closed") : "Open"}
      </span>
      <button
        type="button"
        className="secondary"
        onClick={onEdit}
        disabled={editReason !== null}
        title={editReason ?? "Change the stage, amount or close date"}
        data-testid={`opportunity-edit-${o.id}`}
      >
        {editing ? "Cancel" : "Edit"}
      </button>
    </div>
  );
}
