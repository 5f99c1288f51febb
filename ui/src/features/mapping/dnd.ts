// Drag and drop of chat fields onto Salesforce fields: ids, announcements for screen readers,
// keyboard movement from one Salesforce field to the next, and collision detection.
import {
  type Announcements,
  type CollisionDetection,
  closestCenter,
  type KeyboardCoordinateGetter,
  pointerWithin,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import type { MappedObject } from "../../bindings/MappedObject";
import type { MappingRow } from "../../bindings/MappingRow";
import { mapField } from "./model";

export const chatId = (path: string) => `chat:${path}`;
export const fieldId = (name: string) => `sf:${name}`;

/** The chat field path or Salesforce field name of a draggable or droppable id. */
export function idValue(id: UniqueIdentifier, kind: "chat" | "sf"): string | null {
  const text = String(id);
  return text.startsWith(`${kind}:`) ? text.slice(kind.length + 1) : null;
}

export const SCREEN_READER_INSTRUCTIONS: ScreenReaderInstructions = {
  draggable:
    "To map this chat field, press Space or Enter to pick it up. Use the Up and Down arrow keys to move it " +
    "over the Salesforce fields, then press Space or Enter to map it to the field it is over, or Escape to cancel.",
};

/**
 * What a screen reader hears while a chat field is dragged. `rows` are the tab's rows when
 * the drag started; `labelOf` names a Salesforce field by its API name.
 */
export function mappingAnnouncements(
  object: MappedObject,
  rows: () => readonly MappingRow[],
  labelOf: (name: string) => string,
): Announcements {
  const chat = (id: UniqueIdentifier) => idValue(id, "chat") ?? String(id);
  const field = (id: UniqueIdentifier) => {
    const name = idValue(id, "sf") ?? String(id);
    return `${object} ${labelOf(name)}`;
  };
  return {
    onDragStart: ({ active }) => `Picked up chat field ${chat(active.id)}.`,
    onDragOver: ({ active, over }) =>
      over
        ? `Chat field ${chat(active.id)} is over ${field(over.id)}.`
        : `Chat field ${chat(active.id)} is no longer over a Salesforce field.`,
    onDragEnd: ({ active, over }) => {
      const source = chat(active.id);
      if (!over) return `Chat field ${source} was dropped outside the Salesforce fields. Nothing changed.`;
      const target = idValue(over.id, "sf") ?? String(over.id);
      const { outcome } = mapField(rows(), source, target);
      switch (outcome.kind) {
        case "added":
          return `Mapped ${source} to ${field(over.id)}.`;
        case "replaced":
          return `Mapped ${source} to ${field(over.id)}, replacing ${outcome.previousSource}.`;
        case "unchanged":
          return `${source} was already mapped to ${field(over.id)}. Nothing changed.`;
      }
    },
    onDragCancel: ({ active }) => `Dragging was cancelled. Chat field ${chat(active.id)} was not mapped.`,
  };
}

/**
 * Arrow Up and Down move the dragged field to the previous or next Salesforce field in the
 * list (in `order()`), centring it there, so keyboard users step field by field.
 */
export function fieldStepper(order: () => readonly string[]): KeyboardCoordinateGetter {
  return (event, { currentCoordinates, context }) => {
    const step = event.code === "ArrowDown" ? 1 : event.code === "ArrowUp" ? -1 : 0;
    if (step === 0) return undefined;
    event.preventDefault();
    const { collisionRect, droppableRects, over } = context;
    const names = order();
    if (!collisionRect || names.length === 0) return currentCoordinates;
    const at = over ? names.indexOf(idValue(over.id, "sf") ?? "") : -1;
    const next =
      at === -1 ? (step > 0 ? 0 : names.length - 1) : Math.min(Math.max(at + step, 0), names.length - 1);
    const name = names[next];
    const rect = name === undefined ? undefined : droppableRects.get(fieldId(name));
    if (!rect) return currentCoordinates;
    return {
      x: currentCoordinates.x + rect.left + rect.width / 2 - (collisionRect.left + collisionRect.width / 2),
      y: currentCoordinates.y + rect.top + rect.height / 2 - (collisionRect.top + collisionRect.height / 2),
    };
  };
}

/** The field under the pointer; for the keyboard (no pointer), the nearest field. */
export const fieldUnderPointer: CollisionDetection = (args) =>
  args.pointerCoordinates ? pointerWithin(args) : closestCenter(args);
