import type { Plan } from "../../bindings/Plan";
import type { PlanItem } from "../../bindings/PlanItem";
import { groupPlan, type PlanGroup, PREVIEW_ITEMS_PER_GROUP, plural, resumedCount, showValue } from "./push";

/** The plan of a push: totals, then every contact grouped by what happens to it. */
export function PlanPreview({ plan }: { plan: Plan }) {
  const t = plan.totals;
  const resumed = resumedCount(plan);
  const groups = groupPlan(plan);
  return (
    <div className="plan-preview" data-testid="plan-preview">
      <ul className="plan-totals" data-testid="plan-totals">
        <Total n={t.create} label="to create" tone="success" id="create" />
        <Total n={t.update} label="to update" tone="accent" id="update" />
        <Total n={t.unchanged} label="unchanged" tone="muted" id="unchanged" />
        <Total n={t.skipped} label="skipped" tone="warning" id="skipped" />
        {t.invalid > 0 && <Total n={t.invalid} label="cannot be sent" tone="danger" id="invalid" />}
      </ul>
      <p className="hint plan-calls" data-testid="plan-calls">
        {t.campaignMembers > 0 && `${plural(t.campaignMembers, "campaign member", "campaign members")} · `}
        {t.opportunities > 0 && `${plural(t.opportunities, "Opportunity", "Opportunities")} · `}
        {t.accountUpdates > 0 && `${plural(t.accountUpdates, "Account update", "Account updates")} · `}
        About {plural(t.writeCalls, "API call", "API calls")} to write (sObject Collections inside Composite),
        after the {plural(plan.lookupCalls, "call", "calls")} this preview used to look up.
      </p>
      <PlanPath plan={plan} />
      {resumed > 0 && (
        <p className="plan-resumed" data-testid="plan-resumed">
          Includes {plural(resumed, "delivery", "deliveries")} an earlier push left unfinished: it is finished
          first, without sending anything twice.
        </p>
      )}
      {groups.length === 0 && <p className="muted">Nothing to push.</p>}
      {groups.map((g) => (
        <Group key={g.id} group={g} />
      ))}
    </div>
  );
}

/** Which API the push takes (REST or Bulk API 2.0), why, and the bulk allowance it uses. */
export function PlanPath({ plan }: { plan: Plan }) {
  if (!plan.bulk) return null;
  return (
    <p className="hint plan-path" data-testid="plan-path">
      {/* The core's reason already names the path ("REST: …" or "Bulk API 2.0: …"). */}
      {plan.bulk.reason}
    </p>
  );
}

function Total({ n, label, tone, id }: { n: number; label: string; tone: string; id: string }) {
  return (
    <li className={`plan-total tone-${tone}`} data-testid={`plan-total-${id}`}>
      <strong>{n.toLocaleString()}</strong> {label}
    </li>
  );
}

function Group({ group }: { group: PlanGroup }) {
  const shown = group.items.slice(0, PREVIEW_ITEMS_PER_GROUP);
  const more = group.items.length - shown.length;
  return (
    <details
      className={`plan-group group-${group.id}`}
      open={group.id !== "unchanged"}
      data-testid={`plan-group-${group.id}`}
    >
      <summary>
        <h3>
          {group.title} <span className="badge">{group.items.length.toLocaleString()}</span>
        </h3>
      </summary>
      <ul className="plan-items">
        {shown.map((item) => (
          <Item key={`${item.email}-${item.continues?.deliveryId ?? ""}`} item={item} />
        ))}
      </ul>
      {more > 0 && (
        <p className="hint">
          …and {plural(more, "more contact", "more contacts")} (the push takes them all).
        </p>
      )}
    </details>
  );
}

function Item({ item }: { item: PlanItem }) {
  const who = [item.contactName, item.company].filter(Boolean).join(" · ");
  const create = item.action === "create";
  return (
    <li className="plan-item" data-testid="plan-item" data-email={item.email}>
      <div className="plan-item-head">
        <span className="plan-email">{item.email}</span>
        {who && <span className="muted">{who}</span>}
        <span className="spacer" />
        <span className="badge">{item.object}</span>
        {item.recordId && <span className="mono muted">{item.recordId}</span>}
      </div>
      {item.problem && (
        <p className="plan-line text-danger" data-testid="plan-problem">
          <span className="badge badge-danger">{item.problem.code}</span> {item.problem.message}
        </p>
      )}
      {item.skipReason && (
        <p className="plan-line" data-testid="plan-skip">
          <span className="badge badge-warning">{item.skipReason.code}</span> {item.skipReason.message}
        </p>
      )}
      {(item.ownerName || item.ownerId || item.ownerReason) && (
        <p className="plan-line" data-testid="plan-owner">
          <span className="plan-label">Owner</span> {item.ownerName ?? item.ownerId ?? "not set"}
          {item.ownerReason && <span className="muted"> — {item.ownerReason}</span>}
        </p>
      )}
      {item.changes.length > 0 && (
        <table className="plan-changes" data-testid="plan-changes">
          <thead>
            <tr>
              <th>Field</th>
              {!create && <th>Now in Salesforce</th>}
              <th>{create ? "Value" : "After the push"}</th>
            </tr>
          </thead>
          <tbody>
            {item.changes.map((c) => (
              <tr key={c.field} data-testid="plan-change" data-field={c.field}>
                <td title={`from ${c.source}`}>{c.field}</td>
                {!create && <td className="plan-before">{showValue(c.before)}</td>}
                <td className="plan-after">
                  {!create && <span aria-hidden="true">→ </span>}
                  {showValue(c.after)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {item.campaign && (
        <p className="plan-line" data-testid="plan-campaign">
          <span className="plan-label">Campaign</span>{" "}
          {item.campaign.existingMemberId ? "already a member" : "joins"}{" "}
          <span className="mono">{item.campaign.campaignId}</span>
        </p>
      )}
      {item.campaignNote && <p className="plan-line muted">Campaign: {item.campaignNote}</p>}
      {item.opportunity && (
        <p className="plan-line" data-testid="plan-opportunity">
          <span className="plan-label">Opportunity</span> “{item.opportunity.name}” at{" "}
          {item.opportunity.stageName}, closing {item.opportunity.closeDate}
        </p>
      )}
      {item.opportunityNote && <p className="plan-line muted">{item.opportunityNote}</p>}
      {item.account && item.account.changes.length > 0 && (
        <p className="plan-line">
          <span className="plan-label">Account</span> {item.account.accountName ?? item.account.accountId}:{" "}
          {item.account.changes
            .map((c) => `${c.field} ${showValue(c.before)} → ${showValue(c.after)}`)
            .join(", ")}
        </p>
      )}
      {item.notes.map((n) => (
        <p key={n} className="plan-line muted">
          {n}
        </p>
      ))}
      {item.continues && (
        <p className="plan-line muted">
          {item.continues.retry ? "Retries" : "Finishes"} delivery {item.continues.deliveryId}
          {item.continues.findings.length > 0 && `: ${item.continues.findings.join("; ")}`}
        </p>
      )}
    </li>
  );
}
