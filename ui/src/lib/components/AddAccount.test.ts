// "Sign in with the browser" in the add-account form: X, Reddit and Mastodon offer it next to
// pasting a token; it calls connect_oauth with the app's client id, client secret and redirect
// port, shows a waiting state while the person signs in in the browser, clears the client secret
// the moment the call is made, and shows a refusal in plain words without the secret.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import AddAccount from './AddAccount.svelte';
import ErrorBanner from './ErrorBanner.svelte';
import { errors } from '../errors.svelte';
import { account, backend, type Handler } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => {
  cleanup();
  errors.dismiss();
});

const CLIENT_SECRET = 'cs-9f8e7d6c5b4a';
const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;
const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });
const calls = (mock: ReturnType<typeof vi.fn>, cmd: string) => mock.mock.calls.filter((c) => c[0] === cmd);

/** A promise settled from the test, to hold connect_oauth "in the browser". */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function form(handlers: Record<string, Handler>) {
  const mock = backend(invoke, handlers);
  const onconnected = vi.fn();
  render(ErrorBanner);
  render(AddAccount, { props: { onconnected } });
  return { mock, onconnected };
}

async function pick(network: string, method: 'token' | 'browser' = 'browser') {
  await fireEvent.click(screen.getByTestId(`network-${network}`));
  await fireEvent.click(screen.getByTestId(`method-${method}`));
}

describe('sign in with the browser', () => {
  it('X, Reddit and Mastodon offer pasting a token or signing in with the browser; Bluesky and feeds do not', async () => {
    form({});
    await fireEvent.click(screen.getByTestId('network-bluesky'));
    expect(screen.queryByTestId('method-browser')).toBeNull();
    await fireEvent.click(screen.getByTestId('network-rss'));
    expect(screen.queryByTestId('method-browser')).toBeNull();
    for (const network of ['x', 'reddit', 'mastodon']) {
      await fireEvent.click(screen.getByTestId(`network-${network}`));
      const group = screen.getByRole('radiogroup', { name: 'How to connect' });
      expect(within(group).getAllByRole('radio').map((r) => r.parentElement!.textContent!.trim())).toEqual(['Paste a token', 'Sign in with the browser']);
      // Pasting a token stays the default.
      expect(input('method-token').checked).toBe(true);
      expect(screen.queryByTestId('oauth-client-id')).toBeNull();
    }
    await fireEvent.click(screen.getByTestId('method-browser'));
    expect(screen.queryByTestId('account-secret')).toBeNull();
    expect(screen.getByLabelText(/Client id/)).toBe(input('oauth-client-id'));
    expect(screen.getByLabelText(/Client secret/).getAttribute('type')).toBe('password');
    expect(screen.getByLabelText(/Redirect port/)).toBe(input('oauth-port'));
    expect(screen.getByTestId('oauth-client-id').getAttribute('placeholder')).toContain('register Switchboard');
    expect(document.body.textContent).toContain('Leave empty to register Switchboard on the instance.');
    expect(button('oauth-connect').textContent!.trim()).toBe('Sign in with Mastodon');
  });

  it('X: calls connect_oauth with the right fields, waits for the browser, clears the client secret', async () => {
    const answer = deferred<unknown>();
    const { mock, onconnected } = form({ connect_oauth: () => answer.promise });
    await pick('x');
    const connect = button('oauth-connect');
    expect(connect.textContent!.trim()).toBe('Sign in with X');
    expect(connect.disabled).toBe(true);
    await type('account-handle', ' LumenHelp ');
    await type('account-user-id', '1300000000000000001');
    await type('oauth-client-id', ' x-client ');
    await type('oauth-client-secret', CLIENT_SECRET);
    // X needs the port registered with the app.
    expect(connect.disabled).toBe(true);
    await type('oauth-port', '70000');
    expect(input('oauth-port').getAttribute('aria-invalid')).toBe('true');
    expect(connect.disabled).toBe(true);
    await type('oauth-port', '8719');
    expect(document.body.textContent).toContain('http://127.0.0.1:8719/callback');
    expect(connect.disabled).toBe(false);
    await fireEvent.click(connect);

    expect(calls(mock, 'connect_oauth')).toEqual([
      [
        'connect_oauth',
        {
          network: 'x',
          baseUrl: 'https://api.x.com',
          handle: 'LumenHelp',
          userId: '1300000000000000001',
          clientId: 'x-client',
          clientSecret: CLIENT_SECRET,
          redirectPort: 8719,
        },
      ],
    ]);
    // Cleared as soon as the call is made, while the person is still in the browser.
    expect(input('oauth-client-secret').value).toBe('');
    expect(screen.getByTestId('oauth-waiting').textContent).toContain('Finish signing in in your browser…');
    expect(button('oauth-connect').disabled).toBe(true);
    expect(button('oauth-connect').textContent!.trim()).toBe('Waiting for X…');
    expect(screen.getByTestId('oauth-waiting-hint').textContent).toContain('up to five minutes');
    expect(input('oauth-client-id').disabled).toBe(true);

    answer.resolve(account(41, { network: 'x', name: 'LumenHelp', base_url: 'https://api.x.com', secret_ref: 'x:LumenHelp/access-token' }));
    await waitFor(() => expect(screen.getByTestId('account-connected').textContent).toContain('LumenHelp'));
    await waitFor(() => expect(screen.queryByTestId('oauth-waiting')).toBeNull());
    expect(onconnected).toHaveBeenCalledTimes(1);
    expect(input('oauth-client-secret').value).toBe('');
    expect(input('account-handle').value).toBe('');
    // The app stays filled in for the next account.
    expect(input('oauth-client-id').value).toBe(' x-client ');
    expect(input('oauth-port').value).toBe('8719');
    expect(document.body.innerHTML).not.toContain(CLIENT_SECRET);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('Reddit needs a client id and port; Mastodon needs neither and sends them as null', async () => {
    const { mock } = form({ connect_oauth: ({ network, handle }) => account(50, { network, name: handle }) });
    await pick('reddit');
    await type('account-handle', 'LumenSupport');
    await type('oauth-port', '8720');
    expect(button('oauth-connect').disabled).toBe(true);
    await type('oauth-client-id', 'r-client');
    expect(button('oauth-connect').disabled).toBe(false);
    await fireEvent.click(button('oauth-connect'));
    expect(mock).toHaveBeenCalledWith('connect_oauth', {
      network: 'reddit',
      baseUrl: 'https://oauth.reddit.com',
      handle: 'LumenSupport',
      userId: null,
      clientId: 'r-client',
      clientSecret: null,
      redirectPort: 8720,
    });
    await waitFor(() => expect(screen.getByTestId('account-connected')).toBeTruthy());

    await pick('mastodon');
    // A new network: the other network's app is not carried over.
    expect(input('oauth-client-id').value).toBe('');
    expect(input('oauth-port').value).toBe('');
    await type('account-base-url', 'https://social.example');
    await type('account-handle', 'lumen');
    expect(button('oauth-connect').disabled).toBe(false);
    await fireEvent.click(button('oauth-connect'));
    expect(mock).toHaveBeenLastCalledWith('connect_oauth', {
      network: 'mastodon',
      baseUrl: 'https://social.example',
      handle: 'lumen',
      userId: null,
      clientId: null,
      clientSecret: null,
      redirectPort: null,
    });
    expect(calls(mock, 'connect_account')).toHaveLength(0);
  });

  it('a refusal is shown in plain words without the client secret, and the form can try again', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { mock, onconnected } = form({
        // A careless layer quoting what it was given: the page must not repeat it.
        connect_oauth: () =>
          Promise.reject({ code: 'invalid', message: `the authorization server refused the authorization code (HTTP 401): invalid_client — secret ${CLIENT_SECRET} unknown` }),
      });
      await pick('reddit');
      await type('account-handle', 'LumenSupport');
      await type('oauth-client-id', 'wrong-client');
      await type('oauth-client-secret', CLIENT_SECRET);
      await type('oauth-port', '8720');
      await fireEvent.click(button('oauth-connect'));
      expect(input('oauth-client-secret').value).toBe('');
      const banner = await screen.findByTestId('error-banner');
      expect(banner.textContent).toContain('Could not sign in with Reddit: the authorization server refused the authorization code (HTTP 401): invalid_client');
      expect(banner.textContent).toContain('secret *** unknown');
      expect(banner.textContent).not.toContain(CLIENT_SECRET);
      expect(document.body.innerHTML).not.toContain(CLIENT_SECRET);
      expect(JSON.stringify(err.mock.calls)).not.toContain(CLIENT_SECRET);
      await waitFor(() => expect(screen.queryByTestId('oauth-waiting')).toBeNull());
      expect(screen.queryByTestId('account-connected')).toBeNull();
      expect(onconnected).not.toHaveBeenCalled();
      // What was typed stays, except the secret; the button works again.
      expect(input('account-handle').value).toBe('LumenSupport');
      expect(input('oauth-client-id').value).toBe('wrong-client');
      expect(button('oauth-connect').disabled).toBe(false);
      expect(calls(mock, 'connect_oauth')).toHaveLength(1);
    } finally {
      err.mockRestore();
    }
  });

  it('Cancel stops the waiting sign-in quietly', async () => {
    const answer = deferred<unknown>();
    const { mock } = form({
      connect_oauth: () => answer.promise,
      cancel_oauth: () => {
        answer.reject({ code: 'invalid', message: 'the sign-in was cancelled before it finished' });
        return true;
      },
    });
    await pick('mastodon');
    await type('account-base-url', 'https://social.example');
    await type('account-handle', 'lumen');
    await fireEvent.click(button('oauth-connect'));
    await screen.findByTestId('oauth-waiting');
    await fireEvent.click(screen.getByTestId('oauth-cancel'));
    await waitFor(() => expect(screen.queryByTestId('oauth-waiting')).toBeNull());
    expect(calls(mock, 'cancel_oauth')).toHaveLength(1);
    expect(screen.queryByTestId('error-banner')).toBeNull();
    expect(button('oauth-connect').disabled).toBe(false);
  });

  it('switching between token and browser drops typed secrets', async () => {
    const { mock } = form({});
    await pick('x', 'token');
    await type('account-secret', 'tok-123');
    await fireEvent.click(screen.getByTestId('method-browser'));
    await type('oauth-client-secret', CLIENT_SECRET);
    await fireEvent.click(screen.getByTestId('method-token'));
    expect(input('account-secret').value).toBe('');
    await fireEvent.click(screen.getByTestId('method-browser'));
    expect(input('oauth-client-secret').value).toBe('');
    expect(mock).not.toHaveBeenCalled();
  });
});
