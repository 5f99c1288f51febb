import type { SalesforceUser } from "../../bindings/SalesforceUser";
import type { SuggestionBasis } from "../../bindings/SuggestionBasis";
import type { UserMapping } from "../../bindings/UserMapping";
import type { UserMappingSuggestion } from "../../bindings/UserMappingSuggestion";
import { ErrorBanner } from "../../components/ErrorBanner";
import type { Loadable } from "../../hooks";
import { manualEntry } from "./model";
import { UserPicker } from "./UserPicker";

const BASIS: Record<SuggestionBasis, { text: string; badge: string }> = {
  manual: { text: "Chosen by hand", badge: "badge" },
  emailMatch: { text: "Same email", badge: "badge badge-success" },
  savedAuto: { text: "Saved automatic match", badge: "badge" },
  nameSimilarity: { text: "Similar name", badge: "badge badge-warning" },
  none: { text: "Unmapped", badge: "badge badge-danger" },
};

/**
 * Chat users (agent emails seen on contacts) and the Salesforce User each stands for: the
 * automatic match by email, a name-based proposal to confirm, or the admin's own pick.
 */
export function UserMappingTable({
  users,
  suggestions,
  mapping,
  onChange,
}: {
  users: readonly SalesforceUser[];
  suggestions: Loadable<UserMappingSuggestion[]>;
  mapping: readonly UserMapping[];
  onChange: (chatUser: string, salesforceUserId: string | null) => void;
}) {
  if (suggestions.state === "failed") return <ErrorBanner error={suggestions.error} />;
  if (suggestions.state === "loading")
    return <p className="muted">Matching chat users to Salesforce users…</p>;
  if (suggestions.value.length === 0) {
    return (
      <div className="empty-inline" data-testid="no-chat-users">
        No chat users yet. They appear here once imported contacts name their agents (meeting scheduled with,
        last routed, closed by). <a href="#/contacts">Import contacts</a> to map them.
      </div>
    );
  }
  return (
    <table className="user-mapping" data-testid="user-mapping">
      <thead>
        <tr>
          <th scope="col">Chat user</th>
          <th scope="col">Salesforce user</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {suggestions.value.map((s) => {
          const manual = manualEntry(mapping, s.chatUser);
          const automatic = s.basis === "emailMatch" || s.basis === "savedAuto";
          const value =
            manual?.salesforceUserId ?? (automatic || s.basis === "manual" ? s.salesforceUserId : null);
          const basis = BASIS[s.basis];
          return (
            <tr key={s.chatUser.toLowerCase()} data-testid={`user-row-${s.chatUser}`}>
              <td className="mono">{s.chatUser}</td>
              <td>
                <UserPicker
                  label={`Salesforce user for ${s.chatUser}`}
                  users={users}
                  value={value}
                  emptyLabel="Not mapped"
                  onChange={(id) => onChange(s.chatUser, id)}
                  testId={`user-pick-${s.chatUser}`}
                />
              </td>
              <td>
                <div className="why">
                  <span className={basis.badge} data-testid={`user-basis-${s.chatUser}`}>
                    {basis.text}
                  </span>
                  {s.basis === "nameSimilarity" && s.salesforceUserId && (
                    <div className="row">
                      <span className="hint">Looks like {s.salesforceUserName}.</span>
                      <button
                        type="button"
                        className="secondary small"
                        onClick={() => onChange(s.chatUser, s.salesforceUserId)}
                        data-testid={`user-accept-${s.chatUser}`}
                      >
                        Use {s.salesforceUserName}
                      </button>
                    </div>
                  )}
                  {manual && (
                    <button
                      type="button"
                      className="ghost small"
                      onClick={() => onChange(s.chatUser, null)}
                      title="Remove your choice: the chat user then maps to the active user with the same email, if any"
                      data-testid={`user-clear-${s.chatUser}`}
                    >
                      Clear my choice
                    </button>
                  )}
                  {s.warnings
                    .filter((w) => !(w.code === "UNMAPPED" && s.basis === "nameSimilarity"))
                    .map((w) => (
                      <div key={w.code} className="warning-line" data-testid={`user-warning-${s.chatUser}`}>
                        {w.code !== "UNMAPPED" && <span className="badge badge-warning">Warning</span>}{" "}
                        {w.message}
                      </div>
                    ))}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
