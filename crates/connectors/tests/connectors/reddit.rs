//! The Reddit connector against recorded Reddit API payloads (JSON
//! `Listing`s of things) on loopback.

use switchboard_connectors::{
    Connector, ConnectorError, Cursor, Health, RedditConfig, RedditConnector, ReplyRequest, Secret,
};
use switchboard_core::time::now_ms;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fast_http, fixture};

const TOKEN: &str = "reddit-token-abc";

fn json(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json; charset=UTF-8")
        .set_body_string(fixture(name))
}

fn connector(server: &MockServer, page_size: u32) -> RedditConnector {
    let mut config = RedditConfig::new(Secret::new(TOKEN), "LumenSupport");
    config.base_url = server.uri();
    config.user_agent = "server:switchboard-test:1.0 (by /u/LumenSupport)".into();
    config.page_size = page_size;
    RedditConnector::new(config, fast_http()).unwrap()
}

fn reply(to: &str, direct: bool) -> ReplyRequest {
    ReplyRequest {
        in_reply_to: to.into(),
        conversation: Some("t3_1b2c3d".into()),
        text: "Sorry about that, engineers are on site in Eastfield now.".into(),
        direct,
        idempotency_key: "outbox-42".into(),
        queued_at: 1_764_201_600_000,
    }
}

#[tokio::test]
async fn first_poll_turns_the_inbox_into_posts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/message/inbox"))
        .and(query_param("limit", "25"))
        .and(query_param("raw_json", "1"))
        .and(header("authorization", &*format!("Bearer {TOKEN}")))
        .and(header(
            "user-agent",
            "server:switchboard-test:1.0 (by /u/LumenSupport)",
        ))
        .respond_with(json("reddit-inbox.json"))
        .expect(1)
        .mount(&server)
        .await;
    let reddit = connector(&server, 25);
    assert_eq!(reddit.channel(), "reddit");
    let poll = reddit.poll(None).await.expect("poll works");
    assert_eq!(poll.posts.len(), 3);
    let ids: Vec<_> = poll
        .posts
        .iter()
        .map(|p| p.post.external_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["t1_kx7y2d", "t1_kx9a1b", "t4_1pzk7w2"],
        "oldest first"
    );

    let thanks = &poll.posts[0];
    assert_eq!(thanks.post.author, "[deleted]");
    assert_eq!(thanks.post.created_at, 1_741_190_400_500);
    assert_eq!(thanks.post.reply_to.as_deref(), Some("t1_kx7a00"));
    assert_eq!(thanks.conversation.as_deref(), Some("t3_1a9f00"), "link_id");

    let mention = &poll.posts[1];
    assert_eq!(mention.post.channel, "reddit");
    assert_eq!(mention.post.author, "tomk_fibre");
    assert_eq!(mention.post.account.as_deref(), Some("LumenSupport"));
    assert_eq!(
        mention.post.text,
        "u/LumenSupport any word on the outage in Eastfield? Lumen broadband has been out since 6pm."
    );
    assert_eq!(mention.post.created_at, 1_741_197_600_000);
    assert_eq!(mention.post.reply_to.as_deref(), Some("t1_kx8z0c"));
    assert_eq!(
        mention.conversation.as_deref(),
        Some("t3_1b2c3d"),
        "the post, read from the context link when link_id is absent"
    );
    assert_eq!(
        mention.url.as_deref(),
        Some("https://www.reddit.com/r/LumenBroadband/comments/1b2c3d/lumen_broadband_outage_tonight/kx9a1b/?context=3")
    );

    let dm = &poll.posts[2];
    assert_eq!(dm.post.author, "priya_n_town");
    assert_eq!(
        dm.post.text, "Still down tonight & the lights on the Lumen box are <orange>. Order 5521.",
        "raw_json=1: no HTML entities"
    );
    assert_eq!(dm.post.reply_to.as_deref(), Some("t4_1pzk5b0"));
    assert_eq!(
        dm.conversation.as_deref(),
        Some("t4_1pzk3q9"),
        "first_message_name"
    );
    assert_eq!(
        dm.url.as_deref(),
        Some("https://www.reddit.com/message/messages/1pzk7w2")
    );

    assert!(!poll.more, "a first poll does not back-fill");
    assert_eq!(
        poll.next_cursor,
        Some(Cursor::new("t4_1pzk7w2")),
        "newest fullname"
    );
}

#[tokio::test]
async fn a_saved_cursor_is_sent_as_before_and_nothing_new_keeps_it() {
    let server = MockServer::start().await;
    Mock::given(path("/message/inbox"))
        .and(query_param("before", "t4_1pzk7w2"))
        .respond_with(json("reddit-inbox-empty.json"))
        .expect(1)
        .mount(&server)
        .await;
    let poll = connector(&server, 25)
        .poll(Some(&Cursor::new("t4_1pzk7w2")))
        .await
        .unwrap();
    assert!(poll.posts.is_empty());
    assert!(!poll.more);
    assert_eq!(poll.next_cursor, None, "keep the saved cursor");
}

#[tokio::test]
async fn a_full_page_above_the_cursor_pages_upwards_with_a_safe_cursor() {
    let server = MockServer::start().await;
    // Reddit answers `before=X` with the items nearest above X; a full page
    // means newer ones may wait above the page's newest.
    Mock::given(path("/message/inbox"))
        .and(query_param("before", "t1_kx7000"))
        .respond_with(json("reddit-inbox.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/message/inbox"))
        .and(query_param("before", "t4_1pzk7w2"))
        .respond_with(json("reddit-inbox-empty.json"))
        .expect(1)
        .mount(&server)
        .await;
    let reddit = connector(&server, 3);
    let first = reddit.poll(Some(&Cursor::new("t1_kx7000"))).await.unwrap();
    assert_eq!(first.posts.len(), 3);
    assert!(first.more, "a full page may have newer items above it");
    assert_eq!(
        first.next_cursor,
        Some(Cursor::new("t4_1pzk7w2")),
        "everything below the page's newest was just returned: safe to save"
    );
    let second = reddit.poll(first.next_cursor.as_ref()).await.unwrap();
    assert!(second.posts.is_empty());
    assert!(!second.more);
}

#[tokio::test]
async fn search_returns_posts_with_title_and_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("q", "lumen router"))
        .and(query_param("sort", "new"))
        .and(query_param("type", "link"))
        .respond_with(json("reddit-search.json"))
        .expect(1)
        .mount(&server)
        .await;
    let found = connector(&server, 25)
        .search("lumen router", None)
        .await
        .unwrap();
    assert_eq!(found.posts.len(), 2);
    let link_only = &found.posts[0];
    assert_eq!(link_only.post.external_id, "t3_1b1x77", "oldest first");
    assert_eq!(
        link_only.post.text,
        "Lumen broadband speed test after the upgrade: 940 down"
    );
    let self_post = &found.posts[1];
    assert_eq!(self_post.post.author, "nightowl_dsl");
    assert_eq!(
        self_post.post.text,
        "Lumen router rebooting nightly\n\nMy Lumen broadband router reboots every evening around 7. Firmware 4.2. Anyone else?"
    );
    assert_eq!(self_post.post.created_at, 1_741_204_800_000);
    assert_eq!(self_post.conversation.as_deref(), Some("t3_1b2e5f"));
    assert_eq!(
        self_post.url.as_deref(),
        Some("https://www.reddit.com/r/HomeNetworking/comments/1b2e5f/lumen_router_rebooting_nightly/")
    );
    assert_eq!(found.next_cursor, Some(Cursor::new("t3_1b2e5f")));
}

#[tokio::test]
async fn reply_is_a_comment_posted_once_with_form_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/comment"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("authorization", &*format!("Bearer {TOKEN}")))
        .and(body_string_contains("api_type=json"))
        .and(body_string_contains("thing_id=t1_kx9a1b"))
        .and(body_string_contains(
            "text=Sorry+about+that%2C+engineers+are+on+site+in+Eastfield+now.",
        ))
        .respond_with(json("reddit-comment.json"))
        .expect(1)
        .mount(&server)
        .await;
    let sent = connector(&server, 25)
        .send_reply(reply("t1_kx9a1b", false))
        .await
        .expect("reply accepted");
    assert_eq!(sent.external_id, "t1_kxa0z9");
    assert_eq!(
        sent.url.as_deref(),
        Some("https://www.reddit.com/r/LumenBroadband/comments/1b2c3d/lumen_broadband_outage_tonight/kxa0z9/")
    );
}

#[tokio::test]
async fn a_failed_reply_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/api/comment"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1) // no idempotency key on Reddit: a retry could post twice
        .mount(&server)
        .await;
    let err = connector(&server, 25)
        .send_reply(reply("t1_kx9a1b", false))
        .await
        .unwrap_err();
    assert_eq!(err, ConnectorError::Server(503));
}

#[tokio::test]
async fn a_private_answer_to_a_message_is_a_comment_and_to_a_comment_unsupported() {
    let server = MockServer::start().await;
    Mock::given(path("/api/comment"))
        .and(body_string_contains("thing_id=t4_1pzk7w2"))
        .respond_with(json("reddit-comment.json"))
        .expect(1)
        .mount(&server)
        .await;
    let reddit = connector(&server, 25);
    reddit
        .send_reply(reply("t4_1pzk7w2", true))
        .await
        .expect("a reply to a message stays private");
    let err = reddit
        .send_reply(reply("t1_kx9a1b", true))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Unsupported(_)), "{err:?}");
}

#[tokio::test]
async fn an_error_envelope_on_comment_is_plain_words() {
    let server = MockServer::start().await;
    Mock::given(path("/api/comment"))
        .respond_with(json("reddit-comment-ratelimit.json"))
        .mount(&server)
        .await;
    let before = now_ms();
    let err = connector(&server, 25)
        .send_reply(reply("t1_kx9a1b", false))
        .await
        .unwrap_err();
    let ConnectorError::RateLimited { retry_at } = err else {
        panic!("expected RateLimited, got {err:?}")
    };
    assert!(retry_at > before, "a time to come back");
    let words = err.to_string();
    assert!(
        words.starts_with("the network is rate limiting us"),
        "{words}"
    );
    assert!(
        !words.contains("RATELIMIT") && !words.contains(TOKEN),
        "{words}"
    );
}

#[tokio::test]
async fn a_429_with_reset_seconds_is_rate_limited() {
    let server = MockServer::start().await;
    Mock::given(path("/message/inbox"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-used", "100")
                .insert_header("x-ratelimit-reset", "600"),
        )
        .expect(1) // 600 s is too long to sleep off
        .mount(&server)
        .await;
    let before = now_ms();
    let err = connector(&server, 25).poll(None).await.unwrap_err();
    let ConnectorError::RateLimited { retry_at } = err else {
        panic!("expected RateLimited, got {err:?}")
    };
    assert!(
        retry_at >= before + 600_000 && retry_at <= now_ms() + 600_000,
        "seconds until reset, not epoch seconds"
    );
}

#[tokio::test]
async fn malformed_listing_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(path("/message/inbox"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {"name": 5}}]}}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>we're down</html>"))
        .mount(&server)
        .await;
    let reddit = connector(&server, 25);
    let ConnectorError::Malformed(detail) = reddit.poll(None).await.unwrap_err() else {
        panic!("expected Malformed")
    };
    assert!(detail.contains("data.children[0].data"), "{detail}");
    let err = reddit.search("lumen", None).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Malformed(_)), "{err:?}");
}

#[tokio::test]
async fn health_checks_the_token_without_showing_it() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/me"))
        .and(header("authorization", &*format!("Bearer {TOKEN}")))
        .respond_with(json("reddit-me.json"))
        .mount(&server)
        .await;
    assert_eq!(connector(&server, 25).health().await, Health::Ok);

    let revoked = MockServer::start().await;
    Mock::given(path("/api/v1/me"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(r#"{"message": "Unauthorized", "error": 401}"#),
        )
        .mount(&revoked)
        .await;
    let reddit = connector(&revoked, 25);
    let health = reddit.health().await;
    assert_eq!(health, Health::Failing(ConnectorError::Unauthorized));
    let Health::Failing(err) = &health else {
        unreachable!()
    };
    assert!(
        !format!("{reddit:?} {health:?} {err}").contains(TOKEN),
        "the token must not show"
    );
}
