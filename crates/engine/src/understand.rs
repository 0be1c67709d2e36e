//! Understanding posts on the case log: sentiment, topic and language for
//! every post, learned from the team's own labels.
//!
//! - [`Desk::retrain`] learns each labelled field (`sentiment`, `topic`) from
//!   all its labels — imported with `--label` or set by agents — when they
//!   changed since the current model, and saves the model with its version.
//!   A field with too few labels keeps the lexicon (sentiment) or the
//!   keyword rules (topic).
//! - [`Desk::understand_new`] scores, in batches, every post whose prediction
//!   is missing or was made by another model version; each prediction keeps
//!   the version that made it. Running it twice changes nothing.
//! - [`Desk::correct`] records an agent's correction as a label (source
//!   `agent`), retrains the field, and rescores that post at once; the other
//!   posts are rescored by the next `understand_new`.

use serde::Serialize;
use switchboard_core::permission::Permission;
use switchboard_core::time::now_ms;
use switchboard_store::models::{NewPrediction, Prediction, StoredModel};
use switchboard_understand::{train, Analyzer, Example, Model, ModelError, Params};

use crate::{Desk, DeskError};

/// The fields the desk learns from labels.
pub const LEARNED: [&str; 2] = ["sentiment", "topic"];
pub const LANGUAGE: &str = "language";
/// Posts scored per batch.
const BATCH: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnderstandOutcome {
    /// Posts scored (each gets sentiment, topic and language).
    pub scored: u64,
    /// Of those, how many got no topic (sent to triage).
    pub to_triage: u64,
    pub sentiment_version: String,
    pub topic_version: String,
    pub language_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldTraining {
    pub field: String,
    /// The current model's version, if the field has one.
    pub version: Option<String>,
    /// Whether a new model was trained now.
    pub retrained: bool,
    pub trained_on: i64,
    pub labels: i64,
    /// Why there is no model, in plain words.
    pub note: Option<String>,
    pub millis: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetrainOutcome {
    pub fields: Vec<FieldTraining>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectionOutcome {
    pub post_id: i64,
    pub field: String,
    pub value: String,
    pub retrain: RetrainOutcome,
    /// The post's prediction for the field after rescoring.
    pub prediction: Option<Prediction>,
}

fn internal(e: impl std::fmt::Display) -> DeskError {
    DeskError { code: "internal", message: e.to_string() }
}

impl Desk {
    /// The analyzer with the workspace's current models (a model whose bytes
    /// cannot be read is left out, and the fallback applies).
    pub async fn analyzer(&self) -> Result<Analyzer, DeskError> {
        let mut models = Vec::new();
        for field in LEARNED {
            let m = self.store().model(field).await?.and_then(|m| Model::from_bytes(&m.bytes).ok());
            models.push(m);
        }
        let topic = models.pop().flatten();
        let sentiment = models.pop().flatten();
        Ok(Analyzer::new(sentiment, topic))
    }

    /// Trains every learned field whose labels changed since its model.
    pub async fn retrain(&self) -> Result<RetrainOutcome, DeskError> {
        let mut fields = Vec::new();
        for field in LEARNED {
            fields.push(self.retrain_field(field).await?);
        }
        Ok(RetrainOutcome { fields })
    }

    async fn retrain_field(&self, field: &str) -> Result<FieldTraining, DeskError> {
        let store = self.store();
        let stats = store.label_stats(field).await?;
        let current = store.model(field).await?;
        let mut out = FieldTraining {
            field: field.to_string(),
            version: current.as_ref().map(|m| m.version.clone()),
            retrained: false,
            trained_on: current.as_ref().map_or(0, |m| m.trained_on),
            labels: stats.count,
            note: None,
            millis: 0,
        };
        if current.as_ref().is_some_and(|m| m.labels == stats) || stats.count == 0 {
            if stats.count == 0 {
                out.note = Some(format!("no {field} labels yet"));
            }
            return Ok(out);
        }
        let examples: Vec<Example> =
            store.training_examples(field).await?.into_iter().map(|(text, label)| Example { text, label }).collect();
        let started = std::time::Instant::now();
        let name = field.to_string();
        let trained = tokio::task::spawn_blocking(move || train(&name, &examples, &Params::for_field(&name))).await.map_err(internal)?;
        out.millis = started.elapsed().as_millis() as u64;
        match trained {
            Ok(model) => {
                store
                    .save_model(&StoredModel {
                        field: field.to_string(),
                        version: model.version.clone(),
                        bytes: model.to_bytes(),
                        trained_on: model.trained_on as i64,
                        labels: stats,
                        at: now_ms(),
                    })
                    .await?;
                out.version = Some(model.version);
                out.trained_on = model.trained_on as i64;
                out.retrained = true;
            }
            Err(e @ ModelError::TooFew { .. }) => out.note = Some(e.to_string()),
            Err(e) => return Err(internal(e)),
        }
        Ok(out)
    }

    /// Scores every post lacking a prediction from the current models.
    pub async fn understand_new(&self) -> Result<UnderstandOutcome, DeskError> {
        let analyzer = self.analyzer().await?;
        let versions = [
            ("sentiment", analyzer.sentiment_version().to_string()),
            ("topic", analyzer.topic_version().to_string()),
            (LANGUAGE, analyzer.language_version().to_string()),
        ];
        let current: Vec<(&str, &str)> = versions.iter().map(|(f, v)| (*f, v.as_str())).collect();
        let mut out = UnderstandOutcome {
            scored: 0,
            to_triage: 0,
            sentiment_version: versions[0].1.clone(),
            topic_version: versions[1].1.clone(),
            language_version: versions[2].1.clone(),
        };
        let mut after = 0;
        loop {
            let posts = self.store().posts_to_predict(&current, after, BATCH).await?;
            let Some(last) = posts.last() else { break };
            after = last.id;
            let mut preds = Vec::with_capacity(posts.len() * 3);
            for p in &posts {
                let (row, triage) = predictions(&analyzer, &versions, p.id, &p.text);
                preds.extend(row);
                out.to_triage += triage as u64;
            }
            self.store().write_predictions(&preds).await?;
            out.scored += posts.len() as u64;
        }
        Ok(out)
    }

    /// Records an agent's correction of a post's field, retrains, and
    /// rescores the post.
    pub async fn correct(&self, post_id: i64, field: &str, value: &str) -> Result<CorrectionOutcome, DeskError> {
        self.require(Permission::CorrectPrediction)?;
        let field = field.trim();
        if field == LANGUAGE {
            return Err(DeskError::invalid("the language is detected, not learned; it cannot be corrected"));
        }
        self.store().correct_label(post_id, field, value).await?;
        let retrain = if LEARNED.contains(&field) { self.retrain().await? } else { RetrainOutcome { fields: Vec::new() } };
        let analyzer = self.analyzer().await?;
        let versions = [
            ("sentiment", analyzer.sentiment_version().to_string()),
            ("topic", analyzer.topic_version().to_string()),
            (LANGUAGE, analyzer.language_version().to_string()),
        ];
        if let Some(text) = self.store().post_text(post_id).await? {
            let (row, _) = predictions(&analyzer, &versions, post_id, &text);
            self.store().write_predictions(&row).await?;
        }
        Ok(CorrectionOutcome {
            post_id,
            field: field.to_string(),
            value: value.trim().to_string(),
            retrain,
            prediction: self.store().prediction(post_id, field).await?,
        })
    }
}

/// The three predictions for one post, and whether its topic went to triage.
fn predictions(a: &Analyzer, versions: &[(&str, String); 3], post_id: i64, text: &str) -> ([NewPrediction; 3], bool) {
    let r = a.analyze(text);
    let p = |field: &str, value: &str, score: Option<f32>, conf: Option<f32>, version: &str| NewPrediction {
        post_id,
        field: field.to_string(),
        value: value.to_string(),
        score: score.map(|s| s as f64),
        confidence: conf.map(|c| c as f64),
        model_version: version.to_string(),
    };
    (
        [
            p("sentiment", r.sentiment, Some(r.sentiment_score), Some(r.sentiment_confidence), &versions[0].1),
            p("topic", r.topic.unwrap_or(""), Some(r.topic_confidence), Some(r.topic_confidence), &versions[1].1),
            p(LANGUAGE, r.language, None, None, &versions[2].1),
        ],
        r.topic.is_none(),
    )
}
