// The filter bar's "Needs triage" chip: it asks the inbox for the triage queue only, shows it is
// on, clears with the other filters, and a topic set on a case reads the queue again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import FilterBar from './FilterBar.svelte';
import { InboxStore } from '../inbox.svelte';
import { backend, inboxQueries, pagedInbox, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => cleanup());

function start() {
  const mock = backend(invoke, { inbox: pagedInbox(40) });
  const inbox = new InboxStore();
  render(FilterBar, { props: { inbox, info: workspace() } });
  return { mock, inbox };
}

describe('the triage filter', () => {
  it('asks for the triage queue only, shows it is on, and combines with the other filters', async () => {
    const { mock, inbox } = start();
    await waitFor(() => expect(inboxQueries(mock).length).toBe(1));
    expect(inboxQueries(mock)[0].needs_triage).toBe(false);
    const chip = screen.getByTestId('filter-triage');
    expect(chip.textContent?.trim()).toBe('Needs triage');
    expect(chip.getAttribute('aria-pressed')).toBe('false');

    await fireEvent.click(chip);
    await waitFor(() => expect(inboxQueries(mock).length).toBe(2));
    expect(inboxQueries(mock)[1]).toMatchObject({ needs_triage: true, offset: 0 });
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    expect(inbox.filters.needsTriage).toBe(true);

    await fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'open' } });
    await waitFor(() => expect(inboxQueries(mock).length).toBe(3));
    expect(inboxQueries(mock)[2]).toMatchObject({ needs_triage: true, status: 'open' });

    // "Clear filters" turns it off with the rest.
    await fireEvent.click(screen.getByText('Clear filters'));
    await waitFor(() => expect(inboxQueries(mock).length).toBe(4));
    expect(inboxQueries(mock)[3]).toMatchObject({ needs_triage: false, status: null });
    expect(chip.getAttribute('aria-pressed')).toBe('false');
  });

  it('reads the queue again when a topic is set, and leaves other views alone', async () => {
    const { mock, inbox } = start();
    await waitFor(() => expect(inboxQueries(mock).length).toBe(1));
    inbox.topicSet();
    expect(inboxQueries(mock).length).toBe(1);
    await fireEvent.click(screen.getByTestId('filter-triage'));
    await waitFor(() => expect(inboxQueries(mock).length).toBe(2));
    inbox.open(7);
    inbox.topicSet();
    await waitFor(() => expect(inboxQueries(mock).length).toBe(3));
    expect(inboxQueries(mock)[2].needs_triage).toBe(true);
    expect(inbox.openId).toBe(7);
  });
});
