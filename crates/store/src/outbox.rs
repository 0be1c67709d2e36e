//! The outbox: replies stored before they are sent. A reply is queued (with
//! its case event) in one transaction; a sender claims it (`sending`, one
//! attempt more), hands it to the network with its idempotency key, and
//! records the answer: `sent` with the network's id, the reply stored as the
//! organisation's post on the case; or `failed` with the reason. An item a
//! crash left in `sending` is sent again with the same key, so a network that
//! honours idempotency keys never shows it twice.

use rand::Rng;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use switchboard_core::case::EventKind;
use switchboard_core::outbox::{OutboxItem, OutboxState};
use switchboard_core::time::now_ms;

use crate::audit::{record_case_event, CaseEventWrite};
use crate::{Backend, Result, Store, StoreError};

/// The longest reply accepted, in characters (networks have lower limits of
/// their own, which their connectors check).
pub const MAX_REPLY_CHARS: usize = 10_000;

pub(crate) const COLUMNS: &str = "id, case_id, account_id, in_reply_to, conversation, direct, body, idempotency_key, state, attempts,
    external_id, url, last_error, created_by, created_at, sent_at";

pub(crate) fn item_from_row(r: &AnyRow) -> OutboxItem {
    let state: String = r.get(8);
    OutboxItem {
        id: r.get(0),
        case_id: r.get(1),
        account_id: r.get(2),
        in_reply_to: r.get(3),
        conversation: r.get(4),
        direct: r.get::<i64, _>(5) != 0,
        body: r.get(6),
        idempotency_key: r.get(7),
        state: OutboxState::parse(&state).unwrap_or(OutboxState::Failed),
        attempts: r.get(9),
        external_id: r.get(10),
        url: r.get(11),
        last_error: r.get(12),
        created_by: r.get(13),
        created_at: r.get(14),
        sent_at: r.get(15),
        approval: None,
    }
}

/// What a reply answers: the post, its conversation, and through which account.
pub struct ReplyTarget<'a> {
    pub case_id: i64,
    pub account_id: i64,
    pub in_reply_to: &'a str,
    pub conversation: Option<&'a str>,
    pub direct: bool,
}

/// How long a claim to send a reply holds: longer than a connector's whole
/// retrying send (4 attempts of at most 30 s with backoff), so only a desk
/// that died mid-send leaves one this old.
pub const STALE_CLAIM_MS: i64 = 10 * 60 * 1000;

/// Who claims, as stored in `claimed_by`: `host/pid-start` (this process).
fn claimer() -> String {
    format!("{}/{}", host(), crate::live::ORIGIN.as_str())
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default()
}

/// Whether the process behind a `claimed_by` is known to be gone: it ran on
/// this machine, is not this process, and its pid runs no more. Elsewhere
/// (or unknowable) it is taken as alive, and the claim waits to go stale.
fn claimer_gone(by: &str) -> bool {
    let Some((claim_host, origin)) = by.rsplit_once('/') else { return false };
    if claim_host.is_empty() || claim_host != host() || origin == crate::live::ORIGIN.as_str() {
        return false;
    }
    let Some(pid) = origin.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { return false };
    cfg!(target_os = "linux") && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

impl Store {
    /// Stores a reply to send, with its case event, as one change to the case.
    pub async fn queue_reply(&self, target: &ReplyTarget<'_>, body: &str, actor: &str) -> Result<OutboxItem> {
        self.queue_reply_on_version(target, body, actor, None).await
    }

    /// [`queue_reply`](Self::queue_reply) only if the case is still at
    /// `expected_version` when the reply is written (the same transaction):
    /// a change that lands after the draft was checked is a `Conflict`.
    pub async fn queue_reply_on_version(
        &self,
        target: &ReplyTarget<'_>,
        body: &str,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<OutboxItem> {
        self.queue_reply_needing(target, body, actor, expected_version, None).await
    }

    /// [`queue_reply_on_version`](Self::queue_reply_on_version) for a reply
    /// that may need `approval`: it is then stored `awaiting_approval` (no
    /// sender takes it) with its approval request, in the same transaction.
    pub async fn queue_reply_needing(
        &self,
        target: &ReplyTarget<'_>,
        body: &str,
        actor: &str,
        expected_version: Option<i64>,
        approval: Option<&crate::approvals::ApprovalRequest>,
    ) -> Result<OutboxItem> {
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::Invalid("a reply cannot be empty".into()));
        }
        if body.chars().count() > MAX_REPLY_CHARS {
            return Err(StoreError::Invalid(format!("a reply is limited to {MAX_REPLY_CHARS} characters")));
        }
        let now = now_ms();
        let key = format!("sb-{}-{:016x}", target.case_id, rand::rng().random::<u64>());
        let mut tx = self.pool().begin().await?;
        if let Some(v) = expected_version {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM cases WHERE id = $1").bind(target.case_id).fetch_optional(&mut *tx).await?;
            if current != Some(v) {
                return Err(StoreError::Conflict(format!(
                    "case #{} changed while your reply was being queued: read it again, then send",
                    target.case_id
                )));
            }
        }
        sqlx::query(
            "INSERT INTO outbox (case_id, account_id, in_reply_to, conversation, direct, body, idempotency_key, state, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $10, $8, $9)",
        )
        .bind(target.case_id)
        .bind(target.account_id)
        .bind(target.in_reply_to)
        .bind(target.conversation)
        .bind(i64::from(target.direct))
        .bind(body)
        .bind(&key)
        .bind(actor)
        .bind(now)
        .bind(if approval.is_some() { OutboxState::AwaitingApproval } else { OutboxState::Queued }.as_str())
        .execute(&mut *tx)
        .await?;
        let what = if target.direct { "wrote a direct message" } else { "wrote a reply" };
        record(&mut tx, self.backend(), target.case_id, EventKind::ReplyQueued, what, Some(body), actor, now, expected_version).await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE idempotency_key = $1"))
            .bind(&key)
            .fetch_one(&mut *tx)
            .await?;
        let mut item = item_from_row(&row);
        if let Some(request) = approval {
            item.approval = Some(crate::approvals::request_in_tx(&mut tx, self, &item, request, now).await?);
        }
        tx.commit().await?;
        Ok(item)
    }

    pub async fn outbox_item(&self, id: i64) -> Result<OutboxItem> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no reply #{id} in the outbox")))?;
        Ok(item_from_row(&row))
    }

    /// Replies still to send, oldest first: queued ones, failed ones (to try
    /// again), and ones a crash left in `sending`.
    pub async fn pending_replies(&self) -> Result<Vec<OutboxItem>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE state IN ('queued', 'sending', 'failed') ORDER BY id"))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(item_from_row).collect())
    }

    pub async fn case_replies(&self, case_id: i64) -> Result<Vec<OutboxItem>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE case_id = $1 ORDER BY id"))
            .bind(case_id)
            .fetch_all(self.pool())
            .await?;
        self.with_approvals(rows.iter().map(item_from_row).collect()).await
    }

    /// Claims an item for sending: one attempt more, committed before the
    /// network is called. `false` if it is sent already, waits for (or was
    /// refused) approval, or another desk or worker is sending it now. A
    /// claim holds for [`STALE_CLAIM_MS`], unless the process that made it
    /// is known to be gone (on this machine, its pid no longer runs: a
    /// killed command), whose send is then finished at once.
    pub async fn claim_reply(&self, id: i64) -> Result<bool> {
        let now = now_ms();
        let me = claimer();
        let done = sqlx::query(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_at = $2, claimed_by = $4 WHERE id = $1 \
             AND (state IN ('queued', 'failed') OR (state = 'sending' AND (claimed_at IS NULL OR claimed_at < $3)))",
        )
        .bind(id)
        .bind(now)
        .bind(now - STALE_CLAIM_MS)
        .bind(me.clone())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(true);
        }
        let held: Option<(String, Option<String>)> = sqlx::query_as("SELECT state, claimed_by FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some((state, Some(by))) = held else { return Ok(false) };
        if state != "sending" || !claimer_gone(&by) {
            return Ok(false);
        }
        // Taken over from the dead claimer only: of two desks noticing at once, one wins.
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, claimed_at = $2, claimed_by = $3 WHERE id = $1 AND state = 'sending' AND claimed_by = $4",
        )
        .bind(id)
        .bind(now)
        .bind(me)
        .bind(by)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the network's answer: the item is sent, and the reply joins
    /// the case's thread as the organisation's post (done by the caller
    /// through the ingestor, before this).
    pub async fn mark_reply_sent(&self, id: i64, external_id: &str, url: Option<&str>, actor: &str) -> Result<OutboxItem> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("UPDATE outbox SET state = 'sent', external_id = $1, url = $2, sent_at = $3, last_error = NULL WHERE id = $4 AND state <> 'sent'")
            .bind(external_id)
            .bind(url)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let item = self.outbox_item_in(&mut tx, id).await?;
        if done.rows_affected() == 1 {
            let summary = match url {
                Some(u) => format!("reply sent: {u}"),
                None => format!("reply sent (id {external_id})"),
            };
            record(&mut tx, self.backend(), item.case_id, EventKind::ReplySent, &summary, None, actor, now, None).await?;
        }
        tx.commit().await?;
        Ok(item)
    }

    /// Records a failed attempt in plain words; the item can be tried again.
    pub async fn mark_reply_failed(&self, id: i64, error: &str, actor: &str) -> Result<OutboxItem> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2 AND state <> 'sent'")
            .bind(error)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let item = self.outbox_item_in(&mut tx, id).await?;
        record(&mut tx, self.backend(), item.case_id, EventKind::ReplyFailed, &format!("sending failed: {error}"), None, actor, now, None).await?;
        tx.commit().await?;
        Ok(item)
    }

    async fn outbox_item_in(&self, tx: &mut Transaction<'_, Any>, id: i64) -> Result<OutboxItem> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no reply #{id} in the outbox")))?;
        Ok(item_from_row(&row))
    }
}

/// A case event, and the case's version grows: a reply is a change to it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    case_id: i64,
    kind: EventKind,
    summary: &str,
    body: Option<&str>,
    actor: &str,
    now: i64,
    expected_version: Option<i64>,
) -> Result<()> {
    // With an expected version the bump is conditional: on PostgreSQL a
    // change committed after this transaction's check still refuses it here.
    let done = match expected_version {
        None => sqlx::query("UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2").bind(now).bind(case_id),
        Some(v) => sqlx::query("UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
            .bind(now)
            .bind(case_id)
            .bind(v),
    }
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(match expected_version {
            Some(_) => StoreError::Conflict(format!("case #{case_id} changed while your reply was being queued: read it again, then send")),
            None => StoreError::NotFound(format!("no case #{case_id}")),
        });
    }
    record_case_event(tx, backend, CaseEventWrite { case_id, at: now, actor, kind: kind.as_str(), summary, body }).await
}
