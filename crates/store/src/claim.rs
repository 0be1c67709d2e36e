//! Claiming a case and what changed on it since a version: the two halves of
//! the collision guard. A claim is one conditional update (`assignee_id IS
//! NULL`), so two desks claiming at once get one winner; the loser learns
//! who won. `changes_since` lists the events after a version, so a reply
//! drafted on an older version can say what changed meanwhile.

use sqlx::Row;
use switchboard_core::case::{CaseEvent, EventKind};
use switchboard_core::time::now_ms;

use crate::audit::{record_case_event, CaseEventWrite};
use crate::{Result, Store, StoreError};

/// How many times a claim looks again when the case was released between
/// losing the update and reading who holds it, or SQLite reported a busy lock.
const CLAIM_ATTEMPTS: u32 = 5;

/// What a claim did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The case was unassigned and is now the claimer's.
    Claimed,
    /// The claimer already held it: nothing changed.
    AlreadyYours,
    /// Someone else holds it: their handle.
    TakenBy(String),
}

impl Store {
    /// Claims case `case_id` for member `member_id` if nobody holds it: one
    /// conditional update growing the version, with its `assigned` event, in
    /// one transaction.
    pub async fn claim(&self, case_id: i64, member_id: i64, actor: &str) -> Result<ClaimOutcome> {
        let me = self.member(member_id).await?;
        let summary = format!("claimed: assigned to {}", me.name);
        let mut last_busy = None;
        for attempt in 0..CLAIM_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt))).await;
            }
            match self.try_claim(case_id, member_id, actor, &summary).await {
                Ok(Some(outcome)) => return Ok(outcome),
                Ok(None) => {} // Released meanwhile: claim again.
                Err(e) if is_busy(&e) => last_busy = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict(match last_busy {
            Some(_) => format!("case #{case_id} is being changed by another desk right now; try again"),
            None => format!("case #{case_id} keeps changing hands; try again"),
        }))
    }

    /// One attempt; `None` when the case turned out unassigned after all.
    async fn try_claim(&self, case_id: i64, member_id: i64, actor: &str, summary: &str) -> Result<Option<ClaimOutcome>> {
        let now = now_ms();
        // The update is the transaction's first statement: on SQLite it takes
        // the write lock before reading anything (no stale snapshot to upgrade).
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE cases SET assignee_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND assignee_id IS NULL",
        )
        .bind(member_id)
        .bind(now)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            let event = CaseEventWrite { case_id, at: now, actor, kind: EventKind::Assigned.as_str(), summary, body: None };
            record_case_event(&mut tx, self.backend(), event).await?;
            tx.commit().await?;
            return Ok(Some(ClaimOutcome::Claimed));
        }
        tx.rollback().await?;
        let row = sqlx::query("SELECT c.assignee_id, m.handle FROM cases c LEFT JOIN members m ON m.id = c.assignee_id WHERE c.id = $1")
            .bind(case_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no case #{case_id}")))?;
        let holder: Option<i64> = row.get(0);
        Ok(match holder {
            None => None,
            Some(id) if id == member_id => Some(ClaimOutcome::AlreadyYours),
            Some(id) => Some(ClaimOutcome::TakenBy(row.get::<Option<String>, _>(1).unwrap_or_else(|| format!("member #{id}")))),
        })
    }

    /// The case's current version and the events recorded after `version`
    /// (oldest first). Every change grows the version by one and records one
    /// event, so they are the case's last `current - version` events.
    pub async fn changes_since(&self, case_id: i64, version: i64) -> Result<(i64, Vec<CaseEvent>)> {
        let current: i64 = sqlx::query("SELECT version FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no case #{case_id}")))?
            .get(0);
        if version >= current {
            return Ok((current, Vec::new()));
        }
        let n = usize::try_from(current - version).unwrap_or(usize::MAX);
        let events = self.case_events(case_id).await?;
        let skip = events.len().saturating_sub(n);
        Ok((current, events.into_iter().skip(skip).collect()))
    }
}

/// SQLite's "database is locked"/"busy" (a writer held the lock past the timeout).
fn is_busy(e: &StoreError) -> bool {
    match e {
        StoreError::Db(m) => {
            let m = m.to_string().to_lowercase();
            m.contains("database is locked") || m.contains("busy")
        }
        _ => false,
    }
}
