import { act, render, screen } from "@testing-library/react";
import { CLOSE_WINDOW, useLeaveGuard } from "./useLeaveGuard";

type CloseHandler = (e: { preventDefault: () => void }) => void;

const win = vi.hoisted(() => ({
  handlers: [] as ((e: { preventDefault: () => void }) => void)[],
  destroyed: 0,
  unlistened: 0,
}));

vi.mock("@tauri-apps/api/core", async (original) => ({
  ...(await original<typeof import("@tauri-apps/api/core")>()),
  isTauri: () => true,
}));

vi.mock("@tauri-apps/api/window", () => ({
  getCurrentWindow: () => ({
    onCloseRequested: async (handler: CloseHandler) => {
      win.handlers.push(handler);
      return () => {
        win.unlistened += 1;
        win.handlers = win.handlers.filter((h) => h !== handler);
      };
    },
    destroy: async () => {
      win.destroyed += 1;
    },
  }),
}));

function Probe({ dirty }: { dirty: boolean }) {
  const guard = useLeaveGuard(dirty);
  return (
    <div>
      <span data-testid="pending">{guard.pending ?? "none"}</span>
      <button type="button" onClick={guard.stay}>
        stay
      </button>
      <button type="button" onClick={guard.leave}>
        leave
      </button>
    </div>
  );
}

/** Closes the window as the native title bar does: the listener decides. */
function requestClose(): boolean {
  let prevented = false;
  act(() => {
    for (const h of win.handlers) h({ preventDefault: () => (prevented = true) });
  });
  return prevented;
}

describe("closing the window with unsaved changes", () => {
  beforeEach(() => {
    win.handlers = [];
    win.destroyed = 0;
    win.unlistened = 0;
  });

  it("holds the close back, then closes or stays as asked", async () => {
    const { rerender } = render(<Probe dirty={false} />);
    await act(async () => {});
    expect(win.handlers).toHaveLength(0);

    rerender(<Probe dirty={true} />);
    await act(async () => {});
    expect(requestClose()).toBe(true);
    expect(screen.getByTestId("pending").textContent).toBe(CLOSE_WINDOW);

    act(() => screen.getByText("stay").click());
    expect(screen.getByTestId("pending").textContent).toBe("none");
    expect(win.destroyed).toBe(0);

    requestClose();
    await act(async () => screen.getByText("leave").click());
    expect(win.destroyed).toBe(1);
  });

  it("lets the window close when nothing is unsaved any more", async () => {
    const { rerender } = render(<Probe dirty={true} />);
    await act(async () => {});
    expect(win.handlers).toHaveLength(1);
    rerender(<Probe dirty={false} />);
    await act(async () => {});
    expect(win.handlers).toHaveLength(0);
    expect(win.unlistened).toBe(1);
  });
});
