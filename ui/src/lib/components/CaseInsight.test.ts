// The case view's "why" and "what to answer": priority reasons, the suggested reply (into the
// composer, never sent), predictions on customer posts that an agent can correct, influence on the
// cards — and hostile text from the backend shown as text.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import CaseView from './CaseView.svelte';
import ErrorBanner from './ErrorBanner.svelte';
import PriorityReasons from './PriorityReasons.svelte';
import { InboxStore } from '../inbox.svelte';
import { errors } from '../errors.svelte';
import type { CaseDetail } from '../bindings/CaseDetail';
import { backend, detail, NOW, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => {
  cleanup();
  errors.dismiss();
});

const HOSTILE = '<img src=x onerror="window.__pwned=1"><b>bold</b>';

function understoodCase(over: Partial<CaseDetail> = {}): CaseDetail {
  const d = detail(summary(0, { sla_due_at: NOW + 40 * 60_000 }), {
    priority_reasons: ['negative', 'lost luggage', 'tier A customer', '48k followers'],
    suggestion: {
      template: 'lost-bag',
      name: 'Lost bag apology',
      text: 'Hi User 0, sorry about your bag. DM us your file reference.',
      department: 'Contact centre',
      approval_required: true,
      approver: 'legal',
    },
    author: {
      id: 7, channel: 'x', handle: 'user0', display_name: 'User 0', followers: 48000, post_count: 3,
      influence: { score: 58, parts: [{ name: 'followers', detail: '48k followers', points: 53.5 }, { name: 'engagement', detail: '3 posts, 33% answered', points: 4.5 }], explanation: '48k followers → 53.5; 3 posts, 33% answered → +4.5' },
      stands_out: [{ reason: 'influence', label: 'influence 58 (48k followers)' }],
    },
    customer: {
      id: 3, name: 'User Zero', emails: ['u0@example.com'], value_tier: 'A', lifetime_value: 48200,
      influence: { score: 58, parts: [{ name: 'followers', detail: '48k followers', points: 53.5 }], explanation: '48k followers → 53.5' },
      stands_out: [{ reason: 'value', label: 'value tier A' }],
    },
    ...over,
  });
  d.posts[0] = { ...d.posts[0], sentiment: 'negative', sentiment_score: -0.7, topic: 'lost luggage', topic_confidence: 0.81, language: 'en', labelled: [] };
  return d;
}

function open(d: CaseDetail, extra: Record<string, (a: any) => unknown> = {}) {
  let current = d;
  const mock = backend(invoke, {
    case_detail: () => current,
    case_replies: () => [],
    correct_prediction: ({ postId, field, value }) => {
      current = {
        ...current,
        posts: current.posts.map((p) => (p.id === postId ? { ...p, [field]: value, labelled: [...(p.labelled ?? []), field] } : p)),
      };
      return current;
    },
    ...extra,
  });
  render(ErrorBanner);
  render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
  return mock;
}

describe('why this priority', () => {
  it('shows the reasons as text joined by dots, and the SLA as time left', async () => {
    open(understoodCase());
    await waitFor(() => screen.getByTestId('priority-reasons'));
    const why = screen.getByTestId('priority-reasons');
    expect(screen.getAllByTestId('priority-reason').map((r) => r.textContent)).toEqual(['negative', 'lost luggage', 'tier A customer', '48k followers']);
    expect(why.textContent).toContain('negative · lost luggage · tier A customer · 48k followers');
    expect(screen.getByTestId('sla-due').textContent).toMatch(/^(39|40)m left on SLA$/);
  });

  it('says when the case has not been triaged, and when the SLA is overdue', () => {
    render(PriorityReasons, { props: { reasons: [], slaDueAt: NOW - 2 * 3600_000, now: NOW } });
    expect(screen.getByTestId('priority-reasons').textContent).toContain('not triaged yet');
    expect(screen.getByTestId('sla-due').textContent).toBe('SLA overdue by 2h');
  });

  it('leaves the SLA to a reason that already speaks of it', () => {
    render(PriorityReasons, { props: { reasons: ['SLA breached 4 h 40 min ago', 'positive'], slaDueAt: NOW - 4 * 3600_000, now: NOW } });
    expect(screen.getByTestId('priority-reasons').textContent).toContain('SLA breached 4 h 40 min ago · positive');
    expect(screen.queryByTestId('sla-due')).toBeNull();
  });

  it('renders a hostile reason as text', () => {
    render(PriorityReasons, { props: { reasons: [HOSTILE] } });
    expect(screen.getByTestId('priority-reason').textContent).toBe(HOSTILE);
    expect(document.querySelector('[data-testid="priority-reasons"] img')).toBeNull();
  });
});

describe('suggested reply', () => {
  it('shows the template, its department and who approves it', async () => {
    open(understoodCase());
    const card = await waitFor(() => screen.getByTestId('suggestion'));
    expect(within(card).getByTestId('suggestion-name').textContent).toBe('Lost bag apology');
    expect(card.textContent).toContain('Contact centre');
    expect(within(card).getByTestId('suggestion-approval').textContent).toBe('needs approval by legal');
    expect(within(card).getByTestId('suggestion-text').textContent).toBe('Hi User 0, sorry about your bag. DM us your file reference.');
  });

  it('"Use this reply" puts the text in the composer without sending it', async () => {
    const mock = open(understoodCase());
    await waitFor(() => screen.getByTestId('use-suggestion'));
    await fireEvent.click(screen.getByTestId('compose-note'));
    await fireEvent.click(screen.getByTestId('use-suggestion'));
    const input = screen.getByTestId('reply-input') as HTMLTextAreaElement;
    await waitFor(() => expect(input.value).toBe('Hi User 0, sorry about your bag. DM us your file reference.'));
    expect(screen.getByTestId('compose-reply').getAttribute('aria-selected')).toBe('true');
    expect(mock.mock.calls.some(([cmd]) => cmd === 'reply')).toBe(false);
    expect((screen.getByTestId('reply-submit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('renders hostile template text and names as text', async () => {
    open(understoodCase({ suggestion: { template: 'x', name: HOSTILE, text: HOSTILE, department: HOSTILE, approval_required: false, approver: null } }));
    const card = await waitFor(() => screen.getByTestId('suggestion'));
    expect(within(card).getByTestId('suggestion-text').textContent).toBe(HOSTILE);
    expect(within(card).getByTestId('suggestion-name').textContent).toBe(HOSTILE);
    expect(card.querySelector('img, b')).toBeNull();
    expect(within(card).queryByTestId('suggestion-approval')).toBeNull();
    await fireEvent.click(within(card).getByTestId('use-suggestion'));
    await waitFor(() => expect((screen.getByTestId('reply-input') as HTMLTextAreaElement).value).toBe(HOSTILE));
  });

  it('shows no card when the playbook has nothing', async () => {
    open(understoodCase({ suggestion: undefined }));
    await waitFor(() => screen.getByTestId('priority-reasons'));
    expect(screen.queryByTestId('suggestion')).toBeNull();
  });
});

describe('predictions on customer posts', () => {
  it('shows sentiment, topic and language on customer posts only', async () => {
    open(understoodCase());
    await waitFor(() => expect(screen.getAllByTestId('thread-post')).toHaveLength(2));
    const [inbound, outbound] = screen.getAllByTestId('thread-post');
    expect(within(inbound).getByTestId('chip-sentiment').textContent).toBe('negative');
    expect(within(inbound).getByTestId('chip-sentiment').className).toContain('negative');
    expect(within(inbound).getByTestId('chip-topic').textContent).toBe('lost luggage');
    expect(within(inbound).getByTestId('chip-language').textContent).toBe('en');
    expect(within(outbound).queryByTestId('prediction-chips')).toBeNull();
  });

  it('says "needs triage" when the model found no topic', async () => {
    const d = understoodCase();
    d.posts[0] = { ...d.posts[0], topic: undefined, topic_confidence: undefined };
    open(d);
    await waitFor(() => expect(screen.getByTestId('chip-topic').textContent).toBe('needs triage'));
  });

  it('correcting the sentiment calls the command and shows the label', async () => {
    const mock = open(understoodCase());
    await waitFor(() => screen.getByTestId('chip-sentiment'));
    await fireEvent.click(screen.getByTestId('chip-sentiment'));
    const sel = screen.getByTestId('correct-sentiment') as HTMLSelectElement;
    await fireEvent.change(sel, { target: { value: 'neutral' } });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('correct_prediction', { caseId: 1, postId: 10, field: 'sentiment', value: 'neutral' }));
    await waitFor(() => expect(screen.getByTestId('chip-sentiment').textContent).toBe('neutral · labelled by you'));
  });

  it('correcting the topic takes free text, offers the known topics, and shows the label', async () => {
    const mock = open(understoodCase());
    await waitFor(() => screen.getByTestId('chip-topic'));
    await fireEvent.click(screen.getByTestId('chip-topic'));
    const input = screen.getByTestId('correct-topic') as HTMLInputElement;
    const options = [...document.querySelectorAll(`#${input.getAttribute('list')} option`)].map((o) => o.getAttribute('value'));
    expect(options).toContain('billing');
    await fireEvent.input(input, { target: { value: 'billing' } });
    await fireEvent.click(screen.getByTestId('correct-topic-save'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('correct_prediction', { caseId: 1, postId: 10, field: 'topic', value: 'billing' }));
    await waitFor(() => expect(screen.getByTestId('chip-topic').textContent).toBe('billing · labelled by you'));
  });

  it('a refused correction is shown in the banner and the chip stays as it was', async () => {
    open(understoodCase(), { correct_prediction: () => { throw { code: 'invalid', message: 'a sentiment is negative, neutral or positive' }; } });
    await waitFor(() => screen.getByTestId('chip-sentiment'));
    await fireEvent.click(screen.getByTestId('chip-sentiment'));
    await fireEvent.change(screen.getByTestId('correct-sentiment'), { target: { value: 'positive' } });
    await waitFor(() => expect(screen.getByTestId('error-banner').textContent).toContain('a sentiment is negative, neutral or positive'));
    expect(screen.queryByText(/labelled by you/)).toBeNull();
  });

  it('names a label the team set earlier', async () => {
    const d = understoodCase();
    d.posts[0] = { ...d.posts[0], topic: 'damaged bag', topic_confidence: undefined, labelled: ['topic'] };
    open(d);
    await waitFor(() => expect(screen.getByTestId('chip-topic').textContent).toBe('damaged bag · team label'));
  });
});

describe('author and customer cards', () => {
  it('show influence with its explanation, value side by side, and why they stand out', async () => {
    open(understoodCase());
    const author = await waitFor(() => screen.getByTestId('author-card'));
    expect(within(author).getByTestId('influence').textContent).toBe('58');
    expect(within(author).getByTestId('influence').getAttribute('title')).toBe('48k followers → 53.5; 3 posts, 33% answered → +4.5');
    expect(within(author).getByTestId('influence-explanation').textContent).toBe('48k followers → 53.5; 3 posts, 33% answered → +4.5');
    expect(within(author).getByTestId('author-stands-out').textContent).toContain('influence 58 (48k followers)');
    const customer = screen.getByTestId('customer-card');
    const value = within(customer).getByTestId('customer-value');
    expect(value.textContent).toContain('A');
    expect(value.textContent).toContain('48,200');
    expect(within(value).getByTestId('influence').textContent).toBe('58');
    expect(within(customer).getByTestId('customer-stands-out').textContent).toContain('value tier A');
  });
});
