//! Leases: one process at a time works a connector account, the outbox or the
//! SLA clocks. A lease is a row (name, holder, expiry); taking or renewing it
//! is one conditional upsert that only writes when the lease is free, expired
//! or already the holder's, so of two processes racing for it exactly one
//! gets it, on SQLite (writes are serialised) and on PostgreSQL (`ON CONFLICT
//! DO UPDATE ... WHERE` re-checks the row it locked). A holder that dies stops
//! renewing; at `expires_at` the next taker wins. Instants are given by the
//! caller in ms; processes on several hosts should all read the database's
//! clock ([`Store::clock_ms`]) so that a skewed desk clock cannot steal or
//! overstay a lease.

use sqlx::Row;

use crate::{Result, Store, StoreError};

/// One lease as it stands in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// What it covers: `account:<id>`, `outbox`, `sla`.
    pub name: String,
    /// Who holds it (a worker id: member, host, pid and a random part).
    pub holder: String,
    /// When this holder took it (renewals keep it).
    pub acquired_at: i64,
    pub renewed_at: i64,
    /// Free for anyone from this instant on, unless renewed before.
    pub expires_at: i64,
}

impl Lease {
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at <= now
    }
}

impl Store {
    /// The database's own clock, in ms since the epoch: one time for every
    /// process sharing it (a SQLite file is shared on one host only).
    pub async fn clock_ms(&self) -> Result<i64> {
        let sql = match self.backend() {
            crate::Backend::Postgres => "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
            crate::Backend::Sqlite => "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
        };
        Ok(sqlx::query(sql).fetch_one(self.pool()).await?.get(0))
    }

    /// Takes lease `name` for `holder` until `now + ttl_ms`, or renews it
    /// when the holder has it already. Returns whether `holder` holds it
    /// now: false when another holder's lease has not expired.
    pub async fn acquire_lease(&self, name: &str, holder: &str, now: i64, ttl_ms: i64) -> Result<bool> {
        check(name, holder, ttl_ms)?;
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at) VALUES ($1, $2, $3, $3, $4)
             ON CONFLICT (name) DO UPDATE SET
                 holder = excluded.holder,
                 acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
                 renewed_at = excluded.renewed_at,
                 expires_at = excluded.expires_at
             WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.renewed_at",
        )
        .bind(name)
        .bind(holder)
        .bind(now)
        .bind(now.saturating_add(ttl_ms))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Extends a lease `holder` holds to `now + ttl_ms`. False when it is
    /// no longer theirs (it expired and another holder took it, or it was
    /// released): the holder must stop the work it covers.
    pub async fn renew_lease(&self, name: &str, holder: &str, now: i64, ttl_ms: i64) -> Result<bool> {
        check(name, holder, ttl_ms)?;
        let done = sqlx::query("UPDATE leases SET renewed_at = $1, expires_at = $2 WHERE name = $3 AND holder = $4")
            .bind(now)
            .bind(now.saturating_add(ttl_ms))
            .bind(name)
            .bind(holder)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives lease `name` up if `holder` holds it; returns whether it did.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives up every lease `holder` holds (a clean stop); returns how many.
    pub async fn release_leases_of(&self, holder: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM leases WHERE holder = $1").bind(holder).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }

    /// One lease, if anyone has taken it (expired or not).
    pub async fn lease(&self, name: &str) -> Result<Option<Lease>> {
        let row = sqlx::query("SELECT name, holder, acquired_at, renewed_at, expires_at FROM leases WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| lease_of(&r)))
    }

    /// Every lease row, by name (expired ones included: see [`Lease::expired`]).
    pub async fn leases(&self) -> Result<Vec<Lease>> {
        let rows = sqlx::query("SELECT name, holder, acquired_at, renewed_at, expires_at FROM leases ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(lease_of).collect())
    }
}

fn lease_of(r: &sqlx::any::AnyRow) -> Lease {
    Lease { name: r.get(0), holder: r.get(1), acquired_at: r.get(2), renewed_at: r.get(3), expires_at: r.get(4) }
}

fn check(name: &str, holder: &str, ttl_ms: i64) -> Result<()> {
    if name.trim().is_empty() || holder.trim().is_empty() {
        return Err(StoreError::Invalid("a lease needs a name and a holder".into()));
    }
    if ttl_ms <= 0 {
        return Err(StoreError::Invalid(format!("a lease lasts a positive time, not {ttl_ms} ms")));
    }
    Ok(())
}
