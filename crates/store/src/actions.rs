//! Changes a person makes to a case. Each one is a single transaction: a
//! conditional update of the case row (it must still be at the version the
//! change was based on, and its version then grows by one) and the case event
//! that records who did what, when. No change without its event.

use sqlx::{Any, Row, Transaction};
use switchboard_core::case::{CaseStatus, EventKind};
use switchboard_core::time::now_ms;

use crate::audit::{record_case_event, CaseEventWrite};
use crate::{Result, Store, StoreError};

/// The longest internal note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// The longest hand-off reason accepted, in characters.
pub const MAX_HANDOFF_REASON_CHARS: usize = 2_000;

/// One column change on a case row: the column and its new value.
enum Change {
    Assignee(Option<i64>),
    Department(Option<i64>),
    Status(CaseStatus),
    None,
}

impl Store {
    /// Assigns the case to a member (or nobody). `expected_version`, when
    /// given, makes the change conditional on nobody having changed the case since.
    pub async fn assign(&self, case_id: i64, member_id: Option<i64>, actor: &str, expected_version: Option<i64>) -> Result<()> {
        let summary = match member_id {
            Some(id) => format!("assigned to {}", self.member(id).await.map_err(invalid)?.name),
            None => "unassigned".to_string(),
        };
        self.change(case_id, Change::Assignee(member_id), EventKind::Assigned, summary, None, actor, expected_version).await
    }

    pub async fn move_to(&self, case_id: i64, department_id: Option<i64>, actor: &str, expected_version: Option<i64>) -> Result<()> {
        let summary = match department_id {
            Some(id) => {
                let name = self
                    .departments()
                    .await?
                    .into_iter()
                    .find(|d| d.id == id)
                    .map(|d| d.name)
                    .ok_or_else(|| StoreError::Invalid(format!("no department #{id}")))?;
                format!("moved to {name}")
            }
            None => "moved out of every department".to_string(),
        };
        self.change(case_id, Change::Department(department_id), EventKind::Moved, summary, None, actor, expected_version).await
    }

    /// Hands the case from the department it is in to another, saying why:
    /// the timeline shows "handed off from Contact centre to Legal" with the
    /// reason as its body. The reason is required and is text, never markup.
    pub async fn hand_off(&self, case_id: i64, department_id: i64, reason: &str, actor: &str, expected_version: Option<i64>) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("say why you hand the case over: the reason is required".into()));
        }
        if reason.chars().count() > MAX_HANDOFF_REASON_CHARS {
            return Err(StoreError::Invalid(format!("a hand-off reason is limited to {MAX_HANDOFF_REASON_CHARS} characters")));
        }
        let departments = self.departments().await?;
        let name_of = |id: i64| departments.iter().find(|d| d.id == id).map(|d| d.name.clone());
        let to = name_of(department_id).ok_or_else(|| StoreError::Invalid(format!("no department #{department_id}")))?;
        let current = self.case_summary(case_id).await?.department_id;
        if current == Some(department_id) {
            return Err(StoreError::Invalid(format!("case #{case_id} already is with {to}")));
        }
        let summary = match current.and_then(name_of) {
            Some(from) => format!("handed off from {from} to {to}"),
            None => format!("handed off to {to}"),
        };
        let change = Change::Department(Some(department_id));
        self.change(case_id, change, EventKind::HandedOff, summary, Some(reason.to_string()), actor, expected_version).await
    }

    pub async fn set_status(&self, case_id: i64, status: CaseStatus, actor: &str, expected_version: Option<i64>) -> Result<()> {
        let summary = format!("status set to {}", status.as_str());
        self.change(case_id, Change::Status(status), EventKind::StatusChanged, summary, None, actor, expected_version).await
    }

    /// Adds an internal note (never sent to the customer).
    pub async fn add_note(&self, case_id: i64, body: &str, actor: &str) -> Result<()> {
        let body = note_body(body)?;
        self.change(case_id, Change::None, EventKind::Note, "added a note".into(), Some(body.to_string()), actor, None).await
    }

    /// [`add_note`](Self::add_note) inside `tx` (the note's mentions are
    /// written in the same transaction, see `mentions`).
    pub(crate) async fn add_note_in(&self, tx: &mut Transaction<'_, Any>, case_id: i64, body: &str, actor: &str) -> Result<()> {
        let body = note_body(body)?;
        self.change_in(tx, case_id, Change::None, EventKind::Note, "added a note".into(), Some(body.to_string()), actor, None).await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn change(
        &self,
        case_id: i64,
        change: Change,
        kind: EventKind,
        summary: String,
        body: Option<String>,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        if self.change_in(&mut tx, case_id, change, kind, summary, body, actor, expected_version).await? {
            tx.commit().await?;
        }
        Ok(())
    }

    /// [`change`](Self::change) inside `tx`: whether anything was recorded.
    #[allow(clippy::too_many_arguments)]
    async fn change_in(
        &self,
        tx: &mut Transaction<'_, Any>,
        case_id: i64,
        change: Change,
        kind: EventKind,
        summary: String,
        body: Option<String>,
        actor: &str,
        expected_version: Option<i64>,
    ) -> Result<bool> {
        let now = now_ms();
        let row = sqlx::query("SELECT version, status, department_id, assignee_id FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no case #{case_id}")))?;
        let version: i64 = row.get(0);
        if let Some(expected) = expected_version {
            if expected != version {
                return Err(StoreError::Conflict(format!(
                    "case #{case_id} changed since you opened it (version {expected}, now {version}); reload to see what changed"
                )));
            }
        }
        let unchanged = match &change {
            Change::Assignee(m) => row.get::<Option<i64>, _>(3) == *m,
            Change::Department(d) => row.get::<Option<i64>, _>(2) == *d,
            Change::Status(s) => row.get::<String, _>(1) == s.as_str(),
            Change::None => false,
        };
        if unchanged {
            return Ok(false); // Nothing to record: the case already is as asked.
        }
        // The changed column is bound last, so every statement shares $1..$3.
        let sql = |set: &str| format!("UPDATE cases SET {set}version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3");
        let (text, value) = match &change {
            Change::Assignee(m) => (sql("assignee_id = $4, "), Some(*m)),
            Change::Department(d) => (sql("department_id = $4, "), Some(*d)),
            Change::Status(_) => (sql("status = $4, "), None),
            // A note changes no column, but it is a change: the version still grows.
            Change::None => (sql(""), None),
        };
        let mut query = sqlx::query(&text).bind(now).bind(case_id).bind(version);
        query = match (&change, value) {
            (Change::Status(s), _) => query.bind(s.as_str()),
            (_, Some(v)) => query.bind(v),
            _ => query,
        };
        let done = query.execute(&mut **tx).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("case #{case_id} was changed by someone else at the same moment; try again")));
        }
        let event = CaseEventWrite { case_id, at: now, actor, kind: kind.as_str(), summary: &summary, body: body.as_deref() };
        record_case_event(tx, self.backend(), event).await?;
        Ok(true)
    }
}

/// A note's text, trimmed, or why it is refused.
fn note_body(body: &str) -> Result<&str> {
    let body = body.trim();
    if body.is_empty() {
        return Err(StoreError::Invalid("a note cannot be empty".into()));
    }
    if body.chars().count() > MAX_NOTE_CHARS {
        return Err(StoreError::Invalid(format!("a note is limited to {MAX_NOTE_CHARS} characters")));
    }
    Ok(body)
}

fn invalid(e: StoreError) -> StoreError {
    match e {
        StoreError::NotFound(m) => StoreError::Invalid(m),
        other => other,
    }
}
