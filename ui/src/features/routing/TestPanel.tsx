import { useEffect, useState } from "react";
import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { RoutingStep } from "../../bindings/RoutingStep";
import type { RoutingTrial } from "../../bindings/RoutingTrial";
import type { StepOutcome } from "../../bindings/StepOutcome";
import type { TrialContact } from "../../bindings/TrialContact";
import { ErrorBanner } from "../../components/ErrorBanner";
import type { Loadable } from "../../hooks";
import { STRATEGY_TEXT } from "./model";

const OUTCOME: Record<StepOutcome, { text: string; badge: string }> = {
  resolved: { text: "Decided", badge: "badge badge-success" },
  notResolved: { text: "No owner", badge: "badge" },
  disabled: { text: "Off", badge: "badge" },
};

const AD_HOC_FIELDS = [
  ["email", "Email", "visitor@acme.example"],
  ["company", "Company", "Acme"],
  ["website", "Website", "https://acme.example"],
  ["country", "Country", "US"],
  ["metadata.industry", "Industry", "Technology"],
  ["metadata.companySize", "Company size", "200-500"],
  ["agents.meetingScheduledWith", "Meeting scheduled with", "chat user email"],
  ["agents.lastRouted", "Last routed", "chat user email"],
  ["agents.closedBy", "Closed by", "chat user email"],
] as const;

/** The typed-in fields as the `lead` object of a `lead.qualified` event. */
export function adHocLead(values: Record<string, string>): Record<string, unknown> {
  const lead: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  const agents: Record<string, string> = {};
  for (const [path, raw] of Object.entries(values)) {
    const value = raw.trim();
    if (value === "") continue;
    if (path.startsWith("metadata.")) metadata[path.slice(9)] = value;
    else if (path.startsWith("agents.")) agents[path.slice(7)] = value;
    else lead[path] = value;
  }
  if (Object.keys(metadata).length > 0) lead.metadata = metadata;
  if (Object.keys(agents).length > 0) lead.agents = agents;
  return lead;
}

/**
 * "Test a contact": who would own the Lead of an inbox contact (or one typed in) under the
 * routing being edited, and why. Once a contact is tested, every edit tests it again.
 */
export function TestPanel({ draft }: { draft: MappingDocument }) {
  const [mode, setMode] = useState<"inbox" | "adHoc">("inbox");
  const [search, setSearch] = useState("");
  const [contacts, setContacts] = useState<Loadable<Contact[]>>({ state: "loading" });
  const [email, setEmail] = useState("");
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [subject, setSubject] = useState<TrialContact | null>(null);
  const [result, setResult] = useState<Loadable<RoutingTrial> | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.contactsList({ search: search.trim() || undefined, limit: 50 }).then(
        (page) => live && setContacts({ state: "ready", value: page.contacts }),
        (error: unknown) => live && setContacts({ state: "failed", error }),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search]);

  // Test again whenever the routing or the contact changes, once typing pauses (each test
  // costs two API calls: the Users query and the Account look-up); stale answers are dropped.
  useEffect(() => {
    if (!subject) return;
    let live = true;
    setResult((r) => (r?.state === "ready" ? r : { state: "loading" }));
    const timer = setTimeout(() => {
      api.routingTest(draft, subject).then(
        (value) => live && setResult({ state: "ready", value }),
        (error: unknown) => live && setResult({ state: "failed", error }),
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [draft, subject]);

  const list = contacts.state === "ready" ? contacts.value : [];
  const canTest = mode === "inbox" ? email !== "" : (typed.email ?? "").trim() !== "";
  const test = () =>
    setSubject(mode === "inbox" ? { kind: "inbox", email } : { kind: "adHoc", lead: adHocLead(typed) });

  return (
    <section className="card test-panel" aria-labelledby="test-title" data-testid="test-panel">
      <h2 id="test-title">Test a contact</h2>
      <p className="hint">
        Who would own this contact's Lead under the settings on this screen, saved or not.
      </p>
      <div className="segmented" role="radiogroup" aria-label="Contact to test">
        <label>
          <input type="radio" name="test-mode" checked={mode === "inbox"} onChange={() => setMode("inbox")} />
          From the inbox
        </label>
        <label>
          <input
            type="radio"
            name="test-mode"
            checked={mode === "adHoc"}
            onChange={() => setMode("adHoc")}
            data-testid="test-mode-adhoc"
          />
          Typed in
        </label>
      </div>
      {mode === "inbox" ? (
        <div className="stack">
          <input
            type="search"
            placeholder="Search contacts"
            aria-label="Search contacts"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="test-search"
          />
          {contacts.state === "failed" && <ErrorBanner error={contacts.error} />}
          {contacts.state === "ready" && list.length === 0 && search.trim() === "" ? (
            <p className="hint" data-testid="test-no-contacts">
              The inbox is empty. <a href="#/contacts">Import contacts</a>, or type a contact in.
            </p>
          ) : (
            <select
              aria-label="Contact"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="test-contact"
            >
              <option value="">Choose a contact…</option>
              {list.map((c) => (
                <option key={c.emailKey} value={c.email}>
                  {c.email}
                  {c.company ? ` — ${c.company}` : ""}
                </option>
              ))}
            </select>
          )}
        </div>
      ) : (
        <div className="adhoc-grid">
          {AD_HOC_FIELDS.map(([path, label, placeholder]) => (
            <label key={path}>
              {label}
              <input
                value={typed[path] ?? ""}
                placeholder={placeholder}
                onChange={(e) => setTyped((t) => ({ ...t, [path]: e.target.value }))}
                data-testid={`test-field-${path}`}
              />
            </label>
          ))}
        </div>
      )}
      <div>
        <button type="button" disabled={!canTest} onClick={test} data-testid="test-run">
          Test
        </button>
      </div>
      {result && <TrialResult result={result} />}
    </section>
  );
}

function TrialResult({ result }: { result: Loadable<RoutingTrial> }) {
  if (result.state === "loading") return <p className="muted">Routing…</p>;
  if (result.state === "failed") return <ErrorBanner error={result.error} />;
  const { contact, decision } = result.value;
  return (
    <div className="stack trial" aria-live="polite">
      <div className={`decision${decision.ownerId ? "" : " none"}`} data-testid="test-decision">
        <span className="hint">{contact.email} would be owned by</span>
        <strong data-testid="test-owner">
          {decision.ownerName ?? decision.ownerId ?? "the API user (no strategy decided)"}
        </strong>
        <span className="mono" data-testid="test-reason">
          {decision.reason}
        </span>
      </div>
      <ol className="steps" data-testid="test-steps">
        {decision.steps.map((step) => (
          <Step key={step.strategy} step={step} />
        ))}
      </ol>
    </div>
  );
}

function Step({ step }: { step: RoutingStep }) {
  const outcome = OUTCOME[step.outcome];
  return (
    <li className={`step step-${step.outcome}`} data-testid={`test-step-${step.strategy}`}>
      <div className="row">
        <span className={outcome.badge}>{outcome.text}</span>
        <strong>{STRATEGY_TEXT[step.strategy].title}</strong>
      </div>
      <div>{step.detail}</div>
      {step.trace.length > 0 && (
        <details>
          <summary className="hint">How ({step.trace.length} steps)</summary>
          <ul className="trace">
            {step.trace.map((t, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: trace lines are an ordered log.
              <li key={i}>{t}</li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}
