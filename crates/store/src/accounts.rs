//! Connected accounts and their connector state: the cursor (advanced only
//! after the posts it covers are committed), counts, and the last error.

use sqlx::Row;
use switchboard_core::account::Account;
use switchboard_core::time::now_ms;

use crate::audit::{self, AuditEntry};
use crate::{Result, Store, StoreError};

const COLUMNS: &str = "id, network, name, base_url, secret_ref, enabled, posts_fetched, last_poll_at, next_poll_at, last_error, last_error_at";

fn account_from_row(r: &sqlx::any::AnyRow) -> Account {
    Account {
        id: r.get(0),
        network: r.get(1),
        name: r.get(2),
        base_url: r.get(3),
        secret_ref: r.get(4),
        enabled: r.get::<i64, _>(5) != 0,
        posts_fetched: r.get(6),
        last_poll_at: r.get(7),
        next_poll_at: r.get(8),
        last_error: r.get(9),
        last_error_at: r.get(10),
    }
}

impl Store {
    /// Connects an account (or updates its address and secret reference).
    /// `config` is the connector's JSON settings; it must hold no secret.
    pub async fn upsert_account(
        &self,
        network: &str,
        name: &str,
        base_url: &str,
        config: &serde_json::Value,
        secret_ref: Option<&str>,
    ) -> Result<Account> {
        if network.trim().is_empty() || name.trim().is_empty() {
            return Err(StoreError::Invalid("an account needs a network and a name".into()));
        }
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO accounts (network, name, base_url, config, secret_ref, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (network, name) DO UPDATE SET base_url = excluded.base_url, config = excluded.config,
             secret_ref = excluded.secret_ref, enabled = 1",
        )
        .bind(network)
        .bind(name)
        .bind(base_url)
        .bind(config.to_string())
        .bind(secret_ref)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE network = $1 AND name = $2"))
            .bind(network)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        let account = account_from_row(&row);
        // The secret itself never reaches the log; whether there is one does.
        let payload = serde_json::json!({
            "base_url": base_url,
            "config_sha256": audit::sha256_hex(config.to_string().as_bytes()),
            "has_secret": secret_ref.is_some(),
            "name": name,
            "network": network,
        });
        let entry = AuditEntry::new(now, "desk", "account.connected", format!("account:{}", account.id), payload);
        audit::append(&mut tx, self.backend(), &[entry]).await?;
        tx.commit().await?;
        Ok(account)
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts ORDER BY network, name")).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(account_from_row).collect())
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no account #{id}")))?;
        Ok(account_from_row(&row))
    }

    /// The connector's settings and its cursor.
    pub async fn account_state(&self, id: i64) -> Result<(serde_json::Value, Option<String>)> {
        let row = sqlx::query("SELECT config, cursor FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no account #{id}")))?;
        let config: String = row.get(0);
        let config = serde_json::from_str(&config).map_err(|e| StoreError::Invalid(format!("account #{id} has bad settings: {e}")))?;
        Ok((config, row.get(1)))
    }

    /// Records a good poll: call it only after the posts it fetched are
    /// committed, so a crash in between re-polls (and stores nothing twice)
    /// rather than skipping posts.
    pub async fn record_poll(&self, id: i64, cursor: Option<&str>, stored: i64, next_poll_at: Option<i64>) -> Result<()> {
        sqlx::query(
            "UPDATE accounts SET cursor = COALESCE($1, cursor), posts_fetched = posts_fetched + $2, last_poll_at = $3,
             next_poll_at = $4, last_error = NULL, last_error_at = NULL WHERE id = $5",
        )
        .bind(cursor)
        .bind(stored)
        .bind(now_ms())
        .bind(next_poll_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed poll in plain words; the cursor stays where it was.
    pub async fn record_poll_error(&self, id: i64, message: &str, next_poll_at: Option<i64>) -> Result<()> {
        let now = now_ms();
        sqlx::query("UPDATE accounts SET last_poll_at = $1, last_error = $2, last_error_at = $1, next_poll_at = $3 WHERE id = $4")
            .bind(now)
            .bind(message)
            .bind(next_poll_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
