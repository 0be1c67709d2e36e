//! The audit trail: an append-only, hash-chained log of every audited change.
//!
//! Every change to a case (its case event), every configuration save, every
//! alert acknowledgement or resolution, every account connected and every
//! identity link or merge appends an entry to `audit_log` in the same
//! transaction as the change, so the two commit together or not at all.
//!
//! An entry is (seq, at, actor, action, subject, payload, prev_hash, hash):
//! - `seq` counts from 1 without gaps, in chain order;
//! - `action` says what happened (`case.assigned`, `config.saved`,
//!   `alert.acknowledged`, `ingest.batch`...), `subject` what it happened to
//!   (`case:12`, `config:rules`, `alert:3`, `account:2`, `ingest:twcs.csv`);
//! - `payload` is the change's details as compact JSON text, stored as written;
//! - `prev_hash` is the previous entry's `hash` ([`GENESIS`] for the first);
//! - `hash` is the lowercase hex SHA-256 of [`entry_hash`]'s canonical
//!   encoding: the tag `switchboard-audit-v1`, seq and at as 8-byte big-endian
//!   integers, then actor, action, subject, payload and prev_hash each as an
//!   8-byte big-endian byte length followed by its UTF-8 bytes.
//!
//! Appending ([`append`]) locks the one-row `audit_head` (last seq and hash)
//! with an UPDATE inside the change's transaction: on a shared PostgreSQL
//! several desks' appends queue there, so the chain stays linear and seqs
//! gapless. A bulk import appends one `ingest.batch` entry per batch whose
//! payload carries a SHA-256 over the batch's case events, not one per event.
//!
//! The table refuses UPDATE and DELETE (a trigger on both backends);
//! [`Store::verify_audit`](crate::Store::verify_audit) walks the chain and
//! names the first entry that was altered, unlinked or deleted by someone who
//! got past the trigger.

mod case_event;
mod verify;

pub(crate) use case_event::{record_case_event, CaseEventWrite};
pub use verify::{AuditProblem, AuditReport, BrokenEntry};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::sql::Sql;
use crate::{Backend, Result};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Entries per INSERT statement when a batch appends many.
const ROWS_PER_STATEMENT: usize = 500;

/// One change to record.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload: serde_json::Value,
}

impl AuditEntry {
    pub fn new(at: i64, actor: &str, action: &str, subject: impl Into<String>, payload: serde_json::Value) -> Self {
        AuditEntry { at, actor: actor.to_string(), action: action.to_string(), subject: subject.into(), payload }
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The hash this entry's contents give.
    pub fn computed_hash(&self) -> String {
        entry_hash(self.seq, self.at, &self.actor, &self.action, &self.subject, &self.payload, &self.prev_hash)
    }
}

pub(crate) const RECORD_COLUMNS: &str = "seq, at, actor, action, subject, payload, prev_hash, hash";

pub(crate) fn record_from_row(r: &sqlx::any::AnyRow) -> AuditRecord {
    AuditRecord {
        seq: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        subject: r.get(4),
        payload: r.get(5),
        prev_hash: r.get(6),
        hash: r.get(7),
    }
}

/// The hex SHA-256 of the canonical encoding of an entry (see the module comment).
pub fn entry_hash(seq: i64, at: i64, actor: &str, action: &str, subject: &str, payload: &str, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"switchboard-audit-v1");
    h.update(seq.to_be_bytes());
    h.update(at.to_be_bytes());
    for field in [actor, action, subject, payload, prev_hash] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hex SHA-256 of some text (config files, a batch's events).
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The entry for a saved configuration version (rules, playbook, alert
/// thresholds): subject `config:KIND`, the text's SHA-256 in the payload.
pub(crate) fn config_entry(kind: &str, version: i64, text: &str, saved_by: &str, at: i64) -> AuditEntry {
    let payload = serde_json::json!({ "text_sha256": sha256_hex(text.as_bytes()), "version": version });
    AuditEntry::new(at, saved_by, "config.saved", format!("config:{kind}"), payload)
}

/// Appends `entries` to the chain inside `tx`, the change's own transaction.
/// Waits for (and then holds until commit) the lock on `audit_head`, so call
/// it last, just before committing.
pub(crate) async fn append(tx: &mut Transaction<'_, Any>, backend: Backend, entries: &[AuditEntry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let n = entries.len() as i64;
    // Reserving the seqs locks the head row; on PostgreSQL a concurrent
    // appender waits here and then sees the head the other one committed.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(n)
        .fetch_one(&mut **tx)
        .await?;
    let mut seq: i64 = head.get::<i64, _>(0) - n;
    let mut prev: String = head.get(1);
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let payload = e.payload.to_string();
        let hash = entry_hash(seq, e.at, &e.actor, &e.action, &e.subject, &payload, &prev);
        rows.push((seq, e, payload, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(backend, "INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash) VALUES ");
        for (i, (seq, e, payload, prev_hash, hash)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.row(|r| {
                r.bind(*seq)
                    .bind(e.at)
                    .bind(e.actor.clone())
                    .bind(e.action.clone())
                    .bind(e.subject.clone())
                    .bind(payload.clone())
                    .bind(prev_hash.clone())
                    .bind(hash.clone());
            });
        }
        sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(prev).execute(&mut **tx).await?;
    Ok(())
}
