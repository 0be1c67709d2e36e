// Formatters for the Reports, Board and Alerts tabs: durations as "1h 05m", shares as "42%",
// date inputs to epoch ms and back, alert scopes and kinds in words.

/** "—" when null; "45s", "12m", "1h 05m", "3d 4h" for a duration in seconds. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  const m = Math.floor(t / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A 0–100 percentage: "93%" ("—" when null). */
export function pct(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return `${Math.round(p)}%`;
}

/** A 0–1 share as a percentage: "12%" ("—" when null). */
export function share(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return pct(x * 100);
}

/** met / (met + missed) as 0–100, null with no targets. */
export function slaPct(met: number, missed: number): number | null {
  return met + missed === 0 ? null : (100 * met) / (met + missed);
}

/** `yyyy-mm-dd` of a local day (for <input type="date">). */
export function dayInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The start (or, with `end`, the end) of a local day typed as `yyyy-mm-dd`; null if empty or wrong. */
export function dayStart(v: string, end = false): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(d.getTime())) return null;
  if (end) d.setDate(d.getDate() + 1);
  return d.getTime();
}

const KINDS: Record<string, string> = {
  volume_spike: 'Volume spike',
  negative_spike: 'Negative spike',
};

export function alertKind(k: string): string {
  return KINDS[k] ?? k.replace(/_/g, ' ');
}

/** "all" → "Everything"; "topic:billing" → "Topic: billing". Plain text, never markup. */
export function alertScope(scope: string): string {
  if (scope === '' || scope === 'all' || scope === 'overall') return 'Everything';
  const i = scope.indexOf(':');
  if (i < 0) return scope;
  const what = scope.slice(0, i);
  const name = scope.slice(i + 1);
  const label = { topic: 'Topic', channel: 'Channel', account: 'Account', org: 'Account' }[what] ?? what;
  return `${label}: ${name}`;
}

/** "×3.2" for a ratio of observed to expected. */
export function ratio(r: number): string {
  if (!Number.isFinite(r)) return '×∞';
  return `×${r >= 10 ? Math.round(r) : r.toFixed(1)}`;
}

/** An hour or day label for a trend axis. */
export function bucketLabel(ms: number, hourly: boolean): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  if (hourly) return `${p(d.getHours())}:00`;
  return `${d.toLocaleString('en-US', { month: 'short' })} ${d.getDate()}`;
}
