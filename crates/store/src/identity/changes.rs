//! Changes to who is who, made by hand or on a suggestion: link an author to a
//! customer, unlink it, merge two customers. Each is one transaction that
//! writes an `identity_log` entry with the state before (what undo restores)
//! and a case event on the author's open cases.

use serde_json::json;
use sqlx::{Any, Row, Transaction};
use switchboard_core::time::now_ms;

use super::{event_on_open_cases, live_customer_name, log_entry};
use crate::audit::{self, AuditEntry};
use crate::{Result, Store, StoreError};

impl Store {
    /// Links the author to the customer (replacing any other link); returns
    /// the log entry, or `None` when the author already was linked to it.
    pub async fn link_author_to(&self, author_id: i64, customer_id: i64, actor: &str) -> Result<Option<i64>> {
        let mut tx = self.pool().begin().await?;
        let mut audit = Vec::new();
        let entry = link_in(&mut tx, author_id, customer_id, actor, "linked", &mut audit).await?;
        audit::append(&mut tx, self.backend(), &audit).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Removes the author's link; the pair is then never linked automatically
    /// or suggested again (until the unlink is undone). Returns the log entry.
    pub async fn unlink_author(&self, author_id: i64, actor: &str) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let previous = author_customer(&mut tx, author_id).await?.ok_or_else(|| StoreError::Invalid(format!("author #{author_id} is not linked to a customer")))?;
        let name: String = sqlx::query_scalar("SELECT name FROM customers WHERE id = $1").bind(previous).fetch_one(&mut *tx).await?;
        let now = now_ms();
        sqlx::query("UPDATE authors SET customer_id = NULL WHERE id = $1").bind(author_id).execute(&mut *tx).await?;
        // Remember the refusal on the pair's suggestion row (made if missing).
        let existing = sqlx::query("SELECT id, status FROM link_suggestions WHERE author_id = $1 AND customer_id = $2")
            .bind(author_id)
            .bind(previous)
            .fetch_optional(&mut *tx)
            .await?;
        let suggestion = match existing {
            Some(r) => {
                let id: i64 = r.get(0);
                set_suggestion(&mut tx, id, "rejected", actor, now).await?;
                json!({"id": id, "status": r.get::<String, _>(1)})
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO link_suggestions (author_id, customer_id, evidence, score, status, created_at, decided_at, decided_by)
                     VALUES ($1, $2, 'unlinked by hand', 0, 'rejected', $3, $3, $4) RETURNING id",
                )
                .bind(author_id)
                .bind(previous)
                .bind(now)
                .bind(actor.to_string())
                .fetch_one(&mut *tx)
                .await?;
                json!({"id": id, "status": null})
            }
        };
        let summary = format!("unlinked from customer {name}");
        let before = json!({"customer_id": previous, "suggestion": suggestion});
        let mut audit = Vec::new();
        let entry = log_entry(&mut tx, now, actor, "unlink", &summary, Some(author_id), (Some(previous), None), &before, &mut audit).await?;
        event_on_open_cases(&mut tx, author_id, actor, &summary, now, &mut audit).await?;
        audit::append(&mut tx, self.backend(), &audit).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Accepts a pending suggestion: links its author to its customer.
    pub async fn accept_suggestion(&self, suggestion_id: i64, actor: &str) -> Result<Option<i64>> {
        let mut tx = self.pool().begin().await?;
        let (author_id, customer_id) = pending_suggestion(&mut tx, suggestion_id).await?;
        let mut audit = Vec::new();
        let entry = link_in(&mut tx, author_id, customer_id, actor, "linked (suggestion accepted)", &mut audit).await?;
        audit::append(&mut tx, self.backend(), &audit).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Rejects a pending suggestion: the pair is not suggested again.
    pub async fn reject_suggestion(&self, suggestion_id: i64, actor: &str) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        pending_suggestion(&mut tx, suggestion_id).await?;
        set_suggestion(&mut tx, suggestion_id, "rejected", actor, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges `other` into `survivor`: its authors, handles and suggestions
    /// move over, its emails join the survivor's, and the survivor's empty
    /// phone, tier and lifetime value are filled from it. `other` is kept,
    /// marked merged (hidden from lists), so the merge can be undone.
    pub async fn merge_customers(&self, survivor: i64, other: i64, actor: &str) -> Result<i64> {
        if survivor == other {
            return Err(StoreError::Invalid("a customer cannot be merged into itself".into()));
        }
        let mut tx = self.pool().begin().await?;
        let survivor_name = live_customer_name(&mut tx, survivor).await?;
        let other_name = live_customer_name(&mut tx, other).await?;
        let now = now_ms();
        let authors: Vec<i64> = sqlx::query_scalar("SELECT id FROM authors WHERE customer_id = $1 ORDER BY id").bind(other).fetch_all(&mut *tx).await?;
        let handles: Vec<i64> = sqlx::query_scalar("SELECT id FROM customer_handles WHERE customer_id = $1 ORDER BY id").bind(other).fetch_all(&mut *tx).await?;
        let suggestions: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM link_suggestions s WHERE s.customer_id = $1
               AND NOT EXISTS (SELECT 1 FROM link_suggestions t WHERE t.author_id = s.author_id AND t.customer_id = $2) ORDER BY s.id",
        )
        .bind(other)
        .bind(survivor)
        .fetch_all(&mut *tx)
        .await?;
        let fields = |id: i64| sqlx::query("SELECT emails, phone, value_tier, lifetime_value FROM customers WHERE id = $1").bind(id);
        let s = fields(survivor).fetch_one(&mut *tx).await?;
        let o = fields(other).fetch_one(&mut *tx).await?;
        let (s_emails, o_emails): (String, String) = (s.get(0), o.get(0));
        let mut emails: Vec<String> = serde_json::from_str(&s_emails).unwrap_or_default();
        for e in serde_json::from_str::<Vec<String>>(&o_emails).unwrap_or_default() {
            if !emails.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
                emails.push(e);
            }
        }
        sqlx::query(
            "UPDATE customers SET emails = $1, phone = COALESCE(phone, $2), value_tier = COALESCE(value_tier, $3),
                    lifetime_value = COALESCE(lifetime_value, $4) WHERE id = $5",
        )
        .bind(serde_json::to_string(&emails).expect("strings serialise"))
        .bind(o.get::<Option<String>, _>(1))
        .bind(o.get::<Option<String>, _>(2))
        .bind(o.get::<Option<f64>, _>(3))
        .bind(survivor)
        .execute(&mut *tx)
        .await?;
        for (table, list) in [("authors", &authors), ("customer_handles", &handles), ("link_suggestions", &suggestions)] {
            for id in list {
                sqlx::query(&format!("UPDATE {table} SET customer_id = $1 WHERE id = $2")).bind(survivor).bind(*id).execute(&mut *tx).await?;
            }
        }
        sqlx::query("UPDATE customers SET merged_into = $1 WHERE id = $2").bind(survivor).bind(other).execute(&mut *tx).await?;
        let summary = format!("merged customer {other_name} into {survivor_name}");
        let before = json!({
            "authors": authors, "handles": handles, "suggestions": suggestions,
            "survivor": {"emails": s_emails, "phone": s.get::<Option<String>, _>(1), "value_tier": s.get::<Option<String>, _>(2),
                         "lifetime_value": s.get::<Option<f64>, _>(3)},
        });
        let mut audit = Vec::new();
        let entry = log_entry(&mut tx, now, actor, "merge", &summary, None, (Some(survivor), Some(other)), &before, &mut audit).await?;
        for a in &authors {
            event_on_open_cases(&mut tx, *a, actor, &summary, now, &mut audit).await?;
        }
        audit::append(&mut tx, self.backend(), &audit).await?;
        tx.commit().await?;
        Ok(entry)
    }
}

/// The customer the author is linked to; `NotFound` if there is no such author.
pub(crate) async fn author_customer(tx: &mut Transaction<'_, Any>, author_id: i64) -> Result<Option<i64>> {
    sqlx::query_scalar("SELECT customer_id FROM authors WHERE id = $1")
        .bind(author_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no author #{author_id}")))
}

/// Links inside `tx`, logging and noting it on the open cases; `how` starts
/// the summary ("linked", "linked automatically (same handle)").
/// Its audit entries join `audit`, for the caller to append just before commit.
pub(crate) async fn link_in(
    tx: &mut Transaction<'_, Any>,
    author_id: i64,
    customer_id: i64,
    actor: &str,
    how: &str,
    audit: &mut Vec<AuditEntry>,
) -> Result<Option<i64>> {
    let previous = author_customer(tx, author_id).await?;
    let name = live_customer_name(tx, customer_id).await?;
    if previous == Some(customer_id) {
        return Ok(None);
    }
    let now = now_ms();
    sqlx::query("UPDATE authors SET customer_id = $1 WHERE id = $2").bind(customer_id).bind(author_id).execute(&mut **tx).await?;
    let existing = sqlx::query("SELECT id, status FROM link_suggestions WHERE author_id = $1 AND customer_id = $2")
        .bind(author_id)
        .bind(customer_id)
        .fetch_optional(&mut **tx)
        .await?;
    let suggestion = match existing {
        Some(r) => {
            let id: i64 = r.get(0);
            set_suggestion(tx, id, "accepted", actor, now).await?;
            json!({"id": id, "status": r.get::<String, _>(1)})
        }
        None => serde_json::Value::Null,
    };
    let summary = format!("{how} to customer {name}");
    let before = json!({"customer_id": previous, "suggestion": suggestion});
    let entry = log_entry(tx, now, actor, "link", &summary, Some(author_id), (Some(customer_id), previous), &before, audit).await?;
    event_on_open_cases(tx, author_id, actor, &summary, now, audit).await?;
    Ok(Some(entry))
}

async fn pending_suggestion(tx: &mut Transaction<'_, Any>, id: i64) -> Result<(i64, i64)> {
    let row = sqlx::query("SELECT author_id, customer_id, status FROM link_suggestions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no suggestion #{id}")))?;
    let status: String = row.get(2);
    if status != "pending" {
        return Err(StoreError::Invalid(format!("suggestion #{id} is already {status}")));
    }
    Ok((row.get(0), row.get(1)))
}

pub(crate) async fn set_suggestion(tx: &mut Transaction<'_, Any>, id: i64, status: &str, actor: &str, at: i64) -> Result<()> {
    sqlx::query("UPDATE link_suggestions SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4")
        .bind(status.to_string())
        .bind(at)
        .bind(actor.to_string())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
