//! Presence: one row per desk session and member saying it is online,
//! viewing a case or drafting a reply on it, until `expires_at`. A heartbeat
//! rewrites the row; a change of state or case is announced to every desk as
//! a `presence` live event (in the write's transaction on PostgreSQL,
//! in-process after commit on SQLite); a plain refresh is not. Expired rows
//! are ignored by readers and swept by the next write.

use sqlx::Row;
use switchboard_core::live::{LiveEvent, PRESENCE};
use switchboard_core::presence::{Presence, PresenceState};

use crate::live::announce_batch_in_tx;
use crate::{Result, Store, StoreError};

/// Longest desk session label accepted.
const MAX_SESSION_CHARS: usize = 100;

/// One desk session's presence to write.
#[derive(Debug, Clone)]
pub struct PresenceWrite<'a> {
    pub member_id: i64,
    /// The member's handle (the live event's actor).
    pub actor: &'a str,
    pub session: &'a str,
    /// `None` clears the session's row.
    pub state: Option<PresenceState>,
    pub case_id: Option<i64>,
    pub now: i64,
    pub ttl_ms: i64,
}

impl Store {
    /// Writes (or, with no state, deletes) one session's presence and sweeps
    /// expired rows. Returns whether what others see changed (then it was
    /// announced).
    pub async fn write_presence(&self, w: PresenceWrite<'_>) -> Result<bool> {
        if w.session.is_empty() || w.session.chars().count() > MAX_SESSION_CHARS || w.session.chars().any(char::is_control) {
            return Err(StoreError::Invalid("a desk session is a short label without control characters".into()));
        }
        let case_id = match w.state {
            Some(PresenceState::Online) | None => None,
            Some(_) => Some(w.case_id.ok_or_else(|| StoreError::Invalid("viewing or drafting needs a case".into()))?),
        };
        let mut tx = self.pool().begin().await?;
        let before = sqlx::query("SELECT state, case_id, expires_at FROM presence WHERE member_id = $1 AND session = $2")
            .bind(w.member_id)
            .bind(w.session.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| (r.get::<String, _>(0), r.get::<Option<i64>, _>(1), r.get::<i64, _>(2)))
            .filter(|(_, _, expires)| *expires > w.now);
        let swept: Vec<Option<i64>> = sqlx::query_scalar("DELETE FROM presence WHERE expires_at <= $1 RETURNING case_id")
            .bind(w.now)
            .fetch_all(&mut *tx)
            .await?;
        match w.state {
            Some(state) => {
                sqlx::query(
                    "INSERT INTO presence (member_id, session, state, case_id, seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (member_id, session) DO UPDATE SET state = excluded.state, case_id = excluded.case_id, \
                     seen_at = excluded.seen_at, expires_at = excluded.expires_at",
                )
                .bind(w.member_id)
                .bind(w.session.to_string())
                .bind(state.as_str())
                .bind(case_id)
                .bind(w.now)
                .bind(w.now + w.ttl_ms.max(1))
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM presence WHERE member_id = $1 AND session = $2")
                    .bind(w.member_id)
                    .bind(w.session.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let after = w.state.map(|s| (s.as_str().to_string(), case_id));
        let changed = before.as_ref().map(|(s, c, _)| (s.clone(), *c)) != after;
        // Rows swept as expired (a desk that crashed) also change what others see.
        let swept_any = !swept.is_empty();
        let mut cases: Vec<i64> = swept.into_iter().flatten().collect();
        cases.extend(before.and_then(|b| b.1));
        cases.extend(case_id);
        cases.sort_unstable();
        cases.dedup();
        let events = if changed || swept_any {
            vec![LiveEvent {
                case_id: case_id.or(cases.first().copied()).unwrap_or(0),
                version: 0,
                kind: PRESENCE.to_string(),
                actor: w.actor.to_string(),
                at: w.now,
                cases,
            }]
        } else {
            Vec::new()
        };
        announce_batch_in_tx(&mut tx, self.backend(), &events).await?;
        tx.commit().await?;
        self.announce_committed(events);
        Ok(changed)
    }

    /// Every live (unexpired at `now`) desk session's presence with its
    /// member, oldest heartbeat first.
    pub async fn live_presence(&self, now: i64) -> Result<Vec<Presence>> {
        let rows = sqlx::query(
            "SELECT p.member_id, m.handle, m.name, p.state, p.case_id, p.seen_at FROM presence p \
             JOIN members m ON m.id = p.member_id WHERE p.expires_at > $1 ORDER BY p.seen_at, p.member_id",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(Presence {
                    member_id: r.get(0),
                    handle: r.get(1),
                    name: r.get(2),
                    state: PresenceState::parse(&r.get::<String, _>(3))?,
                    case_id: r.get(4),
                    seen_at: r.get(5),
                })
            })
            .collect())
    }
}
