// Mentions in the window: the bell with the unread count, the list (who mentioned you on which case,
// as text), picking one marks it read and opens its case, a `mention` live event reloads it; and a
// note's @handles highlighted in the timeline, all of it text.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Notifications from './Notifications.svelte';
import Timeline from './Timeline.svelte';
import { team } from '../presence.svelte';
import { mentionParts } from '../mentions';
import type { Notification } from '../bindings/Notification';
import { backend } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';

afterEach(() => cleanup());

const note = (id: number, case_id: number, actor: string, read = false): Notification => ({
  id,
  kind: 'mention',
  case_id,
  actor,
  created_at: Date.now() - 60_000,
  read_at: read ? Date.now() : null,
});

describe('notifications', () => {
  it('the bell counts unread mentions; picking one marks it read and opens its case', async () => {
    let list = [note(3, 12, EVIL), note(2, 7, 'kofi'), note(1, 5, 'mei', true)];
    const mock = backend(invoke, {
      notifications: () => list,
      mark_notification_read: ({ id }) => {
        list = list.map((n) => (n.id === id ? { ...n, read_at: Date.now() } : n));
        return null;
      },
      presence_set: () => true,
      presence_summary: () => [],
      online_members: () => [],
    });
    const onopen = vi.fn();
    const { container } = render(Notifications, { props: { onopen } });
    await waitFor(() => expect(screen.getByTestId('notifications-count').textContent).toBe('2'));
    expect(screen.getByTestId('notifications-bell').getAttribute('aria-label')).toBe('Notifications, 2 unread');
    await fireEvent.click(screen.getByTestId('notifications-bell'));
    const items = await screen.findAllByTestId('notification-item');
    expect(items).toHaveLength(3);
    expect(items[0].textContent).toContain(`@${EVIL} mentioned you on case #12`);
    expect(container.querySelector('img')).toBeNull();
    await fireEvent.click(items[1]);
    expect(onopen).toHaveBeenCalledWith(7);
    expect(mock.mock.calls.find((c) => c[0] === 'mark_notification_read')![1]).toEqual({ id: 2 });
    expect(screen.getByTestId('notifications-count').textContent).toBe('1');
    expect(screen.queryByTestId('notifications-list')).toBeNull();

    // A new mention arrives: the live event reloads the bell.
    list = [note(4, 30, 'amara'), ...list];
    team.heard({ case_id: 30, version: 0, kind: 'mention', actor: 'amara', at: 0 });
    await waitFor(() => expect(screen.getByTestId('notifications-count').textContent).toBe('2'));
  });

  it('no unread: no count', async () => {
    backend(invoke, { notifications: () => [note(1, 5, 'mei', true)], presence_set: () => true, presence_summary: () => [], online_members: () => [] });
    render(Notifications);
    await fireEvent.click(screen.getByTestId('notifications-bell'));
    await screen.findByTestId('notification-item');
    expect(screen.queryByTestId('notifications-count')).toBeNull();
  });

  it('a note shows its @handles highlighted, as text', () => {
    const body = `@kofi please look <b>now</b>, cc @amara. mail ana@example.com ${EVIL}`;
    const { container } = render(Timeline, {
      props: { events: [{ id: 1, case_id: 1, at: Date.now(), actor: 'ana', kind: 'note', summary: 'added a note', body }] },
    });
    const marks = [...container.querySelectorAll('mark.mention')].map((m) => m.textContent);
    expect(marks).toEqual(['@kofi', '@amara']);
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.body')?.textContent).toBe(body);
  });

  it('reads mentions like the backend', () => {
    const parts = mentionParts('@kofi, x@y.z @@no (@mei.) @');
    expect(parts.filter((p) => p.mention).map((p) => p.text)).toEqual(['@kofi', '@mei']);
    expect(parts.map((p) => p.text).join('')).toBe('@kofi, x@y.z @@no (@mei.) @');
    expect(mentionParts('')).toEqual([]);
  });
});
