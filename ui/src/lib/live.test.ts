// Live updates in the inbox: a `case-changed` event from the app refreshes the loaded pages
// (once per burst) and marks the open case changed when it is among those affected.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { InboxStore, LIVE_DEBOUNCE_MS } from './inbox.svelte';
import type { LiveEvent } from './bindings/LiveEvent';
import { backend, inboxQueries, pagedInbox } from '../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));

afterEach(() => vi.useRealTimers());

const event = (patch: Partial<LiveEvent>): LiveEvent => ({ case_id: 1, version: 2, kind: 'note', actor: 'ana', at: 0, ...patch });

async function listening() {
  const mock = backend(invoke, { inbox: pagedInbox(250) });
  let handler: ((e: { payload: LiveEvent }) => void) | undefined;
  const unlisten = vi.fn();
  (listen as ReturnType<typeof vi.fn>).mockImplementation(async (name: string, h: typeof handler) => {
    expect(name).toBe('case-changed');
    handler = h;
    return unlisten;
  });
  const inbox = new InboxStore();
  await inbox.loadPage(0);
  const stop = inbox.listenLive();
  await vi.waitFor(() => expect(handler).toBeDefined());
  return { mock, inbox, stop, unlisten, fire: (ev: LiveEvent) => handler!({ payload: ev }) };
}

describe('live updates', () => {
  it('a burst of case-changed events refreshes the inbox once and the open case when affected', async () => {
    const { mock, inbox, fire } = await listening();
    inbox.open(7);
    expect(inboxQueries(mock)).toHaveLength(1);
    vi.useFakeTimers();
    fire(event({ case_id: 3 }));
    fire(event({ case_id: 7, kind: 'assigned' }));
    fire(event({ case_id: 9 }));
    expect(inboxQueries(mock)).toHaveLength(1);
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS);
    expect(inboxQueries(mock)).toHaveLength(2);
    expect(inboxQueries(mock)[1].offset).toBe(0);
    expect(inbox.openChanged).toBe(1);
  });

  it('posts arriving for other cases refresh the inbox but not the open case', async () => {
    const { mock, inbox, fire } = await listening();
    inbox.open(7);
    vi.useFakeTimers();
    fire(event({ kind: 'posts_arrived', case_id: 11, cases: [11, 12] }));
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS);
    expect(inboxQueries(mock)).toHaveLength(2);
    expect(inbox.openChanged).toBe(0);
    fire(event({ kind: 'posts_arrived', case_id: 5, cases: [5, 7] }));
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS);
    expect(inbox.openChanged).toBe(1);
  });

  it('stops listening when told', async () => {
    const { stop, unlisten } = await listening();
    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});
