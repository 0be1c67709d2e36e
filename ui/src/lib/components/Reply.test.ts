// The reply composer and the outbox strip of the case view: reply / send_replies / case_replies.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import CaseView from './CaseView.svelte';
import ErrorBanner from './ErrorBanner.svelte';
import { InboxStore } from '../inbox.svelte';
import { errors } from '../errors.svelte';
import type { CaseDetail } from '../bindings/CaseDetail';
import type { OutboxItem } from '../bindings/OutboxItem';
import { backend, detail, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';

afterEach(() => {
  cleanup();
  errors.dismiss();
});

type Mode = 'ok' | 'fail' | 'no-account' | 'other-failed';

/** A backend with one X case whose replies go out, fail (kept in the outbox) or find no account. */
function replyCase(mode: { current: Mode }, failure = 'x answered 503 Service Unavailable') {
  let current: CaseDetail = detail(summary(0, { version: 2 }));
  let nextEvent = 2;
  let outbox: OutboxItem[] = [];
  const event = (kind: CaseDetail['events'][number]['kind'], text: string, body: string | null = null) => {
    current = { ...current, events: [...current.events, { id: nextEvent++, case_id: 1, at: Date.now(), actor: 'ana', kind, summary: text, body }] };
  };
  const attempt = (item: OutboxItem): OutboxItem => {
    if (mode.current === 'fail') {
      event('reply_failed', `sending failed: ${failure}`);
      return { ...item, state: 'failed', attempts: item.attempts + 1, last_error: failure };
    }
    const url = `https://x.example/lumenhelp/status/${item.id}`;
    current = {
      ...current,
      posts: [...current.posts, { id: 100 + item.id, channel: 'x', external_id: String(item.id), direction: 'outbound', author: 'lumenhelp', author_name: 'Lumen Help', text: item.body, created_at: Date.now(), reply_to: 'p1' }],
    };
    event('reply_sent', `reply sent: ${url}`);
    return { ...item, state: 'sent', attempts: item.attempts + 1, last_error: null, url, external_id: String(item.id), sent_at: Date.now() };
  };
  const mock = backend(invoke, {
    case_detail: () => current,
    case_replies: () => outbox,
    reply: ({ caseId, body, direct }) => {
      if (mode.current === 'no-account') throw { code: 'invalid', message: 'no connected x account can answer this case: connect one first' };
      const item: OutboxItem = {
        id: outbox.length + 1, case_id: caseId, account_id: 4, in_reply_to: 'p1', conversation: 'p1', direct, body, idempotency_key: `k${outbox.length + 1}`,
        state: 'queued', attempts: 0, external_id: null, url: null, last_error: null, created_by: 'ana', created_at: Date.now(), sent_at: null,
      };
      event('reply_queued', 'wrote a reply', body);
      const done = attempt(item);
      outbox = [...outbox, done];
      if (done.state === 'failed') throw { code: 'unavailable', message: failure };
      // Ours went out, but another case's reply, sent in the same pass, failed.
      if (mode.current === 'other-failed') throw { code: 'unavailable', message: 'reddit answered 403 Forbidden' };
      return current;
    },
    send_replies: () => {
      outbox = outbox.map((i) => (i.state === 'sent' ? i : attempt(i)));
      const failed = outbox.find((i) => i.state === 'failed');
      if (failed) throw { code: 'unavailable', message: failed.last_error };
      return outbox;
    },
  });
  render(ErrorBanner);
  const view = render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
  return { mock, container: view.container };
}

const input = () => screen.getByTestId('reply-input') as HTMLTextAreaElement;
const submit = () => screen.getByTestId('reply-submit') as HTMLButtonElement;

describe('reply composer', () => {
  it('offers a public reply on the case channel and an internal note, clearly apart', async () => {
    const mode = { current: 'ok' as Mode };
    const { mock } = replyCase(mode);
    await waitFor(() => screen.getByTestId('reply-input'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('case_replies', { caseId: 1 }));
    expect(screen.getByTestId('reply-target').textContent).toContain('Reply publicly on X');
    expect(screen.getByTestId('compose-reply').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('reply-input').closest('[role=tabpanel]')?.hasAttribute('hidden')).toBe(false);
    expect(screen.getByTestId('note-input').closest('[role=tabpanel]')?.hasAttribute('hidden')).toBe(true);

    await fireEvent.click(screen.getByTestId('compose-note'));
    expect(screen.getByTestId('compose-note').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('note-input').closest('[role=tabpanel]')?.hasAttribute('hidden')).toBe(false);
    expect(screen.getByTestId('reply-input').closest('[role=tabpanel]')?.hasAttribute('hidden')).toBe(true);

    await fireEvent.click(screen.getByTestId('compose-reply'));
    await fireEvent.click(screen.getByTestId('reply-direct'));
    expect(screen.getByTestId('reply-target').textContent).toContain('Direct message on X');
    expect(screen.queryByTestId('outbox')).toBeNull();
  });

  it('is disabled while empty, counts characters against the soft limit', async () => {
    replyCase({ current: 'ok' });
    await waitFor(() => screen.getByTestId('reply-input'));
    expect(submit().disabled).toBe(true);
    await fireEvent.input(input(), { target: { value: '   ' } });
    expect(submit().disabled).toBe(true);
    await fireEvent.input(input(), { target: { value: 'Hello' } });
    expect(submit().disabled).toBe(false);
    expect(screen.getByTestId('reply-count').textContent).toContain('5/500');
    await fireEvent.input(input(), { target: { value: 'a'.repeat(501) } });
    expect(screen.getByTestId('reply-count').textContent).toContain('501/500');
    expect(screen.getByTestId('reply-count').classList.contains('over')).toBe(true);
    expect(submit().disabled).toBe(false); // a soft limit: warned, not blocked
  });

  it('sends a public reply, clears the composer and shows it in the thread and timeline', async () => {
    const { mock } = replyCase({ current: 'ok' });
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: 'Sorry! An engineer is on the way.' } });
    await fireEvent.click(submit());
    await waitFor(() => expect(mock).toHaveBeenCalledWith('reply', expect.objectContaining({ caseId: 1, body: 'Sorry! An engineer is on the way.', direct: false, confirm: false })));
    await waitFor(() => expect(input().value).toBe(''));
    const posts = screen.getAllByTestId('thread-post');
    expect(posts).toHaveLength(3);
    expect(posts[2].getAttribute('data-direction')).toBe('outbound');
    expect(posts[2].textContent).toContain('Sorry! An engineer is on the way.');
    const sent = screen.getAllByTestId('timeline-event').filter((e) => e.getAttribute('data-kind') === 'reply_sent');
    expect(sent).toHaveLength(1);
    expect(sent[0].textContent).toContain('Reply sent');
    expect(sent[0].textContent).toContain('https://x.example/lumenhelp/status/1');
    expect(sent[0].querySelector('a')).toBeNull();
    expect(screen.getAllByTestId('timeline-event').find((e) => e.getAttribute('data-kind') === 'reply_queued')?.textContent).toContain('Reply written');
    expect(screen.queryByTestId('error-banner')).toBeNull();
    expect(screen.queryByTestId('outbox-item')).toBeNull();
  });

  it('sends a direct message with Ctrl+Enter', async () => {
    const { mock } = replyCase({ current: 'ok' });
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.click(screen.getByTestId('reply-direct'));
    await fireEvent.input(input(), { target: { value: 'Please DM us your account number' } });
    await fireEvent.keyDown(input(), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('reply', expect.objectContaining({ caseId: 1, body: 'Please DM us your account number', direct: true, confirm: false })));
    await waitFor(() => expect(input().value).toBe(''));
    expect((screen.getByTestId('reply-direct') as HTMLInputElement).checked).toBe(false);
  });

  it('on a send failure shows the banner and the failed reply in the outbox; Retry sends it', async () => {
    const mode = { current: 'fail' as Mode };
    const { mock } = replyCase(mode);
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: 'We are on it' } });
    await fireEvent.click(submit());
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain('x answered 503 Service Unavailable');
    const item = await screen.findByTestId('outbox-item');
    expect(item.getAttribute('data-state')).toBe('failed');
    expect(item.textContent).toContain('We are on it');
    expect(screen.getByTestId('outbox-error').textContent).toContain('x answered 503 Service Unavailable');
    // Kept in the outbox, so the composer clears (sending it again would post it twice).
    await waitFor(() => expect(input().value).toBe(''));
    expect(screen.getAllByTestId('timeline-event').some((e) => e.getAttribute('data-kind') === 'reply_failed')).toBe(true);
    expect(mock.mock.calls.filter((c) => c[0] === 'case_detail').length).toBeGreaterThanOrEqual(2);

    // Retry while the network still fails: banner again, the item stays failed.
    errors.dismiss();
    await fireEvent.click(screen.getByTestId('outbox-retry'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('send_replies', undefined));
    expect((await screen.findByTestId('error-banner')).textContent).toContain('x answered 503');
    await waitFor(() => expect(screen.getByTestId('outbox-error').textContent).toContain('2 attempts'));

    // The network is back: Retry sends it, the strip empties and the thread shows the reply.
    mode.current = 'ok';
    errors.dismiss();
    await waitFor(() => expect((screen.getByTestId('outbox-retry') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('outbox-retry'));
    await waitFor(() => expect(screen.queryByTestId('outbox-item')).toBeNull());
    await waitFor(() => expect(screen.getAllByTestId('thread-post')).toHaveLength(3));
    expect(mock.mock.calls.filter((c) => c[0] === 'send_replies')).toHaveLength(2);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('says the reply was sent when the error was another waiting reply', async () => {
    replyCase({ current: 'other-failed' });
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: 'On it' } });
    await fireEvent.click(submit());
    const banner = await screen.findByTestId('error-banner');
    await waitFor(() => expect(banner.textContent).toContain('Your reply was sent, but another waiting reply failed: reddit answered 403 Forbidden'));
    await waitFor(() => expect(input().value).toBe(''));
    await waitFor(() => expect(screen.getAllByTestId('thread-post')).toHaveLength(3));
  });

  it('keeps the text when no account can answer (nothing was stored)', async () => {
    replyCase({ current: 'no-account' });
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: 'Hello there' } });
    await fireEvent.click(submit());
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain('no connected x account can answer this case: connect one first');
    expect(banner.getAttribute('data-code')).toBe('invalid');
    await waitFor(() => expect(submit().disabled).toBe(false));
    expect(input().value).toBe('Hello there');
    expect(screen.queryByTestId('outbox-item')).toBeNull();
  });

  it('shows a hostile reply body and failure reason as text', async () => {
    const { container } = replyCase({ current: 'fail' }, EVIL);
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: EVIL } });
    await fireEvent.click(submit());
    const item = await screen.findByTestId('outbox-item');
    expect(item.textContent).toContain(EVIL);
    expect(screen.getByTestId('outbox-error').textContent).toContain(EVIL);
    expect((await screen.findByTestId('error-banner')).textContent).toContain(EVIL);
    const queued = screen.getAllByTestId('timeline-event').find((e) => e.getAttribute('data-kind') === 'reply_queued');
    expect(queued?.textContent).toContain(EVIL);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
  });

  it('says so in the strip, not the banner, when the outbox cannot be read', async () => {
    backend(invoke, {
      case_detail: () => detail(summary(0)),
      case_replies: () => Promise.reject({ code: 'unavailable', message: 'database is locked' }),
    });
    render(ErrorBanner);
    render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
    expect((await screen.findByTestId('outbox-load-error')).textContent).toContain('database is locked');
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });
});
