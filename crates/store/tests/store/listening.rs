//! Listening queries with their tag, the per (query, account) search state
//! (cursor kept on failure, reset when the query reads differently), and
//! tags on cases (each new one a case event and a new version).

use serde_json::json;
use switchboard_core::case::EventKind;
use switchboard_store::ingest::Ingestor;
use switchboard_store::testing::stores;

use crate::support::inbound;

#[tokio::test]
async fn a_query_keeps_its_tag_and_each_account_search_its_cursor() {
    for db in stores().await {
        let s = &db.store;
        let q = s.upsert_listening_query("Outages", "outage", None, Some("  outage ")).await.unwrap();
        assert_eq!(q.tag.as_deref(), Some("outage"), "{}: trimmed", db.url);
        let q2 = s.upsert_listening_query("Outages", "outage OR down", None, None).await.unwrap();
        assert_eq!((q2.id, q2.tag), (q.id, None), "{}: replaced in place", db.url);
        assert_eq!(s.upsert_listening_query("Bad", "x", None, Some("   ")).await.unwrap_err().code(), "invalid", "{}", db.url);
        assert_eq!(s.upsert_listening_query("Bad", "x", None, Some(&"t".repeat(65))).await.unwrap_err().code(), "invalid", "{}", db.url);
        assert_eq!(s.upsert_listening_query("Bad", "x", None, Some("a\nb")).await.unwrap_err().code(), "invalid", "{}", db.url);

        let x = s.upsert_account("x", "lumen", "http://127.0.0.1:9", &json!({"user_id": "1"}), None).await.unwrap();
        let reddit = s.upsert_account("reddit", "lumen", "http://127.0.0.1:9", &json!({}), None).await.unwrap();
        assert_eq!(s.listening_search(q.id, x.id).await.unwrap(), None, "{}: never searched", db.url);

        s.record_search(q.id, x.id, "outage OR down", Some("c1"), 3, Some(50)).await.unwrap();
        s.record_search(q.id, reddit.id, "outage OR down", None, 0, Some(60)).await.unwrap();
        let sx = s.listening_search(q.id, x.id).await.unwrap().unwrap();
        assert_eq!((sx.cursor.as_deref(), sx.posts_found, sx.next_search_at), (Some("c1"), 3, Some(50)), "{}", db.url);
        assert!(sx.last_search_at.is_some(), "{}", db.url);
        assert_eq!(s.listening_search(q.id, reddit.id).await.unwrap().unwrap().cursor, None, "{}", db.url);

        // A failure keeps the cursor and says why; the next good page clears it.
        s.record_search_error(q.id, x.id, "outage OR down", "the network answered 503 (server error)", Some(70)).await.unwrap();
        let sx = s.listening_search(q.id, x.id).await.unwrap().unwrap();
        assert_eq!((sx.cursor.as_deref(), sx.next_search_at), (Some("c1"), Some(70)), "{}", db.url);
        assert!(sx.last_error.as_deref().unwrap().contains("503") && sx.last_error_at.is_some(), "{}", db.url);
        s.record_search(q.id, x.id, "outage OR down", None, 2, Some(80)).await.unwrap();
        let sx = s.listening_search(q.id, x.id).await.unwrap().unwrap();
        assert_eq!((sx.cursor.as_deref(), sx.posts_found, sx.last_error.as_deref()), (Some("c1"), 5, None), "{}: no new cursor keeps the old", db.url);
        assert_eq!(sx.cursor_for("outage OR down"), Some("c1"), "{}", db.url);
        assert_eq!(sx.cursor_for("outage"), None, "{}: a cursor belongs to its search", db.url);

        // The query now reads differently: its old cursor is dropped.
        s.record_search(q.id, x.id, "outage", None, 0, Some(90)).await.unwrap();
        let sx = s.listening_search(q.id, x.id).await.unwrap().unwrap();
        assert_eq!((sx.search.as_str(), sx.cursor), ("outage", None), "{}", db.url);
        assert_eq!(s.listening_searches().await.unwrap().len(), 2, "{}", db.url);
        // A first search that fails still leaves a row to show the error on.
        let q3 = s.upsert_listening_query("Press", "journalist", None, Some("press")).await.unwrap();
        s.record_search_error(q3.id, x.id, "journalist", "rate limited", Some(99)).await.unwrap();
        let s3 = s.listening_search(q3.id, x.id).await.unwrap().unwrap();
        assert_eq!((s3.cursor, s3.next_search_at, s3.last_error.as_deref()), (None, Some(99), Some("rate limited")), "{}", db.url);
    }
}

#[tokio::test]
async fn a_tag_is_put_on_a_case_once_with_its_event() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "import", "test")
            .write(&[inbound("t1", "ana", 0, None, "router down"), inbound("t2", "ben", 1, None, "billing")])
            .await
            .unwrap();
        let a = s.case_of_post("x", "t1").await.unwrap();
        let b = s.case_of_post("x", "t2").await.unwrap();
        let v0 = s.case_summary(a).await.unwrap().version;

        assert!(s.tag_case(a, " outage ", "listening:Outages").await.unwrap(), "{}", db.url);
        assert!(!s.tag_case(a, "outage", "kofi").await.unwrap(), "{}: already there", db.url);
        assert!(s.tag_case(a, "billing", "kofi").await.unwrap(), "{}", db.url);
        assert!(s.tag_case(b, "billing", "kofi").await.unwrap(), "{}", db.url);
        assert_eq!(s.case_tags(a).await.unwrap(), vec!["billing".to_string(), "outage".to_string()], "{}", db.url);
        assert_eq!(s.cases_tagged("billing").await.unwrap(), vec![a.min(b), a.max(b)], "{}: by case id", db.url);
        assert_eq!(s.cases_tagged("nothing").await.unwrap(), Vec::<i64>::new(), "{}", db.url);
        assert_eq!(s.case_summary(a).await.unwrap().version, v0 + 2, "{}: each new tag is a change", db.url);

        let events: Vec<_> = s.case_events(a).await.unwrap().into_iter().filter(|e| e.kind == EventKind::Tagged).collect();
        assert_eq!(events.len(), 2, "{}", db.url);
        assert_eq!((events[0].actor.as_str(), events[0].summary.as_str()), ("listening:Outages", "tagged outage"), "{}", db.url);

        assert_eq!(s.tag_case(a, "", "kofi").await.unwrap_err().code(), "invalid", "{}", db.url);
        assert_eq!(s.tag_case(987_654, "outage", "kofi").await.unwrap_err().code(), "not_found", "{}", db.url);
        assert_eq!(s.case_tags(987_654).await.unwrap(), Vec::<String>::new(), "{}", db.url);
    }
}
