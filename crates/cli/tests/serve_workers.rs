//! Two `switchboard serve` workers (real processes of the built command) on
//! one workspace with one feed account, served over loopback HTTP and growing
//! while they run. One worker holds the account's lease and polls; it is
//! killed with SIGKILL mid-stream; once its lease expires the other takes the
//! account over. In the end every entry the feed served is stored exactly
//! once. Runs on a fresh SQLite file (two processes, one file) and, when
//! SWITCHBOARD_TEST_PG_URL names a server (always under CI), on a fresh
//! PostgreSQL database. No timing asserts: generous deadlines, outcomes only.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use switchboard_store::testing::fresh_urls;
use switchboard_store::Store;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Entries the feed grows to, one more every `EVERY`.
const ENTRIES: usize = 40;
const EVERY: Duration = Duration::from_millis(200);
const DEADLINE: Duration = Duration::from_secs(90);

/// A feed that starts with one entry at its first request and grows by one
/// every [`EVERY`] up to [`ENTRIES`]; newest first, as feeds are.
struct GrowingFeed {
    started: Mutex<Option<Instant>>,
}

impl GrowingFeed {
    fn served(&self) -> usize {
        let mut started = self.started.lock().unwrap();
        let start = *started.get_or_insert_with(Instant::now);
        (1 + (start.elapsed().as_millis() / EVERY.as_millis()) as usize).min(ENTRIES)
    }
}

impl Respond for GrowingFeed {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served();
        let mut s = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Status page</title><link>http://status.example/</link><description>Incidents</description>"#,
        );
        for i in (0..n).rev() {
            let date = chrono::DateTime::from_timestamp(1_795_000_000 + i as i64 * 60, 0).unwrap().to_rfc2822();
            s.push_str(&format!(
                "<item><guid>g-{i:03}</guid><title>Lumen update {i}</title><link>http://status.example/{i}</link><pubDate>{date}</pubDate><description>Entry {i} about Lumen broadband</description></item>"
            ));
        }
        s.push_str("</channel></rss>");
        ResponseTemplate::new(200).insert_header("content-type", "application/rss+xml").set_body_string(s)
    }
}

fn switchboard(db: &str) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("switchboard"));
    c.env_remove("SWITCHBOARD_DATABASE_URL").arg("--db").arg(db);
    c
}

/// A worker whose output goes to files (read while it runs).
struct ServeProcess {
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

impl ServeProcess {
    fn start(db: &str, dir: &Path, name: &str) -> ServeProcess {
        let (out, err) = (dir.join(format!("{name}.out")), dir.join(format!("{name}.err")));
        let child = switchboard(db)
            .args(["serve", "--lease-secs", "2", "--round-ms", "100", "--poll-ms", "150"])
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap();
        ServeProcess { child, out, err }
    }
    fn pid(&self) -> u32 {
        self.child.id()
    }
    fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            std::fs::read_to_string(&self.out).unwrap_or_default(),
            std::fs::read_to_string(&self.err).unwrap_or_default()
        )
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `what` to be true, polling; panics with `why()` at the deadline.
fn wait_for(rt: &tokio::runtime::Runtime, mut what: impl FnMut(&tokio::runtime::Runtime) -> bool, why: impl Fn() -> String) {
    let deadline = Instant::now() + DEADLINE;
    while !what(rt) {
        assert!(Instant::now() < deadline, "{}", why());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The process id in a worker's holder id (`member@host:pid#random`).
fn pid_of(holder: &str) -> Option<u32> {
    holder.rsplit_once(':')?.1.split('#').next()?.parse().ok()
}

/// Each stored entry of the feed's channel and how many times it is there.
async fn stored(store: &Store) -> Vec<(String, i64)> {
    use sqlx::Row;
    sqlx::query("SELECT external_id, COUNT(*) FROM posts WHERE channel = 'status' GROUP BY external_id ORDER BY external_id")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn killing_the_lease_holder_hands_the_account_over_with_no_post_lost_or_doubled() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    for (db, _keep) in rt.block_on(fresh_urls()) {
        takeover_on(&rt, &db);
    }
}

fn takeover_on(rt: &tokio::runtime::Runtime, db: &str) {
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/status.xml"))
            .respond_with(GrowingFeed { started: Mutex::new(None) })
            .mount(&server),
    );
    let out = switchboard(db)
        .args(["connect", "feed", &format!("{}/status.xml", server.uri()), "--name", "Status page", "--channel", "status"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{db}: {}", String::from_utf8_lossy(&out.stderr));
    let store = rt.block_on(Store::connect(db)).unwrap();
    let account: i64 = rt.block_on(store.accounts()).unwrap()[0].id;
    let lease = format!("account:{account}");
    let holder_pid = |rt: &tokio::runtime::Runtime| rt.block_on(store.lease(&lease)).unwrap().and_then(|l| pid_of(&l.holder));

    let dir = tempfile::tempdir().unwrap();
    let mut workers = vec![ServeProcess::start(db, dir.path(), "a"), ServeProcess::start(db, dir.path(), "b")];
    let outputs = |w: &[ServeProcess]| w.iter().map(ServeProcess::output).collect::<Vec<_>>().join("\n---\n");

    // One of them takes the account and stores the first entries.
    let first = OnceLock::new();
    wait_for(
        rt,
        |rt| {
            let pid = holder_pid(rt);
            let n = rt.block_on(stored(&store)).len();
            if let (Some(pid), true) = (pid, n >= 3) {
                first.get_or_init(|| pid);
                true
            } else {
                false
            }
        },
        || format!("{db}: no worker took the account and stored entries:\n{}", outputs(&workers)),
    );
    let holder = workers.iter().position(|w| w.pid() == *first.get().unwrap()).expect("the holder is one of the two workers");

    // Killed mid-stream (SIGKILL: it cannot release anything).
    let mut dead = workers.remove(holder);
    dead.child.kill().unwrap();
    dead.child.wait().unwrap();
    let at_kill = rt.block_on(stored(&store)).len();
    assert!(at_kill < ENTRIES, "{db}: the feed was still growing when the holder was killed ({at_kill} of {ENTRIES})");
    let survivor = &workers[0];

    // Once the dead worker's lease expires the survivor takes the account
    // and stores the rest of the feed.
    wait_for(
        rt,
        |rt| holder_pid(rt) == Some(survivor.pid()),
        || format!("{db}: the survivor never took the account over:\n{}\n---\nkilled:\n{}", survivor.output(), dead.output()),
    );
    wait_for(
        rt,
        |rt| rt.block_on(stored(&store)).len() >= ENTRIES,
        || format!("{db}: the feed's {ENTRIES} entries never all arrived: {:?}\n{}", rt.block_on(stored(&store)), survivor.output()),
    );
    let posts = rt.block_on(stored(&store));
    let expected: Vec<(String, i64)> = (0..ENTRIES).map(|i| (format!("g-{i:03}"), 1)).collect();
    assert_eq!(posts, expected, "{db}: every entry served is stored exactly once");

    // A clean stop (SIGTERM) releases the survivor's leases.
    let mut survivor = workers.remove(0);
    let term = Command::new("kill").args(["-TERM", &survivor.pid().to_string()]).status().unwrap();
    assert!(term.success());
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = survivor.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "{db}: serve did not stop on SIGTERM:\n{}", survivor.output());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{db}: a clean stop exits 0 ({status}):\n{}", survivor.output());
    assert!(survivor.output().contains("stopped; released"), "{}", survivor.output());
    assert!(survivor.output().contains(&format!("took {lease}")), "{db}: the survivor says it took the account:\n{}", survivor.output());
    eprintln!("{db}: killed the holder at {at_kill} of {ENTRIES} entries\nkilled worker {}\nsurvivor {}", dead.output(), survivor.output());
    let left: Vec<_> = rt.block_on(store.leases()).unwrap().into_iter().filter(|l| pid_of(&l.holder) == Some(survivor.pid())).collect();
    assert!(left.is_empty(), "{db}: the stopped worker still holds {left:?}");

    // `switchboard leases` lists what is left (only the dead worker's, expired or not).
    let out = switchboard(db).arg("leases").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&format!(":{}#", survivor.pid())), "{}", String::from_utf8_lossy(&out.stdout));
    rt.block_on(store.close());
}

#[test]
fn bad_serve_arguments_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("w.db").display());
    for args in [&["serve", "--lease-secs", "0"][..], &["serve", "--lease-secs", "nope"], &["serve", "--round-ms", "0"], &["serve", "--lease-secs", "0.1"]] {
        let out = switchboard(&db).args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("lease") || err.contains("round"), "{args:?}: {err}");
    }
    // One round on an empty workspace: the outbox and SLA leases taken, then given back.
    let out = switchboard(&db).args(["serve", "--once"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("took sla outbox") && stdout.contains("released 2 leases"), "{stdout}");
    let out = switchboard(&db).arg("leases").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("no leases held"), "{}", String::from_utf8_lossy(&out.stdout));
}
