// Chart.js set-up for the Reports and Board tabs: the controllers the app uses, registered once, and
// builders that turn report and board data into chart configurations (pure: unit-tested). Labels
// (topics, departments) are drawn on the canvas as text; nothing is ever parsed as markup.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { DepartmentLoad, SentimentMix, Slice, TopicCount, TrendPoint } from './reports_api';
import { bucketLabel } from './reports_format';

Chart.register(
  ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Filler, Legend, LinearScale,
  LineController, LineElement, PointElement, Tooltip,
);

// Printing changes the page's layout: charts resize to it before and after (Chart.js's advice).
if (typeof window !== 'undefined') {
  const fit = () => {
    for (const c of Object.values(Chart.instances)) c.resize();
  };
  window.addEventListener('beforeprint', fit);
  window.addEventListener('afterprint', fit);
}

export { Chart };
export type Config = ChartConfiguration;

/** High-contrast colours, readable on white and printed in grey. */
export const COLOURS = {
  volume: '#1f5fbf',
  negative: '#c62828',
  answered: '#2e7d32',
  neutral: '#8a94a3',
  positive: '#2e7d32',
  unknown: '#d3d8df',
  overdue: '#c62828',
  open: '#1f5fbf',
  unassigned: '#e0a100',
  met: '#2e7d32',
  missed: '#c62828',
};

/** Shared options: no animation (a board redraws every 30 s), fills its box, big text when `big`. */
function base(big: boolean) {
  const size = big ? 16 : 12;
  return {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      legend: { labels: { color: '#18202b', font: { size }, boxWidth: big ? 18 : 12 } },
      tooltip: { enabled: true },
    },
  };
}

function axes(big: boolean, stacked = false) {
  const size = big ? 15 : 11;
  const tick = { color: '#18202b', font: { size } };
  return {
    x: { stacked, ticks: { ...tick, maxRotation: 0, autoSkip: true }, grid: { display: false } },
    y: { stacked, beginAtZero: true, ticks: { ...tick, precision: 0 }, grid: { color: '#e3e7ed' } },
  };
}

/** Hourly labels when the buckets are an hour apart, else days. */
function labels(points: TrendPoint[]): string[] {
  const hourly = points.length > 1 && points[1].start - points[0].start <= 3_600_000;
  return points.map((p) => bucketLabel(p.start, hourly));
}

/** Customer posts in and negative posts per bucket (lines). */
export function trendChart(points: TrendPoint[], big = false): Config {
  return {
    type: 'line',
    data: {
      labels: labels(points),
      datasets: [
        { label: 'Posts in', data: points.map((p) => p.posts_in), borderColor: COLOURS.volume, backgroundColor: 'rgba(31,95,191,0.12)', fill: true, borderWidth: big ? 4 : 2, pointRadius: 0, tension: 0.25 },
        { label: 'Negative', data: points.map((p) => p.negative), borderColor: COLOURS.negative, backgroundColor: COLOURS.negative, borderWidth: big ? 4 : 2, pointRadius: 0, tension: 0.25 },
      ],
    },
    options: { ...base(big), scales: axes(big) },
  } as Config;
}

/** Negative / neutral / positive / not yet understood (doughnut). */
export function sentimentChart(mix: SentimentMix, big = false): Config {
  return {
    type: 'doughnut',
    data: {
      labels: ['Negative', 'Neutral', 'Positive', 'Unknown'],
      datasets: [{
        data: [mix.negative, mix.neutral, mix.positive, mix.unknown],
        backgroundColor: [COLOURS.negative, COLOURS.neutral, COLOURS.positive, COLOURS.unknown],
        borderColor: '#fff',
        borderWidth: 2,
      }],
    },
    options: { ...base(big), cutout: '55%', plugins: { ...base(big).plugins, legend: { ...base(big).plugins.legend, position: 'right' } } },
  } as Config;
}

/** SLA targets met against missed (doughnut). */
export function slaChart(met: number, missed: number, big = false): Config {
  return {
    type: 'doughnut',
    data: {
      labels: ['Met', 'Missed'],
      datasets: [{ data: [met, missed], backgroundColor: [COLOURS.met, COLOURS.missed], borderColor: '#fff', borderWidth: 2 }],
    },
    options: { ...base(big), cutout: '60%', plugins: { ...base(big).plugins, legend: { ...base(big).plugins.legend, position: 'right' } } },
  } as Config;
}

/** Open, overdue and unassigned cases per department (grouped horizontal bars: every name shows). */
export function departmentChart(rows: DepartmentLoad[], big = false): Config {
  const size = big ? 14 : 11;
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.department || 'Unrouted'),
      datasets: [
        { label: 'Open', data: rows.map((r) => r.open), backgroundColor: COLOURS.open },
        { label: 'Overdue', data: rows.map((r) => r.overdue), backgroundColor: COLOURS.overdue },
        { label: 'Unassigned', data: rows.map((r) => r.unassigned), backgroundColor: COLOURS.unassigned },
      ],
    },
    options: {
      ...base(big),
      indexAxis: 'y',
      scales: {
        x: { beginAtZero: true, ticks: { color: '#18202b', font: { size }, precision: 0 }, grid: { color: '#e3e7ed' } },
        y: { ticks: { color: '#18202b', font: { size }, autoSkip: false }, grid: { display: false } },
      },
    },
  } as Config;
}

/** Cases per topic, with the negative part in red (horizontal stacked bars). */
export function topicChart(rows: TopicCount[], big = false): Config {
  const negative = rows.map((r) => Math.round(r.count * Math.min(1, Math.max(0, r.negative_share))));
  const size = big ? 15 : 11;
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.topic || '(no topic)'),
      datasets: [
        { label: 'Negative', data: negative, backgroundColor: COLOURS.negative },
        { label: 'Other', data: rows.map((r, i) => r.count - negative[i]), backgroundColor: COLOURS.volume },
      ],
    },
    options: {
      ...base(big),
      indexAxis: 'y',
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { color: '#18202b', font: { size }, precision: 0 }, grid: { color: '#e3e7ed' } },
        y: { stacked: true, ticks: { color: '#18202b', font: { size } }, grid: { display: false } },
      },
    },
  } as Config;
}

/** Cases, backlog and missed SLA targets per slice of a report (grouped bars). */
export function sliceChart(rows: Slice[], big = false): Config {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label || r.key || '(none)'),
      datasets: [
        { label: 'Cases', data: rows.map((r) => r.cases), backgroundColor: COLOURS.volume },
        { label: 'Backlog', data: rows.map((r) => r.backlog), backgroundColor: COLOURS.unassigned },
        { label: 'SLA missed', data: rows.map((r) => r.sla_missed), backgroundColor: COLOURS.missed },
      ],
    },
    options: { ...base(big), scales: axes(big) },
  } as Config;
}
