// The Team tab's commands (src-tauri/src/team_commands.rs): the rules, playbook and SLA files and
// the identity review queue. Types mirror the Rust structs (not generated bindings). Every
// rejection is normalised to ApiError {code, message}, as in api.ts.
import { call } from './api';

/** The configuration files a team edits. */
export type ConfigKind = 'rules' | 'playbook' | 'sla' | 'alerts';

/** A file as it stands: the saved version in force, or the defaults (`version` null). */
export interface ConfigText {
  kind: ConfigKind;
  text: string;
  version: number | null;
  saved_by: string | null;
  saved_at: number | null;
}

/** A version just saved. */
export interface SavedConfig {
  kind: ConfigKind;
  version: number;
  saved_by: string;
  saved_at: number;
}

/** A rule set that reads: its rule names, in order. */
export interface RulesCheck {
  rules: string[];
}

/** Cases per department (slug, or "(unrouted)") before and after a draft rule set. */
export interface DepartmentCount {
  department: string;
  before: number;
  after: number;
}

/** One case the draft would change. `actions` read "Rule name: what it does". */
export interface DryRunExample {
  case_id: number;
  subject: string;
  rules: string[];
  actions: string[];
  department_before: string | null;
  department_after: string | null;
}

/** What a draft rule set would have done to past cases; changes nothing. */
export interface DryRun {
  cases: number;
  changed: number;
  per_department: DepartmentCount[];
  /** [rule, cases it fired on], in rule order. */
  rules_fired: [string, number][];
  examples: DryRunExample[];
}

/** A suggested link of an author to a customer, awaiting (or past) review. */
export interface LinkSuggestion {
  id: number;
  author_id: number;
  channel: string;
  handle: string;
  display_name: string | null;
  followers: number | null;
  customer_id: number;
  customer_name: string;
  /** Why, in plain words. */
  evidence: string;
  /** 0–1. */
  score: number;
  status: 'pending' | 'accepted' | 'rejected' | string;
}

/** One identity change (link, unlink, merge), newest first. */
export interface IdentityEntry {
  id: number;
  at: number;
  actor: string;
  action: 'link' | 'unlink' | 'merge' | string;
  summary: string;
  undone: boolean;
}

export interface CustomerListItem {
  id: number;
  customer_ref: string | null;
  name: string;
  emails: string[];
  phone: string | null;
  value_tier: string | null;
  lifetime_value: number | null;
  handles: string[];
  authors: number;
}

export const teamApi = {
  configText: (kind: ConfigKind) => call<ConfigText>('team_config_text', { kind }),
  checkRules: (text: string) => call<RulesCheck>('check_rules', { text }),
  /** Checks and stores the file as the next version; rejects with the line and rule at fault. */
  saveConfig: (kind: ConfigKind, text: string) => call<SavedConfig>('save_team_config', { kind, text }),
  dryRun: (text: string, sinceDays: number) => call<DryRun>('dry_run_rules', { text, sinceDays }),
  linkSuggestions: () => call<LinkSuggestion[]>('link_suggestions', { status: null }),
  /** Returns the identity log entry of the new link (null when already linked so). */
  acceptSuggestion: (id: number) => call<number | null>('accept_link_suggestion', { id }),
  rejectSuggestion: (id: number) => call<null>('reject_link_suggestion', { id }),
  identityLog: (limit = 50) => call<IdentityEntry[]>('identity_log', { limit }),
  /** Undoes the given entry, or (null) the newest not yet undone. */
  undoIdentity: (entry: number | null) => call<IdentityEntry>('undo_identity', { entry }),
  customers: (search: string | null) => call<CustomerListItem[]>('customers', { search }),
  mergeCustomers: (survivor: number, other: number) => call<number>('merge_customers', { survivor, other }),
};

/** Where a configuration error points, read from the backend's message:
 *  `rules file, line 12, column 3, rule "Legal threat": unknown department "lgal"`. */
export interface ConfigProblem {
  line: number | null;
  column: number | null;
  item: string | null;
  message: string;
}

export function configProblem(message: string): ConfigProblem {
  const m = message.match(/^(?:the rules in force would break: )?(?:rules|playbook|sla) file((?:, [^:]*?)?): ([\s\S]*)$/);
  if (!m) return { line: null, column: null, item: null, message };
  const where = m[1];
  const line = where.match(/, line (\d+)/);
  const column = where.match(/, column (\d+)/);
  const item = where.replace(/, line \d+/, '').replace(/, column \d+/, '').replace(/^, /, '');
  return {
    line: line ? Number(line[1]) : null,
    column: column ? Number(column[1]) : null,
    item: item === '' ? null : item,
    message: message.startsWith('the rules in force would break') ? `the rules in force would break: ${m[2]}` : m[2],
  };
}
