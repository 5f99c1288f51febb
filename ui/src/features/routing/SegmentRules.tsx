import { type Dispatch, useEffect, useState } from "react";
import type { Condition } from "../../bindings/Condition";
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { OwnershipRule } from "../../bindings/OwnershipRule";
import type { SalesforceUser } from "../../bindings/SalesforceUser";
import type { Segment } from "../../bindings/Segment";
import type { EditorAction } from "../mapping/editor";
import {
  type ConditionOp,
  FIELD_TEXT,
  type FieldKind,
  fieldKind,
  move,
  newCondition,
  newRule,
  newSegmentName,
  OP_TEXT,
  opsFor,
  renameSegment,
  reshapeCondition,
} from "./model";
import { UserPicker } from "./UserPicker";

type Edit = (doc: MappingDocument) => MappingDocument;

/** Named condition sets on company fields. */
export function SegmentEditor({
  draft,
  dispatch,
}: {
  draft: MappingDocument;
  dispatch: Dispatch<EditorAction>;
}) {
  const edit = (fn: Edit) => dispatch({ type: "edit", edit: fn });
  const setSegment = (i: number, fn: (s: Segment) => Segment) =>
    edit((d) => ({ ...d, segments: d.segments.map((s, j) => (j === i ? fn(s) : s)) }));
  return (
    <div className="stack" data-testid="segments">
      {draft.segments.length === 0 && (
        <div className="empty-inline" data-testid="no-segments">
          No segments yet. A segment groups companies by industry, size, country, domain or a metadata value;
          ownership rules then say who owns each group's Leads.
        </div>
      )}
      {draft.segments.map((segment, i) => (
        // Segments are edited in place; their position is their identity while editing.
        // biome-ignore lint/suspicious/noArrayIndexKey: names change as the admin types.
        <fieldset key={i} className="segment" data-testid={`segment-${i}`}>
          <legend className="sr-only">Segment {segment.name}</legend>
          <div className="row wrap">
            <label>
              Name
              <input
                value={segment.name}
                onChange={(e) => edit((d) => renameSegment(d, i, e.target.value))}
                data-testid={`segment-name-${i}`}
              />
            </label>
            <label>
              Companies matching
              <select
                value={segment.match}
                onChange={(e) =>
                  setSegment(i, (s) => ({ ...s, match: e.target.value === "any" ? "any" : "all" }))
                }
                data-testid={`segment-match-${i}`}
              >
                <option value="all">all conditions</option>
                <option value="any">any condition</option>
              </select>
            </label>
            <span className="spacer" />
            <button
              type="button"
              className="ghost remove"
              aria-label={`Remove segment ${segment.name}`}
              onClick={() => edit((d) => ({ ...d, segments: d.segments.filter((_, j) => j !== i) }))}
            >
              ×
            </button>
          </div>
          {segment.conditions.length === 0 && (
            <p className="hint">No conditions: this segment matches every company.</p>
          )}
          {segment.conditions.map((c, j) => (
            <ConditionRow
              // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place.
              key={j}
              condition={c}
              testId={`condition-${i}-${j}`}
              onChange={(next) =>
                setSegment(i, (s) => ({ ...s, conditions: s.conditions.map((x, k) => (k === j ? next : x)) }))
              }
              onRemove={() =>
                setSegment(i, (s) => ({ ...s, conditions: s.conditions.filter((_, k) => k !== j) }))
              }
            />
          ))}
          <div>
            <button
              type="button"
              className="secondary small"
              onClick={() => setSegment(i, (s) => ({ ...s, conditions: [...s.conditions, newCondition()] }))}
              data-testid={`add-condition-${i}`}
            >
              Add condition
            </button>
          </div>
        </fieldset>
      ))}
      <div>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            edit((d) => ({
              ...d,
              segments: [...d.segments, { name: newSegmentName(d.segments), match: "all", conditions: [] }],
            }))
          }
          data-testid="add-segment"
        >
          Add segment
        </button>
      </div>
    </div>
  );
}

function ConditionRow({
  condition,
  testId,
  onChange,
  onRemove,
}: {
  condition: Condition;
  testId: string;
  onChange: (c: Condition) => void;
  onRemove: () => void;
}) {
  const kind = fieldKind(condition.field);
  const metadataKey = kind === "metadata" ? condition.field.slice("metadata.".length) : "";
  const setField = (field: string) => onChange(reshapeCondition(condition, field, condition.op));
  return (
    <div className="condition row wrap" data-testid={testId}>
      <select
        aria-label="Company field"
        value={kind}
        onChange={(e) => {
          const k = e.target.value as FieldKind;
          setField(k === "metadata" ? "metadata." : k);
        }}
        data-testid={`${testId}-field`}
      >
        {(Object.keys(FIELD_TEXT) as FieldKind[]).map((k) => (
          <option key={k} value={k}>
            {FIELD_TEXT[k]}
          </option>
        ))}
      </select>
      {kind === "metadata" && (
        <input
          aria-label="Metadata key"
          placeholder="key, e.g. budget"
          value={metadataKey}
          onChange={(e) => setField(`metadata.${e.target.value.trim()}`)}
          data-testid={`${testId}-key`}
        />
      )}
      <select
        aria-label="Comparison"
        value={condition.op}
        onChange={(e) =>
          onChange(reshapeCondition(condition, condition.field, e.target.value as ConditionOp))
        }
        data-testid={`${testId}-op`}
      >
        {opsFor(condition.field).map((op) => (
          <option key={op} value={op}>
            {OP_TEXT[op]}
          </option>
        ))}
      </select>
      {condition.op === "in" ? (
        <input
          aria-label="Values, separated by commas"
          placeholder="US, CA"
          defaultValue={condition.values.join(", ")}
          onChange={(e) =>
            onChange({
              ...condition,
              values: e.target.value
                .split(",")
                .map((v) => v.trim())
                .filter((v) => v !== ""),
            })
          }
          data-testid={`${testId}-value`}
        />
      ) : condition.op === "between" ? (
        <>
          <NumberInput
            label="From"
            value={condition.min}
            onChange={(min) => onChange({ ...condition, min })}
            testId={`${testId}-min`}
          />
          <span className="muted">and</span>
          <NumberInput
            label="To"
            value={condition.max}
            onChange={(max) => onChange({ ...condition, max })}
            testId={`${testId}-max`}
          />
        </>
      ) : condition.op === "gte" || condition.op === "lte" ? (
        <NumberInput
          label="Value"
          value={condition.value}
          onChange={(value) => onChange({ ...condition, value })}
          testId={`${testId}-value`}
        />
      ) : (
        <input
          aria-label="Value"
          value={condition.value}
          placeholder={kind === "country" ? "e.g. US or United States" : kind === "domain" ? "e.g. .edu" : ""}
          onChange={(e) => onChange({ ...condition, value: e.target.value })}
          data-testid={`${testId}-value`}
        />
      )}
      <button type="button" className="ghost remove" aria-label="Remove condition" onClick={onRemove}>
        ×
      </button>
    </div>
  );
}

/** Reads a number; null for anything else (empty text included). */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  return t === "" || !Number.isFinite(Number(t)) ? null : Number(t);
}

/**
 * A number input that keeps what the admin types: only a number reaches the document, and
 * while the text is none the field says so (the document's value stays the last number).
 */
function NumberInput({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  onChange: (n: number) => void;
  testId: string;
}) {
  const [text, setText] = useState(String(value));
  // Follow the document when it changes from elsewhere (Discard, another operator).
  useEffect(() => {
    setText((t) => (parseNumber(t) === value ? t : String(value)));
  }, [value]);
  const valid = parseNumber(text) !== null;
  return (
    <input
      inputMode="decimal"
      className="number-input"
      aria-label={label}
      aria-invalid={!valid}
      title={valid ? undefined : "Enter a number"}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = parseNumber(e.target.value);
        if (n !== null) onChange(n);
      }}
      data-testid={testId}
    />
  );
}

/** Ordered ownership rules and the fallback for companies no segment matches. */
export function RuleEditor({
  draft,
  dispatch,
  users,
  ownerFields,
}: {
  draft: MappingDocument;
  dispatch: Dispatch<EditorAction>;
  users: readonly SalesforceUser[];
  /** User-lookup fields of Account; null when the describe could not be read. */
  ownerFields: readonly FieldDescribe[] | null;
}) {
  const edit = (fn: Edit) => dispatch({ type: "edit", edit: fn });
  const setRule = (i: number, patch: Partial<OwnershipRule>) =>
    edit((d) => ({
      ...d,
      ownershipRules: d.ownershipRules.map((r, j) => (j === i ? { ...r, ...patch } : r)),
    }));
  const fieldOptions = (current: string | null) => {
    const names = (ownerFields ?? []).map((f) => ({ value: f.name, label: `${f.label} (${f.name})` }));
    if (!names.some((n) => n.value === "OwnerId"))
      names.unshift({ value: "OwnerId", label: "Owner (OwnerId)" });
    if (current && !names.some((n) => n.value.toLowerCase() === current.toLowerCase())) {
      names.push({ value: current, label: `${current} (not on Account)` });
    }
    return names;
  };
  const rules = draft.ownershipRules;
  return (
    <div className="stack" data-testid="rules">
      {rules.length === 0 ? (
        <div className="empty-inline" data-testid="no-rules">
          {draft.segments.length === 0
            ? "Add a segment first; rules say who owns the Leads of each segment's companies."
            : "No rules yet: every company goes to the fallback below."}
        </div>
      ) : (
        <ol className="rule-list">
          {rules.map((rule, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules are ordered by position.
            <li key={i} className="rule" data-testid={`rule-${i}`}>
              <div className="row wrap">
                <span className="strategy-rank">{i + 1}</span>
                <label>
                  Segment
                  <select
                    value={rule.segment}
                    onChange={(e) => setRule(i, { segment: e.target.value })}
                    data-testid={`rule-segment-${i}`}
                  >
                    {!draft.segments.some((s) => s.name === rule.segment) && (
                      <option value={rule.segment}>{rule.segment || "Choose a segment"}</option>
                    )}
                    {draft.segments.map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </label>
                <span className="arrow" aria-hidden="true">
                  →
                </span>
                <label>
                  Owner from Account field
                  <select
                    value={rule.ownerField}
                    onChange={(e) => setRule(i, { ownerField: e.target.value })}
                    data-testid={`rule-field-${i}`}
                  >
                    {fieldOptions(rule.ownerField).map((f) => (
                      <option key={f.value} value={f.value}>
                        {f.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Then by
                  <select
                    value={rule.thenBy ?? ""}
                    onChange={(e) => setRule(i, { thenBy: e.target.value === "" ? null : e.target.value })}
                    data-testid={`rule-then-${i}`}
                  >
                    <option value="">Nothing</option>
                    {fieldOptions(rule.thenBy).map((f) => (
                      <option key={f.value} value={f.value}>
                        {f.label}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <div className="rule-actions">
                <button
                  type="button"
                  className="ghost small"
                  aria-label={`Move rule ${i + 1} up`}
                  disabled={i === 0}
                  onClick={() => edit((d) => ({ ...d, ownershipRules: move(d.ownershipRules, i, i - 1) }))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="ghost small"
                  aria-label={`Move rule ${i + 1} down`}
                  disabled={i === rules.length - 1}
                  onClick={() => edit((d) => ({ ...d, ownershipRules: move(d.ownershipRules, i, i + 1) }))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="ghost remove"
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() =>
                    edit((d) => ({ ...d, ownershipRules: d.ownershipRules.filter((_, j) => j !== i) }))
                  }
                >
                  ×
                </button>
              </div>
              <div className="rule-fallback">
                <span className="hint">When neither field holds a mapped, active user:</span>
                <UserPicker
                  label={`Fallback user for rule ${i + 1}`}
                  users={users}
                  value={rule.fallbackUserId}
                  emptyLabel="No fallback (try the next strategy)"
                  onChange={(id) => setRule(i, { fallbackUserId: id })}
                  testId={`rule-fallback-${i}`}
                />
              </div>
            </li>
          ))}
        </ol>
      )}
      {ownerFields === null && (
        <p className="hint">The Account's fields could not be read, so only OwnerId is offered.</p>
      )}
      <div>
        <button
          type="button"
          className="secondary"
          disabled={draft.segments.length === 0}
          onClick={() => edit((d) => ({ ...d, ownershipRules: [...d.ownershipRules, newRule(d.segments)] }))}
          data-testid="add-rule"
        >
          Add rule
        </button>
      </div>
      <div className="unmatched">
        <h3>Companies matching no segment</h3>
        <UserPicker
          label="Fallback user for companies matching no segment"
          users={users}
          value={draft.unmatchedFallbackUserId}
          emptyLabel="No fallback (try the next strategy)"
          onChange={(id) => edit((d) => ({ ...d, unmatchedFallbackUserId: id }))}
          testId="unmatched-fallback"
        />
      </div>
    </div>
  );
}
