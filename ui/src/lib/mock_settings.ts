// DEV ONLY: the Settings commands for the in-browser mock (mock.ts delegates to settingsMock from
// its default branch). A local workspace whose member signs in with passphrase "passphrase"; a
// team URL "connects" unless it names port 1. State lives for the page's lifetime.
import type { DeskStatus } from './settings_api';

let status: DeskStatus = {
  source: 'local',
  backend: 'sqlite',
  location: '~/.local/share/switchboard/switchboard.db',
  team_url: null,
  me: { id: 1, handle: 'ana', name: 'Ana Ruiz', role: 'agent', department_id: 1 },
  signed_in: false,
  sign_in_enabled: false,
};

export function settingsMock(cmd: string, a: Record<string, any>): unknown {
  switch (cmd) {
    case 'desk_status':
      return structuredClone(status);
    case 'sign_in':
      if (a.passphrase !== 'passphrase') throw { code: 'unauthenticated', message: `wrong handle or passphrase for "${a.handle}"` };
      status = { ...status, me: { id: 1, handle: a.handle, name: a.handle, role: 'agent', department_id: null }, signed_in: true };
      return structuredClone(status);
    case 'sign_out':
      status = { ...status, signed_in: false };
      return structuredClone(status);
    case 'connect_team_workspace': {
      const url = String(a.url ?? '').replace(/:[^:@/]*@/, '@');
      if (!/^postgres(ql)?:\/\//.test(url)) throw { code: 'invalid', message: 'a team workspace is a PostgreSQL database: postgres://USER@HOST:PORT/DATABASE' };
      if (/:1\//.test(url)) throw { code: 'unavailable', message: `could not connect to the team workspace: cannot open the database at ${url}` };
      status = { ...status, team_url: url };
      return url;
    }
    case 'use_local_workspace':
      status = { ...status, team_url: null };
      return null;
    default:
      return undefined;
  }
}
