//! The rows reports and the executive board are computed from. Reports read
//! the cases of a period (those whose first customer post falls in it), their
//! posts with each post's sentiment and topic (the team's label first, else
//! the model's prediction) and the events that move or close them; the
//! engine turns these into figures. The board reads grouped counts only, so
//! it stays fast on millions of posts: customer posts in its window by time
//! bucket, sentiment and topic (`posts_by_time`), cases answered per bucket
//! and cases started in the window (`cases_by_first_response`,
//! `cases_by_first_customer`), and the load of each department right now.

use sqlx::Row;
use switchboard_core::report::ReportQuery;

use crate::sql::Sql;
use crate::{Result, Store};

/// One case of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCase {
    pub id: i64,
    pub channel: String,
    pub account: Option<String>,
    pub department_id: Option<i64>,
    pub department_slug: Option<String>,
    pub department_name: Option<String>,
    pub assignee_handle: Option<String>,
    pub assignee_name: Option<String>,
    pub status: String,
    pub first_customer_at: i64,
    pub first_response_at: Option<i64>,
    pub sla_policy: Option<String>,
    pub author_id: Option<i64>,
    pub author_handle: String,
    pub author_followers: Option<i64>,
}

/// One post of a report's case.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPost {
    pub case_id: i64,
    pub inbound: bool,
    pub created_at: i64,
    pub sentiment: Option<String>,
    pub topic: Option<String>,
}

/// A `moved` or `status_changed` event of a report's case.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportEvent {
    pub case_id: i64,
    pub kind: String,
    pub summary: String,
    pub at: i64,
}

/// Customer posts of one board bucket with one sentiment and topic.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardPostCount {
    pub bucket: i64,
    pub sentiment: Option<String>,
    pub topic: Option<String>,
    pub count: i64,
}

/// A case started in the board's window, for its SLA figure.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardSlaCase {
    pub first_customer_at: i64,
    pub first_response_at: Option<i64>,
    pub sla_policy: Option<String>,
    pub department_slug: Option<String>,
}

/// A department's unresolved cases right now (`None`: unrouted).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardLoad {
    pub department: Option<String>,
    pub open: i64,
    pub overdue: i64,
    pub unassigned: i64,
}

/// An author who wrote in during the board's window.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardAuthor {
    pub handle: String,
    pub channel: String,
    pub followers: Option<i64>,
    pub cases: i64,
    pub posts: i64,
    pub answered: i64,
}

/// The judgement of `field` on post `p`: the label, else the prediction.
fn judged(field: &str) -> String {
    format!(
        "COALESCE((SELECT l.value FROM labels l WHERE l.post_id = p.id AND l.field = '{field}'),
                  (SELECT r.value FROM predictions r WHERE r.post_id = p.id AND r.field = '{field}'))"
    )
}

/// The report's cases: a customer wrote first, the first customer post is in
/// the period, and the case matches the query's case filters (the topic is
/// the engine's to filter, from the posts).
fn push_case_filters(sql: &mut Sql, q: &ReportQuery) {
    sql.push(" WHERE c.first_customer_at IS NOT NULL AND c.first_customer_at <= c.opened_at");
    if let Some(from) = q.from {
        sql.push(" AND c.first_customer_at >= ").bind(from);
    }
    if let Some(to) = q.to {
        sql.push(" AND c.first_customer_at < ").bind(to);
    }
    if let Some(ch) = &q.channel {
        sql.push(" AND c.channel = ").bind(ch.clone());
    }
    if let Some(d) = q.department_id {
        sql.push(" AND c.department_id = ").bind(d);
    }
    if let Some(a) = &q.account {
        sql.push(" AND c.account = ").bind(a.clone());
    }
}

impl Store {
    /// The cases a report covers, in id order.
    pub async fn report_cases(&self, q: &ReportQuery) -> Result<Vec<ReportCase>> {
        let mut sql = Sql::new(
            self.backend(),
            "SELECT c.id, c.channel, c.account, c.department_id, d.slug, d.name, m.handle, m.name, c.status,
                    c.first_customer_at, c.first_response_at, c.sla_policy, c.author_id, COALESCE(a.handle, ''), a.followers
             FROM cases c
             LEFT JOIN departments d ON d.id = c.department_id
             LEFT JOIN members m ON m.id = c.assignee_id
             LEFT JOIN authors a ON a.id = c.author_id",
        );
        push_case_filters(&mut sql, q);
        sql.push(" ORDER BY c.id");
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| ReportCase {
                id: r.get(0),
                channel: r.get(1),
                account: r.get(2),
                department_id: r.get(3),
                department_slug: r.get(4),
                department_name: r.get(5),
                assignee_handle: r.get(6),
                assignee_name: r.get(7),
                status: r.get(8),
                first_customer_at: r.get(9),
                first_response_at: r.get(10),
                sla_policy: r.get(11),
                author_id: r.get(12),
                author_handle: r.get(13),
                author_followers: r.get(14),
            })
            .collect())
    }

    /// The posts of the report's cases, by case then time.
    pub async fn report_posts(&self, q: &ReportQuery) -> Result<Vec<ReportPost>> {
        let mut sql = Sql::new(
            self.backend(),
            &format!(
                "SELECT p.case_id, p.direction, p.created_at,
                        CASE WHEN p.direction = 'inbound' THEN {} END,
                        CASE WHEN p.direction = 'inbound' THEN {} END
                 FROM posts p JOIN cases c ON c.id = p.case_id",
                judged("sentiment"),
                judged("topic")
            ),
        );
        push_case_filters(&mut sql, q);
        sql.push(" ORDER BY p.case_id, p.created_at, p.id");
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| ReportPost {
                case_id: r.get(0),
                inbound: r.get::<String, _>(1) == "inbound",
                created_at: r.get(2),
                sentiment: r.get(3),
                topic: r.get(4),
            })
            .collect())
    }

    /// The moves, hand-offs and status changes of the report's cases, in order.
    pub async fn report_events(&self, q: &ReportQuery) -> Result<Vec<ReportEvent>> {
        let mut sql = Sql::new(self.backend(), "SELECT e.case_id, e.kind, e.summary, e.at FROM case_events e JOIN cases c ON c.id = e.case_id");
        push_case_filters(&mut sql, q);
        sql.push(" AND e.kind IN ('moved', 'handed_off', 'status_changed') ORDER BY e.case_id, e.at, e.id");
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| ReportEvent { case_id: r.get(0), kind: r.get(1), summary: r.get(2), at: r.get(3) }).collect())
    }

    /// The time of the newest post, if any.
    pub async fn latest_post_at(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT MAX(created_at) FROM posts").fetch_one(self.pool()).await?)
    }

    /// Customer posts in `[from, to)` grouped by bucket (`(created_at - from) / bucket_ms`), sentiment and topic.
    pub async fn board_posts(&self, from: i64, to: i64, bucket_ms: i64) -> Result<Vec<BoardPostCount>> {
        let mut sql = Sql::new(self.backend(), "SELECT (p.created_at - ");
        sql.bind(from).push(") / ").bind(bucket_ms.max(1));
        sql.push(&format!(", {}, {}, COUNT(*) FROM posts p WHERE p.created_at >= ", judged("sentiment"), judged("topic")));
        sql.bind(from).push(" AND p.created_at < ").bind(to);
        sql.push(" AND p.direction = 'inbound' GROUP BY 1, 2, 3");
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| BoardPostCount { bucket: r.get(0), sentiment: r.get(1), topic: r.get(2), count: r.get(3) })
            .collect())
    }

    /// Cases first answered in `[from, to)`, per bucket.
    pub async fn board_answered(&self, from: i64, to: i64, bucket_ms: i64) -> Result<Vec<(i64, i64)>> {
        let mut sql = Sql::new(self.backend(), "SELECT (c.first_response_at - ");
        sql.bind(from).push(") / ").bind(bucket_ms.max(1));
        sql.push(", COUNT(*) FROM cases c WHERE c.first_response_at >= ").bind(from);
        sql.push(" AND c.first_response_at < ").bind(to).push(" GROUP BY 1");
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Cases a customer started in `[from, to)`, for the SLA figure.
    pub async fn board_sla_cases(&self, from: i64, to: i64) -> Result<Vec<BoardSlaCase>> {
        let rows = sqlx::query(
            "SELECT c.first_customer_at, c.first_response_at, c.sla_policy, d.slug
             FROM cases c LEFT JOIN departments d ON d.id = c.department_id
             WHERE c.first_customer_at >= $1 AND c.first_customer_at < $2 AND c.first_customer_at <= c.opened_at",
        )
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| BoardSlaCase { first_customer_at: r.get(0), first_response_at: r.get(1), sla_policy: r.get(2), department_slug: r.get(3) })
            .collect())
    }

    /// Unresolved cases per department right now: all, past their SLA due
    /// instant (`now`), and without an assignee.
    pub async fn board_load(&self, now: i64) -> Result<Vec<BoardLoad>> {
        let rows = sqlx::query(
            "SELECT d.name, x.open, x.overdue, x.unassigned FROM (
                 SELECT c.department_id AS department_id, COUNT(*) AS open,
                        SUM(CASE WHEN c.sla_due_at < $1 THEN 1 ELSE 0 END) AS overdue,
                        SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned
                 FROM cases c WHERE c.status IN ('new', 'open', 'pending') GROUP BY c.department_id
             ) x LEFT JOIN departments d ON d.id = x.department_id ORDER BY x.open DESC",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| BoardLoad { department: r.get(0), open: r.get(1), overdue: r.get(2), unassigned: r.get(3) })
            .collect())
    }

    /// The authors of customer posts in `[from, to)` with the most followers
    /// (then the most cases), at most `limit`.
    pub async fn board_authors(&self, from: i64, to: i64, limit: i64) -> Result<Vec<BoardAuthor>> {
        let rows = sqlx::query(
            "SELECT a.handle, a.channel, a.followers, x.cases, x.posts,
                    (SELECT COUNT(*) FROM cases k WHERE k.author_id = a.id AND k.first_response_at IS NOT NULL)
             FROM (SELECT p.author_id AS author_id, COUNT(DISTINCT p.case_id) AS cases, COUNT(*) AS posts
                   FROM posts p WHERE p.created_at >= $1 AND p.created_at < $2 AND p.direction = 'inbound'
                   GROUP BY p.author_id) x
             JOIN authors a ON a.id = x.author_id
             ORDER BY COALESCE(a.followers, 0) DESC, x.cases DESC, a.id LIMIT $3",
        )
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| BoardAuthor {
                handle: r.get(0),
                channel: r.get(1),
                followers: r.get(2),
                cases: r.get(3),
                posts: r.get(4),
                answered: r.get(5),
            })
            .collect())
    }
}
