//! `switchboard serve`: a headless worker. It polls the connector accounts,
//! runs the listening searches, the rules, the SLA clocks and the outbox in
//! rounds, each under its lease (see `switchboard_engine::worker`), until
//! SIGINT or SIGTERM; then it releases its leases so another worker takes
//! over at once. `switchboard leases` shows who holds what.
//!
//! Prints one line per round worth noting (leases taken or lost, posts
//! stored, replies sent, cases escalated) to stdout; failures to stderr.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Args;
use switchboard_core::time::{now_ms, to_rfc3339};
use switchboard_engine::worker::{serve, RoundOutcome, Worker, DEFAULT_LEASE_MS};
use switchboard_engine::Desk;
use crate::signals::shutdown_signal;

#[derive(Args)]
pub struct ServeArgs {
    /// How long a lease lasts without renewal, in seconds: another worker
    /// takes over a dead one's accounts after this long. Renewed every third of it.
    #[arg(long, default_value_t = DEFAULT_LEASE_MS as f64 / 1000.0)]
    lease_secs: f64,
    /// Pause between two rounds, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    round_ms: u64,
    /// Poll each account this often, in milliseconds (default: every 5 minutes).
    #[arg(long)]
    poll_ms: Option<u64>,
    /// Run one round, release the leases and return.
    #[arg(long)]
    once: bool,
}

pub async fn serve_cmd(desk: &Desk, args: ServeArgs) -> Result<ExitCode> {
    if !args.lease_secs.is_finite() || args.lease_secs <= 0.0 || args.lease_secs > 86_400.0 {
        bail!("--lease-secs takes a number of seconds between 0.3 and 86400, not {}", args.lease_secs);
    }
    if args.round_ms == 0 || args.round_ms > 3_600_000 {
        bail!("--round-ms takes a number of milliseconds between 1 and 3600000, not {}", args.round_ms);
    }
    let lease_ms = (args.lease_secs * 1000.0).round() as i64;
    let mut worker = Worker::new(&desk.me().handle, lease_ms)?;
    if let Some(ms) = args.poll_ms {
        worker = worker.with_poll_every(i64::try_from(ms).unwrap_or(i64::MAX))?;
    }
    let shutdown = shutdown_signal()?;
    println!(
        "serving {} as {} (leases of {} ms, a round every {} ms)",
        desk.store().location(),
        worker.id(),
        worker.lease_ms(),
        args.round_ms
    );
    let released = serve(desk, &worker, Duration::from_millis(args.round_ms), args.once, shutdown, |round| match round {
        Ok(r) => report(r),
        Err(e) => eprintln!("switchboard serve: round failed: {}", e.message),
    })
    .await?;
    println!("stopped; released {released} leases");
    Ok(ExitCode::SUCCESS)
}

/// One line for a round worth noting; each failure on a line of its own (stderr).
fn report(r: &RoundOutcome) {
    for e in &r.errors {
        eprintln!("switchboard serve: {e}");
    }
    if !r.noteworthy() {
        return;
    }
    let mut parts = Vec::new();
    if !r.taken.is_empty() {
        parts.push(format!("took {}", r.taken.join(" ")));
    }
    if !r.lost.is_empty() {
        parts.push(format!("lost {}", r.lost.join(" ")));
    }
    if r.stored > 0 {
        parts.push(format!("{} new posts", r.stored));
    }
    if r.sent > 0 || r.send_failed > 0 {
        parts.push(format!("{} replies sent, {} failed", r.sent, r.send_failed));
    }
    if r.escalated > 0 {
        parts.push(format!("{} cases escalated", r.escalated));
    }
    println!("{} {}", to_rfc3339(now_ms()), parts.join("; "));
}


/// `switchboard leases`: every lease, its holder and how long it has left.
pub async fn leases_cmd(desk: &Desk) -> Result<ExitCode> {
    // Expiries are on the database's clock (see `switchboard_store::leases`).
    let now = desk.store().clock_ms().await?;
    let leases = desk.store().leases().await?;
    if leases.is_empty() {
        println!("no leases held");
    }
    for l in leases {
        let left = if l.expired(now) {
            "expired".to_string()
        } else {
            format!("{:.1} s left", (l.expires_at - now) as f64 / 1000.0)
        };
        println!("{:<14} {:<48} since {}  {left}", l.name, l.holder, to_rfc3339(l.acquired_at));
    }
    Ok(ExitCode::SUCCESS)
}
