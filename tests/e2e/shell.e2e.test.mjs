// The app shell: every screen is reachable, and values shown come from Rust over IPC.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, screenshot, startApp } from "./harness.mjs";

const cargoVersion = fs
  .readFileSync(path.join(repoRoot, "Cargo.toml"), "utf8")
  .match(/\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/)[1];

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.stop();
});

test("navigation reaches all six screens", async () => {
  const { browser } = app;
  const screens = [
    ["connect", "Connect"],
    ["mapping", "Mapping"],
    ["routing", "Routing"],
    ["contacts", "Contacts"],
    ["soql", "SOQL"],
    ["deliveries", "Deliveries"],
  ];
  for (const [id, title] of screens) {
    await (await browser.$(`[data-testid="nav-${id}"]`)).click();
    const heading = await browser.$('[data-testid="screen-title"]');
    await heading.waitUntil(async () => (await heading.getText()) === title, { timeout: 5000 });
    const current = await (await browser.$(`[data-testid="nav-${id}"]`)).getAttribute("aria-current");
    assert.equal(current, "page", `${title} is marked as the current page`);
  }
});

test("the version and data directory shown come from the Rust core", async () => {
  const { browser, dataDir } = app;
  const version = await browser.$('[data-testid="app-version"]');
  await version.waitUntil(async () => (await version.getText()) === `v${cargoVersion}`, {
    timeout: 10_000,
    timeoutMsg: `expected v${cargoVersion} from app_info`,
  });
  await (await browser.$('[data-testid="open-about"]')).click();
  const dir = await browser.$('[data-testid="about-data-dir"]');
  await dir.waitForDisplayed({ timeout: 5000 });
  assert.equal(await dir.getText(), dataDir, "the data dir the core resolved is the one we passed");
  // The core created its database in that directory: proof the store opened for real.
  assert.ok(fs.existsSync(path.join(dataDir, "leadbridge.db")));
  await screenshot(browser, "about");
  await browser.keys("Escape");
  await (await browser.$('[data-testid="nav-connect"]')).click();
  await screenshot(browser, "connect");
});
