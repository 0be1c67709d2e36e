//! Understanding posts on the case log, on generated labelled posts: import
//! labelled posts, retrain, and every post gets sentiment, topic and language
//! with the version of the model that made them; a second run changes
//! nothing; an agent's correction becomes a label the next model learns from.

use switchboard_core::post::{Direction, NewPost};
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;

const BODIES: &[(&str, &str, &str)] = &[
    ("still waiting for my bag at the carousel", "negative", "lost luggage"),
    ("where is my suitcase, it never arrived", "negative", "lost luggage"),
    ("3rd time calling, no answer", "negative", "customer service"),
    ("on hold for an hour and nobody picks up", "negative", "customer service"),
    ("thanks so much, the crew was wonderful", "positive", "praise"),
    ("great flight, smooth landing, love it", "positive", "praise"),
    ("what time does boarding start for the morning flight", "neutral", "question"),
    ("do you fly to Lisbon in the summer", "neutral", "question"),
];

fn post(i: usize, labelled: bool) -> IngestPost {
    let (text, sentiment, topic) = BODIES[i % BODIES.len()];
    IngestPost {
        post: NewPost {
            channel: "x".into(),
            external_id: format!("p{i}"),
            author: format!("user{}", i % 13),
            author_name: None,
            author_followers: None,
            direction: Direction::Inbound,
            text: format!("@airline {text} #{i}"),
            created_at: 1_700_000_000_000 + i as i64 * 60_000,
            reply_to: None,
            account: None,
            labels: if labelled { vec![("sentiment".into(), sentiment.into()), ("topic".into(), topic.into())] } else { Vec::new() },
        },
        conversation: None,
    }
}

async fn post_id(desk: &Desk, ext: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM posts WHERE external_id = $1").bind(ext).fetch_one(desk.store().pool()).await.unwrap()
}

#[tokio::test]
async fn labelled_posts_teach_the_models_that_score_the_rest() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let labelled: Vec<IngestPost> = (0..80).map(|i| post(i, true)).collect();
        Ingestor::new(desk.store(), "import", "test").write(&labelled).await.unwrap();

        let r = desk.retrain().await.unwrap();
        assert!(r.fields.iter().all(|f| f.retrained && f.trained_on == 80), "{}: {r:?}", db.url);
        let versions: Vec<String> = r.fields.iter().map(|f| f.version.clone().unwrap()).collect();
        let again = desk.retrain().await.unwrap();
        assert!(again.fields.iter().all(|f| !f.retrained), "{}: no new labels, no retrain", db.url);

        let fresh: Vec<IngestPost> = (100..110).map(|i| post(i, false)).collect();
        Ingestor::new(desk.store(), "import", "test").write(&fresh).await.unwrap();
        let u = desk.understand_new().await.unwrap();
        assert_eq!(u.scored, 90, "{}: every post scored", db.url);
        assert_eq!((u.sentiment_version.as_str(), u.topic_version.as_str()), (versions[0].as_str(), versions[1].as_str()));
        assert_eq!(desk.understand_new().await.unwrap().scored, 0, "{}: idempotent", db.url);

        // p100 is BODIES[4]: praise; p104 is BODIES[0]: a quiet complaint about a bag.
        let bag = post_id(&desk, "p104").await;
        let s = desk.store().prediction(bag, "sentiment").await.unwrap().unwrap();
        assert_eq!((s.value.as_str(), s.model_version.as_str()), ("negative", versions[0].as_str()), "{}", db.url);
        assert!(s.score.unwrap() < 0.0 && s.confidence.unwrap() > 0.5, "{}: {s:?}", db.url);
        let t = desk.store().prediction(bag, "topic").await.unwrap().unwrap();
        assert_eq!(t.value, "lost luggage", "{}", db.url);
        let l = desk.store().prediction(bag, "language").await.unwrap().unwrap();
        assert_eq!(l.value, "en", "{}", db.url);

        // An agent corrects a topic: it becomes a label, the model retrains on it.
        let c = desk.correct(bag, "topic", "baggage delay").await.unwrap();
        assert_eq!(desk.store().label(bag, "topic").await.unwrap(), Some(("baggage delay".into(), "agent".into())), "{}", db.url);
        let topic = c.retrain.fields.iter().find(|f| f.field == "topic").unwrap();
        assert!(topic.retrained && topic.trained_on == 81, "{}: {topic:?}", db.url);
        let new_version = topic.version.clone().unwrap();
        assert_ne!(new_version, versions[1], "{}", db.url);
        assert_eq!(c.prediction.as_ref().unwrap().model_version, new_version, "{}: the post is rescored at once", db.url);
        let stored = desk.store().model("topic").await.unwrap().unwrap();
        let model = switchboard_understand::Model::from_bytes(&stored.bytes).unwrap();
        assert!(model.classes.contains(&"baggage delay".to_string()), "{}: the new value was learned", db.url);
        // The rest are rescored by the next run, with the new version.
        assert_eq!(desk.understand_new().await.unwrap().scored, 89, "{}", db.url);

        assert_eq!(desk.correct(bag, "language", "fr").await.unwrap_err().code, "invalid");
        assert_eq!(desk.correct(123_456, "topic", "x").await.unwrap_err().code, "not_found");
    }
}

#[tokio::test]
async fn without_labels_the_lexicon_and_keyword_rules_answer() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let posts: Vec<IngestPost> = (0..8).map(|i| post(i, false)).collect();
        Ingestor::new(desk.store(), "import", "test").write(&posts).await.unwrap();
        let r = desk.retrain().await.unwrap();
        assert!(r.fields.iter().all(|f| f.version.is_none() && f.note.is_some()), "{}: {r:?}", db.url);
        let u = desk.understand_new().await.unwrap();
        assert_eq!(u.scored, 8, "{}", db.url);
        assert_eq!(u.sentiment_version, switchboard_understand::LEXICON_VERSION);
        let thanks = post_id(&desk, "p4").await;
        let s = desk.store().prediction(thanks, "sentiment").await.unwrap().unwrap();
        assert_eq!(s.value, "positive", "{}", db.url);
        let t = desk.store().prediction(thanks, "topic").await.unwrap().unwrap();
        assert_eq!(t.value, "praise", "{}: a keyword rule", db.url);
    }
}
