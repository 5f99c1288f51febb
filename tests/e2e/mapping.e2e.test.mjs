// The Mapping screen in the real app, on the in-process demo org: a chat field dragged onto
// a Salesforce field with real pointer moves, saved as a version, and still there after the
// app is stopped and started again on the same data directory.
import assert from "node:assert/strict";
import net from "node:net";
import { after, test } from "node:test";
import { screenshot, startApp } from "./harness.mjs";

// Where the app runs the demo org (leadbridge_core::salesforce::local_demo::DEMO_LISTEN).
const DEMO_PORT = 8710;

let app;
after(async () => {
  await app?.stop();
});

const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`);

async function waitForText(element, expected, timeout = 15_000) {
  await element.waitUntil(async () => (await element.getText()).includes(expected), {
    timeout,
    timeoutMsg: `expected "${expected}" in ${element.selector}`,
  });
}

/** Resolves once nothing listens on `port` any more (the previous app has exited). */
async function waitForPortFree(port, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (!open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} is still in use`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function openMappingTab(browser, tab) {
  await (await byTestId(browser, "nav-mapping")).click();
  await (await byTestId(browser, "mapping-screen")).waitForDisplayed({ timeout: 20_000 });
  await (await byTestId(browser, `tab-${tab}`)).click();
  await (await byTestId(browser, `mapping-tab-${tab}`)).waitForDisplayed({ timeout: 10_000 });
}

/** The element's box in viewport coordinates. */
async function boxOf(browser, element) {
  return browser.execute((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  }, element);
}

/**
 * Drags `from` onto `to` the way a person does: press, move in small steps (dnd-kit's
 * PointerSensor starts a drag only after 6 px of movement and tracks every move), release.
 */
async function drag(browser, from, to) {
  await from.scrollIntoView({ block: "center" });
  await to.scrollIntoView({ block: "center" });
  const a = await boxOf(browser, from);
  const b = await boxOf(browser, to);
  const start = { x: Math.round(a.x + a.width / 2), y: Math.round(a.y + a.height / 2) };
  const end = { x: Math.round(b.x + b.width / 2), y: Math.round(b.y + b.height / 2) };
  const steps = 12;
  let action = browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ origin: "viewport", x: start.x, y: start.y })
    .down({ button: 0 })
    .pause(50)
    .move({ origin: "viewport", x: start.x + 4, y: start.y + 2, duration: 50 })
    .move({ origin: "viewport", x: start.x + 10, y: start.y + 4, duration: 50 });
  for (let i = 1; i <= steps; i++) {
    const x = Math.round(start.x + ((end.x - start.x) * i) / steps);
    const y = Math.round(start.y + ((end.y - start.y) * i) / steps);
    action = action.move({ origin: "viewport", x, y, duration: 40 });
  }
  await action.pause(100).up({ button: 0 }).perform();
}

test("a chat field dragged onto a Salesforce field is saved and survives a restart", async () => {
  app = await startApp({ args: ["--demo-org"] });
  const { browser, dataDir } = app;

  await openMappingTab(browser, "Lead");
  // The Lead fields come from the demo org's describe.
  const leadEmail = await byTestId(browser, "sf-field-Email");
  await leadEmail.waitForDisplayed({ timeout: 20_000 });
  await (await byTestId(browser, "validation")).waitForDisplayed({ timeout: 20_000 });
  await screenshot(browser, "mapping-lead");

  await (await byTestId(browser, "tab-Account")).click();
  const search = await byTestId(browser, "sf-field-search");
  await search.waitForDisplayed({ timeout: 20_000 });
  await search.setValue("Website");
  const target = await byTestId(browser, "sf-field-Website");
  await target.waitForDisplayed({ timeout: 10_000 });
  assert.match(await target.getText(), /url\(255\)/, "type and length from describe");
  const source = await byTestId(browser, "chat-field-website");
  assert.equal(await (await browser.$('[data-testid="row-Account-Website"]')).isExisting(), false);

  await drag(browser, source, target);
  const row = await byTestId(browser, "row-Account-Website");
  await row.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the drop created a mapping row" });
  assert.match(await row.getText(), /website/);
  await waitForText(await byTestId(browser, "mapping-message"), "Mapped website to Account Website.");
  await (await byTestId(browser, "unsaved")).waitForDisplayed();
  await screenshot(browser, "mapping-account-dropped");

  // Leaving with unsaved changes asks first; staying keeps the draft.
  await (await byTestId(browser, "nav-contacts")).click();
  const stay = await byTestId(browser, "leave-stay");
  await stay.waitForDisplayed({ timeout: 5_000 });
  await screenshot(browser, "mapping-leave-guard");
  await stay.click();
  assert.equal(await (await byTestId(browser, "screen-title")).getText(), "Mapping");
  assert.ok(await row.isDisplayed(), "the draft is still there");

  await (await byTestId(browser, "save-note")).setValue("website on Accounts");
  await (await byTestId(browser, "save")).click();
  await waitForText(await byTestId(browser, "mapping-version"), "Version 1");
  await (await byTestId(browser, "saved")).waitForDisplayed();
  await screenshot(browser, "mapping-saved");

  await (await byTestId(browser, "tab-settings")).click();
  const campaign = await byTestId(browser, "campaign");
  await campaign.waitForDisplayed({ timeout: 20_000 });
  assert.match(await campaign.getText(), /Website Chat Leads/, "Campaigns come from the demo org");
  await screenshot(browser, "mapping-settings");

  await app.stop();
  app = null;
  await waitForPortFree(DEMO_PORT);

  app = await startApp({ dataDir, args: ["--demo-org"] });
  const again = app.browser;
  await openMappingTab(again, "Account");
  await waitForText(await byTestId(again, "mapping-version"), "Version 1");
  const kept = await byTestId(again, "row-Account-Website");
  await kept.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the saved row is there after a restart" });
  assert.match(await kept.getText(), /website/);
  await (await byTestId(again, "tab-history")).click();
  const v1 = await byTestId(again, "version-1");
  await v1.waitForDisplayed({ timeout: 10_000 });
  assert.match(await v1.getText(), /website on Accounts/);
  await (await byTestId(again, "compare-0")).click();
  await waitForText(await byTestId(again, "diff-lines"), "Account: added website → Website");
  await screenshot(again, "mapping-history");

  // The same screen in the dark theme.
  await (await again.$('button[aria-label="Switch to dark theme"]')).click();
  await (await byTestId(again, "tab-Lead")).click();
  await (await byTestId(again, "sf-field-Email")).waitForDisplayed({ timeout: 20_000 });
  await screenshot(again, "mapping-lead-dark");
});
