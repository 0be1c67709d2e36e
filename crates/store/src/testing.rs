//! Throwaway databases for behaviour suites: every test runs once on a fresh
//! SQLite file and, when `SWITCHBOARD_TEST_PG_URL` names a PostgreSQL server
//! (the test scripts start a throwaway cluster), once on a fresh PostgreSQL
//! database created on it. Under CI the PostgreSQL run is required, so the
//! suite can never pass while silently skipping a backend.

use crate::Store;

pub const PG_URL_VAR: &str = "SWITCHBOARD_TEST_PG_URL";

/// A store and what keeps it alive (the SQLite file's folder).
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The URLs of fresh, empty databases: one SQLite, and one PostgreSQL if configured.
pub async fn fresh_urls() -> Vec<(String, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut urls = vec![(format!("sqlite://{}", dir.path().join("test.db").display()), Some(dir))];
    match std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty()) {
        Some(admin) => urls.push((fresh_pg_database(&admin).await, None)),
        None if std::env::var_os("CI").is_some() => {
            panic!("{PG_URL_VAR} is not set: under CI the store suite must also run on PostgreSQL")
        }
        None => eprintln!("note: {PG_URL_VAR} not set; running on SQLite only"),
    }
    urls
}

/// Fresh stores, migrated: one per backend.
pub async fn stores() -> Vec<TestDb> {
    let mut out = Vec::new();
    for (url, dir) in fresh_urls().await {
        let store = Store::connect(&url).await.unwrap_or_else(|e| panic!("opening {url}: {e}"));
        out.push(TestDb { store, url, _dir: dir });
    }
    out
}

async fn fresh_pg_database(admin_url: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL at {}: {e}", crate::redact_url(admin_url)));
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() % 1_000_000_000;
    let name = format!("sb_test_{}_{stamp}_{n}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("creating a test database");
    conn.close().await.ok();
    // Replace the database name (the path after the last '/', before any '?').
    let (base, query) = admin_url.split_once('?').map(|(b, q)| (b, Some(q))).unwrap_or((admin_url, None));
    let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}
