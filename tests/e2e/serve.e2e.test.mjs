// Automated delivery in the real app: the admin turns the webhook receiver on from the
// Connect screen (listen address and a write-only secret), a chat platform (this test, with
// node's crypto) posts a signed lead.qualified event, and the contact is delivered to the
// in-process demo org: the panel's status counts it and the Deliveries screen lists it with
// trigger "webhook". An unsigned post is refused and counted.
//
// The mapping's criteria are set through the CLI (`mapping export` / `mapping import`)
// against the same data directory: integration on, no wait for the conversation to close.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, screenshot, startApp } from "./harness.mjs";

const CLI = process.env.LEADBRIDGE_BIN ?? path.join(repoRoot, "target", "debug", "leadbridge");
const SECRET = "whsec_e2e_5f2b";
const EMAIL = "webhook.visitor@e2e.example";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

function cli(dataDir, args) {
  const out = spawnSync(CLI, ["--data-dir", dataDir, ...args], { encoding: "utf8" });
  assert.equal(out.status, 0, `leadbridge ${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
}

async function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

async function textOf(browser, id) {
  return (await (await byTestId(browser, id)).getText()).trim();
}

let app;
before(async () => {
  assert.ok(fs.existsSync(CLI), `the leadbridge CLI is not built at ${CLI}`);
  app = await startApp({ args: ["--demo-org"] });
});
after(async () => {
  if (app) await screenshot(app.browser, "serve-last").catch(() => {});
  await app?.stop();
});

test("switch on, post a signed event, see it delivered with trigger webhook", async () => {
  const { browser, dataDir } = app;
  const exported = path.join(dataDir, "mapping.json");
  cli(dataDir, ["mapping", "export", exported]);
  const doc = JSON.parse(fs.readFileSync(exported, "utf8"));
  doc.criteria = { ...doc.criteria, integrationOn: true, requireConversationClosed: false, syncDelayMinutes: 0 };
  fs.writeFileSync(exported, JSON.stringify(doc, null, 2));
  cli(dataDir, ["mapping", "import", exported]);

  await (await byTestId(browser, "nav-connect")).click();
  const panel = await byTestId(browser, "automated-delivery");
  await panel.waitForDisplayed({ timeout: 20_000 });
  await panel.scrollIntoView();
  assert.equal(await textOf(browser, "serve-url"), "Not listening");

  const port = await freePort();
  const listen = await byTestId(browser, "serve-listen");
  await listen.clearValue();
  await listen.setValue(`127.0.0.1:${port}`);
  await (await byTestId(browser, "serve-secret")).setValue(SECRET);
  await (await byTestId(browser, "serve-switch")).click();
  const url = `http://127.0.0.1:${port}/webhooks/lead-events`;
  await browser.waitUntil(async () => (await textOf(browser, "serve-url")) === url, {
    timeout: 15_000,
    timeoutMsg: "the receiver did not start",
  });
  // The secret went to the keyring; the field is empty again and the page never shows it.
  assert.equal(await (await byTestId(browser, "serve-secret")).getValue(), "");
  assert.ok(!(await browser.getPageSource()).includes(SECRET));

  const unsigned = await fetch(url, { method: "POST", body: "{}" });
  assert.equal(unsigned.status, 401);
  assert.equal((await unsigned.json()).error, "UNSIGNED");

  const body = JSON.stringify({
    event: "lead.qualified",
    timestamp: "2026-04-05T14:30:00Z",
    workspaceId: "ws_abc123",
    conversationId: "conv_e2e",
    data: {
      email: EMAIL,
      firstName: "Webhook",
      lastName: "Visitor",
      company: "E2E Co",
      qualificationScore: 82,
      intent: "product_demo",
      conversationUrl: "https://app.hoverbot.ai/conversations/conv_e2e",
    },
  });
  const signature = `sha256=${crypto.createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature-256": signature },
    body,
  });
  assert.equal(res.status, 202, await res.text());

  await browser.waitUntil(async () => (await textOf(browser, "serve-deliveries")).includes("1 delivered"), {
    timeout: 30_000,
    timeoutMsg: "the event was not delivered",
  });
  assert.equal(await textOf(browser, "serve-events"), "2 received · 1 accepted · 1 rejected");
  assert.match(await textOf(browser, "serve-last-rejection"), /UNSIGNED/);
  await panel.scrollIntoView();
  await screenshot(browser, "serve-panel-delivered");

  await (await byTestId(browser, "nav-deliveries")).click();
  const row = await browser.$('[data-testid="delivery-row"]');
  await row.waitForDisplayed({ timeout: 15_000 });
  // Rows fill in as their page arrives from the core: wait for ours.
  let texts = [];
  const ourRow = async () => {
    const rows = await browser.$$('[data-testid="delivery-row"]');
    texts = await rows.map(async (r) => (await r.getProperty("textContent")).trim());
    return texts.find((t) => t.includes(EMAIL));
  };
  await browser.waitUntil(ourRow, { timeout: 15_000 }).catch(() => {});
  const ours = texts.find((t) => t.includes(EMAIL));
  assert.ok(ours, `no delivery row for ${EMAIL}: ${texts.join(" | ")}`);
  assert.match(ours, /webhook/);
  await screenshot(browser, "serve-deliveries-webhook");

  // The contact says it was delivered.
  await (await byTestId(browser, "nav-contacts")).click();
  const email = await browser.$('[data-testid="inbox-email"]');
  // The inbox row fills in when its page arrives from the core.
  await browser.waitUntil(async () => (await email.isExisting()) && (await email.getProperty("textContent")).trim() === EMAIL, {
    timeout: 15_000,
    timeoutMsg: `the inbox shows ${EMAIL}`,
  }).catch(async (e) => {
    await screenshot(browser, "serve-inbox-failure");
    const shown = (await email.isExisting()) ? await email.getProperty("textContent") : "(no row)";
    throw new Error(`${e.message}; it shows: ${shown}`);
  });
  await email.click();
  await (await byTestId(browser, "contact-drawer")).waitForDisplayed({ timeout: 10_000 });
  const note = await byTestId(browser, "pending-reason");
  await note.scrollIntoView();
  await note.waitForDisplayed({ timeout: 15_000 });
  assert.equal((await note.getProperty("textContent")).trim(), "Delivered");
  await screenshot(browser, "serve-contact-drawer");
});
