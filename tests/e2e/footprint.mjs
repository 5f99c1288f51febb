// Footprint measurement (not a test; scripts/footprint.sh runs it under Xvfb and a keyring):
// cold start to an interactive window, and resident memory idle and with the Deliveries
// screen open on a 1,000,000-delivery log. Prints one JSON object per run, then a summary
// with the median of each figure.
//
//   node footprint.mjs --runs 5 --deliveries-dir /tmp/lb-1m
//
// "Interactive" is the moment WebDriver finds the navigation rendered AND the version the
// Rust core sent over IPC shown: the window is painted and the UI answers. The clock starts
// just before the WebDriver session is requested, which is what launches the app, so the
// figure includes WebKitWebDriver's own (small) session setup.
// Memory is the app process plus every process it started (WebKit's web and network
// processes): RSS and PSS summed from /proc/<pid>/smaps_rollup. PSS splits shared pages
// between the processes sharing them, so it is the fairer total.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { remote } from "webdriverio";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt("--runs", "5"));
const DELIVERIES_DIR = opt("--deliveries-dir", null);
const APP = process.env.TAURI_APP;
if (!APP || !fs.existsSync(APP)) throw new Error(`set TAURI_APP to the app binary (got ${APP})`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.end();
        resolve(true);
      });
      sock.once("error", () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
    await sleep(50);
  }
}

/** pid -> ppid for every process, and each pid's command line. */
function processTable() {
  const table = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      table.set(Number(entry), { ppid, cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return table;
}

/** The app processes started on `dataDir`. */
function appPids(dataDir) {
  return [...processTable()]
    .filter(([, p]) => p.cmdline[0] === APP && p.cmdline.includes(dataDir))
    .map(([pid]) => pid);
}

/** The app's process (started with our data dir) and all its descendants. */
function appProcesses(dataDir) {
  const table = processTable();
  // Exactly one: an app left over from an earlier run on the same directory would otherwise
  // be measured instead (it lingers without its web process, and looks small).
  const apps = appPids(dataDir);
  if (apps.length !== 1) throw new Error(`expected one ${APP} on ${dataDir}, found ${apps.length}`);
  const app = apps[0];
  const pids = [app];
  for (let i = 0; i < pids.length; i++) {
    for (const [pid, p] of table) if (p.ppid === pids[i]) pids.push(pid);
  }
  return pids.map((pid) => ({ pid, name: path.basename(table.get(pid).cmdline[0]) }));
}

function memory(dataDir) {
  let rssKiB = 0;
  let pssKiB = 0;
  const processes = [];
  for (const { pid, name } of appProcesses(dataDir)) {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const field = (f) => Number(rollup.match(new RegExp(`^${f}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
    rssKiB += field("Rss");
    pssKiB += field("Pss");
    processes.push(`${name}:${Math.round(field("Pss") / 1024)}`);
  }
  return { rssMiB: +(rssKiB / 1024).toFixed(1), pssMiB: +(pssKiB / 1024).toFixed(1), processes };
}

async function launch(dataDir) {
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, LEADBRIDGE_DATA_DIR: dataDir },
  });
  await waitForPort(port, 20_000);
  await waitForPort(nativePort, 20_000).catch(() => {});
  const started = performance.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP, args: ["--data-dir", dataDir] },
    },
  });
  const nav = await browser.$('[data-testid="nav-deliveries"]');
  await nav.waitForDisplayed({ timeout: 30_000, interval: 10 });
  const version = await browser.$('[data-testid="app-version"]');
  await version.waitUntil(async () => /^v\d/.test(await version.getText()), { timeout: 30_000, interval: 10 });
  const readyMs = performance.now() - started;
  const stop = async () => {
    await browser.deleteSession().catch(() => {});
    driver.kill();
    // A loaded machine can leave the app running after the session ends: a grace period,
    // then SIGKILL, and wait until it is gone so the next run measures only its own app.
    const deadline = Date.now() + 5_000;
    while (appPids(dataDir).length > 0 && Date.now() < deadline) await sleep(100);
    for (const pid of appPids(dataDir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    while (appPids(dataDir).length > 0) await sleep(100);
  };
  return { browser, readyMs, stop };
}

async function openDeliveries(browser) {
  await (await browser.$('[data-testid="nav-deliveries"]')).click();
  const row = await browser.$('[data-testid="delivery-row"]');
  await row.waitForDisplayed({ timeout: 60_000 });
  // Jump to the middle and back so pages beyond the first are fetched and rendered too.
  for (const fraction of [0.5, 0.9, 0]) {
    await browser.execute((f) => {
      const el = document.querySelector('[data-testid="deliveries-scroll"]');
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
      el.dispatchEvent(new Event("scroll"));
    }, fraction);
    await sleep(1500);
  }
  return browser.execute(() => document.querySelectorAll('[data-testid="delivery-row"]').length);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : +((s[m - 1] + s[m]) / 2).toFixed(1);
};

const runs = [];
for (let i = 0; i < RUNS; i++) {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "leadbridge-footprint-"));
  // The 1-minute load average as the run starts: on a shared machine it says how much of
  // the figure is this app and how much is everyone else's work.
  const run = { run: i + 1, load1: +os.loadavg()[0].toFixed(2) };
  const idle = await launch(fresh);
  run.coldStartMs = Math.round(idle.readyMs);
  await sleep(3000);
  run.idle = memory(fresh);
  await idle.stop();
  fs.rmSync(fresh, { recursive: true, force: true });

  if (DELIVERIES_DIR) {
    const loaded = await launch(DELIVERIES_DIR);
    run.startWith1mMs = Math.round(loaded.readyMs);
    run.rowsRendered = await openDeliveries(loaded.browser);
    await sleep(2000);
    run.deliveries1m = memory(DELIVERIES_DIR);
    await loaded.stop();
  }
  console.log(JSON.stringify(run));
  runs.push(run);
}

const loads = runs.map((r) => r.load1);
const summary = {
  runs: runs.length,
  load1: median(loads),
  load1Min: Math.min(...loads),
  load1Max: Math.max(...loads),
  coldStartMs: median(runs.map((r) => r.coldStartMs)),
  idleRssMiB: median(runs.map((r) => r.idle.rssMiB)),
  idlePssMiB: median(runs.map((r) => r.idle.pssMiB)),
};
if (DELIVERIES_DIR) {
  summary.startWith1mMs = median(runs.map((r) => r.startWith1mMs));
  summary.deliveries1mRssMiB = median(runs.map((r) => r.deliveries1m.rssMiB));
  summary.deliveries1mPssMiB = median(runs.map((r) => r.deliveries1m.pssMiB));
}
console.log(JSON.stringify({ summary }));
