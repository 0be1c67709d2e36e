//! A synthetic twcs file (threads with brand replies, follow-ups, cases
//! nobody answered, replies whose parent is not in the file, threads a brand
//! started) goes through the real import; the report's first-response
//! median and p90, overall and per organisation account, must equal what
//! this file computes from the CSV rows with the definition: a case
//! starts at a customer tweet whose parent is absent from the data, and its
//! first-response time is the first brand reply in its thread minus that
//! tweet. Both sides use the nearest-rank percentile (rank ⌈p/100 × n⌉).
//! The same runs on ../shared/data/twcs-sample.csv when it is there.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use switchboard_core::report::ReportQuery;
use switchboard_engine::Desk;
use switchboard_import::{import_file, ImportOptions, Layout, Preset};
use switchboard_store::testing;

const BRANDS: [&str; 3] = ["AppleSupport", "AmazonHelp", "Delta"];

/// A deterministic pseudo-random sequence (64-bit LCG), enough for test data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

struct Tweet {
    id: u64,
    author: String,
    inbound: bool,
    at: i64,
    text: String,
    parent: Option<u64>,
}

fn twitter_date(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).unwrap().format("%a %b %d %H:%M:%S +0000 %Y").to_string()
}

/// About 500 tweets in 160 threads of six shapes.
pub fn synthetic_twcs() -> String {
    let mut rng = Lcg(42);
    let mut tweets = Vec::new();
    let mut id = 1000u64;
    let mut t = 1_509_000_000i64;
    for i in 0..160u64 {
        let brand = BRANDS[rng.next(3) as usize];
        let customer = format!("{}", 500_000 + i);
        t += 60 + rng.next(3_000) as i64;
        let mut push = |author: &str, inbound: bool, at: i64, parent: Option<u64>, text: &str| {
            id += 1;
            tweets.push(Tweet { id, author: author.to_string(), inbound, at, text: text.to_string(), parent });
            id
        };
        let wait = |rng: &mut Lcg| 30 + rng.next(20_000) as i64;
        match i % 6 {
            // Question, answer, follow-up, second answer.
            0 => {
                let a = push(&customer, true, t, None, "my order is late, \"again\"");
                let w = wait(&mut rng);
                let b = push(brand, false, t + w, Some(a), "sorry, DM us");
                let c = push(&customer, true, t + w + 200, Some(b), "done");
                push(brand, false, t + w + 200 + wait(&mut rng), Some(c), "thanks, fixed");
            }
            // Nobody answered.
            1 => {
                push(&customer, true, t, None, "hello? anyone");
            }
            // One answer.
            2 => {
                let a = push(&customer, true, t, None, "refund, please");
                push(brand, false, t + wait(&mut rng), Some(a), "on it");
            }
            // A customer reply whose parent is not in the file starts the case.
            3 => {
                let a = push(&customer, true, t, Some(1), "replying to something old");
                push(brand, false, t + wait(&mut rng), Some(a), "we see it");
            }
            // A brand tweet whose parent is absent: not a case by the definition.
            4 => {
                let a = push(brand, false, t, Some(2), "following up");
                let b = push(&customer, true, t + 100, Some(a), "still broken");
                push(brand, false, t + 100 + wait(&mut rng), Some(b), "escalated");
            }
            // The customer adds to the question before the answer.
            _ => {
                let a = push(&customer, true, t, None, "app crashes");
                let b = push(&customer, true, t + 50, Some(a), "on iOS 11");
                push(brand, false, t + 50 + wait(&mut rng), Some(b), "update the app");
            }
        }
    }
    // The corpus lists newer tweets first.
    tweets.sort_by_key(|tw| std::cmp::Reverse(tw.id));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"]).unwrap();
    for tw in &tweets {
        let inbound = if tw.inbound { "True" } else { "False" };
        let parent = tw.parent.map(|p| p.to_string()).unwrap_or_default();
        w.write_record([tw.id.to_string(), tw.author.clone(), inbound.into(), twitter_date(tw.at), tw.text.clone(), String::new(), parent]).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Nearest-rank percentile, written again here on purpose.
fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = ((p * n as f64) / 100.0).ceil().max(1.0) as usize;
    Some(sorted[rank.min(n) - 1])
}

#[derive(Debug, Default)]
pub struct Expected {
    pub cases: i64,
    pub answered: i64,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// Per brand: (answered, median, p90).
    pub orgs: BTreeMap<String, (i64, Option<f64>, Option<f64>)>,
}

/// The definition, from the rows of a twcs file only.
pub fn expected_from_csv(path: &Path) -> Expected {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(path).unwrap();
    let mut rows: HashMap<String, (String, bool, i64, Option<String>)> = HashMap::new();
    for rec in r.records() {
        let Ok(rec) = rec else { continue };
        let Ok(at) = chrono::DateTime::parse_from_str(rec.get(3).unwrap_or(""), "%a %b %d %H:%M:%S %z %Y") else { continue };
        let parent = rec.get(6).map(|p| p.trim().trim_end_matches(".0").to_string()).filter(|p| !p.is_empty());
        rows.insert(rec[0].trim().to_string(), (rec[1].trim().to_string(), &rec[2] == "True", at.timestamp(), parent));
    }
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, row) in &rows {
        if let Some(p) = &row.3 {
            children.entry(p.as_str()).or_default().push(id.as_str());
        }
    }
    let mut all = Vec::new();
    let mut per_org: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut cases = 0;
    for (id, (_, inbound, at, parent)) in &rows {
        let root = *inbound && parent.as_ref().is_none_or(|p| !rows.contains_key(p));
        if !root {
            continue;
        }
        cases += 1;
        // The thread: every descendant of the root.
        let mut first_reply: Option<(i64, &str)> = None;
        let mut stack = vec![id.as_str()];
        while let Some(cur) = stack.pop() {
            for &child in children.get(cur).map(Vec::as_slice).unwrap_or(&[]) {
                let (author, child_inbound, child_at, _) = &rows[child];
                if !child_inbound && first_reply.is_none_or(|(t, _)| *child_at < t) {
                    first_reply = Some((*child_at, author.as_str()));
                }
                stack.push(child);
            }
        }
        if let Some((reply_at, org)) = first_reply {
            let frt = (reply_at - at) as f64;
            all.push(frt);
            per_org.entry(org.to_string()).or_default().push(frt);
        }
    }
    all.sort_by(f64::total_cmp);
    let orgs = per_org
        .into_iter()
        .map(|(org, mut v)| {
            v.sort_by(f64::total_cmp);
            (org, (v.len() as i64, nearest_rank(&v, 50.0), nearest_rank(&v, 90.0)))
        })
        .collect();
    Expected { cases, answered: all.len() as i64, median: nearest_rank(&all, 50.0), p90: nearest_rank(&all, 90.0), orgs }
}

/// Imports `file` with the twcs preset on every test backend and checks the
/// report against `expected`; returns the figures printed for people.
async fn check_file(file: &Path, expected: &Expected) {
    for db in testing::stores().await {
        let opts = ImportOptions { layout: Layout::preset(Preset::Twcs), labels: Vec::new(), batch: switchboard_import::run::BATCH };
        let imported = import_file(&db.store, file, &opts, |_| {}).await.unwrap();
        assert!(imported.inserted > 0, "the file imports on {}", db.url);
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let r = desk.report(&ReportQuery::default()).await.unwrap();
        let backend = db.store.backend().as_str();
        println!(
            "{backend}: {}: report cases {} answered {} median {:?} s p90 {:?} s | independent cases {} answered {} median {:?} s p90 {:?} s",
            file.display(),
            r.cases,
            r.answered,
            r.median_frt_s,
            r.p90_frt_s,
            expected.cases,
            expected.answered,
            expected.median,
            expected.p90
        );
        assert_eq!(r.cases, expected.cases, "{backend}: a case per customer tweet whose parent is absent");
        assert_eq!(r.answered, expected.answered, "{backend}: cases with a brand reply in their thread");
        assert_eq!(r.median_frt_s, expected.median, "{backend}: median first response");
        assert_eq!(r.p90_frt_s, expected.p90, "{backend}: p90 first response");
        for (org, (answered, median, p90)) in &expected.orgs {
            let s = r.orgs.get(org).unwrap_or_else(|| panic!("{backend}: no slice for {org}: {:?}", r.orgs.keys()));
            println!("{backend}:   {org}: answered {} median {:?} p90 {:?}", s.answered, s.median_frt_s, s.p90_frt_s);
            assert_eq!((s.answered, s.median_frt_s, s.p90_frt_s), (*answered, *median, *p90), "{backend}: figures of {org}");
        }
        assert_eq!(
            r.orgs.values().map(|s| s.answered).sum::<i64>(),
            expected.answered,
            "{backend}: every answered case is in its account's slice"
        );
    }
}

#[tokio::test]
async fn synthetic_twcs_first_response_matches_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twcs.csv");
    std::fs::write(&file, synthetic_twcs()).unwrap();
    let expected = expected_from_csv(&file);
    assert_eq!(expected.cases, 134, "160 threads, of which 26 a brand started");
    assert!(expected.answered > 100 && expected.orgs.len() == 3, "{expected:?}");
    check_file(&file, &expected).await;
}

#[tokio::test]
async fn twcs_sample_first_response_matches_the_rows() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/twcs-sample.csv");
    if !file.exists() {
        eprintln!("skipping: {} is not here", file.display());
        return;
    }
    let expected = expected_from_csv(&file);
    check_file(&file, &expected).await;
}
