import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ServePanel } from "../../bindings/ServePanel";
import type { ServeStatus } from "../../bindings/ServeStatus";
import { layoutShape } from "../../testLayout";
import { AutomatedDeliveryPanel, STATUS_REFRESH_MS } from "./AutomatedDeliveryPanel";

const STOPPED: ServeStatus = {
  running: false,
  url: null,
  startedAt: null,
  received: 0,
  accepted: 0,
  rejected: 0,
  queued: 2,
  delivered: 0,
  failed: 0,
  tasksCreated: 0,
  lastRejection: null,
  lastError: null,
};

function panel(status: Partial<ServeStatus> = {}, secretSet = false): ServePanel {
  return {
    settings: { listen: "127.0.0.1:8787", enabled: status.running ?? false, secretSet },
    status: { ...STOPPED, ...status },
    backflow: { cursor: null, lastPulledAt: null, lastChanged: 0, lastSeen: 0 },
  };
}

type Handler = (payload: unknown) => unknown;

function backend(handlers: Record<string, Handler>) {
  const calls: { cmd: string; payload: unknown }[] = [];
  mockIPC((cmd, payload) => {
    calls.push({ cmd, payload });
    const h = handlers[cmd];
    if (!h) throw new Error(`unexpected command ${cmd}`);
    return h(payload);
  });
  return calls;
}

describe("Automated delivery panel", () => {
  it("renders its final structure while loading, so nothing below it moves when the status arrives", async () => {
    let answer: (p: ServePanel) => void = () => {};
    backend({ serve_status: () => new Promise<ServePanel>((resolve) => (answer = resolve)) });
    render(<AutomatedDeliveryPanel />);
    const section = screen.getByTestId("automated-delivery");
    expect(section.getAttribute("aria-busy")).toBe("true");
    const loading = layoutShape(section);
    const labels = [...section.querySelectorAll("h2, dt, label, strong, button")].map((el) => el.textContent);
    // Placeholders stand in for the values, and nothing the user could act on is enabled yet.
    expect(section.querySelectorAll("dd .skeleton-line")).toHaveLength(3);
    expect(section.querySelector("[data-testid=serve-status]")).toBeNull();
    for (const control of section.querySelectorAll("input, button")) {
      expect((control as HTMLInputElement | HTMLButtonElement).disabled).toBe(true);
    }

    answer(panel({}, true));
    await screen.findByTestId("serve-url");
    expect(section.getAttribute("aria-busy")).toBe("false");
    expect(section.querySelector(".skeleton-line")).toBeNull();
    expect(layoutShape(section)).toEqual(loading);
    expect(
      [...section.querySelectorAll("h2, dt, label, strong, button")].map((el) => el.textContent),
    ).toEqual(labels);
    expect((screen.getByTestId("serve-switch") as HTMLInputElement).disabled).toBe(false);
  });

  it("needs a secret before it can be switched on, sends it once, and never shows it back", async () => {
    let current = panel();
    const calls = backend({
      serve_status: () => current,
      serve_start: (p) => {
        const { listen } = p as { listen: string };
        current = panel({ running: true, url: `http://${listen}/webhooks/lead-events` }, true);
        current.settings.listen = listen;
        return current;
      },
    });
    render(<AutomatedDeliveryPanel />);
    const toggle = (await screen.findByTestId("serve-switch")) as HTMLInputElement;
    expect(toggle.disabled).toBe(true);
    expect(screen.getByTestId("serve-url").textContent).toBe("Not listening");
    expect(screen.getByTestId("serve-deliveries").textContent).toContain("2 queued");

    fireEvent.change(screen.getByTestId("serve-listen"), { target: { value: "127.0.0.1:9911" } });
    const secret = screen.getByTestId("serve-secret") as HTMLInputElement;
    expect(secret.type).toBe("password");
    fireEvent.change(secret, { target: { value: "whsec_typed" } });
    expect(toggle.disabled).toBe(false);
    fireEvent.click(toggle);

    await waitFor(() =>
      expect(screen.getByTestId("serve-url").textContent).toBe("http://127.0.0.1:9911/webhooks/lead-events"),
    );
    expect(calls.find((c) => c.cmd === "serve_start")?.payload).toEqual({
      listen: "127.0.0.1:9911",
      secret: "whsec_typed",
    });
    // The field is cleared; the stored secret is only announced, never filled in.
    expect((screen.getByTestId("serve-secret") as HTMLInputElement).value).toBe("");
    expect((screen.getByTestId("serve-secret") as HTMLInputElement).placeholder).toContain(
      "Stored in the keyring",
    );
    expect(document.body.textContent).not.toContain("whsec_typed");
    expect((screen.getByTestId("serve-listen") as HTMLInputElement).disabled).toBe(true);
  });

  it("refreshes the status while running and switches off", async () => {
    let current = panel({ running: true, url: "http://127.0.0.1:8787/webhooks/lead-events" }, true);
    const calls = backend({
      serve_status: () => current,
      serve_stop: () => {
        current = panel({ queued: 0 }, true);
        return current;
      },
    });
    render(<AutomatedDeliveryPanel />);
    await screen.findByTestId("serve-url");
    current = panel(
      {
        running: true,
        url: "http://127.0.0.1:8787/webhooks/lead-events",
        received: 3,
        accepted: 2,
        rejected: 1,
        delivered: 2,
        queued: 0,
        lastRejection: "UNSIGNED: the request has no X-Signature-256 header",
      },
      true,
    );
    // The next refresh (every STATUS_REFRESH_MS) shows the new counts.
    await waitFor(
      () =>
        expect(screen.getByTestId("serve-events").textContent).toBe("3 received · 2 accepted · 1 rejected"),
      { timeout: STATUS_REFRESH_MS * 3 },
    );
    expect(screen.getByTestId("serve-deliveries").textContent).toContain("2 delivered");
    expect(screen.getByTestId("serve-last-rejection").textContent).toContain("UNSIGNED");
    fireEvent.click(screen.getByTestId("serve-switch"));
    await waitFor(() => expect(screen.getByTestId("serve-url").textContent).toBe("Not listening"));
    expect(calls.filter((c) => c.cmd === "serve_stop")).toHaveLength(1);
  });

  it("pulls the back-flow and reports the cursor; a start error shows in a banner", async () => {
    let current = panel({}, true);
    backend({
      serve_status: () => current,
      serve_start: () => {
        throw {
          code: "INVALID_INPUT",
          message: "cannot listen on 127.0.0.1:8787: address in use",
          details: null,
        };
      },
      backflow_pull: () => {
        current = {
          ...current,
          backflow: {
            cursor: "2026-11-20T10:00:00Z",
            lastPulledAt: "2026-11-20T10:05:00Z",
            lastChanged: 1,
            lastSeen: 6,
          },
        };
        return {
          cursorBefore: null,
          cursor: "2026-11-20T10:00:00Z",
          opportunities: 6,
          contactsUpdated: 1,
          unmatched: 5,
          apiCalls: 2,
        };
      },
    });
    render(<AutomatedDeliveryPanel />);
    expect((await screen.findByTestId("backflow-cursor")).textContent).toContain("Never pulled");
    fireEvent.click(screen.getByTestId("backflow-pull"));
    expect((await screen.findByTestId("backflow-result")).textContent).toBe(
      "6 Opportunities read, 1 contacts updated, 5 matched no contact (2 API calls).",
    );
    await waitFor(() => expect(screen.getByTestId("backflow-cursor").textContent).toContain("changed up to"));

    fireEvent.click(screen.getByTestId("serve-switch"));
    expect((await screen.findByRole("alert")).textContent).toContain("address in use");
  });
});
