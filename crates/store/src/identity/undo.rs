//! Undoing an identity change: the entry's before-state is put back in one
//! transaction and the entry is marked undone. An entry can be undone only
//! while no later change (not itself undone) touched the same author, nor (if
//! either is a merge) the same customers: undo those first, newest first.
//! An undone link that no suggestion led to leaves the pair rejected, so the
//! next matching pass does not make it again.

use serde_json::Value;
use sqlx::{Any, Row, Transaction};
use switchboard_core::time::now_ms;

use super::changes::set_suggestion;
use crate::audit::AuditEntry;
use super::{entry_from_row, event_on_open_cases, IdentityEntry};
use crate::{Result, Store, StoreError};

impl Store {
    /// Undoes `entry`, or the newest entry not yet undone; returns it as now marked.
    pub async fn undo_identity(&self, entry: Option<i64>, actor: &str) -> Result<IdentityEntry> {
        let mut tx = self.pool().begin().await?;
        let cols = "SELECT id, at, actor, action, summary, undone, author_id, customer_id, other_customer_id, before_state FROM identity_log";
        let row = match entry {
            Some(id) => sqlx::query(&format!("{cols} WHERE id = $1")).bind(id).fetch_optional(&mut *tx).await?,
            None => sqlx::query(&format!("{cols} WHERE undone = 0 ORDER BY id DESC LIMIT 1")).fetch_optional(&mut *tx).await?,
        }
        .ok_or_else(|| StoreError::NotFound(match entry {
            Some(id) => format!("no identity change #{id}"),
            None => "nothing to undo".to_string(),
        }))?;
        let mut e = entry_from_row(&row);
        if e.undone {
            return Err(StoreError::Invalid(format!("identity change #{} is already undone", e.id)));
        }
        let author: Option<i64> = row.get(6);
        let customer: Option<i64> = row.get(7);
        let other: Option<i64> = row.get(8);
        let later: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(id) FROM identity_log WHERE id > $1 AND undone = 0 AND (author_id = $2
                 OR ((action = 'merge' OR $5 = 'merge') AND (customer_id IN ($3, $4) OR other_customer_id IN ($3, $4))))",
        )
        .bind(e.id)
        .bind(author.unwrap_or(-1))
        .bind(customer.unwrap_or(-1))
        .bind(other.unwrap_or(-1))
        .bind(e.action.clone())
        .fetch_one(&mut *tx)
        .await?;
        if let Some(later) = later {
            return Err(StoreError::Conflict(format!("identity change #{later} came after #{} and touches the same people: undo it first", e.id)));
        }
        let before: Value = serde_json::from_str(&row.get::<String, _>(9))
            .map_err(|err| StoreError::Invalid(format!("identity change #{} cannot be undone: {err}", e.id)))?;
        let now = now_ms();
        let mut audit = Vec::new();
        match (e.action.as_str(), author) {
            ("link", Some(a)) | ("unlink", Some(a)) => {
                sqlx::query("UPDATE authors SET customer_id = $1 WHERE id = $2")
                    .bind(before["customer_id"].as_i64())
                    .bind(a)
                    .execute(&mut *tx)
                    .await?;
                restore_suggestion(&mut tx, &before["suggestion"], actor, now).await?;
                if e.action == "link" && before["suggestion"].is_null() {
                    // The pair was wrong: never link or suggest it again on its own.
                    if let Some(c) = customer {
                        block_pair(&mut tx, a, c, actor, now).await?;
                    }
                }
                event_on_open_cases(&mut tx, a, actor, &format!("undid: {}", e.summary), now, &mut audit).await?;
            }
            ("merge", _) => {
                let (Some(survivor), Some(other)) = (customer, other) else {
                    return Err(StoreError::Invalid(format!("identity change #{} names no customers", e.id)));
                };
                for (table, key) in [("authors", "authors"), ("customer_handles", "handles"), ("link_suggestions", "suggestions")] {
                    for id in ids(&before[key]) {
                        sqlx::query(&format!("UPDATE {table} SET customer_id = $1 WHERE id = $2")).bind(other).bind(id).execute(&mut *tx).await?;
                    }
                }
                let s = &before["survivor"];
                sqlx::query("UPDATE customers SET emails = $1, phone = $2, value_tier = $3, lifetime_value = $4 WHERE id = $5")
                    .bind(s["emails"].as_str().unwrap_or("[]").to_string())
                    .bind(s["phone"].as_str().map(str::to_string))
                    .bind(s["value_tier"].as_str().map(str::to_string))
                    .bind(s["lifetime_value"].as_f64())
                    .bind(survivor)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE customers SET merged_into = NULL WHERE id = $1").bind(other).execute(&mut *tx).await?;
                for a in ids(&before["authors"]) {
                    event_on_open_cases(&mut tx, a, actor, &format!("undid: {}", e.summary), now, &mut audit).await?;
                }
            }
            (action, _) => return Err(StoreError::Invalid(format!("identity change #{} ({action}) cannot be undone", e.id))),
        }
        sqlx::query("UPDATE identity_log SET undone = 1 WHERE id = $1").bind(e.id).execute(&mut *tx).await?;
        let payload = serde_json::json!({ "summary": e.summary });
        audit.push(AuditEntry::new(now, actor, "identity.undo", format!("identity:{}", e.id), payload));
        crate::audit::append(&mut tx, self.backend(), &audit).await?;
        tx.commit().await?;
        e.undone = true;
        Ok(e)
    }
}

async fn block_pair(tx: &mut Transaction<'_, Any>, author: i64, customer: i64, actor: &str, at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO link_suggestions (author_id, customer_id, evidence, score, status, created_at, decided_at, decided_by)
         VALUES ($1, $2, 'link undone', 0, 'rejected', $3, $3, $4) ON CONFLICT (author_id, customer_id) DO NOTHING",
    )
    .bind(author)
    .bind(customer)
    .bind(at)
    .bind(actor.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_i64).collect()).unwrap_or_default()
}

/// Puts a suggestion row back as it was: its old status, or gone if the change made it.
async fn restore_suggestion(tx: &mut Transaction<'_, Any>, s: &Value, actor: &str, at: i64) -> Result<()> {
    let Some(id) = s["id"].as_i64() else { return Ok(()) };
    match s["status"].as_str() {
        Some(status) => set_suggestion(tx, id, status, actor, at).await,
        None => {
            sqlx::query("DELETE FROM link_suggestions WHERE id = $1").bind(id).execute(&mut **tx).await?;
            Ok(())
        }
    }
}
