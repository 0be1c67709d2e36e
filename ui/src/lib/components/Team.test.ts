// The Team page against a scripted backend: the rules editor (Check with a refusal that names the
// line and rule, and with "N rules, OK"; a dry-run's before → after table, rules fired and
// examples; Save as a new version), the playbook saved with a refusal, the identity review queue
// (Accept and Reject remove the row, Undo calls undo_identity, merging customers), the Team tab in
// the top bar, and hostile handles, names and subjects shown as text.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import ConfigEditor from './ConfigEditor.svelte';
import IdentityQueue from './IdentityQueue.svelte';
import Desk from './Desk.svelte';
import Team from './Team.svelte';
import { backend, pagedInbox, workspace, type Handler } from '../../test/fake';
import { configProblem, type ConfigText, type DryRun, type IdentityEntry, type LinkSuggestion } from '../team_api';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => cleanup());

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';
const RULES = '[[rule]]\nname = "Legal threat"\nwhen = { text = \'lawyer\' }\nthen = [{ route = "legal" }]\n';
const calls = (mock: ReturnType<typeof vi.fn>, cmd: string) => mock.mock.calls.filter((c) => c[0] === cmd);

function config(kind: ConfigText['kind'], text = RULES, over: Partial<ConfigText> = {}): ConfigText {
  return { kind, text, version: 3, saved_by: 'ana', saved_at: Date.now() - 2 * 3600_000, ...over };
}

function suggestion(id: number, over: Partial<LinkSuggestion> = {}): LinkSuggestion {
  return {
    id,
    author_id: 100 + id,
    channel: 'x',
    handle: `user${id}`,
    display_name: `User ${id}`,
    followers: 1200,
    customer_id: 40 + id,
    customer_name: `Customer ${id}`,
    evidence: 'same name',
    score: 0.8,
    status: 'pending',
    ...over,
  };
}

function entry(id: number, over: Partial<IdentityEntry> = {}): IdentityEntry {
  return { id, at: Date.now() - 60_000 * id, actor: 'ana', action: 'link', summary: `linked to customer ${id}`, undone: false, ...over };
}

const RUN: DryRun = {
  cases: 312,
  changed: 57,
  per_department: [
    { department: '(unrouted)', before: 48, after: 3 },
    { department: 'legal', before: 4, after: 12 },
    { department: 'pr', before: 9, after: 9 },
  ],
  rules_fired: [
    ['Legal threat', 8],
    ['Never fires', 0],
  ],
  examples: [
    { case_id: 1042, subject: `my solicitor ${EVIL}`, rules: ['Legal threat'], actions: ['Legal threat: route to legal'], department_before: null, department_after: 'legal' },
  ],
};

function editor(kind: ConfigText['kind'], handlers: Record<string, Handler> = {}) {
  const mock = backend(invoke, { team_config_text: ({ kind: k }) => config(k), ...handlers });
  render(ConfigEditor, { props: { kind, title: kind } });
  return mock;
}

describe('configuration editor', () => {
  it('shows the file in force and its version', async () => {
    const mock = editor('rules');
    const area = (await screen.findByTestId('config-text-rules')) as HTMLTextAreaElement;
    expect(mock).toHaveBeenCalledWith('team_config_text', { kind: 'rules' });
    expect(area.value).toBe(RULES);
    expect(screen.getByTestId('config-version').textContent).toMatch(/Version 3 · saved by ana · 2h ago/);
  });

  it('says when the defaults are in force', async () => {
    editor('sla', { team_config_text: () => config('sla', 'default = "standard"\n', { version: null, saved_by: null, saved_at: null }) });
    await waitFor(() => expect(screen.getByTestId('config-version').textContent).toContain('Defaults'));
  });

  it('Check shows a refusal with its line and rule, and marks the line', async () => {
    const mock = editor('rules', {
      check_rules: () => {
        throw { code: 'invalid', message: 'rules file, line 4, column 12, rule "Legal threat": no department "lgal"' };
      },
    });
    await screen.findByTestId('config-text-rules');
    await fireEvent.click(screen.getByTestId('config-check'));
    const problem = await screen.findByTestId('config-problem');
    expect(calls(mock, 'check_rules')[0][1]).toEqual({ text: RULES });
    expect(within(problem).getByTestId('config-problem-where').textContent?.trim()).toBe('Line 4, column 12 · rule "Legal threat"');
    expect(problem.textContent).toContain('no department "lgal"');
    expect(screen.getByText('4', { selector: '.gutter .mark' })).toBeTruthy();
  });

  it('Check of a good file counts its rules', async () => {
    editor('rules', { check_rules: () => ({ rules: ['Spam', 'Legal threat', 'Everything else'] }) });
    await screen.findByTestId('config-text-rules');
    await fireEvent.click(screen.getByTestId('config-check'));
    expect((await screen.findByTestId('config-notice')).textContent).toContain('3 rules, OK');
  });

  it('a dry-run renders cases per department before → after, rules fired and examples', async () => {
    const mock = editor('rules', { dry_run_rules: () => RUN });
    await screen.findByTestId('config-text-rules');
    await fireEvent.input(screen.getByTestId('config-days'), { target: { value: '7' } });
    await fireEvent.click(screen.getByTestId('config-dry-run'));
    await screen.findByTestId('dry-run');
    expect(calls(mock, 'dry_run_rules')[0][1]).toEqual({ text: RULES, sinceDays: 7 });
    expect(screen.getByTestId('dry-summary').textContent).toMatch(/312 cases.*last 7 days.*57.*would change/s);
    const rows = screen.getAllByTestId('dry-department').map((r) => Array.from(r.children).map((c) => c.textContent?.trim()));
    expect(rows).toEqual([
      ['(unrouted)', '48', '3', '−45'],
      ['legal', '4', '12', '+8'],
      ['pr', '9', '9', '—'],
    ]);
    const fired = screen.getAllByTestId('dry-rule');
    expect(fired.map((f) => f.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['Legal threat 8', 'Never fires 0']);
    const ex = screen.getByTestId('dry-example');
    expect(ex.textContent).toContain('#1042');
    expect(within(ex).getByTestId('dry-example-route').textContent).toBe('(unrouted) → legal');
    // The subject is text: no element was made from it.
    expect(ex.querySelector('img, b')).toBeNull();
    expect(ex.textContent).toContain(EVIL);
  });

  it('a refused dry-run shows why and no stale table', async () => {
    editor('rules', {
      dry_run_rules: () => {
        throw { code: 'invalid', message: 'rules file, line 2, column 8: unterminated string' };
      },
    });
    await screen.findByTestId('config-text-rules');
    await fireEvent.click(screen.getByTestId('config-dry-run'));
    expect((await screen.findByTestId('config-problem-where')).textContent?.trim()).toBe('Line 2, column 8');
    expect(screen.queryByTestId('dry-run')).toBeNull();
  });

  it('Save stores an edited file as the next version and says who and when', async () => {
    const mock = editor('rules', { save_team_config: ({ kind }) => ({ kind, version: 4, saved_by: 'ana', saved_at: Date.now() }) });
    const area = await screen.findByTestId('config-text-rules');
    expect((screen.getByTestId('config-save') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(area, { target: { value: RULES + '\n# reviewed\n' } });
    expect(screen.getByTestId('config-dirty')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('config-save'));
    expect((await screen.findByTestId('config-notice')).textContent).toContain('Saved as version 4 by ana');
    expect(calls(mock, 'save_team_config')[0][1]).toEqual({ kind: 'rules', text: RULES + '\n# reviewed\n' });
    expect(screen.getByTestId('config-version').textContent).toMatch(/Version 4 · saved by ana · just now/);
    expect(screen.queryByTestId('config-dirty')).toBeNull();
  });

  it('the playbook has no Check or dry-run; a refused save names the template', async () => {
    editor('playbook', {
      save_team_config: () => {
        throw { code: 'invalid', message: 'the rules in force would break: rules file, rule "Outage": no template "outage-update"' };
      },
    });
    const area = await screen.findByTestId('config-text-playbook');
    expect(screen.queryByTestId('config-check')).toBeNull();
    expect(screen.queryByTestId('config-dry-run')).toBeNull();
    await fireEvent.input(area, { target: { value: '[[template]]\n' } });
    await fireEvent.click(screen.getByTestId('config-save'));
    const problem = await screen.findByTestId('config-problem');
    expect(within(problem).getByTestId('config-problem-where').textContent?.trim()).toBe('rule "Outage"');
    expect(problem.textContent).toContain('the rules in force would break: no template "outage-update"');
  });

  it('alert thresholds load and save like the other files; a refusal is shown in words', async () => {
    const THRESHOLDS = 'min_count = 12\ncooldown_hours = 6\n';
    let refuse = true;
    const mock = editor('alerts', {
      team_config_text: ({ kind }) => config(kind as ConfigText['kind'], THRESHOLDS, { version: null, saved_by: null, saved_at: null }),
      save_team_config: ({ kind }) => {
        if (refuse) throw { code: 'invalid', message: 'alert thresholds: min_count must be at least 1' };
        return { kind, version: 1, saved_by: 'ana', saved_at: Date.now() };
      },
    });
    const area = (await screen.findByTestId('config-text-alerts')) as HTMLTextAreaElement;
    expect(area.value).toBe(THRESHOLDS);
    expect(screen.queryByTestId('config-dry-run')).toBeNull();
    await fireEvent.input(area, { target: { value: 'min_count = 0\n' } });
    await fireEvent.click(screen.getByTestId('config-save'));
    expect((await screen.findByTestId('config-problem')).textContent).toContain('min_count must be at least 1');
    refuse = false;
    await fireEvent.input(area, { target: { value: 'min_count = 20\n' } });
    await fireEvent.click(screen.getByTestId('config-save'));
    expect((await screen.findByTestId('config-notice')).textContent).toContain('Saved as version 1 by ana');
    expect(calls(mock, 'save_team_config').at(-1)?.[1]).toEqual({ kind: 'alerts', text: 'min_count = 20\n' });
  });
});

describe('identity review', () => {
  function queue(list: LinkSuggestion[], log: IdentityEntry[], handlers: Record<string, Handler> = {}) {
    const state = { list, log };
    const mock = backend(invoke, {
      link_suggestions: () => state.list,
      identity_log: () => state.log,
      ...handlers,
    });
    render(IdentityQueue);
    return { mock, state };
  }

  it('lists pending suggestions: handle, channel, customer, evidence and score', async () => {
    queue([suggestion(1, { score: 0.82, evidence: 'same name; email domain in the bio' }), suggestion(2, { score: 0.41 })], []);
    const rows = await screen.findAllByTestId('suggestion');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByTestId('suggestion-handle').textContent).toBe('@user1');
    expect(within(rows[0]).getByTestId('suggestion-customer').textContent).toBe('Customer 1');
    expect(within(rows[0]).getByTestId('suggestion-evidence').textContent).toBe('same name; email domain in the bio');
    expect(within(rows[0]).getByTestId('suggestion-score').textContent).toBe('82%');
    expect(within(rows[1]).getByTestId('suggestion-score').textContent).toBe('41%');
    expect(screen.getByTestId('suggestions-count').textContent).toBe('2');
  });

  it('Accept calls the command, removes the row and refreshes the log', async () => {
    const { mock, state } = queue([suggestion(1), suggestion(2)], [entry(5)], {
      accept_link_suggestion: ({ id }) => {
        state.list = state.list.filter((s) => s.id !== id);
        state.log = [entry(6, { summary: 'linked to customer Customer 1' }), ...state.log];
        return 6;
      },
    });
    const rows = await screen.findAllByTestId('suggestion');
    await fireEvent.click(within(rows[0]).getByTestId('suggestion-accept'));
    await waitFor(() => expect(screen.getAllByTestId('suggestion')).toHaveLength(1));
    expect(calls(mock, 'accept_link_suggestion')[0][1]).toEqual({ id: 1 });
    expect(within(screen.getByTestId('suggestion')).getByTestId('suggestion-handle').textContent).toBe('@user2');
    await waitFor(() => expect(screen.getAllByTestId('identity-entry')).toHaveLength(2));
    expect(screen.getByTestId('identity-notice').textContent).toBe('Linked @user1 to Customer 1.');
  });

  it('Reject calls the command and removes the row', async () => {
    const { mock } = queue([suggestion(1)], [], { reject_link_suggestion: () => null });
    const row = await screen.findByTestId('suggestion');
    await fireEvent.click(within(row).getByTestId('suggestion-reject'));
    await waitFor(() => expect(screen.queryAllByTestId('suggestion')).toHaveLength(0));
    expect(calls(mock, 'reject_link_suggestion')[0][1]).toEqual({ id: 1 });
    expect(screen.getByTestId('suggestions-empty')).toBeTruthy();
  });

  it('a refused accept keeps the row and says why', async () => {
    queue([suggestion(1)], [], {
      accept_link_suggestion: () => {
        throw { code: 'not_found', message: 'no suggestion #1' };
      },
    });
    const row = await screen.findByTestId('suggestion');
    await fireEvent.click(within(row).getByTestId('suggestion-accept'));
    expect((await screen.findByTestId('identity-error')).textContent).toBe('no suggestion #1');
    expect(screen.getAllByTestId('suggestion')).toHaveLength(1);
  });

  it('Undo calls undo_identity with the entry and shows it undone', async () => {
    const { mock, state } = queue([], [entry(7, { summary: 'merged customer S. Carter into Sam Carter', action: 'merge' }), entry(6, { undone: true })], {
      undo_identity: ({ entry: id }) => {
        state.log = state.log.map((e) => (e.id === id ? { ...e, undone: true } : e));
        return state.log.find((e) => e.id === id);
      },
    });
    const entries = await screen.findAllByTestId('identity-entry');
    // An entry already undone has no Undo button.
    expect(within(entries[1]).queryByTestId('identity-undo')).toBeNull();
    await fireEvent.click(within(entries[0]).getByTestId('identity-undo'));
    await waitFor(() => expect(screen.queryAllByTestId('identity-undo')).toHaveLength(0));
    expect(calls(mock, 'undo_identity')[0][1]).toEqual({ entry: 7 });
    expect(screen.getByTestId('identity-notice').textContent).toBe('Undone: merged customer S. Carter into Sam Carter.');
  });

  it('a refused undo says why (a later change touches the same people)', async () => {
    queue([], [entry(7)], {
      undo_identity: () => {
        throw { code: 'conflict', message: 'identity change #8 came after #7 and touches the same people: undo it first' };
      },
    });
    await fireEvent.click(await screen.findByTestId('identity-undo'));
    expect((await screen.findByTestId('identity-error')).textContent).toContain('undo it first');
  });

  it('merges a customer into the one kept, and the log shows it', async () => {
    const people = [
      { id: 41, customer_ref: 'C-1041', name: 'Dana Whitfield', emails: ['dana@example.com'], phone: null, value_tier: 'A', lifetime_value: 2400, handles: ['twitter:dana_w'], authors: 1 },
      { id: 44, customer_ref: null, name: EVIL, emails: [], phone: null, value_tier: null, lifetime_value: null, handles: [], authors: 0 },
    ];
    const { mock, state } = queue([], [], {
      customers: () => people,
      merge_customers: ({ survivor, other }) => {
        state.log = [entry(9, { action: 'merge', summary: `merged customer ${other} into ${survivor}` })];
        return 9;
      },
    });
    await fireEvent.input(await screen.findByTestId('customer-search'), { target: { value: ' dana ' } });
    await fireEvent.click(screen.getByTestId('customer-find'));
    const rows = await screen.findAllByTestId('customer');
    expect(calls(mock, 'customers')[0][1]).toEqual({ search: 'dana' });
    expect(within(rows[1]).getByTestId('customer-name').textContent).toBe(EVIL);
    expect(rows[1].querySelector('img')).toBeNull();
    // Nothing to merge into until one is kept.
    expect(screen.queryAllByTestId('customer-merge')).toHaveLength(0);
    await fireEvent.click(within(rows[0]).getByTestId('customer-keep'));
    await fireEvent.click(within(screen.getAllByTestId('customer')[1]).getByTestId('customer-merge'));
    await waitFor(() => expect(screen.getAllByTestId('customer')).toHaveLength(1));
    expect(calls(mock, 'merge_customers')[0][1]).toEqual({ survivor: 41, other: 44 });
    expect(screen.getByTestId('identity-notice').textContent).toBe(`Merged ${EVIL} into Dana Whitfield. Undo it from the log below.`);
    await waitFor(() => expect(screen.getAllByTestId('identity-entry')).toHaveLength(1));
  });

  it('hostile handles, names, evidence and summaries render as text', async () => {
    queue(
      [suggestion(1, { handle: EVIL, display_name: EVIL, customer_name: `Mallory "${EVIL}"`, evidence: EVIL })],
      [entry(3, { summary: `linked to customer ${EVIL}`, actor: EVIL })],
    );
    const row = await screen.findByTestId('suggestion');
    expect(within(row).getByTestId('suggestion-handle').textContent).toBe(`@${EVIL}`);
    expect(within(row).getByTestId('suggestion-display').textContent).toBe(EVIL);
    expect(within(row).getByTestId('suggestion-customer').textContent).toBe(`Mallory "${EVIL}"`);
    expect(within(row).getByTestId('suggestion-evidence').textContent).toBe(EVIL);
    expect(screen.getByTestId('identity-summary').textContent).toBe(`linked to customer ${EVIL}`);
    const queueEl = screen.getByTestId('identity-queue');
    expect(queueEl.querySelector('img')).toBeNull();
    expect(queueEl.querySelector('b')).toBeNull();
  });
});

describe('team page', () => {
  it('shows the rules first and switches sections, keeping a draft', async () => {
    backend(invoke, {
      team_config_text: ({ kind }) => config(kind, `# ${kind}\n`),
      link_suggestions: () => [suggestion(1), suggestion(2)],
      identity_log: () => [],
    });
    render(Team);
    const rules = (await screen.findByTestId('config-text-rules')) as HTMLTextAreaElement;
    expect(rules.closest('[hidden]')).toBeNull();
    await fireEvent.input(rules, { target: { value: '# draft\n' } });
    await waitFor(() => expect(screen.getByTestId('team-pending').textContent).toBe('2'));
    await fireEvent.click(screen.getByTestId('team-nav-identity'));
    expect(screen.getByTestId('identity-queue').closest('[hidden]')).toBeNull();
    expect(rules.closest('[hidden]')).not.toBeNull();
    await fireEvent.click(screen.getByTestId('team-nav-rules'));
    expect((screen.getByTestId('config-text-rules') as HTMLTextAreaElement).value).toBe('# draft\n');
  });

  it('the identity queue reloads each time its section is shown again', async () => {
    const mock = backend(invoke, {
      team_config_text: ({ kind }) => config(kind, `# ${kind}\n`),
      link_suggestions: () => [suggestion(1)],
      identity_log: () => [],
    });
    render(Team);
    await waitFor(() => expect(calls(mock, 'link_suggestions')).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('team-nav-identity'));
    await waitFor(() => expect(calls(mock, 'link_suggestions')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('team-nav-sla'));
    await fireEvent.click(screen.getByTestId('team-nav-identity'));
    await waitFor(() => expect(calls(mock, 'link_suggestions')).toHaveLength(3));
  });
});

describe('top bar', () => {
  it('the Team tab shows the Team page; a draft survives a visit to the inbox', async () => {
    backend(invoke, {
      inbox: pagedInbox(5),
      team_config_text: ({ kind }) => config(kind, `# ${kind}\n`),
      link_suggestions: () => [],
      identity_log: () => [],
    });
    render(Desk, { props: { info: workspace() } });
    expect(screen.queryByTestId('team')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-team'));
    expect(screen.getByTestId('nav-team').getAttribute('aria-current')).toBe('page');
    const area = await screen.findByTestId('config-text-rules');
    await fireEvent.input(area, { target: { value: '# draft\n' } });
    await fireEvent.click(screen.getByTestId('nav-inbox'));
    expect(screen.getByTestId('team').closest('[hidden]')).not.toBeNull();
    await fireEvent.click(screen.getByTestId('nav-team'));
    expect(screen.getByTestId('team').closest('[hidden]')).toBeNull();
    expect((screen.getByTestId('config-text-rules') as HTMLTextAreaElement).value).toBe('# draft\n');
  });
});

describe('configProblem', () => {
  it('reads line, column and item from the backend message', () => {
    expect(configProblem('rules file, line 12, column 3, rule "Legal threat": unknown department "lgal"')).toEqual({
      line: 12,
      column: 3,
      item: 'rule "Legal threat"',
      message: 'unknown department "lgal"',
    });
    expect(configProblem('sla file, line 4: bad duration')).toEqual({ line: 4, column: null, item: null, message: 'bad duration' });
    expect(configProblem('database is locked')).toEqual({ line: null, column: null, item: null, message: 'database is locked' });
  });
});
