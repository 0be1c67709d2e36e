// The team's presence as this window knows it. `setActivity` says what this desk is doing (the case
// view sets viewing / drafting, and online when it closes); it is sent at once when it changes and
// again every HEARTBEAT_MS while anything `use`s the store, which also keeps who else is online and
// on which case (the inbox rows' summary), refreshed on every heartbeat and at once when a
// `presence` live event arrives. A `mention` live event bumps `mentions` so the bell reloads.
// Presence is secondary: its failures are never shown in the error banner.
import { SvelteMap } from 'svelte/reactivity';
import type { CasePresence } from './bindings/CasePresence';
import type { LiveEvent } from './bindings/LiveEvent';
import type { Presence } from './bindings/Presence';
import type { PresenceState } from './bindings/PresenceState';
import { HEARTBEAT_MS, presenceApi } from './presence_api';
import { onAppEvent } from './app_events';

export class TeamPresence {
  /** Who else views or drafts on which case. */
  readonly byCase = new SvelteMap<number, CasePresence>();
  /** Everyone else online. */
  online = $state.raw<Presence[]>([]);
  /** Bumped when presence may have changed (a live event, a heartbeat): a case's bar reloads. */
  changed = $state(0);
  /** Bumped when a note may have mentioned this member: the bell reloads. */
  mentions = $state(0);

  private activity: { caseId: number | null; state: PresenceState } = { caseId: null, state: 'online' };
  private users = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unlisten: (() => void) | null = null;

  /** What this desk does now; sent at once if it changed. */
  setActivity(caseId: number | null, state: PresenceState) {
    if (this.activity.caseId === caseId && this.activity.state === state) return;
    this.activity = { caseId, state };
    this.beat();
  }

  private beat() {
    const { caseId, state } = this.activity;
    presenceApi.set(caseId, state).catch(() => {});
  }

  /** Reads who else is online and on which case. */
  async refresh() {
    try {
      const [summary, online] = await Promise.all([presenceApi.summary(), presenceApi.online()]);
      this.byCase.clear();
      for (const s of summary) this.byCase.set(s.case_id, s);
      this.online = online;
    } catch {
      // An executive viewer may not see who is on cases; a lost connection shows stale presence.
    }
  }

  /** A live event from any desk. */
  heard(ev: LiveEvent) {
    if (ev.kind === 'presence' || ev.kind === 'resync') {
      this.changed += 1;
      void this.refresh();
    }
    if (ev.kind === 'mention' || ev.kind === 'resync') this.mentions += 1;
  }

  /** Keeps the store live while the caller needs it; returns the release function. */
  use(): () => void {
    this.users += 1;
    if (this.users === 1) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users -= 1;
      if (this.users === 0) this.stop();
    };
  }

  private start() {
    this.beat();
    void this.refresh();
    this.timer = setInterval(() => {
      this.beat();
      this.changed += 1;
      void this.refresh();
    }, HEARTBEAT_MS);
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this.leave);
      if ('__TAURI_INTERNALS__' in window) {
        this.unlisten = onAppEvent<LiveEvent>('case-changed', (ev) => this.heard(ev));
      }
    }
  }

  private stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.leave);
  }

  /** The window closes: this desk's presence goes at once (else it expires). */
  private leave = () => {
    presenceApi.clear().catch(() => {});
  };
}

export const team = new TeamPresence();
