//! Writing a case event together with its audit entry: the one way a change
//! to a case is recorded (actions, replies, tags, identity links). The bulk
//! import writes its events in batches and appends one entry per batch instead
//! (see `ingest::insert_events`). Each change is also announced to every
//! desk (see `live`).

use serde_json::json;
use sqlx::{Any, Transaction};
use switchboard_core::live::LiveEvent;

use super::{append, AuditEntry};
use crate::{Backend, Result};

/// A case event to write.
pub(crate) struct CaseEventWrite<'a> {
    pub case_id: i64,
    pub at: i64,
    pub actor: &'a str,
    pub kind: &'a str,
    pub summary: &'a str,
    pub body: Option<&'a str>,
}

impl CaseEventWrite<'_> {
    /// Its audit entry: action `case.KIND`, subject `case:ID`.
    pub fn audit_entry(&self) -> AuditEntry {
        let payload = json!({ "body": self.body, "kind": self.kind, "summary": self.summary });
        AuditEntry::new(self.at, self.actor, &format!("case.{}", self.kind), format!("case:{}", self.case_id), payload)
    }
}

/// Inserts the case event and appends its audit entry, inside `tx`.
pub(crate) async fn record_case_event(tx: &mut Transaction<'_, Any>, backend: Backend, ev: CaseEventWrite<'_>) -> Result<()> {
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO case_events (case_id, at, actor, kind, summary, body, origin) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
        .bind(ev.case_id)
        .bind(ev.at)
        .bind(ev.actor.to_string())
        .bind(ev.kind.to_string())
        .bind(ev.summary.to_string())
        .bind(ev.body.map(str::to_string))
        .bind(crate::live::ORIGIN.as_str())
        .fetch_one(&mut **tx)
        .await?;
    append(tx, backend, &[ev.audit_entry()]).await?;
    // Every desk hears of it once it commits.
    let version: Option<i64> =
        sqlx::query_scalar("SELECT version FROM cases WHERE id = $1").bind(ev.case_id).fetch_optional(&mut **tx).await?;
    let live = LiveEvent {
        case_id: ev.case_id,
        version: version.unwrap_or(0),
        kind: ev.kind.to_string(),
        actor: ev.actor.to_string(),
        at: ev.at,
        cases: Vec::new(),
    };
    crate::live::announce_in_tx(tx, backend, event_id, live).await
}
