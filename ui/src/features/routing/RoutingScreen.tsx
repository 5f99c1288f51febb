import { useEffect, useMemo, useReducer, useState } from "react";
import { ApiError, api } from "../../api";
import type { SalesforceUser } from "../../bindings/SalesforceUser";
import type { UserMappingSuggestion } from "../../bindings/UserMappingSuggestion";
import { ErrorBanner } from "../../components/ErrorBanner";
import { type TabItem, Tabs } from "../../components/Tabs";
import { type Loadable, useLoad } from "../../hooks";
import { editorReducer, isDirty } from "../mapping/editor";
import { formatWhen } from "../mapping/HistoryPanel";
import { useValidation } from "../mapping/MappingScreen";
import { isRoutingProblem, withSections } from "../mapping/model";
import { ProblemList } from "../mapping/ProblemList";
import { DiscardDialog, LeaveDialog } from "../mapping/UnsavedDialogs";
import { useLeaveGuard } from "../mapping/useLeaveGuard";
import {
  isQueueId,
  moveStrategy,
  ROUTING_KEYS,
  setStrategyEnabled,
  setUserMapping,
  strategyList,
  userLookupFields,
} from "./model";
import { RuleEditor, SegmentEditor } from "./SegmentRules";
import { StrategyList } from "./StrategyList";
import { TestPanel } from "./TestPanel";
import { UserMappingTable } from "./UserMappingTable";
import { UserPicker } from "./UserPicker";
import "./routing.css";

type TabId = "priority" | "users" | "segments" | "rules";

const loadAccount = () => api.mappingDescribe("Account");

/** The user mapping table's rows, recomputed by the core as the draft's mapping changes. */
function useSuggestions(
  chatUsers: Loadable<string[]>,
  users: Loadable<SalesforceUser[]>,
  mapping: Parameters<typeof api.routingSuggest>[2] | null,
): Loadable<UserMappingSuggestion[]> {
  const [result, setResult] = useState<Loadable<UserMappingSuggestion[]>>({ state: "loading" });
  useEffect(() => {
    if (chatUsers.state === "loading" || users.state === "loading" || mapping === null) return;
    if (chatUsers.state === "failed") {
      setResult(chatUsers);
      return;
    }
    let live = true;
    // Without an org the table still lists the chat users, all unmapped.
    const known = users.state === "ready" ? users.value : [];
    api.routingSuggest(chatUsers.value, known, mapping).then(
      (value) => live && setResult({ state: "ready", value }),
      (error: unknown) => live && setResult({ state: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [chatUsers, users, mapping]);
  return result;
}

function QueueIdField({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const [text, setText] = useState(value !== null && isQueueId(value) ? value : "");
  const valid = text.trim() === "" || isQueueId(text);
  return (
    <label className="queue-id">
      Or a queue Id
      <input
        className="mono"
        placeholder="00G…"
        value={text}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          if (isQueueId(e.target.value)) onChange(e.target.value.trim());
        }}
        data-testid="default-owner-queue"
      />
      {!valid && <span className="field-error">A Queue Id starts with 00G and has 15 or 18 characters.</span>}
    </label>
  );
}

export function RoutingScreen() {
  const [loaded] = useLoad(api.mappingCurrent);
  const [state, dispatch] = useReducer(editorReducer, null);
  const [users, reloadUsers] = useLoad(api.routingUsers);
  const [chatUsers] = useLoad(api.routingChatUsers);
  const [account] = useLoad(loadAccount);
  const [tab, setTab] = useState<TabId>("priority");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const dirty = isDirty(state);
  const guard = useLeaveGuard(dirty);
  const validation = useValidation(state?.draft ?? null, 0);
  const suggestions = useSuggestions(chatUsers, users, state?.draft.userMapping ?? null);

  useEffect(() => {
    if (loaded.state === "ready") dispatch({ type: "loaded", current: loaded.value });
  }, [loaded]);

  useEffect(() => {
    if (message === null) return;
    const timer = setTimeout(() => setMessage(null), 4000);
    return () => clearTimeout(timer);
  }, [message]);

  const ownerFields = useMemo(
    () => (account.state === "ready" ? userLookupFields(account.value.fields) : null),
    [account],
  );

  const save = async (): Promise<boolean> => {
    if (!state) return false;
    setSaving(true);
    setSaveError(null);
    try {
      // Saved over the newest version, so mapping settings saved meanwhile are kept.
      const latest = await api.mappingCurrent();
      const saved = await api.mappingSave(withSections(latest.document, state.draft, ROUTING_KEYS), null);
      dispatch({ type: "loaded", current: await api.mappingCurrent() });
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
  if (!state) return <p className="muted">Loading the routing settings…</p>;

  const { base, draft } = state;
  const userList = users.state === "ready" ? users.value : [];
  const notConnected =
    users.state === "failed" && users.error instanceof ApiError && users.error.code === "NOT_CONNECTED";
  const problems = validation.state === "ready" ? validation.value.problems.filter(isRoutingProblem) : [];
  const inPath = (...keys: string[]) => problems.filter((p) => keys.some((k) => p.path.startsWith(k))).length;
  const badge = (n: number) => (n > 0 ? n : undefined);
  const unmappedCount =
    suggestions.state === "ready" ? suggestions.value.filter((s) => s.warnings.length > 0).length : 0;
  const tabs: TabItem<TabId>[] = [
    { id: "priority", label: "Owner priority", badge: badge(inPath("ownerStrategies", "defaultOwnerId")) },
    { id: "users", label: "User mapping", badge: badge(inPath("userMapping") + unmappedCount) },
    { id: "segments", label: "Segments", badge: badge(inPath("segments")) },
    {
      id: "rules",
      label: "Ownership rules",
      badge: badge(inPath("ownershipRules", "unmatchedFallbackUserId")),
    },
  ];
  const list = strategyList(draft.ownerStrategies);

  return (
    <div className="routing stack" data-testid="routing-screen">
      <div className="toolbar">
        <div className="version-line">
          <strong data-testid="routing-version">
            {base.version === 0 ? "Default settings (nothing saved yet)" : `Mapping version ${base.version}`}
          </strong>
          {base.savedAt && <span className="muted">saved {formatWhen(base.savedAt)}</span>}
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
        <span className="spacer" />
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
      {saveError !== null && <ErrorBanner error={saveError} />}
      {notConnected && (
        <p className="notice" data-testid="not-connected">
          No Salesforce org is connected, so users cannot be picked and contacts cannot be tested.{" "}
          <a href="#/connect">Connect an org.</a>
        </p>
      )}
      {users.state === "failed" && !notConnected && (
        <div className="row">
          <ErrorBanner error={users.error} />
          <button type="button" className="secondary" onClick={reloadUsers}>
            Try again
          </button>
        </div>
      )}
      {problems.length > 0 && (
        <details className="validation-details" open={problems.some((p) => p.severity === "error")}>
          <summary data-testid="routing-problems-count">
            {problems.length} problem{problems.length === 1 ? "" : "s"} in the routing settings
          </summary>
          <ProblemList problems={problems} testId="routing-problems" />
        </details>
      )}
      <div className="routing-layout">
        <div className="routing-main">
          <Tabs items={tabs} value={tab} onChange={setTab} label="Routing sections" />
          <div role="tabpanel" aria-label={tabs.find((t) => t.id === tab)?.label}>
            {tab === "priority" && (
              <section className="card stack" aria-labelledby="priority-title">
                <div>
                  <h2 id="priority-title">Lead owner priority</h2>
                  <p className="hint">
                    The highest-ranked strategy that is on and finds an active Salesforce user decides. Drag a
                    strategy by its handle (or focus the handle and use Space and the arrow keys) to change
                    its rank.
                  </p>
                </div>
                <StrategyList
                  list={list}
                  onMove={(from, to) =>
                    dispatch({
                      type: "edit",
                      edit: (d) => ({ ...d, ownerStrategies: moveStrategy(d.ownerStrategies, from, to) }),
                    })
                  }
                  onToggle={(strategy, enabled) =>
                    dispatch({
                      type: "edit",
                      edit: (d) => ({
                        ...d,
                        ownerStrategies: setStrategyEnabled(d.ownerStrategies, strategy, enabled),
                      }),
                    })
                  }
                />
                <div className="default-owner">
                  <h3>Default owner</h3>
                  <p className="hint">Used by the default_owner strategy.</p>
                  <UserPicker
                    label="Default owner"
                    users={userList}
                    value={draft.defaultOwnerId}
                    emptyLabel="Not set"
                    onChange={(id) => dispatch({ type: "edit", edit: (d) => ({ ...d, defaultOwnerId: id }) })}
                    testId="default-owner"
                  />
                  <QueueIdField
                    value={draft.defaultOwnerId}
                    onChange={(id) => dispatch({ type: "edit", edit: (d) => ({ ...d, defaultOwnerId: id }) })}
                  />
                </div>
              </section>
            )}
            {tab === "users" && (
              <section className="card stack" aria-labelledby="users-title">
                <div>
                  <h2 id="users-title">User mapping</h2>
                  <p className="hint">
                    Chat users seen on contacts and the Salesforce user each stands for. A chat user whose
                    email equals an active user's email maps to that user unless you pick another.
                  </p>
                </div>
                <UserMappingTable
                  users={userList}
                  suggestions={suggestions}
                  mapping={draft.userMapping}
                  onChange={(chatUser, id) =>
                    dispatch({
                      type: "edit",
                      edit: (d) => ({ ...d, userMapping: setUserMapping(d.userMapping, chatUser, id) }),
                    })
                  }
                />
              </section>
            )}
            {tab === "segments" && (
              <section className="card stack" aria-labelledby="segments-title">
                <div>
                  <h2 id="segments-title">Company segments</h2>
                  <p className="hint">
                    Facts come from the chat first (metadata, country, domain), then from the matched
                    Salesforce Account.
                  </p>
                </div>
                <SegmentEditor draft={draft} dispatch={dispatch} />
              </section>
            )}
            {tab === "rules" && (
              <section className="card stack" aria-labelledby="rules-title">
                <div>
                  <h2 id="rules-title">Account ownership rules</h2>
                  <p className="hint">
                    Used by the account_owner strategy. Rules are tried in order; the first whose segment
                    matches the company decides, reading the owner from the Account found by the company's
                    domain or name.
                  </p>
                </div>
                <RuleEditor draft={draft} dispatch={dispatch} users={userList} ownerFields={ownerFields} />
              </section>
            )}
          </div>
        </div>
        <aside className="routing-side">
          <TestPanel draft={draft} />
        </aside>
      </div>
      <p className="toast-region" role="status" aria-live="polite">
        {message && (
          <span className="toast" data-testid="routing-message">
            {message}
          </span>
        )}
      </p>
      {confirmDiscard && (
        <DiscardDialog
          back={`The routing settings go back to ${base.version === 0 ? "the defaults" : `version ${base.version}`}.`}
          onKeep={() => setConfirmDiscard(false)}
          onDiscard={() => {
            dispatch({ type: "discard" });
            setConfirmDiscard(false);
            setSaveError(null);
          }}
        />
      )}
      {guard.pending !== null && <LeaveDialog what="The routing settings have" guard={guard} save={save} />}
    </div>
  );
}
