import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { OwnerStrategy } from "../../bindings/OwnerStrategy";
import type { OwnerStrategySetting } from "../../bindings/OwnerStrategySetting";
import { Switch } from "../../components/Switch";
import { STRATEGY_TEXT } from "./model";

const INSTRUCTIONS: ScreenReaderInstructions = {
  draggable:
    "To change this strategy's rank, press Space or Enter to pick it up, use the Up and Down arrow keys " +
    "to move it, then press Space or Enter to drop it, or Escape to cancel.",
};

const titleOf = (id: UniqueIdentifier) => STRATEGY_TEXT[id as OwnerStrategy]?.title ?? String(id);

/** What a screen reader hears while a strategy is moved: its name and rank. */
export function strategyAnnouncements(order: () => readonly OwnerStrategy[]): Announcements {
  const rank = (id: UniqueIdentifier) => order().indexOf(id as OwnerStrategy) + 1;
  const total = () => order().length;
  return {
    onDragStart: ({ active }) => `Picked up ${titleOf(active.id)}, rank ${rank(active.id)} of ${total()}.`,
    onDragOver: ({ active, over }) =>
      over
        ? `${titleOf(active.id)} is over rank ${rank(over.id)} of ${total()}.`
        : `${titleOf(active.id)} is no longer over the list.`,
    onDragEnd: ({ active, over }) =>
      over
        ? `${titleOf(active.id)} dropped at rank ${rank(over.id)} of ${total()}.`
        : `${titleOf(active.id)} dropped outside the list. The order did not change.`,
    onDragCancel: ({ active }) =>
      `Moving was cancelled. ${titleOf(active.id)} stays at rank ${rank(active.id)}.`,
  };
}

/** The ranked owner strategies: drag (mouse or keyboard) to reorder, switch each on or off. */
export function StrategyList({
  list,
  onMove,
  onToggle,
}: {
  list: readonly OwnerStrategySetting[];
  onMove: (from: number, to: number) => void;
  onToggle: (strategy: OwnerStrategy, enabled: boolean) => void;
}) {
  const sensors = useSensors(
    // A few pixels of travel before a drag starts, so a click on the switch stays a click.
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = list.map((s) => s.strategy);
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = ids.indexOf(active.id as OwnerStrategy);
    const to = ids.indexOf(over.id as OwnerStrategy);
    if (from !== -1 && to !== -1) onMove(from, to);
  };
  const firstOn = list.find((s) => s.enabled)?.strategy;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements: strategyAnnouncements(() => ids),
        screenReaderInstructions: INSTRUCTIONS,
      }}
    >
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
        <ol className="strategy-list" data-testid="strategy-list">
          {list.map((s, i) => (
            <StrategyItem
              key={s.strategy}
              setting={s}
              rank={i + 1}
              first={s.strategy === firstOn}
              onToggle={onToggle}
            />
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}

function StrategyItem({
  setting,
  rank,
  first,
  onToggle,
}: {
  setting: OwnerStrategySetting;
  rank: number;
  first: boolean;
  onToggle: (strategy: OwnerStrategy, enabled: boolean) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: setting.strategy,
  });
  const text = STRATEGY_TEXT[setting.strategy];
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`strategy${isDragging ? " dragging" : ""}${setting.enabled ? "" : " off"}`}
      data-testid={`strategy-${setting.strategy}`}
    >
      <button
        type="button"
        className="drag-handle"
        aria-label={`Move ${text.title} (rank ${rank})`}
        {...attributes}
        {...listeners}
        data-testid={`strategy-handle-${setting.strategy}`}
      >
        <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
          <circle cx="9" cy="6" r="1.6" />
          <circle cx="15" cy="6" r="1.6" />
          <circle cx="9" cy="12" r="1.6" />
          <circle cx="15" cy="12" r="1.6" />
          <circle cx="9" cy="18" r="1.6" />
          <circle cx="15" cy="18" r="1.6" />
        </svg>
      </button>
      <span className="strategy-rank" aria-hidden="true">
        {rank}
      </span>
      <div className="strategy-text">
        <strong>{text.title}</strong> <span className="mono muted">{setting.strategy}</span>
        {first && <span className="badge badge-success">tried first</span>}
        <div className="hint">{text.detail}</div>
      </div>
      <Switch
        checked={setting.enabled}
        label={setting.enabled ? "On" : "Off"}
        ariaLabel={`Use ${text.title}`}
        onChange={(enabled) => onToggle(setting.strategy, enabled)}
        testId={`strategy-switch-${setting.strategy}`}
      />
    </li>
  );
}
