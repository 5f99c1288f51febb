import { useEffect, useState } from "react";
import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import type { ContactPreview } from "../../bindings/ContactPreview";
import { ErrorBanner } from "../../components/ErrorBanner";
import { SoqlCode } from "./SoqlCode";

const SEARCH_DEBOUNCE_MS = 200;
const PICKER_LIMIT = 20;

type Load<T> =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "ready"; value: T }
  | { state: "failed"; error: unknown };

/**
 * "The app's own queries": pick a contact of the inbox and see every statement a sync of it
 * sends (dedupe, user and account lookups), escaped exactly as sent, each one a click away
 * from the console.
 */
export function PreviewPanel({ onOpen }: { onOpen: (soql: string) => void }) {
  const [search, setSearch] = useState("");
  const [contacts, setContacts] = useState<Load<{ list: Contact[]; total: number }>>({ state: "loading" });
  const [email, setEmail] = useState<string | null>(null);
  const [preview, setPreview] = useState<Load<ContactPreview>>({ state: "idle" });

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      const query = search.trim() ? { search: search.trim(), limit: PICKER_LIMIT } : { limit: PICKER_LIMIT };
      api.contactsList(query).then(
        (page) => live && setContacts({ state: "ready", value: { list: page.contacts, total: page.total } }),
        (error: unknown) => live && setContacts({ state: "failed", error }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [search]);

  useEffect(() => {
    if (email === null) return;
    let live = true;
    setPreview({ state: "loading" });
    api.soqlPreview(email).then(
      (value) => live && setPreview({ state: "ready", value }),
      (error: unknown) => live && setPreview({ state: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [email]);

  const emptyInbox = contacts.state === "ready" && contacts.value.total === 0 && search.trim() === "";
  if (emptyInbox) {
    return (
      <div className="empty-state" data-testid="soql-preview-empty">
        <h2>No contacts in the inbox yet</h2>
        <p>
          Import chat leads on the <a href="#/contacts">Contacts</a> screen; then pick one here to see the
          queries a sync of it sends.
        </p>
      </div>
    );
  }

  return (
    <div className="soql-preview">
      <section className="card soql-picker" aria-label="Pick a contact">
        <label>
          Contact
          <input
            type="search"
            value={search}
            placeholder="Search by email, name or company"
            onChange={(e) => setSearch(e.target.value)}
            data-testid="soql-preview-search"
          />
        </label>
        {contacts.state === "failed" && <ErrorBanner error={contacts.error} />}
        {contacts.state === "ready" && contacts.value.list.length === 0 && (
          <p className="muted">No contact matches “{search}”.</p>
        )}
        {contacts.state === "ready" && contacts.value.list.length > 0 && (
          <ul className="soql-picker-list">
            {contacts.value.list.map((c) => (
              <li key={c.emailKey}>
                <button
                  type="button"
                  className={c.email === email ? "soql-picker-item active" : "soql-picker-item"}
                  aria-pressed={c.email === email}
                  onClick={() => setEmail(c.email)}
                  data-testid="soql-preview-contact"
                >
                  <span className="mono">{c.email}</span>
                  <span className="muted">{[fullName(c), c.company].filter(Boolean).join(" · ")}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {contacts.state === "ready" && contacts.value.total > contacts.value.list.length && (
          <p className="hint">
            Showing {contacts.value.list.length} of {contacts.value.total}; search to narrow down.
          </p>
        )}
      </section>
      <section className="stack" aria-live="polite">
        {preview.state === "idle" && (
          <div className="empty-state">
            <h2>Pick a contact</h2>
            <p>Its dedupe, user and Account lookups appear here, written exactly as Leadbridge sends them.</p>
          </div>
        )}
        {preview.state === "loading" && <p className="muted">Building the queries…</p>}
        {preview.state === "failed" && <ErrorBanner error={preview.error} />}
        {preview.state === "ready" && (
          <>
            <p className="muted">
              A sync of <span className="mono">{preview.value.email}</span> sends these{" "}
              {preview.value.queries.length} queries.
            </p>
            {preview.value.notes.map((note) => (
              <p key={note} className="soql-preview-note" data-testid="soql-preview-note">
                {note}
              </p>
            ))}
            {preview.value.queries.map((q) => (
              <article key={q.soql} className="card soql-preview-query" data-testid="soql-preview-query">
                <h3>{q.purpose}</h3>
                <SoqlCode soql={q.soql} />
                <div className="row">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => onOpen(q.soql)}
                    data-testid="open-in-console"
                  >
                    Open in console
                  </button>
                </div>
              </article>
            ))}
          </>
        )}
      </section>
    </div>
  );
}

function fullName(c: Contact): string | null {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name || null;
}
