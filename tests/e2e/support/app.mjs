// Drives the real Switchboard desktop binary through tauri-driver (WebDriver
// in front of WebKitWebDriver). The app inherits its environment from
// tauri-driver, so data folders are chosen when the driver starts.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder, By, Capabilities, Select, until, error as wdError } from 'selenium-webdriver';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../..');
export const APP = path.resolve(process.env.SWITCHBOARD_E2E_APP ?? path.join(ROOT, 'target/debug/switchboard-desktop'));
export const TAURI_DRIVER = process.env.TAURI_DRIVER ?? path.join(ROOT, '.tools/bin/tauri-driver');
export const NATIVE_DRIVER = process.env.NATIVE_DRIVER ?? '/usr/bin/WebKitWebDriver';
export const ARTIFACTS = path.resolve(here, '..', 'artifacts');
export const PORT = Number(process.env.TAURI_DRIVER_PORT ?? 4444);
export const NATIVE_PORT = Number(process.env.TAURI_DRIVER_NATIVE_PORT ?? PORT + 1);

/** Default time for one UI expectation; the first window gets longer. */
export const WAIT = Number(process.env.SWITCHBOARD_E2E_WAIT_MS ?? 20_000);

const log = (...a) => console.log('[e2e]', ...a);

function portAnswers(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Resolves when fn() is truthy, polling every `every` ms; rejects after `ms`. */
async function poll(fn, ms, what, every = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Starts tauri-driver with `env` and waits until it answers WebDriver /status. */
export async function startDriver({ env, logFile }) {
  for (const [p, what] of [[APP, 'the app binary (cargo build -p switchboard-desktop --features custom-protocol)'],
    [TAURI_DRIVER, 'tauri-driver (scripts/setup.sh installs it)'], [NATIVE_DRIVER, 'WebKitWebDriver (Debian package webkit2gtk-driver)']]) {
    if (!fs.existsSync(p)) throw new Error(`missing ${what}: ${p}`);
  }
  for (const p of [PORT, NATIVE_PORT]) {
    if (await portAnswers(p)) throw new Error(`something already listens on 127.0.0.1:${p}; set TAURI_DRIVER_PORT`);
  }
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'w');
  // Its own process group, so stop() also ends WebKitWebDriver and the app.
  const child = spawn(TAURI_DRIVER, ['--port', String(PORT), '--native-port', String(NATIVE_PORT),
    '--native-driver', NATIVE_DRIVER], { env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exited = null;
  const killGroup = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  // If this process is stopped (Ctrl-C, a CI timeout), take the driver's group along.
  const onSignal = (sig) => { killGroup(); process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15)); };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, onSignal);
  process.once('exit', killGroup);
  // scripts/test.sh also ends this group from its cleanup when it is told where.
  if (process.env.SB_E2E_DRIVER_PIDFILE) fs.writeFileSync(process.env.SB_E2E_DRIVER_PIDFILE, `${child.pid}\n`);
  child.once('exit', (code, signal) => { exited = { code, signal }; });
  const started = Date.now();
  await poll(async () => {
    if (exited) throw new Error(`tauri-driver exited (${JSON.stringify(exited)}); see ${logFile}`);
    try {
      // tauri-driver answers before WebKitWebDriver behind it does: wait for a ready status.
      const r = await fetch(`http://127.0.0.1:${PORT}/status`, { signal: AbortSignal.timeout(1000) });
      if (!r.ok) return false;
      const body = await r.json().catch(() => ({}));
      return body?.value?.ready !== false;
    } catch { return false; }
  }, 20_000, 'tauri-driver to answer');
  log(`tauri-driver ready on :${PORT} in ${Date.now() - started} ms (log: ${path.relative(ROOT, logFile)})`);

  return {
    pgid: child.pid,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await gone;
      clearTimeout(t);
      // WebKitWebDriver or the app may linger a moment after their parent.
      killGroup();
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeListener(sig, onSignal);
      process.removeListener('exit', killGroup);
    },
  };
}

/** Opens a WebDriver session: tauri-driver starts a fresh app process. */
export async function openApp() {
  const caps = new Capabilities();
  caps.setBrowserName('wry');
  caps.set('tauri:options', { application: APP });
  const started = Date.now();
  const driver = await new Builder().withCapabilities(caps).usingServer(`http://127.0.0.1:${PORT}/`).build();
  log(`session opened in ${Date.now() - started} ms`);
  return driver;
}

/** PIDs of running (not zombie) app processes in process group `pgid` (tauri-driver's). */
export function appPids(pgid) {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || Number(pgrp) !== pgid) continue;
      const exe = fs.readlinkSync(`/proc/${d}/exe`).replace(/ \(deleted\)$/, '');
      if (exe === APP) pids.push(Number(d));
    } catch { /* gone, or not ours */ }
  }
  return pids;
}

/** Ends the session (the app closes) and waits until the app process is gone. */
export async function quitApp(driver, tauriDriver) {
  await driver.quit();
  await poll(() => appPids(tauriDriver.pgid).length === 0, 15_000, 'the app process to exit after the session ended');
}

// ---- finding things ---------------------------------------------------------

export const tid = (id, extra = '') => By.css(`[data-testid="${id}"]${extra}`);

export async function find(driver, id, { extra = '', timeout = WAIT } = {}) {
  const el = await driver.wait(until.elementLocated(tid(id, extra)), timeout,
    `no element [data-testid="${id}"]${extra} within ${timeout} ms`);
  await driver.wait(until.elementIsVisible(el), timeout, `[data-testid="${id}"]${extra} is not visible`);
  return el;
}

export const findAll = (driver, id, extra = '') => driver.findElements(tid(id, extra));

const retryable = (e) => e instanceof wdError.StaleElementReferenceError
  || e instanceof wdError.ElementNotInteractableError
  || e instanceof wdError.ElementClickInterceptedError
  || e instanceof wdError.NoSuchElementError;

/** Waits until `fn` returns a truthy value; stale elements (re-rendered) are retried. */
export async function waitFor(driver, fn, message, timeout = WAIT) {
  return driver.wait(async () => {
    try { return await fn(); } catch (e) { if (retryable(e)) return false; throw e; }
  }, timeout, message);
}

/** Clicks the element (re-finding it if the UI re-rendered it meanwhile). */
export async function click(driver, id, { extra = '', timeout = WAIT } = {}) {
  await find(driver, id, { extra, timeout });
  await waitFor(driver, async () => {
    const el = await driver.findElement(tid(id, extra));
    if (!(await el.isEnabled())) return false;
    await el.click();
    return true;
  },
    `could not click [data-testid="${id}"]${extra}`, timeout);
}

/** Chooses an <option> by value in the select with this test id, as a person would (a click). */
export async function choose(driver, id, value) {
  await find(driver, id);
  await waitFor(driver, async () => {
    const el = await driver.findElement(tid(id));
    if (!(await el.isEnabled())) return false;
    try {
      await new Select(el).selectByValue(String(value));
    } catch (e) {
      if (/Cannot locate option/.test(e.message)) return false; // options not there (yet)
      throw e;
    }
    return true;
  }, `could not choose "${value}" in [data-testid="${id}"]`);
  await waitFor(driver, async () => (await driver.findElement(tid(id)).getAttribute('value')) === String(value),
    `[data-testid="${id}"] did not take the value "${value}"`);
}

/** Fails with the banner's text if the UI shows an error. */
export async function noErrorBanner(driver) {
  for (const b of await findAll(driver, 'error-banner')) {
    if (await b.isDisplayed()) throw new Error(`the app shows an error: ${await b.getText()}`);
  }
}

export async function optionValues(driver, id) {
  const el = await find(driver, id);
  const opts = await el.findElements(By.css('option'));
  return Promise.all(opts.map((o) => o.getAttribute('value')));
}

/** The number of cases that inbox-total reports, e.g. "30 cases" -> 30. */
export async function inboxTotal(driver) {
  const text = await (await find(driver, 'inbox-total')).getText();
  const m = text.match(/(\d[\d,\u202f\u00a0 ]*)\s*cases?\b/i) ?? text.match(/\d[\d,]*/);
  if (!m) return null;
  return Number((m[1] ?? m[0]).replace(/[^\d]/g, ''));
}

// ---- artifacts ----------------------------------------------------------------

export async function screenshot(driver, name) {
  try {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    fs.writeFileSync(file, Buffer.from(await driver.takeScreenshot(), 'base64'));
    log(`screenshot: ${path.relative(ROOT, file)}`);
  } catch (e) {
    log(`screenshot ${name} failed: ${e.message}`);
  }
}

export async function pageSource(driver, name) {
  try {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.html`);
    fs.writeFileSync(file, await driver.getPageSource());
    log(`page source: ${path.relative(ROOT, file)}`);
  } catch (e) {
    log(`page source ${name} failed: ${e.message}`);
  }
}

/** A test failed at `step`: says where, keeps a screenshot and the page source named after the
 *  step (`failure-PREFIX…`), and returns the error with the step in its message, to rethrow. */
export async function failedAt(driver, prefix, step, e, longest = 60) {
  console.log(`[e2e] FAILED at step: ${step}`);
  if (driver) {
    const name = `failure-${prefix}${step.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, longest)}`;
    await screenshot(driver, name);
    await pageSource(driver, name);
  }
  e.message = `[step: ${step}] ${e.message}`;
  return e;
}
