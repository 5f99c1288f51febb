import { isTauri } from "@tauri-apps/api/core";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { useCallback, useEffect, useState } from "react";

/** `pending` when the person asked to close the window rather than to follow a link. */
export const CLOSE_WINDOW = "close-window";

/**
 * Keeps unsaved work from being lost. While `dirty`, a click on an in-app link to another
 * screen (`#/...`: the sidebar, "Connect an org") is held back and returned as `pending`
 * so the screen can ask; `leave()` then follows it, `stay()` forgets it. Closing the app's
 * window is held back the same way (`pending` is `CLOSE_WINDOW`; `leave()` closes it):
 * a native window close never fires `beforeunload`, which still covers a reload.
 *
 * Links are intercepted in the capture phase, before the browser changes the hash, because
 * the shell switches screens on `hashchange` and would unmount this one (and its draft).
 */
export function useLeaveGuard(dirty: boolean): {
  pending: string | null;
  leave: () => void;
  stay: () => void;
} {
  const [pending, setPending] = useState<string | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = e.target instanceof Element ? e.target.closest("a[href]") : null;
      const href = link?.getAttribute("href");
      if (!href?.startsWith("#") || href === window.location.hash) return;
      e.preventDefault();
      setPending(href);
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    document.addEventListener("click", onClick, true);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("click", onClick, true);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [dirty]);

  // While a close-requested listener is registered, Tauri leaves closing to it; so there is
  // one only while there is something to lose.
  useEffect(() => {
    if (!dirty || !isTauri()) return;
    let unlisten: (() => void) | null = null;
    let gone = false;
    void getCurrentWindow()
      .onCloseRequested((e) => {
        e.preventDefault();
        setPending(CLOSE_WINDOW);
      })
      .then((stop) => {
        if (gone) stop();
        else unlisten = stop;
      });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, [dirty]);

  const leave = useCallback(() => {
    if (pending === CLOSE_WINDOW) void getCurrentWindow().destroy();
    else if (pending !== null) window.location.hash = pending;
    setPending(null);
  }, [pending]);
  const stay = useCallback(() => setPending(null), []);
  return { pending, leave, stay };
}
