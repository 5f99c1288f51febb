import { useId, useState } from "react";
import type { SalesforceUser } from "../../bindings/SalesforceUser";
import { searchUsers, userById, userLabel } from "./model";

/**
 * Picks a Salesforce User: a search box narrowing a list of the org's active Users. The
 * current value stays listed even when it is inactive or unknown, so the choice is visible.
 */
export function UserPicker({
  label,
  users,
  value,
  onChange,
  emptyLabel = "Nobody",
  testId,
}: {
  label: string;
  users: readonly SalesforceUser[];
  value: string | null;
  onChange: (id: string | null) => void;
  emptyLabel?: string;
  testId: string;
}) {
  const [query, setQuery] = useState("");
  const selectId = useId();
  const active = searchUsers(
    users.filter((u) => u.isActive),
    query,
  );
  const current = value ? userById(users, value) : undefined;
  const currentListed = value !== null && active.some((u) => u.id === current?.id);
  return (
    <div className="user-picker">
      <input
        type="search"
        className="user-search"
        placeholder="Search users"
        aria-label={`Search users for ${label}`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid={`${testId}-search`}
      />
      <select
        id={selectId}
        aria-label={label}
        value={current?.id ?? value ?? ""}
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
        data-testid={testId}
      >
        <option value="">{emptyLabel}</option>
        {value !== null && !currentListed && (
          <option value={current?.id ?? value}>{userLabel(users, value)}</option>
        )}
        {active.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
      {current && <span className="hint truncate-line">{current.email}</span>}
      {query.trim() !== "" && active.length === 0 && <span className="hint">No active user matches.</span>}
    </div>
  );
}
