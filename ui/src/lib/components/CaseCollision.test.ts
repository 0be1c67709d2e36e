// The collision guard in the case view: Claim on an unassigned case (one winner; the loser is
// told who), and a reply refused because the case changed since the draft began, shown with
// what changed and a Send anyway that re-sends with confirm.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import CaseView from './CaseView.svelte';
import ErrorBanner from './ErrorBanner.svelte';
import { InboxStore } from '../inbox.svelte';
import { errors } from '../errors.svelte';
import type { CaseDetail } from '../bindings/CaseDetail';
import { backend, detail, summary, workspace } from '../../test/fake';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

afterEach(() => {
  cleanup();
  errors.dismiss();
});

/** One unassigned case (id 1, version 4); `claimedBy` makes the claim lose to that handle. */
function oneCase(claimedBy: string | null = null) {
  let current: CaseDetail = detail(summary(0, { version: 4, assignee_id: null, assignee: null }));
  let nextEvent = 2;
  const bump = (patch: Partial<CaseDetail['case']>, summaryText: string, actor = 'ana') => {
    current = {
      ...current,
      case: { ...current.case, ...patch, version: current.case.version + 1 },
      events: [...current.events, { id: nextEvent++, case_id: 1, at: Date.now(), actor, kind: 'note', summary: summaryText, body: null }],
    };
    return current;
  };
  let queued = 0;
  const mock = backend(invoke, {
    case_detail: () => current,
    case_replies: () => [],
    suggested_reply: () => null,
    claim_case: () => {
      if (claimedBy) throw { code: 'conflict', message: `case #1 was just claimed by ${claimedBy}` };
      return bump({ assignee_id: 1, assignee: 'Ana Ruiz' }, 'claimed: assigned to Ana Ruiz');
    },
    reply: ({ basedOnVersion, confirm }) => {
      if (basedOnVersion !== null && basedOnVersion !== current.case.version && !confirm) {
        throw { code: 'conflict', message: 'case #1 changed since you began this reply: kofi: added a note. Read the case, then send anyway if the reply still fits' };
      }
      queued++;
      return bump({}, 'wrote a reply');
    },
  });
  render(ErrorBanner);
  render(CaseView, { props: { caseId: 1, info: workspace(), inbox: new InboxStore(false) } });
  return { mock, queued: () => queued, meanwhile: () => bump({}, 'added a note', 'kofi') };
}

const input = () => screen.getByTestId('reply-input') as HTMLTextAreaElement;

describe('collision guard in the case view', () => {
  it('claims an unassigned case; the button goes once it is assigned', async () => {
    const { mock } = oneCase();
    await fireEvent.click(await screen.findByTestId('case-claim'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('claim_case', { caseId: 1 }));
    await waitFor(() => expect((screen.getByTestId('case-assignee') as HTMLSelectElement).value).toBe('1'));
    expect(screen.queryByTestId('case-claim')).toBeNull();
  });

  it('a lost claim says who won', async () => {
    oneCase('kofi');
    await fireEvent.click(await screen.findByTestId('case-claim'));
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain('case #1 was just claimed by kofi');
    expect(banner.getAttribute('data-code')).toBe('conflict');
  });

  it('sends the version the draft began on; a stale draft shows what changed and Send anyway confirms', async () => {
    const { mock, queued, meanwhile } = oneCase();
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: '<b>We will refund you</b>' } });
    meanwhile(); // kofi adds a note: version 5
    await fireEvent.click(screen.getByTestId('reply-submit'));
    const stale = await screen.findByTestId('reply-stale');
    expect(stale.textContent).toContain('kofi: added a note');
    expect(mock).toHaveBeenCalledWith('reply', { caseId: 1, body: '<b>We will refund you</b>', direct: false, basedOnVersion: 4, confirm: false });
    expect(queued()).toBe(0);
    expect(input().value).toBe('<b>We will refund you</b>'); // the text stays
    expect(screen.queryByTestId('error-banner')).toBeNull();

    await fireEvent.click(screen.getByTestId('reply-send-anyway'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('reply', { caseId: 1, body: '<b>We will refund you</b>', direct: false, basedOnVersion: 4, confirm: true }));
    await waitFor(() => expect(input().value).toBe(''));
    expect(queued()).toBe(1);
    expect(screen.queryByTestId('reply-stale')).toBeNull();
  });

  it('a draft on an unchanged case is sent straight away', async () => {
    const { mock, queued } = oneCase();
    await waitFor(() => screen.getByTestId('reply-input'));
    await fireEvent.input(input(), { target: { value: 'Thanks, on it' } });
    await fireEvent.click(screen.getByTestId('reply-submit'));
    await waitFor(() => expect(input().value).toBe(''));
    expect(mock).toHaveBeenCalledWith('reply', { caseId: 1, body: 'Thanks, on it', direct: false, basedOnVersion: 4, confirm: false });
    expect(queued()).toBe(1);
  });
});

describe('live updates in the case view', () => {
  it('reads the open case again when another desk changed it, keeping the draft', async () => {
    let current: CaseDetail = detail(summary(0, { version: 4 }));
    const mock = backend(invoke, { case_detail: () => current, case_replies: () => [], suggested_reply: () => null });
    const inbox = new InboxStore(false);
    render(CaseView, { props: { caseId: 1, info: workspace(), inbox } });
    await screen.findByTestId('reply-input');
    await fireEvent.input(input(), { target: { value: 'Half written' } });
    const reads = () => mock.mock.calls.filter((c) => c[0] === 'case_detail').length;
    const before = reads();
    current = {
      ...current,
      case: { ...current.case, version: 5 },
      events: [...current.events, { id: 9, case_id: 1, at: Date.now(), actor: 'kofi', kind: 'note', summary: 'added a note', body: null }],
    };
    inbox.openChanged += 1;
    await waitFor(() => expect(reads()).toBe(before + 1));
    await waitFor(() => expect(screen.getByText('added a note')).toBeTruthy());
    expect(input().value).toBe('Half written');
  });
});
