// The Sources page against a scripted backend: listing accounts, "Poll now" (success and failure),
// connecting a feed, connecting Bluesky / Mastodon / X / Reddit accounts (the secret is sent once,
// then cleared, and never shown), the empty state, and the inbox reloading after a poll that opened
// cases.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Desk from './Desk.svelte';
import ErrorBanner from './ErrorBanner.svelte';
import Sources from './Sources.svelte';
import { errors } from '../errors.svelte';
import type { Account } from '../bindings/Account';
import { account, backend, inboxQueries, NOW, pagedInbox, workspace, type Handler } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => {
  cleanup();
  errors.dismiss();
});

const rows = () => screen.queryAllByTestId('account-row');
const row = (id: number) => rows().find((r) => r.getAttribute('data-account-id') === String(id))!;
const calls = (mock: ReturnType<typeof vi.fn>, cmd: string) => mock.mock.calls.filter((c) => c[0] === cmd);

/** Renders the Sources page (with the error banner) over a mutable list of accounts. */
function sources(list: Account[], handlers: Record<string, Handler> = {}, onnewcases = vi.fn()) {
  const state = { list };
  const mock = backend(invoke, { accounts: () => state.list, listening_queries: () => [], ...handlers });
  render(ErrorBanner);
  render(Sources, { props: { onnewcases } });
  return { mock, state, onnewcases };
}

describe('sources', () => {
  it('lists each account with its network, name, address, counts, poll times and last error', async () => {
    const { mock } = sources([
      account(1, { name: 'Trustpilot', posts_fetched: 1284 }),
      account(2, { name: 'News search', last_poll_at: null, next_poll_at: null, last_error: 'the feed server answered 503', last_error_at: NOW - 60_000 }),
    ]);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(mock).toHaveBeenCalledWith('accounts', undefined);
    expect(screen.getByTestId('sources-total').textContent).toContain('2 sources');

    const first = row(1);
    expect(first.textContent).toContain('Feed'); // the rss badge
    expect(first.textContent).toContain('Trustpilot');
    expect(within(first).getByTestId('account-address').textContent).toBe('https://reviews.example/feed/1.xml');
    expect(first.textContent).toContain('1,284 posts stored');
    expect(within(first).getByTestId('account-last-poll').textContent).toContain('Last poll 5m ago');
    expect(within(first).getByTestId('account-next-poll').textContent).toMatch(/Next poll in (9|10)m/);
    expect(within(first).queryByTestId('account-error')).toBeNull();

    const second = row(2);
    expect(within(second).getByTestId('account-last-poll').textContent).toContain('Last poll never');
    // No next poll time: the background round polls it next.
    expect(within(second).getByTestId('account-next-poll').textContent).toContain('Next poll due now');
    const error = within(second).getByTestId('account-error');
    expect(error.textContent).toContain('the feed server answered 503');
    expect(error.textContent).toContain('Last poll failed');
    expect(second.classList.contains('failing')).toBe(true);
  });

  it('explains what sources are when none is connected', async () => {
    sources([]);
    const empty = await screen.findByTestId('sources-empty');
    expect(empty.textContent).toContain('Bluesky, Mastodon, X and Reddit');
    expect(empty.textContent).toContain('review sites, news, blogs');
    expect(rows()).toHaveLength(0);
    expect(screen.getByTestId('feed-url')).toBeTruthy();
  });

  it('"Poll now" calls poll_account, shows the new posts and refreshes the list', async () => {
    const { mock, state, onnewcases } = sources([account(1), account(2)], {
      poll_account: ({ accountId }) => {
        state.list = state.list.map((a) => (a.id === accountId ? { ...a, posts_fetched: 27, last_poll_at: Date.now() } : a));
        return { fetched: 40, stored: 7, new_cases: 3, pages: 2 };
      },
    });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(within(row(2)).getByTestId('account-poll'));
    expect(mock).toHaveBeenCalledWith('poll_account', { accountId: 2 });
    await waitFor(() => expect(within(row(2)).getByTestId('account-poll-result').textContent).toContain('7 new posts'));
    expect(within(row(2)).getByTestId('account-poll-result').textContent).toContain('3 new cases');
    await waitFor(() => expect(row(2).textContent).toContain('27 posts stored'));
    expect(within(row(2)).getByTestId('account-last-poll').textContent).toContain('just now');
    expect(calls(mock, 'accounts')).toHaveLength(2);
    expect(within(row(1)).queryByTestId('account-poll-result')).toBeNull();
    expect(onnewcases).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('a poll that brought nothing new does not ask the inbox to reload', async () => {
    const { onnewcases } = sources([account(1)], { poll_account: () => ({ fetched: 5, stored: 0, new_cases: 0, pages: 1 }) });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(within(row(1)).getByTestId('account-poll'));
    await waitFor(() => expect(within(row(1)).getByTestId('account-poll-result').textContent).toContain('0 new posts'));
    expect(onnewcases).not.toHaveBeenCalled();
  });

  it('a failed poll shows the error in the banner and the account its last error', async () => {
    const { mock, state } = sources([account(1, { name: 'Flaky feed' })], {
      poll_account: () => {
        state.list = [account(1, { name: 'Flaky feed', last_error: 'connection timed out', last_error_at: Date.now() })];
        return Promise.reject({ code: 'unavailable', message: 'connection timed out' });
      },
    });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(row(1)).queryByTestId('account-error')).toBeNull();
    await fireEvent.click(within(row(1)).getByTestId('account-poll'));
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain('Polling Flaky feed failed: connection timed out');
    expect(banner.getAttribute('data-code')).toBe('unavailable');
    await waitFor(() => expect(within(row(1)).getByTestId('account-error').textContent).toContain('connection timed out'));
    expect(within(row(1)).queryByTestId('account-poll-result')).toBeNull();
    expect(calls(mock, 'accounts')).toHaveLength(2);
    // The button is usable again.
    expect((within(row(1)).getByTestId('account-poll') as HTMLButtonElement).disabled).toBe(false);
  });

  it('connects a feed with the given address, name and channel and refreshes the list', async () => {
    const { mock, state } = sources([], {
      connect_feed: ({ url, name }) => {
        const a = account(5, { base_url: url, name, posts_fetched: 0, last_poll_at: null });
        state.list = [...state.list, a];
        return a;
      },
    });
    await screen.findByTestId('sources-empty');
    const connect = screen.getByTestId('feed-connect') as HTMLButtonElement;
    expect(connect.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('feed-url'), { target: { value: '  https://reviews.example/lumen.rss ' } });
    await fireEvent.input(screen.getByTestId('feed-name'), { target: { value: 'Lumen reviews' } });
    await fireEvent.input(screen.getByTestId('feed-channel'), { target: { value: 'reviews' } });
    expect(connect.disabled).toBe(false);
    await fireEvent.click(connect);
    expect(mock).toHaveBeenCalledWith('connect_feed', { url: 'https://reviews.example/lumen.rss', name: 'Lumen reviews', channel: 'reviews' });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(row(5).textContent).toContain('Lumen reviews');
    expect(calls(mock, 'accounts')).toHaveLength(2);
    expect((screen.getByTestId('feed-url') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('feed-name') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('feed-connected').textContent).toContain('Lumen reviews');
    expect(screen.queryByTestId('sources-empty')).toBeNull();
  });

  it('sends blank name and channel as null', async () => {
    const { mock } = sources([], { connect_feed: ({ url }) => account(9, { base_url: url }) });
    await screen.findByTestId('sources-empty');
    await fireEvent.input(screen.getByTestId('feed-url'), { target: { value: 'https://blog.example/feed' } });
    await fireEvent.input(screen.getByTestId('feed-name'), { target: { value: '   ' } });
    await fireEvent.click(screen.getByTestId('feed-connect'));
    expect(mock).toHaveBeenCalledWith('connect_feed', { url: 'https://blog.example/feed', name: null, channel: null });
  });

  it('shows a refused address in the error banner and keeps what was typed', async () => {
    const { mock } = sources([], {
      connect_feed: () => Promise.reject({ code: 'invalid', message: 'a feed address starts with http:// or https://' }),
    });
    await screen.findByTestId('sources-empty');
    await fireEvent.input(screen.getByTestId('feed-url'), { target: { value: 'ftp://files.example/feed' } });
    await fireEvent.click(screen.getByTestId('feed-connect'));
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain('a feed address starts with http:// or https://');
    expect(banner.getAttribute('data-code')).toBe('invalid');
    expect((screen.getByTestId('feed-url') as HTMLInputElement).value).toBe('ftp://files.example/feed');
    expect(calls(mock, 'accounts')).toHaveLength(1);
    expect(screen.queryByTestId('feed-connected')).toBeNull();
  });

  it('reloads the list every 30 s to show the background polls, quietly', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { mock, state } = sources([account(1, { name: 'Quiet feed' })]);
      await waitFor(() => expect(rows()).toHaveLength(1));
      state.list = [account(1, { name: 'Quiet feed', last_error: 'the feed server answered 502', last_error_at: Date.now() })];
      await vi.advanceTimersByTimeAsync(30_000);
      await waitFor(() => expect(within(row(1)).getByTestId('account-error').textContent).toContain('answered 502'));
      // A failed periodic reload keeps the list and stays out of the banner.
      mock.mockImplementation(async () => Promise.reject({ code: 'unavailable', message: 'database is locked' }));
      await vi.advanceTimersByTimeAsync(30_000);
      expect(rows()).toHaveLength(1);
      expect(screen.queryByTestId('error-banner')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a failed listing in the banner with a way to try again', async () => {
    let fail = true;
    backend(invoke, {
      accounts: () => (fail ? Promise.reject({ code: 'unavailable', message: 'database is locked' }) : [account(1)]),
      listening_queries: () => [],
    });
    render(ErrorBanner);
    render(Sources);
    expect((await screen.findByTestId('error-banner')).textContent).toContain('database is locked');
    fail = false;
    await fireEvent.click(screen.getByText('Try again'));
    await waitFor(() => expect(rows()).toHaveLength(1));
  });
});

describe('add an account', () => {
  const SECRET = 'abcd-efgh-ijkl-mnop';
  const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
  const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });

  /** The accounts page with a connect_account that adds what it was given to the list. */
  function withConnect(answer?: Handler) {
    let next = 40;
    const ctx = sources([], {
      connect_account:
        answer ??
        (({ network, baseUrl, handle }) => {
          const a = account(next++, { network, name: handle, base_url: baseUrl, secret_ref: `${network}:${handle}/access-token`, posts_fetched: 0, last_poll_at: null });
          ctx.state.list = [...ctx.state.list, a];
          return a;
        }),
    });
    return ctx;
  }

  it('the network picker is a labelled radio group and shows each network its own fields', async () => {
    sources([]);
    await screen.findByTestId('sources-empty');
    const group = screen.getByRole('radiogroup', { name: 'Network' });
    expect(within(group).getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['bluesky', 'mastodon', 'x', 'reddit', 'rss']);
    // Feeds first (no secret needed), as before.
    expect((screen.getByTestId('network-rss') as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('account-secret')).toBeNull();

    await fireEvent.click(screen.getByTestId('network-bluesky'));
    expect(screen.queryByTestId('feed-url')).toBeNull();
    expect(input('account-base-url').value).toBe('https://bsky.social');
    expect(screen.getByLabelText(/App password/).getAttribute('type')).toBe('password');
    expect(screen.getByLabelText('Handle')).toBe(input('account-handle'));
    expect(screen.queryByTestId('account-user-id')).toBeNull();

    await fireEvent.click(screen.getByTestId('network-mastodon'));
    expect(input('account-base-url').value).toBe('');
    expect(screen.getByLabelText('Instance')).toBe(input('account-base-url'));
    expect(screen.getByLabelText(/Access token/).getAttribute('type')).toBe('password');

    await fireEvent.click(screen.getByTestId('network-x'));
    expect(input('account-base-url').value).toBe('https://api.x.com');
    expect(screen.getByLabelText(/User id/)).toBe(input('account-user-id'));

    await fireEvent.click(screen.getByTestId('network-reddit'));
    expect(input('account-base-url').value).toBe('https://oauth.reddit.com');
    expect(screen.getByLabelText('Username')).toBe(input('account-handle'));
  });

  it('connects Bluesky with server, handle and app password, then clears the password', async () => {
    const { mock } = withConnect();
    await screen.findByTestId('sources-empty');
    await fireEvent.click(screen.getByTestId('network-bluesky'));
    const connect = screen.getByTestId('account-connect') as HTMLButtonElement;
    expect(connect.disabled).toBe(true);
    await type('account-handle', ' lumen.bsky.social ');
    await type('account-secret', SECRET);
    expect(input('account-secret').value).toBe(SECRET);
    expect(connect.disabled).toBe(false);
    await fireEvent.click(connect);
    expect(calls(mock, 'connect_account')).toEqual([
      ['connect_account', { network: 'bluesky', baseUrl: 'https://bsky.social', handle: 'lumen.bsky.social', secret: SECRET, userId: null }],
    ]);
    // Cleared as soon as the call is made, before the answer.
    expect(input('account-secret').value).toBe('');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(row(40).textContent).toContain('Bluesky');
    expect(row(40).textContent).toContain('lumen.bsky.social');
    expect(screen.getByTestId('account-connected').textContent).toContain('lumen.bsky.social');
    expect(input('account-secret').value).toBe('');
    expect(input('account-handle').value).toBe('');
    expect(calls(mock, 'accounts')).toHaveLength(2);
    expect(document.body.textContent).not.toContain(SECRET);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('connects X with its numeric user id and API address', async () => {
    const { mock } = withConnect();
    await screen.findByTestId('sources-empty');
    await fireEvent.click(screen.getByTestId('network-x'));
    await type('account-handle', '@LumenHelp');
    await type('account-secret', SECRET);
    await type('account-user-id', '13000x');
    const connect = screen.getByTestId('account-connect') as HTMLButtonElement;
    expect(connect.disabled).toBe(true);
    expect(input('account-user-id').getAttribute('aria-invalid')).toBe('true');
    await type('account-user-id', '1300000000000000001');
    await type('account-base-url', 'https://api.x.example');
    expect(connect.disabled).toBe(false);
    await fireEvent.click(connect);
    expect(mock).toHaveBeenCalledWith('connect_account', {
      network: 'x',
      baseUrl: 'https://api.x.example',
      handle: '@LumenHelp',
      secret: SECRET,
      userId: '1300000000000000001',
    });
    expect(input('account-secret').value).toBe('');
    await waitFor(() => expect(rows()).toHaveLength(1));
  });

  it('connects Mastodon and Reddit with an access token', async () => {
    const { mock } = withConnect();
    await screen.findByTestId('sources-empty');
    await fireEvent.click(screen.getByTestId('network-mastodon'));
    await type('account-base-url', 'https://social.example');
    await type('account-handle', 'lumen');
    await type('account-secret', SECRET);
    await fireEvent.click(screen.getByTestId('account-connect'));
    expect(mock).toHaveBeenCalledWith('connect_account', { network: 'mastodon', baseUrl: 'https://social.example', handle: 'lumen', secret: SECRET, userId: null });
    await waitFor(() => expect(screen.getByTestId('account-connected')).toBeTruthy());

    await fireEvent.click(screen.getByTestId('network-reddit'));
    await type('account-handle', 'LumenSupport');
    await type('account-secret', 'tok-2');
    await fireEvent.click(screen.getByTestId('account-connect'));
    expect(mock).toHaveBeenCalledWith('connect_account', { network: 'reddit', baseUrl: 'https://oauth.reddit.com', handle: 'LumenSupport', secret: 'tok-2', userId: null });
    expect(input('account-secret').value).toBe('');
  });

  it('a refusal is shown in plain words without the secret, the secret is cleared and the rest kept', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { mock } = withConnect(() =>
        // A careless layer quoting what it was given: the page must not repeat it.
        Promise.reject({ code: 'invalid', message: `bsky.social did not accept the app password ${SECRET}: 401 Unauthorized` }),
      );
      await screen.findByTestId('sources-empty');
      await fireEvent.click(screen.getByTestId('network-bluesky'));
      await type('account-handle', 'lumen.bsky.social');
      await type('account-secret', SECRET);
      await fireEvent.click(screen.getByTestId('account-connect'));
      const banner = await screen.findByTestId('error-banner');
      expect(banner.textContent).toContain('Could not connect the Bluesky account: bsky.social did not accept the app password');
      expect(banner.textContent).toContain('401 Unauthorized');
      expect(banner.textContent).not.toContain(SECRET);
      expect(banner.getAttribute('data-code')).toBe('invalid');
      expect(input('account-secret').value).toBe('');
      expect(input('account-handle').value).toBe('lumen.bsky.social');
      expect(input('account-base-url').value).toBe('https://bsky.social');
      expect(screen.queryByTestId('account-connected')).toBeNull();
      expect(calls(mock, 'accounts')).toHaveLength(1);
      expect(document.body.innerHTML).not.toContain(SECRET);
      for (const spy of [log, err, warn]) expect(JSON.stringify(spy.mock.calls)).not.toContain(SECRET);
      // Usable again: a new password can be typed and sent.
      expect((screen.getByTestId('account-connect') as HTMLButtonElement).disabled).toBe(true);
      await type('account-secret', 'second-try');
      expect((screen.getByTestId('account-connect') as HTMLButtonElement).disabled).toBe(false);
    } finally {
      log.mockRestore();
      err.mockRestore();
      warn.mockRestore();
    }
  });

  it('switching network drops a typed secret', async () => {
    const { mock } = withConnect();
    await screen.findByTestId('sources-empty');
    await fireEvent.click(screen.getByTestId('network-mastodon'));
    await type('account-secret', SECRET);
    await fireEvent.click(screen.getByTestId('network-bluesky'));
    expect(input('account-secret').value).toBe('');
    await fireEvent.click(screen.getByTestId('network-rss'));
    await fireEvent.click(screen.getByTestId('network-mastodon'));
    expect(input('account-secret').value).toBe('');
    expect(calls(mock, 'connect_account')).toHaveLength(0);
  });
});

describe('navigation', () => {
  function desk(pollOutcome: { stored: number; new_cases: number }) {
    return backend(invoke, {
      inbox: pagedInbox(50),
      accounts: () => [account(1)],
      listening_queries: () => [],
      poll_account: () => ({ fetched: 10, pages: 1, ...pollOutcome }),
    });
  }

  it('the Sources tab replaces the inbox and the Inbox tab brings it back', async () => {
    desk({ stored: 0, new_cases: 0 });
    render(Desk, { props: { info: workspace() } });
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));
    expect(screen.getByTestId('nav-inbox').getAttribute('aria-current')).toBe('page');

    await fireEvent.click(screen.getByTestId('nav-sources'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.queryByTestId('inbox-list')).toBeNull();
    expect(screen.getByTestId('nav-sources').getAttribute('aria-current')).toBe('page');
    // The inbox keyboard is off while on Sources.
    await fireEvent.keyDown(document.body, { key: 'j' });

    await fireEvent.click(screen.getByTestId('nav-inbox'));
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));
    expect(screen.queryByTestId('sources')).toBeNull();
    expect(screen.getAllByTestId('inbox-row').filter((r) => r.getAttribute('aria-selected') === 'true')).toHaveLength(0);
  });

  it('after a poll that opened cases, going back reloads the inbox from the top', async () => {
    const mock = desk({ stored: 4, new_cases: 2 });
    render(Desk, { props: { info: workspace() } });
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));
    const before = inboxQueries(mock).length;

    await fireEvent.click(screen.getByTestId('nav-sources'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(within(row(1)).getByTestId('account-poll'));
    await waitFor(() => expect(screen.getByTestId('account-poll-result').textContent).toContain('4 new posts'));
    expect(inboxQueries(mock)).toHaveLength(before);

    await fireEvent.click(screen.getByTestId('nav-inbox'));
    await waitFor(() => expect(inboxQueries(mock).length).toBeGreaterThan(before));
    expect(inboxQueries(mock)[before].offset).toBe(0);
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));

    // Only once: the next round trip does not reload again.
    const after = inboxQueries(mock).length;
    await fireEvent.click(screen.getByTestId('nav-sources'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('nav-inbox'));
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));
    expect(inboxQueries(mock)).toHaveLength(after);
  });

  it('a poll with no new cases does not reload the inbox', async () => {
    const mock = desk({ stored: 0, new_cases: 0 });
    render(Desk, { props: { info: workspace() } });
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));
    const before = inboxQueries(mock).length;
    await fireEvent.click(screen.getByTestId('nav-sources'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(within(row(1)).getByTestId('account-poll'));
    await waitFor(() => expect(screen.getByTestId('account-poll-result')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('nav-inbox'));
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('50 cases'));
    expect(inboxQueries(mock)).toHaveLength(before);
  });
});
