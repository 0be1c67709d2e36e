//! Live-update latency over PostgreSQL:
//! `SWITCHBOARD_BENCH_PG_URL=postgres://... cargo bench -p switchboard-engine --bench live_latency`
//! (a throwaway server: `PG_THROWAWAY_PORT=55741 scripts/pg-throwaway.sh` prints its URL).
//!
//! Creates a fresh database on that server with the demo workspace, opens two
//! desks on it (separate pools; desk B listens), then makes 1,000 notes on
//! desk A one after another, each waiting for desk B to hear it. Prints the
//! delay from just before the change (its whole transaction: read, update,
//! event, audit entry, notify, commit) to desk B receiving its event, and from
//! the commit's return to receipt: p50/p95/p99/max in ms (aim p95 <= 200 ms).
//! SB_BENCH_CHANGES=N changes the count. Without a URL it says so and exits.

use std::time::{Duration, Instant};

use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::Store;

fn percentiles(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{label}: p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms  (n = {})",
        at(0.50),
        at(0.95),
        at(0.99),
        ms[ms.len() - 1],
        ms.len()
    );
}

#[tokio::main]
async fn main() {
    let Some(admin) = std::env::var("SWITCHBOARD_BENCH_PG_URL").ok().filter(|u| !u.is_empty()) else {
        println!("live_latency: skipped, SWITCHBOARD_BENCH_PG_URL is not set (start one: PG_THROWAWAY_PORT=55741 scripts/pg-throwaway.sh)");
        return;
    };
    let changes: usize = std::env::var("SB_BENCH_CHANGES").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    // A fresh database on that server, made the way the test suites make theirs.
    std::env::set_var(switchboard_store::testing::PG_URL_VAR, &admin);
    let url = switchboard_store::testing::fresh_urls()
        .await
        .into_iter()
        .map(|(u, _)| u)
        .find(|u| u.starts_with("postgres"))
        .expect("a fresh PostgreSQL database");

    let a = Desk::with_store(Store::connect(&url).await.expect("desk A")).await.expect("desk A");
    a.load_demo().await.expect("the demo workspace");
    let b = Desk::with_store(Store::connect(&url).await.expect("desk B")).await.expect("desk B");
    let mut stream = b.subscribe().await.expect("desk B listens");
    let case = a.inbox(InboxQuery { limit: 1, ..Default::default() }).await.expect("inbox").items[0].id;

    // Desk B hears on its own task, stamping each event as it arrives.
    let (tx, mut heard) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(ev) = stream.next().await {
            if tx.send((ev, Instant::now())).is_err() {
                break;
            }
        }
    });

    let (mut from_start, mut from_commit) = (Vec::with_capacity(changes), Vec::with_capacity(changes));
    let me = a.me().handle.clone();
    for i in 0..changes {
        let start = Instant::now();
        a.store().add_note(case, &format!("latency note {i}"), &me).await.expect("a note");
        let committed = Instant::now();
        loop {
            let (ev, at) = tokio::time::timeout(Duration::from_secs(10), heard.recv())
                .await
                .expect("desk B heard nothing within 10 s")
                .expect("desk B stopped listening");
            if ev.case_id == case && ev.kind == "note" {
                from_start.push(at.duration_since(start).as_secs_f64() * 1000.0);
                from_commit.push(at.saturating_duration_since(committed).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    println!("live_latency: {changes} notes on desk A heard by desk B over PostgreSQL ({})", switchboard_store::redact_url(&url));
    percentiles("  from just before the change to receipt", from_start);
    percentiles("  from the commit's return to receipt   ", from_commit);
}
