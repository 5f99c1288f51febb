// The confirmations of a screen that edits the mapping document (Mapping, Routing): discard
// the draft, or leave the screen with unsaved changes.
import { Dialog } from "../../components/Dialog";
import { CLOSE_WINDOW } from "./useLeaveGuard";

/** "Discard unsaved changes?"; `back` says what the draft goes back to. */
export function DiscardDialog({
  back,
  onKeep,
  onDiscard,
}: {
  back: string;
  onKeep: () => void;
  onDiscard: () => void;
}) {
  return (
    <Dialog
      title="Discard unsaved changes?"
      onClose={onKeep}
      actions={
        <>
          <button type="button" className="secondary" onClick={onKeep}>
            Keep editing
          </button>
          <button type="button" className="danger" onClick={onDiscard} data-testid="confirm-discard">
            Discard changes
          </button>
        </>
      }
    >
      <p>{back}</p>
    </Dialog>
  );
}

/**
 * "Leave without saving?" for a link or a window close held back by `useLeaveGuard`: stay,
 * leave and discard, or save and leave (staying when the save fails, so its error shows).
 */
export function LeaveDialog({
  what,
  guard,
  save,
}: {
  what: string;
  guard: { pending: string | null; leave: () => void; stay: () => void };
  save: () => Promise<boolean>;
}) {
  const closing = guard.pending === CLOSE_WINDOW;
  return (
    <Dialog
      title="Leave without saving?"
      onClose={guard.stay}
      actions={
        <>
          <button type="button" className="secondary" onClick={guard.stay} data-testid="leave-stay">
            Stay
          </button>
          <button type="button" className="danger" onClick={guard.leave} data-testid="leave-discard">
            {closing ? "Close and discard" : "Leave and discard"}
          </button>
          <button
            type="button"
            onClick={async () => {
              if (await save()) guard.leave();
              else guard.stay();
            }}
            data-testid="leave-save"
          >
            {closing ? "Save and close" : "Save and leave"}
          </button>
        </>
      }
    >
      <p>
        {what} unsaved changes. They are lost if you {closing ? "close Leadbridge" : "leave this screen"} now.
      </p>
    </Dialog>
  );
}
