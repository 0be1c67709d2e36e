// The Reports, Board and Alerts tabs against a scripted backend (the dev mock's report, board and
// alerts): headline numbers formatted, a table count listing its cases (inbox rows) and opening
// one, an executive viewer seeing no member table, influential authors, example posts or case
// lists, hostile topics / handles / post text shown as text, and acknowledging and resolving an
// alert with a note. Canvases have no 2D context under jsdom, so charts show their fallback label.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { invoke } from '@tauri-apps/api/core';
import Alerts from './Alerts.svelte';
import Board from './Board.svelte';
import Desk from './Desk.svelte';
import Reports from './Reports.svelte';
import { backend, detail, pagedInbox, summary, workspace } from '../../test/fake';
import { mockBoard, mockReport, reportsMock } from '../mock_reports';
import { duration, alertScope } from '../reports_format';
import { sentimentChart, trendChart, topicChart } from '../charts';
import type { Alert, Report } from '../reports_api';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const EVIL = '<img src=x onerror=alert(1)>';
const EXECUTIVE = workspace({ me: { id: 9, handle: 'eve', name: 'Eve Exec', role: 'executive', department_id: null } });

beforeEach(() => {
  // jsdom has no canvas: say so quietly (Chart.js is not reached).
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function report(): Report {
  const r = mockReport({ from: null, to: null, channel: null, department_id: null, topic: null, account: null }, Date.UTC(2026, 10, 20));
  r.median_frt_s = 1740;
  r.p90_frt_s = 15120;
  return r;
}

function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: 5, kind: 'negative_spike', scope: `topic:${EVIL}`, started_at: Date.now() - 7200_000, ended_at: null, detected_at: Date.now() - 3600_000,
    severity: 'high', observed: 48, expected: 6.5, ratio: 7.4, z: 9, peak_at: Date.now() - 3600_000, hours: 2, status: 'open', note: null,
    examples: [{ post_id: 1, case_id: 2, author: 'dana_k', text: `${EVIL} no signal since 7am`, created_at: Date.now() - 60_000 }],
    ...over,
  };
}

describe('formatting', () => {
  it('reads durations as seconds, minutes, hours and days', () => {
    expect(duration(null)).toBe('—');
    expect(duration(45)).toBe('45s');
    expect(duration(1740)).toBe('29m');
    expect(duration(15120)).toBe('4h 12m');
    expect(duration(4 * 86400 + 3600)).toBe('4d 1h');
  });
  it('names alert scopes', () => {
    expect(alertScope('all')).toBe('Everything');
    expect(alertScope('topic:billing')).toBe('Topic: billing');
    expect(alertScope('account:@Lumen')).toBe('Account: @Lumen');
  });
  it('builds chart configurations from the data', () => {
    const t = trendChart([{ start: 0, posts_in: 4, negative: 1, answered: 2 }, { start: 3600_000, posts_in: 6, negative: 3, answered: 1 }]);
    expect(t.type).toBe('line');
    expect(t.data.datasets.map((d) => d.data)).toEqual([[4, 6], [1, 3]]);
    expect(sentimentChart({ negative: 1, neutral: 2, positive: 3, unknown: 4 }).data.datasets[0].data).toEqual([1, 2, 3, 4]);
    const topics = topicChart([{ topic: EVIL, count: 10, negative_share: 0.3 }]);
    expect(topics.data.labels).toEqual([EVIL]);
    expect(topics.data.datasets.map((d) => d.data)).toEqual([[3], [7]]);
  });
});

describe('Reports', () => {
  it('shows the headline numbers, the tables and lists the cases behind a count', async () => {
    const r = report();
    const opened: number[] = [];
    const mock = backend(invoke, {
      report: () => r,
      report_cases: (a) => reportsMock('report_cases', a),
    });
    render(Reports, { props: { info: workspace(), onopencase: (id: number) => opened.push(id) } });
    expect((await screen.findByTestId('headline-cases')).textContent).toBe(String(r.cases));
    expect(screen.getByTestId('headline-median-frt').textContent).toBe('29m');
    expect(screen.getByTestId('headline-p90-frt').textContent).toBe('4h 12m');
    expect(screen.getByTestId('report-table-member')).toBeTruthy();
    expect(screen.getByTestId('report-table-topic')).toBeTruthy();
    expect(screen.getAllByTestId('chart-trend').length).toBe(1);

    const topicTable = screen.getByTestId('report-table-topic');
    const evilRow = [...topicTable.querySelectorAll('[data-testid="report-row"]')].find((x) => x.getAttribute('data-key') === EVIL)!;
    expect(evilRow.textContent).toContain(EVIL);
    expect(document.querySelector('img')).toBeNull();

    await fireEvent.click(evilRow.querySelector('[data-testid="drill-cases"]')!);
    const rows = await screen.findAllByTestId('inbox-row');
    expect(rows.length).toBe(12);
    const call = mock.mock.calls.find((c) => c[0] === 'report_cases')!;
    expect(call[1]).toMatchObject({ metric: 'cases', dimension: 'topic', key: EVIL });
    expect(rows[2].textContent).toContain('<b>bold</b>');
    expect(document.querySelector('b, i')).toBeNull();
    await fireEvent.click(rows[0]);
    expect(opened).toEqual([Number(rows[0].getAttribute('data-case-id'))]);
  });

  it('sends the period and filters with the query', async () => {
    const mock = backend(invoke, { report: () => report() });
    render(Reports, { props: { info: workspace() } });
    await screen.findByTestId('headline-cases');
    await fireEvent.input(screen.getByTestId('report-from'), { target: { value: '2026-11-01' } });
    await fireEvent.input(screen.getByTestId('report-to'), { target: { value: '2026-11-30' } });
    const dept = screen.getByTestId('report-department') as HTMLSelectElement;
    dept.value = '2';
    await fireEvent.change(dept);
    await waitFor(() => {
      const q = mock.mock.calls.filter((c) => c[0] === 'report').at(-1)![1].query;
      expect(q.department_id).toBe(2);
      expect(q.from).toBe(new Date(2026, 10, 1).getTime());
      expect(q.to).toBe(new Date(2026, 11, 1).getTime());
    });
  });

  it('refuses a period that ends before it starts', async () => {
    backend(invoke, { report: () => report() });
    render(Reports, { props: { info: workspace() } });
    await screen.findByTestId('headline-cases');
    await fireEvent.input(screen.getByTestId('report-from'), { target: { value: '2026-11-30' } });
    await fireEvent.input(screen.getByTestId('report-to'), { target: { value: '2026-11-01' } });
    await fireEvent.submit(screen.getByTestId('report-from').closest('form')!);
    expect((await screen.findByTestId('report-error')).textContent).toContain('ends before it starts');
  });

  it('gives an executive no member table, no influential authors and no case lists', async () => {
    const mock = backend(invoke, { report: () => report() });
    render(Reports, { props: { info: EXECUTIVE } });
    await screen.findByTestId('headline-cases');
    expect(screen.queryByTestId('report-table-member')).toBeNull();
    expect(screen.queryByTestId('report-influential')).toBeNull();
    expect(screen.getByTestId('headline-cases').tagName).toBe('SPAN');
    const n = screen.getAllByTestId('drill-cases')[0];
    await fireEvent.click(n);
    expect(mock.mock.calls.some((c) => c[0] === 'report_cases')).toBe(false);
    expect(document.body.textContent).not.toContain('streamer_kai');
    expect(document.body.textContent).not.toContain('Ana Ruiz');
  });
});

describe('Board', () => {
  it('shows big numbers, charts and active alerts with their example posts as text', async () => {
    backend(invoke, { board: () => mockBoard(false), alerts: ({ status }) => (status === 'open' ? [alert()] : []) });
    render(Board, { props: { info: workspace() } });
    expect((await screen.findByTestId('board-open')).textContent).toBe('143');
    expect(screen.getByTestId('board-sla').textContent).toBe('87%');
    expect(screen.getByTestId('board-alert-count').textContent).toBe('1');
    expect(screen.getByTestId('board-chart-volume')).toBeTruthy();
    const item = await screen.findByTestId('alert-item');
    expect(item.textContent).toContain(`Topic: ${EVIL}`);
    expect(screen.getByTestId('alert-examples').textContent).toContain(`${EVIL} no signal`);
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByTestId('board-influential').textContent).toContain('@streamer_kai');
  });

  it('shows an executive no handles, names or post text, even if the data had them', async () => {
    const b = mockBoard(false); // as if the backend had left the handles in
    backend(invoke, { board: () => b, alerts: ({ status }) => (status === 'open' ? [alert()] : []) });
    render(Board, { props: { info: EXECUTIVE } });
    await screen.findByTestId('alert-item');
    expect(screen.queryByTestId('alert-examples')).toBeNull();
    expect(screen.queryByTestId('board-influential')).toBeNull();
    const text = screen.getByTestId('board').textContent!;
    expect(text).not.toContain('dana_k');
    expect(text).not.toContain('no signal since');
    expect(text).not.toContain('streamer_kai');
  });

  it('refreshes itself', async () => {
    vi.useFakeTimers();
    try {
      const mock = backend(invoke, { board: () => mockBoard(true), alerts: () => [] });
      render(Board, { props: { info: workspace(), refreshMs: 30_000 } });
      await vi.advanceTimersByTimeAsync(10);
      expect(mock.mock.calls.filter((c) => c[0] === 'board').length).toBe(1);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(mock.mock.calls.filter((c) => c[0] === 'board').length).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Alerts', () => {
  it('acknowledges and resolves an alert with a note', async () => {
    let current = alert();
    const mock = backend(invoke, {
      alerts: () => [current],
      acknowledge_alert: () => (current = { ...current, status: 'acknowledged' }),
      resolve_alert: ({ note }) => (current = { ...current, status: 'resolved', note }),
    });
    render(Alerts, { props: { info: workspace() } });
    await fireEvent.click(await screen.findByTestId('alert-ack'));
    await waitFor(() => expect(screen.getByTestId('alert-item').getAttribute('data-status')).toBe('acknowledged'));
    await fireEvent.click(screen.getByTestId('alert-resolve'));
    await fireEvent.input(screen.getByTestId('alert-note'), { target: { value: 'Mast repaired <b>ok</b>' } });
    await fireEvent.click(screen.getByTestId('alert-resolve-confirm'));
    await waitFor(() => expect(screen.getByTestId('alert-item').getAttribute('data-status')).toBe('resolved'));
    expect(mock.mock.calls.find((c) => c[0] === 'resolve_alert')![1]).toEqual({ id: 5, note: 'Mast repaired <b>ok</b>' });
    expect(screen.getByTestId('alert-item').textContent).toContain('Note: Mast repaired <b>ok</b>');
    expect(screen.getByTestId('alert-item').querySelector('.note b')).toBeNull();
    expect(screen.queryByTestId('alert-ack')).toBeNull();
  });

  it('hides example posts from an executive', async () => {
    backend(invoke, { alerts: () => [alert()] });
    render(Alerts, { props: { info: EXECUTIVE } });
    await screen.findByTestId('alert-item');
    expect(screen.queryByTestId('alert-examples')).toBeNull();
  });
});

describe('the Reports, Board and Alerts tabs', () => {
  it('open from the top bar, and a case behind a number opens in the inbox', async () => {
    backend(invoke, {
      inbox: pagedInbox(50),
      case_detail: ({ caseId }) => detail(summary(caseId - 1)),
      report: () => report(),
      report_cases: () => [summary(6)],
      board: () => mockBoard(false),
      alerts: () => [],
    });
    render(Desk, { props: { info: workspace() } });
    await fireEvent.click(screen.getByTestId('nav-reports'));
    expect(screen.getByTestId('nav-reports').getAttribute('aria-current')).toBe('page');
    await fireEvent.click(await screen.findByTestId('headline-cases'));
    await fireEvent.click(await screen.findByTestId('inbox-row'));
    expect(screen.getByTestId('nav-inbox').getAttribute('aria-current')).toBe('page');
    expect((await screen.findByTestId('case-view')).getAttribute('data-case-id')).toBe('7');
    await fireEvent.click(screen.getByTestId('nav-board'));
    expect(await screen.findByTestId('board-open')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('nav-alerts'));
    expect(await screen.findByTestId('alerts-none')).toBeTruthy();
  });

  it('an executive desk opens on the board', async () => {
    backend(invoke, { inbox: pagedInbox(5), board: () => mockBoard(true), alerts: () => [] });
    render(Desk, { props: { info: EXECUTIVE } });
    expect(await screen.findByTestId('board-open')).toBeTruthy();
    expect(screen.getByTestId('nav-board').getAttribute('aria-current')).toBe('page');
  });
});
