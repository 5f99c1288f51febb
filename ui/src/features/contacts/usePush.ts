import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { Plan } from "../../bindings/Plan";
import type { Selection as PushSelection } from "../../bindings/Selection";
import type { SyncProgress } from "../../bindings/SyncProgress";
import type { Loadable } from "../../hooks";
import { CONFIRM_ABOVE, isRunning } from "./push";

/** The preview or confirmation dialog: its selection, its size, and the plan loading. */
export interface PushAsk {
  mode: "preview" | "confirm";
  selection: PushSelection;
  count: number;
  plan: Loadable<Plan>;
}

export interface PushControl {
  ask: PushAsk | null;
  /** The running push's latest report, or the last push's final one until dismissed. */
  progress: SyncProgress | null;
  running: boolean;
  cancelling: boolean;
  /** A push refused before it started (not connected, another push running, ...). */
  error: unknown;
  preview: (selection: PushSelection, count: number) => void;
  /** Pushes at once, or asks first (with the plan's counts) above CONFIRM_ABOVE contacts. */
  push: (selection: PushSelection, count: number) => void;
  /** From the preview: on to the confirmation (or straight to the push for a few contacts). */
  pushAsked: () => void;
  confirm: () => void;
  closeAsk: () => void;
  cancel: () => void;
  dismiss: () => void;
}

/**
 * The manual push's state: the preview and confirmation dialogs, the push running in the
 * core (followed through `sync-progress` events), its cancel and its outcome. `onFinished`
 * runs once per push that ended, so the screen can reload the inbox.
 */
export function usePush(onFinished: () => void): PushControl {
  const [ask, setAsk] = useState<PushAsk | null>(null);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  /** Bumped per dialog, so a late plan never lands in a newer dialog. */
  const askId = useRef(0);

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let live = true;
    api
      .onSyncProgress((p) => {
        setProgress(p);
        if (!isRunning(p)) {
          setCancelling(false);
          finished.current();
        }
      })
      .then((u) => {
        if (live) unlisten = u;
        else u();
      })
      .catch(() => {});
    // A push started before this screen opened: pick it up.
    api
      .syncStatus()
      .then((p) => {
        if (live && p && isRunning(p)) setProgress((now) => now ?? p);
      })
      .catch(() => {});
    return () => {
      live = false;
      unlisten?.();
    };
  }, []);

  const openAsk = useCallback((mode: PushAsk["mode"], selection: PushSelection, count: number) => {
    const id = ++askId.current;
    setError(null);
    setAsk({ mode, selection, count, plan: { state: "loading" } });
    api.syncPreview(selection).then(
      (plan) => {
        if (askId.current === id) setAsk((a) => a && { ...a, plan: { state: "ready", value: plan } });
      },
      (e: unknown) => {
        if (askId.current === id) setAsk((a) => a && { ...a, plan: { state: "failed", error: e } });
      },
    );
  }, []);

  const start = useCallback((selection: PushSelection) => {
    askId.current++;
    setAsk(null);
    setError(null);
    setCancelling(false);
    setProgress({
      stage: "planning",
      total: 0,
      sent: 0,
      done: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
      phase: 0,
      apiCalls: 0,
      summary: null,
      error: null,
    });
    api.syncPush(selection).catch((e: unknown) => {
      setProgress(null);
      setError(e);
    });
  }, []);

  const preview = useCallback(
    (selection: PushSelection, count: number) => openAsk("preview", selection, count),
    [openAsk],
  );
  const push = useCallback(
    (selection: PushSelection, count: number) => {
      if (count > CONFIRM_ABOVE) openAsk("confirm", selection, count);
      else start(selection);
    },
    [openAsk, start],
  );
  const pushAsked = useCallback(() => {
    if (!ask) return;
    if (ask.count > CONFIRM_ABOVE) setAsk({ ...ask, mode: "confirm" });
    else start(ask.selection);
  }, [ask, start]);
  const confirm = useCallback(() => {
    if (ask) start(ask.selection);
  }, [ask, start]);
  const closeAsk = useCallback(() => {
    askId.current++;
    setAsk(null);
  }, []);
  const cancel = useCallback(() => {
    setCancelling(true);
    api.syncCancel().catch((e: unknown) => {
      setCancelling(false);
      setError(e);
    });
  }, []);
  const dismiss = useCallback(() => {
    setProgress((p) => (isRunning(p) ? p : null));
    setError(null);
  }, []);

  return {
    ask,
    progress,
    running: isRunning(progress),
    cancelling,
    error,
    preview,
    push,
    pushAsked,
    confirm,
    closeAsk,
    cancel,
    dismiss,
  };
}
