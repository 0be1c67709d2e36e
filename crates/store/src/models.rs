//! Learned models and what they say about posts: the current model per
//! labelled field (bytes the understanding layer made, with the labels it
//! learned from), the training examples (post text with the team's label),
//! the posts whose predictions are missing or were made by an older model,
//! batched prediction writes, and agents' corrections, kept as labels with
//! source `agent`. The store does not read the model bytes.

use sqlx::Row;
use switchboard_core::time::now_ms;

use crate::sql::Sql;
use crate::{Result, Store, StoreError};

/// The source of a label an agent set in the app.
pub const AGENT_SOURCE: &str = "agent";

/// A stored model.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    pub field: String,
    pub version: String,
    pub bytes: Vec<u8>,
    pub trained_on: i64,
    /// The labels of the field when it was trained (see [`LabelStats`]).
    pub labels: LabelStats,
    pub at: i64,
}

/// How many labels a field has and when the newest was set: a model trained
/// on other stats is out of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LabelStats {
    pub count: i64,
    pub newest_at: i64,
}

/// A post to score.
#[derive(Debug, Clone, PartialEq)]
pub struct PostText {
    pub id: i64,
    pub text: String,
}

/// One prediction to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPrediction {
    pub post_id: i64,
    pub field: String,
    /// Empty when the model was not sure enough (the post goes to triage).
    pub value: String,
    pub score: Option<f64>,
    pub confidence: Option<f64>,
    pub model_version: String,
}

/// A prediction as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    pub value: String,
    pub score: Option<f64>,
    pub confidence: Option<f64>,
    pub model_version: String,
}

/// Rows per INSERT: 7 parameters each stays far below both backends' limits.
const BATCH: usize = 400;

impl Store {
    /// The current model for `field`, if one was saved.
    pub async fn model(&self, field: &str) -> Result<Option<StoredModel>> {
        let row = sqlx::query("SELECT version, bytes, trained_on, labels_count, labels_at, at FROM models WHERE field = $1")
            .bind(field)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| StoredModel {
            field: field.to_string(),
            version: r.get(0),
            bytes: r.get(1),
            trained_on: r.get(2),
            labels: LabelStats { count: r.get(3), newest_at: r.get(4) },
            at: r.get(5),
        }))
    }

    /// Makes `m` the current model for its field.
    pub async fn save_model(&self, m: &StoredModel) -> Result<()> {
        sqlx::query(
            "INSERT INTO models (field, version, bytes, trained_on, labels_count, labels_at, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (field) DO UPDATE SET version = excluded.version, bytes = excluded.bytes, trained_on = excluded.trained_on,
                 labels_count = excluded.labels_count, labels_at = excluded.labels_at, at = excluded.at",
        )
        .bind(&m.field)
        .bind(&m.version)
        .bind(m.bytes.clone())
        .bind(m.trained_on)
        .bind(m.labels.count)
        .bind(m.labels.newest_at)
        .bind(m.at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many labels `field` has, and the newest one's time.
    pub async fn label_stats(&self, field: &str) -> Result<LabelStats> {
        let r = sqlx::query("SELECT COUNT(*), COALESCE(MAX(at), 0) FROM labels WHERE field = $1")
            .bind(field)
            .fetch_one(self.pool())
            .await?;
        Ok(LabelStats { count: r.get(0), newest_at: r.get(1) })
    }

    /// Every (post text, label) for `field`, in post order.
    pub async fn training_examples(&self, field: &str) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT p.text, l.value FROM labels l JOIN posts p ON p.id = l.post_id WHERE l.field = $1 ORDER BY p.id")
            .bind(field)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Up to `limit` posts after `after_id` (by id) lacking a prediction for
    /// one of `current` (field, model version) pairs, or having one from
    /// another version.
    pub async fn posts_to_predict(&self, current: &[(&str, &str)], after_id: i64, limit: i64) -> Result<Vec<PostText>> {
        if current.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(self.backend(), "SELECT p.id, p.text FROM posts p WHERE p.id > ");
        sql.bind(after_id).push(" AND (");
        for (i, (field, version)) in current.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("NOT EXISTS (SELECT 1 FROM predictions x WHERE x.post_id = p.id AND x.field = ")
                .bind(field.to_string())
                .push(" AND x.model_version = ")
                .bind(version.to_string())
                .push(")");
        }
        sql.push(") ORDER BY p.id LIMIT ").bind(limit);
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| PostText { id: r.get(0), text: r.get(1) }).collect())
    }

    /// Writes predictions, replacing any earlier one for the same post and field.
    pub async fn write_predictions(&self, preds: &[NewPrediction]) -> Result<u64> {
        let now = now_ms();
        let mut written = 0;
        let mut tx = self.pool().begin().await?;
        for chunk in preds.chunks(BATCH) {
            let mut sql = Sql::new(self.backend(), "INSERT INTO predictions (post_id, field, value, score, confidence, model_version, at) VALUES ");
            for (i, p) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row(|r| {
                    r.bind(p.post_id)
                        .bind(p.field.clone())
                        .bind(p.value.clone())
                        .bind(p.score)
                        .bind(p.confidence)
                        .bind(p.model_version.clone())
                        .bind(now);
                });
            }
            sql.push(
                " ON CONFLICT (post_id, field) DO UPDATE SET value = excluded.value, score = excluded.score,
                  confidence = excluded.confidence, model_version = excluded.model_version, at = excluded.at",
            );
            written += sqlx::query_with(&sql.text, sql.args).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    }

    /// The prediction for a post's field, if any.
    pub async fn prediction(&self, post_id: i64, field: &str) -> Result<Option<Prediction>> {
        let row = sqlx::query("SELECT value, score, confidence, model_version FROM predictions WHERE post_id = $1 AND field = $2")
            .bind(post_id)
            .bind(field)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| Prediction { value: r.get(0), score: r.get(1), confidence: r.get(2), model_version: r.get(3) }))
    }

    /// A post's text, if the post exists.
    pub async fn post_text(&self, post_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT text FROM posts WHERE id = $1").bind(post_id).fetch_optional(self.pool()).await?)
    }

    /// The team's label on a post's field, with its source.
    pub async fn label(&self, post_id: i64, field: &str) -> Result<Option<(String, String)>> {
        let row = sqlx::query("SELECT value, source FROM labels WHERE post_id = $1 AND field = $2")
            .bind(post_id)
            .bind(field)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    /// Records an agent's correction of a post's `field` as a label with
    /// source `agent` (replacing an imported or earlier label).
    pub async fn correct_label(&self, post_id: i64, field: &str, value: &str) -> Result<()> {
        let (field, value) = (field.trim(), value.trim());
        if field.is_empty() || value.is_empty() {
            return Err(StoreError::Invalid("a correction needs a field and a value".into()));
        }
        let exists = sqlx::query("SELECT id FROM posts WHERE id = $1").bind(post_id).fetch_optional(self.pool()).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("no post #{post_id}")));
        }
        // Strictly newer than any label of the field, so a retrain is due even
        // when two corrections land in the same millisecond.
        let newest = self.label_stats(field).await?.newest_at;
        let at = now_ms().max(newest + 1);
        sqlx::query(
            "INSERT INTO labels (post_id, field, value, source, at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (post_id, field) DO UPDATE SET value = excluded.value, source = excluded.source, at = excluded.at",
        )
        .bind(post_id)
        .bind(field)
        .bind(value)
        .bind(AGENT_SOURCE)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
