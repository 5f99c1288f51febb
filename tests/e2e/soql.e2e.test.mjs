// The SOQL console in the real app on the in-process demo org: a query typed and run shows
// its rows (relationship columns flattened), completion inserts names from describe, an
// apostrophe in a literal works, a DELETE is refused as it is typed with Run disabled, the
// history keeps what ran, and a contact's own queries open in the console.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, screenshot, startApp } from "./harness.mjs";

const SEED_FILE = path.join(repoRoot, "tests", "fixtures", "events", "seed000-leads.json");

// Cells clip with an ellipsis, where WebKitWebDriver's Get Element Text returns "": read
// textContent instead.
async function textOf(el) {
  return (await el.getProperty("textContent")).trim();
}

/** The text of every element of a list, in order. */
async function texts(elements) {
  const out = [];
  for (const el of await elements) out.push(await textOf(el));
  return out;
}

/** Replaces the editor's text as a person would: select all, delete, type. */
async function typeQuery(browser, text) {
  const input = await browser.$('[data-testid="soql-input"]');
  // On a loaded machine a keystroke can land while the completion list re-renders and the
  // editor ends up with other text: check what it holds, and type again if it differs.
  for (let attempt = 1; ; attempt++) {
    await input.click();
    await browser.keys(["Control", "a"]);
    await browser.keys("Backspace");
    await input.addValue(text);
    // Typing may leave the completion list open on the last word.
    await browser.keys("Escape");
    const typed = await input.getProperty("value");
    if (typed === text || attempt === 3) {
      assert.equal(typed, text, "the editor holds the typed query");
      return input;
    }
  }
}

async function runButton(browser) {
  return browser.$('[data-testid="soql-run"]');
}

async function runAndWait(browser, summary) {
  const run = await runButton(browser);
  await run.waitForEnabled({ timeout: 10_000, timeoutMsg: "the guard accepted the query" });
  await run.click();
  const shown = await browser.$('[data-testid="soql-summary"]');
  await browser.waitUntil(async () => (await shown.isExisting()) && summary.test(await textOf(shown)), {
    timeout: 15_000,
    timeoutMsg: `expected a summary like ${summary}`,
  });
  return textOf(shown);
}

let app;
before(async () => {
  app = await startApp({ args: ["--demo-org"] });
  await (await app.browser.$('[data-testid="nav-soql"]')).click();
  await (await app.browser.$('[data-testid="soql-input"]')).waitForDisplayed({ timeout: 10_000 });
});
after(async () => {
  await app?.stop();
});

test("a SELECT typed and run shows the demo org's rows with flattened relationship columns", async () => {
  const { browser } = app;
  await typeQuery(browser, "SELECT Id, Name, Email, Company, Owner.Name FROM Lead ORDER BY Name LIMIT 25");
  const feedback = await browser.$('[data-testid="soql-feedback"]');
  await browser.waitUntil(async () => /Ready to run/.test(await feedback.getText()), { timeout: 10_000 });
  assert.match(await feedback.getText(), /5 fields from Lead, LIMIT 25/);
  assert.equal(await runAndWait(browser, /^25 of 25 rows$/), "25 of 25 rows");

  const headers = await texts(browser.$$('[data-testid="soql-results"] th'));
  assert.deepEqual(headers, ["#", "Id", "Name", "Email", "Company", "Owner.Name"]);
  const rows = await browser.$$('[data-testid="soql-row"]');
  assert.ok(rows.length >= 10, `rows are rendered (${rows.length} in view)`);
  const cells = await texts(rows[0].$$("td"));
  assert.match(cells[1], /^00Q[0-9A-Za-z]{15}$/, "a Lead Id");
  assert.ok(cells[5].length > 0, "the owner's name came through the relationship");
  await screenshot(browser, "soql-results");
});

test("completion offers objects from describe and inserts the chosen one", async () => {
  const { browser } = app;
  const input = await typeQuery(browser, "SELECT Id, Name FROM Acc");
  // Escape closed the list; Ctrl+Space asks for it again.
  await browser.keys(["Control", " "]);
  const list = await browser.$('[data-testid="soql-completions"]');
  await list.waitForDisplayed({ timeout: 10_000 });
  const options = await texts(list.$$('[data-testid="soql-option"]'));
  assert.ok(
    options.some((o) => o.startsWith("OAccount")),
    `Account is offered: ${options.join(", ")}`,
  );
  await browser.pause(300);
  await screenshot(browser, "soql-completion");
  await browser.keys("Enter");
  assert.equal(await input.getValue(), "SELECT Id, Name FROM Account");
});

test("an email with an apostrophe in the WHERE clause finds the seeded contact", async () => {
  const { browser } = app;
  await typeQuery(
    browser,
    "SELECT Id, Name, Email, Account.Name FROM Contact WHERE Email = 'o\\'brien@harborlight.example'",
  );
  assert.equal(await runAndWait(browser, /^1 of 1 row$/), "1 of 1 row");
  const cells = await texts((await browser.$('[data-testid="soql-row"]')).$$("td"));
  assert.equal(cells[3], "o'brien@harborlight.example");
  assert.equal(cells[4], "Harborlight Analytics");
});

test("a DELETE is refused as it is typed, with the reason, and Run is disabled", async () => {
  const { browser } = app;
  await typeQuery(browser, "DELETE FROM Lead WHERE Email = 'o\\'brien@harborlight.example'");
  const refusal = await browser.$('[data-testid="soql-refusal"]');
  await refusal.waitForDisplayed({ timeout: 10_000 });
  assert.equal(
    await refusal.getText(),
    "Refused at line 1, column 1: DELETE is a data-changing statement; the console only runs SELECT queries",
  );
  assert.equal(await (await runButton(browser)).isEnabled(), false);
  assert.equal(await textOf(await browser.$('[data-testid="refused-token"]')), "DELETE");
  // Ctrl+Enter does not get past the guard either: the earlier result stays on screen.
  await (await browser.$('[data-testid="soql-input"]')).click();
  await browser.keys(["Control", "Enter"]);
  assert.equal(await textOf(await browser.$('[data-testid="soql-summary"]')), "1 of 1 row");
  await screenshot(browser, "soql-refused");

  await typeQuery(browser, "SELECT Id FROM Lead; DELETE FROM Lead");
  await browser.waitUntil(async () => /column 22: DELETE/.test(await refusal.getText()), { timeout: 10_000 });
  assert.equal(await (await runButton(browser)).isEnabled(), false);
});

test("the history keeps the queries that ran, and one click puts one back", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="tab-history"]')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="soql-history-item"]')).length === 2, {
    timeout: 10_000,
    timeoutMsg: "two queries ran; refused ones are not history",
  });
  const newest = await browser.$('[data-testid="soql-history-item"]');
  assert.match(await textOf(newest), /o\\'brien@harborlight\.example/);
  await screenshot(browser, "soql-history");
  await newest.click();
  const input = await browser.$('[data-testid="soql-input"]');
  await input.waitForDisplayed({ timeout: 5000 });
  assert.match(await input.getValue(), /^SELECT Id, Name, Email, Account\.Name FROM Contact/);
});

test("a contact's own queries are previewed and run from the console", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="nav-contacts"]')).click();
  await (await browser.$('[data-testid="import-file"]')).addValue(SEED_FILE);
  await (await browser.$('[data-testid="import-report"]')).waitForDisplayed({ timeout: 15_000 });
  await (await browser.$('[data-testid="nav-soql"]')).click();
  await (await browser.$('[data-testid="tab-preview"]')).click();
  await (await browser.$('[data-testid="soql-preview-search"]')).setValue("o'brien");
  const contact = await browser.$('[data-testid="soql-preview-contact"]');
  await browser.waitUntil(async () => /o'brien@initech\.example/.test(await textOf(contact)), { timeout: 10_000 });
  await contact.click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="soql-preview-query"]')).length >= 3, {
    timeout: 10_000,
  });
  const first = await browser.$('[data-testid="soql-preview-query"]');
  assert.match(await textOf(first), /Email IN \('o\\'brien@initech\.example'\)/);
  await screenshot(browser, "soql-preview");
  await (await first.$('[data-testid="open-in-console"]')).click();
  const input = await browser.$('[data-testid="soql-input"]');
  await input.waitForDisplayed({ timeout: 5000 });
  // The dedupe look-up a sync runs: the fields it compares, unconverted Leads, by email.
  assert.match(await input.getValue(), /^SELECT Id, Email, .* FROM Lead WHERE IsConverted = FALSE AND Email IN \('o\\'brien@initech\.example'\)$/);
  // The statement the app would send runs as it is: nobody by that email in the demo org.
  const run = await runButton(browser);
  await run.waitForEnabled({ timeout: 10_000 });
  await run.click();
  await (await browser.$('[data-testid="soql-no-rows"]')).waitForDisplayed({ timeout: 15_000 });
  assert.equal(await textOf(await browser.$('[data-testid="soql-summary"]')), "0 of 0 rows");
});

test("the console reads well in the dark theme", async () => {
  const { browser } = app;
  await typeQuery(browser, "SELECT Id, Name, Industry, Owner.Name, Owner.Email FROM Account ORDER BY Name");
  await runAndWait(browser, /^40 of 40 rows$/);
  await (await browser.$('[aria-label="Switch to dark theme"]')).click();
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
  await screenshot(browser, "soql-dark");
  await (await browser.$('[aria-label="Switch to light theme"]')).click();
});
