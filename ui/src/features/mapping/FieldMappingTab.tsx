import {
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { type Dispatch, Fragment, useId, useMemo, useRef, useState } from "react";
import type { ChatField } from "../../bindings/ChatField";
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { MappedObject } from "../../bindings/MappedObject";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { MappingRow } from "../../bindings/MappingRow";
import type { Problem } from "../../bindings/Problem";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Switch } from "../../components/Switch";
import type { Loadable } from "../../hooks";
import {
  chatId,
  fieldId,
  fieldStepper,
  fieldUnderPointer,
  idValue,
  mappingAnnouncements,
  SCREEN_READER_INSTRUCTIONS,
} from "./dnd";
import type { EditorAction } from "./editor";
import {
  exampleText,
  fieldTypeLabel,
  filterFields,
  isReadOnly,
  isRequiredOnCreate,
  mapField,
  problemsAt,
  problemsForRow,
  problemsForTab,
  rowKeys,
  rowsOf,
  sameField,
  sortByLabel,
} from "./model";
import { ProblemList } from "./ProblemList";

/** What the rows of each tab do, in the seed's terms. */
const TAB_HINTS: Record<MappedObject, string> = {
  Lead: "A new Lead gets every row. When a Lead with the same email exists, only the rows with Overwrite on are written to it.",
  Contact:
    "Used only when existing Contacts are updated (Delivery settings): then the rows with Overwrite on are written to the Contact with that email.",
  Account:
    "Written to the Account matched by the company's domain or name, and only the rows with Overwrite on: the Account is the customer's record.",
};

/** Where a new chat field path comes from when the admin types a metadata key. */
const OTHER_METADATA = "\u0000metadata";

export function FieldMappingTab({
  object,
  draft,
  dispatch,
  problems,
  chatFields,
  describe,
  notConnected,
  onMapped,
  onRefreshFields,
}: {
  object: MappedObject;
  draft: MappingDocument;
  dispatch: Dispatch<EditorAction>;
  problems: readonly Problem[];
  chatFields: Loadable<ChatField[]>;
  describe: Loadable<SObjectDescribe>;
  notConnected: boolean;
  /** Says what a drop or "Add field" did (shown and announced by the screen). */
  onMapped: (message: string) => void;
  /** Reads the org's fields again (after a change in Salesforce). */
  onRefreshFields: () => void;
}) {
  const rows = rowsOf(draft, object);
  const fields = describe.state === "ready" ? describe.value.fields : null;
  const byName = useMemo(() => new Map((fields ?? []).map((f) => [f.name.toLowerCase(), f])), [fields]);
  const fieldOf = (name: string) => byName.get(name.toLowerCase());
  const labelOf = (name: string) => fieldOf(name)?.label ?? name;

  // Every chat field the core knows, plus any a row uses that no contact has shown yet.
  const chat = useMemo(() => {
    const known = chatFields.state === "ready" ? chatFields.value : [];
    const extra = rows
      .filter((r) => !known.some((f) => f.path === r.source))
      .map(
        (r): ChatField => ({
          path: r.source,
          example: null,
          count: 0,
          isMetadata: r.source.startsWith("metadata."),
        }),
      );
    const seen = new Set<string>();
    return [...known, ...extra].filter((f) => !seen.has(f.path) && seen.add(f.path));
  }, [chatFields, rows]);
  const exampleOf = (path: string) => exampleText(chat.find((f) => f.path === path)?.example);

  const map = (source: string, target: string) => {
    const { outcome } = mapField(rows, source, target);
    dispatch({ type: "map", object, source, target });
    const what = `${object} ${labelOf(target)}`;
    onMapped(
      outcome.kind === "added"
        ? `Mapped ${source} to ${what}.`
        : outcome.kind === "replaced"
          ? `Mapped ${source} to ${what}, replacing ${outcome.previousSource}.`
          : `${source} was already mapped to ${what}.`,
    );
  };

  const tabProblems = [
    ...problemsForTab(problems, object),
    ...(object === "Lead" ? problemsAt(problems, "requiredDefaults") : []),
  ];

  return (
    <div className="stack" data-testid={`mapping-tab-${object}`}>
      <ProblemList problems={tabProblems} testId={`tab-problems-${object}`} />
      {object === "Contact" && draft.contactPolicy === "skip" && (
        <p className="notice" data-testid="contact-policy-notice">
          Existing Contacts are currently left untouched (Delivery settings → Existing Contacts), so these
          rows are not used.
        </p>
      )}
      <section className="card" aria-labelledby={`rows-${object}`}>
        <div className="card-head">
          <h2 id={`rows-${object}`}>
            {object} fields <span className="badge">{rows.length}</span>
          </h2>
          <p className="hint">{TAB_HINTS[object]}</p>
        </div>
        <MappingRows
          object={object}
          rows={rows}
          problems={problems}
          fieldOf={fieldOf}
          exampleOf={exampleOf}
          dispatch={dispatch}
        />
        <AddField object={object} chat={chat} fields={fields} onAdd={map} />
      </section>
      {object === "Lead" && <RequiredDefaults draft={draft} dispatch={dispatch} />}
      <DragArea
        object={object}
        rows={rows}
        chat={chat}
        chatError={chatFields.state === "failed" ? chatFields.error : null}
        describe={describe}
        notConnected={notConnected}
        labelOf={labelOf}
        onMap={map}
        onRefresh={onRefreshFields}
      />
    </div>
  );
}

function MappingRows({
  object,
  rows,
  problems,
  fieldOf,
  exampleOf,
  dispatch,
}: {
  object: MappedObject;
  rows: readonly MappingRow[];
  problems: readonly Problem[];
  fieldOf: (name: string) => FieldDescribe | undefined;
  exampleOf: (path: string) => string;
  dispatch: Dispatch<EditorAction>;
}) {
  if (rows.length === 0) {
    return (
      <div className="empty-inline" data-testid={`no-rows-${object}`}>
        No {object} fields are mapped. Drag a chat field onto a Salesforce field below, or use Add field.
      </div>
    );
  }
  return (
    <table className="mapping-rows">
      <thead>
        <tr>
          <th scope="col">Chat field</th>
          <th scope="col" aria-label="maps to" />
          <th scope="col">Salesforce field</th>
          <th scope="col">Existing records</th>
          <th scope="col" aria-label="Remove" />
        </tr>
      </thead>
      <tbody>
        {rowKeys(rows).map((key, index) => {
          const row = rows[index];
          if (!row) return null;
          const rowProblems = problemsForRow(problems, object, index);
          const field = fieldOf(row.target);
          const severity = rowProblems.some((p) => p.severity === "error")
            ? "row-error"
            : rowProblems.length > 0
              ? "row-warning"
              : "";
          const example = exampleOf(row.source);
          return (
            <Fragment key={key}>
              <tr className={severity} data-testid={`row-${object}-${row.target}`}>
                <td>
                  <span className="mono">{row.source}</span>
                  {example && <div className="hint truncate">e.g. {example}</div>}
                </td>
                <td aria-hidden="true" className="arrow">
                  →
                </td>
                <td>
                  {field ? (
                    <>
                      <span>{field.label}</span> <span className="mono muted">{field.name}</span>
                      <div className="hint">{fieldTypeLabel(field)}</div>
                    </>
                  ) : (
                    <span className="mono">{row.target}</span>
                  )}
                </td>
                <td>
                  <Switch
                    checked={row.overwrite}
                    label="Overwrite"
                    onChange={(overwrite) => dispatch({ type: "overwrite", object, index, overwrite })}
                    testId={`overwrite-${object}-${row.target}`}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="ghost remove"
                    aria-label={`Remove mapping ${row.source} to ${row.target}`}
                    title="Remove this mapping"
                    onClick={() => dispatch({ type: "remove", object, index })}
                    data-testid={`remove-${object}-${row.target}`}
                  >
                    ×
                  </button>
                </td>
              </tr>
              {rowProblems.length > 0 && (
                <tr className={`row-problems ${severity}`}>
                  <td colSpan={5}>
                    <ProblemList problems={rowProblems} testId={`row-problems-${object}-${row.target}`} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function AddField({
  object,
  chat,
  fields,
  onAdd,
}: {
  object: MappedObject;
  chat: readonly ChatField[];
  fields: readonly FieldDescribe[] | null;
  onAdd: (source: string, target: string) => void;
}) {
  const [source, setSource] = useState("");
  const [metadataKey, setMetadataKey] = useState("");
  const [target, setTarget] = useState("");
  const targetId = useId();
  const writable = useMemo(() => sortByLabel((fields ?? []).filter((f) => !isReadOnly(f))), [fields]);
  const path =
    source === OTHER_METADATA ? (metadataKey.trim() ? `metadata.${metadataKey.trim()}` : "") : source;
  const ready = path !== "" && target.trim() !== "";
  const add = () => {
    if (!ready) return;
    onAdd(path, target.trim());
    setSource("");
    setMetadataKey("");
    setTarget("");
  };
  return (
    <fieldset className="add-field" data-testid={`add-field-${object}`}>
      <legend>Add field</legend>
      <label>
        Chat field
        <select value={source} onChange={(e) => setSource(e.target.value)} data-testid="add-source">
          <option value="">Choose a chat field…</option>
          {chat.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
          <option value={OTHER_METADATA}>Other metadata key…</option>
        </select>
      </label>
      {source === OTHER_METADATA && (
        <label>
          Metadata key
          <input
            value={metadataKey}
            onChange={(e) => setMetadataKey(e.target.value)}
            placeholder="e.g. budget"
            data-testid="add-metadata-key"
          />
        </label>
      )}
      <span className="arrow" aria-hidden="true">
        →
      </span>
      <label htmlFor={targetId}>
        {object} field
        {fields ? (
          <select
            id={targetId}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="add-target"
          >
            <option value="">Choose a Salesforce field…</option>
            {writable.map((f) => (
              <option key={f.name} value={f.name}>
                {f.label} ({f.name})
              </option>
            ))}
          </select>
        ) : (
          <input
            id={targetId}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="API name, e.g. Title"
            data-testid="add-target"
          />
        )}
      </label>
      <button type="button" disabled={!ready} onClick={add} data-testid="add-field">
        Add field
      </button>
    </fieldset>
  );
}

function RequiredDefaults({ draft, dispatch }: { draft: MappingDocument; dispatch: Dispatch<EditorAction> }) {
  const defaults = draft.requiredDefaults;
  const set = (next: Partial<MappingDocument["requiredDefaults"]>) =>
    dispatch({
      type: "edit",
      edit: (doc) => ({ ...doc, requiredDefaults: { ...doc.requiredDefaults, ...next } }),
    });
  return (
    <section className="card" aria-labelledby="required-defaults">
      <div className="card-head">
        <h2 id="required-defaults">When the chat did not capture a required field</h2>
        <p className="hint">
          Salesforce refuses a new Lead without Last Name and Company. These fill them in only when the chat
          has no value.
        </p>
      </div>
      <div className="settings-grid">
        <Switch
          checked={defaults.lastNameFromEmail}
          onChange={(lastNameFromEmail) => set({ lastNameFromEmail })}
          label="Last Name from the email address (alex.chen@… → alex.chen)"
          testId="default-last-name"
        />
        <div className="row wrap">
          <Switch
            checked={defaults.company !== null}
            onChange={(on) => set({ company: on ? "[not provided]" : null })}
            label="Company placeholder"
            testId="default-company-on"
          />
          {defaults.company !== null && (
            <input
              aria-label="Company placeholder text"
              value={defaults.company}
              onChange={(e) => set({ company: e.target.value })}
              data-testid="default-company"
            />
          )}
        </div>
      </div>
    </section>
  );
}

function DragArea({
  object,
  rows,
  chat,
  chatError,
  describe,
  notConnected,
  labelOf,
  onMap,
  onRefresh,
}: {
  object: MappedObject;
  rows: readonly MappingRow[];
  chat: readonly ChatField[];
  chatError: unknown;
  describe: Loadable<SObjectDescribe>;
  notConnected: boolean;
  labelOf: (name: string) => string;
  onMap: (source: string, target: string) => void;
  onRefresh: () => void;
}) {
  const [query, setQuery] = useState("");
  const [showReadOnly, setShowReadOnly] = useState(false);
  const [dragging, setDragging] = useState<string | null>(null);
  const fields = describe.state === "ready" ? describe.value.fields : [];
  const visible = useMemo(
    () => sortByLabel(filterFields(fields, query, !showReadOnly)),
    [fields, query, showReadOnly],
  );
  // Read by the keyboard stepper and the announcements during a drag, without re-creating
  // the sensors on every render.
  const order = useRef<string[]>([]);
  order.current = visible.filter((f) => !isReadOnly(f)).map((f) => f.name);
  const rowsAtStart = useRef<readonly MappingRow[]>(rows);

  const sensors = useSensors(
    // A few pixels of movement before a drag starts, so a click on a field stays a click.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: fieldStepper(() => order.current) }),
  );
  const announcements = useMemo(
    () => mappingAnnouncements(object, () => rowsAtStart.current, labelOf),
    [object, labelOf],
  );

  const onDragStart = ({ active }: DragStartEvent) => {
    rowsAtStart.current = rows;
    setDragging(idValue(active.id, "chat"));
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const source = idValue(active.id, "chat");
    const target = over ? idValue(over.id, "sf") : null;
    if (source && target) onMap(source, target);
  };

  const mappedFrom = (name: string) => rows.find((r) => sameField(r.target, name))?.source;
  const mappedTo = (path: string) => rows.filter((r) => r.source === path).map((r) => r.target);

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={fieldUnderPointer}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
      accessibility={{ announcements, screenReaderInstructions: SCREEN_READER_INSTRUCTIONS }}
    >
      <section className="card" aria-labelledby={`drag-${object}`}>
        <div className="card-head">
          <h2 id={`drag-${object}`}>Map by drag and drop</h2>
          <p className="hint">
            Drag a chat field onto a Salesforce field to map it. With the keyboard: focus a chat field, press
            Space, move with the Up and Down arrows, press Space again to drop.
          </p>
        </div>
        <div className="drag-area">
          <div className="drag-column">
            <h3>Chat fields</h3>
            {chatError !== null && <ErrorBanner error={chatError} />}
            <ul className="field-list" aria-label="Chat fields" data-testid="chat-fields">
              {chat.map((f) => (
                <ChatFieldItem key={f.path} field={f} mappedTo={mappedTo(f.path)} />
              ))}
            </ul>
          </div>
          <div className="drag-column">
            <div className="row column-head">
              <h3>Salesforce {object} fields</h3>
              {describe.state === "ready" && (
                <button
                  type="button"
                  className="ghost"
                  onClick={onRefresh}
                  title="Read the org's fields again, after a change in Salesforce"
                >
                  Refresh
                </button>
              )}
            </div>
            {describe.state === "loading" && <p className="muted">Loading the org's {object} fields…</p>}
            {describe.state === "failed" &&
              (notConnected ? (
                <div className="empty-inline" data-testid="connect-to-see-fields">
                  <a href="#/connect">Connect an org to see its fields</a>. Until then you can still edit,
                  remove and add rows by API name.
                </div>
              ) : (
                <ErrorBanner error={describe.error} />
              ))}
            {describe.state === "ready" && (
              <>
                <div className="row wrap field-filter">
                  <input
                    type="search"
                    placeholder="Search by label or API name"
                    aria-label={`Search ${object} fields`}
                    value={query}
                    onChange={(e) => setQuery(e.target.value)}
                    data-testid="sf-field-search"
                  />
                  <Switch checked={showReadOnly} onChange={setShowReadOnly} label="Show read-only" />
                </div>
                <ul className="field-list" aria-label={`Salesforce ${object} fields`} data-testid="sf-fields">
                  {visible.map((f) => (
                    <SalesforceFieldItem key={f.name} field={f} mappedFrom={mappedFrom(f.name)} />
                  ))}
                  {visible.length === 0 && (
                    <li className="muted empty-inline">No field matches “{query}”.</li>
                  )}
                </ul>
              </>
            )}
          </div>
        </div>
      </section>
      <DragOverlay dropAnimation={null}>
        {dragging ? <div className="chat-chip mono">{dragging}</div> : null}
      </DragOverlay>
    </DndContext>
  );
}

function ChatFieldItem({ field, mappedTo }: { field: ChatField; mappedTo: string[] }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: chatId(field.path) });
  const example = exampleText(field.example);
  return (
    <li
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      aria-roledescription="draggable chat field"
      className={isDragging ? "field-item chat-item dragging" : "field-item chat-item"}
      data-testid={`chat-field-${field.path}`}
    >
      <div className="field-line">
        <span className="grip" aria-hidden="true">
          ⠿
        </span>
        <span className="mono">{field.path}</span>
        {field.count > 0 && (
          <span className="badge" title="Stored contacts with a value">
            {field.count === 1 ? "1 contact" : `${field.count} contacts`}
          </span>
        )}
      </div>
      <div className="hint truncate">
        {example ? `e.g. ${example}` : "No value seen yet"}
        {mappedTo.length > 0 && ` · mapped to ${mappedTo.join(", ")}`}
      </div>
    </li>
  );
}

function SalesforceFieldItem({
  field,
  mappedFrom,
}: {
  field: FieldDescribe;
  mappedFrom: string | undefined;
}) {
  const readOnly = isReadOnly(field);
  const { setNodeRef, isOver } = useDroppable({ id: fieldId(field.name), disabled: readOnly });
  const classes = ["field-item", "sf-item", isOver ? "over" : "", readOnly ? "read-only" : ""].filter(
    Boolean,
  );
  return (
    <li ref={setNodeRef} className={classes.join(" ")} data-testid={`sf-field-${field.name}`}>
      <div className="field-line">
        <span>{field.label}</span>
        <span className="mono muted">{field.name}</span>
      </div>
      <div className="field-marks">
        <span className="badge">{fieldTypeLabel(field)}</span>
        {field.createable && (
          <span className="badge badge-success" title="Can be set when a record is created">
            create
          </span>
        )}
        {field.updateable && (
          <span className="badge badge-success" title="Can be changed on an existing record">
            update
          </span>
        )}
        {readOnly && (
          <span className="badge" title="Salesforce sets this field; Leadbridge cannot write it">
            read-only
          </span>
        )}
        {isRequiredOnCreate(field) && (
          <span className="badge badge-warning" title="Salesforce refuses a new record without it">
            required
          </span>
        )}
        {mappedFrom && <span className="hint">← {mappedFrom}</span>}
      </div>
    </li>
  );
}
