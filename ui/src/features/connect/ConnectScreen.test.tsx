import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ConnectRequest } from "../../bindings/ConnectRequest";
import type { OrgProfile } from "../../bindings/OrgProfile";
import type { OrgStatus } from "../../bindings/OrgStatus";
import { layoutShape } from "../../testLayout";
import { ConnectScreen } from "./ConnectScreen";

const NOT_CONNECTED: OrgStatus = {
  connected: false,
  profile: null,
  loginUrl: null,
  instanceUrl: null,
  username: null,
  orgId: null,
  apiVersion: null,
};

function profile(name: string, overrides: Partial<OrgProfile> = {}): OrgProfile {
  return {
    name,
    loginUrl: "https://login.salesforce.com",
    loginHost: "production",
    instanceUrl: "https://acme.my.salesforce.com",
    username: `admin@${name}.example`,
    userId: "005000000000001AAA",
    orgId: "00D000000000001EAA",
    apiVersion: "66.0",
    clientId: "3MVG9-consumer-key",
    callbackPort: 1717,
    callbackPath: "/OauthRedirect",
    flow: "webServer",
    hasClientSecret: false,
    connectedAt: "2026-11-20T10:00:00Z",
    active: true,
    ...overrides,
  };
}

function statusOf(p: OrgProfile): OrgStatus {
  return {
    connected: true,
    profile: p.name,
    loginUrl: p.loginUrl,
    instanceUrl: p.instanceUrl,
    username: p.username,
    orgId: p.orgId,
    apiVersion: p.apiVersion,
  };
}

type Handler = (payload: unknown) => unknown;

/** A fake backend: a record of every call, and one handler per command. */
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

const USAGE = { used: 1234, max: 15000, observedAt: "2026-11-20T10:05:00Z" };

describe("Connect screen", () => {
  beforeAll(() => {
    // jsdom does not lay out, so it has no scrollIntoView.
    Element.prototype.scrollIntoView = () => {};
  });

  it("offers the demo org when nothing is connected, and shows the org once connected", async () => {
    let connected: OrgProfile | null = null;
    const calls = backend({
      org_status: () => (connected ? statusOf(connected) : NOT_CONNECTED),
      org_profiles: () => (connected ? [connected] : []),
      org_api_usage: () => USAGE,
      demo_org_connect: () => {
        connected = profile("demo", {
          loginUrl: "http://127.0.0.1:8710",
          loginHost: "custom",
          instanceUrl: "http://127.0.0.1:8710",
          username: "admin@leadbridge-demo.example",
          orgId: "00DDEMO000000001",
        });
        return connected;
      },
    });
    render(<ConnectScreen />);
    const hero = await screen.findByTestId("demo-hero");
    expect(hero.textContent).toContain("no Salesforce account needed");
    // Nothing saved yet: the guide to creating the External Client App is open.
    expect((screen.getByTestId("eca-guide") as HTMLDetailsElement).open).toBe(true);

    fireEvent.click(within(hero).getByRole("button", { name: "Try the demo org" }));
    expect(await screen.findByTestId("org-status-username")).toHaveProperty(
      "textContent",
      "admin@leadbridge-demo.example",
    );
    expect(screen.getByTestId("org-status-org-id").textContent).toBe("00DDEMO000000001");
    expect(screen.queryByTestId("demo-hero")).toBeNull();
    expect(screen.getByTestId("connect-notice").textContent).toContain("Connected to the demo org");
    expect(calls.map((c) => c.cmd)).toContain("demo_org_connect");
  });

  it("shows who is connected where, with the API usage bar", async () => {
    const p = profile("prod");
    backend({
      org_status: () => statusOf(p),
      org_profiles: () => [p],
      org_api_usage: () => USAGE,
    });
    render(<ConnectScreen />);
    expect((await screen.findByTestId("org-status-profile")).textContent).toBe("prod");
    expect(screen.getByTestId("org-status-username").textContent).toBe("admin@prod.example");
    expect(screen.getByTestId("org-status-instance").textContent).toBe("https://acme.my.salesforce.com");
    expect(screen.getByTestId("org-status-api-version").textContent).toBe("v66.0");
    const usage = await screen.findByTestId("api-usage-text");
    expect(usage.textContent).toContain((1234).toLocaleString());
    expect(usage.textContent).toContain((15000).toLocaleString());
    expect(usage.textContent).toContain("8.2%");
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("1234");
    expect(bar.getAttribute("aria-valuemax")).toBe("15000");
  });

  it("keeps the API usage bar's place while Salesforce answers, so the cards below do not move", async () => {
    const p = profile("prod");
    let answer: (u: typeof USAGE) => void = () => {};
    backend({
      org_status: () => statusOf(p),
      org_profiles: () => [p],
      org_api_usage: () => new Promise((resolve) => (answer = resolve)),
      serve_status: () => new Promise(() => {}),
    });
    render(<ConnectScreen />);
    const usage = await screen.findByTestId("api-usage");
    expect(within(usage).getByTestId("api-usage-loading")).toBeTruthy();
    const loading = layoutShape(usage);

    answer(USAGE);
    await within(usage).findByTestId("api-usage-text");
    expect(within(usage).queryByTestId("api-usage-loading")).toBeNull();
    // The loaded bar's fill and its bold count are the only elements the placeholder lacks.
    expect(layoutShape(usage).filter((s) => s !== "span." && s !== "strong.")).toEqual(
      loading.map((s) => (s === "div.progress" ? "div.progress.progress-ok" : s)),
    );
  });

  it("switches the active profile", async () => {
    let active = "prod";
    const calls = backend({
      org_status: () => statusOf(profile(active)),
      org_profiles: () => [
        profile("prod", { active: active === "prod" }),
        profile("sandbox", { active: active === "sandbox" }),
      ],
      org_api_usage: () => USAGE,
      org_activate: (payload) => {
        active = (payload as { name: string }).name;
        return null;
      },
    });
    render(<ConnectScreen />);
    fireEvent.click(await screen.findByTestId("activate-sandbox"));
    await waitFor(() => expect(screen.getByTestId("org-status-profile").textContent).toBe("sandbox"));
    expect(calls.find((c) => c.cmd === "org_activate")?.payload).toEqual({ name: "sandbox" });
    expect(screen.getByTestId("activate-prod")).toBeTruthy();
  });

  it("disconnects only after a confirmation that says the token is revoked", async () => {
    let saved = [profile("prod")];
    const calls = backend({
      org_status: () => (saved.length ? statusOf(saved[0] as OrgProfile) : NOT_CONNECTED),
      org_profiles: () => saved,
      org_api_usage: () => USAGE,
      org_disconnect: (payload) => {
        saved = [];
        return {
          profile: (payload as { name: string }).name,
          revoked: false,
          revokeError: "the login host did not answer",
        };
      },
    });
    render(<ConnectScreen />);
    fireEvent.click(await screen.findByTestId("disconnect-prod"));
    const dialog = screen.getByRole("dialog");
    expect(dialog.textContent).toContain("revoke the token");
    expect(calls.some((c) => c.cmd === "org_disconnect")).toBe(false);
    fireEvent.click(within(dialog).getByTestId("confirm-disconnect"));
    const notice = await screen.findByTestId("connect-notice");
    expect(notice.textContent).toContain("did not confirm");
    expect(notice.textContent).toContain("the login host did not answer");
    expect(calls.find((c) => c.cmd === "org_disconnect")?.payload).toEqual({ name: "prod" });
    await screen.findByTestId("demo-hero");
  });

  it("shows the exact callback URL to register, following port and path", async () => {
    backend({ org_status: () => NOT_CONNECTED, org_profiles: () => [] });
    render(<ConnectScreen />);
    const url = (await screen.findByTestId("connect-callback-url")) as HTMLInputElement;
    expect(url.value).toBe("http://localhost:1717/OauthRedirect");
    fireEvent.change(screen.getByTestId("connect-callback-port"), { target: { value: "8717" } });
    fireEvent.change(screen.getByTestId("connect-callback-path"), { target: { value: "/callback" } });
    expect(url.value).toBe("http://localhost:8717/callback");
    expect(screen.getByTestId("eca-guide").textContent).toContain("http://localhost:8717/callback");
  });

  it("sends the login, waits for the browser, and cancels", async () => {
    let rejectLogin: (e: unknown) => void = () => {};
    const calls = backend({
      org_status: () => NOT_CONNECTED,
      org_profiles: () => [],
      org_connect: () =>
        new Promise((_, reject) => {
          rejectLogin = reject;
        }),
      org_cancel_login: () => {
        rejectLogin({ code: "CANCELLED", message: "the login was cancelled" });
        return true;
      },
    });
    render(<ConnectScreen />);
    fireEvent.change(await screen.findByTestId("connect-profile"), { target: { value: "sandbox" } });
    fireEvent.click(screen.getByTestId("connect-host-sandbox"));
    fireEvent.change(screen.getByTestId("connect-client-id"), { target: { value: "  3MVG9-key  " } });
    fireEvent.click(screen.getByTestId("connect-submit"));

    expect((await screen.findByTestId("connect-waiting")).textContent).toContain(
      "Waiting for you to approve in the browser",
    );
    const sent = calls.find((c) => c.cmd === "org_connect")?.payload as {
      request: ConnectRequest;
      clientSecret: string | null;
    };
    expect(sent).toEqual({
      request: {
        profile: "sandbox",
        loginHost: "sandbox",
        loginUrl: null,
        clientId: "3MVG9-key",
        flow: "webServer",
        callbackPort: 1717,
        callbackPath: "/OauthRedirect",
        forceLogin: false,
      },
      clientSecret: null,
    });

    fireEvent.click(screen.getByTestId("connect-cancel"));
    expect(await screen.findByText("Login cancelled. Nothing was saved.")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(calls.map((c) => c.cmd)).toContain("org_cancel_login");
    expect(screen.getByTestId("connect-submit")).toBeTruthy();
  });

  it("puts an error next to the field it names, with its code in the banner", async () => {
    backend({
      org_status: () => NOT_CONNECTED,
      org_profiles: () => [],
      org_connect: () => {
        throw {
          code: "INVALID_INPUT",
          message: "the client id (the External Client App's consumer key) is empty",
          details: { fields: ["clientId"] },
        };
      },
    });
    render(<ConnectScreen />);
    fireEvent.click(await screen.findByTestId("connect-submit"));
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain("INVALID_INPUT");
    const input = screen.getByTestId("connect-client-id");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const describedBy = input.getAttribute("aria-describedby") ?? "";
    const texts = describedBy.split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(texts).toContain("the client id (the External Client App's consumer key) is empty");
    expect(screen.getByTestId("connect-profile").getAttribute("aria-invalid")).toBe("false");
  });

  it("maps the core's profile-name error to the profile field", async () => {
    backend({
      org_status: () => NOT_CONNECTED,
      org_profiles: () => [],
      org_connect: () => {
        throw {
          code: "INVALID_INPUT",
          message: "profile name \"a b\" contains ' '",
          details: { fields: ["name"] },
        };
      },
    });
    render(<ConnectScreen />);
    fireEvent.click(await screen.findByTestId("connect-submit"));
    await screen.findByRole("alert");
    expect(screen.getByTestId("connect-profile").getAttribute("aria-invalid")).toBe("true");
  });

  it("refuses a callback port out of range before calling the core", async () => {
    const calls = backend({ org_status: () => NOT_CONNECTED, org_profiles: () => [] });
    render(<ConnectScreen />);
    fireEvent.change(await screen.findByTestId("connect-callback-port"), { target: { value: "70000" } });
    fireEvent.click(screen.getByTestId("connect-submit"));
    expect((await screen.findByRole("alert")).textContent).toContain("from 1 to 65535");
    expect(screen.getByTestId("connect-callback-port").getAttribute("aria-invalid")).toBe("true");
    expect(calls.some((c) => c.cmd === "org_connect")).toBe(false);
  });

  it("runs the client-credentials flow against a My Domain URL with the secret", async () => {
    const calls = backend({
      org_status: () => NOT_CONNECTED,
      org_profiles: () => [],
      org_connect: () => profile("integration", { flow: "clientCredentials", loginHost: "custom" }),
    });
    render(<ConnectScreen />);
    fireEvent.click(await screen.findByTestId("connect-flow-clientCredentials"));
    // Client credentials never go to login.salesforce.com or test.salesforce.com.
    expect((screen.getByTestId("connect-host-production") as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByTestId("connect-host-custom") as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId("connect-callback-url")).toBeNull();
    fireEvent.change(screen.getByTestId("connect-login-url"), {
      target: { value: "https://acme.my.salesforce.com" },
    });
    fireEvent.change(screen.getByTestId("connect-client-id"), { target: { value: "key" } });
    fireEvent.change(screen.getByTestId("connect-client-secret"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByTestId("connect-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "org_connect")).toBe(true));
    const sent = calls.find((c) => c.cmd === "org_connect")?.payload as {
      request: ConnectRequest;
      clientSecret: string | null;
    };
    expect(sent.request.flow).toBe("clientCredentials");
    expect(sent.request.loginHost).toBe("custom");
    expect(sent.request.loginUrl).toBe("https://acme.my.salesforce.com");
    expect(sent.clientSecret).toBe("s3cret");
    // The secret does not linger in the form after a successful login.
    await waitFor(() =>
      expect((screen.getByTestId("connect-client-secret") as HTMLInputElement).value).toBe(""),
    );
  });

  it("fills the form from a saved profile to sign in again", async () => {
    const p = profile("sandbox", {
      loginHost: "sandbox",
      loginUrl: "https://test.salesforce.com",
      callbackPort: 8717,
      clientId: "3MVG9-sandbox",
    });
    backend({ org_status: () => statusOf(p), org_profiles: () => [p], org_api_usage: () => USAGE });
    render(<ConnectScreen />);
    fireEvent.click(await screen.findByTestId("reconnect-sandbox"));
    expect((screen.getByTestId("connect-profile") as HTMLInputElement).value).toBe("sandbox");
    expect((screen.getByTestId("connect-client-id") as HTMLInputElement).value).toBe("3MVG9-sandbox");
    expect((screen.getByTestId("connect-host-sandbox") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("connect-callback-url") as HTMLInputElement).value).toBe(
      "http://localhost:8717/OauthRedirect",
    );
  });
});
