// DEV ONLY: presence and mentions for the in-browser mock (mock.ts delegates to presenceMock from its
// default branch): kofi views case 1, amara drafts a reply on case 2, mei is online; one unread
// mention. State lives for the page's lifetime.
import type { Notification } from './bindings/Notification';
import type { Presence } from './bindings/Presence';

const now = Date.now();
const OTHERS: Presence[] = [
  { member_id: 2, handle: 'kofi', name: 'Kofi Mensah', state: 'viewing', case_id: 1, seen_at: now },
  { member_id: 8, handle: 'amara', name: 'Amara Obi', state: 'drafting', case_id: 2, seen_at: now },
  { member_id: 3, handle: 'mei', name: 'Mei Tanaka', state: 'online', case_id: null, seen_at: now },
];
let notes: Notification[] = [
  { id: 2, kind: 'mention', case_id: 2, actor: 'amara', created_at: now - 4 * 60_000, read_at: null },
  { id: 1, kind: 'mention', case_id: 5, actor: 'kofi', created_at: now - 3 * 3600_000, read_at: now - 3000_000 },
];

export function presenceMock(cmd: string, a: Record<string, any>): unknown {
  switch (cmd) {
    case 'presence_set':
    case 'presence_clear':
      return true;
    case 'presence_on':
      return OTHERS.filter((p) => p.case_id === a.caseId);
    case 'presence_summary':
      return [1, 2].map((id) => ({
        case_id: id,
        viewers: OTHERS.filter((p) => p.case_id === id && p.state === 'viewing').map((p) => p.handle),
        drafters: OTHERS.filter((p) => p.case_id === id && p.state === 'drafting').map((p) => p.handle),
      }));
    case 'online_members':
      return OTHERS;
    case 'notifications':
      return notes.filter((n) => !a.unreadOnly || n.read_at === null);
    case 'mark_notification_read':
      notes = notes.map((n) => (n.id === a.id && n.read_at === null ? { ...n, read_at: Date.now() } : n));
      return null;
    default:
      return undefined;
  }
}
