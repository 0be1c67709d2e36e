//! Live updates: every recorded case change is announced to every desk.
//!
//! On PostgreSQL the change's transaction calls `pg_notify` on
//! [`CHANNEL`], so the announcement is delivered on commit and dropped on
//! rollback; [`Store::subscribe`] opens a `PgListener` (its own connection,
//! reconnecting after a failure, with a resync event for what it may have
//! missed). On SQLite the announcement travels in-process on a broadcast
//! channel shared by every store of the process, tagged with the database
//! file; a change recorded inside a transaction is announced before its commit,
//! so the listener yields it only once its case event is visible (a rolled-back
//! change never becomes visible and is dropped). Changes other processes make
//! on the same file are found by following the `case_events` table
//! ([`crate::live_tail`]).

use std::sync::LazyLock;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{Any, AnyPool, Transaction};
use switchboard_core::live::{LiveEvent, POSTS_ARRIVED};
use tokio::sync::broadcast;

use crate::live_tail::Tail;
use crate::{redact_url, Backend, Result, Store, StoreError};

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "switchboard_cases";
/// Case ids per "posts arrived" announcement: well under NOTIFY's 8000-byte payload.
const CASES_PER_ANNOUNCEMENT: usize = 400;
/// How long a SQLite listener waits for an announced change to commit.
const COMMIT_WAIT: Duration = Duration::from_secs(5);

/// What a SQLite store sends in-process.
#[derive(Clone)]
struct Local {
    /// The database file (`pragma_database_list`), so stores on other files ignore it.
    db: String,
    /// The case event to wait for before yielding (sent before commit), if any.
    event_id: Option<i64>,
    event: LiveEvent,
}

static LOCAL: LazyLock<broadcast::Sender<Local>> = LazyLock::new(|| broadcast::channel(4096).0);

/// This process's mark on the case events it writes (`case_events.origin`):
/// its pid and start time, unique among the processes sharing a file.
pub(crate) static ORIGIN: LazyLock<String> = LazyLock::new(|| {
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{started}", std::process::id())
});

/// What a store keeps to announce and listen: its URL (never shown; it may
/// hold a password) and, on SQLite, its database file.
#[derive(Clone)]
pub(crate) struct LiveHub {
    url: String,
    sqlite_db: String,
}

impl LiveHub {
    pub(crate) async fn new(backend: Backend, url: &str, pool: &AnyPool) -> Result<LiveHub> {
        let sqlite_db = match backend {
            Backend::Sqlite => sqlite_db(pool).await?,
            Backend::Postgres => String::new(),
        };
        Ok(LiveHub { url: url.to_string(), sqlite_db })
    }
}

async fn sqlite_db<'e, E: sqlx::Executor<'e, Database = Any>>(e: E) -> Result<String> {
    let file: Option<String> =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_optional(e).await?;
    Ok(file.unwrap_or_default())
}

/// Announces one recorded case change from inside its transaction.
pub(crate) async fn announce_in_tx(tx: &mut Transaction<'_, Any>, backend: Backend, event_id: i64, event: LiveEvent) -> Result<()> {
    match backend {
        Backend::Postgres => pg_notify(tx, &[event]).await,
        Backend::Sqlite => {
            let db = sqlite_db(&mut **tx).await?;
            // No listener is not an error.
            let _ = LOCAL.send(Local { db, event_id: Some(event_id), event });
            Ok(())
        }
    }
}

/// The announcements for posts that arrived in bulk: the touched cases, a
/// few hundred per event.
pub(crate) fn posts_arrived(mut cases: Vec<i64>, actor: &str, at: i64) -> Vec<LiveEvent> {
    cases.sort_unstable();
    cases.dedup();
    cases
        .chunks(CASES_PER_ANNOUNCEMENT)
        .map(|chunk| LiveEvent {
            case_id: chunk[0],
            version: 0,
            kind: POSTS_ARRIVED.to_string(),
            actor: actor.to_string(),
            at,
            cases: chunk.to_vec(),
        })
        .collect()
}

/// On PostgreSQL, announces `events` inside the transaction (a no-op on SQLite).
pub(crate) async fn announce_batch_in_tx(tx: &mut Transaction<'_, Any>, backend: Backend, events: &[LiveEvent]) -> Result<()> {
    match backend {
        Backend::Postgres => pg_notify(tx, events).await,
        Backend::Sqlite => Ok(()),
    }
}

async fn pg_notify(tx: &mut Transaction<'_, Any>, events: &[LiveEvent]) -> Result<()> {
    for event in events {
        let payload = serde_json::to_string(event).map_err(|e| StoreError::Invalid(format!("live event: {e}")))?;
        // pg_notify returns void, which the Any driver cannot carry: count it instead.
        sqlx::query("SELECT count(*) FROM (SELECT pg_notify($1, $2)) AS sent")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// On SQLite, announces `events` of a transaction just committed (a no-op
    /// on PostgreSQL, where the transaction announced them).
    pub(crate) fn announce_committed(&self, events: Vec<LiveEvent>) {
        if self.backend() == Backend::Sqlite {
            for event in events {
                let _ = LOCAL.send(Local { db: self.live.sqlite_db.clone(), event_id: None, event });
            }
        }
    }

    /// Listens for every case change made from now on, by any desk.
    pub async fn subscribe(&self) -> Result<LiveStream> {
        let inner = match self.backend() {
            Backend::Postgres => {
                let mut listener = PgListener::connect(&self.live.url).await.map_err(|e| {
                    StoreError::Unavailable(format!("cannot listen at {}: {e}", redact_url(&self.live.url)))
                })?;
                listener.listen(CHANNEL).await?;
                Inner::Pg(Box::new(listener))
            }
            Backend::Sqlite => Inner::Local {
                rx: LOCAL.subscribe(),
                db: self.live.sqlite_db.clone(),
                pool: self.pool().clone(),
                tail: Box::new(Tail::start(self.pool()).await?),
            },
        };
        Ok(LiveStream { inner })
    }
}

/// The changes one desk hears, in the order they were committed.
pub struct LiveStream {
    inner: Inner,
}

enum Inner {
    Pg(Box<PgListener>),
    Local { rx: broadcast::Receiver<Local>, db: String, pool: AnyPool, tail: Box<Tail> },
}

impl LiveStream {
    /// The next change; a [`LiveEvent::resync`] when some may have been
    /// missed. `None` only when no more can come.
    pub async fn next(&mut self) -> Option<LiveEvent> {
        match &mut self.inner {
            Inner::Pg(listener) => next_pg(listener).await,
            Inner::Local { rx, db, pool, tail } => loop {
                if let Some(ev) = tail.pop() {
                    return Some(ev);
                }
                let received = tokio::select! {
                    r = rx.recv() => r,
                    _ = tail.every.tick() => {
                        tail.look(pool).await;
                        continue;
                    }
                };
                let local = match received {
                    Ok(local) => local,
                    Err(broadcast::error::RecvError::Lagged(_)) => return Some(LiveEvent::resync(now_ms())),
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                if local.db != *db {
                    continue;
                }
                match local.event_id {
                    None => return Some(local.event),
                    Some(id) if committed(pool, id, &local.event).await => return Some(local.event),
                    Some(_) => continue,
                }
            },
        }
    }
}

async fn next_pg(listener: &mut PgListener) -> Option<LiveEvent> {
    let mut backoff = Duration::from_millis(100);
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => match serde_json::from_str::<LiveEvent>(n.payload()) {
                Ok(ev) => return Some(ev),
                Err(e) => eprintln!("warning: ignoring a malformed live event: {e}"),
            },
            // The connection dropped; the next call reconnects and listens
            // again, but what was sent meanwhile is lost.
            Ok(None) => return Some(LiveEvent::resync(now_ms())),
            Err(sqlx::Error::PoolClosed) => return None,
            Err(e) => {
                eprintln!("warning: live updates interrupted ({e}); reconnecting in {} ms", backoff.as_millis());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Whether the announced case event became visible (its transaction
/// committed), waiting up to [`COMMIT_WAIT`].
async fn committed(pool: &AnyPool, event_id: i64, ev: &LiveEvent) -> bool {
    let started = tokio::time::Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let found: std::result::Result<i64, _> =
            sqlx::query_scalar("SELECT count(*) FROM case_events WHERE id = $1 AND case_id = $2 AND kind = $3 AND at = $4")
                .bind(event_id)
                .bind(ev.case_id)
                .bind(ev.kind.clone())
                .bind(ev.at)
                .fetch_one(pool)
                .await;
        if matches!(found, Ok(n) if n > 0) {
            return true;
        }
        if started.elapsed() >= COMMIT_WAIT {
            return false;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_batches_fit_notify_payloads() {
        let events = posts_arrived((1..=1000).map(|i| 9_000_000_000 + i).collect(), "import", 1);
        assert_eq!(events.len(), 3);
        for ev in &events {
            assert!(serde_json::to_string(ev).unwrap().len() < 8000);
        }
    }
}
