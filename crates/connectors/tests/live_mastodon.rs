//! The Mastodon connector against a real, stateful Mastodon API server on
//! 127.0.0.1: `mastodon-mock` (PyPI), installed by scripts/setup.sh into
//! .tools/mastodon-venv. Each test starts its own server on a free port with
//! two seeded accounts (the brand "lumen" and the customer "ana"), and stops
//! it when the test ends, however it ends.
//!
//! Without the server: under CI the tests fail ("run scripts/setup.sh"),
//! elsewhere they skip with a note. `SB_MASTODON_MOCK` may name another
//! `mastodon_mock` executable.

#[path = "support/mastodon_mock.rs"]
mod mastodon_mock;


use mastodon_mock::*;
use switchboard_connectors::{Connector, ConnectorError, Health, ReplyRequest};
use switchboard_core::Direction;

#[tokio::test]
async fn a_mention_is_polled_and_answered_in_thread() {
    let Some(server) = MockServer::start().await else {
        return;
    };
    let ana = Client::new(&server, ANA_TOKEN);
    let masto = lumen(&server, LUMEN_TOKEN);

    // Nothing yet: an empty first poll.
    let empty = masto.poll(None).await.expect("first poll");
    assert!(empty.posts.is_empty(), "{:?}", empty.posts);
    assert!(!empty.more);

    // A post that does not mention lumen is no mention.
    ana.post_status(serde_json::json!({"status": "Lovely weather today"}))
        .await;
    let text = "@lumen my router drops every evening.\nOrder 5521 & it's <urgent>, see https://example.com/status";
    let mention = ana
        .post_status(serde_json::json!({"status": text, "visibility": "public"}))
        .await;
    let mention_id = mention["id"].as_str().expect("status id").to_string();
    assert_eq!(
        mention["mentions"][0]["acct"], "lumen",
        "the mock resolved the mention: {mention}"
    );

    let before = chrono::Utc::now().timestamp_millis();
    let poll = masto.poll(empty.next_cursor.as_ref()).await.expect("poll");
    assert!(!poll.more);
    assert_eq!(poll.posts.len(), 1, "only the mention: {:?}", poll.posts);
    let fetched = &poll.posts[0];
    let post = &fetched.post;
    assert_eq!(post.external_id, mention_id);
    assert_eq!(post.channel, "mastodon");
    assert_eq!(post.author, "ana");
    assert_eq!(post.author_name.as_deref(), Some("Ana Costa"));
    assert_eq!(post.author_followers, Some(0));
    assert_eq!(post.direction, Direction::Inbound);
    assert_eq!(post.account.as_deref(), Some("lumen"));
    assert_eq!(post.reply_to, None);
    assert_eq!(
        post.text, text,
        "the HTML ({}) comes back as the text ana wrote",
        mention["content"]
    );
    assert!(
        (post.created_at - before).abs() < 60_000,
        "created_at {} is now",
        post.created_at
    );
    assert_eq!(fetched.url.as_deref(), mention["url"].as_str());
    let cursor = poll.next_cursor.clone().expect("a cursor to save");

    // The same cursor again: nothing new.
    let again = masto.poll(Some(&cursor)).await.expect("second poll");
    assert!(again.posts.is_empty(), "{:?}", again.posts);
    assert!(!again.more);
    let cursor = again.next_cursor.unwrap_or(cursor);

    // The public reply lands in the thread.
    let request = ReplyRequest {
        in_reply_to: mention_id.clone(),
        conversation: None,
        text: "@ana Sorry about that! We are looking at order 5521 now.".into(),
        direct: false,
        idempotency_key: "outbox-1".into(),
        queued_at: 1_764_201_600_000,
    };
    let sent = masto.send_reply(request.clone()).await.expect("reply sent");
    assert!(!sent.external_id.is_empty());
    assert!(
        sent.url
            .as_deref()
            .is_some_and(|u| u.contains(&sent.external_id)),
        "{sent:?}"
    );
    let thread = ana.descendants(&mention_id).await;
    let ours = replies_by(&thread, "lumen", &mention_id);
    assert_eq!(ours.len(), 1, "{thread:?}");
    assert_eq!(ours[0]["id"], sent.external_id.as_str());
    assert_eq!(ours[0]["visibility"], "public");

    // A retried send with the same Idempotency-Key posts nothing new.
    let retried = masto.send_reply(request.clone()).await.expect("retry");
    assert_eq!(
        retried.external_id, sent.external_id,
        "the first status comes back"
    );
    let thread = ana.descendants(&mention_id).await;
    assert_eq!(
        replies_by(&thread, "lumen", &mention_id).len(),
        1,
        "still one reply: {thread:?}"
    );

    // A direct reply is a direct message, and ana sees it in her conversations.
    let dm = masto
        .send_reply(ReplyRequest {
            text: "@ana Could you send us your address in private?".into(),
            direct: true,
            idempotency_key: "outbox-2".into(),
            ..request
        })
        .await
        .expect("direct reply sent");
    assert_ne!(
        dm.external_id, sent.external_id,
        "a new key is a new status"
    );
    let status = ana
        .get(&format!("/api/v1/statuses/{}", dm.external_id))
        .await;
    assert_eq!(status["visibility"], "direct");
    assert_eq!(status["in_reply_to_id"], mention_id.as_str());
    let conversations = ana.get("/api/v1/conversations").await;
    assert!(
        conversations
            .as_array()
            .expect("conversations")
            .iter()
            .any(|c| c["last_status"]["id"] == dm.external_id.as_str()),
        "the direct reply is in ana's conversations: {conversations}"
    );

    // lumen's own replies are not mentions of lumen: nothing new to poll.
    let after = masto
        .poll(Some(&cursor))
        .await
        .expect("poll after replying");
    assert!(after.posts.is_empty(), "{:?}", after.posts);

    // A second mention arrives on the next poll, and only it.
    let second = ana
        .post_status(serde_json::json!({
            "status": "@lumen thanks, it works again!",
            "in_reply_to_id": sent.external_id,
        }))
        .await;
    let next = masto
        .poll(Some(&cursor))
        .await
        .expect("poll for the second mention");
    assert_eq!(next.posts.len(), 1, "{:?}", next.posts);
    let thanks = &next.posts[0].post;
    assert_eq!(thanks.external_id, second["id"].as_str().unwrap());
    assert_eq!(thanks.reply_to.as_deref(), Some(sent.external_id.as_str()));
    assert_eq!(thanks.text, "@lumen thanks, it works again!");
    let cursor = next.next_cursor.expect("a new cursor");

    // More mentions than a page: the connector walks down the Link header
    // and, page by page, gets each one once, oldest first within a page.
    let paged = lumen_paged(&server, LUMEN_TOKEN, 2);
    let mut expected = Vec::new();
    for n in 1..=5 {
        let s = ana
            .post_status(serde_json::json!({"status": format!("@lumen ping {n}")}))
            .await;
        expected.push(s["id"].as_str().unwrap().to_string());
    }
    let mut got = Vec::new();
    let mut walk = Some(cursor);
    let mut pages = 0;
    for _ in 0..10 {
        pages += 1;
        let page = paged.poll(walk.as_ref()).await.expect("a page");
        assert!(page.posts.len() <= 2, "{:?}", page.posts);
        got.extend(page.posts.iter().map(|p| p.post.external_id.clone()));
        walk = page.next_cursor.or(walk);
        if !page.more {
            break;
        }
    }
    got.sort_by_key(|id| id.parse::<u64>().unwrap());
    assert_eq!(got, expected, "every mention once");
    assert!(
        pages >= 3,
        "five mentions take three pages of two, not {pages}"
    );
    let done = paged
        .poll(walk.as_ref())
        .await
        .expect("poll after the walk");
    assert!(done.posts.is_empty(), "{:?}", done.posts);
    assert!(!done.more);
}

#[tokio::test]
async fn health_is_ok_with_the_token_and_unauthorized_without() {
    let Some(server) = MockServer::start().await else {
        return;
    };
    assert_eq!(lumen(&server, LUMEN_TOKEN).health().await, Health::Ok);
    let bad = lumen(&server, "not-a-token");
    assert_eq!(
        bad.health().await,
        Health::Failing(ConnectorError::Unauthorized)
    );
    // A poll with the bad token says the same.
    assert_eq!(
        bad.poll(None).await.unwrap_err(),
        ConnectorError::Unauthorized
    );
}

#[tokio::test]
async fn a_hashtag_query_reads_the_tag_timeline_once() {
    let Some(server) = MockServer::start().await else {
        return;
    };
    let ana = Client::new(&server, ANA_TOKEN);
    let masto = lumen(&server, LUMEN_TOKEN);
    ana.post_status(serde_json::json!({"status": "Nothing to see here"})).await;
    let tagged = ana
        .post_status(serde_json::json!({"status": "Whole street offline again #lumenoutage"}))
        .await;
    let page = masto.search("#lumenoutage", None).await.expect("tag timeline");
    let ids: Vec<_> = page.posts.iter().map(|p| p.post.external_id.as_str()).collect();
    assert_eq!(ids, vec![tagged["id"].as_str().unwrap()], "only the tagged post");
    let again = masto
        .search("#lumenoutage", page.next_cursor.as_ref())
        .await
        .expect("again");
    assert!(again.posts.is_empty(), "seen posts come once: {:?}", again.posts);
}
