// Least privilege, proven from inside the real webview: the UI may call Leadbridge's own
// commands and nothing else (no window or app APIs it does not use, no shell), and the
// content security policy blocks remote content (fetch, images, frames) and inline or
// eval'd script. A local HTTP server stands in for "remote": it counts every request, so a
// blocked load is proven by zero hits, not only by a rejected promise.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { screenshot, startApp } from "./harness.mjs";

let app;
let server;
let hits = [];
let origin;

before(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { "access-control-allow-origin": "*", "content-type": "text/plain" });
    res.end("remote content");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  app = await startApp();
  const nav = await app.browser.$('[data-testid="nav-connect"]');
  await nav.waitForDisplayed({ timeout: 20_000 });
});
after(async () => {
  await app?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

/** Runs `invoke(cmd, args)` in the webview; resolves to { ok, value } or { ok: false, error }. */
async function invokeInWebview(browser, cmd, args = {}) {
  // The verdict is stored in the page and read back. Tauri's IPC also raises a refusal as an
  // uncaught error in the page, which WebKitWebDriver hands to the next script it runs: that
  // error text (the webview's own) is the verdict then.
  const verdict = async () => {
    try {
      return await browser.execute(() => window.__verdict);
    } catch (e) {
      return { ok: false, error: String(e.message) };
    }
  };
  await browser.execute(
    (cmd, args) => {
      window.__verdict = null;
      window.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (value) => {
          window.__verdict = { ok: true, value };
        },
        (error) => {
          window.__verdict = { ok: false, error: String(error?.message ?? error) };
        },
      );
    },
    cmd,
    args,
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await verdict();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`${cmd} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a granted command works; APIs the UI does not use are refused", async () => {
  const { browser } = app;
  const info = await invokeInWebview(browser, "app_info");
  assert.equal(info.ok, true, `app_info is granted: ${info.error}`);
  assert.match(info.value.version, /^\d+\.\d+\.\d+/);

  // Core plugins the capability does not grant: resizing the window, reading app metadata.
  for (const [cmd, args] of [
    ["plugin:window|set_size", { label: "main", value: { Physical: { width: 200, height: 200 } } }],
    ["plugin:window|close", { label: "main" }],
    ["plugin:app|version", {}],
    ["plugin:webview|create_webview_window", { options: { label: "evil", url: origin } }],
  ]) {
    const result = await invokeInWebview(browser, cmd, args);
    assert.equal(result.ok, false, `${cmd} must be refused`);
    assert.match(result.error, /not allowed/i, `${cmd}: ${result.error}`);
  }
  // No shell plugin at all: the command does not exist.
  const shell = await invokeInWebview(browser, "plugin:shell|open", { path: origin });
  assert.equal(shell.ok, false);
  assert.match(shell.error, /not (found|allowed)/i, shell.error);
  // The window is still the size it was, and still open.
  const size = await browser.getWindowSize();
  assert.ok(size.width >= 960, `window width ${size.width}`);
  assert.equal(hits.length, 0, `nothing was loaded from ${origin}: ${hits}`);
});

test("the CSP blocks remote content, inline script and eval", async () => {
  const { browser } = app;
  const outcome = await browser.executeAsync((origin, done) => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    const results = {};
    const img = new Promise((resolve) => {
      const el = document.createElement("img");
      el.onload = () => resolve("loaded");
      el.onerror = () => resolve("blocked");
      el.src = `${origin}/pixel.png`;
      document.body.appendChild(el);
    });
    const frame = document.createElement("iframe");
    frame.src = `${origin}/frame`;
    document.body.appendChild(frame);
    const inline = document.createElement("script");
    inline.textContent = "window.__inlineRan = true;";
    document.body.appendChild(inline);
    try {
      // eslint-disable-next-line no-eval
      results.eval = String(eval("1 + 1"));
    } catch (e) {
      results.eval = `blocked: ${e.name}`;
    }
    fetch(`${origin}/data.json`)
      .then(() => "loaded")
      .catch((e) => `blocked: ${e.name}`)
      .then(async (fetched) => {
        results.fetch = fetched;
        results.img = await img;
        results.inline = window.__inlineRan === true ? "ran" : "blocked";
        // Violation events are queued; give them a moment to arrive.
        setTimeout(() => done({ results, violations }), 500);
      });
  }, origin);
  const { results, violations } = outcome;
  assert.equal(results.fetch, "blocked: TypeError", JSON.stringify(outcome));
  assert.equal(results.img, "blocked", JSON.stringify(outcome));
  assert.equal(results.inline, "blocked", JSON.stringify(outcome));
  assert.match(results.eval, /^blocked: EvalError/, JSON.stringify(outcome));
  const directives = violations.map((v) => v.split(" ")[0]).join(",");
  for (const directive of ["connect-src", "img-src", "frame-src", "script-src"]) {
    assert.ok(directives.includes(directive), `a ${directive} violation was reported: ${violations}`);
  }
  assert.deepEqual(hits, [], "the webview never reached the remote server");
  await screenshot(browser, "hardening");
});

test("the UI still works under the policy: the screens render over IPC", async () => {
  const { browser } = app;
  for (const id of ["mapping", "contacts", "deliveries", "connect"]) {
    await (await browser.$(`[data-testid="nav-${id}"]`)).click();
    const current = await browser.$(`[data-testid="nav-${id}"]`);
    await current.waitUntil(async () => (await current.getAttribute("aria-current")) === "page", {
      timeout: 5000,
    });
  }
  const version = await browser.$('[data-testid="app-version"]');
  assert.match(await version.getText(), /^v\d/);
});
