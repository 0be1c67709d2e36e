//! Tags on cases: short labels a person or a listening query puts on a case
//! (`outage`, `press`...). Adding a tag is a change like any other: one
//! transaction that stores the tag, grows the case's version and writes a
//! `tagged` case event. Tagging a case twice with the same tag changes nothing.

use sqlx::Row;
use switchboard_core::case::EventKind;
use switchboard_core::time::now_ms;

use crate::audit::{record_case_event, CaseEventWrite};
use crate::listening::clean_tag;
use crate::{Result, Store, StoreError};

impl Store {
    /// Puts `tag` on the case; returns whether it is new there (false: the
    /// case already had it, and nothing was recorded). `actor` is named on the event.
    pub async fn tag_case(&self, case_id: i64, tag: &str, actor: &str) -> Result<bool> {
        let tag = clean_tag(tag)?;
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        let exists = sqlx::query("SELECT version FROM cases WHERE id = $1").bind(case_id).fetch_optional(&mut *tx).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("no case #{case_id}")));
        }
        let added = sqlx::query("INSERT INTO case_tags (case_id, tag) VALUES ($1, $2) ON CONFLICT (case_id, tag) DO NOTHING")
            .bind(case_id)
            .bind(&tag)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if added == 0 {
            // Roll back now rather than on drop: on SQLite the no-op INSERT
            // took the write lock, and a rollback left for later keeps it.
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        let summary = format!("tagged {tag}");
        let event = CaseEventWrite { case_id, at: now, actor, kind: EventKind::Tagged.as_str(), summary: &summary, body: None };
        record_case_event(&mut tx, self.backend(), event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The tags on a case, in alphabetical order.
    pub async fn case_tags(&self, case_id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT tag FROM case_tags WHERE case_id = $1 ORDER BY tag").bind(case_id).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// The cases carrying `tag`, oldest case first.
    pub async fn cases_tagged(&self, tag: &str) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT case_id FROM case_tags WHERE tag = $1 ORDER BY case_id")
            .bind(tag.trim())
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
