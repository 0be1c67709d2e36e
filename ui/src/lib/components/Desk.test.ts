// The desk against a scripted backend: paged, virtualised inbox (100k cases), filters, keyboard.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Desk from './Desk.svelte';
import { backend, detail, inboxQueries, pagedInbox, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => cleanup());

function start(total = 100000) {
  const mock = backend(invoke, {
    inbox: pagedInbox(total),
    case_detail: ({ caseId }) => detail(summary(caseId - 1)),
  });
  render(Desk, { props: { info: workspace() } });
  return mock;
}

const rows = () => screen.queryAllByTestId('inbox-row');
const selected = () => rows().filter((r) => r.getAttribute('aria-selected') === 'true');

function scrollList(top: number) {
  const list = screen.getByTestId('inbox-list');
  Object.defineProperty(list, 'scrollTop', { configurable: true, writable: true, value: top });
  fireEvent.scroll(list);
}

describe('inbox', () => {
  it('loads the first page of 100 and renders only a window of rows for 100,000 cases', async () => {
    const mock = start();
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('100,000 cases'));
    const [first] = inboxQueries(mock);
    expect(first).toEqual({
      status: null,
      department_id: null,
      unrouted: false,
      channel: null,
      assignee_id: null,
      search: null,
      needs_triage: false,
      offset: 0,
      limit: 100,
    });
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(60);
    expect(rows()[0].getAttribute('data-case-id')).toBe('1');
    expect(rows()[0].getAttribute('aria-selected')).toBe('false');
    // The spacer is as tall as all the cases.
    const spacer = screen.getByTestId('inbox-list').querySelector('.spacer') as HTMLElement;
    expect(spacer.style.height).toBe(`${100000 * 72}px`);
  });

  it('fetches the pages under the viewport as the list scrolls, by offset, once each', async () => {
    const mock = start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    scrollList(72 * 50000);
    await waitFor(() => expect(rows().some((r) => r.getAttribute('data-case-id') === '50001')).toBe(true));
    const offsets = inboxQueries(mock).map((q) => q.offset);
    expect(offsets).toContain(49900);
    expect(offsets).toContain(50000);
    expect(offsets.every((o) => o % 100 === 0)).toBe(true);
    expect(inboxQueries(mock).every((q) => q.limit === 100)).toBe(true);
    expect(rows().length).toBeLessThan(60);
    // Scrolling back to the top does not refetch the first page.
    scrollList(0);
    await waitFor(() => expect(rows()[0].getAttribute('data-case-id')).toBe('1'));
    expect(inboxQueries(mock).filter((q) => q.offset === 0)).toHaveLength(1);
  });

  it('a filter change drops the cache and starts again at offset 0 with the filter', async () => {
    const mock = start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    scrollList(72 * 5000);
    await waitFor(() => expect(inboxQueries(mock).some((q) => q.offset === 5000)).toBe(true));
    const before = inboxQueries(mock).length;

    await fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'pending' } });
    await waitFor(() => expect(inboxQueries(mock).length).toBeGreaterThan(before));
    const q = inboxQueries(mock)[before];
    expect(q.offset).toBe(0);
    expect(q.status).toBe('pending');

    await fireEvent.change(screen.getByTestId('filter-department'), { target: { value: 'unrouted' } });
    await waitFor(() => expect(inboxQueries(mock).at(-1)).toMatchObject({ offset: 0, unrouted: true, department_id: null, status: 'pending' }));

    await fireEvent.change(screen.getByTestId('filter-department'), { target: { value: '2' } });
    await waitFor(() => expect(inboxQueries(mock).at(-1)).toMatchObject({ offset: 0, unrouted: false, department_id: 2 }));

    await fireEvent.change(screen.getByTestId('filter-channel'), { target: { value: 'bluesky' } });
    await waitFor(() => expect(inboxQueries(mock).at(-1)).toMatchObject({ offset: 0, channel: 'bluesky' }));

    await fireEvent.change(screen.getByTestId('filter-assignee'), { target: { value: '2' } });
    await waitFor(() => expect(inboxQueries(mock).at(-1)).toMatchObject({ offset: 0, assignee_id: 2 }));

    await fireEvent.input(screen.getByTestId('filter-search'), { target: { value: 'outage' } });
    await waitFor(() => expect(inboxQueries(mock).at(-1)).toMatchObject({ offset: 0, search: 'outage' }));
    // Once the first page is back the list shows rows from the top again.
    await waitFor(() => expect(rows()[0]?.getAttribute('data-case-id')).toBe('1'));
  });

  it('debounces the search box', async () => {
    const mock = start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const input = screen.getByTestId('filter-search');
    for (const value of ['r', 'ro', 'rou', 'rout']) await fireEvent.input(input, { target: { value } });
    await new Promise((r) => setTimeout(r, 350));
    const searches = inboxQueries(mock).filter((q) => q.search !== null);
    expect(searches.map((q) => q.search)).toEqual(['rout']);
  });

  it('ignores an answer for filters that have since changed', async () => {
    let release: (() => void) | undefined;
    const all = pagedInbox(100000);
    backend(invoke, {
      inbox: (args) =>
        args.query.status === null
          ? new Promise((resolve) => (release = () => resolve(all(args))))
          : { total: 3, offset: 0, items: [summary(0), summary(1), summary(2)] },
    });
    render(Desk, { props: { info: workspace() } });
    await fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'new' } });
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('3 cases'));
    release?.();
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('inbox-total').textContent).toContain('3 cases');
    expect(rows()).toHaveLength(3);
  });
});

describe('keyboard', () => {
  it('j / k move the selection and Enter opens the selected case', async () => {
    const mock = start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(selected()).toHaveLength(0);

    await fireEvent.keyDown(document.body, { key: 'j' });
    await fireEvent.keyDown(document.body, { key: 'j' });
    await fireEvent.keyDown(document.body, { key: 'j' });
    expect(selected().map((r) => r.getAttribute('data-case-id'))).toEqual(['3']);
    await fireEvent.keyDown(document.body, { key: 'k' });
    expect(selected().map((r) => r.getAttribute('data-case-id'))).toEqual(['2']);
    expect(screen.queryByTestId('case-view')).toBeNull();

    await fireEvent.keyDown(document.body, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('case-view').getAttribute('data-case-id')).toBe('2'));
    expect(mock).toHaveBeenCalledWith('case_detail', { caseId: 2 });
    await waitFor(() => expect(screen.getAllByTestId('thread-post')).toHaveLength(2));
  });

  it('k at the top stays on the first case', async () => {
    start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await fireEvent.keyDown(document.body, { key: 'k' });
    await fireEvent.keyDown(document.body, { key: 'k' });
    expect(selected().map((r) => r.getAttribute('data-case-id'))).toEqual(['1']);
  });

  it('ignores j / k / Enter while typing in an input, textarea or select', async () => {
    start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await fireEvent.keyDown(screen.getByTestId('filter-search'), { key: 'j' });
    await fireEvent.keyDown(screen.getByTestId('filter-status'), { key: 'j' });
    expect(selected()).toHaveLength(0);
    await fireEvent.keyDown(document.body, { key: 'j' });
    await fireEvent.keyDown(screen.getByTestId('filter-search'), { key: 'Enter' });
    expect(screen.queryByTestId('case-view')).toBeNull();
  });

  it('moving past the loaded rows loads the next page and keeps the selection in the window', async () => {
    const mock = start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    for (let i = 0; i < 105; i++) await fireEvent.keyDown(document.body, { key: 'j' });
    await waitFor(() => expect(selected().map((r) => r.getAttribute('data-case-id'))).toEqual(['105']));
    expect(inboxQueries(mock).map((q) => q.offset)).toContain(100);
    expect(rows().length).toBeLessThan(60);
    await fireEvent.keyDown(document.body, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('case-view').getAttribute('data-case-id')).toBe('105'));
  });

  it('clicking a row selects and opens it', async () => {
    start();
    await waitFor(() => expect(rows().length).toBeGreaterThan(4));
    await fireEvent.click(rows()[4]);
    expect(selected().map((r) => r.getAttribute('data-case-id'))).toEqual(['5']);
    await waitFor(() => expect(screen.getByTestId('case-view').getAttribute('data-case-id')).toBe('5'));
  });
});
