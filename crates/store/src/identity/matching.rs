//! Finding the customer behind an author. An exact handle (same network,
//! case-insensitive, `@` or not) links at once; weaker evidence becomes a
//! suggestion in the review queue:
//!
//! | evidence                                                  | score |
//! |-----------------------------------------------------------|-------|
//! | same name and an email domain of the customer in the handle | 0.8 |
//! | same name and the handle is an email's local part           | 0.7 |
//! | the handle is an email's local part (4+ characters)         | 0.6 |
//! | same name only                                              | 0.5 |
//!
//! Names compare lower case with punctuation and spacing folded; a name
//! shared by more than [`MAX_NAMESAKES`] customers suggests nothing. Pairs
//! rejected (or unlinked by hand) are never linked or suggested again.
//! Organisation accounts are left alone.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::Row;
use switchboard_core::time::now_ms;

use super::changes::link_in;
use super::{channel_key, handle_key};
use crate::{Result, Store};

/// A name shared by more customers than this is no evidence.
pub const MAX_NAMESAKES: usize = 3;
/// The setting holding the last author id already matched.
const SEEN_SETTING: &str = "identity.authors_matched";
/// Authors linked per transaction.
const CHUNK: usize = 200;

/// What a matching pass did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatchReport {
    pub authors_checked: i64,
    pub linked: i64,
    pub suggested: i64,
}

/// A customer as matching sees it.
struct Known {
    id: i64,
    domains: Vec<String>,
    locals: Vec<String>,
}

impl Store {
    /// Matches every author not linked to a customer (after an import of customers).
    pub async fn match_all_authors(&self, actor: &str) -> Result<MatchReport> {
        let newest = self.newest_author().await?;
        let report = self.match_authors_after(0, actor).await?;
        self.set_setting(SEEN_SETTING, &newest.to_string()).await?;
        Ok(report)
    }

    async fn newest_author(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM authors").fetch_one(self.pool()).await?)
    }

    /// Matches the authors that arrived since the last call (ingest calls
    /// this after a poll or import); cheap when there are none.
    pub async fn link_new_authors(&self, actor: &str) -> Result<MatchReport> {
        let seen: i64 = self.setting(SEEN_SETTING).await?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let newest = self.newest_author().await?;
        if newest <= seen {
            return Ok(MatchReport::default());
        }
        let report = self.match_authors_after(seen, actor).await?;
        self.set_setting(SEEN_SETTING, &newest.to_string()).await?;
        Ok(report)
    }

    async fn match_authors_after(&self, after: i64, actor: &str) -> Result<MatchReport> {
        let mut handles: HashMap<(String, String), i64> = HashMap::new();
        for r in sqlx::query("SELECT channel, handle, customer_id FROM customer_handles").fetch_all(self.pool()).await? {
            handles.insert((r.get(0), r.get(1)), r.get(2));
        }
        let blocked: HashSet<(i64, i64)> = sqlx::query("SELECT author_id, customer_id FROM link_suggestions WHERE status = 'rejected'")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut by_name: HashMap<String, Vec<Known>> = HashMap::new();
        let mut by_local: HashMap<String, Vec<i64>> = HashMap::new();
        for r in sqlx::query("SELECT id, name, emails FROM customers WHERE merged_into IS NULL").fetch_all(self.pool()).await? {
            let id: i64 = r.get(0);
            let emails: Vec<String> = serde_json::from_str(&r.get::<String, _>(2)).unwrap_or_default();
            let (mut domains, mut locals) = (Vec::new(), Vec::new());
            for e in &emails {
                if let Some((local, domain)) = e.trim().to_lowercase().rsplit_once('@') {
                    if domain.contains('.') {
                        domains.push(domain.to_string());
                    }
                    if local.chars().count() >= 4 {
                        by_local.entry(local.to_string()).or_default().push(id);
                        locals.push(local.to_string());
                    }
                }
            }
            let name = name_key(&r.get::<String, _>(1));
            if !name.is_empty() {
                by_name.entry(name).or_default().push(Known { id, domains, locals });
            }
        }
        let authors = sqlx::query("SELECT id, channel, handle, display_name FROM authors WHERE customer_id IS NULL AND is_org = 0 AND id > $1 ORDER BY id")
            .bind(after)
            .fetch_all(self.pool())
            .await?;
        let mut report = MatchReport { authors_checked: authors.len() as i64, ..Default::default() };
        let mut links = Vec::new();
        let mut suggestions = Vec::new();
        for r in &authors {
            let (id, channel, handle, name): (i64, String, String, Option<String>) = (r.get(0), r.get(1), r.get(2), r.get(3));
            let hkey = handle_key(&handle);
            if let Some(&cid) = handles.get(&(channel_key(&channel), hkey.clone())) {
                if !blocked.contains(&(id, cid)) {
                    links.push((id, cid));
                    continue;
                }
            }
            for (cid, score, evidence) in evidence_for(&hkey, name.as_deref(), &by_name, &by_local) {
                if !blocked.contains(&(id, cid)) {
                    suggestions.push((id, cid, score, evidence));
                }
            }
        }
        for chunk in links.chunks(CHUNK) {
            let mut tx = self.pool().begin().await?;
            let mut audit = Vec::new();
            for &(author, customer) in chunk {
                if link_in(&mut tx, author, customer, actor, "linked automatically (same handle)", &mut audit).await?.is_some() {
                    report.linked += 1;
                }
            }
            crate::audit::append(&mut tx, self.backend(), &audit).await?;
            tx.commit().await?;
        }
        let now = now_ms();
        for chunk in suggestions.chunks(CHUNK) {
            let mut tx = self.pool().begin().await?;
            for (author, customer, score, evidence) in chunk {
                let done = sqlx::query(
                    "INSERT INTO link_suggestions (author_id, customer_id, evidence, score, status, created_at)
                     VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT (author_id, customer_id) DO NOTHING",
                )
                .bind(*author)
                .bind(*customer)
                .bind(evidence.clone())
                .bind(*score)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                report.suggested += done.rows_affected() as i64;
            }
            tx.commit().await?;
        }
        Ok(report)
    }
}

/// The customers the author may be, with a score and the evidence in words.
fn evidence_for(hkey: &str, name: Option<&str>, by_name: &HashMap<String, Vec<Known>>, by_local: &HashMap<String, Vec<i64>>) -> Vec<(i64, f64, String)> {
    let mut out: Vec<(i64, f64, String)> = Vec::new();
    // The handle's first word: "ana.example.com" → "ana", "ana@inst" → "ana".
    let local = hkey.split(['@', '.']).next().unwrap_or("");
    let namesakes = name.map(name_key).filter(|n| !n.is_empty()).and_then(|n| by_name.get(&n)).filter(|v| v.len() <= MAX_NAMESAKES);
    for k in namesakes.into_iter().flatten() {
        let domain = k.domains.iter().find(|d| hkey == d.as_str() || hkey.ends_with(&format!(".{d}")) || hkey.ends_with(&format!("@{d}")));
        let (score, evidence) = match domain {
            Some(d) => (0.8, format!("same name; email domain {d} in the handle")),
            None if k.locals.iter().any(|l| l == local) => (0.7, "same name; the handle is the customer's email name".to_string()),
            None => (0.5, "same name".to_string()),
        };
        out.push((k.id, score, evidence));
    }
    if let Some(ids) = by_local.get(local).filter(|v| v.len() <= MAX_NAMESAKES) {
        for &id in ids {
            if !out.iter().any(|(c, _, _)| *c == id) {
                out.push((id, 0.6, "the handle is the customer's email name".to_string()));
            }
        }
    }
    out
}

/// A name as compared: lower case, letters and digits only, single spaces.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_punctuation_and_spacing() {
        assert_eq!(name_key("  Harriet   COLE!"), "harriet cole");
        assert_eq!(name_key("José-María Núñez"), "josé maría núñez");
        assert_eq!(name_key("🙂 ..."), "");
    }

    #[test]
    fn evidence_is_scored_and_explained() {
        let mut by_name = HashMap::new();
        by_name.insert("ana ruiz".to_string(), vec![Known { id: 1, domains: vec!["example.com".into()], locals: vec!["ana.ruiz".into()] }]);
        let by_local = HashMap::new();
        let e = evidence_for("ana.example.com", Some("Ana  Ruiz"), &by_name, &by_local);
        assert_eq!(e, vec![(1, 0.8, "same name; email domain example.com in the handle".to_string())]);
        let e = evidence_for("anaruiz", Some("ana ruiz"), &by_name, &by_local);
        assert_eq!(e[0].1, 0.5, "a name alone is weak evidence");
        assert!(evidence_for("someone", Some("Bob"), &by_name, &by_local).is_empty());
    }
}
