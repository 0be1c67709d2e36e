// Presence and mentions (src-tauri/src/presence_commands.rs): what this desk says it is doing, who
// else is online or on a case, and this member's notifications. Every rejection is normalised to
// ApiError {code, message}, as in api.ts.
import { call } from './api';
import type { CasePresence } from './bindings/CasePresence';
import type { Notification } from './bindings/Notification';
import type { Presence } from './bindings/Presence';
import type { PresenceState } from './bindings/PresenceState';

/** How often a desk refreshes its presence (a row lasts 45 s without one), in ms. */
export const HEARTBEAT_MS = 15_000;

export const presenceApi = {
  set: (caseId: number | null, state: PresenceState) => call<boolean>('presence_set', { caseId, state }),
  clear: () => call<boolean>('presence_clear'),
  on: (caseId: number) => call<Presence[]>('presence_on', { caseId }),
  summary: () => call<CasePresence[]>('presence_summary'),
  online: () => call<Presence[]>('online_members'),
  notifications: (unreadOnly: boolean) => call<Notification[]>('notifications', { unreadOnly }),
  markRead: (id: number) => call<null>('mark_notification_read', { id }),
};
