// The Connect screen against the real app: "Try the demo org" starts the in-process demo org
// and signs in through the OAuth flow; the status card shows what the core stored, which the
// CLI reads back from the same data directory; Disconnect revokes and forgets the profile.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { screenshot, startApp } from "./harness.mjs";

// The CLI shares the core and the data dir: an independent view of what the app saved.
const CLI =
  process.env.LEADBRIDGE_BIN ??
  path.join(path.dirname(process.env.TAURI_APP ?? "target/debug/leadbridge-app"), "leadbridge");

function orgStatus(dataDir) {
  const out = execFileSync(CLI, ["--data-dir", dataDir, "org", "status", "--json"], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1));
}

async function textOf(browser, testId, timeout = 20_000) {
  const el = await browser.$(`[data-testid="${testId}"]`);
  await el.waitForDisplayed({ timeout });
  return el.getText();
}

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.stop();
});

test("Try the demo org connects, and the status card shows the demo org's user and org id", async () => {
  const { browser, dataDir } = app;
  const hero = await browser.$('[data-testid="demo-hero"]');
  await hero.waitForDisplayed({ timeout: 15_000 });
  assert.match(await hero.getText(), /no Salesforce account needed/);
  await screenshot(browser, "connect-empty");

  await (await hero.$('[data-testid="demo-connect"]')).click();
  const username = await textOf(browser, "org-status-username", 30_000);
  assert.equal(username, "dana.whitfield@demo-org.example", "the demo org's administrator signed in");
  const orgId = await textOf(browser, "org-status-org-id");
  assert.match(orgId, /^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/, "a Salesforce organization id");
  assert.equal(await textOf(browser, "org-status-profile"), "demo");

  const saved = orgStatus(dataDir);
  assert.equal(saved.connected, true);
  assert.equal(saved.profile, "demo");
  assert.equal(saved.username, username);
  assert.equal(saved.orgId, orgId, "the UI shows the org id the core stored");
  assert.equal(await textOf(browser, "org-status-instance"), saved.instanceUrl);

  // The API usage comes from the demo org's /limits (15,000 calls a day by default).
  const usage = await textOf(browser, "api-usage-text");
  assert.match(usage, /of 15[,.\u202f\u00a0]?000 used/);
  assert.equal(await (await browser.$('[data-testid="demo-hero"]')).isExisting(), false);
  await screenshot(browser, "connect-demo-connected");
});

test("Disconnect asks first, revokes the token and forgets the profile", async () => {
  const { browser, dataDir } = app;
  await (await browser.$('[data-testid="disconnect-demo"]')).click();
  const confirm = await browser.$('[data-testid="confirm-disconnect"]');
  await confirm.waitForDisplayed({ timeout: 5000 });
  const dialog = await browser.$("dialog");
  assert.match(await dialog.getText(), /revoke the token/);
  await screenshot(browser, "connect-disconnect-dialog");
  await confirm.click();

  const notice = await browser.$('[data-testid="connect-notice"]');
  await notice.waitUntil(async () => /^Disconnected/.test(await notice.getText()), { timeout: 10_000 });
  assert.match(await notice.getText(), /Disconnected “demo”: Salesforce revoked the token/);
  await (await browser.$('[data-testid="demo-hero"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await browser.$('[data-testid="org-profiles"]')).isExisting(), false);
  const saved = orgStatus(dataDir);
  assert.equal(saved.connected, false);
  assert.equal(saved.profile, null);
});

test("the login form shows the exact callback URL and refuses a bad port next to the field", async () => {
  const { browser } = app;
  const url = await browser.$('[data-testid="connect-callback-url"]');
  assert.equal(await url.getValue(), "http://localhost:1717/OauthRedirect");
  const port = await browser.$('[data-testid="connect-callback-port"]');
  await port.setValue("8717");
  assert.equal(await url.getValue(), "http://localhost:8717/OauthRedirect");

  // An empty client id is refused by the core before any browser opens.
  await (await browser.$('[data-testid="connect-submit"]')).click();
  const banner = await browser.$(".connect-form .error-banner");
  await banner.waitForDisplayed({ timeout: 10_000 });
  assert.match(await banner.getText(), /INVALID_INPUT/);
  const clientId = await browser.$('[data-testid="connect-client-id"]');
  assert.equal(await clientId.getAttribute("aria-invalid"), "true");
  await screenshot(browser, "connect-form-error");
});
