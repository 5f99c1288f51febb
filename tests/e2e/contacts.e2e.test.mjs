// The Contacts screen against the real app and core: import a seed file through the file
// input, then search, filter and open a contact.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, screenshot, startApp } from "./harness.mjs";

const SEED_FILE = path.join(repoRoot, "tests", "fixtures", "events", "seed000-leads.json");

// WebKitWebDriver's Get Element Text returns "" for text clipped with an ellipsis inside a
// fixed-layout table cell, so table cells are read through textContent.
async function cellText(el) {
  return (await el.getProperty("textContent")).trim();
}

async function rowCount(browser) {
  return (await browser.$$('[data-testid="inbox-row"]')).length;
}

async function waitForRows(browser, n) {
  await browser.waitUntil(async () => (await rowCount(browser)) === n, {
    timeout: 10_000,
    timeoutMsg: `expected ${n} inbox rows`,
  });
}

let app;
before(async () => {
  app = await startApp();
  await (await app.browser.$('[data-testid="nav-contacts"]')).click();
});
after(async () => {
  await app?.stop();
});

test("an empty inbox says what to import", async () => {
  const { browser } = app;
  const empty = await browser.$('[data-testid="contacts-empty"]');
  await empty.waitForDisplayed({ timeout: 10_000 });
  assert.match(await empty.getText(), /No contacts yet/);
  assert.match(await empty.getText(), /JSON, NDJSON or CSV/);
  await screenshot(browser, "contacts-empty");
});

test("importing seed000-leads.json through the file input shows the report and fills the inbox", async () => {
  const { browser } = app;
  // WebDriver's Element Send Keys on a file input selects that file, as a person would in
  // the file chooser; the app then reads it with file.arrayBuffer() like any other file.
  const input = await browser.$('[data-testid="import-file"]');
  await input.addValue(SEED_FILE);
  const report = await browser.$('[data-testid="import-report"]');
  await report.waitForDisplayed({ timeout: 15_000 });
  assert.match(await report.getText(), /Imported seed000-leads\.json/);
  // 10 events, 9 people: the last repeats the first with a differently-cased email.
  assert.equal(await (await browser.$('[data-testid="import-created"]')).getText(), "9 new contacts");
  assert.equal(await (await browser.$('[data-testid="import-rejected"]')).isExisting(), false);
  const count = await browser.$('[data-testid="contacts-count"]');
  await count.waitUntil(async () => (await count.getText()) === "9 contacts", { timeout: 10_000 });
  await waitForRows(browser, 9);
  await screenshot(browser, "contacts-imported");
});

test("search narrows the inbox and the detail drawer shows the contact", async () => {
  const { browser } = app;
  const search = await browser.$('[data-testid="contacts-search"]');
  await search.setValue("globex");
  await waitForRows(browser, 1);
  const email = await browser.$('[data-testid="inbox-email"]');
  assert.equal(await cellText(email), "priya.nair@globex.example");
  await email.click();

  const drawer = await browser.$('[data-testid="contact-drawer"]');
  await drawer.waitForDisplayed({ timeout: 10_000 });
  const title = await browser.$('[data-testid="drawer-title"]');
  await title.waitUntil(async () => (await title.getText()) === "Priya Nair", { timeout: 10_000 });
  const text = await drawer.getText();
  assert.match(text, /Globex Corporation/);
  assert.match(text, /companySize/);
  assert.match(text, /jordan\.lee@leadbridge-demo\.example/);
  const link = await drawer.$('[data-testid="conversation-link"]');
  assert.equal(await link.getAttribute("href"), "https://app.hoverbot.ai/conversations/sf-abc124");
  await screenshot(browser, "contacts-detail");

  await (await browser.$('[data-testid="drawer-close"]')).click();
  await drawer.waitForExist({ reverse: true, timeout: 5000 });
});

test("filters combine: minimum score and the apostrophe email", async () => {
  const { browser } = app;
  const search = await browser.$('[data-testid="contacts-search"]');
  await search.setValue("o'brien");
  // The previous search also left one row: wait for the inbox to show the new one.
  await browser.waitUntil(
    async () => (await cellText(await browser.$('[data-testid="inbox-email"]'))) === "o'brien@initech.example",
    { timeout: 10_000, timeoutMsg: "the apostrophe search found o'brien@initech.example" },
  );
  assert.equal(await rowCount(browser), 1);

  // Clear the search as a person would (Element Clear fires no input event for React).
  await search.click();
  await browser.keys(["Control", "a"]);
  await browser.keys("Backspace");
  await waitForRows(browser, 9);
  await (await browser.$('[data-testid="filter-score"]')).selectByAttribute("value", "80");
  // prospect@company.com (91 after the merge), priya.nair (92) and kenji.watanabe (83).
  await waitForRows(browser, 3);
  for (const row of await browser.$$('[data-testid="inbox-row"]')) {
    const score = Number(await cellText(await row.$(".score-value")));
    assert.ok(score >= 80, `score ${score} passes the 3-star filter`);
  }
  await screenshot(browser, "contacts-filtered");
});

test("the inbox and the drawer read well in the dark theme", async () => {
  const { browser } = app;
  await (await browser.$('[aria-label="Switch to dark theme"]')).click();
  await (await browser.$('[data-testid="inbox-email"]')).click();
  await (await browser.$('[data-testid="contact-drawer"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
  await screenshot(browser, "contacts-dark");
  await browser.keys("Escape");
  await (await browser.$('[data-testid="nav-connect"]')).click();
  await (await browser.$('[data-testid="connect-form"]')).waitForDisplayed({ timeout: 10_000 });
  await screenshot(browser, "connect-dark");
  await (await browser.$('[aria-label="Switch to light theme"]')).click();
});
