// Scrolling the Deliveries table over a big log in the real webview, measured: the main-thread
// time of each scroll step while scrolling steadily and fast, and how long the rows take to
// appear after a jump.
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

// Under Xvfb, WebKitGTK hardly runs animation frames (requestAnimationFrame fired once in a
// second here), so frame intervals cannot be read from rAF. Instead each scroll step is timed
// as the main thread sees it: move the scroll position, deliver the scroll event (the
// virtualiser re-renders synchronously inside it), and force style and layout. That is the
// work a frame has to fit in 16.7 ms; painting is left out. Between steps the page yields, so
// pages of rows arriving over IPC are rendered too (and their cost shows in the wall time).

/** In the page: `steps` scroll steps of `step` px; returns each step's time and the wall time. */
function steadyScroll(steps, step, done) {
  const el = document.querySelector('[data-testid="deliveries-scroll"]');
  const times = [];
  const started = performance.now();
  let n = 0;
  const tick = () => {
    const t0 = performance.now();
    el.scrollTop += step;
    el.dispatchEvent(new Event("scroll"));
    void el.querySelector("tbody")?.offsetHeight;
    times.push(performance.now() - t0);
    if (++n < steps) setTimeout(tick, 0);
    else done({ intervals: times, wallMs: performance.now() - started, scrollTop: el.scrollTop });
  };
  tick();
}

/** In the page: jumps to `fraction` of the log; returns ms until no row is a placeholder. */
function jump(fraction, done) {
  const el = document.querySelector('[data-testid="deliveries-scroll"]');
  const started = performance.now();
  el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction;
  el.dispatchEvent(new Event("scroll"));
  const check = () => {
    const pending = el.querySelectorAll("tr.pending-row").length;
    const rows = el.querySelectorAll('[data-testid="delivery-row"]').length;
    if (rows > 0 && pending === 0) done({ ms: performance.now() - started, rows });
    else if (performance.now() - started > 20_000) done({ ms: null, rows });
    else setTimeout(check, 5);
  };
  check();
}

function summary(intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  return {
    frames: intervals.length,
    meanMs: +mean.toFixed(2),
    p50Ms: +at(0.5).toFixed(1),
    p95Ms: +at(0.95).toFixed(1),
    maxMs: +sorted[sorted.length - 1].toFixed(1),
    over16Ms: intervals.filter((i) => i > 1000 / 60).length,
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
  // Steady scrolling: 2 rows a step, 600 steps (1,200 rows, 12 pages).
  const steady = await browser.executeAsync(steadyScroll, 600, 88);
  // Fast scrolling: 40 rows a step, 300 steps (12,000 rows): far ahead of the pages arriving.
  const fast = await browser.executeAsync(steadyScroll, 300, 1760);
  const jumps = {};
  for (const f of [0.5, 0.9, 0.999, 0.1]) jumps[f] = await browser.executeAsync(jump, f);
  await screenshot(browser, "deliveries-scroll-1m");

  const figures = {
    total,
    domRowsAtRest: loaded,
    steady: { ...summary(steady.intervals), wallMs: Math.round(steady.wallMs) },
    fast: { ...summary(fast.intervals), wallMs: Math.round(fast.wallMs) },
    jumpMs: Object.fromEntries(Object.entries(jumps).map(([f, j]) => [f, j.ms && +j.ms.toFixed(0)])),
  };
  console.log(`deliveries scroll figures: ${JSON.stringify(figures, null, 2)}`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  fs.writeFileSync(path.join(screenshotDir, "deliveries-scroll.json"), JSON.stringify(figures, null, 2));

  // Only the rows on screen are in the DOM, whatever the size of the log.
  assert.ok(loaded < 80, `${loaded} rows rendered`);
  for (const [f, j] of Object.entries(jumps)) assert.ok(j.ms !== null, `rows at ${f} of the log appeared`);
  // No frame-budget assertion yet: on the 2-core CI machine under load a steady step took
  // ~90 ms (p50; React render ~65 ms, layout ~20 ms), far over 16.7 ms. Recorded, not hidden:
  // see the figures file. WebKit also caps scrollHeight at 33,554,431 px, so at 44 px a row
  // only the first ~762,000 of 1,000,000 rows are reachable by scrolling (to fix: scale
  // positions beyond the cap).
});
