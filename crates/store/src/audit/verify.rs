//! Checking the chain and reading it back. [`Store::verify_audit`] walks the
//! log in seq order a page at a time (never all of it in memory), recomputes
//! every hash, checks every link and every seq, and compares the end with
//! `audit_head`; it names the first entry that does not hold.

use serde::Serialize;
use sqlx::Row;

use super::{record_from_row, AuditRecord, GENESIS, RECORD_COLUMNS};
use crate::{Result, Store, StoreError};

/// Entries read per query while verifying.
const PAGE: i64 = 5_000;
/// The most entries `audit_log` returns at once.
pub const MAX_LOG: i64 = 10_000;

/// What is wrong with the first broken entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's contents no longer give its hash: the row was altered.
    HashMismatch { stored: String, computed: String },
    /// The entry does not point at the previous entry's hash: an earlier row
    /// was rewritten (hash included) or the entries were spliced.
    PrevMismatch { stored: String, expected: String },
    /// Entries `from..=to` are missing before this one: rows were deleted.
    Missing { from: i64, to: i64 },
    /// The log ends before the head says it does (the last rows were
    /// deleted) or the head was altered.
    HeadMismatch { head_seq: i64, head_hash: String, last_seq: i64 },
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditProblem::HashMismatch { stored, computed } => {
                write!(f, "row altered: its contents hash to {computed}, the row says {stored}")
            }
            AuditProblem::PrevMismatch { stored, expected } => {
                write!(f, "chain broken: it points at {stored}, but the previous entry's hash is {expected} (an earlier row was rewritten)")
            }
            AuditProblem::Missing { from, to } if from == to => write!(f, "entry #{from} before it is missing (row deleted)"),
            AuditProblem::Missing { from, to } => write!(f, "entries #{from} to #{to} before it are missing (rows deleted)"),
            AuditProblem::HeadMismatch { head_seq, head_hash, last_seq } => write!(
                f,
                "the log ends at #{last_seq} but its head records #{head_seq} ({head_hash}): the last rows were deleted or the head altered"
            ),
        }
    }
}

/// The first entry that does not hold, and why. `entry` is absent only when
/// the log is empty but its head is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenEntry {
    pub seq: i64,
    pub entry: Option<AuditRecord>,
    pub problem: AuditProblem,
}

/// The outcome of a walk over the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries read (up to the first broken one, when there is one).
    pub entries: i64,
    /// The hash of the last entry ([`GENESIS`] for an empty log).
    pub head: String,
    pub broken: Option<BrokenEntry>,
}

impl AuditReport {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

impl Store {
    /// Walks the whole chain and names the first broken entry, if any.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        let mut expected_seq = 1i64;
        let mut prev = GENESIS.to_string();
        let mut last: Option<AuditRecord> = None;
        loop {
            let rows = sqlx::query(&format!("SELECT {RECORD_COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2"))
                .bind(expected_seq)
                .bind(PAGE)
                .fetch_all(self.pool())
                .await?;
            let done = (rows.len() as i64) < PAGE;
            for row in &rows {
                let e = record_from_row(row);
                let problem = if e.seq != expected_seq {
                    Some(AuditProblem::Missing { from: expected_seq, to: e.seq - 1 })
                } else if e.computed_hash() != e.hash {
                    Some(AuditProblem::HashMismatch { stored: e.hash.clone(), computed: e.computed_hash() })
                } else if e.prev_hash != prev {
                    Some(AuditProblem::PrevMismatch { stored: e.prev_hash.clone(), expected: prev.clone() })
                } else {
                    None
                };
                if let Some(problem) = problem {
                    let report = AuditReport { entries: expected_seq - 1, head: prev, broken: Some(BrokenEntry { seq: e.seq, entry: Some(e), problem }) };
                    return Ok(report);
                }
                prev = e.hash.clone();
                expected_seq += 1;
                last = Some(e);
            }
            if done {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(self.pool()).await?;
        let (head_seq, head_hash): (i64, String) = (head.get(0), head.get(1));
        let last_seq = expected_seq - 1;
        let broken = (head_seq != last_seq || head_hash != prev).then(|| BrokenEntry {
            seq: last_seq.max(1),
            entry: last,
            problem: AuditProblem::HeadMismatch { head_seq, head_hash, last_seq },
        });
        Ok(AuditReport { entries: last_seq, head: prev, broken })
    }

    /// The latest entries, newest first, optionally only those about one
    /// subject (`case:12`); at most [`MAX_LOG`].
    pub async fn audit_log(&self, subject: Option<&str>, limit: i64) -> Result<Vec<AuditRecord>> {
        if !(1..=MAX_LOG).contains(&limit) {
            return Err(StoreError::Invalid(format!("the limit must be between 1 and {MAX_LOG}")));
        }
        let rows = match subject.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                sqlx::query(&format!("SELECT {RECORD_COLUMNS} FROM audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT $2"))
                    .bind(s.to_string())
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                sqlx::query(&format!("SELECT {RECORD_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1"))
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        Ok(rows.iter().map(record_from_row).collect())
    }
}
