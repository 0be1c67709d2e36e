//! Board benchmark: `cargo bench -p switchboard-engine --bench board`
//! (SB_BENCH_POSTS=N to change the size; default 2,800,000, the size of the
//! "Customer Support on Twitter" corpus).
//!
//! Generates N posts shaped like that corpus (threads of customer tweets
//! and brand replies over about 60 days, so a 48-hour window holds what it
//! would) and writes them with the store's ingest into a fresh SQLite
//! workspace; gives every customer post a sentiment and a topic prediction,
//! every case a department and the open ones an SLA due instant; then times
//! `Desk::board` (every aggregate of the executive board) for a lead and an
//! executive and prints the median and worst of 7 runs (aim <= 1 s), and
//! the time of each of the store's board queries.
//! SB_BENCH_DB=FILE keeps the generated workspace in FILE and, when FILE
//! already holds posts, times the board on it without generating again.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use switchboard_core::desk::Role;
use switchboard_core::post::{Direction, NewPost};
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::Store;

const BRANDS: [&str; 7] = ["AppleSupport", "AmazonHelp", "Uber_Support", "SpotifyCares", "Delta", "comcastcares", "TMobileHelp"];
/// 60 days of posts, as the corpus spans.
const SPAN_MS: i64 = 60 * 86_400_000;
const START_MS: i64 = 1_506_816_000_000; // 2017-10-01

fn thread(rng: &mut StdRng, id: &mut u64, n_left: usize, start: i64, customer: u64) -> Vec<IngestPost> {
    let len = rng.random_range(1..=5usize).min(n_left);
    let brand = BRANDS[rng.random_range(0..BRANDS.len())];
    let root = id.to_string();
    let mut t = start;
    let mut parent: Option<String> = None;
    let mut out = Vec::with_capacity(len);
    for k in 0..len {
        let inbound = k % 2 == 0;
        let external_id = id.to_string();
        *id += 1;
        out.push(IngestPost {
            post: NewPost {
                channel: "twitter".into(),
                external_id: external_id.clone(),
                author: if inbound { customer.to_string() } else { brand.to_string() },
                author_name: None,
                author_followers: inbound.then(|| rng.random_range(0..50_000)),
                direction: if inbound { Direction::Inbound } else { Direction::Outbound },
                text: format!("@{} my order is late again, please help #{k}", if inbound { brand } else { "customer" }),
                created_at: t,
                reply_to: parent.clone(),
                account: (!inbound).then(|| brand.to_string()),
                labels: Vec::new(),
            },
            conversation: Some(root.clone()),
        });
        parent = Some(external_id);
        t += rng.random_range(30_000..7_200_000);
    }
    out
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("SB_BENCH_POSTS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_800_000);
    let dir = tempfile::tempdir().unwrap();
    let file = std::env::var("SB_BENCH_DB").map(std::path::PathBuf::from).unwrap_or_else(|_| dir.path().join("board.db"));
    let store = Store::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    if store.post_count().await.unwrap() == 0 {
        generate(&store, n).await;
    } else {
        println!("reusing {} ({} posts)", file.display(), store.post_count().await.unwrap());
    }
    time_board(&store, n).await;
}

async fn generate(store: &Store, n: usize) {
    let mut rng = StdRng::seed_from_u64(11);
    let started = Instant::now();
    let mut ingestor = Ingestor::new(store, "import", "bench");
    let (mut id, mut written, mut customer) = (1u64, 0usize, 100_000u64);
    let mut batch = Vec::with_capacity(20_000);
    // Threads start evenly over the span (average posts per thread: 3).
    let step = SPAN_MS / (n as i64 / 3).max(1);
    let mut start = START_MS;
    while written < n {
        customer += 1;
        start += rng.random_range(0..2 * step.max(1));
        let posts = thread(&mut rng, &mut id, n - written, start, customer % 400_000);
        written += posts.len();
        batch.extend(posts);
        if batch.len() >= 20_000 || written >= n {
            ingestor.write(&batch).await.unwrap();
            batch.clear();
        }
    }
    println!("ingested {n} posts in {:.1} s", started.elapsed().as_secs_f64());

    let pool = store.pool();
    let t = Instant::now();
    for (field, values) in [
        ("sentiment", vec!["negative", "neutral", "positive", "negative", "neutral"]),
        ("topic", vec!["delivery", "billing", "refund", "app", "outage", "account", "lost luggage", "signal"]),
    ] {
        let cases: String = values.iter().enumerate().map(|(i, v)| format!(" WHEN {i} THEN '{v}'")).collect();
        sqlx::query(&format!(
            "INSERT INTO predictions (post_id, field, value, score, model_version, at)
             SELECT id, '{field}', CASE (id * 7919) % {}{cases} END, 0.5, 'bench', 0 FROM posts WHERE direction = 'inbound'",
            values.len()
        ))
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE cases SET department_id = (id % 7) + 1, sla_due_at = CASE WHEN status IN ('new', 'open') THEN last_post_at + 3600000 END")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(pool).await.unwrap();
    println!("predictions, departments and SLA instants set in {:.1} s; {cases} cases", t.elapsed().as_secs_f64());

}

async fn time_board(store: &Store, n: usize) {
    let desk = Desk::with_store(store.clone()).await.unwrap();
    for role in [Role::Lead, Role::Executive] {
        let mut times: Vec<Duration> = Vec::new();
        let mut board = None;
        for _ in 0..7 {
            let t = Instant::now();
            board = Some(desk.board(role).await.unwrap());
            times.push(t.elapsed());
        }
        times.sort();
        let b = board.unwrap();
        println!(
            "board() as {:?} over {n} posts: median {:.3} s, worst {:.3} s (aim <= 1 s); window {} customer posts, {} open cases, {} overdue, {} topics",
            role,
            times[times.len() / 2].as_secs_f64(),
            times[times.len() - 1].as_secs_f64(),
            b.volume.iter().map(|p| p.posts_in).sum::<i64>(),
            b.open_cases,
            b.overdue,
            b.top_topics.len()
        );
    }
    time_queries(store).await;
}

/// Each of the store's board queries once, over the board's window.
async fn time_queries(store: &Store) {
    let to = store.latest_post_at().await.unwrap().unwrap_or(0) + 1;
    let from = to - 48 * 3_600_000;
    let now = switchboard_core::time::now_ms();
    let t = Instant::now();
    store.board_posts(from, to, 3_600_000).await.unwrap();
    let posts = t.elapsed();
    let t = Instant::now();
    store.board_answered(from, to, 3_600_000).await.unwrap();
    let answered = t.elapsed();
    let t = Instant::now();
    store.board_sla_cases(from, to).await.unwrap();
    let sla = t.elapsed();
    let t = Instant::now();
    store.board_load(now).await.unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    store.board_authors(from, to, 50).await.unwrap();
    let authors = t.elapsed();
    println!(
        "queries: posts {:.3} s, answered {:.3} s, sla cases {:.3} s, load {:.3} s, authors {:.3} s",
        posts.as_secs_f64(),
        answered.as_secs_f64(),
        sla.as_secs_f64(),
        load.as_secs_f64(),
        authors.as_secs_f64()
    );
}
