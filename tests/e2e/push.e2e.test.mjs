// The manual push on the Contacts screen, against the real app, core and in-process demo org:
// import contacts, tick some, preview (new Leads, an update with its before → after, a
// CONTACT_EXISTS skip), push with the confirmation, follow the progress to the summary, and
// push the same contacts again to find them unchanged (no duplicate in Salesforce).
//
// Then a cancel: 4,400 contacts, above the bulk threshold, go out as a Bulk API 2.0 job that
// the demo org holds unprocessed; Cancel aborts it, and a later push sends exactly the rest. Salesforce's side is counted with the `leadbridge`
// CLI (`soql`) on the same data directory (LEADBRIDGE_BIN, default target/debug/leadbridge).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, screenshot, startApp } from "./harness.mjs";

const SEED_FILE = path.join(repoRoot, "tests", "fixtures", "events", "seed000-leads.json");
const CLI = process.env.LEADBRIDGE_BIN ?? path.join(repoRoot, "target", "debug", "leadbridge");
const DEMO = "http://127.0.0.1:8710";
// Records the demo org is seeded with (src-tauri/demo-org/src/lib.rs).
const KNOWN_LEAD = "maya.lindqvist@fernbrook.example";
const KNOWN_CONTACT = "o'brien@harborlight.example";
const NEW = [
  "priya.nair@globex.example",
  "marco.rossi@gmail.com",
  "kenji.watanabe@hooli.example",
  "lena.schmidt@vandelay.example",
  "tom+chat@stark.example",
];
const PICKED = [...NEW, KNOWN_LEAD, KNOWN_CONTACT];
const BULK = 4_400;
const BULK_DOMAIN = "cancel-e2e.example";

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

/** Salesforce's count, through the CLI on the app's data directory. */
function count(dataDir, soql) {
  const run = spawnSync(CLI, ["--data-dir", dataDir, "soql", soql, "--json"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `soql ${soql}: ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout.trim()).totalSize;
}

const quote = (s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function writeFile(name, content) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leadbridge-push-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function importFile(browser, file, created) {
  await (await browser.$('[data-testid="import-file"]')).addValue(file);
  const line = await browser.$('[data-testid="import-created"]');
  await browser
    .waitUntil(async () => (await line.isExisting()) && (await text(line)) === created, {
      timeout: 60_000,
      timeoutMsg: `import of ${path.basename(file)} reports ${created}`,
    })
    .catch(async (e) => {
      await screenshot(browser, `push-import-failure-${path.basename(file)}`);
      throw new Error(`${e.message}; the line said: ${(await line.isExisting()) ? await text(line) : "(none)"}`);
    });
}

async function waitForResult(browser, timeout) {
  const result = await browser.$('[data-testid="push-result"]');
  await result.waitForDisplayed({ timeout, timeoutMsg: "the push ends with a summary" });
  return result;
}

async function counts(browser) {
  const out = {};
  for (const id of ["created", "updated", "unchanged", "skipped", "failed"]) {
    const shown = await text(await browser.$(`[data-testid="push-${id}"]`));
    out[id] = Number.parseInt(shown.replace(/,/g, ""), 10);
  }
  const pending = await browser.$('[data-testid="push-pending"]');
  out.pending = (await pending.isExisting()) ? Number.parseInt((await text(pending)).replace(/,/g, ""), 10) : 0;
  return out;
}

/** Starts a push of the ticked rows, answering the confirmation; returns its question. */
async function pushWithConfirmation(browser, label) {
  const start = await browser.$('[data-testid="push-start"]');
  assert.equal(await text(start), label);
  await start.click();
  const question = await browser.$('[data-testid="push-plan-sentence"]');
  await question.waitForDisplayed({ timeout: 60_000 });
  const said = await text(question);
  return said;
}

let app;
before(async () => {
  assert.ok(fs.existsSync(CLI), `the leadbridge CLI is not built at ${CLI} (cargo build -p leadbridge-cli)`);
  app = await startApp({ args: ["--demo-org"] });
});
after(async () => {
  await demo("latency", { fixedMs: 0, jitterMs: 0 }).catch(() => {});
  await app?.stop();
});

test("ticked contacts are previewed, pushed with a confirmation, and unchanged the second time", async () => {
  const { browser, dataDir } = app;
  await (await browser.$('[data-testid="nav-contacts"]')).click();
  await importFile(browser, SEED_FILE, "9 new contacts");
  const known = [
    { email: KNOWN_LEAD, score: 91, firstName: "Maya", lastName: "Lindqvist", company: "Fernbrook" },
    { email: KNOWN_CONTACT, score: 88, firstName: "Siobhan", lastName: "O'Brien", company: "Harborlight" },
  ]
    .map(({ email, score, firstName, lastName, company }) =>
      JSON.stringify({
        event: "lead.qualified",
        timestamp: "2026-04-05T15:00:00Z",
        lead: { email, firstName, lastName, company, qualificationScore: score, source: "Website Chat" },
      }),
    )
    .join("\n");
  await importFile(browser, writeFile("known.ndjson", `${known}\n`), "2 new contacts");
  await (await browser.$('[aria-label="Dismiss the import report"]')).click();

  for (const email of PICKED) await (await browser.$(`[aria-label="Select ${email}"]`)).click();
  const countLine = await browser.$('[data-testid="contacts-count"]');
  await browser.waitUntil(async () => (await text(countLine)) === "7 of 11 selected", { timeout: 10_000 });

  // The preview: grouped by action, the update's before → after, owners and reasons.
  await (await browser.$('[data-testid="push-preview"]')).click();
  const preview = await browser.$('[data-testid="plan-preview"]');
  await preview.waitForDisplayed({ timeout: 30_000 });
  assert.equal(await text(await browser.$('[data-testid="plan-total-create"]')), "5 to create");
  assert.equal(await text(await browser.$('[data-testid="plan-total-update"]')), "1 to update");
  assert.equal(await text(await browser.$('[data-testid="plan-total-skipped"]')), "1 skipped");
  const created = await browser.$$('[data-testid="plan-group-create"] [data-testid="plan-item"]');
  const createdEmails = await created.map((i) => i.getAttribute("data-email"));
  assert.deepEqual(createdEmails.sort(), [...NEW].sort());
  const owner = await created[0].$('[data-testid="plan-owner"]');
  assert.match(await text(owner), /^Owner .+ — .+/, "a new Lead's owner comes with its reason");
  const update = await browser.$('[data-testid="plan-group-update"] [data-testid="plan-item"]');
  assert.equal(await update.getAttribute("data-email"), KNOWN_LEAD);
  const score = await update.$('[data-testid="plan-change"][data-field="Lead_Score__c"]');
  assert.match(await text(await score.$(".plan-after")), /91/);
  assert.notEqual(await text(await score.$(".plan-before")), "91");
  const skip = await browser.$('[data-testid="plan-group-skipped"] [data-testid="plan-skip"]');
  assert.match(await text(skip), /CONTACT_EXISTS/);
  await screenshot(browser, "push-preview");
  await browser.execute(() => document.querySelector('[data-testid="plan-group-update"]')?.scrollIntoView());
  await screenshot(browser, "push-preview-update");
  await (await browser.$('[data-testid="preview-close"]')).click();
  await preview.waitForExist({ reverse: true, timeout: 5_000 });

  // Seven contacts: the push asks first, saying what it will do.
  const said = await pushWithConfirmation(browser, "Push 7 contacts");
  assert.match(said, /^5 new Leads will be created, 1 record updated, 1 skipped\./);
  await screenshot(browser, "push-confirm");
  await (await browser.$('[data-testid="push-confirm"]')).click();
  let result = await waitForResult(browser, 60_000);
  assert.deepEqual(await counts(browser), {
    created: 5,
    updated: 1,
    unchanged: 0,
    skipped: 1,
    failed: 0,
    pending: 0,
  });
  assert.equal(await text(await result.$('[data-testid="push-result-title"]')), "Push finished");
  await screenshot(browser, "push-result");

  for (const email of NEW) {
    assert.equal(count(dataDir, `SELECT COUNT() FROM Lead WHERE Email = ${quote(email)}`), 1, email);
  }
  assert.equal(count(dataDir, `SELECT COUNT() FROM Lead WHERE Email = ${quote(KNOWN_CONTACT)}`), 0);

  // Again: every one is found unchanged (or skipped); nothing is created twice.
  await (await browser.$('[data-testid="push-dismiss"]')).click();
  const again = await pushWithConfirmation(browser, "Push 7 contacts");
  assert.equal(again, "6 already up to date, 1 skipped.");
  await (await browser.$('[data-testid="push-confirm"]')).click();
  result = await waitForResult(browser, 60_000);
  assert.deepEqual(await counts(browser), {
    created: 0,
    updated: 0,
    unchanged: 6,
    skipped: 1,
    failed: 0,
    pending: 0,
  });
  for (const email of [...NEW, KNOWN_LEAD]) {
    assert.equal(count(dataDir, `SELECT COUNT() FROM Lead WHERE Email = ${quote(email)}`), 1, email);
  }
  await (await browser.$('[aria-label="Switch to dark theme"]')).click();
  await screenshot(browser, "push-result-dark");
  await (await browser.$('[data-testid="push-preview"]')).click();
  await (await browser.$('[data-testid="plan-preview"]')).waitForDisplayed({ timeout: 30_000 });
  await screenshot(browser, "push-preview-dark");
  await (await browser.$('[data-testid="preview-close"]')).click();
  await (await browser.$('[aria-label="Switch to light theme"]')).click();
  await (await browser.$('[data-testid="push-dismiss"]')).click();
});

test("cancelling a bulk push aborts its job, and the next push sends the rest without duplicates", async () => {
  const { browser, dataDir } = app;
  await (await browser.$('[data-testid="nav-contacts"]')).click();
  const rows = Array.from(
    { length: BULK },
    (_, i) => `bulk${String(i).padStart(5, "0")}@${BULK_DOMAIN},Bulk,Visitor ${i},Bulk Co,55`,
  );
  const csv = writeFile("bulk.csv", `email,firstName,lastName,company,qualificationScore\n${rows.join("\n")}\n`);
  // Counts as the webview writes them (its locale decides the digit grouping).
  const n = (x) => browser.execute((v) => v.toLocaleString(), x);
  const all = await n(BULK);
  await importFile(browser, csv, `${all} new contacts`);

  // All 4,400 matching the search, through "select all matching".
  const search = await browser.$('[data-testid="contacts-search"]');
  await search.setValue(BULK_DOMAIN);
  const countLine = await browser.$('[data-testid="contacts-count"]');
  await browser.waitUntil(async () => (await text(countLine)) === `${all} contacts match`, { timeout: 15_000 });
  await (await browser.$('[aria-label="Select all 4400 matching contacts"]')).click();
  await browser.waitUntil(async () => (await text(countLine)) === `${all} of ${all} selected`, { timeout: 10_000 });

  const said = await pushWithConfirmation(browser, `Push ${all} contacts`);
  assert.ok(said.startsWith(`${all} new Leads will be created.`), said);
  // 4,400 records are above the 2,000 threshold: the push goes through Bulk API 2.0, and the
  // demo org holds the uploaded job unprocessed until the test releases it.
  assert.match(await text(await browser.$('[data-testid="plan-path"]')), /^Bulk API 2\.0: /);
  await demo("bulk", { hold: true });
  await (await browser.$('[data-testid="push-confirm"]')).click();
  const progressText = await browser.$('[data-testid="push-progress-text"]');
  const processing = async () =>
    (await progressText.isExisting()) && /Bulk API 2\.0: Salesforce is processing/.test(await text(progressText));
  await browser.waitUntil(processing, { timeout: 60_000, interval: 100, timeoutMsg: "the bulk job is processing" });
  await screenshot(browser, "push-progress");
  await (await browser.$('[data-testid="push-cancel"]')).click();
  await browser.waitUntil(async () => /Cancelling/.test(await text(progressText)), { timeout: 5_000 });
  const result = await waitForResult(browser, 60_000);
  assert.equal(await text(await result.$('[data-testid="push-result-title"]')), "Push cancelled");
  const first = await counts(browser);
  assert.ok(first.pending > 0, `the aborted job's contacts are left pending: ${JSON.stringify(first)}`);
  assert.equal(first.created + first.pending, BULK, JSON.stringify(first));
  assert.equal(first.failed, 0);
  await screenshot(browser, "push-cancelled");
  await demo("bulk", { hold: false });
  const like = `SELECT COUNT() FROM Lead WHERE Email LIKE '%@${BULK_DOMAIN}'`;
  assert.equal(count(dataDir, like), first.created, "the aborted job wrote nothing");

  // The next push finishes exactly the rest.
  await (await browser.$('[data-testid="push-dismiss"]')).click();
  const again = await pushWithConfirmation(browser, `Push ${all} contacts`);
  assert.ok(again.startsWith(`${await n(first.pending)} new Leads will be created`), again);
  await (await browser.$('[data-testid="push-confirm"]')).click();
  await waitForResult(browser, 120_000);
  const second = await counts(browser);
  assert.deepEqual(second, {
    created: first.pending,
    updated: 0,
    unchanged: first.created,
    skipped: 0,
    failed: 0,
    pending: 0,
  });
  assert.equal(count(dataDir, like), BULK, "every contact has exactly one Lead");
  await screenshot(browser, "push-resumed");
});
