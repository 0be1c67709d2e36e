// The single seam between the UI and the Rust backend: one typed wrapper per Tauri command
// of the contract (notes/contract.md). Every rejection is normalised to ApiError {code, message}.
import { invoke } from '@tauri-apps/api/core';
import type { Account } from './bindings/Account';
import type { CaseDetail } from './bindings/CaseDetail';
import type { CaseStatus } from './bindings/CaseStatus';
import type { InboxPage } from './bindings/InboxPage';
import type { InboxQuery } from './bindings/InboxQuery';
import type { OutboxItem } from './bindings/OutboxItem';
import type { SuggestionView } from './bindings/SuggestionView';
import type { WorkspaceInfo } from './bindings/WorkspaceInfo';

export type ErrorCode = 'not_found' | 'invalid' | 'conflict' | 'unavailable' | 'internal';

export interface ApiError {
  code: ErrorCode | string;
  message: string;
}

/** Turns whatever a rejected invoke carried (object, string, Error) into {code, message}. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.message === 'string') {
      return { code: typeof o.code === 'string' ? o.code : 'internal', message: o.message };
    }
  }
  if (typeof e === 'string') return { code: 'internal', message: e };
  return { code: 'internal', message: 'Unexpected error' };
}

export function isApiError(e: unknown): e is ApiError {
  return !!e && typeof e === 'object' && typeof (e as ApiError).code === 'string' && typeof (e as ApiError).message === 'string';
}

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

/** What one `poll_account` brought in: posts fetched from the network, posts newly stored (the
 *  rest were already known), cases opened by them, and pages walked. */
export interface PollOutcome {
  fetched: number;
  stored: number;
  new_cases: number;
  pages: number;
}

/** The networks an account connects to with a secret (feeds use connectFeed). */
export type AccountNetwork = 'bluesky' | 'mastodon' | 'x' | 'reddit';

/** What connect_account needs. `secret` is the Bluesky app password or the access token: the
 *  backend checks it with the network and keeps it in the OS keychain; it never comes back. */
export interface ConnectAccount {
  network: AccountNetwork;
  baseUrl: string;
  handle: string;
  secret: string;
  /** X only: the account's numeric user id. */
  userId: string | null;
}

/** The networks an account can sign in to with the browser (OAuth). */
export type OAuthNetwork = 'x' | 'reddit' | 'mastodon';

/** What connect_oauth needs: the app registered with the network (client id, an optional client
 *  secret, the loopback port of its redirect address http://127.0.0.1:PORT/callback) and the
 *  account. Mastodon takes no client id (null: Switchboard registers itself on the instance) and
 *  any free port. The client secret goes to the OS keychain and never comes back. */
export interface ConnectOAuth {
  network: OAuthNetwork;
  baseUrl: string;
  handle: string;
  /** X only: the account's numeric user id. */
  userId: string | null;
  clientId: string | null;
  clientSecret: string | null;
  redirectPort: number | null;
}

/** A saved listening query (crates/store/src/listening.rs; not a generated binding). `query` is
 *  the text as the backend normalised it; `matches` counts the posts it matched so far. */
export interface ListeningQuery {
  id: number;
  name: string;
  query: string;
  department_id: number | null;
  /** Absent from backends older than the tag column. */
  tag?: string | null;
  enabled: boolean;
  matches: number;
}

/** The post fields an agent can correct in the case view. */
export type CorrectableField = 'sentiment' | 'topic';

export const api = {
  workspaceInfo: () => call<WorkspaceInfo>('workspace_info'),
  loadDemo: () => call<WorkspaceInfo>('load_demo'),
  inbox: (query: InboxQuery) => call<InboxPage>('inbox', { query }),
  caseDetail: (caseId: number) => call<CaseDetail>('case_detail', { caseId }),
  assignCase: (caseId: number, memberId: number | null, expectedVersion: number | null) =>
    call<CaseDetail>('assign_case', { caseId, memberId, expectedVersion }),
  moveCase: (caseId: number, departmentId: number | null, expectedVersion: number | null) =>
    call<CaseDetail>('move_case', { caseId, departmentId, expectedVersion }),
  /** Hands the case to another department with a required reason (on the timeline). */
  handOffCase: (caseId: number, departmentId: number, reason: string, expectedVersion: number | null) =>
    call<CaseDetail>('hand_off_case', { caseId, departmentId, reason, expectedVersion }),
  setStatus: (caseId: number, status: CaseStatus, expectedVersion: number | null) =>
    call<CaseDetail>('set_status', { caseId, status, expectedVersion }),
  addNote: (caseId: number, body: string) => call<CaseDetail>('add_note', { caseId, body }),
  /** Claims an unassigned case for this desk; rejects with `conflict` naming who claimed it first. */
  claimCase: (caseId: number) => call<CaseDetail>('claim_case', { caseId }),
  accounts: () => call<Account[]>('accounts'),
  /** Connects an RSS / Atom feed; `name` and `channel` are optional (null: the backend picks). */
  connectFeed: (url: string, name: string | null, channel: string | null) =>
    call<Account>('connect_feed', { url, name, channel }),
  /** Connects a Bluesky, Mastodon, X or Reddit account. Rejects with the network's refusal in
   *  plain words (never containing the secret). */
  connectAccount: (req: ConnectAccount) =>
    call<Account>('connect_account', {
      network: req.network,
      baseUrl: req.baseUrl,
      handle: req.handle,
      secret: req.secret,
      userId: req.userId,
    }),
  /** Signs an X, Reddit or Mastodon account in through the network's page in the system browser
   *  and resolves once the redirect came back and the token was checked (up to five minutes).
   *  Rejects with the refusal in plain words (never containing the client secret). */
  connectOAuth: (req: ConnectOAuth) =>
    call<Account>('connect_oauth', {
      network: req.network,
      baseUrl: req.baseUrl,
      handle: req.handle,
      userId: req.userId,
      clientId: req.clientId,
      clientSecret: req.clientSecret,
      redirectPort: req.redirectPort,
    }),
  /** Stops the browser sign-in that is waiting (its connectOAuth rejects); false if none was. */
  cancelOAuth: () => call<boolean>('cancel_oauth'),
  listeningQueries: () => call<ListeningQuery[]>('listening_queries'),
  /** Saves a listening query (replacing one of the same name); `department` is a slug. A query
   *  that does not read rejects as `invalid` with the column of the problem in the message. */
  addListeningQuery: (name: string, query: string, department: string | null, tag: string | null) =>
    call<ListeningQuery>('add_listening_query', { name, query, department, tag }),
  pollAccount: (accountId: number) => call<PollOutcome>('poll_account', { accountId }),
  /** Answers the case on its own network: a reply in the thread, or a direct message when
   *  `direct`. The reply is stored in the outbox first; if sending fails it stays there as
   *  `failed` (see caseReplies) and this rejects with the reason. `basedOnVersion` is the case
   *  version the draft began on: if others changed the case since, this rejects with `conflict`
   *  listing the changes, unless `confirm` (the agent saw them and sends anyway). `template`: the
   *  playbook template the reply was drafted from; a reply needing approval (the template's or a
   *  rule's) is not sent but waits in the approver's queue (`awaiting_approval` in caseReplies). */
  reply: (caseId: number, body: string, direct: boolean, basedOnVersion: number | null = null, confirm = false, template: string | null = null) =>
    call<CaseDetail>('reply', { caseId, body, direct, basedOnVersion, confirm, ...(template ? { template } : {}) }),
  /** The case's replies with their outbox state, oldest first. */
  caseReplies: (caseId: number) => call<OutboxItem[]>('case_replies', { caseId }),
  /** Sends again every queued / failed reply; rejects with the first error. */
  sendReplies: () => call<OutboxItem[]>('send_replies'),
  /** An agent's correction of a customer post's sentiment or topic: kept as the team's label (the
   *  models learn from it) and returned with the case as it is now. */
  correctPrediction: (caseId: number, postId: number, field: CorrectableField, value: string) =>
    call<CaseDetail>('correct_prediction', { caseId, postId, field, value }),
  /** The playbook's reply for a case, rendered for its customer (null when no template matches). */
  suggestedReply: (caseId: number) => call<SuggestionView | null>('suggested_reply', { caseId }),
};
