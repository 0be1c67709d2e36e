// End-to-end: the real desktop app, on a fresh data folder, driven as a person
// would: load the demo, see why the top case has its priority and its suggested
// reply, filter the inbox, open a case, assign it, add a note;
// on Sources connect a feed, see an account the network refuses (without its
// token), add a listening query (first with a mistake, shown with its column);
// then restart the app and find all of it still there.
//
// Run by scripts/test.sh (under Xvfb and a private D-Bus session). By hand:
//   (cd tests/e2e && npm test)     with DISPLAY set and the app built.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { By, Key, Select } from 'selenium-webdriver';

import {
  failedAt,
  APP, ARTIFACTS, ROOT, WAIT, appPids, choose, noErrorBanner, click, find, findAll, inboxTotal, openApp, optionValues,
  quitApp, screenshot, startDriver, tid, waitFor,
} from './support/app.mjs';

const FIRST_WINDOW = Math.max(WAIT, 60_000); // first start of the app: migrations, WebKit warm-up
const DEMO_CASES = 30;

test('the desk: demo workspace, filter, assign, note, and it all survives a restart', { timeout: 300_000 }, async () => {
  // A fresh data folder: the app opens $XDG_DATA_HOME/switchboard/switchboard.db.
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-data-'));
  const env = { ...process.env, XDG_DATA_HOME: dataHome, NO_AT_BRIDGE: '1' };
  delete env.SWITCHBOARD_DATABASE_URL;
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const driverProc = await startDriver({ env, logFile: path.join(ARTIFACTS, 'tauri-driver.log') });
  let driver = null;
  let step = 'start';
  const note = `E2E note ${new Date().toISOString()} #${Math.random().toString(36).slice(2, 8)}`;
  let failed = false;
  const say = (s) => { step = s; console.log(`[e2e] -- ${s}`); };

  try {
    // ---- first run: an empty workspace offers the demo ------------------------
    say('first start: the demo button shows on the empty workspace');
    driver = await openApp();
    await click(driver, 'demo-button', { timeout: FIRST_WINDOW });

    say(`the inbox fills with the ${DEMO_CASES} demo cases`);
    await find(driver, 'inbox-row');
    await waitFor(driver, async () => (await inboxTotal(driver)) === DEMO_CASES,
      `inbox-total never showed ${DEMO_CASES} cases`);
    await screenshot(driver, 'inbox');

    // ---- filter: status "open" --------------------------------------------------
    say('filter-status "open" narrows the inbox');
    await choose(driver, 'filter-status', 'open');
    const openTotal = await waitFor(driver, async () => {
      const n = await inboxTotal(driver);
      return n !== null && n < DEMO_CASES ? { n } : false;
    }, 'inbox-total did not drop below the demo total after filtering on status "open"');
    assert.ok(openTotal.n > 0, 'the demo workspace should have open cases');
    const rendered = await waitFor(driver, async () => {
      const r = await findAll(driver, 'inbox-row');
      return r.length > 0 ? r : false;
    }, 'no inbox rows after filtering on status "open"');
    assert.ok(rendered.length <= openTotal.n, `${rendered.length} rows shown for ${openTotal.n} matching cases`);

    // The list is virtualised (only rows in view are in the DOM), so walk it with
    // the keyboard: j selects the next case, Enter opens it.
    say(`every one of the ${openTotal.n} filtered cases is open (j / Enter through the list)`);
    const openIds = [];
    let previous = null;
    for (let i = 0; i < openTotal.n; i++) {
      await (await find(driver, 'inbox-list')).sendKeys('j');
      const id = await waitFor(driver, async () => {
        const sel = await findAll(driver, 'inbox-row', '[aria-selected="true"]');
        if (sel.length !== 1) return false;
        const v = await sel[0].getAttribute('data-case-id');
        return v !== previous ? v : false;
      }, `pressing j (${i + 1}. time) did not select the next inbox row`);
      previous = id;
      await (await find(driver, 'inbox-list')).sendKeys(Key.ENTER);
      await caseReady(driver, id);
      await waitFor(driver, async () => (await (await find(driver, 'case-status')).getAttribute('value')) === 'open',
        `case ${id} is listed under status "open" but its case-status is not "open"`);
      openIds.push(id);
    }
    assert.equal(new Set(openIds).size, openTotal.n, `j walked through ${openIds.join(',')}: not ${openTotal.n} distinct cases`);

    // ---- work one case --------------------------------------------------------
    const caseId = openIds[0];
    say(`open case ${caseId}`);
    await click(driver, 'inbox-row', { extra: `[data-case-id="${caseId}"]` });
    await caseReady(driver, caseId);
    await waitFor(driver, async () =>
      (await findAll(driver, 'inbox-row', `[data-case-id="${caseId}"][aria-selected="true"]`)).length === 1,
    `the row of case ${caseId} is not aria-selected="true" while its case is open`);

    say('assign it with case-assignee');
    const assignedBefore = (await findAll(driver, 'timeline-event', '[data-kind="assigned"]')).length;
    const current = await (await find(driver, 'case-assignee')).getAttribute('value');
    const members = (await optionValues(driver, 'case-assignee')).filter((v) => v !== '');
    assert.ok(members.length > 0, 'case-assignee offers no members');
    const member = members.find((v) => v !== current);
    assert.ok(member, 'case-assignee offers no member other than the current one');
    await choose(driver, 'case-assignee', member);
    await waitFor(driver, async () =>
      (await findAll(driver, 'timeline-event', '[data-kind="assigned"]')).length > assignedBefore,
    'no new timeline-event[data-kind="assigned"] after choosing an assignee');
    await caseReady(driver, caseId);

    say('add a note (the composer opens on the public reply: switch to the internal note)');
    await click(driver, 'compose-note');
    const input = await find(driver, 'note-input');
    await input.sendKeys(note);
    await click(driver, 'note-submit');
    await waitFor(driver, () => hasNote(driver, note), `no timeline-event[data-kind="note"] shows "${note}"`);
    assert.equal(await (await find(driver, 'case-assignee')).getAttribute('value'), member,
      'case-assignee lost the member after the note was added');
    await noErrorBanner(driver);
    await screenshot(driver, 'case-view');

    // ---- why a case matters and what to answer ----------------------------------
    say('the top open case shows why it has its priority and a suggested template');
    const topId = await (await find(driver, 'inbox-row')).getAttribute('data-case-id');
    await click(driver, 'inbox-row', { extra: `[data-case-id="${topId}"]` });
    await caseReady(driver, topId);
    const reasons = await waitFor(driver, async () => {
      const texts = [];
      for (const r of await findAll(driver, 'priority-reason')) texts.push((await r.getAttribute('textContent')).trim());
      return texts.length > 0 && texts.every((t) => t !== '') ? texts : false;
    }, `case ${topId} shows no priority reasons (was the demo triaged?)`);
    console.log(`[e2e]    priority reasons: ${reasons.join(' · ')}`);
    const suggestion = await find(driver, 'suggestion');
    const templateName = (await (await suggestion.findElement(tid('suggestion-name'))).getAttribute('textContent')).trim();
    const templateText = (await (await suggestion.findElement(tid('suggestion-text'))).getAttribute('textContent')).trim();
    assert.ok(templateName !== '' && templateText !== '', `case ${topId} shows an empty suggested template`);
    console.log(`[e2e]    suggested template: ${templateName}`);
    await click(driver, 'use-suggestion');
    await waitFor(driver, async () => (await (await find(driver, 'reply-input')).getAttribute('value')).trim() === templateText,
      '"Use this reply" did not put the suggested text in reply-input');

    say('a customer post shows its predicted sentiment; correcting it makes it the team\'s label');
    const chip = await find(driver, 'chip-sentiment');
    const predicted = (await chip.getAttribute('textContent')).trim();
    const corrected = predicted.startsWith('negative') ? 'positive' : 'negative';
    await chip.click();
    await new Select(await find(driver, 'correct-sentiment')).selectByValue(corrected);
    await waitFor(driver, async () => {
      const c = await findAll(driver, 'chip-sentiment');
      return c.length > 0 && (await c[0].getAttribute('textContent')).trim() === `${corrected} · labelled by you`;
    }, `the sentiment chip never showed "${corrected} · labelled by you" (it showed "${predicted}")`);
    await noErrorBanner(driver);
    await screenshot(driver, 'case-why');

    // ---- sources: a feed, a refused account, a listening query ---------------
    say('Sources: connect an RSS feed with the form and see its row');
    await click(driver, 'nav-sources');
    await find(driver, 'sources-empty');
    const feedUrl = 'http://127.0.0.1:9/e2e-reviews.rss'; // nothing listens: connecting does not fetch
    await (await find(driver, 'feed-url')).sendKeys(feedUrl);
    await (await find(driver, 'feed-name')).sendKeys('E2E reviews');
    await click(driver, 'feed-connect');
    const feedRow = await waitFor(driver, () => rowWith(driver, 'account-row', 'E2E reviews'), 'no account-row for the connected feed');
    assert.equal((await (await feedRow.findElement(tid('account-address'))).getAttribute('textContent')).trim(), feedUrl);
    await noErrorBanner(driver);

    say('Sources: a Mastodon account whose instance cannot be reached is refused in plain words, without its token');
    const token = `e2e-token-${Math.random().toString(36).slice(2)}`;
    await driver.findElement(By.css('label.option.net-mastodon')).click();
    await (await find(driver, 'account-base-url')).sendKeys('http://127.0.0.1:9'); // nothing listens there
    await (await find(driver, 'account-handle')).sendKeys('e2e');
    await (await find(driver, 'account-secret')).sendKeys(token);
    await click(driver, 'account-connect');
    const refusal = await (await find(driver, 'error-banner')).getText();
    assert.match(refusal, /Could not connect the Mastodon account: /);
    assert.ok(!refusal.includes(token), `the error shows the token: ${refusal}`);
    await waitFor(driver, async () => (await (await find(driver, 'account-secret')).getAttribute('value')) === '',
      'the token is still in account-secret after the refusal');
    assert.ok(!(await driver.getPageSource()).includes(token), 'the token is still somewhere in the page');
    assert.equal(await (await find(driver, 'account-base-url')).getAttribute('value'), 'http://127.0.0.1:9',
      'the instance address was not kept after the refusal');
    assert.equal((await findAll(driver, 'account-row')).length, 1, 'a refused account was listed');
    await click(driver, 'error-dismiss');

    say('Sources: a listening query that does not read shows its column; fixed, it is listed');
    await (await find(driver, 'query-name-input')).sendKeys('E2E outages');
    const queryInput = await find(driver, 'query-input');
    await queryInput.sendKeys('outage OR');
    await click(driver, 'query-add');
    const parseError = await (await find(driver, 'query-error')).getText();
    assert.match(parseError, /at column 8\b/);
    const department = (await optionValues(driver, 'query-department-select')).find((v) => v !== '');
    assert.ok(department, 'query-department-select offers no department');
    await choose(driver, 'query-department-select', department);
    await queryInput.sendKeys(Key.END, ' "no signal"');
    await click(driver, 'query-add');
    await waitFor(driver, () => rowWith(driver, 'query-row', 'E2E outages'), 'no query-row for the saved listening query');
    assert.equal((await findAll(driver, 'query-error')).length, 0, 'the parse error stayed after the query was saved');
    await noErrorBanner(driver);
    await screenshot(driver, 'sources');
    await click(driver, 'nav-inbox');

    // ---- restart on the same database ----------------------------------------
    say('quit the app');
    await quitApp(driver, driverProc);
    driver = null;
    const dbFile = path.join(dataHome, 'switchboard', 'switchboard.db');
    assert.ok(fs.existsSync(dbFile), `the workspace should be at ${dbFile}`);

    say('start it again: the workspace is not empty, the inbox shows');
    driver = await openApp();
    await waitFor(driver, async () => {
      if ((await findAll(driver, 'demo-button')).length) throw new Error('the demo button shows again after a restart: the workspace was lost');
      return (await findAll(driver, 'inbox-row')).length > 0;
    }, 'no inbox rows after the restart', FIRST_WINDOW);

    say(`the workspace still has the ${DEMO_CASES} cases (no filters)`);
    for (const f of ['filter-status', 'filter-department', 'filter-channel', 'filter-assignee']) {
      await choose(driver, f, '');
    }
    const search = await find(driver, 'filter-search');
    assert.equal(await search.getAttribute('value'), '', 'filter-search is not empty after a restart');
    await waitFor(driver, async () => (await inboxTotal(driver)) === DEMO_CASES,
      `after the restart inbox-total does not show ${DEMO_CASES} cases`);

    say(`case ${caseId} is found under its assignee, with its note and assigned event`);
    // The list is virtualised: narrow it to the member's open cases so the row is rendered.
    await choose(driver, 'filter-assignee', member);
    await choose(driver, 'filter-status', 'open');
    const row = `[data-case-id="${caseId}"]`;
    await click(driver, 'inbox-row', { extra: row });
    await caseReady(driver, caseId);
    await waitFor(driver, () => hasNote(driver, note), `after the restart the note "${note}" is not on the timeline`);
    await waitFor(driver, async () => (await findAll(driver, 'timeline-event', '[data-kind="assigned"]')).length > 0,
      'after the restart the timeline has no "assigned" event');
    await waitFor(driver, async () => (await (await find(driver, 'case-assignee')).getAttribute('value')) === member,
      `after the restart case-assignee is not member ${member}`);
    await noErrorBanner(driver);
    await screenshot(driver, 'case-view-after-restart');

    say('the feed and the listening query are still on Sources');
    await click(driver, 'nav-sources');
    await waitFor(driver, () => rowWith(driver, 'account-row', 'E2E reviews'), 'after the restart the feed is not listed');
    await waitFor(driver, () => rowWith(driver, 'query-row', 'E2E outages'), 'after the restart the listening query is not listed');

    say('quit');
    await quitApp(driver, driverProc);
    driver = null;
  } catch (e) {
    failed = true;
    throw await failedAt(driver, '', step, e);
  } finally {
    if (driver) await driver.quit().catch(() => {});
    const left = appPids(driverProc.pgid); // none once each session has closed its app
    await driverProc.stop();
    fs.rmSync(dataHome, { recursive: true, force: true });
    if (!failed) assert.deepEqual(left, [], `app processes still running after the last session: ${left.join(' ')}`);
  }
});

/** The case view shows case `id`, loaded and not busy with a change. */
function caseReady(driver, id) {
  return find(driver, 'case-view', { extra: `[data-case-id="${id}"][aria-busy="false"]` });
}

/** The first element with this test id whose text contains `text`, else false. Reads
 *  textContent: WebKitWebDriver's getText leaves out text in ellipsis-clipped spans. */
async function rowWith(driver, id, text) {
  for (const r of await findAll(driver, id)) {
    if ((await r.getAttribute('textContent')).includes(text)) return r;
  }
  return false;
}

async function hasNote(driver, text) {
  for (const ev of await findAll(driver, 'timeline-event', '[data-kind="note"]')) {
    if ((await ev.getText()).includes(text)) return true;
  }
  return false;
}

console.log(`[e2e] app: ${path.relative(ROOT, APP)}`);
