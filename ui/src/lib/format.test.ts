// Formatters and the filter → InboxQuery mapping.
import { describe, expect, it } from 'vitest';
import { formatCount, networkName, priorityBand, relativeAge, shortTime, sinceText, untilText } from './format';
import { NO_FILTERS, pageOf, toQuery } from './inbox.svelte';

describe('format', () => {
  it('counts with thousands separators', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(100000)).toBe('100,000');
  });

  it('gives short relative ages from epoch milliseconds', () => {
    const now = 1_700_000_000_000;
    expect(relativeAge(now - 10_000, now)).toBe('now');
    expect(relativeAge(now - 5 * 60_000, now)).toBe('5m');
    expect(relativeAge(now - 3 * 3600_000, now)).toBe('3h');
    expect(relativeAge(now - 2 * 86400_000, now)).toBe('2d');
    expect(relativeAge(now - 30 * 86400_000, now)).toBe('4w');
    expect(relativeAge(now + 60_000, now)).toBe('now');
  });

  it('says when a source last polled and when it polls next', () => {
    const now = 1_700_000_000_000;
    expect(sinceText(null, now)).toBe('never');
    expect(sinceText(now - 5_000, now)).toBe('just now');
    expect(sinceText(now - 5 * 60_000, now)).toBe('5m ago');
    expect(untilText(null, now)).toBe('not scheduled');
    expect(untilText(now - 60_000, now)).toBe('due now');
    expect(untilText(now + 15 * 60_000, now)).toBe('in 15m');
    expect(untilText(now + 2 * 3600_000, now)).toBe('in 2h');
    expect(networkName('rss')).toBe('Feed');
    expect(networkName('bluesky')).toBe('Bluesky');
    expect(networkName('gopher')).toBe('gopher');
  });

  it('bands priority scores', () => {
    expect(priorityBand(70)).toBe('urgent');
    expect(priorityBand(50)).toBe('high');
    expect(priorityBand(20)).toBe('normal');
    expect(priorityBand(0)).toBe('low');
  });
});

describe('toQuery', () => {
  it('maps empty filters to nulls', () => {
    expect(toQuery(NO_FILTERS, 200)).toEqual({
      status: null, department_id: null, unrouted: false, channel: null, assignee_id: null, search: null, needs_triage: false, offset: 200, limit: 100,
    });
  });

  it('maps "unrouted", ids and trims the search', () => {
    expect(toQuery({ status: 'open', department: 'unrouted', channel: 'x', assignee: '3', search: '  outage ', needsTriage: true }, 0)).toEqual({
      status: 'open', department_id: null, unrouted: true, channel: 'x', assignee_id: 3, search: 'outage', needs_triage: true, offset: 0, limit: 100,
    });
    expect(toQuery({ ...NO_FILTERS, department: '4' }, 0)).toMatchObject({ department_id: 4, unrouted: false });
  });

  it('pages by hundreds', () => {
    expect(pageOf(0)).toBe(0);
    expect(pageOf(99)).toBe(0);
    expect(pageOf(100)).toBe(100);
    expect(pageOf(49_999)).toBe(49_900);
  });
});

describe('shortTime', () => {
  const now = new Date(2026, 10, 26, 15, 0).getTime();
  it('shows the clock for today, the day this year, and the year before that', () => {
    expect(shortTime(new Date(2026, 10, 26, 9, 5).getTime(), now)).not.toMatch(/Nov|2026/);
    const thisYear = shortTime(new Date(2026, 7, 6, 1, 31).getTime(), now);
    expect(thisYear).toMatch(/Aug/);
    expect(thisYear).not.toMatch(/2026/);
    expect(shortTime(new Date(2016, 7, 6, 1, 31).getTime(), now)).toMatch(/2016/);
  });
});
