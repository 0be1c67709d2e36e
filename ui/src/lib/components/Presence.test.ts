// Presence in the window: the case view's bar ("kofi is viewing · amara is drafting a reply"), the
// heartbeat that says what this desk does (viewing, drafting while the reply box has text, online
// when the case closes), the inbox row's indicator, the top bar's online list, and live presence
// events (which refresh presence, never the inbox or the open case). Names are text, never HTML.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import CaseView from './CaseView.svelte';
import InboxPresence from './InboxPresence.svelte';
import OnlineMembers from './OnlineMembers.svelte';
import PresenceBar from './PresenceBar.svelte';
import { InboxStore, LIVE_DEBOUNCE_MS } from '../inbox.svelte';
import { team } from '../presence.svelte';
import { HEARTBEAT_MS } from '../presence_api';
import { errors } from '../errors.svelte';
import type { Presence } from '../bindings/Presence';
import type { LiveEvent } from '../bindings/LiveEvent';
import { backend, detail, inboxQueries, pagedInbox, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';

afterEach(() => {
  cleanup();
  errors.dismiss();
  vi.useRealTimers();
});

const person = (member_id: number, handle: string, state: Presence['state'], case_id: number | null = 1): Presence => ({
  member_id,
  handle,
  name: handle,
  state,
  case_id,
  seen_at: Date.now(),
});

const event = (patch: Partial<LiveEvent>): LiveEvent => ({ case_id: 1, version: 0, kind: 'presence', actor: 'kofi', at: 0, ...patch });

/** The presence commands sent, as [caseId, state]. */
const sets = (mock: ReturnType<typeof vi.fn>) =>
  mock.mock.calls.filter((c) => c[0] === 'presence_set').map((c) => [c[1].caseId, c[1].state]);

describe('presence', () => {
  it('the case view says who else views and drafts, as text', async () => {
    const mock = backend(invoke, {
      case_detail: () => detail(summary(0)),
      case_replies: () => [],
      presence_on: () => [person(3, 'amara', 'drafting'), person(2, EVIL, 'viewing')],
      presence_set: () => true,
      presence_summary: () => [],
      online_members: () => [],
    });
    const { container } = render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
    const bar = await screen.findByTestId('presence-bar');
    expect(bar.textContent?.replace(/\s+/g, ' ').trim()).toBe(`amara is drafting a reply · ${EVIL} is viewing`);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getAllByTestId('presence-member').map((e) => e.dataset.state)).toEqual(['drafting', 'viewing']);
    expect(sets(mock)).toContainEqual([1, 'viewing']);
    // Typing a reply: drafting; clearing it: viewing again.
    const box = container.querySelector('textarea') as HTMLTextAreaElement;
    await fireEvent.input(box, { target: { value: 'Sorry about that' } });
    await waitFor(() => expect(sets(mock).at(-1)).toEqual([1, 'drafting']));
    await fireEvent.input(box, { target: { value: '' } });
    await waitFor(() => expect(sets(mock).at(-1)).toEqual([1, 'viewing']));
  });

  it('shows nothing when nobody else is on the case, and a failure is never an error banner', async () => {
    backend(invoke, { presence_on: () => [], presence_set: () => true });
    render(PresenceBar, { props: { caseId: 5 } });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('presence-bar')).toBeNull();
    backend(invoke, {});
    render(PresenceBar, { props: { caseId: 6 } });
    await new Promise((r) => setTimeout(r, 20));
    expect(errors.current).toBeFalsy();
  });

  it('heartbeats while a case is open, reloads on a presence event, and says online when it closes', async () => {
    vi.useFakeTimers();
    let on: Presence[] = [];
    const mock = backend(invoke, {
      presence_on: () => on,
      presence_set: () => true,
      presence_summary: () => [],
      online_members: () => [],
    });
    const view = render(PresenceBar, { props: { caseId: 9 } });
    await vi.advanceTimersByTimeAsync(0);
    const before = sets(mock).length;
    expect(sets(mock).at(-1)).toEqual([9, 'viewing']);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(sets(mock).length).toBeGreaterThan(before);
    expect(sets(mock).at(-1)).toEqual([9, 'viewing']);
    // Another desk starts drafting: the presence event reloads the bar at once.
    on = [person(2, 'kofi', 'drafting', 9)];
    team.heard(event({ case_id: 9 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('presence-bar').textContent).toContain('kofi is drafting a reply');
    view.unmount();
    expect(sets(mock).at(-1)).toEqual([null, 'online']);
  });

  it('an inbox row shows who drafts (pencil) or views (eye) with the words in its title', async () => {
    backend(invoke, {
      presence_set: () => true,
      presence_summary: () => [
        { case_id: 3, viewers: ['kofi'], drafters: ['amara'] },
        { case_id: 4, viewers: [EVIL], drafters: [] },
      ],
      online_members: () => [person(2, 'kofi', 'viewing', 3), person(3, 'amara', 'drafting', 3), person(4, 'mei', 'online', null)],
    });
    const { container } = render(InboxPresence, { props: { caseId: 3 } });
    render(InboxPresence, { props: { caseId: 4 } });
    render(InboxPresence, { props: { caseId: 5 } });
    render(OnlineMembers);
    await waitFor(() => expect(screen.getAllByTestId('inbox-presence')).toHaveLength(2));
    const [drafting, viewing] = screen.getAllByTestId('inbox-presence');
    expect(drafting.classList.contains('drafting')).toBe(true);
    expect(drafting.querySelector('svg.icon')).not.toBeNull();
    expect(drafting.textContent).toContain('amara');
    expect(drafting.getAttribute('title')).toBe('amara drafting a reply; kofi viewing');
    expect(viewing.classList.contains('drafting')).toBe(false);
    expect(viewing.querySelector('svg.icon')).not.toBeNull();
    expect(viewing.textContent).toContain(EVIL);
    expect(container.ownerDocument.querySelector('img')).toBeNull();
    const online = screen.getByTestId('online-members');
    expect(online.textContent).toContain('kofi, amara, mei');
    expect(online.getAttribute('title')).toContain('amara: drafting on case #3');
  });

  it('presence and mention events do not reload the inbox or the open case', async () => {
    const mock = backend(invoke, { inbox: pagedInbox(10) });
    const inbox = new InboxStore();
    await inbox.loadPage(0);
    inbox.open(1);
    vi.useFakeTimers();
    inbox.caseChanged(event({ kind: 'presence', case_id: 1, cases: [1] }));
    inbox.caseChanged(event({ kind: 'mention', case_id: 1 }));
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS * 2);
    expect(inboxQueries(mock)).toHaveLength(1);
    expect(inbox.openChanged).toBe(0);
  });
});
