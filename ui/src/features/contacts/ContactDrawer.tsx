import { useEffect, useRef } from "react";
import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Facts } from "../../components/Facts";
import { formatAmount, formatDateTime } from "../../format";
import { useLoad } from "../../hooks";
import { screenHref } from "../../route";
import { ContactFacts, ConversationLink, Section, useOpenConversation } from "./ContactFacts";
import { ConversationBadge, DeliveryBadge, displayName } from "./cells";

/** Everything known about one contact, loaded fresh from the inbox. */
export function ContactDrawer({ email, onClose }: { email: string; onClose: () => void }) {
  const [contact] = useLoad(() => api.contactsGet(email));
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const title = contact.state === "ready" ? (displayName(contact.value) ?? contact.value.email) : email;
  return (
    <aside className="drawer" aria-label={`Contact ${email}`} data-testid="contact-drawer">
      <header className="drawer-header">
        <div>
          <h2 data-testid="drawer-title">{title}</h2>
          <p className="muted mono">{email}</p>
        </div>
        <div className="drawer-actions">
          <a
            className="button-link secondary"
            href={screenHref("contacts", { contact: email })}
            data-testid="drawer-open-page"
            title="Open the contact's page: delivery history, Salesforce records and Opportunity"
          >
            Open
          </a>
          <button
            ref={closeRef}
            type="button"
            className="ghost"
            onClick={onClose}
            aria-label="Close contact details"
            data-testid="drawer-close"
          >
            ✕
          </button>
        </div>
      </header>
      <div className="drawer-body">
        {contact.state === "loading" && <p className="muted">Loading…</p>}
        {contact.state === "failed" && <ErrorBanner error={contact.error} />}
        {contact.state === "ready" && <ContactDetail contact={contact.value} />}
      </div>
    </aside>
  );
}

function ContactDetail({ contact: c }: { contact: Contact }) {
  const { openError, openUrl } = useOpenConversation(c.email);
  return (
    <div className="stack">
      {openError !== null && <ErrorBanner error={openError} />}
      <ContactFacts contact={c} openUrl={openUrl}>
        <Section title="Salesforce">
          <Facts
            rows={[
              ["Delivery", <DeliveryBadge key="d" contact={c} />],
              ["Last delivered", c.lastDeliveredAt && formatDateTime(c.lastDeliveredAt)],
              ["Delivery ID", c.lastDeliveryId === null ? null : String(c.lastDeliveryId)],
              ["Lead", c.salesforceLeadId],
              ["Contact", c.salesforceContactId],
              ["Account", c.salesforceAccountId],
              ["Opportunity", c.salesforceOpportunityId],
              ["Stage", c.salesforceOpportunityStage],
              [
                "Amount",
                // What the last delivery recorded carries no currency: the contact page shows the
                // Opportunity in its record's currency.
                c.salesforceOpportunityAmount === null
                  ? null
                  : formatAmount(c.salesforceOpportunityAmount, null),
              ],
              ["Close date", c.salesforceOpportunityCloseDate],
            ]}
            mono
          />
        </Section>
      </ContactFacts>

      <Section title={`Conversations (${c.conversations.length})`}>
        {c.conversations.length === 0 ? (
          <p className="muted">No conversation recorded.</p>
        ) : (
          <ul className="plain-list">
            {c.conversations.map((conv) => (
              <li key={`${conv.conversationId}:${conv.firstSeenAt}`} className="list-item">
                <div className="row">
                  <strong className="mono">{conv.conversationId ?? "Conversation"}</strong>
                  <ConversationBadge status={conv.status} />
                </div>
                {conv.conversationUrl && (
                  <div>
                    <ConversationLink url={conv.conversationUrl} open={openUrl} />
                  </div>
                )}
                <div className="hint">
                  First seen {formatDateTime(conv.firstSeenAt)}
                  {conv.qualifiedAt && <> · qualified {formatDateTime(conv.qualifiedAt)}</>}
                  {conv.closedAt && <> · closed {formatDateTime(conv.closedAt)}</>}
                  {conv.workspaceId && <> · workspace {conv.workspaceId}</>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={`Events (${c.events.length})`}>
        {c.events.length === 0 ? (
          <p className="muted">No escalation, feedback or guardrail events.</p>
        ) : (
          <ul className="plain-list">
            {c.events.map((ev) => (
              <li key={ev.id} className="list-item" data-testid="contact-event">
                <div className="row">
                  <span className="badge">{ev.kind}</span>
                  <span className="hint">{formatDateTime(ev.timestamp)}</span>
                  {ev.salesforceTaskId && (
                    <span className="badge badge-success">Task {ev.salesforceTaskId}</span>
                  )}
                </div>
                <details>
                  <summary className="hint">Payload</summary>
                  <pre className="payload">{JSON.stringify(ev.payload, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
