use switchboard_core::case::CaseStatus;
use switchboard_core::desk::Role;
use switchboard_core::view::InboxQuery;
use switchboard_store::ingest::Ingestor;
use switchboard_store::testing::stores;

use crate::support::*;

fn q() -> InboxQuery {
    InboxQuery { limit: 100, ..Default::default() }
}

#[tokio::test]
async fn the_inbox_sorts_by_priority_then_age_and_filters() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "test", "t")
            .write(&[
                inbound("1", "ana", 10, None, "Refund still missing"),
                inbound("2", "bo", 0, None, "100% broken, 50_50 chance"),
                inbound("3", "cy", 5, None, "thanks for the help"),
                outbound("4", 6, "3", "you're welcome"),
            ])
            .await
            .unwrap();
        let all = s.inbox(&q()).await.unwrap();
        assert_eq!(all.total, 3, "{}", db.url);
        let order: Vec<_> = all.items.iter().map(|c| c.author.as_str()).collect();
        assert_eq!(order, vec!["bo", "ana", "cy"], "{}: unanswered first, the oldest first among equals", db.url);

        let c1 = s.case_of_post("x", "1").await.unwrap();
        let legal = s.department_by_slug("legal").await.unwrap();
        let m = s.upsert_member("ana.agent", "Ana Agent", Role::Agent, Some(legal.id)).await.unwrap();
        s.move_to(c1, Some(legal.id), "me", None).await.unwrap();
        s.assign(c1, Some(m.id), "me", None).await.unwrap();

        let by_dept = s.inbox(&InboxQuery { department_id: Some(legal.id), ..q() }).await.unwrap();
        assert_eq!(by_dept.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![c1], "{}", db.url);
        assert_eq!(by_dept.items[0].department.as_deref(), Some("Legal"), "{}", db.url);
        assert_eq!(by_dept.items[0].assignee.as_deref(), Some("Ana Agent"), "{}", db.url);
        let unrouted = s.inbox(&InboxQuery { unrouted: true, ..q() }).await.unwrap();
        assert_eq!(unrouted.total, 2, "{}", db.url);
        let mine = s.inbox(&InboxQuery { assignee_id: Some(m.id), ..q() }).await.unwrap();
        assert_eq!(mine.total, 1, "{}", db.url);
        let pending = s.inbox(&InboxQuery { status: Some(CaseStatus::Pending), ..q() }).await.unwrap();
        assert_eq!(pending.items.len(), 1, "{}", db.url);
        assert_eq!(pending.items[0].author, "cy", "{}", db.url);
        let x = s.inbox(&InboxQuery { channel: Some("x".into()), ..q() }).await.unwrap();
        assert_eq!(x.total, 3, "{}", db.url);
        let none = s.inbox(&InboxQuery { channel: Some("bluesky".into()), ..q() }).await.unwrap();
        assert_eq!(none.total, 0, "{}", db.url);
    }
}

#[tokio::test]
async fn search_finds_word_prefixes_in_any_post_and_author_and_shrugs_off_query_syntax() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "test", "t")
            .write(&[
                inbound("1", "ana", 0, None, "Refund still missing"),
                inbound("2", "bo_builder", 1, None, "100% broken, 50_50 chance"),
                inbound("3", "cy", 2, None, "thanks"),
                outbound("4", 3, "3", "Your REFUND is on its way"),
            ])
            .await
            .unwrap();
        let hits = |needle: &str| {
            let s = s.clone();
            let needle = needle.to_string();
            async move {
                let mut authors: Vec<_> = s
                    .inbox(&InboxQuery { search: Some(needle.clone()), ..q() })
                    .await
                    .unwrap_or_else(|e| panic!("search {needle:?}: {e}"))
                    .items
                    .into_iter()
                    .map(|c| c.author)
                    .collect();
                authors.sort();
                authors
            }
        };
        assert_eq!(hits("refund").await, vec!["ana", "cy"], "{}: the opening post and a reply in the thread", db.url);
        assert_eq!(hits("REF").await, vec!["ana", "cy"], "{}: a word prefix, any case", db.url);
        assert_eq!(hits("missing refund").await, vec!["ana"], "{}: every word, in any order", db.url);
        assert_eq!(hits("refund thanks").await, Vec::<String>::new(), "{}: every word in one post", db.url);
        assert_eq!(hits("50").await, vec!["bo_builder"], "{}", db.url);
        assert_eq!(hits("builder").await, vec!["bo_builder"], "{}: the author's handle", db.url);
        assert_eq!(hits("@bo_builder").await, vec!["bo_builder"], "{}", db.url);
        assert_eq!(hits("zebra").await, Vec::<String>::new(), "{}", db.url);
        // Full-text query syntax in a search is just text.
        for needle in ["refund\"", "\"refund", "!refund", "-refund", "^refund", "refund:*", "'refund'", "(refund)", "refund*", "{refund}"] {
            assert_eq!(hits(needle).await, vec!["ana", "cy"], "{}: {needle:?}", db.url);
        }
        for needle in ["NEAR(refund", "refund AND", "refund OR zebra", "refund NOT missing"] {
            assert_eq!(hits(needle).await, Vec::<String>::new(), "{}: {needle:?}: operators are words too", db.url);
        }
        // Nothing but punctuation searches for nothing: the whole inbox.
        for needle in ["%", "_", "\"", "*", "&|!", "'"] {
            assert_eq!(hits(needle).await.len(), 3, "{}: {needle:?}", db.url);
        }
    }
}

#[tokio::test]
async fn pages_walk_the_whole_inbox_without_gaps() {
    for db in stores().await {
        let s = &db.store;
        let batch: Vec<_> = (0..57).map(|i| inbound(&i.to_string(), &format!("a{i}"), i, None, "hi")).collect();
        Ingestor::new(s, "test", "t").write(&batch).await.unwrap();
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let page = s.inbox(&InboxQuery { offset, limit: 10, ..Default::default() }).await.unwrap();
            assert_eq!(page.total, 57, "{}", db.url);
            if page.items.is_empty() {
                break;
            }
            offset += page.items.len() as i64;
            seen.extend(page.items.into_iter().map(|c| c.id));
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (57, 57), "{}", db.url);
    }
}

#[tokio::test]
async fn the_case_view_has_the_thread_in_order_and_the_author() {
    for db in stores().await {
        let s = &db.store;
        let mut p = inbound("1", "ana", 0, None, "<script>alert(1)</script>");
        p.post.author_name = Some("Ana <b>R</b>".into());
        p.post.author_followers = Some(48_000);
        Ingestor::new(s, "test", "t").write(&[outbound("2", 4, "1", "hello"), p]).await.unwrap();
        let d = s.case_detail(s.case_of_post("x", "1").await.unwrap()).await.unwrap();
        let texts: Vec<_> = d.posts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["<script>alert(1)</script>", "hello"], "{}: stored as written, oldest first", db.url);
        let author = d.author.expect("the case has an author");
        assert_eq!((author.handle.as_str(), author.followers), ("ana", Some(48_000)), "{}", db.url);
        assert_eq!(author.display_name.as_deref(), Some("Ana <b>R</b>"), "{}", db.url);
        assert!(d.customer.is_none(), "{}", db.url);
        assert!(s.case_detail(999_999).await.is_err(), "{}: an unknown case is an error, not a panic", db.url);
    }
}
