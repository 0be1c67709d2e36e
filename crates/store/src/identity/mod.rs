//! Identity: which real customer is behind a social handle.
//!
//! A customer is known by handles (`customer_handles`, normalised: lower case,
//! no leading `@`, channel `x` filed as `twitter`). An author whose handle is
//! one of them is linked on sight ([`matching`]); weaker evidence (the same
//! name, an email domain in the handle) becomes a [`LinkSuggestion`] for a
//! person to accept or reject. Customers come in from the organisation's CSV
//! ([`csv_import`]). Every link, unlink and merge ([`changes`]) is one
//! transaction that writes an `identity_log` entry holding the state before
//! it, so [`undo`] can put it back, and a case event on the author's open
//! cases. Names and handles are hostile text: stored and returned as given.

pub mod cards;
pub mod changes;
pub mod csv_import;
pub mod matching;
pub mod undo;

use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use crate::audit::{AuditEntry, CaseEventWrite};
use crate::{Result, Store, StoreError};

/// The kind of the case events identity changes write.
pub const CASE_EVENT_KIND: &str = "customer_linked";

/// A suggested link awaiting (or past) review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkSuggestion {
    pub id: i64,
    pub author_id: i64,
    pub channel: String,
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: Option<i64>,
    pub customer_id: i64,
    pub customer_name: String,
    /// Why: "same name; email domain example.com in the handle".
    pub evidence: String,
    /// 0–1: how strong the evidence is.
    pub score: f64,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
}

/// One entry of the identity log, newest first in lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    /// `link`, `unlink` or `merge`.
    pub action: String,
    pub summary: String,
    pub undone: bool,
}

/// A customer as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerListItem {
    pub id: i64,
    pub customer_ref: Option<String>,
    pub name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub value_tier: Option<String>,
    pub lifetime_value: Option<f64>,
    /// `channel:handle`, normalised.
    pub handles: Vec<String>,
    /// Authors linked to this customer.
    pub authors: i64,
}

/// The channel as handles are filed: lower case, `x` is `twitter`, `bsky` is `bluesky`.
pub fn channel_key(channel: &str) -> String {
    let c = channel.trim().to_lowercase();
    match c.as_str() {
        "x" | "twitter" => "twitter".into(),
        "bsky" => "bluesky".into(),
        _ => c,
    }
}

/// The handle as compared: trimmed, lower case, without one leading `@`
/// (nor Reddit's `u/`).
pub fn handle_key(handle: &str) -> String {
    let h = handle.trim();
    let h = h.strip_prefix('@').or_else(|| h.strip_prefix("/u/")).or_else(|| h.strip_prefix("u/")).unwrap_or(h);
    h.trim().to_lowercase()
}

/// The channels stored under one filing key (`twitter` covers `x` too).
pub(crate) fn stored_channels(key: &str) -> Vec<String> {
    match key {
        "twitter" => vec!["twitter".into(), "x".into()],
        "bluesky" => vec!["bluesky".into(), "bsky".into()],
        k => vec![k.to_string()],
    }
}

impl Store {
    /// The author on `channel` (`x` and `twitter` alike) with `handle`
    /// (case-insensitive, with or without `@`).
    pub async fn author_by_handle(&self, channel: &str, handle: &str) -> Result<i64> {
        let key = handle_key(handle);
        let channels = stored_channels(&channel_key(channel));
        let rows = sqlx::query("SELECT id, channel, handle FROM authors WHERE LOWER(handle) IN ($1, $2, $3) ORDER BY id")
            .bind(key.clone())
            .bind(format!("@{key}"))
            .bind(format!("u/{key}"))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .find(|r| channels.contains(&r.get::<String, _>(1).to_lowercase()) && handle_key(&r.get::<String, _>(2)) == key)
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::NotFound(format!("no author {handle:?} on {channel}")))
    }

    /// The customer with this key from the organisation's records, or with this id (`#12` or `12`).
    pub async fn customer_by_ref(&self, reference: &str) -> Result<i64> {
        let r = reference.trim();
        let by_ref: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE customer_ref = $1")
            .bind(r.to_string())
            .fetch_optional(self.pool())
            .await?;
        if let Some(id) = by_ref {
            return Ok(id);
        }
        if let Ok(id) = r.trim_start_matches('#').parse::<i64>() {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
            if let Some(id) = found {
                return Ok(id);
            }
        }
        Err(StoreError::NotFound(format!("no customer {r:?}")))
    }

    /// Customers not merged into another, by name; `search` matches name,
    /// key or email (case-insensitive substring).
    pub async fn customers(&self, search: Option<&str>, limit: i64) -> Result<Vec<CustomerListItem>> {
        let like = search.map(|s| format!("%{}%", s.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let rows = sqlx::query(
            "SELECT c.id, c.customer_ref, c.name, c.emails, c.phone, c.value_tier, c.lifetime_value,
                    (SELECT COUNT(*) FROM authors a WHERE a.customer_id = c.id)
             FROM customers c WHERE c.merged_into IS NULL
               AND ($1 IS NULL OR LOWER(c.name) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(c.customer_ref, '')) LIKE $1 ESCAPE '\\'
                    OR LOWER(c.emails) LIKE $1 ESCAPE '\\')
             ORDER BY c.name, c.id LIMIT $2",
        )
        .bind(like)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.get(0);
            let emails: String = r.get(3);
            out.push(CustomerListItem {
                id,
                customer_ref: r.get(1),
                name: r.get(2),
                emails: serde_json::from_str(&emails).unwrap_or_default(),
                phone: r.get(4),
                value_tier: r.get(5),
                lifetime_value: r.get(6),
                handles: self.customer_handles(id).await?,
                authors: r.get(7),
            });
        }
        Ok(out)
    }

    /// `channel:handle` for each handle the customer is known by.
    pub async fn customer_handles(&self, customer_id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT channel, handle FROM customer_handles WHERE customer_id = $1 ORDER BY channel, handle")
            .bind(customer_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|r| format!("{}:{}", r.get::<String, _>(0), r.get::<String, _>(1))).collect())
    }

    /// Suggestions with `status` (`pending` by default), strongest first.
    /// Pending ones whose author has since been linked are left out.
    pub async fn link_suggestions(&self, status: Option<&str>, limit: i64) -> Result<Vec<LinkSuggestion>> {
        let status = status.unwrap_or("pending");
        if !["pending", "accepted", "rejected"].contains(&status) {
            return Err(StoreError::Invalid(format!("no suggestion status {status:?}: pending, accepted or rejected")));
        }
        let rows = sqlx::query(
            "SELECT s.id, s.author_id, a.channel, a.handle, a.display_name, a.followers, s.customer_id, c.name,
                    s.evidence, s.score, s.status
             FROM link_suggestions s JOIN authors a ON a.id = s.author_id JOIN customers c ON c.id = s.customer_id
             WHERE s.status = $1 AND c.merged_into IS NULL AND ($1 <> 'pending' OR a.customer_id IS NULL)
             ORDER BY s.score DESC, s.id LIMIT $2",
        )
        .bind(status)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| LinkSuggestion {
                id: r.get(0),
                author_id: r.get(1),
                channel: r.get(2),
                handle: r.get(3),
                display_name: r.get(4),
                followers: r.get(5),
                customer_id: r.get(6),
                customer_name: r.get(7),
                evidence: r.get(8),
                score: r.get(9),
                status: r.get(10),
            })
            .collect())
    }

    /// The identity log, newest first.
    pub async fn identity_log(&self, limit: i64) -> Result<Vec<IdentityEntry>> {
        let rows = sqlx::query("SELECT id, at, actor, action, summary, undone FROM identity_log ORDER BY id DESC LIMIT $1")
            .bind(limit.clamp(1, 10_000))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(entry_from_row).collect())
    }
}

pub(crate) fn entry_from_row(r: &sqlx::any::AnyRow) -> IdentityEntry {
    IdentityEntry {
        id: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        summary: r.get(4),
        undone: r.get::<i64, _>(5) != 0,
    }
}

/// The customer's name, if it exists and is not merged away.
pub(crate) async fn live_customer_name(tx: &mut Transaction<'_, Any>, customer_id: i64) -> Result<String> {
    let row = sqlx::query("SELECT name, merged_into FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no customer #{customer_id}")))?;
    if let Some(into) = row.get::<Option<i64>, _>(1) {
        return Err(StoreError::Invalid(format!("customer #{customer_id} was merged into #{into}")));
    }
    Ok(row.get(0))
}

/// Writes `summary` as a case event on every open case of the author; their
/// audit entries join `audit`, appended by the caller just before commit (the
/// head is locked last, so transactions never wait on each other in a cycle).
pub(crate) async fn event_on_open_cases(
    tx: &mut Transaction<'_, Any>,
    author_id: i64,
    actor: &str,
    summary: &str,
    at: i64,
    audit: &mut Vec<AuditEntry>,
) -> Result<()> {
    let cases: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO case_events (case_id, at, actor, kind, summary, origin)
         SELECT id, $1, $2, $3, $4, $6 FROM cases WHERE author_id = $5 AND status <> 'resolved' RETURNING case_id",
    )
    .bind(at)
    .bind(actor.to_string())
    .bind(CASE_EVENT_KIND)
    .bind(summary.to_string())
    .bind(author_id)
    .bind(crate::live::ORIGIN.as_str())
    .fetch_all(&mut **tx)
    .await?;
    audit.extend(cases.into_iter().map(|case_id| CaseEventWrite { case_id, at, actor, kind: CASE_EVENT_KIND, summary, body: None }.audit_entry()));
    Ok(())
}

/// Appends an identity log entry; returns its id. Its audit entry joins `audit`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn log_entry(
    tx: &mut Transaction<'_, Any>,
    at: i64,
    actor: &str,
    action: &str,
    summary: &str,
    author_id: Option<i64>,
    customers: (Option<i64>, Option<i64>),
    before: &serde_json::Value,
    audit: &mut Vec<AuditEntry>,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO identity_log (at, actor, action, summary, author_id, customer_id, other_customer_id, before_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(at)
    .bind(actor.to_string())
    .bind(action.to_string())
    .bind(summary.to_string())
    .bind(author_id)
    .bind(customers.0)
    .bind(customers.1)
    .bind(before.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let payload = serde_json::json!({
        "author_id": author_id,
        "customer_id": customers.0,
        "other_customer_id": customers.1,
        "summary": summary,
    });
    audit.push(AuditEntry::new(at, actor, &format!("identity.{action}"), format!("identity:{id}"), payload));
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_channels_normalise() {
        assert_eq!(handle_key("  @Harriet_Cole "), "harriet_cole");
        assert_eq!(handle_key("@ana@Mastodon.Social"), "ana@mastodon.social");
        assert_eq!(handle_key("@"), "");
        assert_eq!(handle_key("u/Fibre_Nerd"), "fibre_nerd");
        assert_eq!(channel_key("X"), "twitter");
        assert_eq!(channel_key(" Bluesky"), "bluesky");
        assert_eq!(stored_channels("twitter"), vec!["twitter".to_string(), "x".to_string()]);
    }
}
