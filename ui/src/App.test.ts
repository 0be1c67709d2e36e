// First run: an empty workspace offers the demo; loading it shows the inbox.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import App from './App.svelte';
import { errors } from './lib/errors.svelte';
import { backend, pagedInbox, workspace } from './test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => {
  cleanup();
  errors.dismiss();
});

describe('app', () => {
  it('offers the demo on an empty workspace and shows the inbox once it is loaded', async () => {
    const mock = backend(invoke, {
      workspace_info: () => workspace({ empty: true, case_count: 0 }),
      load_demo: () => workspace({ case_count: 30 }),
      inbox: pagedInbox(30),
    });
    render(App);
    const button = await screen.findByTestId('demo-button');
    expect(screen.queryByTestId('inbox-list')).toBeNull();
    await fireEvent.click(button);
    expect(mock.mock.calls.map((c) => c[0])).toContain('load_demo');
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('30 cases'));
    expect(screen.getAllByTestId('inbox-row')[0].getAttribute('data-case-id')).toBe('1');
    expect(screen.queryByTestId('demo-button')).toBeNull();
  });

  it('goes straight to the inbox when the workspace has cases', async () => {
    backend(invoke, { workspace_info: () => workspace(), inbox: pagedInbox(1) });
    render(App);
    await waitFor(() => expect(screen.getByTestId('inbox-total').textContent).toContain('1 case'));
    expect(screen.queryByTestId('demo-button')).toBeNull();
  });

  it('shows a failed load_demo in the error banner', async () => {
    backend(invoke, {
      workspace_info: () => workspace({ empty: true }),
      load_demo: () => Promise.reject({ code: 'invalid', message: 'workspace is not empty' }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('demo-button'));
    expect((await screen.findByTestId('error-banner')).textContent).toContain('workspace is not empty');
  });
});
