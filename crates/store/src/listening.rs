//! Stored listening queries: their text (parsed and checked by the engine),
//! the department their matches go to, and how many posts they matched.

use serde::Serialize;
use sqlx::Row;
use switchboard_core::time::now_ms;

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListeningQuery {
    pub id: i64,
    pub name: String,
    pub query: String,
    pub department_id: Option<i64>,
    pub enabled: bool,
    pub matches: i64,
}

impl Store {
    /// Saves (or replaces, by name) a listening query. The caller has parsed it.
    pub async fn upsert_listening_query(&self, name: &str, query: &str, department_id: Option<i64>) -> Result<ListeningQuery> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid("a listening query needs a name".into()));
        }
        sqlx::query(
            "INSERT INTO listening_queries (name, query, department_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET query = excluded.query, department_id = excluded.department_id, enabled = 1",
        )
        .bind(name.trim())
        .bind(query)
        .bind(department_id)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(self.listening_queries().await?.into_iter().find(|q| q.name == name.trim()).expect("just saved"))
    }

    pub async fn listening_queries(&self) -> Result<Vec<ListeningQuery>> {
        let rows = sqlx::query("SELECT id, name, query, department_id, enabled, matches FROM listening_queries ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(|r| ListeningQuery {
                id: r.get(0),
                name: r.get(1),
                query: r.get(2),
                department_id: r.get(3),
                enabled: r.get::<i64, _>(4) != 0,
                matches: r.get(5),
            })
            .collect())
    }

    pub async fn count_listening_matches(&self, id: i64, n: i64) -> Result<()> {
        sqlx::query("UPDATE listening_queries SET matches = matches + $1 WHERE id = $2").bind(n).bind(id).execute(self.pool()).await?;
        Ok(())
    }
}
