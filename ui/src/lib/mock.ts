// DEV ONLY: an in-memory stand-in for the Tauri backend so the UI can be run and screenshotted in a
// plain browser (`npm run dev`, then open http://localhost:1420/?n=100000 or ?empty; ?nosources
// starts with no connected sources, for the Sources page's empty state). Replies: X, Bluesky and
// Mastodon cases are answered by a connected demo account; Reddit sending always fails (to show a
// failed reply in the outbox) and Reviews has no account at all. Accounts: connect_account accepts
// any secret except one containing "wrong" (refused like a network would); the secret is not
// kept. connect_oauth ("Sign in with the browser") succeeds after a short wait unless the client id
// contains "wrong"; cancel_oauth stops a waiting one. Listening queries: a small checker refuses unbalanced quotes and parentheses and a
// dangling OR / AND with the column, like the real parser. Never loaded
// in production builds or inside Tauri (see main.ts).
import { mockIPC } from '@tauri-apps/api/mocks';
import type { ListeningQuery, PollOutcome } from './api';
import type { Account } from './bindings/Account';
import type { CaseDetail } from './bindings/CaseDetail';
import type { CaseEvent } from './bindings/CaseEvent';
import type { CaseStatus } from './bindings/CaseStatus';
import type { CaseSummary } from './bindings/CaseSummary';
import type { InboxQuery } from './bindings/InboxQuery';
import type { OutboxItem } from './bindings/OutboxItem';
import type { PostView } from './bindings/PostView';
import type { SuggestionView } from './bindings/SuggestionView';
import type { WorkspaceInfo } from './bindings/WorkspaceInfo';

const DEPARTMENTS = ['Contact centre', 'Marketing', 'PR', 'Legal', 'Sales', 'HR', 'Investor relations'].map((name, i) => ({
  id: i + 1,
  slug: name.toLowerCase().replace(/ /g, '-'),
  name,
}));
const MEMBERS = [
  ['ana', 'Ana Ruiz', 1],
  ['kofi', 'Kofi Mensah', 1],
  ['mei', 'Mei Tanaka', 1],
  ['lucas', 'Lucas Weber', 2],
  ['priya', 'Priya Nair', 3],
  ['tom', 'Tom Okafor', 4],
  ['sara', 'Sara Lind', 5],
].map(([handle, name, dept], i) => ({ id: i + 1, handle: handle as string, name: name as string, role: 'agent' as const, department_id: dept as number }));
const CHANNELS = ['x', 'bluesky', 'mastodon', 'reddit', 'reviews'];
const TEXTS = [
  'fibre down since 7am in Didsbury. I run a design studio from home and have a client call at 11. Any ETA?',
  'third time calling about my router, third different answer. nobody calls back.',
  'still waiting for the replacement SIM you promised last Monday. Tracking says label created for 6 days.',
  'Billed twice for November and the refund takes 10 working days. Meanwhile my rent bounced.',
  'Genuinely impressed: installer was early, tidy, and explained everything. 900 Mbps on the first test.',
  '<img src=x onerror=alert(1)><b>hi</b> is this rendered as HTML?',
  'we are opening 3 new depots in Q1 and need business fibre + 40 mobile lines. Who do we talk to?',
];
const STATUSES: CaseStatus[] = ['new', 'open', 'pending', 'resolved'];

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

export function installMock(params: URLSearchParams) {
  const n = Number(params.get('n') ?? 2000);
  let empty = params.has('empty');
  const rand = rng(42);
  const now = Date.now();
  let cases: CaseSummary[] = [];
  const events = new Map<number, CaseEvent[]>();
  let eventId = 1;

  function build() {
    cases = Array.from({ length: n }, (_, i) => {
      const status = STATUSES[Math.floor(rand() * 4)];
      const dept = rand() < 0.3 ? null : DEPARTMENTS[Math.floor(rand() * DEPARTMENTS.length)];
      const member = rand() < 0.4 ? null : MEMBERS[Math.floor(rand() * MEMBERS.length)];
      const opened = now - Math.floor(rand() * 7 * 24 * 3600_000);
      const handle = `user_${i}`;
      return {
        id: i + 1,
        channel: CHANNELS[i % CHANNELS.length],
        status,
        department_id: dept?.id ?? null,
        department: dept?.name ?? null,
        assignee_id: member?.id ?? null,
        assignee: member?.name ?? null,
        priority: status === 'resolved' ? 0 : Math.round((20 + rand() * 70) * 10) / 10,
        sla_due_at: rand() < 0.5 ? opened + 4 * 3600_000 : null,
        version: 1,
        author: handle,
        author_name: i % 3 === 0 ? null : `Person ${i}`,
        account: 'lumenhelp',
        subject: TEXTS[i % TEXTS.length],
        opened_at: opened,
        last_post_at: opened + 600_000,
        first_response_at: null,
        post_count: 2,
      } satisfies CaseSummary;
    });
    cases.sort((a, b) => b.priority - a.priority || a.opened_at - b.opened_at || a.id - b.id);
  }
  if (!empty) build();

  const MIN = 60_000;
  let accounts: Account[] = params.has('nosources')
    ? []
    : [
        { id: 1, network: 'rss', name: 'Trustpilot — Lumen Broadband', base_url: 'https://www.trustpilot.example/review/lumen.example/feed.rss', secret_ref: null, enabled: true, posts_fetched: 1284, last_poll_at: now - 4 * MIN, next_poll_at: now + 11 * MIN, last_error: null, last_error_at: null },
        { id: 2, network: 'rss', name: 'Google News: "Lumen outage"', base_url: 'https://news.example/rss/search?q=lumen+outage&hl=en-GB', secret_ref: null, enabled: true, posts_fetched: 87, last_poll_at: now - 52 * MIN, next_poll_at: now + 8 * MIN, last_error: 'the feed server answered 503 Service Unavailable; will try again at the next poll', last_error_at: now - 22 * MIN },
        { id: 3, network: 'rss', name: 'ispreview.example blog', base_url: 'https://ispreview.example/feed/', secret_ref: null, enabled: true, posts_fetched: 0, last_poll_at: null, next_poll_at: null, last_error: null, last_error_at: null },
        // The organisation's own accounts, which answer cases (see `reply`).
        { id: 4, network: 'x', name: 'lumenhelp', base_url: 'https://api.x.example', secret_ref: 'switchboard/x/lumenhelp', enabled: true, posts_fetched: 5120, last_poll_at: now - 2 * MIN, next_poll_at: now + 3 * MIN, last_error: null, last_error_at: null },
        { id: 5, network: 'bluesky', name: 'lumenhelp.bsky.social', base_url: 'https://bsky.social', secret_ref: 'switchboard/bluesky/lumenhelp', enabled: true, posts_fetched: 930, last_poll_at: now - 3 * MIN, next_poll_at: now + 2 * MIN, last_error: null, last_error_at: null },
        { id: 6, network: 'mastodon', name: 'lumen@social.lumen.example', base_url: 'https://social.lumen.example', secret_ref: 'switchboard/mastodon/lumen', enabled: true, posts_fetched: 412, last_poll_at: now - 6 * MIN, next_poll_at: now + 4 * MIN, last_error: null, last_error_at: null },
        { id: 7, network: 'reddit', name: 'u/LumenSupport', base_url: 'https://oauth.reddit.example', secret_ref: 'switchboard/reddit/lumensupport', enabled: true, posts_fetched: 77, last_poll_at: now - 9 * MIN, next_poll_at: now + 6 * MIN, last_error: null, last_error_at: null },
      ];
  let accountId = accounts.length + 1;

  function poll(id: number): PollOutcome {
    const i = accounts.findIndex((x) => x.id === id);
    if (i < 0) throw { code: 'not_found', message: `account ${id} not found` };
    const at = Date.now();
    // The second demo feed keeps failing, to show what a broken source looks like.
    if (accounts[i].name.includes('outage')) {
      const message = 'could not reach news.example: connection timed out after 20 s';
      accounts[i] = { ...accounts[i], last_error: message, last_error_at: at, next_poll_at: at + 15 * MIN };
      throw { code: 'unavailable', message };
    }
    const stored = Math.floor(rand() * 6);
    accounts[i] = { ...accounts[i], posts_fetched: accounts[i].posts_fetched + stored, last_poll_at: at, next_poll_at: at + 15 * MIN, last_error: null, last_error_at: null };
    return { fetched: stored + 20, stored, new_cases: Math.min(stored, 2), pages: 1 };
  }

  function connectFeed(url: string, name: string | null): Account {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw { code: 'invalid', message: `"${url}" is not a feed address: relative URL without a base` };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw { code: 'invalid', message: 'a feed address starts with http:// or https://' };
    const account: Account = { id: accountId++, network: 'rss', name: name ?? parsed.host + parsed.pathname, base_url: url, secret_ref: null, enabled: true, posts_fetched: 0, last_poll_at: null, next_poll_at: Date.now(), last_error: null, last_error_at: null };
    accounts = [...accounts, account];
    return { ...account };
  }

  const NETWORK_HOSTS: Record<string, string> = { bluesky: 'Bluesky', mastodon: 'the instance', x: 'X', reddit: 'Reddit' };

  function connectAccount(network: string, baseUrl: string, handle: string, secret: string, userId: string | null): Account {
    if (!(network in NETWORK_HOSTS)) throw { code: 'invalid', message: `"${network}" is not a network accounts connect to` };
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw { code: 'invalid', message: `"${baseUrl}" is not a server address` };
    }
    if (handle.trim() === '') throw { code: 'invalid', message: "the account's handle is missing" };
    if (network === 'x' && !userId) throw { code: 'invalid', message: 'an X account needs its numeric user id' };
    if (secret.includes('wrong')) {
      const what = network === 'bluesky' ? 'app password' : 'token';
      throw { code: 'invalid', message: `${NETWORK_HOSTS[network]} did not accept the ${what}: 401 Unauthorized (check it, or make a new one)` };
    }
    const name = handle.trim().replace(/^@/, '');
    const account: Account = {
      id: accountId++, network, name: network === 'mastodon' ? `${name}@${parsed.host}` : name, base_url: baseUrl, secret_ref: `${network}:${name}/access-token`,
      enabled: true, posts_fetched: 0, last_poll_at: null, next_poll_at: Date.now(), last_error: null, last_error_at: null,
    };
    accounts = [...accounts, account];
    return { ...account };
  }

  /** The browser sign-in that is waiting, if any: calling it cancels it. */
  let cancelSignIn: (() => void) | null = null;

  async function connectOAuth(a: Record<string, any>): Promise<Account> {
    const network = a.network as string;
    if (!['x', 'reddit', 'mastodon'].includes(network)) throw { code: 'invalid', message: `"${network}" accounts do not sign in with the browser: x, reddit or mastodon do` };
    const port = a.redirectPort as number | null;
    if (port !== null && (port < 1 || port > 65535)) throw { code: 'invalid', message: `the redirect port must be between 1 and 65535, not ${port}` };
    const clientId = ((a.clientId as string | null) ?? '').trim();
    if (network !== 'mastodon' && clientId === '') throw { code: 'invalid', message: `signing in needs the client id of the app registered with ${NETWORK_HOSTS[network]}` };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cancelSignIn = null;
        resolve();
      }, 1500);
      cancelSignIn = () => {
        clearTimeout(timer);
        cancelSignIn = null;
        reject({ code: 'invalid', message: 'the sign-in was cancelled before it finished' });
      };
    });
    if (clientId.includes('wrong')) {
      throw { code: 'invalid', message: `the authorization server refused the authorization code (HTTP 401): invalid_client — unknown client ${clientId}` };
    }
    return connectAccount(network, a.baseUrl, a.handle, 'oauth-token', a.userId);
  }

  let queries: ListeningQuery[] = [
    { id: 1, name: 'Outages', query: '(outage OR "no signal") -resolved lang:en', department_id: 3, tag: 'outage', enabled: true, matches: 214 },
    { id: 2, name: 'Legal threats', query: 'lawsuit OR "class action" OR ombudsman', department_id: 4, tag: null, enabled: true, matches: 9 },
    { id: 3, name: 'Big accounts', query: 'followers:>10k (lumen OR @lumenhelp)', department_id: 3, tag: 'vip', enabled: true, matches: 41 },
    { id: 4, name: '<img src=x onerror=alert(1)> hostile name', query: '"<b>not bold</b>"', department_id: null, tag: '<i>tag</i>', enabled: true, matches: 0 },
  ];
  let queryId = queries.length + 1;

  /** Just enough of the query language's checks to show a refusal with its column. */
  function checkQuery(q: string): string | null {
    const opens: number[] = [];
    let quote: number | null = null;
    for (let i = 0; i < q.length; i++) {
      const c = q[i];
      if (quote !== null) {
        if (c === '"') quote = null;
        continue;
      }
      if (c === '"') quote = i;
      else if (c === '(') opens.push(i);
      else if (c === ')' && opens.pop() === undefined) return `unexpected ) at column ${i + 1}; there is no ( to close`;
    }
    if (quote !== null) return `unterminated quote: the " at column ${quote + 1} is never closed`;
    if (opens.length) return `expected ) to close the ( at column ${opens[opens.length - 1] + 1}`;
    const op = /(^|\s)(OR|AND)(\s*$|\s*\))|^\s*(OR|AND)\b/.exec(q);
    if (op) {
      const word = op[2] ?? op[4];
      return `${word} needs a term on each side at column ${q.indexOf(word, op.index) + 1}`;
    }
    if (q.trim() === '') return 'the query is empty';
    return null;
  }

  function addQuery(name: string, query: string, department: string | null, tag: string | null): ListeningQuery {
    if (name.trim() === '') throw { code: 'invalid', message: 'a listening query needs a name' };
    const problem = checkQuery(query);
    if (problem) throw { code: 'invalid', message: `the query ${JSON.stringify(query)} does not read: ${problem}` };
    const dept = department === null ? null : DEPARTMENTS.find((d) => d.slug === department);
    if (dept === undefined) throw { code: 'invalid', message: `no department ${JSON.stringify(department)}` };
    const existing = queries.find((q) => q.name === name.trim());
    const saved: ListeningQuery = { id: existing?.id ?? queryId++, name: name.trim(), query: query.trim(), department_id: dept?.id ?? null, tag, enabled: true, matches: existing?.matches ?? 0 };
    queries = [...queries.filter((q) => q.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
    return { ...saved };
  }

  // Replies: the outbox, and the outbound posts that sent replies became.
  let outbox: OutboxItem[] = [];
  let outboxId = 1;
  const sentPosts = new Map<number, PostView[]>();
  const REPLY_URLS: Record<string, (id: string) => string> = {
    x: (id) => `https://x.example/lumenhelp/status/${id}`,
    bluesky: (id) => `https://bsky.example/profile/lumenhelp.bsky.social/post/${id}`,
    mastodon: (id) => `https://social.lumen.example/@lumen/${id}`,
  };

  function record(caseId: number, kind: CaseEvent['kind'], summary: string, body: string | null = null) {
    const c = cases.find((x) => x.id === caseId);
    if (c) eventsOf(c).push({ id: eventId++, case_id: caseId, at: Date.now(), actor: 'ana', kind, summary, body });
  }

  function send(item: OutboxItem): OutboxItem {
    const i = outbox.findIndex((x) => x.id === item.id);
    const c = cases.find((x) => x.id === item.case_id)!;
    const attempts = item.attempts + 1;
    if (c.channel === 'reddit') {
      const error = 'reddit answered 403 Forbidden: u/LumenSupport may not comment in this subreddit';
      outbox[i] = { ...item, state: 'failed', attempts, last_error: error };
      record(c.id, 'reply_failed', `sending failed: ${error}`);
      throw { code: 'unavailable', message: error };
    }
    const at = Date.now();
    const external = String(90000 + item.id);
    const url = REPLY_URLS[c.channel]?.(external) ?? null;
    outbox[i] = { ...item, state: 'sent', attempts, external_id: external, url, last_error: null, sent_at: at };
    const posts = sentPosts.get(c.id) ?? [];
    posts.push({ id: 1_000_000 + item.id, channel: c.channel, external_id: external, direction: 'outbound', author: 'lumenhelp', author_name: 'Lumen Help', text: item.body, created_at: at, reply_to: item.in_reply_to });
    sentPosts.set(c.id, posts);
    const ci = cases.findIndex((x) => x.id === c.id);
    cases[ci] = { ...c, post_count: c.post_count + 1, last_post_at: at, first_response_at: c.first_response_at ?? at, version: c.version + 1 };
    record(c.id, 'reply_sent', url ? `reply sent: ${url}` : `reply sent (id ${external})`);
    return outbox[i];
  }

  function sendPending(): { sent: OutboxItem[]; error: unknown } {
    const sent: OutboxItem[] = [];
    let error: unknown = null;
    for (const item of outbox.filter((x) => x.state === 'queued' || x.state === 'failed' || x.state === 'sending')) {
      try {
        sent.push(send(item));
      } catch (e) {
        error ??= e;
      }
    }
    return { sent, error };
  }

  // Approvals: a reply from a template that needs approval waits (?approver makes this desk Tom,
  // legal's approver, who sees the Approvals tab).
  function decide(cmd: string, a: Record<string, any>): OutboxItem {
    const i = outbox.findIndex((x) => x.id === a.replyId);
    const item = outbox[i];
    if (!item?.approval) throw { code: 'not_found', message: `reply #${a.replyId} does not wait for any approval` };
    if (item.approval.state !== 'pending') throw { code: 'conflict', message: `reply #${item.id} was already ${item.approval.state} by ${item.approval.decided_by}` };
    const decided = { ...item.approval, decided_by: info().me!.handle, decided_at: Date.now() };
    if (cmd === 'reject_reply') {
      if (!String(a.comment ?? '').trim()) throw { code: 'invalid', message: 'a rejection needs a comment saying why, for the reply\'s author' };
      outbox[i] = { ...item, state: 'rejected', approval: { ...decided, state: 'rejected', comment: String(a.comment).trim() } };
      record(item.case_id, 'reply_rejected', `rejected reply #${item.id} for ${item.approval.approver_name}`, String(a.comment).trim());
      return outbox[i];
    }
    const edit = typeof a.edit === 'string' && a.edit.trim() ? a.edit.trim() : null;
    outbox[i] = { ...item, state: 'queued', body: edit ?? item.body, approval: { ...decided, state: 'approved', edited: edit !== null } };
    record(item.case_id, 'reply_approved', `approved reply #${item.id} for ${item.approval.approver_name}${edit ? ' with edits' : ''}`, edit);
    try {
      return send(outbox[i]);
    } catch {
      return outbox[i];
    }
  }

  function approvalQueue() {
    return outbox
      .filter((x) => x.state === 'awaiting_approval' && x.approval)
      .map((x) => {
        const c = cases.find((y) => y.id === x.case_id)!;
        return { approval: x.approval!, body: x.body, direct: x.direct, channel: c.channel, author: c.author, subject: c.subject };
      });
  }

  function reply(caseId: number, body: string, direct: boolean, template: string | null = null): CaseDetail {
    const c = cases.find((x) => x.id === caseId);
    if (!c) throw { code: 'not_found', message: `case ${caseId} not found` };
    if (body.trim() === '') throw { code: 'invalid', message: 'a reply needs some text' };
    const network = c.channel === 'reviews' ? null : c.channel;
    if (!network || !accounts.some((x) => x.network === network)) {
      throw { code: 'invalid', message: `no connected ${c.channel} account can answer this case: connect one first` };
    }
    const id = outboxId++;
    const needs = SUGGESTIONS.find((s) => s.template === template && s.approval_required);
    if (needs) {
      const dept = DEPARTMENTS.find((d) => d.slug === needs.approver);
      outbox.push({
        id, case_id: caseId, account_id: accounts.find((x) => x.network === network)!.id, in_reply_to: `${caseId}-1`, conversation: `${caseId}-1`,
        direct, body, idempotency_key: `mock-${id}`, state: 'awaiting_approval', attempts: 0, external_id: null, url: null, last_error: null,
        created_by: 'ana', created_at: Date.now(), sent_at: null,
        approval: {
          reply_id: id, case_id: caseId, approver: needs.approver ?? 'legal', approver_name: dept?.name ?? needs.approver ?? 'Legal', reason: `template ${needs.template}`,
          state: 'pending', requested_by: 'ana', requested_at: Date.now(), decided_by: null, decided_at: null, comment: null, original_body: body, edited: false,
        },
      });
      record(caseId, 'reply_queued', direct ? 'wrote a direct message' : 'wrote a reply', body);
      record(caseId, 'approval_requested', `reply #${id} awaits approval by ${dept?.name ?? needs.approver} (template ${needs.template})`);
      return detail(caseId);
    }
    outbox.push({
      id, case_id: caseId, account_id: accounts.find((x) => x.network === network)!.id, in_reply_to: `${caseId}-1`, conversation: `${caseId}-1`,
      direct, body, idempotency_key: `mock-${id}`, state: 'queued', attempts: 0, external_id: null, url: null, last_error: null,
      created_by: 'ana', created_at: Date.now(), sent_at: null,
    });
    record(caseId, 'reply_queued', direct ? 'wrote a direct message' : 'wrote a reply', body);
    const { error } = sendPending();
    if (error) throw error;
    return detail(caseId);
  }

  const info = (): WorkspaceInfo => ({
    empty,
    backend: 'sqlite',
    location: '/home/demo/.local/share/switchboard/switchboard.db',
    me: params.has('approver') ? { ...MEMBERS[5], role: 'approver' } : MEMBERS[0],
    departments: DEPARTMENTS,
    members: MEMBERS,
    channels: CHANNELS,
    case_count: cases.length,
  });

  function eventsOf(c: CaseSummary): CaseEvent[] {
    let list = events.get(c.id);
    if (!list) {
      list = [{ id: eventId++, case_id: c.id, at: c.opened_at, actor: 'import', kind: 'created', summary: 'case opened', body: null }];
      events.set(c.id, list);
    }
    return list;
  }

  // What the models make of each demo text (sentiment, score, topic or none = needs triage,
  // language), the priority reasons, and the playbook's suggestion for it (case view).
  const UNDERSTOOD: [string, number, string | undefined, string][] = [
    ['negative', -0.62, 'outage', 'en'],
    ['negative', -0.71, undefined, 'en'],
    ['negative', -0.35, 'late delivery', 'en'],
    ['negative', -0.8, 'billing', 'en'],
    ['positive', 0.86, 'praise', 'en'],
    ['neutral', 0.02, undefined, 'en'],
    ['neutral', 0.21, 'sales lead', 'en'],
  ];
  const REASONS = [
    ['negative', 'outage', 'tier A customer', '48k followers'],
    ['negative', 'third contact', 'no reply for 2h'],
    ['negative', 'late delivery'],
    ['negative', 'billing', 'tier A customer', 'mentions rent'],
    ['positive', 'praise'],
    [],
    ['sales lead', '40 mobile lines'],
  ];
  const SUGGESTIONS: (Omit<SuggestionView, 'text'> & { text: (c: CaseSummary) => string })[] = [
    { template: 'outage-update', name: 'Outage update', department: 'Contact centre', approval_required: false, approver: null, text: (c) => `Hi ${c.author_name ?? '@' + c.author}, we know about the fibre outage in your area and engineers are on site. We expect service back by 13:00 and will update you here.` },
    { template: 'apology-callback', name: 'Apology and call back', department: 'Contact centre', approval_required: false, approver: null, text: (c) => `Hi @${c.author}, we're sorry you had to chase us. A team leader will call you back today — could you DM us your account number?` },
    { template: 'sim-delivery', name: 'SIM delivery check', department: 'Contact centre', approval_required: false, approver: null, text: () => 'Sorry for the wait. Please DM us your order number and we will check the courier right away.' },
    { template: 'billing-refund', name: 'Double charge refund', department: 'Legal', approval_required: true, approver: 'legal', text: (c) => `Hi ${c.author_name ?? '@' + c.author}, we're sorry about the double charge. We have refunded it today; you'll see it within 3 working days.` },
    { template: 'thanks', name: 'Thank you', department: 'Marketing', approval_required: false, approver: null, text: () => 'Thank you so much for the kind words! We will pass them on to the installer.' },
    { template: 'generic', name: '<b>Generic</b> reply', department: null, approval_required: false, approver: null, text: () => '<img src=x onerror=alert(1)> Thanks for reaching out, we will look into it.' },
    { template: 'sales-intro', name: 'Business sales intro', department: 'Sales', approval_required: false, approver: null, text: () => 'Great to hear! Our business team will contact you today — what is the best email to reach you?' },
  ];
  /** The team's corrections: post id → field → value. */
  const labels = new Map<number, Record<string, string>>();

  function understood(postId: number, c: CaseSummary): Partial<PostView> {
    const [sentiment, sentiment_score, topic, language] = UNDERSTOOD[TEXTS.indexOf(c.subject) % UNDERSTOOD.length];
    const mine = labels.get(postId) ?? {};
    return {
      sentiment: mine.sentiment ?? sentiment,
      sentiment_score: mine.sentiment ? undefined : sentiment_score,
      topic: mine.topic ?? topic,
      topic_confidence: mine.topic ? undefined : topic ? 0.78 : undefined,
      language,
      labelled: Object.keys(mine),
    };
  }

  function correctPrediction(caseId: number, postId: number, field: string, value: string): CaseDetail {
    const d = detail(caseId);
    if (!d.posts.some((p) => p.id === postId)) throw { code: 'not_found', message: `no post #${postId} in case #${caseId}` };
    if (field === 'sentiment' && !['negative', 'neutral', 'positive'].includes(value)) throw { code: 'invalid', message: `a sentiment is negative, neutral or positive, not "${value}"` };
    if (field !== 'sentiment' && field !== 'topic') throw { code: 'invalid', message: `only sentiment and topic can be corrected, not "${field}"` };
    if (!value.trim()) throw { code: 'invalid', message: 'a topic is needed' };
    labels.set(postId, { ...(labels.get(postId) ?? {}), [field]: value.trim() });
    return detail(caseId);
  }

  function suggestionFor(c: CaseSummary): SuggestionView {
    const { text, ...rest } = SUGGESTIONS[TEXTS.indexOf(c.subject) % SUGGESTIONS.length];
    return { ...rest, text: text(c) };
  }

  function detail(id: number): CaseDetail {
    const c = cases.find((x) => x.id === id);
    if (!c) throw { code: 'not_found', message: `case ${id} not found` };
    const followers = (id * 137) % 50000;
    const influence = {
      score: Math.round((80 * Math.log10(1 + followers)) / 7 + 3),
      parts: [
        { name: 'followers', detail: `${formatFollowers(followers)} followers`, points: Math.round((800 * Math.log10(1 + followers)) / 7) / 10 },
        { name: 'engagement', detail: '2 posts, 50% answered', points: 3 },
      ],
      explanation: `${formatFollowers(followers)} followers → ${(Math.round((800 * Math.log10(1 + followers)) / 7) / 10).toFixed(1)}; 2 posts, 50% answered → +3`,
    };
    const standsOut = [
      ...(influence.score >= 50 ? [{ reason: 'influence', label: `influence ${influence.score} (${formatFollowers(followers)} followers)` }] : []),
      ...(id % 2 ? [{ reason: 'value', label: 'value tier A' }] : []),
    ];
    const posts: PostView[] = [
      { id: id * 10, channel: c.channel, external_id: `${id}-1`, direction: 'inbound', author: c.author, author_name: c.author_name, text: `@lumenhelp ${c.subject}`, created_at: c.opened_at, reply_to: null, ...understood(id * 10, c) },
      { id: id * 10 + 1, channel: c.channel, external_id: `${id}-2`, direction: 'outbound', author: 'lumenhelp', author_name: 'Lumen Help', text: `@${c.author} Sorry about this! We are looking into it now and will DM you shortly.`, created_at: c.last_post_at, reply_to: `${id}-1` },
    ];
    posts.push(...(sentPosts.get(id) ?? []));
    return {
      case: c,
      posts,
      author: { id, channel: c.channel, handle: c.author, display_name: c.author_name, followers, post_count: 2, influence, stands_out: standsOut },
      customer: id % 2 ? { id, name: c.author_name ?? 'Unknown', emails: [`${c.author}@example.com`], value_tier: 'A', lifetime_value: 2400, influence, stands_out: standsOut } : null,
      events: eventsOf(c),
      priority_reasons: c.status === 'resolved' ? [] : REASONS[TEXTS.indexOf(c.subject) % REASONS.length],
      suggestion: suggestionFor(c),
    };
  }

  function formatFollowers(n: number): string {
    return n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n);
  }

  function change(id: number, expected: number | null, apply: (c: CaseSummary) => CaseSummary, kind: CaseEvent['kind'], summary: string, body: string | null = null) {
    const i = cases.findIndex((x) => x.id === id);
    if (i < 0) throw { code: 'not_found', message: `case ${id} not found` };
    if (expected !== null && cases[i].version !== expected) throw { code: 'conflict', message: `case ${id} changed (version ${cases[i].version})` };
    cases[i] = { ...apply(cases[i]), version: cases[i].version + 1 };
    eventsOf(cases[i]).push({ id: eventId++, case_id: id, at: Date.now(), actor: 'ana', kind, summary, body });
    return detail(id);
  }

  mockIPC(async (cmd, payload) => {
    const a = (payload ?? {}) as Record<string, any>;
    await new Promise((r) => setTimeout(r, 60));
    switch (cmd) {
      case 'workspace_info':
        return info();
      case 'load_demo':
        if (!empty) throw { code: 'invalid', message: 'workspace is not empty' };
        empty = false;
        build();
        return info();
      case 'inbox': {
        const q = a.query as InboxQuery;
        const s = q.search?.toLowerCase();
        const hits = cases.filter(
          (c) =>
            (!q.status || c.status === q.status) &&
            (q.department_id === null || c.department_id === q.department_id) &&
            (!q.unrouted || c.department_id === null) &&
            (!q.channel || c.channel === q.channel) &&
            (q.assignee_id === null || c.assignee_id === q.assignee_id) &&
            (!q.needs_triage || !understood(c.id * 10, c).topic) &&
            (!s || c.subject.toLowerCase().includes(s) || c.author.includes(s)),
        );
        return { total: hits.length, offset: q.offset, items: hits.slice(q.offset, q.offset + q.limit) };
      }
      case 'case_detail':
        return detail(a.caseId);
      case 'assign_case': {
        const m = MEMBERS.find((x) => x.id === a.memberId) ?? null;
        return change(a.caseId, a.expectedVersion, (c) => ({ ...c, assignee_id: m?.id ?? null, assignee: m?.name ?? null }), 'assigned', m ? `assigned to ${m.name}` : 'unassigned');
      }
      case 'claim_case': {
        const me = MEMBERS[0];
        const c = cases.find((x) => x.id === a.caseId);
        const holder = MEMBERS.find((m) => m.id === c?.assignee_id);
        if (holder && holder.id !== me.id) throw { code: 'conflict', message: `case #${a.caseId} was just claimed by ${holder.handle}` };
        if (holder) return detail(a.caseId);
        return change(a.caseId, null, (x) => ({ ...x, assignee_id: me.id, assignee: me.name }), 'assigned', `claimed: assigned to ${me.name}`);
      }
      case 'move_case': {
        const d = DEPARTMENTS.find((x) => x.id === a.departmentId) ?? null;
        return change(a.caseId, a.expectedVersion, (c) => ({ ...c, department_id: d?.id ?? null, department: d?.name ?? null }), 'moved', d ? `moved to ${d.name}` : 'unrouted');
      }
      case 'hand_off_case': {
        const d = DEPARTMENTS.find((x) => x.id === a.departmentId);
        if (!d) throw { code: 'invalid', message: `no department #${a.departmentId}` };
        if (!String(a.reason ?? '').trim()) throw { code: 'invalid', message: 'say why you hand the case over: the reason is required' };
        const from = cases.find((x) => x.id === a.caseId)?.department;
        const summary = from ? `handed off from ${from} to ${d.name}` : `handed off to ${d.name}`;
        return change(a.caseId, a.expectedVersion, (c) => ({ ...c, department_id: d.id, department: d.name }), 'handed_off', summary, String(a.reason).trim());
      }
      case 'set_status':
        return change(a.caseId, a.expectedVersion, (c) => ({ ...c, status: a.status }), 'status_changed', `status set to ${a.status}`);
      case 'add_note':
        return change(a.caseId, null, (c) => c, 'note', 'added a note', a.body);
      case 'accounts':
        // A copy, as the real IPC would deliver: the page must see the changes of a poll.
        return structuredClone(accounts);
      case 'connect_feed':
        return connectFeed(a.url, a.name);
      case 'connect_account':
        return connectAccount(a.network, a.baseUrl, a.handle, a.secret, a.userId);
      case 'connect_oauth':
        return connectOAuth(a);
      case 'cancel_oauth': {
        const waiting = cancelSignIn !== null;
        cancelSignIn?.();
        return waiting;
      }
      case 'listening_queries':
        return structuredClone(queries);
      case 'add_listening_query':
        return addQuery(a.name, a.query, a.department, a.tag);
      case 'poll_account':
        return poll(a.accountId);
      case 'reply':
        return reply(a.caseId, a.body, a.direct, a.template ?? null);
      case 'approval_queue':
        if (!params.has('approver')) throw { code: 'forbidden', message: 'ana (agent) may not approve replies' };
        return structuredClone(approvalQueue());
      case 'approve_reply':
      case 'reject_reply':
        return structuredClone(decide(cmd, a));
      case 'correct_prediction':
        return correctPrediction(a.caseId, a.postId, a.field, a.value);
      case 'suggested_reply': {
        const c = cases.find((x) => x.id === a.caseId);
        if (!c) throw { code: 'not_found', message: `case ${a.caseId} not found` };
        return suggestionFor(c);
      }
      case 'case_replies':
        return structuredClone(outbox.filter((x) => x.case_id === a.caseId));
      case 'send_replies': {
        const { sent, error } = sendPending();
        if (error) throw error;
        return structuredClone(sent);
      }
      default:
        { const team = (await import('./mock_team')).teamMock(cmd, a); if (team !== undefined) return team; }
        { const pres = (await import('./mock_presence')).presenceMock(cmd, a); if (pres !== undefined) return pres; }
        { const rep = (await import('./mock_reports')).reportsMock(cmd, a, params.has('executive')); if (rep !== undefined) return rep; }
        { const set = (await import('./mock_settings')).settingsMock(cmd, a); if (set !== undefined) return set; }
        throw { code: 'invalid', message: `unknown command ${cmd}` };
    }
  });
}
