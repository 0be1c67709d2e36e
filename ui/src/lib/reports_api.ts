// The Reports, Board and Alerts tabs' commands (src-tauri/src/report_commands.rs). The report and
// alert shapes are the engine's generated bindings (crates/core/src/report.rs, alert.rs), re-exported
// here. Every rejection is normalised to ApiError, as in api.ts.
import { call } from './api';
import type { Alert } from './bindings/Alert';
import type { AlertStatus } from './bindings/AlertStatus';
import type { BoardView } from './bindings/BoardView';
import type { CaseSummary } from './bindings/CaseSummary';
import type { Report } from './bindings/Report';
import type { ReportQuery } from './bindings/ReportQuery';

export type { Alert } from './bindings/Alert';
export type { AlertExample } from './bindings/AlertExample';
export type { AlertKind } from './bindings/AlertKind';
export type { AlertStatus } from './bindings/AlertStatus';
export type { AuthorRank } from './bindings/AuthorRank';
export type { BoardView } from './bindings/BoardView';
export type { DepartmentLoad } from './bindings/DepartmentLoad';
export type { Report } from './bindings/Report';
export type { ReportQuery } from './bindings/ReportQuery';
export type { SentimentMix } from './bindings/SentimentMix';
export type { Severity as AlertSeverity } from './bindings/Severity';
export type { SlaCompliance } from './bindings/SlaCompliance';
export type { Slice } from './bindings/Slice';
export type { TopicCount } from './bindings/TopicCount';
export type { TrendPoint } from './bindings/TrendPoint';

/** The breakdowns a report has, and the numbers in them one can drill into. */
export type Dimension = 'org' | 'channel' | 'department' | 'topic' | 'member';
export type Metric = 'cases' | 'answered' | 'unanswered' | 'backlog' | 'sla_met' | 'sla_missed' | 'negative';

export const reportsApi = {
  report: (query: ReportQuery) => call<Report>('report', { query }),
  board: () => call<BoardView>('board'),
  /** The cases behind one number: `metric` of the slice `key` of `dimension` (both null: the whole report). */
  reportCases: (query: ReportQuery, metric: Metric, dimension: Dimension | null, key: string | null) =>
    call<CaseSummary[]>('report_cases', { query, metric, dimension, key }),
  /** The report as CSV, as `switchboard report --format csv` writes it. */
  reportCsv: (query: ReportQuery) => call<string>('report_csv', { query }),
  /** Saves that CSV in the Downloads folder (desktop app only); resolves to the file's path. */
  saveReportCsv: (query: ReportQuery) => call<string>('save_report_csv', { query }),
  /** Alerts, newest first; `status` null for all. */
  alerts: (status: AlertStatus | null) => call<Alert[]>('alerts', { status }),
  acknowledgeAlert: (id: number) => call<Alert>('acknowledge_alert', { id }),
  resolveAlert: (id: number, note: string | null) => call<Alert>('resolve_alert', { id, note }),
};

/** An empty query: everything, all time. */
export const ALL_TIME: ReportQuery = { from: null, to: null, channel: null, department_id: null, topic: null, account: null };
