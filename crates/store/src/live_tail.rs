//! Live updates across processes on SQLite: another process on the same file
//! (`switchboard serve`, the command line, a second app) cannot reach this
//! process's in-process channel, so a SQLite listener also follows the
//! `case_events` table — every 500 ms it reads the events committed since the
//! last look by other processes (each event carries its writer's
//! [`crate::live::ORIGIN`]; this process's own come through the in-process
//! channel). SQLite has one writer at a time, so event ids commit in order and
//! the newest id seen is a complete bookmark.

use std::collections::VecDeque;
use std::time::Duration;

use sqlx::{AnyPool, Row};
use switchboard_core::live::LiveEvent;

use crate::Result;

/// How often the table is looked at.
pub(crate) const TAIL_EVERY: Duration = Duration::from_millis(500);
/// Events read per look; more than that at once is a resync (refresh everything).
const PAGE: i64 = 500;

pub(crate) struct Tail {
    last_id: i64,
    pending: VecDeque<LiveEvent>,
    pub(crate) every: tokio::time::Interval,
}

impl Tail {
    /// Starts after the newest event committed now.
    pub(crate) async fn start(pool: &AnyPool) -> Result<Tail> {
        let last_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM case_events").fetch_one(pool).await?;
        let mut every = tokio::time::interval(TAIL_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(Tail { last_id, pending: VecDeque::new(), every })
    }

    /// The next event found by an earlier look, if any.
    pub(crate) fn pop(&mut self) -> Option<LiveEvent> {
        self.pending.pop_front()
    }

    /// Reads what was committed since the last look. A failed read is tried
    /// again at the next look (nothing is skipped).
    pub(crate) async fn look(&mut self, pool: &AnyPool) {
        let newest: std::result::Result<Option<i64>, _> = sqlx::query_scalar("SELECT MAX(id) FROM case_events").fetch_one(pool).await;
        let Ok(Some(newest)) = newest else { return };
        if newest <= self.last_id {
            return;
        }
        let rows = sqlx::query(
            "SELECT e.case_id, e.kind, e.actor, e.at, c.version FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE e.id > $1 AND e.id <= $2 AND (e.origin IS NULL OR e.origin <> $3) ORDER BY e.id LIMIT $4",
        )
        .bind(self.last_id)
        .bind(newest)
        .bind(crate::live::ORIGIN.as_str())
        .bind(PAGE)
        .fetch_all(pool)
        .await;
        let Ok(rows) = rows else { return };
        self.last_id = newest;
        if rows.len() as i64 == PAGE {
            // A bulk change elsewhere (an import): one resync instead of hundreds of events.
            self.pending.push_back(LiveEvent::resync(switchboard_core::time::now_ms()));
            return;
        }
        self.pending.extend(rows.iter().map(|r| LiveEvent {
            case_id: r.get(0),
            version: r.get(4),
            kind: r.get(1),
            actor: r.get(2),
            at: r.get(3),
            cases: Vec::new(),
        }));
    }
}
