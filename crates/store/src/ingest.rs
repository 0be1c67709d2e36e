//! Writing posts into the case log, idempotently and in batches.
//!
//! An [`Ingestor`] takes batches of normalised posts (from an import file or a
//! connector) and, in one transaction per batch: creates or updates their
//! authors, skips posts already stored (unique on channel + external id),
//! finds or opens the case of each post's conversation, inserts the new posts,
//! records labels, and refreshes the cases' derived state (status, opened,
//! first response...). A crash loses at most the batch in flight, and running
//! the same input again adds nothing and completes what was missing.

// Keys are external ids and handles, hashed millions of times an import:
// foldhash is several times faster than SipHash and still randomly seeded,
// so keys chosen by someone on a network cannot be made to collide.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use sha2::{Digest, Sha256};

use sqlx::{Any, Row, Transaction};
use switchboard_core::conversation::ConversationFacts;
use switchboard_core::post::{Direction, NewPost};
use switchboard_core::priority;
use switchboard_core::time::now_ms;
use switchboard_core::EventKind;

use crate::audit::{self, AuditEntry};
use crate::sql::Sql;
use crate::{Backend, Result, Store};

/// Rows per multi-row statement: fewer round trips to the database thread,
/// and under SQLite's 32,766 bound parameters (15 columns × 500 rows).
const ROWS_PER_STATEMENT: usize = 500;

/// A post and, when the caller knows it, the conversation (root post's
/// external id) it belongs to. Without one, the conversation is the parent's
/// if the parent is stored, else the post starts its own.
#[derive(Debug, Clone)]
pub struct IngestPost {
    pub post: NewPost,
    pub conversation: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: usize,
    pub duplicates: usize,
    pub new_cases: usize,
    pub labels: usize,
}

/// A map keyed by (channel, key) that is looked up with borrowed strings,
/// so the hot path of an import allocates no keys.
struct ByChannel<V>(HashMap<String, HashMap<String, V>>);

impl<V> Default for ByChannel<V> {
    fn default() -> Self {
        ByChannel(HashMap::new())
    }
}

impl<V> ByChannel<V> {
    fn get(&self, channel: &str, key: &str) -> Option<&V> {
        self.0.get(channel).and_then(|m| m.get(key))
    }
    fn get_mut(&mut self, channel: &str, key: &str) -> Option<&mut V> {
        self.0.get_mut(channel).and_then(|m| m.get_mut(key))
    }
    fn insert(&mut self, channel: &str, key: String, value: V) {
        match self.0.get_mut(channel) {
            Some(m) => {
                m.insert(key, value);
            }
            None => {
                let mut m = HashMap::new();
                m.insert(key, value);
                self.0.insert(channel.to_string(), m);
            }
        }
    }
    fn len(&self) -> usize {
        self.0.values().map(HashMap::len).sum()
    }
    fn extend(&mut self, other: ByChannel<V>) {
        for (channel, m) in other.0 {
            self.0.entry(channel).or_default().extend(m);
        }
    }
}

struct CaseSlot {
    id: i64,
    facts: ConversationFacts,
}

/// Writes batches of posts; keeps caches of authors and cases between batches.
pub struct Ingestor<'s> {
    store: &'s Store,
    actor: String,
    source: String,
    authors: ByChannel<i64>,
    followers: HashMap<i64, i64>,
    cases: ByChannel<CaseSlot>,
    /// Per channel: whether it held no posts when this ingestor first wrote
    /// to it. Until a batch proves otherwise, nothing stored can collide with
    /// such a channel's new posts and conversations, so their lookups are
    /// skipped; a batch that meets a collision anyway (another writer, a post
    /// twice in one file) is rolled back and written again with the lookups.
    fresh: HashMap<String, bool>,
}

impl<'s> Ingestor<'s> {
    /// `actor` is who the case events name (`import`, a connector); `source`
    /// says where the posts came from ("twcs.csv").
    pub fn new(store: &'s Store, actor: &str, source: &str) -> Self {
        Ingestor {
            store,
            actor: actor.to_string(),
            source: source.to_string(),
            authors: ByChannel::default(),
            followers: HashMap::new(),
            cases: ByChannel::default(),
            fresh: HashMap::new(),
        }
    }

    pub async fn write(&mut self, batch: &[IngestPost]) -> Result<BatchOutcome> {
        for p in batch {
            if !self.fresh.contains_key(&p.post.channel) {
                let stored: Option<i64> = sqlx::query_scalar("SELECT id FROM posts WHERE channel = $1 LIMIT 1")
                    .bind(&p.post.channel)
                    .fetch_optional(self.store.pool())
                    .await?;
                self.fresh.insert(p.post.channel.clone(), stored.is_none());
            }
        }
        let trusting = batch.iter().any(|p| self.fresh.get(&p.post.channel) == Some(&true));
        match self.write_batch(batch).await {
            Err(_) if trusting => {
                // Something collided with what a fresh channel could not hold:
                // the batch was rolled back; write it again, looking everything up.
                self.fresh.values_mut().for_each(|f| *f = false);
                self.write_batch(batch).await
            }
            other => other,
        }
    }

    async fn write_batch(&mut self, batch: &[IngestPost]) -> Result<BatchOutcome> {
        let mut outcome = BatchOutcome::default();
        // One post per (channel, external id) within the batch: the first wins.
        let mut seen = HashSet::new();
        let batch: Vec<&IngestPost> = batch
            .iter()
            .filter(|p| {
                let fresh = seen.insert((p.post.channel.as_str(), p.post.external_id.as_str()));
                outcome.duplicates += usize::from(!fresh);
                fresh
            })
            .collect();
        if batch.is_empty() {
            return Ok(outcome);
        }
        let now = now_ms();
        let b = self.store.backend();
        let mut tx = self.store.pool().begin().await?;

        // Which posts are stored already (their ids serve labels on re-import).
        let checked: Vec<&IngestPost> =
            batch.iter().copied().filter(|p| self.fresh.get(&p.post.channel) != Some(&true)).collect();
        let existing = existing_posts(b, &mut tx, &checked).await?;
        let authors = self.upsert_authors(b, &mut tx, &batch).await?;
        let author_of = |p: &IngestPost| {
            authors
                .get(&p.post.channel, &p.post.author)
                .or_else(|| self.authors.get(&p.post.channel, &p.post.author))
                .copied()
                .expect("every author was resolved")
        };
        let fresh: Vec<&IngestPost> =
            batch.iter().copied().filter(|p| existing.get(&p.post.channel, &p.post.external_id).is_none()).collect();
        outcome.duplicates += batch.len() - fresh.len();

        // Conversations of the new posts, then their cases: cached, stored, or new.
        let conversations = resolve_conversations(&mut tx, &fresh).await?;
        let mut slots: ByChannel<CaseSlot> = ByChannel::default();
        let mut missing: Vec<(&str, &str)> = fresh
            .iter()
            .zip(&conversations)
            .map(|(p, c)| (p.post.channel.as_str(), c.as_str()))
            .filter(|(ch, c)| self.cases.get(ch, c).is_none() && self.fresh.get(*ch) != Some(&true))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let found = find_cases(b, &mut tx, &missing).await?;
        for (ch, conv) in &missing {
            if let Some(&id) = found.get(ch, conv) {
                let facts = load_facts(&mut tx, id).await?;
                slots.insert(ch, conv.to_string(), CaseSlot { id, facts });
            }
        }

        // Facts of every conversation the new posts touch: stored cases learn
        // the new posts; new conversations are gathered to be opened whole.
        let mut unopened: ByChannel<ConversationFacts> = ByChannel::default();
        let mut appended: HashMap<i64, usize> = HashMap::new();
        let mut touched: Vec<(&str, &str)> = Vec::new();
        for (p, conv) in fresh.iter().zip(&conversations) {
            let ch = p.post.channel.as_str();
            let facts = match slots.get_mut(ch, conv) {
                Some(slot) => Some(slot),
                None => self.cases.get_mut(ch, conv),
            };
            let facts = match facts {
                Some(slot) => {
                    *appended.entry(slot.id).or_default() += 1;
                    touched.push((ch, conv.as_str()));
                    &mut slot.facts
                }
                None => {
                    if unopened.get(ch, conv).is_none() {
                        unopened.insert(ch, conv.clone(), ConversationFacts::default());
                    }
                    unopened.get_mut(ch, conv).expect("just inserted")
                }
            };
            facts.add(p.post.created_at, p.post.direction, author_of(p), &p.post.text, p.post.account.as_deref());
        }
        let opened = self.open_cases(b, &mut tx, &unopened, now).await?;
        outcome.new_cases = opened.len();
        for (ch, m) in unopened.0 {
            for (conv, facts) in m {
                let id = *opened.get(&ch, &conv).expect("every new conversation was opened");
                slots.insert(&ch, conv, CaseSlot { id, facts });
            }
        }

        // Insert the new posts.
        let rows: Vec<_> = fresh
            .iter()
            .zip(&conversations)
            .map(|(p, conv)| {
                let ch = p.post.channel.as_str();
                let slot = slots.get(ch, conv).or_else(|| self.cases.get(ch, conv)).expect("case resolved above");
                (*p, conv.as_str(), author_of(p), slot.id)
            })
            .collect();
        let (ids, written) = insert_posts(b, &mut tx, &rows, now, fresh.iter().any(|p| !p.post.labels.is_empty())).await?;
        if written != rows.len() {
            return Err(crate::StoreError::Conflict(format!(
                "{} of {} posts were stored meanwhile by another writer",
                rows.len() - written,
                rows.len()
            )));
        }
        outcome.inserted = rows.len();

        // Labels: the file's judgements, for new and already stored posts alike.
        let mut labels = Vec::new();
        for p in &batch {
            if p.post.labels.is_empty() {
                continue;
            }
            let (ch, id) = (&p.post.channel, &p.post.external_id);
            if let Some(&id) = existing.get(ch, id).or_else(|| ids.get(ch, id)) {
                for (field, value) in &p.post.labels {
                    labels.push((id, field.clone(), value.clone()));
                }
            }
        }
        outcome.labels = labels.len();
        insert_labels(b, &mut tx, &labels, &self.actor, now).await?;

        // Refresh the stored cases that gained posts; note what they gained.
        touched.sort_unstable();
        touched.dedup();
        let refreshed: Vec<&CaseSlot> = touched
            .iter()
            .map(|(ch, conv)| slots.get(ch, conv).or_else(|| self.cases.get(ch, conv)).expect("case resolved above"))
            .collect();
        self.refresh_cases(b, &mut tx, &refreshed, now).await?;
        let mut events: Vec<(i64, &str, String)> = opened
            .0
            .values()
            .flat_map(|m| m.values())
            .map(|&id| (id, EventKind::Created.as_str(), format!("opened from {}", self.source)))
            .collect();
        for (&id, &n) in &appended {
            let what = if n == 1 { "1 post".to_string() } else { format!("{n} posts") };
            events.push((id, EventKind::PostAdded.as_str(), format!("{what} added from {}", self.source)));
        }
        insert_events(b, &mut tx, &events, &self.actor, now).await?;
        if !events.is_empty() || !labels.is_empty() {
            audit::append(&mut tx, b, &[batch_audit_entry(&events, &outcome, &self.actor, &self.source, now)]).await?;
        }
        // One compact announcement of the cases that gained posts, not one per post.
        let arrived = crate::live::posts_arrived(events.iter().map(|e| e.0).collect(), &self.actor, now);
        crate::live::announce_batch_in_tx(&mut tx, b, &arrived).await?;
        tx.commit().await?;
        self.store.announce_committed(arrived);

        // Only now that the batch is durable may the caches remember it.
        self.authors.extend(authors);
        self.cases.extend(slots);
        Ok(outcome)
    }

    /// Opens a case for each new conversation, with its state derived from
    /// its posts, and returns the new ids.
    async fn open_cases(
        &self,
        b: Backend,
        tx: &mut Transaction<'_, Any>,
        conversations: &ByChannel<ConversationFacts>,
        now: i64,
    ) -> Result<ByChannel<i64>> {
        let rows: Vec<_> = conversations
            .0
            .iter()
            .flat_map(|(ch, m)| m.iter().filter_map(move |(conv, f)| f.summary().map(|s| ((ch, conv), s))))
            .collect();
        let mut out = ByChannel::default();
        // On SQLite the ids are given here rather than read back: RETURNING
        // costs more than the insert. This transaction has written or will
        // write before commit; if another writer committed since it read the
        // largest id, SQLite refuses the write (a stale snapshot) and the
        // batch is rolled back, so two cases never share an id.
        let mut next_id = match b {
            Backend::Sqlite => Some(sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM cases").fetch_one(&mut **tx).await? + 1),
            Backend::Postgres => None,
        };
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let columns = "channel, conversation, status, opened_at, last_post_at, first_customer_at,
                 first_response_at, post_count, author_id, subject, account, priority, updated_at";
            let head = match next_id {
                Some(_) => format!("INSERT INTO cases (id, {columns}) VALUES "),
                None => format!("INSERT INTO cases ({columns}) VALUES "),
            };
            let mut sql = Sql::new(b, &head);
            for (i, ((channel, conv), s)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                let followers = self.followers.get(&s.author_id).copied();
                let id = match next_id {
                    Some(id) => {
                        next_id = Some(id + 1);
                        out.insert(channel, conv.to_string(), id);
                        Some(id)
                    }
                    None => None,
                };
                sql.row(|r| {
                    if let Some(id) = id {
                        r.bind(id);
                    }
                    r.bind(channel.to_string())
                        .bind(conv.to_string())
                        .bind(s.status.as_str().to_string())
                        .bind(s.opened_at)
                        .bind(s.last_post_at)
                        .bind(s.first_customer_at)
                        .bind(s.first_response_at)
                        .bind(s.post_count)
                        .bind(s.author_id)
                        .bind(s.subject.clone())
                        .bind(s.account.clone())
                        .bind(priority::baseline(s.status, followers))
                        .bind(now);
                });
            }
            if next_id.is_some() {
                sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?;
            } else {
                sql.push(" RETURNING id, channel, conversation");
                for r in sqlx::query_with(&sql.text, sql.args).fetch_all(&mut **tx).await? {
                    out.insert(r.get::<&str, _>(1), r.get(2), r.get(0));
                }
            }
        }
        Ok(out)
    }

    /// Writes the derived state of the cases from their facts, several rows a
    /// statement (an upsert on the id, which both backends understand).
    /// Each such change grows the case's version.
    async fn refresh_cases(&self, b: Backend, tx: &mut Transaction<'_, Any>, cases: &[&CaseSlot], now: i64) -> Result<()> {
        let rows: Vec<_> = cases.iter().filter_map(|slot| slot.facts.summary().map(|s| (slot.id, s))).collect();
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new(
                b,
                "INSERT INTO cases (id, channel, conversation, status, opened_at, last_post_at, first_customer_at,
                 first_response_at, post_count, author_id, subject, account, priority, updated_at, version) VALUES ",
            );
            for (i, (id, s)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                let followers = self.followers.get(&s.author_id).copied();
                sql.row(|r| {
                    r.bind(*id)
                        .bind(String::new())
                        .bind(String::new())
                        .bind(s.status.as_str().to_string())
                        .bind(s.opened_at)
                        .bind(s.last_post_at)
                        .bind(s.first_customer_at)
                        .bind(s.first_response_at)
                        .bind(s.post_count)
                        .bind(s.author_id)
                        .bind(s.subject.clone())
                        .bind(s.account.clone())
                        .bind(priority::baseline(s.status, followers))
                        .bind(now)
                        .bind(1i64);
                });
            }
            sql.push(
                " ON CONFLICT (id) DO UPDATE SET status = excluded.status, opened_at = excluded.opened_at,
                  last_post_at = excluded.last_post_at, first_customer_at = excluded.first_customer_at,
                  first_response_at = excluded.first_response_at, post_count = excluded.post_count,
                  author_id = excluded.author_id, subject = excluded.subject, account = excluded.account,
                  priority = excluded.priority, updated_at = excluded.updated_at,
                  version = cases.version + excluded.version",
            );
            sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Creates missing authors, refreshes names and follower counts, and
    /// returns the ids of the authors it wrote (the rest are in the cache).
    async fn upsert_authors(&mut self, b: Backend, tx: &mut Transaction<'_, Any>, batch: &[&IngestPost]) -> Result<ByChannel<i64>> {
        // (channel, handle) -> (name, followers, is_org), for authors not cached or with news.
        // (channel, handle) -> (name, followers, is_org).
        type News<'a> = (Option<&'a str>, Option<i64>, bool);
        let mut todo: HashMap<(&str, &str), News> = HashMap::new();
        for p in batch {
            let has_news = p.post.author_name.is_some() || p.post.author_followers.is_some();
            if !has_news && self.authors.get(&p.post.channel, &p.post.author).is_some() {
                continue;
            }
            let e = todo.entry((&p.post.channel, &p.post.author)).or_insert((None, None, false));
            e.0 = p.post.author_name.as_deref().or(e.0);
            e.1 = p.post.author_followers.or(e.1);
            e.2 |= p.post.direction == Direction::Outbound;
        }
        let mut todo: Vec<_> = todo.into_iter().collect();
        let mut ids = ByChannel::default();
        if b == Backend::Sqlite {
            // Give new authors their ids here rather than reading them back
            // (see `open_cases`); only stored authors with news are upserted.
            let stored = find_authors(b, tx, &todo).await?;
            let mut next_id = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM authors").fetch_one(&mut **tx).await? + 1;
            let mut new_rows = Vec::new();
            todo.retain(|((channel, handle), (name, followers, is_org))| match stored.get(channel, handle) {
                Some(&(id, stored_followers)) => {
                    ids.insert(channel, handle.to_string(), id);
                    if let Some(f) = followers.or(stored_followers) {
                        self.followers.insert(id, f);
                    }
                    name.is_some() || followers.is_some() || *is_org
                }
                None => {
                    ids.insert(channel, handle.to_string(), next_id);
                    if let Some(f) = followers {
                        self.followers.insert(next_id, *f);
                    }
                    new_rows.push((next_id, *channel, *handle, *name, *followers, *is_org));
                    next_id += 1;
                    false
                }
            });
            for chunk in new_rows.chunks(ROWS_PER_STATEMENT) {
                let mut sql = Sql::new(b, "INSERT INTO authors (id, channel, handle, display_name, followers, is_org) VALUES ");
                for (i, (id, channel, handle, name, followers, is_org)) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.row(|r| {
                        r.bind(*id)
                            .bind(channel.to_string())
                            .bind(handle.to_string())
                            .bind(name.map(str::to_string))
                            .bind(*followers)
                            .bind(i64::from(*is_org));
                    });
                }
                sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?;
            }
        }
        for chunk in todo.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new(b, "INSERT INTO authors (channel, handle, display_name, followers, is_org) VALUES ");
            for (i, ((channel, handle), (name, followers, is_org))) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row(|r| {
                    r.bind(channel.to_string())
                        .bind(handle.to_string())
                        .bind(name.map(str::to_string))
                        .bind(*followers)
                        .bind(i64::from(*is_org));
                });
            }
            sql.push(
                " ON CONFLICT (channel, handle) DO UPDATE SET
                  display_name = COALESCE(excluded.display_name, authors.display_name),
                  followers = COALESCE(excluded.followers, authors.followers),
                  is_org = CASE WHEN excluded.is_org = 1 THEN 1 ELSE authors.is_org END
                  RETURNING id, channel, handle, followers",
            );
            let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(&mut **tx).await?;
            for r in rows {
                let id: i64 = r.get(0);
                if let Some(f) = r.get::<Option<i64>, _>(3) {
                    self.followers.insert(id, f);
                }
                ids.insert(r.get::<&str, _>(1), r.get(2), id);
            }
        }
        Ok(ids)
    }
}

/// Ids of the batch's posts that are already stored, by (channel, external id).
async fn existing_posts(b: Backend, tx: &mut Transaction<'_, Any>, batch: &[&IngestPost]) -> Result<ByChannel<i64>> {
    let mut by_channel: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in batch {
        by_channel.entry(&p.post.channel).or_default().push(&p.post.external_id);
    }
    let mut found = ByChannel::default();
    for (channel, ids) in by_channel {
        for chunk in ids.chunks(ROWS_PER_STATEMENT * 2) {
            let mut sql = Sql::new(b, "SELECT id, external_id FROM posts WHERE channel = ");
            sql.bind(channel.to_string()).push(" AND external_id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(id.to_string());
            }
            sql.push(")");
            for r in sqlx::query_with(&sql.text, sql.args).fetch_all(&mut **tx).await? {
                found.insert(channel, r.get(1), r.get(0));
            }
        }
    }
    Ok(found)
}

/// The conversation of each post: given; else its parent's, following the
/// chain through the batch (in any order) to a stored post; else the id of
/// the earliest ancestor found.
async fn resolve_conversations(tx: &mut Transaction<'_, Any>, posts: &[&IngestPost]) -> Result<Vec<String>> {
    if let Some(given) = posts.iter().map(|p| p.conversation.clone()).collect::<Option<Vec<String>>>() {
        return Ok(given); // An importer that read the whole file knows every thread.
    }
    let key = |p: &IngestPost| (p.post.channel.clone(), p.post.external_id.clone());
    let in_batch: HashMap<(String, String), &IngestPost> = posts.iter().map(|p| (key(p), *p)).collect();
    let mut memo: HashMap<(String, String), String> = HashMap::new();
    let mut out = Vec::with_capacity(posts.len());
    for p in posts {
        // Walk up while the parent is in the batch and has no known conversation.
        let mut chain = vec![*p];
        let conv = loop {
            let cur = *chain.last().expect("the chain starts with the post");
            if let Some(c) = memo.get(&key(cur)).or(cur.conversation.as_ref()) {
                break c.clone();
            }
            let Some(parent) = cur.post.reply_to.as_ref() else { break cur.post.external_id.clone() };
            let pkey = (cur.post.channel.clone(), parent.clone());
            match in_batch.get(&pkey) {
                Some(next) if chain.len() < 10_000 && !chain.iter().any(|c| key(c) == pkey) => chain.push(*next),
                Some(_) => break cur.post.external_id.clone(),
                None => {
                    let stored: Option<String> =
                        sqlx::query_scalar("SELECT conversation FROM posts WHERE channel = $1 AND external_id = $2")
                            .bind(&pkey.0)
                            .bind(&pkey.1)
                            .fetch_optional(&mut **tx)
                            .await?;
                    break stored.unwrap_or_else(|| cur.post.external_id.clone());
                }
            }
        };
        for c in chain {
            memo.insert(key(c), conv.clone());
        }
        out.push(conv);
    }
    Ok(out)
}

/// Stored authors among `todo`: (channel, handle) -> (id, followers).
async fn find_authors<T>(b: Backend, tx: &mut Transaction<'_, Any>, todo: &[((&str, &str), T)]) -> Result<ByChannel<(i64, Option<i64>)>> {
    let mut by_channel: HashMap<&str, Vec<&str>> = HashMap::new();
    for ((channel, handle), _) in todo {
        by_channel.entry(channel).or_default().push(handle);
    }
    let mut found = ByChannel::default();
    for (channel, handles) in by_channel {
        for chunk in handles.chunks(ROWS_PER_STATEMENT * 2) {
            let mut sql = Sql::new(b, "SELECT id, handle, followers FROM authors WHERE channel = ");
            sql.bind(channel.to_string()).push(" AND handle IN (");
            for (i, h) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(h.to_string());
            }
            sql.push(")");
            for r in sqlx::query_with(&sql.text, sql.args).fetch_all(&mut **tx).await? {
                found.insert(channel, r.get(1), (r.get(0), r.get(2)));
            }
        }
    }
    Ok(found)
}

async fn find_cases(b: Backend, tx: &mut Transaction<'_, Any>, keys: &[(&str, &str)]) -> Result<ByChannel<i64>> {
    let mut found = ByChannel::default();
    let mut by_channel: HashMap<&str, Vec<&str>> = HashMap::new();
    for (channel, conv) in keys {
        by_channel.entry(channel).or_default().push(conv);
    }
    for (channel, convs) in by_channel {
        for chunk in convs.chunks(ROWS_PER_STATEMENT * 2) {
            let mut sql = Sql::new(b, "SELECT id, conversation FROM cases WHERE channel = ");
            sql.bind(channel.to_string()).push(" AND conversation IN (");
            for (i, c) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(c.to_string());
            }
            sql.push(")");
            for r in sqlx::query_with(&sql.text, sql.args).fetch_all(&mut **tx).await? {
                found.insert(channel, r.get(1), r.get(0));
            }
        }
    }
    Ok(found)
}

async fn load_facts(tx: &mut Transaction<'_, Any>, case_id: i64) -> Result<ConversationFacts> {
    let rows = sqlx::query("SELECT created_at, direction, author_id, text, account FROM posts WHERE case_id = $1")
        .bind(case_id)
        .fetch_all(&mut **tx)
        .await?;
    let mut facts = ConversationFacts::default();
    for r in rows {
        let dir: String = r.get(1);
        let text: String = r.get(3);
        let account: Option<String> = r.get(4);
        facts.add(r.get(0), Direction::parse(&dir).unwrap_or(Direction::Inbound), r.get(2), &text, account.as_deref());
    }
    Ok(facts)
}

/// Inserts posts; when `want_ids`, returns the new posts' ids.
async fn insert_posts(
    b: Backend,
    tx: &mut Transaction<'_, Any>,
    rows: &[(&IngestPost, &str, i64, i64)],
    now: i64,
    want_ids: bool,
) -> Result<(ByChannel<i64>, usize)> {
    let mut ids = ByChannel::default();
    let mut written = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            b,
            "INSERT INTO posts (channel, external_id, author_id, direction, text, created_at, reply_to, conversation, case_id, account, ingested_at) VALUES ",
        );
        for (i, (p, conv, author_id, case_id)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let p = &p.post;
            sql.row(|r| {
                r.bind(p.channel.clone())
                    .bind(p.external_id.clone())
                    .bind(*author_id)
                    .bind(p.direction.as_str().to_string())
                    .bind(p.text.clone())
                    .bind(p.created_at)
                    .bind(p.reply_to.clone())
                    .bind(conv.to_string())
                    .bind(*case_id)
                    .bind(p.account.clone())
                    .bind(now);
            });
        }
        sql.push(" ON CONFLICT (channel, external_id) DO NOTHING");
        if want_ids {
            sql.push(" RETURNING id, channel, external_id");
            for r in sqlx::query_with(&sql.text, sql.args).fetch_all(&mut **tx).await? {
                ids.insert(r.get::<&str, _>(1), r.get(2), r.get(0));
                written += 1;
            }
        } else {
            written += sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?.rows_affected() as usize;
        }
    }
    Ok((ids, written))
}

async fn insert_labels(b: Backend, tx: &mut Transaction<'_, Any>, labels: &[(i64, String, String)], source: &str, now: i64) -> Result<()> {
    for chunk in labels.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(b, "INSERT INTO labels (post_id, field, value, source, at) VALUES ");
        for (i, (post_id, field, value)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.row(|r| {
                r.bind(*post_id).bind(field.clone()).bind(value.clone()).bind(source.to_string()).bind(now);
            });
        }
        sql.push(" ON CONFLICT (post_id, field) DO UPDATE SET value = excluded.value, source = excluded.source, at = excluded.at");
        sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?;
    }
    Ok(())
}

/// One audit entry for a whole batch (`ingest.batch` on `ingest:SOURCE`):
/// its counts and a SHA-256 over its case events, one `case_id TAB kind TAB
/// summary` line each, in the order written.
fn batch_audit_entry(events: &[(i64, &str, String)], outcome: &BatchOutcome, actor: &str, source: &str, now: i64) -> AuditEntry {
    let mut digest = Sha256::new();
    for (case_id, kind, summary) in events {
        digest.update(format!("{case_id}\t{kind}\t{summary}\n").as_bytes());
    }
    let payload = serde_json::json!({
        "cases_opened": outcome.new_cases,
        "events": events.len(),
        "events_sha256": hex::encode(digest.finalize()),
        "labels": outcome.labels,
        "posts": outcome.inserted,
        "source": source,
    });
    AuditEntry::new(now, actor, "ingest.batch", format!("ingest:{source}"), payload)
}

pub(crate) async fn insert_events(b: Backend, tx: &mut Transaction<'_, Any>, events: &[(i64, &str, String)], actor: &str, now: i64) -> Result<()> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(b, "INSERT INTO case_events (case_id, at, actor, kind, summary, origin) VALUES ");
        for (i, (case_id, kind, summary)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.row(|r| {
                r.bind(*case_id).bind(now).bind(actor.to_string()).bind(kind.to_string()).bind(summary.clone());
                r.bind(crate::live::ORIGIN.as_str());
            });
        }
        sqlx::query_with(&sql.text, sql.args).execute(&mut **tx).await?;
    }
    Ok(())
}
