// The approvals queue against a scripted backend: each waiting reply with its department, reason,
// author, customer and text; approve sends; edit-and-approve sends the edited text; reject needs a
// comment; another approver deciding first is reported and the list read again; hostile texts are
// shown as text, never as HTML.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Approvals from './Approvals.svelte';
import TopBar from './TopBar.svelte';
import type { ApprovalQueueItem } from '../bindings/ApprovalQueueItem';
import type { OutboxItem } from '../bindings/OutboxItem';
import { backend, NOW, workspace, type Handler } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => cleanup());

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';

function waiting(id: number, over: Partial<ApprovalQueueItem> = {}): ApprovalQueueItem {
  return {
    approval: {
      reply_id: id, case_id: 100 + id, approver: 'legal', approver_name: 'Legal', reason: 'template legal-holding', state: 'pending',
      requested_by: 'ana', requested_at: NOW - 600_000, decided_by: null, decided_at: null, comment: null, original_body: `Reply ${id}`, edited: false,
    },
    body: `Reply ${id}`, direct: false, channel: 'x', author: 'streamer_kai', subject: 'My lawyer will hear of this', ...over,
  };
}

function sent(id: number, body: string, state: OutboxItem['state'] = 'sent'): OutboxItem {
  return {
    id, case_id: 100 + id, account_id: 1, in_reply_to: 'p', conversation: null, direct: false, body, idempotency_key: 'k', state, attempts: 1,
    external_id: state === 'sent' ? '9' : null, url: null, last_error: state === 'failed' ? 'x answered 503' : null, created_by: 'ana', created_at: NOW, sent_at: null,
  };
}

const items = () => screen.queryAllByTestId('approval-item');
const calls = (mock: ReturnType<typeof vi.fn>, cmd: string) => mock.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1]);

function queue(list: ApprovalQueueItem[], handlers: Record<string, Handler> = {}) {
  const state = { list };
  const mock = backend(invoke, { approval_queue: () => state.list, ...handlers });
  const oncount = vi.fn();
  const onopencase = vi.fn();
  render(Approvals, { props: { oncount, onopencase } });
  return { mock, state, oncount, onopencase };
}

describe('approvals', () => {
  it('lists each waiting reply with its department, reason, author, customer and text', async () => {
    const { oncount, onopencase } = queue([waiting(1), waiting(2, { direct: true, channel: 'bluesky' })]);
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(oncount).toHaveBeenLastCalledWith(2);
    const first = items()[0];
    expect(within(first).getByTestId('approval-approver').textContent).toBe('for Legal');
    expect(within(first).getByTestId('approval-reason').textContent).toBe('template legal-holding');
    expect(within(first).getByTestId('approval-author').textContent).toBe('ana');
    expect(within(first).getByTestId('approval-customer').textContent).toBe('streamer_kai');
    expect(within(first).getByTestId('approval-body').textContent).toBe('Reply 1');
    expect(items()[1].textContent).toContain('Direct message on bluesky');
    await fireEvent.click(within(first).getByTestId('approval-open-case'));
    expect(onopencase).toHaveBeenCalledWith(101);
  });

  it('says so when nothing waits', async () => {
    const { oncount } = queue([]);
    expect((await screen.findByTestId('approvals-empty')).textContent).toContain('No replies wait');
    expect(oncount).toHaveBeenLastCalledWith(0);
  });

  it('approves and sends, then reads the queue again', async () => {
    const { mock, state } = queue([waiting(1)], {
      approve_reply: ({ replyId }) => {
        state.list = [];
        return sent(replyId, 'Reply 1');
      },
    });
    await waitFor(() => expect(items()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('approval-approve'));
    await waitFor(() => expect(items()).toHaveLength(0));
    expect(calls(mock, 'approve_reply')).toEqual([{ replyId: 1, edit: null }]);
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Reply #1 approved and sent.');
  });

  it('sends the edited text when the approver edits first, and says when sending failed', async () => {
    const { mock, state } = queue([waiting(3)], {
      approve_reply: ({ replyId, edit }) => {
        state.list = [];
        return sent(replyId, edit, 'failed');
      },
    });
    await waitFor(() => expect(items()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('approval-edit'));
    const input = screen.getByTestId('approval-edit-input') as HTMLTextAreaElement;
    expect(input.value).toBe('Reply 3');
    await fireEvent.input(input, { target: { value: 'Our team will contact you privately.' } });
    await fireEvent.click(screen.getByTestId('approval-approve-edited'));
    await waitFor(() => expect(calls(mock, 'approve_reply')).toEqual([{ replyId: 3, edit: 'Our team will contact you privately.' }]));
    await waitFor(() => expect(screen.getByTestId('approvals-notice').textContent).toContain('sending failed: x answered 503'));
  });

  it('rejects only with a comment', async () => {
    const { mock, state } = queue([waiting(4)], {
      reject_reply: ({ replyId }) => {
        state.list = [];
        return sent(replyId, 'Reply 4', 'rejected');
      },
    });
    await waitFor(() => expect(items()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('approval-reject'));
    const confirm = screen.getByTestId('approval-reject-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('approval-comment-input'), { target: { value: 'Do not admit liability.' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await waitFor(() => expect(calls(mock, 'reject_reply')).toEqual([{ replyId: 4, comment: 'Do not admit liability.' }]));
    await waitFor(() => expect(screen.getByTestId('approvals-notice').textContent).toContain('went back to ana'));
  });

  it('reports another approver deciding first and reads the queue again', async () => {
    const { mock, state } = queue([waiting(5)], {
      approve_reply: () => {
        state.list = [];
        throw { code: 'conflict', message: 'reply #5 was already rejected by tess' };
      },
    });
    await waitFor(() => expect(items()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('approval-approve'));
    await waitFor(() => expect(items()).toHaveLength(0));
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Someone else decided first: reply #5 was already rejected by tess');
    expect(calls(mock, 'approval_queue').length).toBe(2);
  });

  it('shows a refusal to list (not an approver) in plain words', async () => {
    backend(invoke, { approval_queue: () => { throw { code: 'forbidden', message: 'ana (agent) may not approve replies' }; } });
    render(Approvals, { props: {} });
    expect((await screen.findByTestId('approvals-error')).textContent).toContain('ana (agent) may not approve replies');
  });

  it('shows hostile texts as text', async () => {
    queue([waiting(6, { body: EVIL, subject: EVIL, author: EVIL, approval: { ...waiting(6).approval, requested_by: EVIL, reason: EVIL, approver_name: EVIL } })]);
    await waitFor(() => expect(items()).toHaveLength(1));
    const item = items()[0];
    expect(item.querySelector('img, b')).toBeNull();
    expect(within(item).getByTestId('approval-body').textContent).toBe(EVIL);
    expect(within(item).getByTestId('approval-subject').textContent).toBe(EVIL);
    expect(within(item).getByTestId('approval-author').textContent).toBe(EVIL);
  });

  it('has a tab with the count of waiting replies for approvers only', async () => {
    const onnavigate = vi.fn();
    const bar = render(TopBar, { props: { info: workspace(), approvals: 3, onnavigate } });
    expect(screen.getByTestId('approvals-badge').textContent).toBe('3');
    await fireEvent.click(screen.getByTestId('nav-approvals'));
    expect(onnavigate).toHaveBeenCalledWith('approvals');
    bar.unmount();
    render(TopBar, { props: { info: workspace(), approvals: null } });
    expect(screen.queryByTestId('nav-approvals')).toBeNull();
  });
});
