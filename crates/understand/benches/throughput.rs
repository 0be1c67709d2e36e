//! Throughput of `Analyzer::analyze` (sentiment + topic + language) on one
//! core, and of each part alone, over 100,000 generated posts (or, with
//! `SWITCHBOARD_BENCH_TEXTS=path.csv`, the `text` column of a CSV as a second
//! figure). Models are trained first on generated labelled posts.
//! Rates are per second of the thread's CPU time (one core), with the wall
//! clock beside them. Run: `cargo bench -p switchboard-understand --bench throughput`.

use std::hint::black_box;
use std::time::Instant;

use switchboard_understand::hash::SplitMix;
use switchboard_understand::{train, Analyzer, Example, Params};

const OPENERS: &[&str] = &["@united", "@AmericanAir", "@lumen_help", "hey @SouthwestAir", "", "@JetBlue why", "@VirginAmerica"];
const BODIES: &[(&str, &str, &str)] = &[
    ("still waiting for my bag, 3 days now", "negative", "lost luggage"),
    ("flight delayed again, sat on the tarmac for two hours", "negative", "late flight"),
    ("my flight was Cancelled Flighted and nobody called me", "negative", "cancelled flight"),
    ("you charged me twice for the same seat, I want a refund", "negative", "billing"),
    ("3rd time calling, no answer. on hold for an hour", "negative", "customer service"),
    ("thanks for the great service today, crew was awesome!", "positive", "praise"),
    ("love the new seats 😍 best flight in a long time", "positive", "praise"),
    ("what time does the gate open for flight 1234?", "neutral", "question"),
    ("is wifi available on the morning flight to Boston", "neutral", "question"),
    ("how much is an upgrade to first class on my booking", "neutral", "sales lead"),
];
const TAILS: &[&str] = &["", " #fail", " https://t.co/abc123", " :(", " !!", " 😡", " please help", " #travel", " thx"];

const PASSES: usize = 3;

fn generate(n: usize, seed: u64) -> Vec<(String, &'static str, &'static str)> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|_| {
            let (b, s, t) = BODIES[rng.below(BODIES.len())];
            let text = format!("{} {}{}", OPENERS[rng.below(OPENERS.len())], b, TAILS[rng.below(TAILS.len())]);
            (text, s, t)
        })
        .collect()
}

/// This thread's time on a CPU so far (Linux's schedstat), in seconds:
/// other processes on a shared machine then do not count against us.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

/// Posts per second of `f` over `texts`, on the thread's CPU time (where
/// Linux tells it) and on the wall clock: each the best of [`PASSES`]
/// passes, as the machine is shared and a pass can lose the core a while.
fn rate(name: &str, texts: &[String], mut f: impl FnMut(&str)) {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..PASSES {
        let (t, c) = (Instant::now(), cpu_seconds());
        for s in texts {
            f(s);
        }
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c, cpu_seconds()) {
            cpu = cpu.min(c1 - c0);
        }
    }
    let n = texts.len() as f64;
    let secs = if cpu.is_finite() { cpu } else { wall };
    println!("  {name:<40} {:>10.0} posts/s  ({:>5.0} ns/post; wall clock {:>8.0} posts/s)", n / secs, secs * 1e9 / n, n / wall);
}

fn bench(label: &str, a: &Analyzer, texts: &[String]) {
    let clock = if cpu_seconds().is_some() { "thread CPU time" } else { "wall clock" };
    println!("{label}: {} posts, one thread, {clock}, best of {PASSES} passes", texts.len());
    // Warm up caches and the lexicon.
    for s in texts.iter().take(1000) {
        black_box(a.analyze(s));
    }
    rate("sentiment + topic + language", texts, |s| {
        black_box(a.analyze(s));
    });
    rate("sentiment + topic (no language)", texts, |s| {
        black_box(a.understand_only(s));
    });
    rate("sentiment", texts, |s| {
        black_box(a.sentiment(s));
    });
    rate("topic", texts, |s| {
        black_box(a.topic(s));
    });
    rate("language", texts, |s| {
        black_box(a.language(s));
    });
    let lexicon_only = Analyzer::default();
    rate("lexicon sentiment + rules (cold start)", texts, |s| {
        black_box(lexicon_only.sentiment(s));
        black_box(lexicon_only.topic(s));
    });
}

fn main() {
    let labelled = generate(2000, 1);
    let sent = train("sentiment", &labelled.iter().map(|(t, s, _)| Example { text: t.clone(), label: s.to_string() }).collect::<Vec<_>>(), &Params::default()).expect("sentiment model");
    let topic = train("topic", &labelled.iter().map(|(t, _, c)| Example { text: t.clone(), label: c.to_string() }).collect::<Vec<_>>(), &Params::for_field("topic")).expect("topic model");
    let a = Analyzer::new(Some(sent), Some(topic));
    let texts: Vec<String> = generate(100_000, 2).into_iter().map(|(t, _, _)| t).collect();
    bench("generated posts", &a, &texts);
    if let Ok(path) = std::env::var("SWITCHBOARD_BENCH_TEXTS") {
        match csv::Reader::from_path(&path) {
            Ok(mut r) => {
                let col = r.headers().ok().and_then(|h| h.iter().position(|c| c == "text")).unwrap_or(0);
                let real: Vec<String> = r.records().filter_map(|x| x.ok()).filter_map(|x| x.get(col).map(str::to_string)).collect();
                if real.is_empty() {
                    eprintln!("no texts in {path}");
                    return;
                }
                let texts: Vec<String> = real.iter().cycle().take(100_000).cloned().collect();
                bench(&format!("{path} ({} distinct texts, cycled)", real.len()), &a, &texts);
            }
            Err(e) => eprintln!("cannot read {path}: {e}"),
        }
    }
}
