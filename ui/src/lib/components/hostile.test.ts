// Hostile text (post bodies, names, handles, notes) must render as literal text, never as HTML.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Thread from './Thread.svelte';
import CaseView from './CaseView.svelte';
import InboxRow from './InboxRow.svelte';
import ErrorBanner from './ErrorBanner.svelte';
import Sources from './Sources.svelte';
import { errors } from '../errors.svelte';
import { InboxStore } from '../inbox.svelte';
import { account, backend, detail, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const EVIL = '<img src=x onerror=alert(1)><b>hi</b>';

afterEach(() => {
  cleanup();
  errors.dismiss();
});

describe('hostile text', () => {
  it('shows a post with markup as literal text', () => {
    const { container } = render(Thread, {
      props: {
        account: 'lumenhelp',
        posts: [
          { id: 1, channel: 'x', external_id: 'a', direction: 'inbound', author: 'eve', author_name: 'Eve', text: EVIL, created_at: Date.now(), reply_to: null },
        ],
      },
    });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByText(EVIL)).toBeTruthy();
    expect(container.querySelector('[data-testid="thread-post"]')?.textContent).toContain(EVIL);
  });

  it('shows hostile names, handles and subjects in an inbox row as text', () => {
    const row = summary(0, { subject: EVIL, author: `${EVIL}handle`, author_name: EVIL, department: EVIL, assignee: EVIL });
    const { container } = render(InboxRow, { props: { row, selected: false, open: false, onclick: () => {} } });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain(EVIL);
  });

  it('shows hostile author, customer, note and timeline text in the case view as text', async () => {
    const c = summary(0, { subject: EVIL, author: EVIL, author_name: EVIL });
    backend(invoke, {
      case_detail: () =>
        detail(c, {
          posts: [{ id: 1, channel: 'x', external_id: 'a', direction: 'inbound', author: EVIL, author_name: EVIL, text: EVIL, created_at: Date.now(), reply_to: null }],
          author: { id: 1, channel: EVIL, handle: EVIL, display_name: EVIL, followers: 1, post_count: 1 },
          customer: { id: 1, name: EVIL, emails: [EVIL], value_tier: EVIL, lifetime_value: 10 },
          events: [{ id: 1, case_id: 1, at: Date.now(), actor: EVIL, kind: 'note', summary: EVIL, body: EVIL }],
        }),
    });
    const { container } = render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
    await waitFor(() => expect(screen.getByTestId('customer-card').textContent).toContain(EVIL));
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByTestId('author-card').textContent).toContain(EVIL);
    expect(screen.getByTestId('timeline-event').textContent).toContain(EVIL);
    expect(screen.getByTestId('thread-post').textContent).toContain(EVIL);
  });

  it('shows a hostile account name, address, network and error on the Sources page as text', async () => {
    backend(invoke, {
      accounts: () => [account(1, { name: EVIL, base_url: `https://x.example/?q=${EVIL}`, network: EVIL, last_error: EVIL, last_error_at: Date.now() })],
      poll_account: () => Promise.reject({ code: 'unavailable', message: EVIL }),
    });
    const banner = render(ErrorBanner);
    const { container } = render(Sources);
    await waitFor(() => expect(screen.getByTestId('account-error').textContent).toContain(EVIL));
    const row = screen.getByTestId('account-row');
    expect(row.textContent).toContain(EVIL);
    expect(screen.getByTestId('account-address').textContent).toBe(`https://x.example/?q=${EVIL}`);
    expect(screen.getByTestId('account-network').textContent).toBe(EVIL);
    // A failed poll puts the hostile name and message in the banner, still as text.
    screen.getByTestId('account-poll').click();
    await waitFor(() => expect(screen.getByTestId('error-banner').textContent).toContain(`Polling ${EVIL} failed: ${EVIL}`));
    for (const root of [container, banner.container]) {
      expect(root.querySelector('img')).toBeNull();
      expect(root.querySelector('b')).toBeNull();
    }
  });
});
