// The Settings screen's commands (src-tauri/src/settings_commands.rs): which workspace this desk
// opens and who is signed in. The team database password and a passphrase go to the backend and
// never come back. Types mirror the Rust struct (switchboard_engine::signin::DeskStatus).
import { call } from './api';
import type { Member } from './bindings/Member';

/** Where this desk stands. */
export interface DeskStatus {
  /** `team` (the profile's team workspace), `local` (the SQLite file) or `given` (--db). */
  source: 'team' | 'local' | 'given' | string;
  backend: 'sqlite' | 'postgres' | string;
  /** Where the data lives, without any password. */
  location: string;
  /** The team workspace URL kept in the desk's profile (without password). */
  team_url: string | null;
  /** Who this desk acts as; null until someone signs in. */
  me: Member | null;
  /** Signed in with a passphrase (not only acting as the local member). */
  signed_in: boolean;
  /** The workspace asks desks to sign in (some member has a passphrase). */
  sign_in_enabled: boolean;
}

export const settingsApi = {
  status: () => call<DeskStatus>('desk_status'),
  signIn: (handle: string, passphrase: string) => call<DeskStatus>('sign_in', { handle, passphrase }),
  signOut: () => call<DeskStatus>('sign_out'),
  /** Checks and keeps the team workspace, then the app restarts on it. Returns the URL kept. */
  connect: (url: string, password: string | null) => call<string>('connect_team_workspace', { url, password }),
  /** Back to the local file; the app restarts. */
  useLocal: () => call<null>('use_local_workspace'),
};

/** Whether the desk must sign in before it can work. */
export const needsSignIn = (s: DeskStatus | null) => !!s && s.me === null;

/** "team" / "local" as the top bar says it. */
export const workspaceKind = (backend: string) => (backend === 'postgres' ? 'Team' : 'Local');
