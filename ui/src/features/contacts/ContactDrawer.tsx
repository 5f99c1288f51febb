import { type MouseEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import type { JsonValue } from "../../bindings/serde_json/JsonValue";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import { useLoad } from "../../hooks";
import { screenHref } from "../../route";
import { AutomatedDeliveryNote } from "./AutomatedDeliveryNote";
import { ConversationBadge, DeliveryBadge, displayName } from "./cells";
import { Score } from "./stars";

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
  const [openError, setOpenError] = useState<unknown>(null);
  const open = (url: string) => (e: MouseEvent) => {
    // A link followed inside the webview would replace the app: the core opens the browser.
    e.preventDefault();
    setOpenError(null);
    api.contactsOpenConversation(c.email, url).catch(setOpenError);
  };
  const link = (url: string | null) =>
    url ? (
      <a href={url} onClick={open(url)} className="mono" data-testid="conversation-link">
        {url}
      </a>
    ) : null;
  const metadata = Object.entries(c.metadata);

  return (
    <div className="stack">
      {openError !== null && <ErrorBanner error={openError} />}
      <Section title="Qualification">
        <Facts
          rows={[
            ["Score", <Score key="s" score={c.qualificationScore} />],
            ["Intent", c.intent],
            ["Source", c.source],
            ["Conversation", <ConversationBadge key="c" status={c.conversationStatus} />],
            ["Conversation URL", link(c.conversationUrl)],
            ["Closed", c.closedAt && formatDateTime(c.closedAt)],
            ["Qualified", c.qualifiedAt && formatDateTime(c.qualifiedAt)],
            ["Received", formatDateTime(c.receivedAt)],
            ["Updated", formatDateTime(c.updatedAt)],
          ]}
        />
      </Section>

      <Section title="Contact">
        <Facts
          rows={[
            ["Email", c.email],
            ["First name", c.firstName],
            ["Last name", c.lastName],
            ["Phone", c.phone],
            ["Company", c.company],
            ["Website", c.website],
            ["Domain", c.domain],
            ["Country", c.country],
          ]}
        />
      </Section>

      <Section title="Metadata">
        {metadata.length === 0 ? (
          <p className="muted">The chat platform sent no extra qualification data.</p>
        ) : (
          <Facts rows={metadata.map(([k, v]) => [k, jsonText(v)])} mono />
        )}
      </Section>

      <Section title="Agents">
        <Facts
          rows={[
            ["Meeting scheduled with", c.agents.meetingScheduledWith],
            ["Last routed to", c.agents.lastRouted],
            ["Closed by", c.agents.closedBy],
          ]}
          emptyText="No chat agents recorded."
        />
      </Section>

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
              c.salesforceOpportunityAmount === null ? null : c.salesforceOpportunityAmount.toLocaleString(),
            ],
            ["Close date", c.salesforceOpportunityCloseDate],
          ]}
          mono
        />
      </Section>

      <Section title="Automated delivery">
        <AutomatedDeliveryNote contact={c} />
      </Section>

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
                {conv.conversationUrl && <div>{link(conv.conversationUrl)}</div>}
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

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="drawer-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Label/value rows; empty values are left out (or `emptyText` when all are). */
export function Facts({
  rows,
  mono,
  emptyText,
}: {
  rows: [string, ReactNode][];
  mono?: boolean;
  emptyText?: string;
}) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== "");
  if (shown.length === 0) return <p className="muted">{emptyText ?? "Nothing recorded."}</p>;
  return (
    <dl className="facts drawer-facts">
      {shown.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd className={mono ? "mono" : undefined}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function jsonText(v: JsonValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
