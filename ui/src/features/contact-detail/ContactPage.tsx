import "./contact-detail.css";
import { api } from "../../api";
import type { ContactDetail } from "../../bindings/ContactDetail";
import type { Delivery } from "../../bindings/Delivery";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime } from "../../format";
import { useKeepLast, useLoad } from "../../hooks";
import { screenHref } from "../../route";
import { ContactFacts, useOpenConversation } from "../contacts/ContactFacts";
import { displayName } from "../contacts/cells";
import { LinkedPanel } from "./LinkedPanel";

/** One contact: what the chat captured, its deliveries, and its Salesforce records. */
export function ContactPage({ email }: { email: string }) {
  const [loaded, reload] = useLoad(() => api.contactDetail(email));
  // After an update the history reloads in place: the linked records and editor stay.
  const detail = useKeepLast(loaded);
  const title = detail.state === "ready" ? (displayName(detail.value.contact) ?? email) : email;
  return (
    <div className="stack contact-page" data-testid="contact-page">
      <div className="row">
        <a href={screenHref("contacts")} className="back-link" data-testid="contact-back">
          ← Back to contacts
        </a>
      </div>
      <header className="contact-page-header">
        <h2 data-testid="contact-page-title">{title}</h2>
        <p className="muted mono">{email}</p>
      </header>
      {detail.state === "loading" && <p className="muted">Loading…</p>}
      {detail.state === "failed" && <ErrorBanner error={detail.error} />}
      {detail.state === "ready" && (
        <div className="contact-page-grid">
          <div className="stack">
            <Captured detail={detail.value} />
            <History detail={detail.value} />
          </div>
          <LinkedPanel email={detail.value.contact.email} onChanged={reload} />
        </div>
      )}
    </div>
  );
}

/** What the chat captured: the same facts as the inbox's drawer. */
function Captured({ detail }: { detail: ContactDetail }) {
  const { openError, openUrl } = useOpenConversation(detail.contact.email);
  return (
    <div className="card stack">
      {openError !== null && <ErrorBanner error={openError} />}
      <ContactFacts contact={detail.contact} openUrl={openUrl} />
    </div>
  );
}

function statusClass(d: Delivery): string {
  switch (d.status) {
    case "succeeded":
    case "resolved":
      return "badge badge-success";
    case "failed":
      return "badge badge-danger";
    case "skipped":
    case "pending":
    case "in_flight":
      return "badge badge-warning";
    default:
      return "badge";
  }
}

function History({ detail }: { detail: ContactDetail }) {
  const { deliveries, deliveriesTotal, contact } = detail;
  return (
    <div className="card stack" data-testid="contact-history">
      <div className="row card-title">
        <h3>Delivery history</h3>
        <span className="spacer" />
        <a href={screenHref("deliveries", { search: contact.email })} data-testid="contact-history-all">
          All in Deliveries ({deliveriesTotal.toLocaleString()})
        </a>
      </div>
      {deliveries.length === 0 ? (
        <p className="muted">Nothing delivered to Salesforce for this contact yet.</p>
      ) : (
        <table className="history-table">
          <thead>
            <tr>
              <th scope="col">Delivery</th>
              <th scope="col">When</th>
              <th scope="col">Object</th>
              <th scope="col">Action</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-testid="history-row">
                <td>
                  <a
                    href={screenHref("deliveries", { delivery: d.id, search: contact.email })}
                    data-testid={`history-link-${d.id}`}
                    title="Open this delivery in the Deliveries screen"
                  >
                    #{d.id}
                  </a>
                </td>
                <td>{formatDateTime(d.createdAt)}</td>
                <td>{d.object}</td>
                <td>{d.action}</td>
                <td>
                  <span className={statusClass(d)}>{d.status}</span>
                  {d.error && (
                    <div className="hint history-error" title={d.error.message}>
                      {d.error.code}: {d.error.message}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deliveriesTotal > deliveries.length && (
        <p className="hint">
          Showing the newest {deliveries.length} of {deliveriesTotal.toLocaleString()}.
        </p>
      )}
    </div>
  );
}
