import type { Dispatch } from "react";
import type { CampaignOption } from "../../bindings/CampaignOption";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { Problem } from "../../bindings/Problem";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import type { TaskEventKind } from "../../bindings/TaskEventKind";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Switch } from "../../components/Switch";
import type { Loadable } from "../../hooks";
import type { EditorAction } from "./editor";
import { NumberField, ScoreThreshold } from "./inputs";
import { problemsAt } from "./model";
import { ProblemList } from "./ProblemList";

const EVENT_KINDS: { kind: TaskEventKind; label: string }[] = [
  { kind: "lead.qualified", label: "Lead qualified" },
  { kind: "conversation.completed", label: "Conversation completed" },
  { kind: "conversation.escalated", label: "Conversation escalated" },
  { kind: "conversation.feedback", label: "Conversation feedback" },
  { kind: "guardrail.triggered", label: "Guardrail triggered" },
];

/** A week: longer delays are almost certainly a typo. */
const MAX_DELAY_MINUTES = 10_080;
const BAND_NAMES = ["One star", "Two stars", "Three stars"] as const;

export function DeliverySettings({
  draft,
  dispatch,
  problems,
  campaigns,
  opportunity,
  notConnected,
}: {
  draft: MappingDocument;
  dispatch: Dispatch<EditorAction>;
  problems: readonly Problem[];
  campaigns: Loadable<CampaignOption[]>;
  opportunity: Loadable<SObjectDescribe>;
  notConnected: boolean;
}) {
  const edit = (edit: (doc: MappingDocument) => MappingDocument) => dispatch({ type: "edit", edit });
  const criteria = draft.criteria;
  const setCriteria = (next: Partial<MappingDocument["criteria"]>) =>
    edit((doc) => ({ ...doc, criteria: { ...doc.criteria, ...next } }));
  const opp = draft.opportunity;
  const setOpp = (next: Partial<MappingDocument["opportunity"]>) =>
    edit((doc) => ({ ...doc, opportunity: { ...doc.opportunity, ...next } }));
  const bands = criteria.starBands;

  return (
    <div className="settings-columns" data-testid="delivery-settings">
      <section className="card" aria-labelledby="criteria-title">
        <div className="card-head">
          <h2 id="criteria-title">Criteria</h2>
          <p className="hint">When automated deliveries go. A manual push from Contacts ignores these.</p>
        </div>
        <div className="settings-grid">
          <Switch
            checked={criteria.integrationOn}
            onChange={(integrationOn) => setCriteria({ integrationOn })}
            label="Integration on: deliver qualified contacts automatically"
            testId="integration-on"
          />
          <ScoreThreshold
            label="Minimum score"
            value={criteria.minimumScore}
            bands={bands}
            onChange={(minimumScore) => setCriteria({ minimumScore })}
            testId="criteria-minimum"
          />
          <fieldset className="bands">
            <legend>Star bands (qualification score from)</legend>
            {BAND_NAMES.map((name, i) => (
              <NumberField
                key={name}
                label={name}
                value={bands[i] ?? 0}
                min={0}
                max={100}
                onChange={(n) => {
                  const next: [number, number, number] = [...bands];
                  next[i] = n;
                  setCriteria({ starBands: next });
                }}
                testId={`band-${i + 1}`}
              />
            ))}
          </fieldset>
          <NumberField
            label="Synchronization delay"
            value={criteria.syncDelayMinutes}
            min={0}
            max={MAX_DELAY_MINUTES}
            onChange={(syncDelayMinutes) => setCriteria({ syncDelayMinutes })}
            suffix="minutes"
            testId="sync-delay"
          />
          <Switch
            checked={criteria.requireConversationClosed}
            onChange={(requireConversationClosed) => setCriteria({ requireConversationClosed })}
            label="Wait until the conversation is closed (the delay counts from then)"
            testId="require-closed"
          />
        </div>
        <ProblemList problems={problemsAt(problems, "criteria")} testId="criteria-problems" />
      </section>

      <section className="card" aria-labelledby="records-title">
        <div className="card-head">
          <h2 id="records-title">Existing records and owners</h2>
        </div>
        <fieldset className="choices">
          <legend>When the email belongs to an existing Contact</legend>
          <label className="choice">
            <input
              type="radio"
              name="contact-policy"
              checked={draft.contactPolicy === "skip"}
              onChange={() => edit((doc) => ({ ...doc, contactPolicy: "skip" }))}
              data-testid="contact-policy-skip"
            />
            <span>
              Leave the Contact untouched and create no Lead
              <span className="hint"> — reported as skipped (CONTACT_EXISTS)</span>
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name="contact-policy"
              checked={draft.contactPolicy === "updateExisting"}
              onChange={() => edit((doc) => ({ ...doc, contactPolicy: "updateExisting" }))}
              data-testid="contact-policy-update"
            />
            <span>
              Update the Contact
              <span className="hint"> — with the Contact tab's rows that have Overwrite on</span>
            </span>
          </label>
        </fieldset>
        <fieldset className="choices">
          <legend>Owner of new Leads</legend>
          <label className="choice">
            <input
              type="radio"
              name="assignment"
              checked={draft.assignment === "leadbridge"}
              onChange={() => edit((doc) => ({ ...doc, assignment: "leadbridge" }))}
              data-testid="assignment-leadbridge"
            />
            <span>
              Leadbridge sets the owner
              <span className="hint">
                {" "}
                — by the <a href="#/routing">Routing</a> priorities; Salesforce assignment rules are turned
                off
              </span>
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name="assignment"
              checked={draft.assignment === "salesforceRulesForNewLeads"}
              onChange={() => edit((doc) => ({ ...doc, assignment: "salesforceRulesForNewLeads" }))}
              data-testid="assignment-salesforce"
            />
            <span>
              Salesforce assignment rules decide
              <span className="hint"> — for new Leads only; updates never re-route a Lead</span>
            </span>
          </label>
        </fieldset>
        <ProblemList problems={problemsAt(problems, "contactPolicy", "assignment")} />
      </section>

      <section className="card" aria-labelledby="campaign-title">
        <div className="card-head">
          <h2 id="campaign-title">Campaign</h2>
          <p className="hint">New Leads only join this Campaign; updated records are not added.</p>
        </div>
        <CampaignPicker
          value={draft.campaignId}
          campaigns={campaigns}
          notConnected={notConnected}
          onChange={(campaignId) => edit((doc) => ({ ...doc, campaignId }))}
        />
        <ProblemList problems={problemsAt(problems, "campaignId")} testId="campaign-problems" />
      </section>

      <section className="card" aria-labelledby="opportunity-title">
        <div className="card-head">
          <h2 id="opportunity-title">Opportunity</h2>
          <p className="hint">
            For high-scoring contacts, an Opportunity on the Contact's Account with the conversation link in
            its description.
          </p>
        </div>
        <div className="settings-grid">
          <Switch
            checked={opp.enabled}
            onChange={(enabled) => setOpp({ enabled })}
            label="Create Opportunities"
            testId="opportunity-on"
          />
          <ScoreThreshold
            label="For contacts scoring at least"
            value={opp.minimumScore}
            bands={bands}
            onChange={(minimumScore) => setOpp({ minimumScore })}
            testId="opportunity-minimum"
          />
          <StagePicker
            value={opp.stageName}
            describe={opportunity}
            notConnected={notConnected}
            onChange={(stageName) => setOpp({ stageName })}
          />
          <label>
            Name
            <input
              value={opp.nameTemplate}
              onChange={(e) => setOpp({ nameTemplate: e.target.value })}
              data-testid="opportunity-name"
            />
            <span className="hint">Chat fields in braces are filled in, e.g. {"{company} - {intent}"}.</span>
          </label>
          <NumberField
            label="Close date"
            value={opp.closeDateDays}
            min={0}
            max={3650}
            onChange={(closeDateDays) => setOpp({ closeDateDays })}
            suffix="days after creation"
            testId="opportunity-close-days"
          />
        </div>
        <ProblemList problems={problemsAt(problems, "opportunity")} testId="opportunity-problems" />
      </section>

      <section className="card" aria-labelledby="events-title">
        <div className="card-head">
          <h2 id="events-title">Event settings</h2>
          <p className="hint">
            Chat events logged as Salesforce Tasks on the record (automated deliveries only).
          </p>
        </div>
        <div className="settings-grid">
          {EVENT_KINDS.map(({ kind, label }) => (
            <Switch
              key={kind}
              checked={draft.tasks.eventKinds.includes(kind)}
              onChange={(on) =>
                edit((doc) => ({
                  ...doc,
                  tasks: {
                    eventKinds: on
                      ? [...doc.tasks.eventKinds.filter((k) => k !== kind), kind]
                      : doc.tasks.eventKinds.filter((k) => k !== kind),
                  },
                }))
              }
              label={label}
              testId={`task-${kind}`}
            />
          ))}
        </div>
        <ProblemList problems={problemsAt(problems, "tasks")} />
      </section>
    </div>
  );
}

function CampaignPicker({
  value,
  campaigns,
  notConnected,
  onChange,
}: {
  value: string | null;
  campaigns: Loadable<CampaignOption[]>;
  notConnected: boolean;
  onChange: (id: string | null) => void;
}) {
  if (campaigns.state === "loading") return <p className="muted">Loading the org's Campaigns…</p>;
  if (campaigns.state === "failed") {
    return (
      <div className="stack">
        {notConnected ? (
          <p className="empty-inline" data-testid="campaign-connect">
            <a href="#/connect">Connect an org</a> to pick one of its Campaigns.
          </p>
        ) : (
          <ErrorBanner error={campaigns.error} />
        )}
        {value && (
          <p>
            Chosen Campaign: <span className="mono">{value}</span>{" "}
            <button type="button" className="secondary" onClick={() => onChange(null)}>
              Clear
            </button>
          </p>
        )}
      </div>
    );
  }
  const list = campaigns.value;
  const known = value === null || list.some((c) => c.id === value);
  return (
    <label>
      Campaign for new Leads
      <select
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
        data-testid="campaign"
      >
        <option value="">No Campaign</option>
        {!known && value && <option value={value}>Unknown Campaign {value} (not in this org)</option>}
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.status ? ` · ${c.status}` : ""}
            {c.isActive ? "" : " · inactive"}
          </option>
        ))}
      </select>
      {list.length === 0 && (
        <span className="hint">The org has no Campaigns the connected user can see.</span>
      )}
    </label>
  );
}

function StagePicker({
  value,
  describe,
  notConnected,
  onChange,
}: {
  value: string;
  describe: Loadable<SObjectDescribe>;
  notConnected: boolean;
  onChange: (stage: string) => void;
}) {
  const stages =
    describe.state === "ready"
      ? (describe.value.fields.find((f) => f.name === "StageName")?.picklistValues.filter((v) => v.active) ??
        [])
      : [];
  if (stages.length === 0) {
    return (
      <label>
        Stage
        <input value={value} onChange={(e) => onChange(e.target.value)} data-testid="opportunity-stage" />
        {describe.state === "failed" && (
          <span className="hint">
            {notConnected ? (
              <>
                <a href="#/connect">Connect an org</a> to choose from its stages.
              </>
            ) : (
              "The org's stages could not be read; type the stage's API value."
            )}
          </span>
        )}
      </label>
    );
  }
  const known = stages.some((s) => s.value === value);
  return (
    <label>
      Stage
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="opportunity-stage">
        {!known && <option value={value}>{value} (not a stage of this org)</option>}
        {stages.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label ?? s.value}
          </option>
        ))}
      </select>
    </label>
  );
}
