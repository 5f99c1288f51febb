// The Contact page in the real app on the in-process demo org: import the demo org's known
// contact, open its page from the inbox drawer, see its Salesforce records, change its
// Opportunity's stage after the before → after confirmation, and see the new stage in the
// refreshed linked records and the delivery history. The Connect screen shows the user's
// permissions table.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { screenshot, startApp } from "./harness.mjs";

const EMAIL = "o'brien@harborlight.example";

async function textOf(el) {
  return (await el.getProperty("textContent")).trim();
}

let app;
before(async () => {
  app = await startApp({ args: ["--demo-org"] });
});
after(async () => {
  await app?.stop();
});

test("the Connect screen shows what the connected user may do", async () => {
  const { browser } = app;
  const table = await browser.$('[data-testid="org-permissions"]');
  await table.waitForDisplayed({ timeout: 20_000 });
  // The cards above the table (API usage, automated delivery) load on their own after the
  // screen appears; they render their final shape while loading, so Refresh does not move
  // down. (Its x follows its own label, "Reading…" then "Refresh", at the card's right edge.)
  const refresh = await browser.$('[data-testid="permissions-refresh"]');
  const firstSeenAt = (await refresh.getLocation()).y;
  await (await browser.$('[data-testid="serve-status"]')).waitForExist({ timeout: 20_000 });
  await (await browser.$('[data-testid="api-usage-text"]')).waitForExist({ timeout: 20_000 });
  assert.equal((await refresh.getLocation()).y, firstSeenAt, "the permissions Refresh button stays put");
  const cell = await browser.$('[data-testid="perm-Opportunity-update"]');
  await cell.waitForExist({ timeout: 15_000 });
  assert.match(await textOf(cell), /Yes/);
  assert.match(await textOf(await browser.$('[data-testid="perm-Lead-create"]')), /Yes/);
  await table.scrollIntoView();
  await screenshot(browser, "detail-connect-permissions");
});

test("a contact's page changes its Opportunity's stage", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="nav-contacts"]')).click();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "leadbridge-detail-")), "obrien.json");
  fs.writeFileSync(
    file,
    JSON.stringify([
      {
        event: "lead.qualified",
        timestamp: "2026-04-05T14:30:00Z",
        lead: {
          email: EMAIL,
          firstName: "Siobhan",
          lastName: "O'Brien",
          company: "Harborlight Analytics",
          qualificationScore: 88,
          intent: "pricing",
          conversationUrl: "https://app.hoverbot.ai/conversations/hb-1",
          metadata: { budget: "50k" },
          agents: { meetingScheduledWith: "priya.nair@demo-org.example" },
        },
      },
    ]),
  );
  await (await browser.$('[data-testid="import-file"]')).addValue(file);
  const email = await browser.$('[data-testid="inbox-email"]');
  await email.waitForExist({ timeout: 15_000 });
  await email.click();
  const open = await browser.$('[data-testid="drawer-open-page"]');
  await open.waitForDisplayed({ timeout: 10_000 });
  await open.click();

  const title = await browser.$('[data-testid="contact-page-title"]');
  await title.waitUntil(async () => (await title.getText()) === "Siobhan O'Brien", { timeout: 10_000 });
  const account = await browser.$('[data-testid="linked-account"]');
  await browser.waitUntil(async () => /Harborlight Analytics/.test(await textOf(account)), {
    timeout: 20_000,
    timeoutMsg: "the linked Account appears",
  });
  const row = await browser.$('[data-testid^="opportunity-0"]');
  await row.waitForExist({ timeout: 10_000 });
  const rowId = (await row.getAttribute("data-testid")).replace("opportunity-", "");
  const stageBefore = await textOf(await row.$('[data-testid="opportunity-stage"]'));
  await screenshot(browser, "detail-contact-page");

  await (await browser.$(`[data-testid="opportunity-edit-${rowId}"]`)).click();
  const select = await browser.$('[data-testid="opportunity-stage-select"]');
  await select.waitForEnabled({ timeout: 15_000 });
  const target = stageBefore === "Negotiation/Review" ? "Proposal/Price Quote" : "Negotiation/Review";
  await select.selectByAttribute("value", target);
  await (await browser.$('[data-testid="opportunity-review"]')).click();
  const diff = await browser.$('[data-testid="diff-StageName"]');
  await diff.waitForDisplayed({ timeout: 15_000 });
  const diffText = await textOf(diff);
  assert.match(diffText, new RegExp(stageBefore.replace(/[/]/g, "\\/")));
  assert.match(diffText, new RegExp(target.replace(/[/]/g, "\\/")));
  await screenshot(browser, "detail-confirm");
  await (await browser.$('[data-testid="opportunity-confirm"]')).click();

  const done = await browser.$('[data-testid="opportunity-updated"]');
  await done.waitForDisplayed({ timeout: 15_000 });
  assert.match(await done.getText(), /HTTP 204/);
  // The refreshed linked records hold the new stage.
  await browser.waitUntil(
    async () => (await textOf(await browser.$(`[data-testid="opportunity-${rowId}"] [data-testid="opportunity-stage"]`))) === target,
    { timeout: 15_000, timeoutMsg: `the Opportunity shows ${target}` },
  );
  // And the delivery history has the update, linked into the Deliveries screen.
  const history = await browser.$('[data-testid="history-row"]');
  await history.waitForExist({ timeout: 10_000 });
  assert.match(await textOf(history), /Opportunity/);
  assert.match(await textOf(history), /succeeded/);
  await (await browser.$('[data-testid="linked-refresh"]')).click();
  await browser.waitUntil(
    async () => (await textOf(await browser.$(`[data-testid="opportunity-${rowId}"] [data-testid="opportunity-stage"]`))) === target,
    { timeout: 15_000, timeoutMsg: "Refresh keeps the new stage" },
  );
  await screenshot(browser, "detail-updated");

  await (await browser.$('[aria-label="Switch to dark theme"]')).click();
  await screenshot(browser, "detail-dark");
  await (await browser.$('[aria-label="Switch to light theme"]')).click();

  const link = await history.$("a");
  await link.click();
  const title2 = await browser.$('[data-testid="screen-title"]');
  await title2.waitUntil(async () => (await title2.getText()) === "Deliveries", { timeout: 10_000 });
  await screenshot(browser, "detail-delivery-linked");
});

test("a user without Opportunity edit sees it refused before anything is sent", async () => {
  const { browser } = app;
  // The demo org's profile switch (its control API): the connected admin loses Edit on
  // Opportunity, as an admin would change a profile in Salesforce.
  const control = async (allowed) => {
    const r = await fetch("http://127.0.0.1:8710/__demo/opportunity-edit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "dana.whitfield@demo-org.example", allowed }),
    });
    assert.equal(r.status, 200, await r.text());
  };
  await control(false);
  try {
    await (await browser.$('[data-testid="nav-connect"]')).click();
    const refresh = await browser.$('[data-testid="permissions-refresh"]');
    await refresh.waitForEnabled({ timeout: 20_000 });
    await refresh.click();
    await browser.waitUntil(
      async () => /No/.test(await textOf(await browser.$('[data-testid="perm-Opportunity-update"]'))),
      { timeout: 15_000, timeoutMsg: "the table shows Opportunity update refused" },
    );
    await (await browser.$('[data-testid="org-permissions"]')).scrollIntoView();
    await screenshot(browser, "detail-permissions-restricted");

    await browser.execute((email) => {
      window.location.hash = `#/contacts?contact=${encodeURIComponent(email)}`;
    }, EMAIL);
    const reason = await browser.$('[data-testid="opportunity-edit-reason"]');
    await reason.waitForDisplayed({ timeout: 20_000 });
    assert.match(await reason.getText(), /Opportunity\.updateable is false/);
    const edit = await browser.$('[data-testid^="opportunity-edit-0"]');
    assert.equal(await edit.isEnabled(), false);
    await screenshot(browser, "detail-restricted");
  } finally {
    await control(true);
  }
});
