//! Models and predictions: the current model per field with the label stats
//! it learned from, training examples, posts lacking a current prediction,
//! batched prediction writes, and agents' corrections as labels.

use switchboard_store::ingest::Ingestor;
use switchboard_store::models::{NewPrediction, StoredModel};
use switchboard_store::testing::stores;

use crate::support::*;

fn pred(post_id: i64, field: &str, value: &str, version: &str) -> NewPrediction {
    NewPrediction {
        post_id,
        field: field.into(),
        value: value.into(),
        score: Some(-0.5),
        confidence: Some(0.9),
        model_version: version.into(),
    }
}

#[tokio::test]
async fn models_predictions_and_corrections() {
    for db in stores().await {
        let s = &db.store;
        let mut a = inbound("1", "ana", 0, None, "still waiting for my bag");
        a.post.labels = vec![("sentiment".into(), "negative".into())];
        let b = inbound("2", "ben", 1, None, "thanks for the help");
        Ingestor::new(s, "import", "t").write(&[a, b]).await.unwrap();
        let id = |ext: &'static str| async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM posts WHERE external_id = $1").bind(ext).fetch_one(s.pool()).await.unwrap()
        };
        let (pa, pb) = (id("1").await, id("2").await);

        assert_eq!(s.model("sentiment").await.unwrap(), None, "{}: no model yet", db.url);
        let stats = s.label_stats("sentiment").await.unwrap();
        assert_eq!(stats.count, 1, "{}", db.url);
        assert_eq!(s.training_examples("sentiment").await.unwrap(), vec![("still waiting for my bag".to_string(), "negative".to_string())]);

        let bytes: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        let m = StoredModel { field: "sentiment".into(), version: "sentiment-1".into(), bytes, trained_on: 1, labels: stats, at: T0 };
        s.save_model(&m).await.unwrap();
        assert_eq!(s.model("sentiment").await.unwrap().as_ref(), Some(&m), "{}: bytes come back intact", db.url);
        s.save_model(&StoredModel { version: "sentiment-2".into(), ..m.clone() }).await.unwrap();
        assert_eq!(s.model("sentiment").await.unwrap().unwrap().version, "sentiment-2", "{}: one current model per field", db.url);

        let current = [("sentiment", "sentiment-2"), ("language", "lang-1")];
        let todo = s.posts_to_predict(&current, 0, 10).await.unwrap();
        assert_eq!(todo.iter().map(|p| p.id).collect::<Vec<_>>(), vec![pa, pb], "{}", db.url);
        assert_eq!(s.posts_to_predict(&current, pa, 10).await.unwrap().len(), 1, "{}: paged by id", db.url);

        let n = s
            .write_predictions(&[pred(pa, "sentiment", "negative", "sentiment-2"), pred(pa, "language", "en", "lang-1"), pred(pb, "sentiment", "positive", "sentiment-1")])
            .await
            .unwrap();
        assert_eq!(n, 3, "{}", db.url);
        let todo = s.posts_to_predict(&current, 0, 10).await.unwrap();
        assert_eq!(todo.iter().map(|p| p.id).collect::<Vec<_>>(), vec![pb], "{}: only the stale and missing", db.url);
        s.write_predictions(&[pred(pb, "sentiment", "positive", "sentiment-2"), pred(pb, "language", "en", "lang-1")]).await.unwrap();
        assert!(s.posts_to_predict(&current, 0, 10).await.unwrap().is_empty(), "{}", db.url);
        let p = s.prediction(pb, "sentiment").await.unwrap().unwrap();
        assert_eq!((p.value.as_str(), p.model_version.as_str(), p.score, p.confidence), ("positive", "sentiment-2", Some(-0.5), Some(0.9)));

        // The export carries the predictions next to the labels.
        let fields = s.label_fields().await.unwrap();
        let mut rows = Vec::new();
        s.export_posts(&fields, |r| {
            rows.push(r);
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(rows[0].sentiment.as_deref(), Some("negative"), "{}", db.url);
        assert_eq!(rows[0].language.as_deref(), Some("en"), "{}", db.url);

        // An agent's correction replaces the imported label and is newer than any.
        s.correct_label(pa, "sentiment", "neutral").await.unwrap();
        assert_eq!(s.label(pa, "sentiment").await.unwrap(), Some(("neutral".into(), "agent".into())), "{}", db.url);
        let after = s.label_stats("sentiment").await.unwrap();
        assert_eq!(after.count, 1, "{}", db.url);
        assert!(after.newest_at > stats.newest_at, "{}: a retrain is due", db.url);
        s.correct_label(pb, "topic", "praise").await.unwrap();
        assert_eq!(s.label_stats("topic").await.unwrap().count, 1);
        assert_eq!(s.correct_label(999_999, "topic", "x").await.unwrap_err().code(), "not_found");
        assert_eq!(s.correct_label(pa, "topic", " ").await.unwrap_err().code(), "invalid");
    }
}
