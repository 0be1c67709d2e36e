use serde_json::json;
use switchboard_store::testing::stores;

#[tokio::test]
async fn an_account_keeps_its_cursor_counts_and_last_error() {
    for db in stores().await {
        let s = &db.store;
        let a = s
            .upsert_account("rss", "Lumen reviews", "http://127.0.0.1:9/feed.xml", &json!({"channel": "reviews"}), None)
            .await
            .unwrap();
        assert_eq!((a.posts_fetched, a.last_poll_at, a.enabled), (0, None, true), "{}", db.url);
        assert_eq!(s.account_state(a.id).await.unwrap(), (json!({"channel": "reviews"}), None), "{}", db.url);

        s.record_poll(a.id, Some("c1"), 12, Some(5)).await.unwrap();
        s.record_poll_error(a.id, "the feed answered 503 (server error); retrying", Some(9)).await.unwrap();
        let a2 = s.account(a.id).await.unwrap();
        assert_eq!(a2.posts_fetched, 12, "{}", db.url);
        assert_eq!(a2.next_poll_at, Some(9), "{}", db.url);
        assert!(a2.last_error.as_deref().unwrap().contains("503"), "{}", db.url);
        assert_eq!(s.account_state(a.id).await.unwrap().1.as_deref(), Some("c1"), "{}: an error keeps the cursor", db.url);

        // A good poll with nothing new keeps the cursor and clears the error.
        s.record_poll(a.id, None, 0, None).await.unwrap();
        let a3 = s.account(a.id).await.unwrap();
        assert_eq!((a3.last_error, a3.posts_fetched), (None, 12), "{}", db.url);
        assert_eq!(s.account_state(a.id).await.unwrap().1.as_deref(), Some("c1"), "{}", db.url);

        // Connecting it again updates it in place.
        let again = s.upsert_account("rss", "Lumen reviews", "http://127.0.0.1:9/new.xml", &json!({}), Some("rss:x/token")).await.unwrap();
        assert_eq!(again.id, a.id, "{}", db.url);
        assert_eq!(again.secret_ref.as_deref(), Some("rss:x/token"), "{}", db.url);
        assert_eq!(s.accounts().await.unwrap().len(), 1, "{}", db.url);
        assert!(s.upsert_account("", "x", "u", &json!({}), None).await.is_err());
        assert_eq!(s.account(999).await.unwrap_err().code(), "not_found");
    }
}
