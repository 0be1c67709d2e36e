// Approvals in the case view: a reply taken from a suggestion that needs approval is sent with its
// template and then shows in the outbox strip as "awaiting approval by Legal" (no Retry); a
// rejected reply shows who rejected it and why, as text; a typed reply names no template.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import CaseView from './CaseView.svelte';
import { InboxStore } from '../inbox.svelte';
import { errors } from '../errors.svelte';
import type { OutboxItem } from '../bindings/OutboxItem';
import type { ReplyApproval } from '../bindings/ReplyApproval';
import { backend, detail, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';

afterEach(() => {
  cleanup();
  errors.dismiss();
});

function approval(id: number, over: Partial<ReplyApproval> = {}): ReplyApproval {
  return {
    reply_id: id, case_id: 1, approver: 'legal', approver_name: 'Legal', reason: 'template legal-holding', state: 'pending', requested_by: 'ana',
    requested_at: Date.now(), decided_by: null, decided_at: null, comment: null, original_body: 'x', edited: false, ...over,
  };
}

function item(id: number, body: string, over: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id, case_id: 1, account_id: 4, in_reply_to: 'p1', conversation: 'p1', direct: false, body, idempotency_key: `k${id}`, state: 'awaiting_approval',
    attempts: 0, external_id: null, url: null, last_error: null, created_by: 'ana', created_at: Date.now(), sent_at: null, approval: approval(id), ...over,
  };
}

function open(outbox: OutboxItem[]) {
  const c = detail(summary(0, { version: 2 }), {
    suggestion: { template: 'legal-holding', name: 'Legal holding', text: 'We take this seriously.', department: 'legal', approval_required: true, approver: 'legal' },
  });
  const state = { outbox };
  const mock = backend(invoke, {
    case_detail: () => c,
    case_replies: () => state.outbox,
    suggested_reply: () => c.suggestion,
    reply: ({ body, template }) => {
      state.outbox = [...state.outbox, template ? item(state.outbox.length + 1, body) : item(state.outbox.length + 1, body, { state: 'sent', approval: undefined })];
      return c;
    },
  });
  render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
  return { mock };
}

describe('replies that need approval', () => {
  it('sends a suggestion with its template and shows it awaiting approval, without Retry', async () => {
    const { mock } = open([]);
    await fireEvent.click(await screen.findByTestId('use-suggestion'));
    await fireEvent.click(screen.getByTestId('reply-submit'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('reply', expect.objectContaining({ body: 'We take this seriously.', template: 'legal-holding' })));
    const row = await screen.findByTestId('outbox-item');
    expect(row.getAttribute('data-state')).toBe('awaiting_approval');
    expect(screen.getByTestId('outbox-approval').textContent?.trim()).toBe('awaiting approval by Legal (template legal-holding)');
    expect(row.textContent).toContain('Awaiting approval');
    expect(screen.queryByTestId('outbox-retry')).toBeNull();
  });

  it('shows a rejected reply with who rejected it and why, as text', async () => {
    open([item(1, 'Draft', { state: 'rejected', approval: approval(1, { state: 'rejected', decided_by: 'tom', comment: EVIL }) })]);
    const rejected = await screen.findByTestId('outbox-rejected');
    expect(rejected.textContent?.trim()).toBe(`rejected by tom: ${EVIL}`);
    expect(rejected.querySelector('img, b')).toBeNull();
    expect(screen.queryByTestId('outbox-retry')).toBeNull();
  });

  it('names no template for a reply typed by hand', async () => {
    const { mock } = open([]);
    const input = (await screen.findByTestId('reply-input')) as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'Typed by hand' } });
    await fireEvent.click(screen.getByTestId('reply-submit'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('reply', expect.objectContaining({ body: 'Typed by hand' })));
    const args = mock.mock.calls.find((c) => c[0] === 'reply')![1];
    expect('template' in args).toBe(false);
  });
});
