//! Generated streams through the whole detection (series, baseline, scan):
//! a flat stream the size of the airline data stays quiet over many seeds,
//! and injected bursts are found with the right scope, start and severity.

use switchboard_core::alert::{AlertKind, Severity};
use switchboard_monitor::series::ScopeOptions;
use switchboard_monitor::{scan, HourRow, Series, Thresholds};

/// A small deterministic generator (xorshift64*), so every run sees the same streams.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Knuth's Poisson sampler (fine for the small means used here).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

const ACCOUNTS: [&str; 6] = ["Virgin America", "United", "Southwest", "Delta", "US Airways", "American"];
const TOPICS: [&str; 5] = ["Late Flight", "Customer Service Issue", "Lost Luggage", "Cancelled Flight", "Bad Flight"];

/// The airline data's size: 4,346 posts over 181 hours, ~24 an hour, 60% negative.
fn flat(seed: u64, hours: i64, rate: f64) -> Vec<HourRow> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut rows = Vec::new();
    for hour in 0..hours {
        for _ in 0..rng.poisson(rate) {
            let account = ACCOUNTS[(rng.next() % ACCOUNTS.len() as u64) as usize];
            let topic = TOPICS[(rng.next() % TOPICS.len() as u64) as usize];
            let negative = rng.unit() < 0.6;
            rows.push(HourRow { hour, channel: "twitter".into(), account: Some(account.into()), topic: Some(topic.into()), negative, count: 1 });
        }
    }
    rows
}

fn burst(hour: i64, account: &str, topic: &str, n: i64) -> HourRow {
    HourRow { hour, channel: "twitter".into(), account: Some(account.into()), topic: Some(topic.into()), negative: true, count: n }
}

fn options() -> ScopeOptions {
    ScopeOptions { topics: true, channels: false, accounts: true }
}

#[test]
fn a_flat_stream_of_the_airline_size_stays_quiet_over_many_seeds() {
    let t = Thresholds::default();
    let mut noisy = Vec::new();
    for seed in 0..40 {
        let rows = flat(seed, 181, 24.0);
        let posts: i64 = rows.iter().map(|r| r.count).sum();
        assert!((3800..4900).contains(&posts), "seed {seed}: {posts} posts");
        let found = scan(&Series::build(&rows, options()), 0, 181, &t, &[]);
        if !found.is_empty() {
            noisy.push((seed, found));
        }
    }
    assert!(noisy.is_empty(), "a flat stream raised alerts: {noisy:#?}");
}

#[test]
fn an_injected_burst_is_found_with_its_scope_start_and_severity() {
    let t = Thresholds::default();
    let mut rows = flat(7, 181, 24.0);
    // Day 6, 14:00: 30 extra negative posts about lost luggage, all to Delta,
    // for two hours; then, 3 hours after it ends (inside the cooldown), another.
    let start = 24 * 5 + 14;
    rows.push(burst(start, "Delta", "Lost Luggage", 30));
    rows.push(burst(start + 1, "Delta", "Lost Luggage", 20));
    rows.push(burst(start + 5, "Delta", "Lost Luggage", 30));
    let found = scan(&Series::build(&rows, options()), 0, 181, &t, &[]);
    let neg = |scope: &str| found.iter().filter(|i| i.kind == AlertKind::NegativeSpike && i.scope == scope).collect::<Vec<_>>();
    for scope in ["account:Delta", "topic:Lost Luggage"] {
        let hits = neg(scope);
        assert_eq!(hits.len(), 1, "{scope}: one incident despite the second burst inside the cooldown: {found:#?}");
        assert_eq!(hits[0].started_hour, start, "{scope}: starts at the burst's first hour");
        assert_eq!(hits[0].severity, Severity::High, "{scope}: 30 on a baseline of ~3 is high: {:?}", hits[0]);
        assert_eq!(hits[0].last_active_hour, start + 5, "{scope}: the second burst extends it");
    }
    // Scopes the burst did not touch stay quiet.
    assert!(neg("account:United").is_empty() && neg("topic:Late Flight").is_empty(), "{found:#?}");
}

