// Scrolling the Deliveries table over a big log in the real webview, measured: frame times
// while scrolling steadily, and how long the rows take to appear after a jump.
//
// The log is seeded outside the app, through the core's schema, by the delivery-log benchmark
// run in test mode (it writes a data directory the app can open):
//
//   LEADBRIDGE_BENCH_DB_DIR=/tmp/lb-1m LEADBRIDGE_BENCH_DELIVERIES=1000000 \
//     cargo test -p leadbridge-core --bench deliveries
//   LEADBRIDGE_E2E_DELIVERIES_DIR=/tmp/lb-1m npm test
//
// Without LEADBRIDGE_E2E_DELIVERIES_DIR the test is skipped. Figures go to stdout and to
// target/e2e-screenshots/deliveries-scroll.json.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { screenshot, screenshotDir, startApp } from "./harness.mjs";

const SEEDED = process.env.LEADBRIDGE_E2E_DELIVERIES_DIR;
const skip = SEEDED ? false : "set LEADBRIDGE_E2E_DELIVERIES_DIR to a seeded data directory (see the file's header)";

let app;
before(async () => {
  if (SEEDED) app = await startApp({ dataDir: SEEDED });
});
after(async () => {
  await app?.stop();
});

/** In the page: scrolls `frames` animation frames by `step` px each; returns frame intervals. */
function steadyScroll(frames, step, done) {
  const el = document.querySelector('[data-testid="deliveries-scroll"]');
  const intervals = [];
  let last = performance.now();
  let n = 0;
  const tick = (now) => {
    intervals.push(now - last);
    last = now;
    el.scrollTop += step;
    if (++n < frames) requestAnimationFrame(tick);
    else done({ intervals, scrollTop: el.scrollTop });
  };
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(tick);
  });
}

/** In the page: jumps to `fraction` of the log; returns ms until no row is a placeholder. */
function jump(fraction, done) {
  const el = document.querySelector('[data-testid="deliveries-scroll"]');
  const started = performance.now();
  el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction;
  const check = () => {
    const pending = el.querySelectorAll("tr.pending-row").length;
    const rows = el.querySelectorAll('[data-testid="delivery-row"]').length;
    if (rows > 0 && pending === 0) done({ ms: performance.now() - started, rows });
    else if (performance.now() - started > 20_000) done({ ms: null, rows });
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

function summary(intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  return {
    frames: intervals.length,
    meanMs: +mean.toFixed(1),
    fps: +(1000 / mean).toFixed(1),
    p50Ms: +at(0.5).toFixed(1),
    p95Ms: +at(0.95).toFixed(1),
    maxMs: +sorted[sorted.length - 1].toFixed(1),
    over50Ms: intervals.filter((i) => i > 50).length,
  };
}

test("the deliveries table scrolls a seeded log smoothly", { skip }, async () => {
  const { browser } = app;
  await browser.setTimeout({ script: 120_000 });
  await (await browser.$('[data-testid="nav-deliveries"]')).click();
  const count = await browser.$('[data-testid="deliveries-count"]');
  await browser.waitUntil(async () => /\d/.test(await count.getText()), { timeout: 30_000 });
  const total = Number((await count.getText()).replace(/\D/g, ""));
  await (await browser.$('[data-testid="delivery-row"]')).waitForDisplayed({ timeout: 30_000 });

  const loaded = await browser.execute(() => document.querySelectorAll('[data-testid="delivery-row"]').length);
  // Steady scrolling: 2 rows a frame (120 rows a second at 60 fps) for 600 frames.
  const steady = await browser.executeAsync(steadyScroll, 600, 88);
  // Fast scrolling: 40 rows a frame, far faster than pages can arrive.
  const fast = await browser.executeAsync(steadyScroll, 300, 1760);
  const jumps = {};
  for (const f of [0.5, 0.9, 0.999, 0.1]) jumps[f] = await browser.executeAsync(jump, f);
  await screenshot(browser, "deliveries-scroll-1m");

  const figures = {
    total,
    domRowsAtRest: loaded,
    steady: summary(steady.intervals),
    fast: summary(fast.intervals),
    jumpMs: Object.fromEntries(Object.entries(jumps).map(([f, j]) => [f, j.ms && +j.ms.toFixed(0)])),
  };
  console.log(`deliveries scroll figures: ${JSON.stringify(figures, null, 2)}`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  fs.writeFileSync(path.join(screenshotDir, "deliveries-scroll.json"), JSON.stringify(figures, null, 2));

  // Only the rows on screen are in the DOM, whatever the size of the log.
  assert.ok(loaded < 80, `${loaded} rows rendered`);
  for (const [f, j] of Object.entries(jumps)) assert.ok(j.ms !== null, `rows at ${f} of the log appeared`);
});
