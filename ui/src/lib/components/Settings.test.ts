// Settings against a scripted backend: where the desk works (team or local), connecting a team
// workspace sends the URL and the password and never shows the password back (the field empties,
// the status never holds it), a refused connection names the reason, back to local; the sign-in
// form sends handle and passphrase, a wrong passphrase is said in plain words and the passphrase
// field empties; signing out; the top bar says who and where, and "Not signed in" leads here;
// hostile names are shown as text.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Settings from './Settings.svelte';
import TopBar from './TopBar.svelte';
import { backend, workspace } from '../../test/fake';
import type { DeskStatus } from '../settings_api';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => cleanup());

const calls = (mock: ReturnType<typeof vi.fn>, cmd: string) => mock.mock.calls.filter((c) => c[0] === cmd);
const EVIL = '<img src=x onerror=alert(1)>';

function status(over: Partial<DeskStatus> = {}): DeskStatus {
  return {
    source: 'team',
    backend: 'postgres',
    location: 'postgres://desk@db.example:5432/team',
    team_url: 'postgres://desk@db.example:5432/team',
    me: { id: 3, handle: 'ana', name: 'Ana Ruiz', role: 'agent', department_id: 1 },
    signed_in: true,
    sign_in_enabled: true,
    ...over,
  };
}

describe('Settings: the workspace', () => {
  it('shows where the desk works and connects a team workspace, the password never shown back', async () => {
    const mock = backend(invoke, {
      desk_status: () => status({ source: 'local', backend: 'sqlite', location: '/home/ana/.local/share/switchboard/switchboard.db', team_url: null, signed_in: false }),
      connect_team_workspace: ({ url }) => url.replace(/:[^:@/]*@/, '@'),
    });
    render(Settings, { onchanged: () => {} });
    const where = await screen.findByTestId('settings-where');
    expect(where.textContent).toContain('Local');
    expect(where.textContent).toContain('switchboard.db');
    expect(screen.queryByTestId('settings-local')).toBeNull();

    await fireEvent.input(screen.getByTestId('settings-team-url'), { target: { value: ' postgres://desk@db.example:5432/team ' } });
    const pw = screen.getByTestId('settings-team-password') as HTMLInputElement;
    expect(pw.type).toBe('password');
    await fireEvent.input(pw, { target: { value: 'S3cret-db-pw' } });
    await fireEvent.click(screen.getByTestId('settings-connect'));
    const notice = await screen.findByTestId('settings-notice');
    expect(notice.textContent).toContain('Connected to postgres://desk@db.example:5432/team');
    expect(calls(mock, 'connect_team_workspace')).toEqual([
      ['connect_team_workspace', { url: 'postgres://desk@db.example:5432/team', password: 'S3cret-db-pw' }],
    ]);
    expect(pw.value).toBe('');
    expect(document.body.textContent).not.toContain('S3cret-db-pw');
  });

  it('offers the way back to the local file when the workspace could not be opened', async () => {
    backend(invoke, {
      desk_status: () => {
        throw { code: 'unavailable', message: 'cannot open the database at postgres://desk@db.example/team' };
      },
    });
    render(Settings, { onchanged: () => {} });
    expect((await screen.findByTestId('settings-status-error')).textContent).toContain('cannot open the database');
    expect(screen.getByTestId('settings-local')).toBeTruthy();
    expect(screen.getByTestId('settings-connect')).toBeTruthy();
  });

  it('says why a connection was refused, and sends no password when none was typed', async () => {
    const mock = backend(invoke, {
      desk_status: () => status({ team_url: null }),
      connect_team_workspace: () => {
        throw { code: 'unavailable', message: 'could not connect to the team workspace: connection refused' };
      },
    });
    render(Settings, { onchanged: () => {} });
    await screen.findByTestId('settings-where');
    await fireEvent.input(screen.getByTestId('settings-team-url'), { target: { value: 'postgres://x@127.0.0.1:1/team' } });
    await fireEvent.click(screen.getByTestId('settings-connect'));
    expect((await screen.findByTestId('settings-error')).textContent).toContain('connection refused');
    expect(calls(mock, 'connect_team_workspace')[0][1]).toEqual({ url: 'postgres://x@127.0.0.1:1/team', password: null });
    expect(screen.queryByTestId('settings-notice')).toBeNull();
  });

  it('goes back to the local workspace', async () => {
    const mock = backend(invoke, { desk_status: () => status(), use_local_workspace: () => null });
    render(Settings, { onchanged: () => {} });
    await screen.findByTestId('settings-where');
    const back = screen.getByTestId('settings-local');
    expect((screen.getByTestId('settings-team-url') as HTMLInputElement).value).toBe('postgres://desk@db.example:5432/team');
    await fireEvent.click(back);
    expect((await screen.findByTestId('settings-notice')).textContent).toContain('local workspace');
    expect(calls(mock, 'use_local_workspace')).toHaveLength(1);
  });
});

describe('Settings: signing in', () => {
  it('asks a desk that is nobody to sign in, and signs in with handle and passphrase', async () => {
    let signedIn = false;
    const mock = backend(invoke, {
      desk_status: () => status({ me: null, signed_in: false }),
      sign_in: ({ handle, passphrase }) => {
        if (passphrase !== 'right-passphrase') throw { code: 'unauthenticated', message: `wrong handle or passphrase for "${handle}"` };
        signedIn = true;
        return status();
      },
    });
    const onchanged = vi.fn();
    render(Settings, { onchanged });
    expect((await screen.findByTestId('settings-me')).textContent).toContain('Nobody is signed in');
    const submit = screen.getByTestId('signin-submit') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('signin-handle'), { target: { value: ' ana ' } });
    const pass = screen.getByTestId('signin-passphrase') as HTMLInputElement;
    expect(pass.type).toBe('password');
    await fireEvent.input(pass, { target: { value: 'wrong-one' } });
    await fireEvent.click(submit);
    expect((await screen.findByTestId('signin-error')).textContent).toBe('wrong handle or passphrase for "ana"');
    expect(pass.value).toBe('');
    expect(onchanged).not.toHaveBeenCalled();

    await fireEvent.input(pass, { target: { value: 'right-passphrase' } });
    await fireEvent.click(submit);
    await waitFor(() => expect(onchanged).toHaveBeenCalledTimes(1));
    expect(signedIn).toBe(true);
    expect(calls(mock, 'sign_in').at(-1)).toEqual(['sign_in', { handle: 'ana', passphrase: 'right-passphrase' }]);
    expect((await screen.findByTestId('settings-me')).textContent).toContain('Ana Ruiz');
    expect(screen.queryByTestId('signin-error')).toBeNull();
  });

  it('signs out, and shows a hostile name as text', async () => {
    const mock = backend(invoke, {
      desk_status: () => status({ me: { id: 9, handle: 'evil', name: EVIL, role: 'lead', department_id: null } }),
      sign_out: () => status({ me: null, signed_in: false }),
    });
    const onchanged = vi.fn();
    render(Settings, { onchanged });
    const me = await screen.findByTestId('settings-me');
    expect(me.textContent).toContain(EVIL);
    expect(me.querySelector('img')).toBeNull();
    await fireEvent.click(screen.getByTestId('settings-signout'));
    await waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect(calls(mock, 'sign_out')).toHaveLength(1);
  });
});

describe('the top bar', () => {
  it('says team or local, and who this desk is; "Not signed in" opens Settings', async () => {
    // The top bar's online list and bell ask the backend too.
    backend(invoke, { online_members: () => [], notifications: () => [], presence_set: () => true, presence_clear: () => true });
    const onnavigate = vi.fn();
    const { unmount } = render(TopBar, { info: workspace({ backend: 'postgres', location: 'postgres://desk@db/team' }), onnavigate });
    expect(screen.getByTestId('workspace-kind').textContent).toBe('Team');
    expect(screen.getByTestId('me-name').textContent).toBe('Ana Ruiz');
    await fireEvent.click(screen.getByTestId('nav-settings'));
    expect(onnavigate).toHaveBeenLastCalledWith('settings');
    unmount();

    render(TopBar, { info: workspace({ me: null }), onnavigate });
    expect(screen.getByTestId('workspace-kind').textContent).toBe('Local');
    await fireEvent.click(screen.getByTestId('me-name'));
    expect(onnavigate).toHaveBeenLastCalledWith('settings');
  });
});
