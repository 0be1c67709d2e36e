//! Evaluation on the airline development data (skipped when the file is
//! absent; it is never copied into the project): imported with `--preset
//! airline`, with the file's sentiment as labels and without (the model's
//! predictions), `switchboard alerts --format json` must find the burst of
//! negative posts an hourly count shows. The bursts are computed here
//! independently: hours with at least 20 negative posts and at least twice
//! the median of the same hour on the previous days; a run of three or more
//! such hours is a burst the detector must report as a `negative_spike` on
//! `all` starting within it. The test prints the bursts and the alerts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use assert_cmd::Command;

fn data() -> Option<PathBuf> {
    let p = std::env::var_os("SWITCHBOARD_AIRLINE_CSV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/airline-dev.csv")));
    p.exists().then_some(p)
}

fn sb(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").arg("--db").arg(format!("sqlite://{}", db.display()));
    c
}

/// Negative posts per hour (hours since the epoch), one post per tweet id.
fn negative_hours(file: &std::path::Path) -> BTreeMap<i64, i64> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (id, sentiment, created) = (col("tweet_id"), col("airline_sentiment"), col("tweet_created"));
    let mut seen = std::collections::HashSet::new();
    let mut out = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !seen.insert(rec[id].to_string()) {
            continue;
        }
        let at = chrono::DateTime::parse_from_str(&rec[created], "%Y-%m-%d %H:%M:%S %z").unwrap().timestamp();
        let hour = at.div_euclid(3600);
        *out.entry(hour).or_insert(0) += i64::from(&rec[sentiment] == "negative");
    }
    out
}

/// Runs of 3+ hours each with >= 20 negative posts and >= 2x the same hour's median over the previous 7 days.
fn bursts(neg: &BTreeMap<i64, i64>) -> Vec<(i64, i64)> {
    let first = *neg.keys().next().unwrap();
    let last = *neg.keys().next_back().unwrap();
    let n = |h: i64| neg.get(&h).copied().unwrap_or(0);
    let hot: Vec<i64> = (first..=last)
        .filter(|h| {
            let mut refs: Vec<i64> = (1..=7).map(|d| h - 24 * d).filter(|r| *r >= first).map(n).collect();
            refs.sort();
            let median = match refs.len() {
                0 => None,
                k if k % 2 == 1 => Some(refs[k / 2] as f64),
                k => Some((refs[k / 2 - 1] + refs[k / 2]) as f64 / 2.0),
            };
            median.is_some_and(|m| n(*h) >= 20 && n(*h) as f64 >= 2.0 * m.max(1.0))
        })
        .collect();
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for h in hot {
        match runs.last_mut() {
            Some(r) if r.1 + 1 == h => r.1 = h,
            _ => runs.push((h, h)),
        }
    }
    runs.into_iter().filter(|(a, b)| b - a >= 2).collect()
}

fn rfc(hour: i64) -> String {
    chrono::DateTime::from_timestamp(hour * 3600, 0).unwrap().to_rfc3339()
}

#[test]
fn airline_negative_bursts_are_found_with_labels_and_with_predictions() {
    let Some(file) = data() else {
        eprintln!("skipped: no airline-dev.csv (set SWITCHBOARD_AIRLINE_CSV)");
        return;
    };
    let neg = negative_hours(&file);
    let runs = bursts(&neg);
    for (a, b) in &runs {
        eprintln!("burst in the hourly count: {} .. {} ({} h, peak {})", rfc(*a), rfc(*b + 1), b - a + 1, (*a..=*b).map(|h| neg[&h]).max().unwrap());
    }
    assert!(!runs.is_empty(), "the data has a visible burst");
    for labelled in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("airline.db");
        let mut import = sb(&db);
        import.arg("import").arg(&file).args(["--preset", "airline"]);
        if labelled {
            import.args(["--label", "sentiment=airline_sentiment", "--label", "topic=negativereason"]);
        }
        import.assert().success();
        let out = sb(&db).args(["alerts", "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let alerts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        let how = if labelled { "labels" } else { "predictions" };
        for a in &alerts {
            eprintln!(
                "[{how}] {} {} since {} for {} h, {} (peak {} vs {:.1})",
                a["kind"], a["scope"], a["started"], a["hours"], a["severity"], a["observed"], a["expected"]
            );
        }
        let on_all: Vec<(i64, i64)> = alerts
            .iter()
            .filter(|a| a["kind"] == "negative_spike" && a["scope"] == "all")
            .map(|a| {
                let start = a["started_at"].as_i64().unwrap() / 3_600_000;
                (start, a["ended_at"].as_i64().map_or(i64::MAX, |e| e / 3_600_000 - 1))
            })
            .collect();
        // The largest burst is found from its first hour, whichever the source of sentiment.
        let largest = runs.iter().max_by_key(|(a, b)| (*a..=*b).map(|h| neg[&h]).sum::<i64>()).unwrap();
        assert!(on_all.iter().any(|(s, _)| s == &largest.0), "[{how}] the largest burst {} is a negative spike on all from its first hour: {on_all:?}", rfc(largest.0));
        // With the file's own labels (what the hourly count counts), every burst is covered by an alert.
        for (first, last) in &runs {
            let covered = on_all.iter().any(|(s, e)| s <= last && e >= first);
            eprintln!("[{how}] burst {} .. {}: {}", rfc(*first), rfc(*last + 1), if covered { "found" } else { "not found" });
            if labelled {
                assert!(covered, "[{how}] the burst {} .. {} is covered by a negative spike on all", rfc(*first), rfc(*last + 1));
            }
        }
        for key in ["kind", "scope", "started_at", "started", "severity", "observed", "expected"] {
            assert!(alerts.iter().all(|a| !a[key].is_null()), "[{how}] every alert has {key}");
        }
    }
}
