// End-to-end: two desks on one team PostgreSQL. The real app is desk A: its profile (its own
// SWITCHBOARD_CONFIG_DIR) names the team workspace, it starts signed out and shows the sign-in
// form; A signs in there as Alice. Desk B is the CLI (`switchboard --db URL`, its own profile),
// signed in as Bob. B adds a note to the case A has open → the note shows in the app without a
// reload; B claims another case → its inbox row names Bob; B says it drafts a reply on A's case →
// the case shows "e2e_bob is drafting a reply" and the inbox row its presence mark.
// Screenshots: team-signin.png, team-desk.png, team-live.png, team-settings.png in tests/e2e/artifacts/.
//
// PostgreSQL: SWITCHBOARD_TEST_PG_URL if the runner gives one (a fresh database is created on it),
// else a throwaway cluster started here with scripts/pg-throwaway.sh (port SB_E2E_PG_PORT, 55790).
// Needs the app and the CLI (see reports.test.mjs) and psql.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
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
const LIVE = Math.max(WAIT, 30_000); // a change on desk B reaching desk A (presence heartbeats every 15 s)
const CLI = path.resolve(process.env.SWITCHBOARD_E2E_CLI ?? path.join(ROOT, 'target/debug/switchboard'));
const ALICE = { handle: 'e2e_alice', name: 'Alice Lead', pass: 'alice-passphrase-1' };
const BOB = { handle: 'e2e_bob', name: 'Bob Lead', pass: 'bob-passphrase-22' };
const ADMIN_PASS = 'admin-passphrase-3';

/** A PostgreSQL server: the runner's, or a throwaway cluster of our own (stop() removes it). */
async function postgres() {
  const given = process.env.SWITCHBOARD_TEST_PG_URL;
  if (given) return { admin: given, stop: async () => {} };
  const child = spawn('bash', [path.join(ROOT, 'scripts/pg-throwaway.sh')], {
    env: { ...process.env, PG_THROWAWAY_PORT: process.env.SB_E2E_PG_PORT ?? '55790' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const admin = await new Promise((resolve, reject) => {
    const seen = (b) => {
      out += b;
      const m = out.match(/export SWITCHBOARD_TEST_PG_URL=(\S+)/);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', (b) => { out += b; });
    child.once('exit', (code) => reject(new Error(`scripts/pg-throwaway.sh exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error(`PostgreSQL did not start in 60 s: ${out}`)), 60_000);
  });
  const killGroup = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } };
  process.once('exit', killGroup);
  return {
    admin,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      killGroup();
      await gone;
      process.removeListener('exit', killGroup);
    },
  };
}

/** A fresh database on the server; its URL. */
function freshDatabase(admin) {
  const name = `sb_e2e_team_${process.pid}_${Date.now() % 1e9}`;
  execFileSync('psql', [admin, '-qAtc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  const [base, query] = admin.split('?');
  return `${base.slice(0, base.lastIndexOf('/'))}/${name}${query ? `?${query}` : ''}`;
}

test('two desks on one team PostgreSQL: sign in, a note, a claim and a drafter show live in the app', { timeout: 420_000 }, async () => {
  for (const [p, what] of [[CLI, 'the CLI (cargo build -p switchboard-cli)']]) {
    if (!fs.existsSync(p)) throw new Error(`missing ${what}: ${p}`);
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-team-'));
  const dir = (d) => { const p = path.join(home, d); fs.mkdirSync(p, { recursive: true }); return p; };
  const [dataHome, adminCfg, appCfg, bobCfg] = ['data', 'admin', 'app', 'bob'].map(dir);
  const pg = await postgres();
  let driverProc = null;
  let driver = null;
  let step = 'start';
  let failed = false;
  const say = (s) => { step = s; console.log(`[e2e] -- ${s}`); };

  /** The CLI as one desk (its own profile folder); stdin for passphrases. */
  const cli = (cfg, args, input = '') => execFileSync(CLI, args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, SWITCHBOARD_DATABASE_URL: '', SWITCHBOARD_CONFIG_DIR: cfg, XDG_DATA_HOME: dataHome },
  });

  try {
    say('the team workspace: a fresh database with the demo, two members with passphrases');
    const url = freshDatabase(pg.admin);
    console.log(`[e2e] team workspace ${url}`);
    cli(adminCfg, ['--db', url, 'demo']);
    const admin = cli(adminCfg, ['--db', url, 'whoami']).split(' ')[0];
    for (const m of [ALICE, BOB]) cli(adminCfg, ['--db', url, 'members', 'add', m.handle, '--role', 'lead', '--name', m.name]);
    cli(adminCfg, ['--db', url, 'members', 'passphrase', admin], `${ADMIN_PASS}\n`);
    for (const m of [ALICE, BOB]) cli(adminCfg, ['--db', url, 'members', 'passphrase', m.handle], `${m.pass}\n`);
    // Desk A's profile names the team workspace; desk B signs in as Bob.
    console.log(`[e2e] ${cli(appCfg, ['workspace', 'connect', url]).trim().split('\n')[0]}`);
    assert.match(cli(appCfg, ['whoami']), /^nobody/);
    console.log(`[e2e] ${cli(bobCfg, ['--db', url, 'signin', BOB.handle, '--passphrase-stdin'], `${BOB.pass}\n`).trim()}`);

    say('desk A (the app) starts signed out: the sign-in form');
    const env = { ...process.env, XDG_DATA_HOME: dataHome, SWITCHBOARD_CONFIG_DIR: appCfg, NO_AT_BRIDGE: '1' };
    delete env.SWITCHBOARD_DATABASE_URL;
    driverProc = await startDriver({ env, logFile: path.join(ARTIFACTS, 'tauri-driver-team.log') });
    driver = await openApp();
    await find(driver, 'signin-form', { timeout: FIRST_WINDOW });
    assert.match(await (await find(driver, 'settings-me')).getText(), /Nobody is signed in/);
    assert.match(await (await find(driver, 'settings-where')).getText(), /Team/i);

    say('a wrong passphrase is refused');
    await (await find(driver, 'signin-handle')).sendKeys(ALICE.handle);
    await (await find(driver, 'signin-passphrase')).sendKeys('not-alices-passphrase');
    await click(driver, 'signin-submit');
    assert.match(await (await find(driver, 'signin-error')).getText(), /wrong handle or passphrase/);
    await screenshot(driver, 'team-signin');

    say('A signs in as Alice: the desk opens on the team workspace');
    await (await find(driver, 'signin-passphrase')).sendKeys(ALICE.pass);
    await click(driver, 'signin-submit');
    await find(driver, 'inbox-row', { timeout: FIRST_WINDOW });
    await waitFor(driver, async () => (await (await find(driver, 'me-name')).getText()) === ALICE.name, 'the top bar does not name Alice');
    assert.equal((await (await find(driver, 'workspace-kind')).getText()).toLowerCase(), 'team');
    assert.match(cli(appCfg, ['whoami']), new RegExp(`^${ALICE.handle} .*signed in`), 'the app\'s profile remembers Alice');
    await noErrorBanner(driver);

    say('A opens a case');
    const rows = await findAll(driver, 'inbox-row');
    const openId = await rows[0].getAttribute('data-case-id');
    await rows[0].click();
    const view = await find(driver, 'case-view', { extra: `[data-case-id="${openId}"]` });
    await screenshot(driver, 'team-desk');

    say(`B (the CLI, Bob) adds a note to case #${openId}: it shows in the app without a reload`);
    const marker = await driver.executeScript('return (window.__sbMarker = Math.random().toString(36).slice(2))');
    const note = `From Bob's desk ${Date.now()}`;
    cli(bobCfg, ['--db', url, 'case', 'note', openId, note]);
    await waitFor(driver, async () => (await view.getAttribute('textContent')).includes(note), 'B\'s note did not reach the open case', LIVE);
    const events = await findAll(driver, 'timeline-event');
    assert.ok(events.length > 0);

    say('B claims another unassigned case: its inbox row names Bob');
    const candidates = cli(bobCfg, ['--db', url, 'export', 'cases', '--format', 'jsonl']).trim().split('\n').map((l) => JSON.parse(l));
    const shownIds = [];
    // Rows on screen (the list draws a few more below the fold).
    for (const r of (await findAll(driver, 'inbox-row')).slice(0, 6)) shownIds.push(await r.getAttribute('data-case-id'));
    const claim = candidates.find((c) => !c.assignee && String(c.case_id) !== openId && shownIds.includes(String(c.case_id)));
    assert.ok(claim, 'no unassigned case in view to claim');
    console.log(`[e2e] ${cli(bobCfg, ['--db', url, 'claim', String(claim.case_id)]).trim()}`);
    await waitFor(driver, async () => {
      const row = await driver.findElement(tid('inbox-row', `[data-case-id="${claim.case_id}"]`));
      return (await row.getAttribute('textContent')).includes(BOB.name);
    }, `the inbox row of case #${claim.case_id} does not name ${BOB.name}`, LIVE);

    say(`B says it drafts a reply on case #${openId}: the app shows it`);
    cli(bobCfg, ['--db', url, 'presence', 'draft', openId]);
    await waitFor(driver, async () => {
      const bars = await findAll(driver, 'presence-bar');
      return bars.length > 0 && (await bars[0].getAttribute('textContent')).includes(`${BOB.handle} is drafting`);
    }, 'the case does not show that Bob is drafting', LIVE);
    await waitFor(driver, async () => (await driver.findElements(tid('inbox-row', `[data-case-id="${openId}"] [data-testid="inbox-presence"]`))).length > 0,
    'the inbox row shows no presence mark for the drafted case', LIVE);
    assert.equal(await driver.executeScript('return window.__sbMarker'), marker, 'the window reloaded');
    await noErrorBanner(driver);
    await screenshot(driver, 'team-live');

    say('Settings says who is at this desk and where');
    await click(driver, 'nav-settings');
    await waitFor(driver, async () => /Alice Lead.*signed in/.test(await (await find(driver, 'settings-me')).getText()),
      'Settings does not say Alice is signed in');
    assert.match(await (await find(driver, 'settings-where')).getText(), /team/i);
    assert.equal(await (await find(driver, 'settings-team-password')).getAttribute('value'), '');
    await screenshot(driver, 'team-settings');
    await click(driver, 'nav-inbox');
    await find(driver, 'inbox-row');

    say('the desks kept their identities: the note is Bob\'s, the claim Bob\'s');
    const detail = JSON.parse(cli(bobCfg, ['--db', url, 'case', 'show', openId, '--json']));
    assert.equal(detail.events.filter((e) => e.kind === 'note').at(-1).actor, BOB.handle);
    assert.match(cli(bobCfg, ['--db', url, 'audit', 'log', '--limit', '300']), /member\.signed_in/);

    say('quit');
    await quitApp(driver, driverProc);
    driver = null;
  } catch (e) {
    failed = true;
    throw await failedAt(driver, 'team-', step, e, 50);
  } finally {
    if (driver) await driver.quit().catch(() => {});
    const left = driverProc ? appPids(driverProc.pgid) : [];
    if (driverProc) await driverProc.stop();
    await pg.stop();
    fs.rmSync(home, { recursive: true, force: true });
    if (!failed) assert.deepEqual(left, [], `app processes still running after the last session: ${left.join(' ')}`);
  }
});
