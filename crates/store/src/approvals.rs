//! Approvals of replies. A reply needing a department's approval is stored
//! `awaiting_approval` with a row here (see `outbox::queue_reply_needing`)
//! and an `approval_requested` case event. The decision is one conditional
//! update (`state = 'pending'`) taken as the transaction's first statement,
//! so of two approvers deciding at once exactly one wins and the other gets
//! a `Conflict` naming the decision. Approving puts the reply back in the
//! outbox (`queued`, perhaps with the approver's edited text; the original is
//! kept here); rejecting marks it `rejected`, never to be sent. Each step is
//! a case event through the one case-event writer.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use switchboard_core::approval::{ApprovalQueueItem, ApprovalState, ReplyApproval};
use switchboard_core::case::EventKind;
use switchboard_core::outbox::{OutboxItem, OutboxState};
use switchboard_core::time::now_ms;

use crate::outbox::{item_from_row, record, MAX_REPLY_CHARS};
use crate::{Result, Store, StoreError};

/// The longest rejection comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// Who must approve a reply, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRequest {
    /// The approving department's slug.
    pub approver: String,
    /// "template legal-holding", "rule tag approval:pr".
    pub reason: String,
}

/// A decision on a waiting reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approved; with `Some(text)` the approver's edit replaces the body.
    Approve { edited: Option<String>, comment: Option<String> },
    /// Rejected with a (required) comment for the author.
    Reject { comment: String },
}

const COLUMNS: &str = "a.outbox_id, a.case_id, a.approver, COALESCE(d.name, a.approver), a.reason, a.state, a.requested_by,
    a.requested_at, a.decided_by, a.decided_at, a.comment, a.original_body, a.edited";
const FROM: &str = "approvals a LEFT JOIN departments d ON d.slug = a.approver";

fn approval_from_row(r: &AnyRow) -> ReplyApproval {
    let state: String = r.get(5);
    ReplyApproval {
        reply_id: r.get(0),
        case_id: r.get(1),
        approver: r.get(2),
        approver_name: r.get(3),
        reason: r.get(4),
        state: ApprovalState::parse(&state).unwrap_or(ApprovalState::Pending),
        requested_by: r.get(6),
        requested_at: r.get(7),
        decided_by: r.get(8),
        decided_at: r.get(9),
        comment: r.get(10),
        original_body: r.get(11),
        edited: r.get::<i64, _>(12) != 0,
    }
}

/// Writes the approval request of a reply just stored (inside its transaction).
pub(crate) async fn request_in_tx(
    tx: &mut Transaction<'_, Any>,
    store: &Store,
    item: &OutboxItem,
    request: &ApprovalRequest,
    now: i64,
) -> Result<ReplyApproval> {
    let approver = request.approver.trim().to_lowercase();
    if approver.is_empty() {
        return Err(StoreError::Invalid("an approval needs an approving department".into()));
    }
    sqlx::query(
        "INSERT INTO approvals (outbox_id, case_id, approver, reason, state, requested_by, requested_at, original_body)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)",
    )
    .bind(item.id)
    .bind(item.case_id)
    .bind(&approver)
    .bind(&request.reason)
    .bind(&item.created_by)
    .bind(now)
    .bind(&item.body)
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.outbox_id = $1")).bind(item.id).fetch_one(&mut **tx).await?;
    let approval = approval_from_row(&row);
    let summary = format!("reply #{} awaits approval by {} ({})", item.id, approval.approver_name, approval.reason);
    record(tx, store.backend(), item.case_id, EventKind::ApprovalRequested, &summary, None, &item.created_by, now, None).await?;
    Ok(approval)
}

impl Store {
    /// The approval of reply `reply_id` (`NotFound` if it needed none).
    pub async fn approval(&self, reply_id: i64) -> Result<ReplyApproval> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.outbox_id = $1"))
            .bind(reply_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("reply #{reply_id} does not wait for any approval")))?;
        Ok(approval_from_row(&row))
    }

    /// Replies waiting for approval, oldest first: those for the departments
    /// named (slugs), or all with `None`.
    pub async fn approval_queue(&self, approvers: Option<&[String]>) -> Result<Vec<ApprovalQueueItem>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, o.body, o.direct, c.channel, COALESCE(au.handle, ''), COALESCE(p.text, '')
             FROM {FROM} JOIN outbox o ON o.id = a.outbox_id JOIN cases c ON c.id = a.case_id
             LEFT JOIN posts p ON p.id = (SELECT MIN(q.id) FROM posts q WHERE q.case_id = a.case_id AND q.direction = 'inbound')
             LEFT JOIN authors au ON au.id = p.author_id
             WHERE a.state = 'pending' ORDER BY a.requested_at, a.outbox_id"
        ))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| ApprovalQueueItem {
                approval: approval_from_row(r),
                body: r.get(13),
                direct: r.get::<i64, _>(14) != 0,
                channel: r.get(15),
                author: r.get(16),
                subject: r.get::<String, _>(17).chars().take(200).collect(),
            })
            .filter(|i| approvers.is_none_or(|slugs| slugs.contains(&i.approval.approver)))
            .collect())
    }

    /// The case's replies with their approvals filled in.
    pub(crate) async fn with_approvals(&self, mut items: Vec<OutboxItem>) -> Result<Vec<OutboxItem>> {
        let Some(case_id) = items.first().map(|i| i.case_id) else { return Ok(items) };
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.case_id = $1")).bind(case_id).fetch_all(self.pool()).await?;
        for approval in rows.iter().map(approval_from_row) {
            if let Some(item) = items.iter_mut().find(|i| i.id == approval.reply_id) {
                item.approval = Some(approval);
            }
        }
        Ok(items)
    }

    /// Decides on a waiting reply in `actor`'s name: one conditional update,
    /// so a reply decided meanwhile (by another approver) is a `Conflict`
    /// saying who decided what. Returns the reply as it now stands.
    pub async fn decide_reply(&self, reply_id: i64, decision: &Decision, actor: &str) -> Result<OutboxItem> {
        let (state, comment, edited) = match decision {
            Decision::Approve { edited, comment } => (ApprovalState::Approved, clean_comment(comment.as_deref(), false)?, clean_edit(edited.as_deref())?),
            Decision::Reject { comment } => (ApprovalState::Rejected, clean_comment(Some(comment), true)?, None),
        };
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        // First statement: on SQLite it takes the write lock before reading.
        let done = sqlx::query(
            "UPDATE approvals SET state = $1, decided_by = $2, decided_at = $3, comment = $4, edited = $5
             WHERE outbox_id = $6 AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(actor)
        .bind(now)
        .bind(comment.as_deref())
        .bind(i64::from(edited.is_some()))
        .bind(reply_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            let a = self.approval(reply_id).await?;
            return Err(StoreError::Conflict(format!(
                "reply #{reply_id} was already {} by {}",
                a.state.as_str(),
                a.decided_by.as_deref().unwrap_or("someone else")
            )));
        }
        let outbox_state = if state == ApprovalState::Approved { OutboxState::Queued } else { OutboxState::Rejected };
        let error = (state == ApprovalState::Rejected).then(|| format!("rejected by {actor}: {}", comment.as_deref().unwrap_or("")));
        let moved = sqlx::query(
            "UPDATE outbox SET state = $1, body = COALESCE($2, body), last_error = $3 WHERE id = $4 AND state = 'awaiting_approval'",
        )
        .bind(outbox_state.as_str())
        .bind(edited.as_deref())
        .bind(error.as_deref())
        .bind(reply_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("reply #{reply_id} no longer waits for approval")));
        }
        let a = approval_from_row(&sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.outbox_id = $1")).bind(reply_id).fetch_one(&mut *tx).await?);
        let (kind, summary, body) = match (state, &edited) {
            (ApprovalState::Approved, Some(text)) => {
                (EventKind::ReplyApproved, format!("approved reply #{reply_id} for {} with edits", a.approver_name), Some(text.clone()))
            }
            (ApprovalState::Approved, None) => (EventKind::ReplyApproved, format!("approved reply #{reply_id} for {}", a.approver_name), comment.clone()),
            _ => (EventKind::ReplyRejected, format!("rejected reply #{reply_id} for {}", a.approver_name), comment.clone()),
        };
        record(&mut tx, self.backend(), a.case_id, kind, &summary, body.as_deref(), actor, now, None).await?;
        let row = sqlx::query(&format!("SELECT {} FROM outbox WHERE id = $1", crate::outbox::COLUMNS)).bind(reply_id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        let mut item = item_from_row(&row);
        item.approval = Some(a);
        Ok(item)
    }
}

fn clean_comment(comment: Option<&str>, required: bool) -> Result<Option<String>> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    match comment {
        None if required => Err(StoreError::Invalid("a rejection needs a comment saying why, for the reply's author".into())),
        Some(c) if c.chars().count() > MAX_COMMENT_CHARS => {
            Err(StoreError::Invalid(format!("a comment is limited to {MAX_COMMENT_CHARS} characters")))
        }
        other => Ok(other.map(str::to_string)),
    }
}

fn clean_edit(edited: Option<&str>) -> Result<Option<String>> {
    match edited.map(str::trim) {
        None => Ok(None),
        Some("") => Err(StoreError::Invalid("an edited reply cannot be empty".into())),
        Some(t) if t.chars().count() > MAX_REPLY_CHARS => {
            Err(StoreError::Invalid(format!("a reply is limited to {MAX_REPLY_CHARS} characters")))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}
