// The Deliveries screen against the real app, core and in-process demo org: a delivery fails
// through the demo org's fault control, the reviewer finds it with the status filter, opens
// it, reads Salesforce's error, heals the fault, retries, and sees the retry succeed.
//
// The fault is `lock-rows`: every record written fails with UNABLE_TO_LOCK_ROW until the
// fault is cleared. (A `fail-next` on the Composite path would hit the push's look-ups first,
// which travel in Composite calls too.) The push retries that error on its schedule and then
// gives up, so the failed delivery also shows a timeline of several attempts.
//
// The contacts come in through the app's own import; the failing push runs the `leadbridge`
// CLI (`sync --email`) against the same data directory and demo org, as a second process
// beside the app would (LEADBRIDGE_BIN, default target/debug/leadbridge).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, screenshot, startApp } from "./harness.mjs";

const SEED_FILE = path.join(repoRoot, "tests", "fixtures", "events", "seed000-leads.json");
const CLI = process.env.LEADBRIDGE_BIN ?? path.join(repoRoot, "target", "debug", "leadbridge");
const DEMO = "http://127.0.0.1:8710";
const EMAIL = "priya.nair@globex.example";
const CODE = "UNABLE_TO_LOCK_ROW";
const ATTEMPTS = 4;

async function demo(control, body = {}) {
  const res = await fetch(`${DEMO}/__demo/${control}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `POST /__demo/${control}: ${await res.text()}`);
}

async function text(el) {
  return (await el.getProperty("textContent")).trim();
}

async function rows(browser) {
  return browser.$$('[data-testid="delivery-row"]');
}

async function waitForRows(browser, n) {
  await browser.waitUntil(async () => (await rows(browser)).length === n, {
    timeout: 15_000,
    timeoutMsg: `expected ${n} delivery rows`,
  });
}

let app;
before(async () => {
  assert.ok(fs.existsSync(CLI), `the leadbridge CLI is not built at ${CLI} (cargo build -p leadbridge-cli)`);
  app = await startApp({ args: ["--demo-org"] });
});
after(async () => {
  await app?.stop();
});

test("an empty log says what to do next", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="nav-deliveries"]')).click();
  const empty = await browser.$('[data-testid="deliveries-empty"]');
  await empty.waitForDisplayed({ timeout: 15_000 });
  assert.match(await empty.getText(), /No deliveries yet/);
  await screenshot(browser, "deliveries-empty");
});

test("a delivery refused by Salesforce is found, explained, healed and retried", async () => {
  const { browser, dataDir } = app;
  // Contacts arrive through the app's import.
  await (await browser.$('[data-testid="nav-contacts"]')).click();
  await (await browser.$('[data-testid="import-file"]')).addValue(SEED_FILE);
  await (await browser.$('[data-testid="import-report"]')).waitForDisplayed({ timeout: 15_000 });

  // Two pushes: one that succeeds, then one whose records Salesforce cannot lock; the push
  // retries on a short schedule (3 retries) and gives up.
  const sync = (email) =>
    spawnSync(CLI, ["--data-dir", dataDir, "sync", "--email", email, "--json", "--retry-delays-ms", "50,50,50"], {
      encoding: "utf8",
      timeout: 60_000,
    });
  const ok = sync("prospect@company.com");
  assert.equal(ok.status, 0, `sync succeeded: ${ok.stdout}${ok.stderr}`);
  await demo("lock-rows", { count: 1000 });
  const refused = sync(EMAIL);
  assert.notEqual(refused.status, 0, `the refused push exits non-zero: ${refused.stdout}${refused.stderr}`);
  assert.match(refused.stdout, new RegExp(CODE));

  await (await browser.$('[data-testid="nav-deliveries"]')).click();
  await waitForRows(browser, 2);
  await screenshot(browser, "deliveries-log");

  // Find it with the status filter.
  await (await browser.$('[data-testid="filter-status"]')).selectByAttribute("value", "failed");
  await waitForRows(browser, 1);
  const [row] = await rows(browser);
  assert.match(await text(row), new RegExp(EMAIL.replace(/\./g, "\\.")));
  assert.match(await text(row), new RegExp(CODE));
  assert.equal(await text(await browser.$('[data-testid="deliveries-count"]')), "1 delivery matches");

  // Open it: Salesforce's code and message, the payload and the attempt.
  await (await row.$('[data-testid="delivery-open"]')).click();
  const panel = await browser.$('[data-testid="delivery-panel"]');
  await panel.waitForDisplayed({ timeout: 10_000 });
  const code = await browser.$('[data-testid="delivery-error-code"]');
  await code.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await text(code), CODE);
  assert.match(await text(await browser.$('[data-testid="delivery-error-message"]')), /exclusive access|lock/i);
  assert.match(await text(await browser.$('[data-testid="delivery-payload"]')), /Priya/);
  assert.equal((await browser.$$('[data-testid="attempt"]')).length, ATTEMPTS);
  await screenshot(browser, "deliveries-failed-detail");
  await browser.execute(() => document.querySelector('[data-testid="attempt-timeline"]')?.scrollIntoView());
  await screenshot(browser, "deliveries-attempts");

  // Heal the fault (clear every injected failure) and retry from the panel.
  await demo("reset", {});
  await (await browser.$('[data-testid="panel-retry"]')).click();
  const question = await browser.$('[data-testid="retry-question"]');
  await question.waitForDisplayed({ timeout: 5_000 });
  assert.match(await question.getText(), /1 failed delivery will be sent again/);
  await (await browser.$('[data-testid="retry-confirm"]')).click();
  const report = await browser.$('[data-testid="retry-report"]');
  await report.waitForDisplayed({ timeout: 30_000 });
  assert.match(await report.getText(), /Retry finished: 1 succeeded, 0 failed/);

  // The original is resolved by its retry, which succeeded; nothing failed is left.
  const badge = await panel.$('[data-testid="status-badge"]');
  await browser.waitUntil(async () => (await text(badge)) === "Resolved", {
    timeout: 10_000,
    timeoutMsg: "the failed delivery shows as resolved",
  });
  const retriedBy = await browser.$('[data-testid="retried-by"] button');
  await retriedBy.waitForDisplayed({ timeout: 10_000 });
  await screenshot(browser, "deliveries-resolved-detail");
  await retriedBy.click();
  await browser.waitUntil(async () => (await text(await panel.$('[data-testid="status-badge"]'))) === "Succeeded", {
    timeout: 10_000,
    timeoutMsg: "the retry delivery shows as succeeded",
  });
  await (await browser.$('[data-testid="delivery-panel-close"]')).click();
  await (await browser.$('[data-testid="deliveries-none-match"]')).waitForDisplayed({ timeout: 10_000 });

  await (await browser.$('[data-testid="filter-status"]')).selectByAttribute("value", "succeeded");
  await waitForRows(browser, 2);
  const triggers = [];
  for (const r of await rows(browser)) triggers.push(await text(r));
  assert.ok(
    triggers.some((t) => t.includes(EMAIL) && t.includes("retry")),
    `the retry is logged with trigger retry: ${triggers}`,
  );
  await screenshot(browser, "deliveries-after-retry");
});

test("the log exports to CSV and reads well in the dark theme", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="clear-filters"]')).click();
  await waitForRows(browser, 3);
  await (await browser.$('[data-testid="export-csv"]')).click();
  const done = await browser.$('[data-testid="export-done"]');
  await done.waitForDisplayed({ timeout: 15_000 });
  const file = await text(await done.$("code"));
  const csv = fs.readFileSync(file, "utf8");
  assert.match(csv, /^id,created_at,email,object,action,status,/);
  assert.equal(csv.trim().split("\n").length, 4, "a header and three deliveries");
  assert.match(csv, new RegExp(`${EMAIL.replace(/\./g, "\\.")},Lead,create,resolved,,${CODE}`));

  await (await browser.$('[aria-label="Switch to dark theme"]')).click();
  await (await (await rows(browser))[0].$('[data-testid="delivery-open"]')).click();
  await (await browser.$('[data-testid="delivery-panel"]')).waitForDisplayed({ timeout: 10_000 });
  await screenshot(browser, "deliveries-dark");
  await browser.keys("Escape");
  await (await browser.$('[aria-label="Switch to light theme"]')).click();
});
