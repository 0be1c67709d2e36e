//! Reading the case log for the desk: the inbox (filtered, sorted by priority
//! then age, one page at a time) and the case view (thread, author, customer,
//! timeline). The `needs_triage` filter is the triage queue: cases with a
//! customer post whose topic the model left empty (below its confidence
//! threshold) and that nobody has labelled since. Filters that are absent are left out of the SQL altogether, so
//! each query shape can use its index (see the migration's `cases_by_*`).

use sqlx::any::AnyRow;
use sqlx::Row;
use switchboard_core::case::{CaseEvent, CaseStatus, CaseSummary, EventKind};
use switchboard_core::post::Direction;
use switchboard_core::view::{AuthorView, CaseDetail, CustomerCard, InboxPage, InboxQuery, PostView};

use crate::sql::Sql;
use crate::{Backend, Result, Store, StoreError};

/// Largest page the inbox serves at once.
pub const MAX_PAGE: i64 = 500;

const SUMMARY_COLUMNS: &str = "c.id, c.channel, c.status, c.department_id, d.name, c.assignee_id, m.name, c.priority,
    c.sla_due_at, c.version, COALESCE(a.handle, ''), a.display_name, c.account, c.subject, c.opened_at, c.last_post_at,
    c.first_response_at, c.post_count";
const SUMMARY_JOINS: &str = " FROM cases c
    LEFT JOIN departments d ON d.id = c.department_id
    LEFT JOIN members m ON m.id = c.assignee_id
    LEFT JOIN authors a ON a.id = c.author_id";

impl Store {
    pub async fn inbox(&self, q: &InboxQuery) -> Result<InboxPage> {
        let limit = q.limit.clamp(1, MAX_PAGE);
        let offset = q.offset.max(0);
        let mut page = Sql::new(self.backend(), &format!("SELECT {SUMMARY_COLUMNS}{SUMMARY_JOINS}"));
        push_filters(&mut page, q);
        page.push(" ORDER BY c.priority DESC, c.opened_at ASC, c.id ASC LIMIT ");
        page.bind(limit).push(" OFFSET ").bind(offset);
        let rows = sqlx::query_with(&page.text, page.args).fetch_all(self.pool()).await?;
        let items = rows.iter().map(summary_from_row).collect();

        let mut count = Sql::new(self.backend(), "SELECT COUNT(*) FROM cases c");
        push_filters(&mut count, q);
        let total: i64 = sqlx::query_scalar_with(&count.text, count.args).fetch_one(self.pool()).await?;
        Ok(InboxPage { total, offset, items })
    }

    pub async fn case_summary(&self, case_id: i64) -> Result<CaseSummary> {
        let row = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS}{SUMMARY_JOINS} WHERE c.id = $1"))
            .bind(case_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no case #{case_id}")))?;
        Ok(summary_from_row(&row))
    }

    pub async fn case_detail(&self, case_id: i64) -> Result<CaseDetail> {
        let case = self.case_summary(case_id).await?;
        let mut posts: Vec<PostView> = sqlx::query(
            "SELECT p.id, p.channel, p.external_id, p.direction, a.handle, a.display_name, p.text, p.created_at, p.reply_to
             FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.case_id = $1 ORDER BY p.created_at, p.id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let dir: String = r.get(3);
            PostView {
                id: r.get(0),
                channel: r.get(1),
                external_id: r.get(2),
                direction: Direction::parse(&dir).unwrap_or(Direction::Inbound),
                author: r.get(4),
                author_name: r.get(5),
                text: r.get(6),
                created_at: r.get(7),
                reply_to: r.get(8),
                sentiment: None,
                sentiment_score: None,
                topic: None,
                topic_confidence: None,
                language: None,
                labelled: Vec::new(),
            }
        })
        .collect();
        self.fill_understanding(case_id, &mut posts).await?;
        let author_row = sqlx::query(
            "SELECT a.id, a.channel, a.handle, a.display_name, a.followers, a.customer_id,
                    (SELECT COUNT(*) FROM posts p WHERE p.author_id = a.id)
             FROM authors a JOIN cases c ON c.author_id = a.id WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(self.pool())
        .await?;
        let mut customer = None;
        let mut author = match author_row {
            Some(r) => {
                if let Some(cid) = r.get::<Option<i64>, _>(5) {
                    customer = self.customer_card(cid).await?;
                }
                Some(AuthorView {
                    id: r.get(0),
                    channel: r.get(1),
                    handle: r.get(2),
                    display_name: r.get(3),
                    followers: r.get(4),
                    post_count: r.get(6),
                    influence: None,
                    stands_out: None,
                })
            }
            None => None,
        };
        self.fill_identity_cards(&mut author, &mut customer).await?;
        let events = self.case_events(case_id).await?;
        // The suggested reply needs the playbook: the engine's case view fills it.
        let priority_reasons = self.priority_reasons(case_id).await?;
        Ok(CaseDetail { case, posts, author, customer, events, priority_reasons, suggestion: None })
    }

    /// Puts each post's sentiment, topic and language on the case's posts:
    /// the team's label where there is one (named in `labelled`), else the
    /// model's prediction. One query for the whole case.
    async fn fill_understanding(&self, case_id: i64, posts: &mut [PostView]) -> Result<()> {
        if posts.is_empty() {
            return Ok(());
        }
        let rows = sqlx::query(
            "SELECT x.post_id, x.field, x.value, x.score, x.confidence, 'p' FROM predictions x
               WHERE x.post_id IN (SELECT id FROM posts WHERE case_id = $1)
             UNION ALL
             SELECT l.post_id, l.field, l.value, NULL, NULL, 'l' FROM labels l
               WHERE l.post_id IN (SELECT id FROM posts WHERE case_id = $1)",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        let index: std::collections::HashMap<i64, usize> = posts.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        // Predictions first, then labels over them.
        for pass in ["p", "l"] {
            for r in &rows {
                let kind: String = r.get(5);
                if kind != pass {
                    continue;
                }
                let Some(&i) = index.get(&r.get::<i64, _>(0)) else { continue };
                let post = &mut posts[i];
                let field: String = r.get(1);
                let value: String = r.get(2);
                let value = Some(value).filter(|v| !v.trim().is_empty());
                let (score, confidence): (Option<f64>, Option<f64>) = (r.get(3), r.get(4));
                match field.as_str() {
                    "sentiment" => {
                        post.sentiment = value;
                        post.sentiment_score = score;
                    }
                    "topic" => {
                        post.topic = value;
                        post.topic_confidence = confidence.or(score);
                    }
                    "language" => post.language = value,
                    _ => continue,
                }
                if pass == "l" && !post.labelled.contains(&field) {
                    post.labelled.push(field);
                }
            }
        }
        Ok(())
    }

    pub async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEvent>> {
        let rows = sqlx::query("SELECT id, case_id, at, actor, kind, summary, body FROM case_events WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let kind: String = r.get(4);
                Some(CaseEvent {
                    id: r.get(0),
                    case_id: r.get(1),
                    at: r.get(2),
                    actor: r.get(3),
                    kind: EventKind::parse(&kind)?,
                    summary: r.get(5),
                    body: r.get(6),
                })
            })
            .collect())
    }

    pub async fn customer_card(&self, customer_id: i64) -> Result<Option<CustomerCard>> {
        let row = sqlx::query("SELECT id, name, emails, value_tier, lifetime_value FROM customers WHERE id = $1")
            .bind(customer_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| {
            let emails: String = r.get(2);
            CustomerCard {
                id: r.get(0),
                name: r.get(1),
                emails: serde_json::from_str(&emails).unwrap_or_default(),
                value_tier: r.get(3),
                lifetime_value: r.get(4),
                customer_ref: None,
                handles: None,
                influence: None,
                stands_out: None,
            }
        }))
    }
}

fn push_filters(sql: &mut Sql, q: &InboxQuery) {
    sql.push(" WHERE 1 = 1");
    if let Some(status) = q.status {
        sql.push(" AND c.status = ").bind(status.as_str().to_string());
    }
    if q.unrouted {
        sql.push(" AND c.department_id IS NULL");
    } else if let Some(d) = q.department_id {
        sql.push(" AND c.department_id = ").bind(d);
    }
    if let Some(ch) = q.channel.as_deref().filter(|c| !c.is_empty()) {
        sql.push(" AND c.channel = ").bind(ch.to_string());
    }
    if let Some(m) = q.assignee_id {
        sql.push(" AND c.assignee_id = ").bind(m);
    }
    if q.needs_triage {
        // A topic left empty for want of confidence (the partial index
        // `predictions_needing_triage`), on a customer post nobody has labelled.
        sql.push(
            " AND c.id IN (SELECT p.case_id FROM predictions x JOIN posts p ON p.id = x.post_id
               WHERE x.field = 'topic' AND x.value = '' AND p.direction = 'inbound'
               AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.post_id = x.post_id AND l.field = 'topic'))",
        );
    }
    if let Some(words) = q.search.as_deref().map(search_words).filter(|w| !w.is_empty()) {
        // Cases with a post whose text or author has every word (as a word
        // prefix), through the full-text index (see the search migration).
        match sql.backend() {
            Backend::Sqlite => {
                let query: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                sql.push(" AND c.id IN (SELECT p.case_id FROM posts p WHERE p.id IN (SELECT rowid FROM post_search WHERE post_search MATCH ")
                    .bind(query.join(" "))
                    .push("))");
            }
            Backend::Postgres => {
                sql.push(
                    " AND c.id IN (SELECT p.case_id FROM post_search s JOIN posts p ON p.id = s.post_id WHERE s.doc @@ to_tsquery('simple',
                      array_to_string(ARRAY(SELECT quote_literal(l) || ':*' FROM unnest(tsvector_to_array(to_tsvector('simple',
                      regexp_replace(",
                )
                .bind(words.join(" "))
                .push(", '[^[:alnum:]]+', ' ', 'g')))) l), ' & ')))");
            }
        }
    }
}

/// The words of a search, lowercased: letters and digits, anything else
/// separates them ("@streamer_kai" is "streamer" and "kai").
pub fn search_words(search: &str) -> Vec<String> {
    search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect()
}

fn summary_from_row(r: &AnyRow) -> CaseSummary {
    let status: String = r.get(2);
    CaseSummary {
        id: r.get(0),
        channel: r.get(1),
        status: CaseStatus::parse(&status).unwrap_or(CaseStatus::New),
        department_id: r.get(3),
        department: r.get(4),
        assignee_id: r.get(5),
        assignee: r.get(6),
        priority: r.get(7),
        sla_due_at: r.get(8),
        version: r.get(9),
        author: r.get(10),
        author_name: r.get(11),
        account: r.get(12),
        subject: r.get(13),
        opened_at: r.get(14),
        last_post_at: r.get(15),
        first_response_at: r.get(16),
        post_count: r.get(17),
    }
}
