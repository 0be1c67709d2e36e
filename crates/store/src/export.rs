//! The rows `switchboard export` writes: every post with its case, department
//! and status, the predictions made on it and the team's labels; and every
//! case with its state. Rows stream to a callback, so exports of millions of
//! posts run in constant memory.

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::Row;
use switchboard_core::time::to_rfc3339;

use crate::sql::Sql;
use crate::{Result, Store};

/// Predicted fields, in column order. The understanding layer fills them.
pub const PREDICTED: [&str; 3] = ["sentiment", "topic", "language"];

#[derive(Debug, Clone, Serialize)]
pub struct ExportPost {
    pub case_id: i64,
    pub channel: String,
    pub external_id: String,
    pub direction: String,
    pub author: String,
    pub author_name: Option<String>,
    pub created_at: String,
    pub text: String,
    pub reply_to: Option<String>,
    pub conversation: String,
    pub account: Option<String>,
    pub status: String,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub priority: f64,
    pub sentiment: Option<String>,
    pub sentiment_score: Option<f64>,
    pub topic: Option<String>,
    pub topic_confidence: Option<f64>,
    pub language: Option<String>,
    /// (field, value) for every label field present in the store, in name order.
    #[serde(skip)]
    pub labels: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportCase {
    pub case_id: i64,
    pub channel: String,
    pub status: String,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub priority: f64,
    pub author: String,
    pub account: Option<String>,
    pub subject: String,
    pub opened_at: String,
    pub first_customer_at: Option<String>,
    pub first_response_at: Option<String>,
    pub first_response_s: Option<i64>,
    pub last_post_at: String,
    pub post_count: i64,
    pub version: i64,
}

impl Store {
    /// The label fields present, e.g. ["sentiment", "topic"].
    pub async fn label_fields(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT field FROM labels ORDER BY field").fetch_all(self.pool()).await?)
    }

    pub async fn export_posts(&self, label_fields: &[String], mut each: impl FnMut(ExportPost) -> std::io::Result<()>) -> Result<u64> {
        let mut sql = Sql::new(
            self.backend(),
            "SELECT p.case_id, p.channel, p.external_id, p.direction, a.handle, a.display_name, p.created_at, p.text,
                    p.reply_to, p.conversation, p.account, c.status, d.name, m.name, c.priority",
        );
        for field in PREDICTED {
            sql.push(", (SELECT x.value FROM predictions x WHERE x.post_id = p.id AND x.field = ").bind(field.to_string()).push(")");
            sql.push(", (SELECT x.score FROM predictions x WHERE x.post_id = p.id AND x.field = ").bind(field.to_string()).push(")");
        }
        for field in label_fields {
            sql.push(", (SELECT l.value FROM labels l WHERE l.post_id = p.id AND l.field = ").bind(field.clone()).push(")");
        }
        sql.push(
            " FROM posts p JOIN authors a ON a.id = p.author_id JOIN cases c ON c.id = p.case_id
              LEFT JOIN departments d ON d.id = c.department_id LEFT JOIN members m ON m.id = c.assignee_id
              ORDER BY p.id",
        );
        let mut rows = sqlx::query_with(&sql.text, sql.args).fetch(self.pool());
        let mut n = 0;
        while let Some(r) = rows.try_next().await? {
            let labels = label_fields.iter().enumerate().map(|(i, f)| (f.clone(), r.get(21 + i))).collect();
            each(ExportPost {
                case_id: r.get(0),
                channel: r.get(1),
                external_id: r.get(2),
                direction: r.get(3),
                author: r.get(4),
                author_name: r.get(5),
                created_at: to_rfc3339(r.get(6)),
                text: r.get(7),
                reply_to: r.get(8),
                conversation: r.get(9),
                account: r.get(10),
                status: r.get(11),
                department: r.get(12),
                assignee: r.get(13),
                priority: r.get(14),
                sentiment: r.get(15),
                sentiment_score: r.get(16),
                topic: r.get(17),
                topic_confidence: r.get(18),
                language: r.get(19),
                labels,
            })
?;
            n += 1;
        }
        Ok(n)
    }

    pub async fn export_cases(&self, mut each: impl FnMut(ExportCase) -> std::io::Result<()>) -> Result<u64> {
        let mut rows = sqlx::query(
            "SELECT c.id, c.channel, c.status, d.name, m.name, c.priority, COALESCE(a.handle, ''), c.account, c.subject,
                    c.opened_at, c.first_customer_at, c.first_response_at, c.last_post_at, c.post_count, c.version
             FROM cases c LEFT JOIN departments d ON d.id = c.department_id LEFT JOIN members m ON m.id = c.assignee_id
             LEFT JOIN authors a ON a.id = c.author_id ORDER BY c.id",
        )
        .fetch(self.pool());
        let mut n = 0;
        while let Some(r) = rows.try_next().await? {
            let first_customer: Option<i64> = r.get(10);
            let first_response: Option<i64> = r.get(11);
            each(ExportCase {
                case_id: r.get(0),
                channel: r.get(1),
                status: r.get(2),
                department: r.get(3),
                assignee: r.get(4),
                priority: r.get(5),
                author: r.get(6),
                account: r.get(7),
                subject: r.get(8),
                opened_at: to_rfc3339(r.get(9)),
                first_customer_at: first_customer.map(to_rfc3339),
                first_response_at: first_response.map(to_rfc3339),
                first_response_s: first_customer.zip(first_response).map(|(c, r)| (r - c) / 1000),
                last_post_at: to_rfc3339(r.get(12)),
                post_count: r.get(13),
                version: r.get(14),
            })
?;
            n += 1;
        }
        Ok(n)
    }
}
