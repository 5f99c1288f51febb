import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { App } from "./App";
import type { AppInfo } from "./bindings/AppInfo";
import { screenFromHash } from "./screens";

const INFO: AppInfo = {
  name: "Leadbridge",
  version: "9.9.9",
  dataDir: "/tmp/lb",
  databasePath: "/tmp/lb/leadbridge.db",
  logDir: "/tmp/lb/logs",
  schemaVersion: 1,
  buildProfile: "debug",
  platform: "linux x86_64",
};

describe("App shell", () => {
  it("shows the version that the core reports, and the About facts", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "app_info") return INFO;
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    expect(await screen.findByText("v9.9.9")).toBeTruthy();
    fireEvent.click(screen.getByTestId("open-about"));
    expect((await screen.findByTestId("about-data-dir")).textContent).toBe("/tmp/lb");
    expect(calls).toContain("app_info");
  });

  it("surfaces a core error with its code", async () => {
    mockIPC(() => {
      throw { code: "DATA_DIR", message: "data directory /nope does not exist" };
    });
    render(<App />);
    fireEvent.click(screen.getByTestId("open-about"));
    const about = within(await screen.findByRole("dialog"));
    expect(await about.findByText("data directory /nope does not exist")).toBeTruthy();
    expect(about.getByText("DATA_DIR")).toBeTruthy();
  });

  it("navigates by hash and falls back to Connect", () => {
    expect(screenFromHash("#/soql")).toBe("soql");
    expect(screenFromHash("#/nope")).toBe("connect");
    expect(screenFromHash("")).toBe("connect");
  });
});
