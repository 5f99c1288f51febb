import "./contacts.css";
import { useCallback, useEffect, useState } from "react";
import { api } from "../../api";
import type { ContactSort } from "../../bindings/ContactSort";
import type { ConversationStatus } from "../../bindings/ConversationStatus";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks";
import { useHashParam } from "../../route";
import { ContactPage } from "../contact-detail/ContactPage";
import { ContactDrawer } from "./ContactDrawer";
import { ImportButton, type ImportDone, useFileImport } from "./ImportButton";
import { ImportReportPanel } from "./ImportReportPanel";
import { InboxTable } from "./InboxTable";
import { PushDialog } from "./PushDialog";
import { PushProgressPanel, PushResultPanel } from "./PushPanel";
import { plural, toPushSelection } from "./push";
import { ALL, NONE, type Selection, selectedCount, toggle } from "./selection";
import { DEFAULT_STAR_BANDS } from "./stars";
import { type ContactFilters, hasFilters, NO_FILTERS, useContactWindow } from "./useContactWindow";
import { usePush } from "./usePush";

const SEARCH_DEBOUNCE_MS = 250;

const SORTS: { value: ContactSort; label: string }[] = [
  { value: "receivedDesc", label: "Newest first" },
  { value: "receivedAsc", label: "Oldest first" },
  { value: "updatedDesc", label: "Recently updated" },
  { value: "scoreDesc", label: "Highest score" },
  { value: "scoreAsc", label: "Lowest score" },
  { value: "emailAsc", label: "Email A–Z" },
];

function countText(total: number, filtered: boolean): string {
  const n = total.toLocaleString();
  if (!filtered) return `${n} ${total === 1 ? "contact" : "contacts"}`;
  return total === 1 ? "1 contact matches" : `${n} contacts match`;
}

/** The inbox of captured contacts: search, filter, select, import, and inspect one. */
export function ContactsScreen() {
  // `#/contacts?contact=EMAIL` is one contact's page; the inbox otherwise.
  const page = useHashParam("contact");
  return page ? <ContactPage key={page} email={page} /> : <ContactsInbox />;
}

function ContactsInbox() {
  const [filters, setFilters] = useState<ContactFilters>(NO_FILTERS);
  const [searchText, setSearchText] = useState("");
  const [generation, setGeneration] = useState(0);
  const [selection, setSelection] = useState<Selection>(NONE);
  const [open, setOpen] = useState<{ email: string; emailKey: string } | null>(null);
  const [imported, setImported] = useState<ImportDone | null>(null);
  const [importError, setImportError] = useState<unknown>(null);
  const w = useContactWindow(filters, generation);
  const total = w.total ?? 0;

  // Typing searches after a short pause, not on every key.
  useEffect(() => {
    const t = setTimeout(
      () => setFilters((f) => (f.search === searchText ? f : { ...f, search: searchText })),
      SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(t);
  }, [searchText]);

  const change = (patch: Partial<ContactFilters>) => setFilters((f) => ({ ...f, ...patch }));
  // A selection belongs to the filters it was made under.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filters` is the trigger, not an input.
  useEffect(() => setSelection(NONE), [filters]);

  const clearFilters = () => {
    setSearchText("");
    change(NO_FILTERS);
  };

  const onImported = (done: ImportDone) => {
    setImportError(null);
    setImported(done);
    setSelection(NONE);
    setGeneration((g) => g + 1);
  };
  const onImportFailed = (error: unknown) => {
    setImported(null);
    setImportError(error);
  };

  const importer = useFileImport({ onImported, onFailed: onImportFailed });
  const [org] = useLoad(api.orgStatus);
  // A finished push changed the contacts' delivery facts: reload the rows, keep the ticks.
  const pusher = usePush(useCallback(() => setGeneration((g) => g + 1), []));

  const closeDrawer = useCallback(() => setOpen(null), []);
  const count = selectedCount(selection, total);
  const filtered = hasFilters(filters);
  const emptyInbox = w.total === 0 && !filtered;
  const pushBlocked =
    org.state === "loading"
      ? "Checking the Salesforce connection…"
      : org.state === "failed"
        ? `The Salesforce connection could not be checked: ${org.error instanceof Error ? org.error.message : String(org.error)}`
        : !org.value.connected
          ? "Connect a Salesforce org first"
          : pusher.running
            ? "A push is running"
            : count === 0
              ? "Select the contacts to push"
              : null;
  const pushSelection = () => toPushSelection(selection, filters);

  return (
    <div className="contacts-screen">
      <div className="contacts-main">
        {importer.input}
        {!emptyInbox && (
          <>
            {/* biome-ignore lint/a11y/useSemanticElements: older WebKitGTK (the Linux webview) lacks <search>; the role is its ARIA equivalent. */}
            <form className="toolbar inbox-filters" role="search" onSubmit={(e) => e.preventDefault()}>
              <input
                type="search"
                className="search"
                placeholder="Email, name or company…"
                aria-label="Search contacts"
                value={searchText}
                onChange={(e) => setSearchText(e.target.value)}
                data-testid="contacts-search"
              />
              <select
                aria-label="Conversation status"
                value={filters.status ?? ""}
                onChange={(e) =>
                  change({ status: e.target.value === "" ? null : (e.target.value as ConversationStatus) })
                }
                data-testid="filter-status"
              >
                <option value="">Any conversation</option>
                <option value="open">Open conversations</option>
                <option value="closed">Closed conversations</option>
              </select>
              <select
                aria-label="Minimum score"
                value={filters.minScore ?? ""}
                onChange={(e) => change({ minScore: e.target.value === "" ? null : Number(e.target.value) })}
                data-testid="filter-score"
              >
                <option value="">Any score</option>
                {DEFAULT_STAR_BANDS.map((lower, i) => (
                  <option key={lower} value={lower}>
                    {"★".repeat(i + 1)} {lower} and up
                  </option>
                ))}
              </select>
              <select
                aria-label="Delivery"
                value={filters.delivered === null ? "" : String(filters.delivered)}
                onChange={(e) =>
                  change({ delivered: e.target.value === "" ? null : e.target.value === "true" })
                }
                data-testid="filter-delivered"
              >
                <option value="">Delivered or not</option>
                <option value="true">Delivered to Salesforce</option>
                <option value="false">Not delivered yet</option>
              </select>

              <span className="spacer" />
              <ImportButton importer={importer} />
            </form>
          </>
        )}

        {importError !== null && <ErrorBanner error={importError} />}
        {imported && <ImportReportPanel done={imported} onDismiss={() => setImported(null)} />}
        {w.error !== null && <ErrorBanner error={w.error} />}
        {pusher.error !== null && <ErrorBanner error={pusher.error} />}
        {pusher.progress &&
          (pusher.running ? (
            <PushProgressPanel
              progress={pusher.progress}
              cancelling={pusher.cancelling}
              onCancel={pusher.cancel}
            />
          ) : (
            <PushResultPanel progress={pusher.progress} onDismiss={pusher.dismiss} />
          ))}
        {pusher.ask && (
          <PushDialog
            ask={pusher.ask}
            onPush={pusher.pushAsked}
            onConfirm={pusher.confirm}
            onClose={pusher.closeAsk}
          />
        )}

        {emptyInbox ? (
          <div className="empty-state" data-testid="contacts-empty">
            <h2>No contacts yet</h2>
            <p>
              Import a JSON, NDJSON or CSV file of <code>lead.qualified</code> events, or let the chat
              platform send them to the webhook receiver (<code>leadbridge serve</code>).
            </p>
            <p className="hint">
              Sample files are in the repository's <code>tests/fixtures/events/</code> folder.
            </p>
            <div className="empty-actions">
              <ImportButton importer={importer} primary />
            </div>
          </div>
        ) : (
          <>
            <div className="toolbar selection-bar" aria-live="polite">
              <span data-testid="contacts-count">
                {w.total === null
                  ? "Loading…"
                  : count > 0
                    ? `${count.toLocaleString()} of ${total.toLocaleString()} selected`
                    : countText(total, filtered)}
              </span>
              {count > 0 && !selection.all && count < total && (
                <button type="button" className="ghost link" onClick={() => setSelection(ALL)}>
                  Select all {total.toLocaleString()} matching
                </button>
              )}
              {count > 0 && (
                <button type="button" className="ghost link" onClick={() => setSelection(NONE)}>
                  Clear selection
                </button>
              )}
              <span className="spacer" />
              <label className="sort-label">
                Sort
                <select
                  value={filters.sort}
                  onChange={(e) => change({ sort: e.target.value as ContactSort })}
                  data-testid="sort"
                >
                  {SORTS.map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </label>
              <span className="tooltip-host" title={pushBlocked ?? undefined}>
                <button
                  type="button"
                  className="secondary"
                  disabled={pushBlocked !== null}
                  aria-describedby={pushBlocked ? "push-blocked" : undefined}
                  onClick={() => pusher.preview(pushSelection(), count)}
                  data-testid="push-preview"
                >
                  Preview push
                </button>
              </span>
              <span className="tooltip-host" title={pushBlocked ?? undefined}>
                <button
                  type="button"
                  disabled={pushBlocked !== null}
                  aria-describedby={pushBlocked ? "push-blocked" : undefined}
                  onClick={() => pusher.push(pushSelection(), count)}
                  data-testid="push-start"
                >
                  {count > 0 ? `Push ${plural(count, "contact", "contacts")}` : "Push"}
                </button>
              </span>
              {pushBlocked && org.state === "ready" && !org.value.connected ? (
                <span id="push-blocked" className="hint" data-testid="push-blocked">
                  Not connected: <a href="#/connect">connect an org</a> to push
                </span>
              ) : (
                pushBlocked && (
                  <span id="push-blocked" className="visually-hidden">
                    {pushBlocked}
                  </span>
                )
              )}
            </div>

            {w.total === 0 ? (
              <div className="empty-state" data-testid="contacts-no-match">
                <h2>No contacts match these filters</h2>
                <p className="muted">Search looks at email, first and last name, and company.</p>
                <div className="empty-actions">
                  <button type="button" className="secondary" onClick={clearFilters}>
                    Clear filters
                  </button>
                </div>
              </div>
            ) : (
              <InboxTable
                window={w}
                total={total}
                selection={selection}
                openEmailKey={open?.emailKey ?? null}
                onToggle={(key) => setSelection((s) => toggle(s, key))}
                onToggleAll={() => setSelection(count === total ? NONE : ALL)}
                onOpen={(email, emailKey) => setOpen({ email, emailKey })}
              />
            )}
          </>
        )}
      </div>
      {open && <ContactDrawer key={open.emailKey} email={open.email} onClose={closeDrawer} />}
    </div>
  );
}
