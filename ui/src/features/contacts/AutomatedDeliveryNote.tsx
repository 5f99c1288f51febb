import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import type { PendingReason } from "../../bindings/PendingReason";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import { useLoad } from "../../hooks";

const TONE: Record<PendingReason, "success" | "warning" | "danger" | "neutral"> = {
  failed: "danger",
  integrationOff: "warning",
  belowMinimumScore: "neutral",
  conversationOpen: "neutral",
  waitingForDelay: "neutral",
  queued: "success",
  delivered: "success",
  notQueued: "neutral",
};

const LABEL: Record<PendingReason, string> = {
  failed: "Failed",
  integrationOff: "Integration off",
  belowMinimumScore: "Below minimum score",
  conversationOpen: "Conversation open",
  waitingForDelay: "Waiting for delay",
  queued: "Queued",
  delivered: "Delivered",
  notQueued: "Manual only",
};

function badgeClass(tone: "success" | "warning" | "danger" | "neutral"): string {
  return tone === "neutral" ? "badge" : `badge badge-${tone}`;
}

/**
 * The contact's automated delivery (why it has not gone yet and when it will) and what the
 * back-flow last brought from Salesforce (Opportunity stage and amount).
 */
export function AutomatedDeliveryNote({ contact }: { contact: Contact }) {
  const [pending] = useLoad(() => api.servePendingReason(contact.email));
  return (
    <div className="stack" data-testid="automated-delivery-note">
      {pending.state === "loading" && <p className="muted">Checking the criteria…</p>}
      {pending.state === "failed" && <ErrorBanner error={pending.error} />}
      {pending.state === "ready" && (
        <div className="row">
          <span className={badgeClass(TONE[pending.value.reason])} data-testid="pending-reason">
            {LABEL[pending.value.reason]}
          </span>
          <span data-testid="pending-message">{pending.value.message}</span>
        </div>
      )}
      {contact.salesforceOpportunityModifiedAt !== null && (
        <p className="hint" data-testid="backflow-note">
          From Salesforce: Opportunity {contact.salesforceOpportunityStage ?? "(no stage)"}
          {contact.salesforceOpportunityAmount !== null &&
            `, amount ${contact.salesforceOpportunityAmount.toLocaleString()}`}
          , changed {formatDateTime(contact.salesforceOpportunityModifiedAt)}.
        </p>
      )}
    </div>
  );
}
