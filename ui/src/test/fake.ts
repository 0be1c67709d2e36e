// Test helpers: a scripted stand-in for the Tauri backend behind the mocked `invoke`, and builders
// for workspace, cases and case details.
import { vi } from 'vitest';
import type { Account } from '../lib/bindings/Account';
import type { CaseDetail } from '../lib/bindings/CaseDetail';
import type { CaseSummary } from '../lib/bindings/CaseSummary';
import type { InboxQuery } from '../lib/bindings/InboxQuery';
import type { WorkspaceInfo } from '../lib/bindings/WorkspaceInfo';

export const NOW = Date.now();

export function workspace(over: Partial<WorkspaceInfo> = {}): WorkspaceInfo {
  return {
    empty: false,
    backend: 'sqlite',
    location: '/tmp/switchboard.db',
    me: { id: 1, handle: 'ana', name: 'Ana Ruiz', role: 'agent', department_id: 1 },
    departments: [
      { id: 1, slug: 'contact-centre', name: 'Contact centre' },
      { id: 2, slug: 'legal', name: 'Legal' },
    ],
    members: [
      { id: 1, handle: 'ana', name: 'Ana Ruiz', role: 'agent', department_id: 1 },
      { id: 2, handle: 'tom', name: 'Tom Okafor', role: 'approver', department_id: 2 },
    ],
    channels: ['x', 'bluesky'],
    case_count: 100000,
    ...over,
  };
}

/** The case at position `index` of the (fake) sorted inbox; ids are index + 1. */
export function summary(index: number, over: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id: index + 1,
    channel: 'x',
    status: 'new',
    department_id: null,
    department: null,
    assignee_id: null,
    assignee: null,
    priority: 60,
    sla_due_at: null,
    version: 1,
    author: `user${index}`,
    author_name: `User ${index}`,
    account: 'lumenhelp',
    subject: `Subject of case ${index + 1}`,
    opened_at: NOW - 3 * 3600_000,
    last_post_at: NOW - 3600_000,
    first_response_at: null,
    post_count: 1,
    ...over,
  };
}

export function detail(c: CaseSummary, over: Partial<CaseDetail> = {}): CaseDetail {
  return {
    case: c,
    posts: [
      { id: c.id * 10, channel: c.channel, external_id: `p${c.id}`, direction: 'inbound', author: c.author, author_name: c.author_name, text: `Hello from ${c.author}`, created_at: c.opened_at, reply_to: null },
      { id: c.id * 10 + 1, channel: c.channel, external_id: `r${c.id}`, direction: 'outbound', author: 'lumenhelp', author_name: 'Lumen Help', text: 'We are on it.', created_at: c.last_post_at, reply_to: `p${c.id}` },
    ],
    author: { id: 7, channel: c.channel, handle: c.author, display_name: c.author_name, followers: 1234, post_count: 3 },
    customer: null,
    events: [{ id: 1, case_id: c.id, at: c.opened_at, actor: 'import', kind: 'created', summary: 'case opened', body: null }],
    ...over,
  };
}

/** A connected feed; ids start at 1. */
export function account(id: number, over: Partial<Account> = {}): Account {
  return {
    id,
    network: 'rss',
    name: `Feed ${id}`,
    base_url: `https://reviews.example/feed/${id}.xml`,
    secret_ref: null,
    enabled: true,
    posts_fetched: 10 * id,
    last_poll_at: NOW - 5 * 60_000,
    next_poll_at: NOW + 10 * 60_000,
    last_error: null,
    last_error_at: null,
    ...over,
  };
}

export type Handler = (args: Record<string, any>) => unknown;

/** Installs command handlers on the mocked invoke; unknown commands reject as `invalid`. */
export function backend(invoke: unknown, handlers: Record<string, Handler>) {
  const mock = invoke as ReturnType<typeof vi.fn>;
  mock.mockReset();
  mock.mockImplementation(async (cmd: string, args: Record<string, any> = {}) => {
    const h = handlers[cmd];
    if (!h) throw { code: 'invalid', message: `no handler for ${cmd}` };
    return h(args);
  });
  return mock;
}

/** An inbox of `total` cases answering any offset/limit. */
export function pagedInbox(total: number): Handler {
  return ({ query }) => {
    const q = query as InboxQuery;
    const end = Math.min(total, q.offset + q.limit);
    const items = [];
    for (let i = q.offset; i < end; i++) items.push(summary(i));
    return { total, offset: q.offset, items };
  };
}

/** The queries that `inbox` was called with, in order. */
export function inboxQueries(mock: ReturnType<typeof vi.fn>): InboxQuery[] {
  return mock.mock.calls.filter((c) => c[0] === 'inbox').map((c) => (c[1] as { query: InboxQuery }).query);
}
