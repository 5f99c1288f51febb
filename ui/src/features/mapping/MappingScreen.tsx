import { useCallback, useEffect, useReducer, useState } from "react";
import { ApiError, api } from "../../api";
import type { CampaignOption } from "../../bindings/CampaignOption";
import type { MappedObject } from "../../bindings/MappedObject";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import type { Validation } from "../../bindings/Validation";
import { ErrorBanner } from "../../components/ErrorBanner";
import { type TabItem, Tabs } from "../../components/Tabs";
import { type Loadable, useLoad } from "../../hooks";
import { DeliverySettings } from "./DeliverySettings";
import { editorReducer, isDirty } from "./editor";
import { FieldMappingTab } from "./FieldMappingTab";
import { formatWhen, HistoryPanel } from "./HistoryPanel";
import {
  countProblems,
  isRoutingProblem,
  MAPPED_OBJECTS,
  problemLocation,
  problemsAt,
  problemsOnTab,
  withScreenSections,
} from "./model";
import { ProblemList } from "./ProblemList";
import { DiscardDialog, LeaveDialog } from "./UnsavedDialogs";
import { useLeaveGuard } from "./useLeaveGuard";
import "./mapping.css";

type TabId = MappedObject | "settings" | "history";

/** The objects whose describe the screen shows: the three tabs, and Opportunity for stages. */
const DESCRIBED = ["Lead", "Contact", "Account", "Opportunity"] as const;
type Described = (typeof DESCRIBED)[number];
type Describes = Record<Described, Loadable<SObjectDescribe>>;

const SETTINGS_KEYS = ["criteria", "contactPolicy", "assignment", "campaignId", "opportunity", "tasks"];

function isNotConnected(error: unknown): boolean {
  return error instanceof ApiError && error.code === "NOT_CONNECTED";
}

const ALL_LOADING: Describes = {
  Lead: { state: "loading" },
  Contact: { state: "loading" },
  Account: { state: "loading" },
  Opportunity: { state: "loading" },
};

/** The active org's describes; `reload(true)` fetches them anew instead of from the cache. */
function useDescribes(): [Describes, (refresh: boolean) => void] {
  const [describes, setDescribes] = useState<Describes>(ALL_LOADING);
  const [request, setRequest] = useState({ generation: 0, refresh: false });
  useEffect(() => {
    let live = true;
    setDescribes(ALL_LOADING);
    for (const object of DESCRIBED) {
      api.mappingDescribe(object, request.refresh).then(
        (value) => live && setDescribes((d) => ({ ...d, [object]: { state: "ready", value } })),
        (error: unknown) => live && setDescribes((d) => ({ ...d, [object]: { state: "failed", error } })),
      );
    }
    return () => {
      live = false;
    };
  }, [request]);
  const reload = useCallback(
    (refresh: boolean) => setRequest((r) => ({ generation: r.generation + 1, refresh })),
    [],
  );
  return [describes, reload];
}

/** The draft's problems, checked shortly after each edit (stale answers are dropped). */
export function useValidation(draft: MappingDocument | null, generation: number): Loadable<Validation> {
  const [result, setResult] = useState<Loadable<Validation>>({ state: "loading" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` re-checks after the org's fields were refreshed.
  useEffect(() => {
    if (!draft) return;
    let live = true;
    const timer = setTimeout(() => {
      api.mappingValidate(draft).then(
        (value) => live && setResult({ state: "ready", value }),
        (error: unknown) => live && setResult({ state: "failed", error }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [draft, generation]);
  return result;
}

/**
 * The org's Campaigns, read the first time `wanted` (the settings are open): a query costs
 * one call of the org's daily API quota, so it is not made on every visit to the screen.
 */
function useCampaigns(wanted: boolean): Loadable<CampaignOption[]> {
  const [campaigns, setCampaigns] = useState<Loadable<CampaignOption[]> | null>(null);
  useEffect(() => {
    if (!wanted || campaigns !== null) return;
    setCampaigns({ state: "loading" });
    api.mappingCampaigns().then(
      (value) => setCampaigns({ state: "ready", value }),
      (error: unknown) => setCampaigns({ state: "failed", error }),
    );
  }, [wanted, campaigns]);
  return campaigns ?? { state: "loading" };
}

export function MappingScreen() {
  const [loaded] = useLoad(api.mappingCurrent);
  const [state, dispatch] = useReducer(editorReducer, null);
  const [chatFields] = useLoad(api.mappingChatFields);
  const [tab, setTab] = useState<TabId>("Lead");
  const campaigns = useCampaigns(tab === "settings");
  const [describes, reloadDescribes] = useDescribes();
  const [generation, setGeneration] = useState(0);
  const validation = useValidation(state?.draft ?? null, generation);
  const [note, setNote] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const dirty = isDirty(state);
  const guard = useLeaveGuard(dirty);

  useEffect(() => {
    if (loaded.state === "ready") dispatch({ type: "loaded", current: loaded.value });
  }, [loaded]);

  useEffect(() => {
    if (message === null) return;
    const timer = setTimeout(() => setMessage(null), 4000);
    return () => clearTimeout(timer);
  }, [message]);

  const reloadCurrent = async () => dispatch({ type: "loaded", current: await api.mappingCurrent() });

  const save = async (): Promise<boolean> => {
    if (!state) return false;
    setSaving(true);
    setSaveError(null);
    try {
      // Saved over the newest version, so routing settings saved meanwhile are kept.
      const latest = await api.mappingCurrent();
      const saved = await api.mappingSave(
        withScreenSections(latest.document, state.draft),
        note.trim() || null,
      );
      await reloadCurrent();
      setNote("");
      setMessage(
        saved.created
          ? `Saved as version ${saved.version}.`
          : `Nothing changed: version ${saved.version} is in force.`,
      );
      return true;
    } catch (e) {
      setSaveError(e);
      return false;
    } finally {
      setSaving(false);
    }
  };

  if (loaded.state === "failed") return <ErrorBanner error={loaded.error} />;
  if (!state) return <p className="muted">Loading the mapping…</p>;

  const problems = validation.state === "ready" ? validation.value.problems : [];
  const notConnected =
    isNotConnected(describes.Lead.state === "failed" ? describes.Lead.error : null) ||
    (validation.state === "ready" && validation.value.orgError?.code === "NOT_CONNECTED");
  const badge = (n: number) => (n > 0 ? n : undefined);
  const tabs: TabItem<TabId>[] = [
    ...MAPPED_OBJECTS.map((o) => ({
      id: o,
      label: o,
      badge: badge(
        problemsOnTab(problems, o).length +
          (o === "Lead" ? problemsAt(problems, "requiredDefaults").length : 0),
      ),
    })),
    {
      id: "settings",
      label: "Delivery settings",
      badge: badge(problemsAt(problems, ...SETTINGS_KEYS).length),
    },
    { id: "history", label: "History" },
  ];
  const { base, draft } = state;

  return (
    <div className="mapping stack" data-testid="mapping-screen">
      <div className="toolbar mapping-toolbar">
        <div className="version-line">
          <strong data-testid="mapping-version">
            {base.version === 0 ? "Default mapping (nothing saved yet)" : `Version ${base.version}`}
          </strong>
          {base.savedAt && <span className="muted">saved {formatWhen(base.savedAt)}</span>}
          {base.note && <span className="muted">“{base.note}”</span>}
          {dirty ? (
            <span className="badge badge-warning" data-testid="unsaved">
              Unsaved changes
            </span>
          ) : (
            <span className="badge" data-testid="saved">
              Saved
            </span>
          )}
        </div>
        <div className="save-actions">
          <input
            className="note-input"
            placeholder="Version note (optional)"
            aria-label="Note for this version"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            data-testid="save-note"
          />
          <button
            type="button"
            className="secondary"
            disabled={!dirty || saving}
            onClick={() => setConfirmDiscard(true)}
            data-testid="discard"
          >
            Discard
          </button>
          <button type="button" disabled={!dirty || saving} onClick={save} data-testid="save">
            {saving ? "Saving…" : "Save"}
          </button>
        </div>
      </div>
      {saveError !== null && <ErrorBanner error={saveError} />}
      <ValidationSummary validation={validation} notConnected={notConnected} />
      <Tabs items={tabs} value={tab} onChange={setTab} label="Mapping sections" />
      <div role="tabpanel" aria-label={tabs.find((t) => t.id === tab)?.label}>
        {tab === "settings" ? (
          <DeliverySettings
            draft={draft}
            dispatch={dispatch}
            problems={problems}
            campaigns={campaigns}
            opportunity={describes.Opportunity}
            notConnected={notConnected}
          />
        ) : tab === "history" ? (
          <HistoryPanel
            key={base.version}
            current={base.version}
            dirty={dirty}
            onReverted={async (version) => {
              await reloadCurrent();
              setMessage(`Reverted: version ${version} is in force.`);
            }}
          />
        ) : (
          <FieldMappingTab
            key={tab}
            object={tab}
            draft={draft}
            dispatch={dispatch}
            problems={problems}
            chatFields={chatFields}
            describe={describes[tab]}
            notConnected={notConnected}
            onMapped={setMessage}
            onRefreshFields={() => {
              reloadDescribes(true);
              setGeneration((g) => g + 1);
            }}
          />
        )}
      </div>
      <p className="toast-region" role="status" aria-live="polite">
        {message && (
          <span className="toast" data-testid="mapping-message">
            {message}
          </span>
        )}
      </p>
      {confirmDiscard && (
        <DiscardDialog
          back={`The mapping goes back to ${base.version === 0 ? "the default" : `version ${base.version}`}.`}
          onKeep={() => setConfirmDiscard(false)}
          onDiscard={() => {
            dispatch({ type: "discard" });
            setConfirmDiscard(false);
            setSaveError(null);
          }}
        />
      )}
      {guard.pending !== null && <LeaveDialog what="The mapping has" guard={guard} save={save} />}
    </div>
  );
}

function ValidationSummary({
  validation,
  notConnected,
}: {
  validation: Loadable<Validation>;
  notConnected: boolean;
}) {
  const connectNotice = notConnected && (
    <p className="notice" data-testid="not-connected">
      No Salesforce org is connected, so fields, types and required fields are not checked against Salesforce.{" "}
      <a href="#/connect">Connect an org to see its fields.</a>
    </p>
  );
  if (validation.state === "loading") {
    return (
      <>
        {connectNotice}
        <p className="muted">Checking the mapping…</p>
      </>
    );
  }
  if (validation.state === "failed") {
    return (
      <>
        {connectNotice}
        <ErrorBanner error={validation.error} />
      </>
    );
  }
  const { problems, orgError } = validation.value;
  const { errors, warnings } = countProblems(problems);
  const counts = [
    errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}` : null,
    warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return (
    <div className="stack validation" data-testid="validation">
      {connectNotice}
      {orgError && orgError.code !== "NOT_CONNECTED" && (
        <div className="stack">
          <p className="notice">The fields could not be checked against the org:</p>
          <ErrorBanner error={new ApiError(orgError)} />
        </div>
      )}
      {problems.length === 0 ? (
        <p className="validation-ok" data-testid="validation-ok">
          <span className="badge badge-success">No problems</span>{" "}
          {validation.value.orgChecked ? "Checked against the org's fields." : "Checked without an org."}
        </p>
      ) : (
        <details className="validation-details" open={errors > 0}>
          <summary data-testid="validation-counts">
            {counts.join(" and ")}
            {problems.some(isRoutingProblem) && (
              <span className="hint"> (some concern the Routing screen)</span>
            )}
          </summary>
          <ProblemList problems={problems} location={problemLocation} testId="validation-problems" />
        </details>
      )}
    </div>
  );
}
