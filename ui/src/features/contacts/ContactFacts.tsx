import { type MouseEvent, type ReactNode, useState } from "react";
import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import type { JsonValue } from "../../bindings/serde_json/JsonValue";
import { Facts } from "../../components/Facts";
import { formatDateTime } from "../../format";
import { AutomatedDeliveryNote } from "./AutomatedDeliveryNote";
import { ConversationBadge } from "./cells";
import { Score } from "./stars";

/**
 * What the chat captured about one contact: qualification, fields, metadata, agents and when it
 * goes to Salesforce. The drawer and the contact page both show it; `children` (the drawer's
 * Salesforce ids) go before the automated-delivery note.
 */
export function ContactFacts({
  contact: c,
  openUrl,
  children,
}: {
  contact: Contact;
  /** From useOpenConversation. */
  openUrl: (url: string) => (e: MouseEvent) => void;
  children?: ReactNode;
}) {
  const metadata = Object.entries(c.metadata);
  return (
    <>
      <Section title="Qualification">
        <Facts
          rows={[
            ["Score", <Score key="s" score={c.qualificationScore} />],
            ["Intent", c.intent],
            ["Source", c.source],
            ["Conversation", <ConversationBadge key="c" status={c.conversationStatus} />],
            [
              "Conversation URL",
              c.conversationUrl && <ConversationLink url={c.conversationUrl} open={openUrl} />,
            ],
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

      {children}

      <Section title="Automated delivery">
        {/* Why it has not gone to Salesforce yet, and when it will (or that it has). */}
        <AutomatedDeliveryNote contact={c} />
      </Section>
    </>
  );
}

/**
 * Opens a contact's conversation links in the system browser (a link followed inside the webview
 * would replace the app), with the error of the last attempt.
 */
export function useOpenConversation(email: string) {
  const [openError, setOpenError] = useState<unknown>(null);
  const openUrl = (url: string) => (e: MouseEvent) => {
    e.preventDefault();
    setOpenError(null);
    api.contactsOpenConversation(email, url).catch(setOpenError);
  };
  return { openError, openUrl };
}

/** A conversation's URL, opened in the system browser by `open`. */
export function ConversationLink({
  url,
  open,
}: {
  url: string;
  open: (url: string) => (e: MouseEvent) => void;
}) {
  return (
    <a href={url} onClick={open(url)} className="mono" data-testid="conversation-link">
      {url}
    </a>
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

export function jsonText(v: JsonValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
