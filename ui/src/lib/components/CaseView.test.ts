// The case view: loading, changes sent with the case version, notes, and the conflict path.
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

/** A backend holding one case (id 1) that versions every change, like the real one. */
function oneCase() {
  let current: CaseDetail = detail(summary(0, { version: 4 }));
  let nextEvent = 2;
  const bump = (patch: Partial<CaseDetail['case']>, kind: CaseDetail['events'][number]['kind'], text: string, body: string | null = null) => {
    current = {
      ...current,
      case: { ...current.case, ...patch, version: current.case.version + 1 },
      events: [...current.events, { id: nextEvent++, case_id: 1, at: Date.now(), actor: 'ana', kind, summary: text, body }],
    };
    return current;
  };
  const mock = backend(invoke, {
    case_detail: () => current,
    add_note: ({ body }) => bump({}, 'note', 'added a note', body),
    set_status: ({ status, expectedVersion }) => {
      if (expectedVersion !== current.case.version) throw { code: 'conflict', message: 'case 1 was changed by someone else' };
      return bump({ status }, 'status_changed', `status set to ${status}`);
    },
    assign_case: ({ memberId }) => bump({ assignee_id: memberId, assignee: memberId ? 'Tom Okafor' : null }, 'assigned', 'assigned to Tom Okafor'),
    move_case: ({ departmentId }) => bump({ department_id: departmentId, department: departmentId ? 'Legal' : null }, 'moved', 'moved to Legal'),
    hand_off_case: ({ departmentId, reason }) =>
      bump({ department_id: departmentId, department: 'Care' }, 'handed_off', 'handed off from Legal to Care', reason),
  });
  const inbox = new InboxStore(false);
  const updateRow = vi.spyOn(inbox, 'updateRow');
  render(ErrorBanner);
  render(CaseView, { props: { caseId: 1, info: workspace(), inbox } });
  return {
    mock,
    updateRow,
    sneak: (patch: Partial<CaseDetail['case']>) => bump(patch, 'status_changed', 'changed elsewhere'),
  };
}

const select = (id: string) => screen.getByTestId(id) as HTMLSelectElement;

describe('case view', () => {
  it('shows the case, its thread, author, customer and timeline', async () => {
    oneCase();
    await waitFor(() => expect(screen.getAllByTestId('thread-post')).toHaveLength(2));
    expect(screen.getByTestId('case-view').getAttribute('data-case-id')).toBe('1');
    expect(screen.getAllByTestId('thread-post').map((p) => p.getAttribute('data-direction'))).toEqual(['inbound', 'outbound']);
    expect(screen.getByTestId('author-card').textContent).toContain('@user0');
    expect(screen.getByTestId('author-card').textContent).toContain('1,234');
    expect(screen.getByTestId('customer-card').textContent).toContain('No linked customer');
    expect(screen.getByTestId('timeline-event').getAttribute('data-kind')).toBe('created');
    expect(select('case-status').value).toBe('new');
    expect(select('case-assignee').value).toBe('');
    expect(select('case-department').value).toBe('');
  });

  it('adds a note with the button, clears the textarea and shows the note', async () => {
    const { mock } = oneCase();
    await waitFor(() => screen.getByTestId('note-input'));
    const input = screen.getByTestId('note-input') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'Called the customer back' } });
    await fireEvent.click(screen.getByTestId('note-submit'));
    await waitFor(() => expect(mock).toHaveBeenCalledWith('add_note', { caseId: 1, body: 'Called the customer back' }));
    await waitFor(() => expect(input.value).toBe(''));
    const notes = screen.getAllByTestId('timeline-event').filter((e) => e.getAttribute('data-kind') === 'note');
    expect(notes).toHaveLength(1);
    expect(notes[0].textContent).toContain('Called the customer back');
  });

  it('adds a note with Ctrl+Enter', async () => {
    const { mock } = oneCase();
    await waitFor(() => screen.getByTestId('note-input'));
    const input = screen.getByTestId('note-input') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'Escalated to legal' } });
    await fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('add_note', { caseId: 1, body: 'Escalated to legal' }));
    await waitFor(() => expect(input.value).toBe(''));
  });

  it('sends status, assignee and department changes with the current version and refreshes the inbox row', async () => {
    const { mock, updateRow } = oneCase();
    await waitFor(() => screen.getByTestId('case-status'));
    await fireEvent.change(select('case-status'), { target: { value: 'open' } });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('set_status', { caseId: 1, status: 'open', expectedVersion: 4 }));
    await waitFor(() => expect(updateRow).toHaveBeenLastCalledWith(expect.objectContaining({ id: 1, status: 'open', version: 5 })));

    await fireEvent.change(select('case-assignee'), { target: { value: '2' } });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('assign_case', { caseId: 1, memberId: 2, expectedVersion: 5 }));
    await waitFor(() => expect(select('case-assignee').value).toBe('2'));

    await fireEvent.change(select('case-department'), { target: { value: '2' } });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('move_case', { caseId: 1, departmentId: 2, expectedVersion: 6 }));

    await waitFor(() => expect(select('case-department').value).toBe('2'));
    await fireEvent.change(select('case-assignee'), { target: { value: '' } });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('assign_case', { caseId: 1, memberId: null, expectedVersion: 7 }));
    expect(screen.getAllByTestId('timeline-event').map((e) => e.getAttribute('data-kind'))).toEqual(
      expect.arrayContaining(['created', 'status_changed', 'assigned', 'moved']),
    );
  });

  it('on a conflict reloads the case and says someone else changed it first', async () => {
    const { mock, sneak } = oneCase();
    await waitFor(() => screen.getByTestId('case-status'));
    sneak({ status: 'pending' }); // another desk changes the case: version 5 now
    await fireEvent.change(select('case-status'), { target: { value: 'resolved' } });
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toMatch(/someone else changed this case first/i);
    expect(banner.textContent).toContain('case 1 was changed by someone else');
    await waitFor(() => expect(select('case-status').value).toBe('pending'));
    expect(mock.mock.calls.filter((c) => c[0] === 'case_detail')).toHaveLength(2);

    await fireEvent.click(screen.getByTestId('error-dismiss'));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('shows any other failure in the error banner', async () => {
    backend(invoke, { case_detail: () => Promise.reject({ code: 'not_found', message: 'case 9 not found' }) });
    render(ErrorBanner);
    render(CaseView, { props: { caseId: 9, info: workspace(), inbox: new InboxStore(false) } });
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toContain('case 9 not found');
    expect(banner.getAttribute('data-code')).toBe('not_found');
  });
});

describe('hand-off', () => {
  it('asks why before a case leaves its department, and the timeline shows the reason as text', async () => {
    const { mock } = oneCase();
    await waitFor(() => expect(screen.getAllByTestId('thread-post')).toHaveLength(2));
    // An unrouted case is simply moved.
    await fireEvent.change(select('case-department'), { target: { value: '2' } });
    await waitFor(() => expect(mock).toHaveBeenCalledWith('move_case', { caseId: 1, departmentId: 2, expectedVersion: 4 }));
    await waitFor(() => expect(select('case-department').value).toBe('2'));
    expect(screen.queryByTestId('handoff-form')).toBeNull();

    // Cancelling a hand-off sends nothing and shows the stored department again.
    await fireEvent.change(select('case-department'), { target: { value: '1' } });
    expect(screen.getByTestId('handoff-form').textContent).toContain('Why hand this case to');
    await fireEvent.click(screen.getByText('Cancel'));
    await waitFor(() => expect(screen.queryByTestId('handoff-form')).toBeNull());
    expect(select('case-department').value).toBe('2');
    expect(mock).not.toHaveBeenCalledWith('hand_off_case', expect.anything());

    // A hand-off needs a reason; the reason goes with the case version.
    await fireEvent.change(select('case-department'), { target: { value: '1' } });
    const confirm = screen.getByTestId('handoff-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    const hostile = '<img src=x onerror=alert(1)> over the refund limit';
    await fireEvent.input(screen.getByTestId('handoff-reason'), { target: { value: hostile } });
    await fireEvent.click(confirm);
    await waitFor(() => expect(mock).toHaveBeenCalledWith('hand_off_case', { caseId: 1, departmentId: 1, reason: hostile, expectedVersion: 5 }));
    await waitFor(() => expect(screen.queryByTestId('handoff-form')).toBeNull());
    const ev = screen.getAllByTestId('timeline-event').find((e) => e.getAttribute('data-kind') === 'handed_off');
    expect(ev?.textContent).toContain('Handed off');
    expect(ev?.textContent).toContain(hostile);
    expect(document.querySelector('img')).toBeNull();
  });
});
