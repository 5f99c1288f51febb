// The Mapping screen's state: the version in force and the draft being edited.
import type { MappedObject } from "../../bindings/MappedObject";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { VersionedDocument } from "../../bindings/VersionedDocument";
import { mapField, removeRow, rowsOf, sameValue, setOverwrite, withRows } from "./model";

export interface EditorState {
  /** The saved version the draft started from. */
  base: VersionedDocument;
  draft: MappingDocument;
}

export type EditorAction =
  /** A version was loaded (start, save, revert): the draft becomes it. */
  | { type: "loaded"; current: VersionedDocument }
  | { type: "map"; object: MappedObject; source: string; target: string }
  | { type: "remove"; object: MappedObject; index: number }
  | { type: "overwrite"; object: MappedObject; index: number; overwrite: boolean }
  /** Any other edit of the document (settings). */
  | { type: "edit"; edit: (doc: MappingDocument) => MappingDocument }
  | { type: "discard" };

export function editorReducer(state: EditorState | null, action: EditorAction): EditorState | null {
  if (action.type === "loaded") return { base: action.current, draft: action.current.document };
  if (!state) return state;
  const { draft } = state;
  switch (action.type) {
    case "map": {
      const { rows } = mapField(rowsOf(draft, action.object), action.source, action.target);
      return { ...state, draft: withRows(draft, action.object, rows) };
    }
    case "remove":
      return {
        ...state,
        draft: withRows(draft, action.object, removeRow(rowsOf(draft, action.object), action.index)),
      };
    case "overwrite":
      return {
        ...state,
        draft: withRows(
          draft,
          action.object,
          setOverwrite(rowsOf(draft, action.object), action.index, action.overwrite),
        ),
      };
    case "edit":
      return { ...state, draft: action.edit(draft) };
    case "discard":
      return { ...state, draft: state.base.document };
  }
}

/** True when the draft differs from the version it started from. */
export function isDirty(state: EditorState | null): boolean {
  return state !== null && !sameValue(state.base.document, state.draft);
}
