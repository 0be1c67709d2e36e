//! Headless work under leases: what `switchboard serve` and the app's
//! background round do. Each connector account (`account:<id>`), the outbox
//! (`outbox`) and the SLA clocks (`sla`) are worked by one process at a time:
//! a round takes or renews the lease of each before touching it (see
//! `switchboard_store::leases`), and passes over what another process holds.
//! While a round runs (and while [`serve`] waits between rounds) the leases
//! held are renewed every third of their time, so a long poll keeps them; a
//! process that dies stops renewing, and once its leases expire the next
//! round of another process takes them over. Nothing is lost or doubled in
//! the hand-over: a poll stores posts idempotently and moves the account's
//! cursor only after they are committed, and a reply is sent with its
//! idempotency key.

use std::collections::BTreeSet;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use switchboard_core::time::now_ms;

use crate::connections::FEED_EVERY_MS;
use crate::error::DeskError;
use crate::searches::network_of;
use crate::Desk;

/// How long a lease lasts unless renewed, when nothing says otherwise.
pub const DEFAULT_LEASE_MS: i64 = 30_000;
/// The shortest lease a worker accepts (renewing takes a round trip).
pub const MIN_LEASE_MS: i64 = 300;
/// The lease of the outbox's sending.
pub const OUTBOX_LEASE: &str = "outbox";
/// The lease of the SLA clocks (escalations, `time_elapsed` rules).
pub const SLA_LEASE: &str = "sla";

/// The lease of one connector account.
pub fn account_lease(account_id: i64) -> String {
    format!("account:{account_id}")
}

/// One worker process (or app): its holder id in lease rows, how long its
/// leases last, and which leases it believes it holds.
#[derive(Debug)]
pub struct Worker {
    id: String,
    lease_ms: i64,
    poll_every_ms: i64,
    held: Mutex<BTreeSet<String>>,
    /// Leases the renewal found taken by another holder, for the next report.
    lost: Mutex<Vec<String>>,
    /// Accounts this machine cannot work (no credentials here), already reported.
    unworkable: Mutex<BTreeSet<i64>>,
    /// The database's clock minus this host's (ms), measured each round:
    /// lease instants are on the database's clock, shared by every host.
    skew_ms: AtomicI64,
}

impl Worker {
    /// A worker acting for the member `member_handle`; its id also names the
    /// host, the process and a random part, so two workers never share one.
    pub fn new(member_handle: &str, lease_ms: i64) -> Result<Worker, DeskError> {
        if lease_ms < MIN_LEASE_MS {
            return Err(DeskError::invalid(format!("a lease lasts at least {MIN_LEASE_MS} ms, not {lease_ms} ms")));
        }
        Ok(Worker::build(member_handle, lease_ms))
    }

    fn build(member_handle: &str, lease_ms: i64) -> Worker {
        let random = std::hash::RandomState::new().hash_one((std::process::id(), std::time::SystemTime::now()));
        let id = format!("{member_handle}@{}:{}#{:08x}", host_name(), std::process::id(), random as u32);
        Worker { id, lease_ms, poll_every_ms: FEED_EVERY_MS, held: Mutex::default(), lost: Mutex::default(), unworkable: Mutex::default(), skew_ms: AtomicI64::new(0) }
    }

    /// The worker of `desk`'s member with leases of [`DEFAULT_LEASE_MS`]
    /// (what the app's background round uses).
    pub fn for_desk(desk: &Desk) -> Worker {
        Worker::build(&desk.me().handle, DEFAULT_LEASE_MS)
    }

    /// Polls each account this often instead of every [`FEED_EVERY_MS`].
    pub fn with_poll_every(mut self, every_ms: i64) -> Result<Worker, DeskError> {
        if every_ms < 1 {
            return Err(DeskError::invalid(format!("accounts are polled every 1 ms or more, not {every_ms} ms")));
        }
        self.poll_every_ms = every_ms;
        Ok(self)
    }

    /// The holder id written in the lease rows.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn lease_ms(&self) -> i64 {
        self.lease_ms
    }

    /// The leases this worker holds, as of its last round or renewal.
    pub fn held(&self) -> Vec<String> {
        self.held.lock().map(|h| h.iter().cloned().collect()).unwrap_or_default()
    }

    /// Now on the database's clock, as of the last measure.
    fn lease_now(&self) -> i64 {
        now_ms().saturating_add(self.skew_ms.load(Ordering::Relaxed))
    }

    fn holds(&self, name: &str) -> bool {
        self.held.lock().is_ok_and(|h| h.contains(name))
    }

    fn set_held(&self, name: &str, held: bool) {
        if let Ok(mut h) = self.held.lock() {
            if held {
                h.insert(name.to_string());
            } else {
                h.remove(name);
            }
        }
    }
}

/// What one leased round did; [`RoundOutcome::noteworthy`] says whether a
/// person would want a line about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundOutcome {
    /// Leases this worker took in this round (it did not hold them before).
    pub taken: Vec<String>,
    /// Leases it held before and found in another holder's hands.
    pub lost: Vec<String>,
    /// Accounts polled.
    pub polled: usize,
    /// New posts stored (polls and listening searches).
    pub stored: usize,
    /// Replies sent from the outbox, and replies whose sending failed.
    pub sent: usize,
    pub send_failed: usize,
    /// Cases escalated by their SLA clocks.
    pub escalated: usize,
    /// Failures in plain words (each also recorded on its account or reply).
    pub errors: Vec<String>,
}

impl RoundOutcome {
    pub fn noteworthy(&self) -> bool {
        !(self.taken.is_empty() && self.lost.is_empty() && self.stored == 0 && self.sent == 0 && self.send_failed == 0 && self.escalated == 0)
    }
}

impl Desk {
    /// Does what is due, like [`Desk::run_due`], but only what `worker` holds
    /// the lease of or can take now: each account's poll and searches, the
    /// SLA tick, the outbox. `now` decides what is due; lease instants are
    /// read from the database's clock as the round goes. Leases held are renewed while
    /// the round runs.
    pub async fn run_due_leased(&self, worker: &Worker, now: i64) -> Result<RoundOutcome, DeskError> {
        // Work on the team's behalf is done by a signed-in member's desk only.
        if self.needs_sign_in() {
            return Err(crate::signin::sign_in_first());
        }
        let round = self.leased_round(worker, now);
        tokio::pin!(round);
        let out = tokio::select! {
            out = &mut round => out,
            never = keep_renewing(self, worker) => match never {},
        };
        out.map(|mut out| {
            out.lost.extend(worker.lost.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default());
            out
        })
    }

    async fn leased_round(&self, worker: &Worker, now: i64) -> Result<RoundOutcome, DeskError> {
        let mut out = RoundOutcome::default();
        let before = now_ms();
        let db_now = self.store().clock_ms().await?;
        let here = before + (now_ms() - before) / 2;
        worker.skew_ms.store(db_now - here, Ordering::Relaxed);
        let accounts = self.store().accounts().await?;
        // Leases of accounts gone or turned off are given back.
        let wanted: BTreeSet<String> = accounts.iter().filter(|a| a.enabled).map(|a| account_lease(a.id)).collect();
        for name in worker.held().into_iter().filter(|n| n.starts_with("account:") && !wanted.contains(n)) {
            self.store().release_lease(&name, worker.id()).await?;
            worker.set_held(&name, false);
        }
        for account in accounts.iter().filter(|a| a.enabled) {
            // An account whose credentials are not in this machine's keychain
            // is left (its lease not taken, or given back) to a desk or worker
            // that has them; said once, not every round.
            if let Err(e) = self.connector_of(account.id).await {
                let name = account_lease(account.id);
                if worker.holds(&name) {
                    self.store().release_lease(&name, worker.id()).await?;
                    worker.set_held(&name, false);
                    out.lost.push(name);
                }
                if worker.unworkable.lock().map(|mut u| u.insert(account.id)).unwrap_or(false) {
                    out.errors.push(format!("{} {}: not worked here, left to another worker: {}", account.network, account.name, e.message));
                }
                continue;
            }
            if let Ok(mut u) = worker.unworkable.lock() {
                u.remove(&account.id);
            }
            if !self.hold(worker, &account_lease(account.id), &mut out).await? {
                continue;
            }
            if account.next_poll_at.is_none_or(|t| t <= now) {
                match self.poll_every(account.id, worker.poll_every_ms).await {
                    Ok(o) => {
                        out.polled += 1;
                        out.stored += o.stored;
                    }
                    Err(e) => out.errors.push(e.message),
                }
            }
            if network_of(&account.network).is_some() {
                match self.search_account(account.id, now).await {
                    Ok(s) => {
                        out.stored += s.stored;
                        out.errors.extend(s.errors);
                        if s.stored > 0 {
                            self.process_new().await?;
                        }
                    }
                    Err(e) => out.errors.push(format!("{} {}: searches: {}", account.network, account.name, e.message)),
                }
            }
        }
        if self.hold(worker, SLA_LEASE, &mut out).await? {
            let tick = self.sla_tick(now).await?;
            out.escalated += tick.escalated;
            out.errors.extend(tick.problems);
        }
        if self.hold(worker, OUTBOX_LEASE, &mut out).await? {
            // Failed replies wait for a person to retry them (as in `run_due`).
            for sent in self.send_replies(false).await? {
                match sent {
                    Ok(_) => out.sent += 1,
                    Err(e) => {
                        out.send_failed += 1;
                        out.errors.push(e.message);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Takes or renews lease `name` for `worker`; notes a lease taken or lost.
    async fn hold(&self, worker: &Worker, name: &str, out: &mut RoundOutcome) -> Result<bool, DeskError> {
        let had = worker.holds(name);
        let has = self.store().acquire_lease(name, worker.id(), worker.lease_now(), worker.lease_ms).await?;
        match (had, has) {
            (false, true) => out.taken.push(name.to_string()),
            (true, false) => out.lost.push(name.to_string()),
            _ => {}
        }
        worker.set_held(name, has);
        Ok(has)
    }
}

/// Renews every lease `worker` holds, every third of the lease time, for as
/// long as it is polled; a lease found in another's hands is dropped (and
/// reported by the next round). A failed renewal (the database away) is
/// tried again on the next tick: the lease may expire meanwhile, which the
/// next round finds out.
async fn keep_renewing(desk: &Desk, worker: &Worker) -> std::convert::Infallible {
    let every = Duration::from_millis(u64::try_from(worker.lease_ms / 3).unwrap_or(1).max(1));
    loop {
        tokio::time::sleep(every).await;
        for name in worker.held() {
            if let Ok(false) = desk.store().renew_lease(&name, worker.id(), worker.lease_now(), worker.lease_ms).await {
                worker.set_held(&name, false);
                if let Ok(mut lost) = worker.lost.lock() {
                    lost.push(name);
                }
            }
        }
    }
}

/// Runs leased rounds every `every` until `shutdown` completes (or after one
/// round when `once`), renewing the leases held in between; each round's
/// outcome, or its failure, goes to `on_round` (a failed round does not stop
/// the worker: the next one tries again). On the way out every lease held is
/// released, so another worker takes over at once; returns how many.
/// A round is cut short by `shutdown`: every step is safe to stop anywhere.
pub async fn serve<S, R>(desk: &Desk, worker: &Worker, every: Duration, once: bool, shutdown: S, mut on_round: R) -> Result<u64, DeskError>
where
    S: Future<Output = ()>,
    R: FnMut(Result<&RoundOutcome, &DeskError>),
{
    tokio::pin!(shutdown);
    loop {
        let round = tokio::select! {
            out = desk.run_due_leased(worker, now_ms()) => out,
            () = &mut shutdown => break,
        };
        on_round(round.as_ref());
        if once {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            never = keep_renewing(desk, worker) => match never {},
            () = &mut shutdown => break,
        }
    }
    let released = desk.store().release_leases_of(worker.id()).await?;
    if let Ok(mut h) = worker.held.lock() {
        h.clear();
    }
    Ok(released)
}

/// This machine's name, for worker ids (`host` when it cannot be told).
fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_string())
}
