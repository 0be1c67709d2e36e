//! The organisation in the store: departments (the tiger team is created on
//! first connect), members and their roles, and small settings.

use sqlx::Row;
use switchboard_core::desk::{Department, Member, Role, TIGER_TEAM};
use switchboard_core::time::now_ms;

use crate::{Result, Store, StoreError};

impl Store {
    /// Creates the tiger team's departments if they are missing.
    pub(crate) async fn ensure_departments(&self) -> Result<()> {
        for (slug, name) in TIGER_TEAM {
            sqlx::query("INSERT INTO departments (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
                .bind(slug)
                .bind(name)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn departments(&self) -> Result<Vec<Department>> {
        let rows = sqlx::query("SELECT id, slug, name FROM departments ORDER BY id").fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| Department { id: r.get(0), slug: r.get(1), name: r.get(2) })
            .collect())
    }

    pub async fn department_by_slug(&self, slug: &str) -> Result<Department> {
        self.departments()
            .await?
            .into_iter()
            .find(|d| d.slug == slug || d.name.eq_ignore_ascii_case(slug))
            .ok_or_else(|| StoreError::NotFound(format!("no department {slug:?}")))
    }

    pub async fn members(&self) -> Result<Vec<Member>> {
        let rows = sqlx::query("SELECT id, handle, name, role, department_id FROM members ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(member_from_row).collect())
    }

    pub async fn member(&self, id: i64) -> Result<Member> {
        let row = sqlx::query("SELECT id, handle, name, role, department_id FROM members WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no member #{id}")))?;
        Ok(member_from_row(&row))
    }

    /// Adds a member, or returns the existing one with that handle.
    pub async fn upsert_member(&self, handle: &str, name: &str, role: Role, department_id: Option<i64>) -> Result<Member> {
        if handle.trim().is_empty() {
            return Err(StoreError::Invalid("a member needs a handle".into()));
        }
        sqlx::query(
            "INSERT INTO members (handle, name, role, department_id, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (handle) DO NOTHING",
        )
        .bind(handle)
        .bind(name)
        .bind(role.as_str())
        .bind(department_id)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT id, handle, name, role, department_id FROM members WHERE handle = $1")
            .bind(handle)
            .fetch_one(&self.pool)
            .await?;
        Ok(member_from_row(&row))
    }

    /// Sets every case's events from the case's opening, `step_ms` apart in
    /// their order, none later than `not_after`: for a workspace written all
    /// at once (the demo), so its timelines read as they would have happened.
    pub async fn spread_event_times(&self, step_ms: i64, not_after: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE case_events SET at = (SELECT c.opened_at FROM cases c WHERE c.id = case_events.case_id)
               + $1 * (SELECT COUNT(*) FROM case_events e WHERE e.case_id = case_events.case_id AND e.id < case_events.id)",
        )
        .bind(step_ms)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE case_events SET at = $1 WHERE at > $1").bind(not_after).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The channels that have cases, for the inbox filter.
    pub async fn channels(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT channel FROM cases ORDER BY channel").fetch_all(&self.pool).await?)
    }

    pub async fn case_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&self.pool).await?)
    }

    pub async fn post_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM posts").fetch_one(&self.pool).await?)
    }
}

fn member_from_row(r: &sqlx::any::AnyRow) -> Member {
    let role: String = r.get(3);
    Member {
        id: r.get(0),
        handle: r.get(1),
        name: r.get(2),
        role: Role::parse(&role).unwrap_or(Role::Agent),
        department_id: r.get(4),
    }
}

impl Store {
    /// The conversation a stored post belongs to.
    pub async fn conversation_of(&self, channel: &str, external_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT conversation FROM posts WHERE channel = $1 AND external_id = $2")
            .bind(channel)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?)
    }
}

impl Store {
    /// The case a stored post belongs to.
    pub async fn case_of_post(&self, channel: &str, external_id: &str) -> Result<i64> {
        sqlx::query_scalar("SELECT case_id FROM posts WHERE channel = $1 AND external_id = $2")
            .bind(channel)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no post {external_id:?} on {channel}")))
    }
}
