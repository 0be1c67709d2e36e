//! The case log, on an embedded SQLite file or a team PostgreSQL.
//!
//! [`Store`] wraps one sqlx pool over the `Any` driver: every query is written
//! once in portable SQL (`$1` placeholders, BIGINT instants, TEXT JSON) and
//! runs on both backends; only the migrations differ (identity columns), one
//! directory per backend. Areas:
//! - [`desk`]: departments, members, settings;
//! - [`ingest`]: idempotent bulk writing of posts, grouped into cases;
//! - [`inbox`]: the filtered, paginated, priority-sorted case list and the case view;
//! - [`actions`]: changes to a case, each a conditional update plus an event;
//! - [`export`]: the rows `switchboard export` writes.

pub mod accounts;
pub mod actions;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod claim;
pub mod customers;
pub mod desk;
pub mod error;
pub mod export;
pub mod identity;
pub mod ingest;
pub mod inbox;
pub mod leases;
pub mod listening;
pub mod live;
mod live_tail;
pub mod mentions;
pub mod models;
pub mod member_secrets;
pub mod outbox;
pub mod presence;
pub mod reports;
pub mod rules;
mod sql;
pub mod tags;
#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use error::StoreError;

pub type Result<T> = std::result::Result<T, StoreError>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Invalid(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://...",
                redact_url(url)
            )))
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The URL with any password replaced, fit for messages and the UI.
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((creds, host)) => format!("{scheme}://{}@{host}", creds.split(':').next().unwrap_or("")),
            None => base.to_string(),
        },
        None => base.to_string(),
    };
    // A password may also ride in the query (`?password=...`): left out too.
    if let Some(q) = query {
        let kept: Vec<&str> = q.split('&').filter(|p| !p.to_ascii_lowercase().starts_with("password=")).collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

/// Where the data lives, for people: a SQLite file's path, or the server URL
/// without its password.
fn describe_location(backend: Backend, url: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
            rest.split('?').next().unwrap_or(rest).to_string()
        }
        Backend::Postgres => redact_url(url),
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    location: String,
    /// Its URL (privately: it may hold a password) for the live-update listener.
    live: live::LiveHub,
}

impl Store {
    /// Connects, creating a SQLite file (and its folder) if needed, and
    /// applies the migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_dir(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Invalid(format!("bad database URL {}: {e}", redact_url(&url))))?;
        let pool_options = match backend {
            Backend::Sqlite => AnyPoolOptions::new().max_connections(4).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
                        .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => AnyPoolOptions::new().max_connections(8),
        };
        let pool = pool_options.connect_with(options).await.map_err(|e| {
            StoreError::Unavailable(format!("cannot open the database at {}: {e}", redact_url(&url)))
        })?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // Two processes opening a new SQLite file at once (the app and the
        // CLI, two CLI runs) both see a migration pending; one applies it,
        // the other's transaction fails ("table ... already exists") and
        // rolls back. SQLite has no migration lock, so the loser looks again:
        // the migrations the winner applied are then skipped. PostgreSQL
        // takes an advisory lock and never gets here twice.
        let mut attempt = 0;
        loop {
            match migrator.run(&pool).await {
                Ok(()) => break,
                Err(_) if backend == Backend::Sqlite && attempt < 5 => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
                }
                Err(e) => return Err(StoreError::Unavailable(format!("cannot migrate the database: {e}"))),
            }
        }
        let live = live::LiveHub::new(backend, &url, &pool).await?;
        let store = Store { pool, backend, location: describe_location(backend, &url), live };
        store.ensure_departments().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
    /// Where the data lives, without any password.
    pub fn location(&self) -> &str {
        &self.location
    }
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `sqlite://PATH` with `mode=rwc` so the file is created, and its folder made.
fn sqlite_url_creating_dir(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Unavailable(format!("cannot create the folder {}: {e}", dir.display()))
                })?;
            }
        }
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_leave_the_url() {
        assert_eq!(redact_url("postgres://ana:s3cret@db.example:5432/team"), "postgres://ana@db.example:5432/team");
        assert_eq!(redact_url("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
        assert_eq!(redact_url("postgres://ana@db/team?password=s3cret&sslmode=require"), "postgres://ana@db/team?sslmode=require");
        assert_eq!(redact_url("postgres://ana:a@db/team?Password=b"), "postgres://ana@db/team");
    }

    #[test]
    fn sqlite_urls_gain_create_mode() {
        let dir = std::env::temp_dir().join("sb-url-test");
        let url = sqlite_url_creating_dir(&format!("sqlite://{}/a.db", dir.display())).unwrap();
        assert!(url.ends_with("a.db?mode=rwc"), "{url}");
    }
}
