import type { Contact } from "../../bindings/Contact";
import type { ConversationStatus } from "../../bindings/ConversationStatus";

/** "First Last", or null when the chat platform gave no name. */
export function displayName(c: Contact): string | null {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name || null;
}

export function ConversationBadge({ status }: { status: ConversationStatus }) {
  return status === "open" ? (
    <span
      className="badge badge-warning"
      title="The chat conversation has not ended (no conversation.completed yet)"
    >
      open
    </span>
  ) : (
    <span className="badge">closed</span>
  );
}

/** The latest delivery's outcome, as `sync --json` names it. */
export function DeliveryBadge({ contact: c }: { contact: Contact }) {
  switch (c.lastDeliveryStatus) {
    case "succeeded":
      return <span className="badge badge-success">delivered</span>;
    case "failed":
      return <span className="badge badge-danger">failed</span>;
    case "skipped":
      return <span className="badge badge-warning">skipped</span>;
    case null:
      return c.salesforceLeadId || c.salesforceContactId ? (
        <span className="badge badge-success">delivered</span>
      ) : (
        <span className="muted" title="Not delivered to Salesforce yet">
          not sent
        </span>
      );
    default:
      return <span className="badge">{c.lastDeliveryStatus}</span>;
  }
}
