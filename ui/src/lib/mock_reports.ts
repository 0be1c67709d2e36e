// DEV ONLY: the Reports, Board and Alerts commands for the in-browser mock (mock.ts delegates to
// reportsMock from its default branch). A report and a board made from a seeded random stream
// (with a hostile topic and account name, to see them shown as text), cases behind a number, the
// CSV the CLI writes, and three alerts to acknowledge and resolve. State lives for the page's lifetime.
import type { CaseSummary } from './bindings/CaseSummary';
import type { Alert, BoardView, Report, ReportQuery, Slice, TrendPoint } from './reports_api';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const TOPICS = ['outage', 'billing', 'router', 'delivery', 'praise', '<img src=x onerror=alert(1)>'];
const DEPARTMENTS = [
  ['1', 'Contact centre'],
  ['2', 'Marketing'],
  ['3', 'PR / Communications'],
  ['4', 'Legal'],
  ['5', 'Sales'],
];
const MEMBERS = [['ana', 'Ana Ruiz'], ['kofi', 'Kofi Mensah'], ['mei', 'Mei Tanaka'], ['lucas', 'Lucas Weber']];
const CHANNELS = ['x', 'bluesky', 'mastodon', 'reddit'];
const ACCOUNTS = ['@LumenHelp', 'lumen.bsky.social', '<b>@evil</b>'];

function slice(key: string, label: string, rand: () => number, scale: number): Slice {
  const cases = Math.round(scale * (0.4 + rand()));
  const answered = Math.round(cases * (0.6 + 0.35 * rand()));
  const met = Math.round(answered * (0.7 + 0.3 * rand()));
  return {
    key,
    label,
    cases,
    answered,
    median_frt_s: 600 + rand() * 4000,
    p90_frt_s: 4000 + rand() * 20000,
    sla_met: met,
    sla_missed: answered - met,
    negative: Math.round(cases * 0.4 * rand()),
    backlog: cases - answered,
  };
}

function trend(from: number, to: number, bucket: number, rand: () => number): TrendPoint[] {
  const out: TrendPoint[] = [];
  for (let t = from; t < to; t += bucket) {
    const hour = new Date(t).getHours();
    const busy = bucket >= DAY ? 1 : 0.3 + Math.sin(((hour - 6) / 24) * Math.PI) ** 2;
    const posts_in = Math.round((bucket >= DAY ? 240 : 14) * busy * (0.7 + 0.6 * rand()));
    const spike = out.length === Math.floor(((to - from) / bucket) * 0.7) ? 3 : 1;
    out.push({ start: t, posts_in: posts_in * spike, negative: Math.round(posts_in * spike * (0.15 + 0.2 * rand()) * spike), answered: Math.round(posts_in * 0.8) });
  }
  return out;
}

export function mockReport(q: ReportQuery, now = Date.now()): Report {
  const to = q.to ?? now;
  const from = q.from ?? to - 14 * DAY;
  const span = Math.max(HOUR, to - from);
  const bucket = span <= 7 * DAY ? HOUR : DAY;
  const rand = rng(7 + Math.floor(from / DAY) + (q.channel?.length ?? 0) + (q.department_id ?? 0) + (q.topic?.length ?? 0));
  const scale = Math.max(5, Math.round(span / DAY) * 12);
  const departments = DEPARTMENTS.filter(([id]) => q.department_id === null || Number(id) === q.department_id).map(([id, name]) => slice(id, name, rand, scale));
  const cases = departments.reduce((s, d) => s + d.cases, 0);
  const answered = departments.reduce((s, d) => s + d.answered, 0);
  const met = departments.reduce((s, d) => s + d.sla_met, 0);
  const missed = departments.reduce((s, d) => s + d.sla_missed, 0);
  const negative = departments.reduce((s, d) => s + d.negative, 0);
  const orgs: Record<string, Slice> = {};
  for (const a of ACCOUNTS.filter((a) => q.account === null || a === q.account)) orgs[a] = slice(a, a, rand, scale);
  return {
    from,
    to,
    generated_at: now,
    bucket_ms: bucket,
    cases,
    answered,
    unanswered: cases - answered,
    backlog: cases - answered,
    posts_in: cases * 3,
    posts_out: answered * 2,
    median_frt_s: 1740,
    p90_frt_s: 15120,
    median_nrt_s: 2400,
    p90_nrt_s: 18000,
    median_resolution_s: 86400,
    p90_resolution_s: 4 * 86400,
    resolved: Math.round(answered * 0.8),
    sla: { met, missed, pct: met + missed ? (100 * met) / (met + missed) : null },
    sentiment: { negative, neutral: cases - negative, positive: Math.round(cases * 0.2), unknown: 3 },
    handed_over_share: 0.08,
    orgs,
    channels: CHANNELS.filter((c) => q.channel === null || c === q.channel).map((c) => slice(c, c, rand, scale)),
    departments,
    topics: TOPICS.filter((t) => q.topic === null || t === q.topic).map((t) => slice(t, t, rand, scale)),
    members: MEMBERS.map(([h, n]) => slice(h, n, rand, scale)),
    trend: trend(Math.floor(from / bucket) * bucket, to, bucket, rand),
    influential: [{ handle: 'streamer_kai', channel: 'x', followers: 182000, influence: 91, cases: 2 }],
  };
}

export function mockBoard(executive: boolean, now = Date.now()): BoardView {
  const rand = rng(11);
  const from = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
  const volume = trend(from, now, HOUR, rand);
  return {
    generated_at: now,
    window_from: from,
    window_to: now,
    bucket_ms: HOUR,
    volume,
    sentiment: { negative: 212, neutral: 401, positive: 96, unknown: 12 },
    sla_pct: 87.4,
    open_cases: 143,
    overdue: 17,
    top_topics: TOPICS.map((t, i) => ({ topic: t, count: 90 - i * 13, negative_share: [0.72, 0.41, 0.35, 0.3, 0.02, 0.5][i] })),
    departments: DEPARTMENTS.map(([, name], i) => ({ department: name, open: 60 - i * 11, overdue: Math.max(0, 9 - i * 2), unassigned: 12 - i * 2 })),
    influential: executive ? null : [{ handle: 'streamer_kai', channel: 'x', followers: 182000, influence: 91, cases: 2 }],
  };
}

function mockAlerts(now: number): Alert[] {
  const ex = (i: number, text: string) => ({ post_id: 900 + i, case_id: 1 + i, author: ['dana_k', '<script>x</script>', 'mo'][i % 3], text, created_at: now - (40 - i) * 60_000 });
  return [
    { id: 3, kind: 'negative_spike', scope: 'topic:outage', started_at: now - 2 * HOUR, ended_at: null, detected_at: now - 100 * 60_000, severity: 'high', observed: 48, expected: 6.5, ratio: 48 / 6.5, z: 9.1, peak_at: now - HOUR, hours: 2, status: 'open', note: null,
      examples: [ex(0, 'fibre down again in Didsbury, third time this week'), ex(1, '<img src=x onerror=alert(1)> no signal at all'), ex(2, 'is the whole network down??')] },
    { id: 2, kind: 'volume_spike', scope: 'account:@LumenHelp', started_at: now - 5 * HOUR, ended_at: null, detected_at: now - 4 * HOUR, severity: 'medium', observed: 120, expected: 40, ratio: 3, z: 5.2, peak_at: now - 4 * HOUR, hours: 3, status: 'acknowledged', note: null,
      examples: [ex(3, 'anyone else unable to log in to the app?')] },
    { id: 1, kind: 'volume_spike', scope: 'all', started_at: now - 3 * DAY, ended_at: now - 3 * DAY + 2 * HOUR, detected_at: now - 3 * DAY + HOUR, severity: 'low', observed: 70, expected: 35, ratio: 2, z: 3.3, peak_at: now - 3 * DAY, hours: 2, status: 'resolved', note: 'Campaign launch, expected.', examples: [] },
  ];
}

function mockCases(metric: string, key: string, n: number): CaseSummary[] {
  const now = Date.now();
  const rand = rng(key.length * 31 + metric.length);
  return Array.from({ length: n }, (_, i) => ({
    id: 1 + Math.floor(rand() * 2000),
    channel: CHANNELS[i % CHANNELS.length],
    status: metric === 'answered' ? 'resolved' : i % 2 ? 'open' : 'new',
    department_id: 1,
    department: 'Contact centre',
    assignee_id: null,
    assignee: i % 3 ? 'Ana Ruiz' : null,
    priority: Math.round(rand() * 90),
    sla_due_at: now - 3600_000 + i * 600_000,
    version: 1,
    author: ['dana_k', 'mo', '<b>bold</b>'][i % 3],
    author_name: i % 2 ? 'Dana K' : null,
    account: '@LumenHelp',
    subject: `${metric} behind ${key || 'the report'}: case ${i + 1} <i>not italic</i>`,
    opened_at: now - (i + 1) * 3600_000,
    last_post_at: now - i * 1800_000,
    first_response_at: null,
    post_count: 2,
  }));
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function mockCsv(r: Report): string {
  const head = ['kind', 'key', 'label', 'cases', 'answered', 'median_frt_s', 'p90_frt_s', 'sla_met', 'sla_missed', 'negative', 'backlog'];
  const rows: unknown[][] = [['total', '', 'All cases', r.cases, r.answered, r.median_frt_s, r.p90_frt_s, r.sla.met, r.sla.missed, r.sentiment.negative, r.backlog]];
  const add = (section: string, ss: Slice[]) => ss.forEach((s) => rows.push([section, s.key, s.label, s.cases, s.answered, s.median_frt_s, s.p90_frt_s, s.sla_met, s.sla_missed, s.negative, s.backlog]));
  add('org', Object.values(r.orgs));
  add('channel', r.channels);
  add('department', r.departments);
  add('topic', r.topics);
  add('member', r.members);
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

let alerts: Alert[] | null = null;

/** Answers a Reports / Board / Alerts command, or undefined when `cmd` is not one of them. */
export function reportsMock(cmd: string, a: Record<string, any>, executive = false): unknown {
  const now = Date.now();
  alerts ??= mockAlerts(now);
  switch (cmd) {
    case 'report':
      return mockReport(a.query);
    case 'board':
      return mockBoard(executive);
    case 'report_cases':
      return mockCases(a.metric, `${a.dimension ?? ''}:${a.key ?? ''}`, 12);
    case 'report_csv':
      return mockCsv(mockReport(a.query));
    case 'save_report_csv':
      throw { code: 'unavailable', message: 'saving a file needs the desktop app' };
    case 'alerts':
      return structuredClone(alerts.filter((x) => a.status === null || a.status === undefined || x.status === a.status)
        .map((x) => (executive ? { ...x, examples: [] } : x)));
    case 'acknowledge_alert':
    case 'resolve_alert': {
      const x = alerts.find((y) => y.id === a.id);
      if (!x) throw { code: 'not_found', message: `no alert #${a.id}` };
      if (x.status === 'resolved') throw { code: 'invalid', message: `alert #${a.id} is already resolved` };
      x.status = cmd === 'resolve_alert' ? 'resolved' : 'acknowledged';
      if (cmd === 'resolve_alert') x.note = a.note ?? null;
      return structuredClone(x);
    }
    default:
      return undefined;
  }
}
