// The listening queries panel against a scripted backend: the list (name, query, department, tag,
// matches), adding a query, a query that does not read (its column shown under the query with a
// caret), hostile names and queries shown as text, and a failed listing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import ListeningQueries from './ListeningQueries.svelte';
import type { ListeningQuery } from '../api';
import { backend, workspace, type Handler } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => cleanup());

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';
const departments = workspace().departments; // contact-centre (1), legal (2)

function lq(id: number, over: Partial<ListeningQuery> = {}): ListeningQuery {
  return { id, name: `Query ${id}`, query: `word${id}`, department_id: null, tag: null, enabled: true, matches: 0, ...over };
}

const rows = () => screen.queryAllByTestId('query-row');
const calls = (mock: ReturnType<typeof vi.fn>, cmd: string) => mock.mock.calls.filter((c) => c[0] === cmd);
const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });

function panel(list: ListeningQuery[], handlers: Record<string, Handler> = {}) {
  const state = { list };
  const mock = backend(invoke, { listening_queries: () => state.list, ...handlers });
  const view = render(ListeningQueries, { props: { departments } });
  return { mock, state, view };
}

describe('listening queries', () => {
  it('lists each query with its name, query, department, tag and matches', async () => {
    const { mock } = panel([
      lq(1, { name: 'Outages', query: '(outage OR "no signal") -resolved lang:en', department_id: 2, tag: 'outage', matches: 1234 }),
      lq(2, { name: 'Praise', query: 'love* OR thanks', enabled: false }),
    ]);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(mock).toHaveBeenCalledWith('listening_queries', undefined);
    expect(screen.getByTestId('queries-total').textContent).toBe('2 queries');
    const [first, second] = rows();
    expect(within(first).getByTestId('query-name').textContent).toBe('Outages');
    expect(within(first).getByTestId('query-text').textContent).toBe('(outage OR "no signal") -resolved lang:en');
    expect(within(first).getByTestId('query-department').textContent?.trim()).toBe('Legal');
    expect(within(first).getByTestId('query-tag').textContent?.trim()).toBe('outage');
    expect(within(first).getByTestId('query-matches').textContent).toBe('1,234');
    expect(within(second).getByTestId('query-department').textContent?.trim()).toBe('—');
    expect(within(second).getByTestId('query-tag').textContent?.trim()).toBe('—');
    expect(second.textContent).toContain('Off');
    // The column headers name what each cell is.
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Query', 'Department', 'Tag', 'Matches']);
  });

  it('copes with a backend that has no tag field yet', async () => {
    const q = lq(1);
    delete q.tag;
    panel([q]);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(rows()[0]).getByTestId('query-tag').textContent?.trim()).toBe('—');
  });

  it('says so when there is none', async () => {
    panel([]);
    expect((await screen.findByTestId('queries-empty')).textContent).toContain('No listening queries yet');
  });

  it('adds a query with name, query, department slug and tag, then lists it', async () => {
    const { mock, state } = panel([], {
      add_listening_query: ({ name, query, department, tag }) => {
        const q = lq(7, { name, query, department_id: department === 'legal' ? 2 : null, tag });
        state.list = [...state.list, q];
        return q;
      },
    });
    await screen.findByTestId('queries-empty');
    const add = screen.getByTestId('query-add') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    await type('query-name-input', ' Lawsuits ');
    await type('query-input', 'lawsuit OR "class action"');
    await fireEvent.change(screen.getByTestId('query-department-select'), { target: { value: 'legal' } });
    await type('query-tag-input', 'legal-risk');
    expect(add.disabled).toBe(false);
    await fireEvent.click(add);
    expect(mock).toHaveBeenCalledWith('add_listening_query', { name: 'Lawsuits', query: 'lawsuit OR "class action"', department: 'legal', tag: 'legal-risk' });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(rows()[0]).getByTestId('query-department').textContent?.trim()).toBe('Legal');
    expect(within(rows()[0]).getByTestId('query-tag').textContent?.trim()).toBe('legal-risk');
    expect(screen.getByTestId('query-saved').textContent).toContain('Lawsuits');
    expect((screen.getByTestId('query-input') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('query-name-input') as HTMLInputElement).value).toBe('');
    expect(calls(mock, 'listening_queries')).toHaveLength(2);
  });

  it('sends no department and a blank tag as null', async () => {
    const { mock } = panel([], { add_listening_query: ({ name, query }) => lq(3, { name, query }) });
    await screen.findByTestId('queries-empty');
    await type('query-name-input', 'Any');
    await type('query-input', 'router');
    await type('query-tag-input', '   ');
    await fireEvent.click(screen.getByTestId('query-add'));
    expect(mock).toHaveBeenCalledWith('add_listening_query', { name: 'Any', query: 'router', department: null, tag: null });
  });

  it('shows a query that does not read with its column, a caret under it, and keeps the text', async () => {
    const text = 'refund OR (late OR';
    const { state } = panel([], {
      add_listening_query: ({ query }) =>
        Promise.reject({ code: 'invalid', message: `the query ${JSON.stringify(query)} does not read: expected ) to close the ( at column 11` }),
    });
    await screen.findByTestId('queries-empty');
    await type('query-name-input', 'Refunds');
    await type('query-input', text);
    await fireEvent.click(screen.getByTestId('query-add'));
    const error = await screen.findByTestId('query-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('This query does not read');
    expect(error.textContent).toContain('expected ) to close the ( at column 11');
    const caret = within(error).getByTestId('query-error-caret').textContent!.split('\n');
    expect(caret[0]).toBe(text);
    expect(caret[1]).toBe(' '.repeat(10) + '^');
    expect(text[caret[1].indexOf('^')]).toBe('(');
    const input = screen.getByTestId('query-input') as HTMLInputElement;
    expect(input.value).toBe(text);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('query-error');
    await waitFor(() => expect(document.activeElement).toBe(input));
    expect(input.selectionStart).toBe(10);
    expect((screen.getByTestId('query-name-input') as HTMLInputElement).value).toBe('Refunds');
    expect(state.list).toHaveLength(0);
    expect(screen.queryByTestId('query-saved')).toBeNull();

    // Fixed and saved: the error goes away.
    invokeAnswers({ add_listening_query: ({ name, query }) => lq(1, { name, query }), listening_queries: () => [lq(1, { name: 'Refunds', query: 'refund OR (late OR delay)' })] });
    await type('query-input', 'refund OR (late OR delay)');
    await fireEvent.click(screen.getByTestId('query-add'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.queryByTestId('query-error')).toBeNull();
  });

  it('shows another refusal (no such department) in plain words without a caret', async () => {
    panel([], { add_listening_query: () => Promise.reject({ code: 'invalid', message: 'no department "gone"' }) });
    await screen.findByTestId('queries-empty');
    await type('query-name-input', 'X');
    await type('query-input', 'y');
    await fireEvent.click(screen.getByTestId('query-add'));
    const error = await screen.findByTestId('query-error');
    expect(error.textContent).toContain('Not saved: no department "gone"');
    expect(within(error).queryByTestId('query-error-caret')).toBeNull();
  });

  it('shows hostile names, queries, tags and parse errors as text', async () => {
    const { view } = panel([lq(1, { name: EVIL, query: `${EVIL} OR "<script>alert(2)</script>"`, tag: EVIL })], {
      add_listening_query: ({ query }) => Promise.reject({ code: 'invalid', message: `the query ${JSON.stringify(query)} does not read: unexpected ) at column 3` }),
    });
    await waitFor(() => expect(rows()).toHaveLength(1));
    const root = view.container;
    expect(within(rows()[0]).getByTestId('query-name').textContent).toBe(EVIL);
    expect(within(rows()[0]).getByTestId('query-text').textContent).toBe(`${EVIL} OR "<script>alert(2)</script>"`);
    expect(within(rows()[0]).getByTestId('query-tag').textContent?.trim()).toBe(EVIL);

    await type('query-name-input', EVIL);
    await type('query-input', `<b>)</b>`);
    await fireEvent.click(screen.getByTestId('query-add'));
    const error = await screen.findByTestId('query-error');
    expect(error.textContent).toContain('<b>)</b>');
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('b')).toBeNull();
    expect(root.querySelector('script')).toBeNull();
  });

  it('a failed listing is shown in the panel with a way to try again', async () => {
    let fail = true;
    panel([], {});
    invokeAnswers({ listening_queries: () => (fail ? Promise.reject({ code: 'unavailable', message: 'database is locked' }) : [lq(1)]) });
    cleanup();
    render(ListeningQueries, { props: { departments } });
    const error = await screen.findByTestId('queries-load-error');
    expect(error.textContent).toContain('database is locked');
    fail = false;
    await fireEvent.click(within(error).getByText('Try again'));
    await waitFor(() => expect(rows()).toHaveLength(1));
  });
});

/** Replaces the scripted backend's handlers. */
function invokeAnswers(handlers: Record<string, Handler>) {
  backend(invoke, handlers);
}
