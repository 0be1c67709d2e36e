// DEV ONLY: the Team tab's commands for the in-browser mock (mock.ts delegates to teamMock from its
// default branch). A small TOML rule set, playbook and SLA file that save as numbered versions;
// a tiny checker that refuses an unbalanced quote and an unknown department with the line and
// rule, like the real one; a dry-run result; three link suggestions (one with a hostile handle),
// an identity log with undo and a few customers to merge (undoing a merge only marks the entry). State lives for the page's lifetime.
import type {
  ConfigKind,
  ConfigText,
  CustomerListItem,
  DryRun,
  IdentityEntry,
  LinkSuggestion,
  RulesCheck,
  SavedConfig,
} from './team_api';

const RULES = `# Switchboard rules: read from top to bottom for every case.
# Each rule: \`on\`, \`when\` (all must hold), \`then\` (actions in order), \`stop\`.

[[rule]]
name = "Spam and noise"
when = { text = '"crypto giveaway" OR "dm for promo"' }
then = [{ close = "noise" }]
stop = true

[[rule]]
name = "Legal threat"
when = { text = 'solicitor OR lawyer* OR "data breach" OR gdpr OR sue' }
then = [{ route = "legal" }, { tag = "legal-risk" }, { priority = "+25" }, { sla = "urgent" }]
stop = true

[[rule]]
name = "Outage"
when = { text = 'outage OR offline OR down OR "no fibre"' }
then = [{ tag = "outage" }, { priority = "+10" }, { suggest = "outage-update" }]

[[rule]]
name = "Everything else to the contact centre"
when = { unrouted = true }
then = [{ route = "contact-centre" }, { assign = "round_robin" }]
`;

const PLAYBOOK = `# Response templates. Variables: {customer_name} {first_name} {handle} {case_number} {agent_name}.

[[template]]
slug = "outage-update"
name = "Outage: apology and update"
topics = ["outage", "network"]
department = "contact-centre"
text = "{handle} Sorry {first_name}, we know about the problem in your area. Case {case_number}. - {agent_name}"

[[template]]
slug = "legal-holding"
name = "Legal: acknowledge and take it private"
topics = ["legal"]
department = "legal"
approval = "legal"
text = "{handle} Thank you for raising this, {customer_name}. Our team will contact you privately today."
`;

const SLA = `# SLA policies: targets count only the calendar's open hours.
default = "standard"

[[calendar]]
name = "office"
utc_offset = "+00:00"
hours = { mon = "08:00-20:00", tue = "08:00-20:00", wed = "08:00-20:00", thu = "08:00-20:00", fri = "08:00-20:00" }
holidays = ["2026-12-25", "2026-12-26", "2027-01-01"]

[[policy]]
name = "standard"
calendar = "office"
first_response = "1h"
next_response = "2h"
resolution = "2d"
departments = ["contact-centre", "marketing", "sales"]

[[policy]]
name = "urgent"
calendar = "office"
first_response = "15m"
resolution = "1d"
`;

const DEPARTMENTS = ['contact-centre', 'marketing', 'pr', 'legal', 'sales', 'hr', 'investor-relations'];
const HOUR = 3_600_000;

type Failure = { code: string; message: string };
const fail = (message: string, code = 'invalid'): never => {
  throw { code, message } satisfies Failure;
};

const now = Date.now();
const configs: Record<ConfigKind, ConfigText> = {
  rules: { kind: 'rules', text: RULES, version: 3, saved_by: 'ana', saved_at: now - 26 * HOUR },
  playbook: { kind: 'playbook', text: PLAYBOOK, version: null, saved_by: null, saved_at: null },
  sla: { kind: 'sla', text: SLA, version: 1, saved_by: 'tom', saved_at: now - 9 * 24 * HOUR },
  alerts: { kind: 'alerts', text: '# Early-warning thresholds\nmin_count = 12\nquiet_hours = 2\ncooldown_hours = 6\n\n[low]\nratio = 1.5\nz = 4.0\n\n[medium]\nratio = 2.0\nz = 5.5\n\n[high]\nratio = 3.0\nz = 7.0\n', version: null, saved_by: null, saved_at: null },
};

let suggestions: LinkSuggestion[] = [
  { id: 11, author_id: 301, channel: 'x', handle: 'dana_w', display_name: 'Dana W.', followers: 1840, customer_id: 41, customer_name: 'Dana Whitfield', evidence: 'same name; email dana.whitfield@ in the profile', score: 0.82, status: 'pending' },
  { id: 12, author_id: 302, channel: 'bluesky', handle: 'kofi-builds.bsky.social', display_name: 'Kofi', followers: 312, customer_id: 57, customer_name: 'Kofi Asante Ltd', evidence: 'company domain kofibuilds.example in the bio', score: 0.64, status: 'pending' },
  { id: 13, author_id: 303, channel: 'reddit', handle: '<img src=x onerror=alert(1)>', display_name: '<b>Mallory</b>', followers: null, customer_id: 62, customer_name: 'Mallory "<script>" Jones', evidence: 'similar name only', score: 0.41, status: 'pending' },
];

let nextLog = 208;
let log: IdentityEntry[] = [
  { id: 207, at: now - 40 * 60_000, actor: 'ana', action: 'link', summary: 'linked @grace_h (x) to customer Grace Hopper', undone: false },
  { id: 206, at: now - 3 * HOUR, actor: 'identity', action: 'link', summary: 'linked automatically (same handle) @lumenfan (mastodon) to customer Sam Carter', undone: false },
  { id: 205, at: now - 20 * HOUR, actor: 'tom', action: 'merge', summary: 'merged customer S. Carter into Sam Carter', undone: false },
  { id: 204, at: now - 30 * HOUR, actor: 'ana', action: 'unlink', summary: 'unlinked @old_account (x) from customer Priya Nair', undone: true },
];

let customers: CustomerListItem[] = [
  { id: 44, customer_ref: 'C-2290', name: 'D. Whitfield', emails: ['dana.whitfield@example.com'], phone: null, value_tier: null, lifetime_value: 120, handles: ['bluesky:danaw.bsky.social'], authors: 1 },
  { id: 41, customer_ref: 'C-1041', name: 'Dana Whitfield', emails: ['dana.whitfield@example.com'], phone: null, value_tier: 'A', lifetime_value: 2400, handles: ['twitter:dana_w'], authors: 1 },
  { id: 57, customer_ref: 'C-1057', name: 'Kofi Asante Ltd', emails: ['kofi@kofibuilds.example'], phone: '+44 161 555 0101', value_tier: 'B', lifetime_value: 980, handles: [], authors: 0 },
  { id: 62, customer_ref: null, name: 'Mallory "<script>" Jones', emails: [], phone: null, value_tier: null, lifetime_value: null, handles: [], authors: 0 },
];

/** The line (1-based) holding byte offset `i`. */
const lineOf = (text: string, i: number) => text.slice(0, i).split('\n').length;

/** Checks a rules file the way the mock can: balanced quotes, names, known departments. */
function checkRules(text: string): RulesCheck {
  if (text.trim() === '') fail('rules file: the file is empty');
  const lines = text.split('\n');
  const names: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, '');
    const name = line.match(/^\s*name\s*=\s*"([^"]*)"/);
    if (name) {
      current = name[1];
      names.push(current);
    }
    const item = current === null ? '' : `, rule "${current}"`;
    const quotes = (line.match(/"/g) ?? []).length;
    const singles = (line.match(/'/g) ?? []).length;
    if (quotes % 2 === 1 || singles % 2 === 1) {
      fail(`rules file, line ${i + 1}, column ${line.search(/["']/) + 1}${item}: unterminated string`);
    }
    for (const m of line.matchAll(/route\s*=\s*"([^"]*)"/g)) {
      if (!DEPARTMENTS.includes(m[1])) {
        fail(`rules file, line ${i + 1}, column ${(m.index ?? 0) + 1}${item}: no department "${m[1]}" (known: ${DEPARTMENTS.join(', ')})`);
      }
    }
  }
  if (names.length === 0) fail(`rules file, line ${lineOf(text, text.length)}: no [[rule]] with a name`);
  return { rules: names };
}

function checkOther(kind: ConfigKind, text: string) {
  if (text.trim() === '') fail(`${kind} file: the file is empty`);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, '');
    if ((line.match(/"/g) ?? []).length % 2 === 1) fail(`${kind} file, line ${i + 1}: unterminated string`);
  }
}

function dryRun(text: string, days: number): DryRun {
  const { rules } = checkRules(text);
  const scale = Math.max(1, Math.round(days / 7));
  const fired: [string, number][] = rules.map((name, i) => [name, name.includes('Everything else') ? 41 * scale : Math.max(0, (9 - 2 * i) * scale)]);
  const routesToLegal = /route\s*=\s*"legal"/.test(text);
  return {
    cases: 312 * scale,
    changed: 57 * scale,
    per_department: [
      { department: '(unrouted)', before: 48 * scale, after: 3 * scale },
      { department: 'contact-centre', before: 201 * scale, after: 238 * scale },
      { department: 'legal', before: 4 * scale, after: routesToLegal ? 12 * scale : 4 * scale },
      { department: 'pr', before: 9 * scale, after: 9 * scale },
      { department: 'sales', before: 50 * scale, after: routesToLegal ? 50 * scale : 58 * scale },
    ],
    rules_fired: fired,
    examples: [
      { case_id: 1042, subject: 'my solicitor will be in touch about the data breach letter', rules: ['Legal threat'], actions: ['Legal threat: route to legal', 'Legal threat: tag legal-risk', 'Legal threat: priority +25'], department_before: 'contact-centre', department_after: 'legal' },
      { case_id: 1107, subject: 'fibre down since 7am in Didsbury, any ETA?', rules: ['Outage', 'Everything else to the contact centre'], actions: ['Outage: tag outage', 'Everything else to the contact centre: route to contact-centre'], department_before: null, department_after: 'contact-centre' },
      { case_id: 1215, subject: '<img src=x onerror=alert(1)> crypto giveaway, dm for promo', rules: ['Spam and noise'], actions: ['Spam and noise: close as noise'], department_before: null, department_after: null },
    ],
  };
}

function save(kind: ConfigKind, text: string): SavedConfig {
  if (kind === 'rules') checkRules(text);
  else checkOther(kind, text);
  const c = configs[kind];
  const version = (c.version ?? 0) + 1;
  configs[kind] = { kind, text, version, saved_by: 'ana', saved_at: Date.now() };
  return { kind, version, saved_by: 'ana', saved_at: Date.now() };
}

function accept(id: number): number {
  const s = suggestions.find((x) => x.id === id && x.status === 'pending') ?? fail(`no pending suggestion #${id}`, 'not_found');
  s.status = 'accepted';
  const entry = nextLog++;
  log = [{ id: entry, at: Date.now(), actor: 'ana', action: 'link', summary: `linked @${s.handle} (${s.channel}) to customer ${s.customer_name}`, undone: false }, ...log];
  return entry;
}

function undo(entry: number | null): IdentityEntry {
  const e = (entry === null ? log.find((x) => !x.undone) : log.find((x) => x.id === entry)) ?? fail(entry === null ? 'nothing to undo' : `no identity change #${entry}`, 'not_found');
  if (e.undone) fail(`identity change #${e.id} is already undone`);
  e.undone = true;
  // Undoing a link made from a suggestion puts the suggestion back in the queue.
  const s = suggestions.find((x) => x.status === 'accepted' && e.summary.includes(`@${x.handle} (${x.channel})`));
  if (s) s.status = 'pending';
  return { ...e };
}

/** The Team commands of the dev mock; undefined for any other command. */
export function teamMock(cmd: string, args: any): unknown | undefined {
  const a = (args ?? {}) as Record<string, any>;
  switch (cmd) {
    case 'team_config_text': {
      const c = configs[a.kind as ConfigKind] ?? fail(`no configuration "${a.kind}" (rules, playbook, sla or alerts)`);
      return { ...c };
    }
    case 'check_rules':
      return checkRules(String(a.text ?? ''));
    case 'save_team_config':
      if (!(a.kind in configs)) fail(`no configuration "${a.kind}" (rules, playbook, sla or alerts)`);
      return save(a.kind, String(a.text ?? ''));
    case 'dry_run_rules':
      return dryRun(String(a.text ?? ''), Number(a.sinceDays ?? 30));
    case 'link_suggestions':
      return structuredClone(suggestions.filter((s) => s.status === (a.status ?? 'pending')));
    case 'accept_link_suggestion':
      return accept(a.id);
    case 'reject_link_suggestion': {
      const s = suggestions.find((x) => x.id === a.id && x.status === 'pending') ?? fail(`no pending suggestion #${a.id}`, 'not_found');
      s.status = 'rejected';
      suggestions = [...suggestions];
      return null;
    }
    case 'identity_log':
      return structuredClone(log.slice(0, a.limit ?? 50));
    case 'undo_identity':
      return undo(a.entry ?? null);
    case 'customers': {
      const q = String(a.search ?? '').toLowerCase();
      return structuredClone(customers.filter((c) => q === '' || c.name.toLowerCase().includes(q)));
    }
    case 'merge_customers': {
      const keep = customers.find((c) => c.id === a.survivor) ?? fail(`no customer #${a.survivor}`, 'not_found');
      const other = customers.find((c) => c.id === a.other) ?? fail(`no customer #${a.other}`, 'not_found');
      if (keep.id === other.id) fail('a customer cannot be merged into itself');
      customers = customers.filter((c) => c.id !== other.id);
      keep.handles = [...keep.handles, ...other.handles];
      keep.authors += other.authors;
      const entry = nextLog++;
      log = [{ id: entry, at: Date.now(), actor: 'ana', action: 'merge', summary: `merged customer ${other.name} into ${keep.name}`, undone: false }, ...log];
      return entry;
    }
    default:
      return undefined;
  }
}
