// End-to-end: Reports and the executive board in the real desktop app. On a fresh data folder it
// loads the demo, opens Reports and checks the headline numbers and that every chart drew on its
// canvas, lists the cases behind a number and opens one in the inbox, then opens the Board. Then
// the desk is switched to an executive member with the CLI (`switchboard members add ... --role
// executive`, `switchboard desk as ...`), the app restarted, and the board must show no author
// handle or name, no member name and no post text. Screenshots: reports.png, board.png,
// board-executive.png in tests/e2e/artifacts/.
//
// Needs the app (cargo build -p switchboard-desktop --features custom-protocol) and the CLI
// (cargo build -p switchboard-cli; SWITCHBOARD_E2E_CLI to point elsewhere).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import {
  failedAt,
  ARTIFACTS, ROOT, WAIT, appPids, click, find, findAll, noErrorBanner, openApp, quitApp, screenshot,
  startDriver, tid, waitFor,
} from './support/app.mjs';

const FIRST_WINDOW = Math.max(WAIT, 60_000);
const CLI = path.resolve(process.env.SWITCHBOARD_E2E_CLI ?? path.join(ROOT, 'target/debug/switchboard'));
const REPORT_CHARTS = ['chart-trend', 'chart-sentiment', 'chart-sla', 'chart-departments', 'chart-topics'];
const BOARD_CHARTS = ['board-chart-volume', 'board-chart-sentiment', 'board-chart-departments', 'board-chart-topics'];
const EXEC = { handle: 'e2e_exec', name: 'Evelyn Boardroom' };

/** Size of the chart's canvas and how many of its pixels are drawn (not transparent). */
async function chartPixels(driver, id) {
  return driver.executeScript(`
    const c = document.querySelector('[data-testid="${id}"] canvas');
    if (!c || c.width === 0 || c.height === 0) return { w: c ? c.width : 0, h: c ? c.height : 0, drawn: 0 };
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) drawn++;
    return { w: c.width, h: c.height, drawn };`);
}

async function chartsDrawn(driver, ids) {
  for (const id of ids) {
    await find(driver, id);
    const px = await waitFor(driver, async () => {
      const p = await chartPixels(driver, id);
      return p.w > 0 && p.h > 0 && p.drawn > 200 ? p : false;
    }, `chart ${id} did not draw on its canvas`);
    console.log(`[e2e] ${id}: ${px.w}x${px.h}, ${px.drawn} pixels drawn`);
  }
}

const text = async (driver, id) => (await (await find(driver, id)).getAttribute('textContent')).trim();
const number = (s) => Number(s.replace(/[^\d]/g, ''));

const HOUR = 3_600_000;

/** A twcs CSV: five quiet days (three customer tweets an hour to @LumenHelp, each answered) and,
 *  yesterday afternoon, a burst of 40 angry tweets in one hour, one of them hostile markup.
 *  Returns the CSV and the handles and texts that must never reach an executive's board. */
function twcsWithBurst(now) {
  const day = (t) => new Date(t).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 +0000 $4');
  const rows = ['tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id'];
  const personal = [];
  let id = 900000;
  const start = Math.floor(now / HOUR) * HOUR - 5 * 24 * HOUR;
  const burst = Math.floor(now / HOUR) * HOUR - 14 * HOUR;
  const tweet = (t, author, text, answered) => {
    const q = (v) => `"${v.replace(/"/g, '""')}"`;
    const mine = ++id;
    const reply = answered ? ++id : null;
    rows.push([mine, author, 'True', day(t), q(text), reply ?? '', ''].join(','));
    if (reply) rows.push([reply, 'LumenHelp', 'False', day(t + 20 * 60_000), q(`@${author} Sorry to hear that, we are on it.`), '', mine].join(','));
  };
  for (let h = start; h < burst + 6 * HOUR; h += HOUR) {
    for (let k = 0; k < 3; k++) tweet(h + k * 11 * 60_000, `e2equiet${(h / HOUR + k) % 50}`, `@LumenHelp question about my plan number ${k}`, true);
  }
  for (let k = 0; k < 40; k++) {
    const author = `e2eangry${k}`;
    const text = k === 0
      ? '@LumenHelp <img src=x onerror=alert(1)> terrible outage, furious, worst service ever'
      : `@LumenHelp terrible outage again, furious and angry, awful service ${k}`;
    tweet(burst + k * 60_000, author, text, false);
    personal.push(author, text.slice(11, 60));
  }
  return { csv: rows.join('\n') + '\n', personal };
}

function cli(db, ...args) {
  return execFileSync(CLI, ['--db', db, ...args], { encoding: 'utf8', env: { ...process.env, SWITCHBOARD_DATABASE_URL: '' } });
}

test('reports and the board: charts with data, drill-down to a case, an executive sees no personal details', { timeout: 300_000 }, async () => {
  for (const [p, what] of [[CLI, 'the CLI (cargo build -p switchboard-cli)']]) {
    if (!fs.existsSync(p)) throw new Error(`missing ${what}: ${p}`);
  }
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-reports-'));
  const db = `sqlite://${path.join(dataHome, 'switchboard', 'switchboard.db')}`;
  // HOME too: "Export CSV" saves into the Downloads folder, else the home folder.
  const env = { ...process.env, XDG_DATA_HOME: dataHome, HOME: dataHome, NO_AT_BRIDGE: '1' };
  delete env.SWITCHBOARD_DATABASE_URL;
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const driverProc = await startDriver({ env, logFile: path.join(ARTIFACTS, 'tauri-driver-reports.log') });
  let driver = null;
  let step = 'start';
  let failed = false;
  const say = (s) => { step = s; console.log(`[e2e] -- ${s}`); };

  try {
    say('first start: load the demo');
    driver = await openApp();
    await click(driver, 'demo-button', { timeout: FIRST_WINDOW });
    await find(driver, 'inbox-row');

    say('Reports: headline numbers over all time');
    await click(driver, 'nav-reports');
    await find(driver, 'reports');
    const cases = number(await text(driver, 'headline-cases'));
    const answered = number(await text(driver, 'headline-answered'));
    assert.ok(cases > 0 && cases <= 30, `the report counts ${cases} cases for the 30-case demo`);
    assert.ok(answered <= cases, `answered ${answered} > cases ${cases}`);
    const frt = await text(driver, 'headline-median-frt');
    assert.match(frt, /^(\d+s|\d+m|\d+h \d\dm|\d+d \d+h|—)$/, `median first response reads "${frt}"`);
    assert.match(await text(driver, 'headline-sla'), /^(\d+%|—)$/);
    await noErrorBanner(driver);

    say('Reports: every chart draws on its canvas');
    await chartsDrawn(driver, REPORT_CHARTS);
    const tables = await findAll(driver, 'report-row');
    assert.ok(tables.length > 0, 'the report has no table rows');
    await screenshot(driver, 'reports');
    await driver.executeScript('document.querySelector(\'[data-testid="report-table-department"]\').scrollIntoView()');
    await screenshot(driver, 'reports-tables');

    say('Reports: "Export CSV" saves the report as the CLI writes it');
    await click(driver, 'report-export');
    const saved = await waitFor(driver, async () => {
      const t = await text(driver, 'report-notice');
      return t.startsWith('Saved ') ? t.slice('Saved '.length) : false;
    }, 'the export did not say where it saved the CSV');
    assert.ok(saved.startsWith(dataHome), `the CSV went to ${saved}, not under ${dataHome}`);
    const csvLines = fs.readFileSync(saved, 'utf8').trim().split('\n');
    assert.equal(csvLines[0], 'kind,key,label,cases,answered,median_frt_s,p90_frt_s,sla_met,sla_missed,negative,backlog');
    assert.ok(csvLines[1].startsWith(`total,,All cases,${cases},${answered},`), `the CSV's total row: ${csvLines[1]}`);

    say('Reports: the cases behind "Cases" are listed, as many as the number says');
    await click(driver, 'headline-cases');
    await find(driver, 'report-drill');
    const rows = await waitFor(driver, async () => {
      const r = await findAll(driver, 'inbox-row');
      return r.length > 0 ? r : false;
    }, 'the drill-down listed no cases');
    assert.equal(rows.length, cases, 'the drill-down lists the cases behind the number');
    // Remember what is personal in them, to look for it on the executive's board later.
    const personal = new Set();
    for (const r of rows) {
      for (const sel of ['.handle', '.name', '.subject']) {
        for (const el of await r.findElements({ css: sel })) {
          const t = (await el.getAttribute('textContent')).trim().replace(/^@/, '');
          if (t.length >= 4) personal.add(t);
        }
      }
    }
    assert.ok(personal.size > 0, 'no handles or subjects found in the drill-down rows');

    await screenshot(driver, 'reports-drill');

    say('Reports: a department row\'s count lists its cases too');
    await click(driver, 'drill-close');
    await click(driver, 'drill-cases', { extra: '' });
    await find(driver, 'report-drill');
    const caseId = await waitFor(driver, async () => {
      const r = await findAll(driver, 'inbox-row');
      return r.length > 0 ? r[0].getAttribute('data-case-id') : false;
    }, 'the slice drill-down listed no cases');

    say(`open case ${caseId} from the drill-down: the inbox shows it`);
    await (await driver.findElement(tid('inbox-row', `[data-case-id="${caseId}"]`))).click();
    await find(driver, 'case-view', { extra: `[data-case-id="${caseId}"]` });

    say('Board: big numbers and charts');
    await click(driver, 'nav-board');
    await find(driver, 'board');
    assert.match(await text(driver, 'board-open'), /^\d[\d,]*$/);
    await chartsDrawn(driver, BOARD_CHARTS);
    await screenshot(driver, 'board');

    say('Alerts tab opens');
    await click(driver, 'nav-alerts');
    await find(driver, 'alerts-page');
    await noErrorBanner(driver);

    say('Reports as printed: the print stylesheet leaves the top bar and the controls out');
    await click(driver, 'nav-reports');
    await find(driver, 'headline-cases');
    // WebDriver cannot open the print dialog: apply the @media print rules to the screen instead.
    await driver.executeScript(`
      const rules = [];
      for (const sheet of document.styleSheets) {
        for (const r of sheet.cssRules) if (r instanceof CSSMediaRule && r.media.mediaText.includes('print')) {
          for (const inner of r.cssRules) rules.push(inner.cssText);
        }
      }
      const style = document.createElement('style');
      style.textContent = rules.join('\\n');
      document.head.append(style);`);
    await waitFor(driver, async () => !(await (await driver.findElement(tid('nav-reports'))).isDisplayed()),
      'the top bar still shows under the print stylesheet');
    assert.equal(await (await driver.findElement(tid('report-export'))).isDisplayed(), false, 'the controls show in print');
    await driver.executeScript("window.dispatchEvent(new Event('beforeprint'))");
    for (const id of REPORT_CHARTS) {
      await waitFor(driver, () => driver.executeScript(`
        const img = document.querySelector('[data-testid="${id}-print"]');
        return !!img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height > 0;`),
      `chart ${id} has no printable image`);
    }
    await screenshot(driver, 'reports-print');

    say('quit; import a burst, then make the desk an executive with the CLI');
    await quitApp(driver, driverProc);
    driver = null;
    // Import a generated history with a burst (the twcs layout), then replay detection over it,
    // so the board has alerts with example posts to hide from the executive.
    const history = twcsWithBurst(Date.now());
    const csvFile = path.join(dataHome, 'burst.csv');
    fs.writeFileSync(csvFile, history.csv);
    console.log(`[e2e] ${cli(db, 'import', csvFile, '--preset', 'twcs').trim().split('\n').at(-1)}`);
    for (const p of history.personal) personal.add(p);
    cli(db, 'alerts', '--replay', '--write');
    const active = JSON.parse(cli(db, 'alerts', '--format', 'json')).filter((a) => a.status !== 'resolved');
    console.log(`[e2e] ${active.length} active alert(s) after replaying detection over the imported history`);
    for (const line of cli(db, 'members', 'list').trim().split('\n')) {
      const [, handle, name] = line.split('\t');
      if (handle !== EXEC.handle) { personal.add(handle); personal.add(name); }
    }
    // Last, as the admin still: an executive may not import (the backend refuses it).
    console.log(`[e2e] ${cli(db, 'members', 'add', EXEC.handle, '--role', 'executive', '--name', EXEC.name).trim()}`);
    console.log(`[e2e] ${cli(db, 'desk', 'as', EXEC.handle).trim()}`);

    say('restart as the executive: the board shows aggregates only');
    driver = await openApp();
    await click(driver, 'nav-board', { timeout: FIRST_WINDOW });
    const board = await find(driver, 'board');
    await chartsDrawn(driver, BOARD_CHARTS);
    assert.equal((await findAll(driver, 'board-influential')).length, 0, 'an executive sees the influential authors');
    assert.ok(active.length > 0, 'replaying detection over the imported burst raised no alert');
    await find(driver, 'alert-item');
    assert.equal((await findAll(driver, 'alert-examples')).length, 0, 'an executive sees example posts');
    const shown = await board.getAttribute('textContent');
    // Short words ("Me") would match inside ordinary text; every handle, name and subject checked is 4+ characters.
    const leaked = [...personal].filter((p) => p && p.length >= 4 && shown.includes(p));
    assert.deepEqual(leaked, [], `the executive's board shows personal details: ${leaked.join(' | ')}`);
    await screenshot(driver, 'board-executive');

    say('the Alerts tab shows an executive no example posts either');
    await click(driver, 'nav-alerts');
    await find(driver, 'alerts-page');
    await find(driver, 'alert-item');
    assert.equal((await findAll(driver, 'alert-examples')).length, 0, 'an executive sees example posts on the Alerts tab');

    say('quit');
    await quitApp(driver, driverProc);
    driver = null;
  } catch (e) {
    failed = true;
    throw await failedAt(driver, 'reports-', step, e, 50);
  } finally {
    if (driver) await driver.quit().catch(() => {});
    const left = appPids(driverProc.pgid);
    await driverProc.stop();
    fs.rmSync(dataHome, { recursive: true, force: true });
    if (!failed) assert.deepEqual(left, [], `app processes still running after the last session: ${left.join(' ')}`);
  }
});
