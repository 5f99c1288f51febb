// The Routing screen in the real app, on the in-process demo org: contacts whose chat agents
// are the demo org's own users are imported, one is tested (meeting_scheduler decides), then
// closed_by is dragged above meeting_scheduler with real pointer moves and the test panel's
// decision follows; the keyboard puts it back.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { screenshot as saveScreenshot, startApp } from "./harness.mjs";

// Seeded Users of the demo org (src-tauri/demo-org/src/seed.rs, USER_DOMAIN).
const PRIYA = "priya.nair@demo-org.example";
const MARCO = "marco.bellini@demo-org.example";
const VISITOR = "olga.test@harborlight.example";

let app;
after(async () => {
  await app?.stop();
});

const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`);

/** A screenshot once the window has painted the latest changes (two animation frames). */
async function screenshot(browser, name) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await browser.pause(150);
  return saveScreenshot(browser, name);
}

async function waitForText(element, expected, timeout = 20_000) {
  let last = "";
  await element.waitUntil(
    async () => {
      last = await element.getText();
      return last.includes(expected);
    },
    { timeout, timeoutMsg: `expected "${expected}" in ${element.selector}, saw "${last}"` },
  );
}

function eventsFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leadbridge-routing-"));
  const file = path.join(dir, "routing-contacts.json");
  const lead = (email, company, website, agents) => ({
    event: "lead.qualified",
    timestamp: "2026-04-05T14:30:00Z",
    lead: { email, firstName: "Olga", lastName: "Test", company, website, qualificationScore: 80, agents },
  });
  fs.writeFileSync(
    file,
    JSON.stringify([
      lead(VISITOR, "Harborlight Analytics", "https://harborlight.example", {
        meetingScheduledWith: PRIYA,
        closedBy: MARCO,
      }),
      lead("sam.other@fernbrook.example", "Fernbrook Studios", null, { lastRouted: "s.unknown@chat.example" }),
    ]),
  );
  return file;
}

/** The element's box in viewport coordinates. */
async function boxOf(browser, element) {
  return browser.execute((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  }, element);
}

/** Press, move in small steps past dnd-kit's activation distance, release (see mapping.e2e). */
async function drag(browser, from, to) {
  const a = await boxOf(browser, from);
  const b = await boxOf(browser, to);
  const start = { x: Math.round(a.x + a.width / 2), y: Math.round(a.y + a.height / 2) };
  const end = { x: start.x, y: Math.round(b.y + b.height / 4) };
  const steps = 12;
  let action = browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ origin: "viewport", x: start.x, y: start.y })
    .down({ button: 0 })
    .pause(50)
    .move({ origin: "viewport", x: start.x, y: start.y - 4, duration: 50 })
    .move({ origin: "viewport", x: start.x, y: start.y - 10, duration: 50 });
  for (let i = 1; i <= steps; i++) {
    const y = Math.round(start.y + ((end.y - start.y) * i) / steps);
    action = action.move({ origin: "viewport", x: end.x, y, duration: 40 });
  }
  await action.pause(150).up({ button: 0 }).perform();
}

async function strategyOrder(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="strategy-list"] > li')].map((li) =>
      li.getAttribute("data-testid").replace("strategy-", ""),
    ),
  );
}

test("reordering strategies by dragging changes the tested contact's owner", async () => {
  try {
    await reorderAndTest();
  } catch (e) {
    if (app) await screenshot(app.browser, "routing-failure").catch(() => {});
    throw e;
  }
});

async function reorderAndTest() {
  app = await startApp({ args: ["--demo-org"] });
  const { browser } = app;

  // Contacts with agents, through the Contacts screen's file input.
  await (await byTestId(browser, "nav-contacts")).click();
  const input = await byTestId(browser, "import-file");
  await input.waitForExist({ timeout: 20_000 });
  await input.addValue(eventsFile());
  await (await byTestId(browser, "import-report")).waitForDisplayed({ timeout: 20_000 });

  await (await byTestId(browser, "nav-routing")).click();
  await (await byTestId(browser, "routing-screen")).waitForDisplayed({ timeout: 20_000 });
  await (await byTestId(browser, "strategy-list")).waitForDisplayed({ timeout: 10_000 });
  assert.deepEqual(await strategyOrder(browser), [
    "meeting_scheduler",
    "last_routed",
    "closed_by",
    "account_owner",
    "default_owner",
  ]);

  // Test the imported contact: the meeting scheduler decides.
  const contact = await byTestId(browser, "test-contact");
  await contact.waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => (await contact.$$("option")).length >= 3, {
    timeout: 20_000,
    timeoutMsg: "the imported contacts are offered",
  });
  await contact.selectByAttribute("value", VISITOR);
  await (await byTestId(browser, "test-run")).click();
  const reason = await byTestId(browser, "test-reason");
  await reason.waitForDisplayed({ timeout: 30_000 });
  await waitForText(reason, "Priya Nair — meeting_scheduler");
  assert.equal(await (await byTestId(browser, "test-owner")).getText(), "Priya Nair");
  await screenshot(browser, "routing-tested");

  // Drag closed_by above meeting_scheduler with the mouse.
  await drag(
    browser,
    await byTestId(browser, "strategy-handle-closed_by"),
    await byTestId(browser, "strategy-meeting_scheduler"),
  );
  await browser.waitUntil(async () => (await strategyOrder(browser))[0] === "closed_by", {
    timeout: 10_000,
    timeoutMsg: "closed_by was dropped at rank 1",
  });
  assert.deepEqual(await strategyOrder(browser), [
    "closed_by",
    "meeting_scheduler",
    "last_routed",
    "account_owner",
    "default_owner",
  ]);
  await (await byTestId(browser, "unsaved")).waitForDisplayed();
  await waitForText(reason, "Marco Bellini — closed_by");
  await screenshot(browser, "routing-reordered");

  // The keyboard moves it back down: pick up, one step down, drop.
  const handle = await byTestId(browser, "strategy-handle-closed_by");
  await handle.click();
  await browser.keys(" ");
  await browser.pause(200);
  await browser.keys("ArrowDown");
  await browser.pause(300);
  await browser.keys(" ");
  await browser.waitUntil(async () => (await strategyOrder(browser))[0] === "meeting_scheduler", {
    timeout: 10_000,
    timeoutMsg: "the keyboard moved closed_by back to rank 2",
  });
  await waitForText(reason, "Priya Nair — meeting_scheduler");

  // Drag again and save: the order is a new mapping version.
  await drag(
    browser,
    await byTestId(browser, "strategy-handle-closed_by"),
    await byTestId(browser, "strategy-meeting_scheduler"),
  );
  await waitForText(reason, "Marco Bellini — closed_by");
  await (await byTestId(browser, "save")).click();
  await waitForText(await byTestId(browser, "routing-version"), "Mapping version 1");
  await (await byTestId(browser, "saved")).waitForDisplayed();

  // The user mapping table: both agents of the demo org match by email; the unknown one warns.
  await (await byTestId(browser, "tab-users")).click();
  const basis = await byTestId(browser, `user-basis-${PRIYA}`);
  await basis.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await basis.getText(), "Same email");
  await waitForText(await byTestId(browser, "user-basis-s.unknown@chat.example"), "Unmapped");
  await screenshot(browser, "routing-users");

  await (await byTestId(browser, "tab-segments")).click();
  await (await byTestId(browser, "add-segment")).click();
  await (await byTestId(browser, "add-condition-0")).click();
  await (await byTestId(browser, "condition-0-0-field")).selectByAttribute("value", "employees");
  await (await byTestId(browser, "condition-0-0-op")).selectByAttribute("value", "gte");
  await (await byTestId(browser, "condition-0-0-value")).setValue("1000");
  await screenshot(browser, "routing-segments");
  await (await byTestId(browser, "tab-rules")).click();
  await (await byTestId(browser, "add-rule")).click();
  const ruleField = await byTestId(browser, "rule-field-0");
  await browser.waitUntil(async () => (await ruleField.getText()).includes("SDR__c"), {
    timeout: 20_000,
    timeoutMsg: "SDR__c comes from the Account describe",
  });
  await screenshot(browser, "routing-rules");

  await (await browser.$('button[aria-label="Switch to dark theme"]')).click();
  await (await byTestId(browser, "tab-priority")).click();
  await (await byTestId(browser, "strategy-list")).waitForDisplayed();
  await screenshot(browser, "routing-dark");
}
