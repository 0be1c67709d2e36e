//! Customers: the real people and companies behind social handles, with what
//! they are worth to the organisation, and the link from an author profile to
//! its customer record.

use switchboard_core::time::now_ms;

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub value_tier: Option<String>,
    pub lifetime_value: Option<f64>,
}

impl Store {
    pub async fn insert_customer(&self, c: &NewCustomer) -> Result<i64> {
        if c.name.trim().is_empty() {
            return Err(StoreError::Invalid("a customer needs a name".into()));
        }
        let emails = serde_json::to_string(&c.emails).expect("a list of strings serialises");
        Ok(sqlx::query_scalar(
            "INSERT INTO customers (name, emails, phone, value_tier, lifetime_value, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(c.name.trim())
        .bind(emails)
        .bind(c.phone.clone())
        .bind(c.value_tier.clone())
        .bind(c.lifetime_value)
        .bind(now_ms())
        .fetch_one(self.pool())
        .await?)
    }

    /// Ties the author (channel, handle) to a customer; returns the author's id.
    pub async fn link_author(&self, channel: &str, handle: &str, customer_id: i64) -> Result<i64> {
        sqlx::query_scalar("UPDATE authors SET customer_id = $1 WHERE channel = $2 AND handle = $3 RETURNING id")
            .bind(customer_id)
            .bind(channel)
            .bind(handle)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no author {handle:?} on {channel}")))
    }
}
