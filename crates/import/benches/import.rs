//! Import benchmark: `cargo bench -p switchboard-import --bench import`
//! (SB_BENCH_POSTS=N to change the size; default 1,000,000).
//!
//! Generates N posts in the twcs layout (threads of customer tweets and brand
//! replies, listed newest first as in the real corpus), then in one run:
//! 1. imports the file with `switchboard import`'s code into a fresh SQLite
//!    workspace (both passes, authors, cases, events) and prints posts/s;
//! 2. inserts the same rows with plain batched multi-row INSERTs (500 rows a
//!    statement, 5,000 a transaction) into the posts table of another fresh
//!    workspace with the same schema, and prints posts/s and the ratio;
//! 3. spreads the imported cases over the seven departments and times the
//!    inbox query (top 50 open cases by priority with a department filter,
//!    plus the total count, exactly as the app asks) and prints p50/p99.

use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use switchboard_core::case::CaseStatus;
use switchboard_core::view::InboxQuery;
use switchboard_import::{import_file, ImportOptions, Layout, Preset};
use switchboard_store::Store;

const WORDS: &[&str] = &[
    "my", "flight", "was", "delayed", "again", "and", "nobody", "at", "the", "desk", "could", "help", "order", "refund",
    "still", "waiting", "for", "bag", "internet", "down", "since", "morning", "please", "fix", "this", "thanks", "great",
    "service", "app", "keeps", "crashing", "when", "I", "try", "to", "pay", "bill", "charged", "twice", "where", "is",
    "package", "tracking", "says", "delivered", "but", "nothing", "here", "love", "new", "update", "phone", "signal",
];

struct Row {
    id: u64,
    author: String,
    inbound: bool,
    created: i64,
    text: String,
    reply_to: Option<u64>,
}

fn generate(n: usize) -> Vec<Row> {
    let mut rng = StdRng::seed_from_u64(7);
    let brands = ["AppleSupport", "AmazonHelp", "Uber_Support", "SpotifyCares", "Delta", "comcastcares", "TMobileHelp"];
    let mut rows = Vec::with_capacity(n);
    let mut id = 1u64;
    let mut t = 1_509_000_000i64;
    let mut customer = 100_000u64;
    while rows.len() < n {
        let len = rng.random_range(1..=5).min(n - rows.len());
        let brand = brands[rng.random_range(0..brands.len())];
        customer += 1;
        let mut thread = Vec::with_capacity(len);
        let mut parent = None;
        for k in 0..len {
            let inbound = k % 2 == 0;
            t += rng.random_range(1..90);
            let words = rng.random_range(8..22);
            let mut text = if inbound { format!("@{brand}") } else { format!("@{customer}") };
            for _ in 0..words {
                text.push(' ');
                text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
            }
            thread.push(Row {
                id,
                author: if inbound { customer.to_string() } else { brand.to_string() },
                inbound,
                created: t,
                text,
                reply_to: parent,
            });
            parent = Some(id);
            id += 1;
        }
        // The corpus lists a thread's newest tweet first.
        rows.extend(thread.into_iter().rev());
    }
    rows
}

fn write_twcs(rows: &[Row], path: &std::path::Path) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id").unwrap();
    for r in rows {
        let created = chrono_like(r.created);
        let reply = r.reply_to.map(|p| p.to_string()).unwrap_or_default();
        let inbound = if r.inbound { "True" } else { "False" };
        writeln!(w, "{},{},{},{},\"{}\",,{}", r.id, r.author, inbound, created, r.text, reply).unwrap();
    }
}

/// `Tue Oct 31 22:10:47 +0000 2017` for an epoch second (UTC).
fn chrono_like(secs: i64) -> String {
    switchboard_core::time::to_rfc3339(secs * 1000) // RFC 3339 is accepted by the twcs reader too
}

async fn plain_insert(store: &Store, rows: &[Row]) -> Duration {
    let pool = store.pool();
    sqlx::query("INSERT INTO authors (channel, handle) VALUES ('twitter', 'bench')").execute(pool).await.unwrap();
    sqlx::query("INSERT INTO cases (channel, conversation, status, opened_at, last_post_at, updated_at) VALUES ('twitter', 'bench', 'new', 0, 0, 0)")
        .execute(pool)
        .await
        .unwrap();
    let started = Instant::now();
    for tx_rows in rows.chunks(5_000) {
        let mut tx = pool.begin().await.unwrap();
        for stmt_rows in tx_rows.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO posts (channel, external_id, author_id, direction, text, created_at, reply_to, conversation, case_id, account, ingested_at) VALUES ",
            );
            let mut args = sqlx::any::AnyArguments::default();
            use sqlx::Arguments;
            for (i, r) in stmt_rows.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                // Anonymous placeholders: the fastest form on SQLite (see the store's sql.rs).
                sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                args.add("twitter".to_string()).unwrap();
                args.add(r.id.to_string()).unwrap();
                args.add(1i64).unwrap();
                args.add(if r.inbound { "inbound" } else { "outbound" }.to_string()).unwrap();
                args.add(r.text.clone()).unwrap();
                args.add(r.created * 1000).unwrap();
                args.add(r.reply_to.map(|p| p.to_string())).unwrap();
                args.add(r.id.to_string()).unwrap();
                args.add(1i64).unwrap();
                args.add(None::<String>).unwrap();
                args.add(0i64).unwrap();
            }
            sqlx::query_with(&sql, args).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("SB_BENCH_POSTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("twcs-generated.csv");
    let rows = generate(n);
    write_twcs(&rows, &csv);
    println!("generated {n} posts in the twcs layout ({:.0} MB)", std::fs::metadata(&csv).unwrap().len() as f64 / 1e6);

    let store = Store::connect(&format!("sqlite://{}", dir.path().join("import.db").display())).await.unwrap();
    let opts = ImportOptions { layout: Layout::preset(Preset::Twcs), labels: Vec::new(), batch: switchboard_import::run::BATCH };
    let started = Instant::now();
    let mut first_write = None;
    let report = import_file(&store, &csv, &opts, |p| {
        if p.pass == 2 && first_write.is_none() {
            first_write = Some(started.elapsed());
        }
    })
    .await
    .unwrap();
    let import_time = started.elapsed();
    let checking = first_write.unwrap_or_default();
    assert_eq!(report.inserted as usize, n, "every generated post imports: {:?}", report.rejected.first());
    let import_rate = n as f64 / import_time.as_secs_f64();
    println!(
        "import:       {n} posts, {} cases in {:.2} s = {:.0} posts/s (first pass {:.2} s)",
        report.new_cases,
        import_time.as_secs_f64(),
        import_rate,
        checking.as_secs_f64()
    );

    let plain = Store::connect(&format!("sqlite://{}", dir.path().join("plain.db").display())).await.unwrap();
    let plain_time = plain_insert(&plain, &rows).await;
    let plain_rate = n as f64 / plain_time.as_secs_f64();
    println!("plain INSERT: {n} posts in {:.2} s = {:.0} posts/s", plain_time.as_secs_f64(), plain_rate);
    println!("ratio import/plain = {:.2} (aim >= 0.5)", import_rate / plain_rate);
    plain.close().await;

    sqlx::query("UPDATE cases SET department_id = (id % 7) + 1").execute(store.pool()).await.unwrap();
    sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    let departments = store.departments().await.unwrap();
    let mut times = Vec::new();
    let mut seen = 0;
    for i in 0..2_000 {
        let q = InboxQuery {
            status: Some(CaseStatus::Open),
            department_id: Some(departments[i % departments.len()].id),
            limit: 50,
            ..Default::default()
        };
        let t = Instant::now();
        let page = store.inbox(&q).await.unwrap();
        times.push(t.elapsed());
        seen = page.total;
        assert_eq!(page.items.len(), 50);
    }
    times.sort();
    println!(
        "inbox query (top 50 open by priority, one department, with its total of {seen}): p50 {:.2} ms, p99 {:.2} ms (aim p99 <= 20 ms)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );

    // What else the app asks: the whole inbox, a deep page, and a text search.
    let others = [
        ("whole inbox, top 50", InboxQuery { limit: 50, ..Default::default() }),
        ("whole inbox, page at offset 50,000", InboxQuery { offset: 50_000, limit: 100, ..Default::default() }),
        // Two of the generator's 53 words: each is in about a third of all posts.
        ("text search \"charged twice\", top 50", InboxQuery { search: Some("charged twice".into()), limit: 50, ..Default::default() }),
        // One customer's handle: what an agent looking for a person types.
        ("text search for one customer \"@150000\"", InboxQuery { search: Some("@150000".into()), limit: 50, ..Default::default() }),
    ];
    for (what, q) in others {
        let mut times = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            store.inbox(&q).await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "inbox query ({what}): p50 {:.2} ms, p99 {:.2} ms",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3
        );
    }
}
