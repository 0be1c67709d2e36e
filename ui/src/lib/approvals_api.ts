// The approvals commands (src-tauri/src/approval_commands.rs): the approver's queue of replies that
// wait for their department (legal, PR, investor relations), approve (optionally with an edited
// text; the reply is then sent at once) and reject with a comment (back to its author, never
// sent). The backend decides who may; every rejection is normalised to ApiError {code, message}.
import { call } from './api';
import type { ApprovalQueueItem } from './bindings/ApprovalQueueItem';
import type { OutboxItem } from './bindings/OutboxItem';
import { onAppEvent } from './app_events';

export const approvalsApi = {
  /** The replies waiting for this member's decision, oldest first. */
  queue: () => call<ApprovalQueueItem[]>('approval_queue'),
  /** Approves and sends; resolves with the reply as it ended (`sent`, or `failed` with the reason
   *  and still in the outbox). Rejects with `conflict` when another approver decided first. */
  approve: (replyId: number, edit: string | null = null) => call<OutboxItem>('approve_reply', { replyId, edit }),
  /** Rejects with a comment for the reply's author (required). */
  reject: (replyId: number, comment: string) => call<OutboxItem>('reject_reply', { replyId, comment }),
};

/** Whether a member of this role may decide on replies (the backend checks again). */
export function mayApprove(role: string | null | undefined): boolean {
  return role === 'approver' || role === 'admin';
}

/** Live-event kinds after which the approval queue (and its count) should be read again. */
export const APPROVAL_EVENTS = ['approval_requested', 'reply_approved', 'reply_rejected', 'resync'];

/** Calls `onchange` whenever a live event says a reply was put up for approval or decided (any
 *  desk), inside the app; returns the unsubscribe. Outside Tauri (tests, browser dev) it does nothing. */
export function listenApprovals(onchange: () => void): () => void {
  if (typeof window === 'undefined' || !('__TAURI_INTERNALS__' in window)) return () => {};
  return onAppEvent<{ kind: string }>('case-changed', (ev) => {
    if (APPROVAL_EVENTS.includes(ev.kind)) onchange();
  });
}
