use switchboard_core::case::CaseStatus;
use switchboard_core::view::InboxQuery;
use switchboard_store::ingest::Ingestor;
use switchboard_store::testing::stores;

use crate::support::*;

#[tokio::test]
async fn the_same_posts_twice_are_stored_once() {
    for db in stores().await {
        let s = &db.store;
        let batch = vec![
            inbound("1", "ana", 0, None, "my bag is lost"),
            outbound("2", 5, "1", "sorry, DM us"),
            inbound("3", "ana", 9, Some("2"), "done"),
            inbound("9", "bo", 1, None, "hello"),
        ];
        let first = Ingestor::new(s, "test", "t").write(&batch).await.unwrap();
        assert_eq!((first.inserted, first.new_cases), (4, 2), "{}: 4 posts in 2 conversations", db.url);
        let again = Ingestor::new(s, "test", "t").write(&batch).await.unwrap();
        assert_eq!((again.inserted, again.duplicates, again.new_cases), (0, 4, 0), "{}: nothing new the second time", db.url);
        assert_eq!(s.post_count().await.unwrap(), 4, "{}", db.url);
        assert_eq!(s.case_count().await.unwrap(), 2, "{}", db.url);
    }
}

#[tokio::test]
async fn duplicates_within_one_batch_keep_the_first() {
    for db in stores().await {
        let s = &db.store;
        let out = Ingestor::new(s, "test", "t")
            .write(&[inbound("1", "ana", 0, None, "first"), inbound("1", "ana", 0, None, "second")])
            .await
            .unwrap();
        assert_eq!((out.inserted, out.duplicates), (1, 1), "{}", db.url);
        let page = s.inbox(&InboxQuery { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(page.items[0].subject, "first", "{}", db.url);
    }
}

#[tokio::test]
async fn replies_join_the_conversation_of_a_stored_parent_and_refresh_the_case() {
    for db in stores().await {
        let s = &db.store;
        let mut ing = Ingestor::new(s, "test", "t");
        ing.write(&[inbound("1", "ana", 0, None, "router broken")]).await.unwrap();
        let case_id = s.case_of_post("x", "1").await.unwrap();
        let before = s.case_summary(case_id).await.unwrap();
        assert_eq!(before.status, CaseStatus::New, "{}", db.url);
        assert_eq!(before.first_response_at, None, "{}", db.url);

        // A later batch (a new ingestor: nothing cached) answers it.
        Ingestor::new(s, "poller", "x").write(&[outbound("2", 30, "1", "we're on it")]).await.unwrap();
        assert_eq!(s.case_of_post("x", "2").await.unwrap(), case_id, "{}: the reply joins the case", db.url);
        let after = s.case_summary(case_id).await.unwrap();
        assert_eq!(after.status, CaseStatus::Pending, "{}: the organisation spoke last", db.url);
        assert_eq!(after.first_response_at, Some(T0 + 30 * 60_000), "{}", db.url);
        assert_eq!(after.post_count, 2, "{}", db.url);
        assert_eq!(after.account.as_deref(), Some("brand"), "{}", db.url);
        assert!(after.version > before.version, "{}: the case's version grows", db.url);
        let kinds: Vec<_> = s.case_events(case_id).await.unwrap().iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, vec!["created", "post_added"], "{}", db.url);
    }
}

#[tokio::test]
async fn a_reply_listed_before_its_parent_in_one_batch_shares_its_case() {
    for db in stores().await {
        let s = &db.store;
        let mut a = outbound("2", 5, "1", "sorry!");
        a.conversation = Some("1".into());
        let mut b = inbound("1", "ana", 0, None, "no signal");
        b.conversation = Some("1".into());
        Ingestor::new(s, "test", "t").write(&[a, b]).await.unwrap();
        let case = s.case_summary(s.case_of_post("x", "1").await.unwrap()).await.unwrap();
        assert_eq!(s.case_of_post("x", "2").await.unwrap(), case.id, "{}", db.url);
        assert_eq!(case.opened_at, T0, "{}", db.url);
        assert_eq!(case.author, "ana", "{}: the customer, not the brand", db.url);
        assert_eq!(case.first_response_at, Some(T0 + 5 * 60_000), "{}", db.url);
    }
}

#[tokio::test]
async fn labels_are_recorded_apart_and_a_second_import_can_add_them() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "test", "t").write(&[inbound("1", "ana", 0, None, "late again")]).await.unwrap();
        let mut labelled = inbound("1", "ana", 0, None, "late again");
        labelled.post.labels = vec![("sentiment".into(), "negative".into())];
        let out = Ingestor::new(s, "import", "t").write(&[labelled]).await.unwrap();
        assert_eq!((out.inserted, out.labels), (0, 1), "{}", db.url);
        assert_eq!(s.label_fields().await.unwrap(), vec!["sentiment".to_string()], "{}", db.url);
    }
}

#[tokio::test]
async fn another_writer_in_a_channel_that_started_empty_is_noticed_and_nothing_doubles() {
    for db in stores().await {
        let s = &db.store;
        // The import starts on an empty channel and skips its lookups...
        let mut import = Ingestor::new(s, "import", "file.csv");
        import.write(&[inbound("1", "ana", 0, None, "router broken")]).await.unwrap();
        // ...while a connector stores a post of its own and opens its case.
        Ingestor::new(s, "poller", "x").write(&[inbound("7", "bo", 2, None, "no signal")]).await.unwrap();
        let bo_case = s.case_of_post("x", "7").await.unwrap();

        // The import's next batch holds the connector's post again and a reply
        // to it: the collision rolls the batch back and it is written again
        // with the lookups, so the post stays single and the reply joins the case.
        let out = import
            .write(&[inbound("7", "bo", 2, None, "no signal"), outbound("8", 9, "7", "checking your line"), inbound("9", "cy", 3, None, "hi")])
            .await
            .unwrap();
        assert_eq!((out.inserted, out.duplicates, out.new_cases), (2, 1, 1), "{}", db.url);
        assert_eq!(s.post_count().await.unwrap(), 4, "{}", db.url);
        assert_eq!(s.case_count().await.unwrap(), 3, "{}", db.url);
        assert_eq!(s.case_of_post("x", "8").await.unwrap(), bo_case, "{}", db.url);
        assert_eq!(s.case_summary(bo_case).await.unwrap().post_count, 2, "{}", db.url);
    }
}
