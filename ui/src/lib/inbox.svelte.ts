// The inbox's state: filters, a page cache (pages of 100 cases keyed by offset, fetched on demand
// as the virtual list scrolls), the keyboard selection and the open case. Filter changes drop the
// cache and start again at offset 0; answers to requests made under older filters are ignored.
// Live updates: every desk's committed case changes arrive as `case-changed` events; a burst is
// gathered for LIVE_DEBOUNCE_MS, then the loaded pages are read again in place and, when the open
// case was among those changed, `openChanged` moves so the case view reloads it.
import { SvelteMap } from 'svelte/reactivity';
import { api } from './api';
import { errors } from './errors.svelte';
import type { CaseStatus } from './bindings/CaseStatus';
import type { CaseSummary } from './bindings/CaseSummary';
import type { InboxQuery } from './bindings/InboxQuery';
import type { LiveEvent } from './bindings/LiveEvent';
import { onAppEvent } from './app_events';

export const PAGE_SIZE = 100;
/** How long a burst of live events is gathered before the inbox and open case refresh. */
export const LIVE_DEBOUNCE_MS = 150;
/** Pages kept in memory; the ones farthest from what is being looked at are dropped first. */
const MAX_PAGES = 40;

export interface Filters {
  status: CaseStatus | '';
  /** '' all, 'unrouted', or a department id. */
  department: string;
  channel: string;
  /** '' anyone, or a member id. */
  assignee: string;
  search: string;
  /** Only the triage queue: cases whose topic the model could not tell and nobody has set. */
  needsTriage: boolean;
}

export const NO_FILTERS: Filters = { status: '', department: '', channel: '', assignee: '', search: '', needsTriage: false };

export function toQuery(f: Filters, offset: number, limit = PAGE_SIZE): InboxQuery {
  const search = f.search.trim();
  return {
    status: f.status || null,
    department_id: f.department && f.department !== 'unrouted' ? Number(f.department) : null,
    unrouted: f.department === 'unrouted',
    channel: f.channel || null,
    assignee_id: f.assignee ? Number(f.assignee) : null,
    search: search || null,
    needs_triage: f.needsTriage,
    offset,
    limit,
  };
}

export function pageOf(index: number): number {
  return Math.floor(index / PAGE_SIZE) * PAGE_SIZE;
}

export class InboxStore {
  filters = $state<Filters>({ ...NO_FILTERS });
  /** Number of cases matching the filters; null until the first page has arrived. */
  total = $state<number | null>(null);
  /** Bumped on every filter change; the list scrolls back to the top when it moves. */
  generation = $state(0);
  selectedIndex = $state(-1);
  openId = $state<number | null>(null);
  /** Bumped when a live event changed the open case (another desk, or this one). */
  openChanged = $state(0);

  private pages = new SvelteMap<number, CaseSummary[]>();
  private inflight = new Map<number, Promise<void>>();
  private liveTimer: ReturnType<typeof setTimeout> | null = null;
  private liveOpen = false;

  constructor(start = true) {
    if (start) void this.loadPage(0);
  }

  get loading(): boolean {
    return this.total === null;
  }

  rowAt(index: number): CaseSummary | undefined {
    return this.pages.get(pageOf(index))?.[index - pageOf(index)];
  }

  get selected(): CaseSummary | undefined {
    return this.selectedIndex >= 0 ? this.rowAt(this.selectedIndex) : undefined;
  }

  setFilters(patch: Partial<Filters>) {
    this.filters = { ...this.filters, ...patch };
    this.reset();
  }

  /** Drops every cached page and loads the first page again under the current filters. */
  reset() {
    this.generation += 1;
    this.pages.clear();
    this.inflight.clear();
    this.total = null;
    this.selectedIndex = -1;
    void this.loadPage(0);
  }

  /** Makes sure the pages covering rows [start, end) are loaded or on their way. */
  ensureRange(start: number, end: number) {
    const last = this.total === null ? end : Math.min(end, this.total);
    for (let p = pageOf(Math.max(0, start)); p < Math.max(last, start + 1); p += PAGE_SIZE) {
      if (this.total !== null && p >= this.total && p > 0) break;
      void this.loadPage(p);
    }
  }

  loadPage(offset: number): Promise<void> {
    if (this.pages.has(offset)) return Promise.resolve();
    return this.inflight.get(offset) ?? this.fetchPage(offset, true);
  }

  /** Reads page `offset` (kept in `inflight` while it comes); a failure is shown when `report`. */
  private fetchPage(offset: number, report: boolean): Promise<void> {
    const generation = this.generation;
    const promise = api
      .inbox(toQuery(this.filters, offset))
      .then((page) => {
        if (generation !== this.generation) return;
        this.pages.set(offset, page.items);
        this.total = page.total;
        this.evict(offset);
      })
      .catch((e) => {
        if (report && generation === this.generation) errors.show(e);
      })
      .finally(() => {
        if (this.inflight.get(offset) === promise) this.inflight.delete(offset);
      });
    this.inflight.set(offset, promise);
    return promise;
  }

  private evict(near: number) {
    if (this.pages.size <= MAX_PAGES) return;
    const keep = pageOf(this.selectedIndex >= 0 ? this.selectedIndex : near);
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const p of far) {
      if (this.pages.size <= MAX_PAGES) break;
      if (p !== near && p !== keep) this.pages.delete(p);
    }
  }

  /** j / k: moves the selection by `delta` rows, loading the page under it if needed. */
  move(delta: number) {
    const total = this.total ?? 0;
    if (total === 0) return;
    const next = this.selectedIndex < 0 ? 0 : Math.min(total - 1, Math.max(0, this.selectedIndex + delta));
    this.selectedIndex = next;
    void this.loadPage(pageOf(next));
  }

  select(index: number) {
    this.selectedIndex = index;
  }

  /** Enter: opens the selected case (waiting for its page if it is not loaded yet). */
  async openSelected() {
    const index = this.selectedIndex;
    if (index < 0) return;
    await this.loadPage(pageOf(index));
    const row = this.rowAt(index);
    if (row && index === this.selectedIndex) this.openId = row.id;
  }

  open(id: number) {
    this.openId = id;
  }

  /** After a topic was set on a case: the triage queue, if shown, is read again (the case leaves it). */
  topicSet() {
    if (this.filters.needsTriage) this.reset();
  }

  /** Starts listening for `case-changed` (the app's live updates); returns the stop function. */
  listenLive(): () => void {
    const stop = onAppEvent<LiveEvent>('case-changed', (ev) => this.caseChanged(ev));
    return () => {
      stop();
      if (this.liveTimer) clearTimeout(this.liveTimer);
      this.liveTimer = null;
    };
  }

  /** A case changed somewhere: refresh after the burst settles. */
  caseChanged(ev: LiveEvent) {
    // Who is on a case, or a mention: no change to any case (presence.svelte.ts hears those).
    if (ev.kind === 'presence' || ev.kind === 'mention') return;
    const open = this.openId;
    if (open !== null && (ev.kind === 'resync' || ev.case_id === open || (ev.cases ?? []).includes(open))) {
      this.liveOpen = true;
    }
    if (this.liveTimer) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = null;
      if (this.liveOpen) this.openChanged += 1;
      this.liveOpen = false;
      this.refresh();
    }, LIVE_DEBOUNCE_MS);
  }

  /** Reads the loaded pages again in place, keeping the selection and the scroll. */
  refresh() {
    for (const offset of [...this.pages.keys()]) {
      if (!this.inflight.has(offset)) void this.fetchPage(offset, false);
    }
  }

  /** Replaces a case's row wherever it is cached (after an assignment, a move, a status change...). */
  updateRow(row: CaseSummary) {
    for (const [offset, items] of this.pages) {
      const i = items.findIndex((c) => c.id === row.id);
      if (i >= 0) {
        const copy = items.slice();
        copy[i] = row;
        this.pages.set(offset, copy);
      }
    }
  }
}
