//! Mentions: an internal note that names members with `@handle` notifies
//! each of them once. The note, its case event and audit entry, and the
//! notifications are one transaction; a `mention` live event tells the desks
//! to look at their unread notifications (in the transaction on PostgreSQL,
//! after commit on SQLite). Who counts as mentioned is the engine's call.

use sqlx::Row;
use switchboard_core::live::{LiveEvent, MENTION};
use switchboard_core::presence::Notification;
use switchboard_core::time::now_ms;

use crate::live::announce_batch_in_tx;
use crate::{Result, Store, StoreError};

/// The most notifications one listing returns.
const MAX_LISTED: i64 = 200;

impl Store {
    /// Adds an internal note and one `mention` notification for each of
    /// `members` (member ids; repeats are written once), together.
    pub async fn add_note_mentioning(&self, case_id: i64, body: &str, actor: &str, members: &[i64]) -> Result<()> {
        let mut members = members.to_vec();
        members.sort_unstable();
        members.dedup();
        let mut tx = self.pool().begin().await?;
        self.add_note_in(&mut tx, case_id, body, actor).await?;
        let mut events = Vec::new();
        if !members.is_empty() {
            let (event_id, at): (i64, i64) = sqlx::query_as(
                "SELECT id, at FROM case_events WHERE case_id = $1 AND kind = 'note' ORDER BY id DESC LIMIT 1",
            )
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
            for member in &members {
                sqlx::query(
                    "INSERT INTO notifications (member_id, kind, case_id, event_id, actor, created_at) VALUES ($1, 'mention', $2, $3, $4, $5)",
                )
                .bind(*member)
                .bind(case_id)
                .bind(event_id)
                .bind(actor.to_string())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            events.push(LiveEvent { case_id, version: 0, kind: MENTION.to_string(), actor: actor.to_string(), at, cases: Vec::new() });
        }
        announce_batch_in_tx(&mut tx, self.backend(), &events).await?;
        tx.commit().await?;
        self.announce_committed(events);
        Ok(())
    }

    /// A member's notifications, newest first (at most a couple of hundred).
    pub async fn notifications(&self, member_id: i64, unread_only: bool) -> Result<Vec<Notification>> {
        let filter = if unread_only { " AND read_at IS NULL" } else { "" };
        let rows = sqlx::query(&format!(
            "SELECT id, kind, case_id, actor, created_at, read_at FROM notifications WHERE member_id = $1{filter} ORDER BY id DESC LIMIT $2"
        ))
        .bind(member_id)
        .bind(MAX_LISTED)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Notification {
                id: r.get(0),
                kind: r.get(1),
                case_id: r.get(2),
                actor: r.get(3),
                created_at: r.get(4),
                read_at: r.get(5),
            })
            .collect())
    }

    /// Marks one of a member's notifications read (again is a no-op); another
    /// member's or a missing one is `not_found`.
    pub async fn mark_notification_read(&self, member_id: i64, id: i64) -> Result<()> {
        let found: Option<Option<i64>> = sqlx::query_scalar("SELECT read_at FROM notifications WHERE id = $1 AND member_id = $2")
            .bind(id)
            .bind(member_id)
            .fetch_optional(self.pool())
            .await?;
        match found {
            None => Err(StoreError::NotFound(format!("no notification #{id}"))),
            Some(Some(_)) => Ok(()),
            Some(None) => {
                sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND member_id = $3 AND read_at IS NULL")
                    .bind(now_ms())
                    .bind(id)
                    .bind(member_id)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }
        }
    }
}
