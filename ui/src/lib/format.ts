// Small pure formatters for the inbox and case view: counts, relative ages, times, priority bands.

const intFmt = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return intFmt.format(n);
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "now", "5m", "3h", "2d", "6w", "1y" — how long ago `ms` (epoch milliseconds) was. */
export function relativeAge(ms: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  if (s < 60) return 'now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 14) return `${d}d`;
  if (d < 365) return `${Math.floor(d / 7)}w`;
  return `${Math.floor(d / 365)}y`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatTime(ms: number): string {
  return timeFmt.format(new Date(ms));
}

const clockFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "14:05" today, "Nov 20, 14:05" another day this year, "Aug 6, 2016, 01:31" before. */
export function shortTime(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return clockFmt.format(d);
  return d.getFullYear() === today.getFullYear() ? dayFmt.format(d) : timeFmt.format(d);
}

export type PriorityBand = 'urgent' | 'high' | 'normal' | 'low';

/** Priority scores run 0–100, higher is more urgent. */
export function priorityBand(p: number): PriorityBand {
  if (p >= 60) return 'urgent';
  if (p >= 45) return 'high';
  if (p >= 15) return 'normal';
  return 'low';
}

const CHANNEL_NAMES: Record<string, string> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  reddit: 'Reddit',
  reviews: 'Reviews',
  facebook: 'Facebook',
  instagram: 'Instagram',
  linkedin: 'LinkedIn',
  email: 'Email',
};

export function channelName(c: string): string {
  return CHANNEL_NAMES[c] ?? c;
}

export function money(v: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(v);
}

const NETWORK_NAMES: Record<string, string> = {
  rss: 'Feed',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  x: 'X',
  reddit: 'Reddit',
};

/** The badge text for a source's network (`rss` feeds read "Feed"). */
export function networkName(n: string): string {
  return NETWORK_NAMES[n] ?? n;
}

/** "never", "just now", "5m ago" — when a past event (epoch ms, or null) happened. */
export function sinceText(ms: number | null, now: number = Date.now()): string {
  if (ms === null) return 'never';
  const age = relativeAge(ms, now);
  return age === 'now' ? 'just now' : `${age} ago`;
}

/** "not scheduled", "due now", "in 5m" — when a future event (epoch ms, or null) is due. */
export function untilText(ms: number | null, now: number = Date.now()): string {
  if (ms === null) return 'not scheduled';
  if (ms - now < 60_000) return 'due now';
  return `in ${relativeAge(now, ms)}`;
}
