//! Stored listening queries: their text (parsed and checked by the engine),
//! the department their matches go to, the tag they put on their matches'
//! cases, and how many posts they matched; and, per query and account, where
//! the query's network search got to ([`ListeningSearch`]).
//!
//! Each post's matches are recorded ([`Store::record_query_match`]) for the
//! rules' `query` conditions.
//!
//! A search's cursor follows the same contract as an account's: it is saved
//! only after the posts it covers are committed; a failure keeps it and is
//! recorded in plain words. The cursor belongs to the translated query it was
//! made for (`search`): once the query reads differently, it starts afresh.

use serde::Serialize;
use sqlx::Row;
use switchboard_core::time::now_ms;

use crate::{Result, Store, StoreError};

/// The longest tag accepted, in characters.
pub const MAX_TAG_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListeningQuery {
    pub id: i64,
    pub name: String,
    pub query: String,
    pub department_id: Option<i64>,
    /// The tag put on the cases its matches land in.
    pub tag: Option<String>,
    pub enabled: bool,
    pub matches: i64,
}

/// Where one query's search on one account's network got to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListeningSearch {
    pub query_id: i64,
    pub account_id: i64,
    /// The query as sent to the network (the cursor belongs to it).
    pub search: String,
    pub cursor: Option<String>,
    pub last_search_at: Option<i64>,
    pub next_search_at: Option<i64>,
    /// Posts the search brought in that matched locally and were new.
    pub posts_found: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

impl ListeningSearch {
    /// The saved cursor, if it was made for `search`.
    pub fn cursor_for(&self, search: &str) -> Option<&str> {
        if self.search == search {
            self.cursor.as_deref()
        } else {
            None
        }
    }
}

/// A tag as stored: trimmed, non-empty, at most [`MAX_TAG_CHARS`], no control characters.
pub fn clean_tag(tag: &str) -> Result<String> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(StoreError::Invalid("a tag cannot be empty".into()));
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(StoreError::Invalid(format!("a tag is limited to {MAX_TAG_CHARS} characters")));
    }
    if tag.chars().any(char::is_control) {
        return Err(StoreError::Invalid("a tag cannot hold control characters".into()));
    }
    Ok(tag.to_string())
}

const SEARCH_COLUMNS: &str =
    "query_id, account_id, search, cursor, last_search_at, next_search_at, posts_found, last_error, last_error_at";

fn search_row(r: &sqlx::any::AnyRow) -> ListeningSearch {
    ListeningSearch {
        query_id: r.get(0),
        account_id: r.get(1),
        search: r.get(2),
        cursor: r.get(3),
        last_search_at: r.get(4),
        next_search_at: r.get(5),
        posts_found: r.get(6),
        last_error: r.get(7),
        last_error_at: r.get(8),
    }
}

impl Store {
    /// Saves (or replaces, by name) a listening query. The caller has parsed it.
    pub async fn upsert_listening_query(
        &self,
        name: &str,
        query: &str,
        department_id: Option<i64>,
        tag: Option<&str>,
    ) -> Result<ListeningQuery> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("a listening query needs a name".into()));
        }
        let tag = tag.map(clean_tag).transpose()?;
        sqlx::query(
            "INSERT INTO listening_queries (name, query, department_id, tag, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name) DO UPDATE SET query = excluded.query, department_id = excluded.department_id,
             tag = excluded.tag, enabled = 1",
        )
        .bind(name)
        .bind(query)
        .bind(department_id)
        .bind(tag)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        self.listening_queries()
            .await?
            .into_iter()
            .find(|q| q.name == name)
            .ok_or_else(|| StoreError::NotFound(format!("the listening query {name:?} vanished as it was saved")))
    }

    pub async fn listening_queries(&self) -> Result<Vec<ListeningQuery>> {
        let rows = sqlx::query("SELECT id, name, query, department_id, enabled, matches, tag FROM listening_queries ORDER BY name")
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
                tag: r.get(6),
            })
            .collect())
    }

    pub async fn count_listening_matches(&self, id: i64, n: i64) -> Result<()> {
        sqlx::query("UPDATE listening_queries SET matches = matches + $1 WHERE id = $2").bind(n).bind(id).execute(self.pool()).await?;
        Ok(())
    }

    /// Records that the post `external_id` on `channel` matched listening query
    /// `query_id` (what a rule's `query = "name"` condition looks at). True
    /// when it was not recorded before; false also when no such post is stored.
    pub async fn record_query_match(&self, channel: &str, external_id: &str, query_id: i64) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO post_query_matches (post_id, query_id)
             SELECT p.id, $3 FROM posts p WHERE p.channel = $1 AND p.external_id = $2
             ON CONFLICT (post_id, query_id) DO NOTHING",
        )
        .bind(channel)
        .bind(external_id)
        .bind(query_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The names of the listening queries a post matched, by name.
    pub async fn post_query_names(&self, post_id: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT q.name FROM post_query_matches m JOIN listening_queries q ON q.id = m.query_id WHERE m.post_id = $1 ORDER BY q.name",
        )
        .bind(post_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Where `query_id`'s search on `account_id` got to (none before its first search).
    pub async fn listening_search(&self, query_id: i64, account_id: i64) -> Result<Option<ListeningSearch>> {
        let row = sqlx::query(&format!("SELECT {SEARCH_COLUMNS} FROM listening_searches WHERE query_id = $1 AND account_id = $2"))
            .bind(query_id)
            .bind(account_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(search_row))
    }

    /// Every query's searches, by query then account.
    pub async fn listening_searches(&self) -> Result<Vec<ListeningSearch>> {
        let rows = sqlx::query(&format!("SELECT {SEARCH_COLUMNS} FROM listening_searches ORDER BY query_id, account_id"))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(search_row).collect())
    }

    /// Records a search page whose posts are committed: the cursor moves to
    /// `cursor` (`None` keeps the saved one if it was made for `search`),
    /// `found` new posts are counted and the last error is cleared.
    pub async fn record_search(
        &self,
        query_id: i64,
        account_id: i64,
        search: &str,
        cursor: Option<&str>,
        found: i64,
        next_search_at: Option<i64>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO listening_searches (query_id, account_id, search, cursor, last_search_at, next_search_at, posts_found)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (query_id, account_id) DO UPDATE SET
               cursor = CASE WHEN excluded.cursor IS NOT NULL THEN excluded.cursor
                             WHEN listening_searches.search = excluded.search THEN listening_searches.cursor
                             ELSE NULL END,
               search = excluded.search,
               last_search_at = excluded.last_search_at,
               next_search_at = excluded.next_search_at,
               posts_found = listening_searches.posts_found + excluded.posts_found,
               last_error = NULL,
               last_error_at = NULL",
        )
        .bind(query_id)
        .bind(account_id)
        .bind(search)
        .bind(cursor)
        .bind(now_ms())
        .bind(next_search_at)
        .bind(found)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a failed search in plain words; the cursor stays where it was.
    pub async fn record_search_error(
        &self,
        query_id: i64,
        account_id: i64,
        search: &str,
        message: &str,
        next_search_at: Option<i64>,
    ) -> Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO listening_searches (query_id, account_id, search, last_search_at, next_search_at, last_error, last_error_at)
             VALUES ($1, $2, $3, $4, $5, $6, $4)
             ON CONFLICT (query_id, account_id) DO UPDATE SET
               last_search_at = excluded.last_search_at,
               next_search_at = excluded.next_search_at,
               last_error = excluded.last_error,
               last_error_at = excluded.last_error_at",
        )
        .bind(query_id)
        .bind(account_id)
        .bind(search)
        .bind(now)
        .bind(next_search_at)
        .bind(message)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
