// The end-to-end harness: the real Leadbridge binary, driven through tauri-driver and
// WebKitWebDriver under Xvfb (the caller runs us inside `xvfb-run`). Each test gets a fresh
// data directory, so nothing touches the user's real app data.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");
export const screenshotDir = path.join(repoRoot, "target", "e2e-screenshots");

const APP = process.env.TAURI_APP ?? path.join(repoRoot, "target", "debug", "leadbridge-app");

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} did not open within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

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

/**
 * Starts tauri-driver and a WebDriver session on the app. Returns the browser and a `stop`
 * that ends both. `dataDir` defaults to a fresh temporary directory; `args` go to the app
 * (e.g. `["--demo-org"]` to start on the in-process demo org).
 */
export async function startApp({ dataDir, env = {}, args = [] } = {}) {
  if (!fs.existsSync(APP)) throw new Error(`app binary not found at ${APP}; build it first`);
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "leadbridge-e2e-"));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, LEADBRIDGE_DATA_DIR: dir, ...env },
  });
  // tauri-driver proxies to WebKitWebDriver on the native port: both must be up.
  await waitForPort(port, 20_000);
  await waitForPort(nativePort, 20_000).catch(() => {});
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP, args: ["--data-dir", dir, ...args] },
    },
  });
  const stop = async () => {
    await browser.deleteSession().catch(() => {});
    driver.kill();
    await endAppProcesses(dir);
  };
  return { browser, dataDir: dir, stop };
}

/** Pids of processes whose command line holds `needle` (Linux /proc). */
function pidsWith(needle) {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Ends the app started on `dataDir` if closing the session did not (a slow machine can leave
 * it running, and with it the demo org's fixed port, which the next test needs): a grace
 * period, then SIGKILL. The data directory is unique to the test, so nothing else matches.
 */
async function endAppProcesses(dataDir) {
  const needle = `--data-dir\0${dataDir}`;
  const deadline = Date.now() + 5_000;
  while (pidsWith(needle).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const pid of pidsWith(needle)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

export async function screenshot(browser, name) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}
