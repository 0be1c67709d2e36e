//! The X (Twitter) API v2 connector against recorded v2 payloads on loopback.

use switchboard_connectors::{
    Connector, ConnectorError, Cursor, Health, ReplyRequest, Secret, XConfig, XConnector,
};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fast_http, fixture};

const TOKEN: &str = "x-user-token-AAAA-secret";
const ME: &str = "1300000000000000001";
const MENTIONS: &str = "/2/users/1300000000000000001/mentions";

fn json(name: &str) -> ResponseTemplate {
    json_status(200, name)
}

fn json_status(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(name))
}

fn connector(server: &MockServer, page_size: u32) -> XConnector {
    let mut config = XConfig::new(Secret::new(TOKEN), ME);
    config.base_url = server.uri();
    config.account = Some("LumenBroadband".into());
    config.page_size = page_size;
    XConnector::new(config, fast_http()).unwrap()
}

fn reply(direct: bool) -> ReplyRequest {
    ReplyRequest {
        in_reply_to: "1897654321000000204".into(),
        conversation: Some("1897654321000000204".into()),
        text: "@priya_n Sorry about that, we are on it. Could you DM us your order number?".into(),
        direct,
        idempotency_key: "outbox-17".into(),
        queued_at: 1_764_201_600_000,
    }
}

#[tokio::test]
async fn first_poll_turns_mentions_into_posts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MENTIONS))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(query_param(
            "tweet.fields",
            "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang",
        ))
        .and(query_param("expansions", "author_id"))
        .and(query_param("user.fields", "username,name,public_metrics"))
        .and(query_param("max_results", "100"))
        .and(query_param_is_missing("since_id"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(json("x-mentions.json"))
        .expect(1)
        .mount(&server)
        .await;
    let poll = connector(&server, 100)
        .poll(None)
        .await
        .expect("poll works");
    assert_eq!(poll.posts.len(), 2);

    let first = &poll.posts[0];
    let p = &first.post;
    assert_eq!(p.external_id, "1897654321000000204", "oldest first");
    assert_eq!(p.channel, "x");
    assert_eq!(p.author, "priya_n");
    assert_eq!(p.author_name.as_deref(), Some("Priya N."));
    assert_eq!(p.author_followers, Some(312));
    assert_eq!(
        p.text,
        "@LumenBroadband my Lumen broadband drops every evening around 7pm. Order 5521, please help"
    );
    assert_eq!(p.created_at, 1_741_197_600_000);
    assert_eq!(p.reply_to, None);
    assert_eq!(p.account.as_deref(), Some("LumenBroadband"));
    assert_eq!(first.conversation.as_deref(), Some("1897654321000000204"));
    assert_eq!(
        first.url.as_deref(),
        Some("https://x.com/priya_n/status/1897654321000000204")
    );

    let thanks = &poll.posts[1];
    assert_eq!(thanks.post.author, "tomk_fixes");
    assert_eq!(thanks.post.author_name, None, "an empty name is no name");
    assert_eq!(thanks.post.author_followers, Some(18));
    assert_eq!(thanks.post.reply_to.as_deref(), Some("1897654321000000150"));
    assert_eq!(thanks.conversation.as_deref(), Some("1897654321000000150"));
    assert_eq!(
        thanks.post.text,
        "@LumenBroadband thanks, it's back up & fast again!"
    );
    assert!(!poll.more);
    assert_eq!(
        poll.next_cursor.unwrap().as_str(),
        r#"{"since_id":"1897654321000000205"}"#
    );
}

#[tokio::test]
async fn second_poll_sends_since_id_and_finds_nothing() {
    let server = MockServer::start().await;
    Mock::given(path(MENTIONS))
        .and(query_param("since_id", "1897654321000000205"))
        .respond_with(json("x-mentions-empty.json"))
        .expect(1)
        .mount(&server)
        .await;
    let saved = Cursor::new(r#"{"since_id":"1897654321000000205"}"#);
    let poll = connector(&server, 100).poll(Some(&saved)).await.unwrap();
    assert!(poll.posts.is_empty());
    assert!(!poll.more);
    assert_eq!(
        poll.next_cursor,
        Some(saved),
        "the floor stays where it was"
    );
}

#[tokio::test]
async fn a_resumed_poll_walks_down_next_token_keeping_the_floor() {
    let server = MockServer::start().await;
    let token = "7140dibdnow9c7btw4b2yh1oyfqz1t4fc4ij4bm8qy9zl";
    Mock::given(path(MENTIONS))
        .and(query_param("since_id", "1897654321000000202"))
        .and(query_param("pagination_token", token))
        .respond_with(json("x-mentions-page2.json"))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(MENTIONS))
        .and(query_param("since_id", "1897654321000000202"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(json("x-mentions-page1.json"))
        .expect(1)
        .mount(&server)
        .await;
    let x = connector(&server, 2);
    let saved = Cursor::new(r#"{"since_id":"1897654321000000202"}"#);
    let first = x.poll(Some(&saved)).await.unwrap();
    assert!(first.more, "next_token: older new mentions wait below");
    let ids: Vec<_> = first
        .posts
        .iter()
        .map(|p| p.post.external_id.as_str())
        .collect();
    assert_eq!(ids, ["1897654321000000206", "1897654321000000207"]);
    let mid = first.next_cursor.unwrap();
    assert_eq!(
        mid.as_str(),
        format!(
            r#"{{"since_id":"1897654321000000202","next_token":"{token}","top":"1897654321000000207"}}"#
        ),
        "mid-walk the floor stays put, so saving this cursor loses nothing"
    );
    let second = x.poll(Some(&mid)).await.unwrap();
    assert!(!second.more);
    assert_eq!(second.posts.len(), 1);
    assert_eq!(second.posts[0].post.external_id, "1897654321000000203");
    assert_eq!(
        second.posts[0].post.text,
        "@LumenBroadband router lights are red <again>, what now?"
    );
    assert_eq!(
        second.next_cursor.unwrap().as_str(),
        r#"{"since_id":"1897654321000000207"}"#,
        "walk done: resume above the newest"
    );
}

#[tokio::test]
async fn a_refused_pagination_token_restarts_from_the_floor() {
    let server = MockServer::start().await;
    Mock::given(path(MENTIONS))
        .and(query_param("pagination_token", "stale"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"errors":[{"message":"The `pagination_token` query parameter value [stale] is not valid"}]}"#,
        ))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(MENTIONS))
        .and(query_param("since_id", "1897654321000000202"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(json("x-mentions-page1.json"))
        .expect(1)
        .mount(&server)
        .await;
    let saved = Cursor::new(
        r#"{"since_id":"1897654321000000202","next_token":"stale","top":"1897654321000000207"}"#,
    );
    let poll = connector(&server, 2).poll(Some(&saved)).await.unwrap();
    assert_eq!(poll.posts.len(), 2);
    assert!(poll.more);
}

#[tokio::test]
async fn search_uses_recent_search_with_a_since_id_cursor() {
    let server = MockServer::start().await;
    Mock::given(path("/2/tweets/search/recent"))
        .and(query_param("query", "\"lumen broadband\" -is:retweet"))
        .and(query_param("since_id", "1897654321000000100"))
        .and(query_param("expansions", "author_id"))
        .and(query_param("max_results", "10"))
        .respond_with(json("x-search.json"))
        .expect(1)
        .mount(&server)
        .await;
    let found = connector(&server, 5)
        .search(
            "\"lumen broadband\" -is:retweet",
            Some(&Cursor::new(r#"{"since_id":"1897654321000000100"}"#)),
        )
        .await
        .unwrap();
    assert_eq!(found.posts.len(), 2);
    assert_eq!(found.posts[0].post.external_id, "1897654321000000180");
    assert_eq!(found.posts[0].post.author, "lee_w");
    assert_eq!(
        found.posts[0].post.reply_to.as_deref(),
        Some("1897654321000000170")
    );
    assert_eq!(found.posts[1].post.author_followers, Some(2045));
    assert_eq!(
        found.next_cursor.unwrap().as_str(),
        r#"{"since_id":"1897654321000000190"}"#
    );
}

#[tokio::test]
async fn reply_posts_the_v2_body_once_and_returns_the_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(serde_json::json!({
            "text": "@priya_n Sorry about that, we are on it. Could you DM us your order number?",
            "reply": {"in_reply_to_tweet_id": "1897654321000000204"}
        })))
        .respond_with(json_status(201, "x-tweet-created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let sent = connector(&server, 100)
        .send_reply(reply(false))
        .await
        .expect("reply accepted");
    assert_eq!(sent.external_id, "1897654321000000300");
    assert_eq!(
        sent.url.as_deref(),
        Some("https://x.com/LumenBroadband/status/1897654321000000300")
    );
}

#[tokio::test]
async fn a_failed_reply_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1) // no idempotency key on X: a retry could post twice
        .mount(&server)
        .await;
    let err = connector(&server, 100)
        .send_reply(reply(false))
        .await
        .unwrap_err();
    assert_eq!(err, ConnectorError::Server(503));
}

#[tokio::test]
async fn a_direct_reply_goes_to_the_author_of_the_tweet_answered() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/1897654321000000204"))
        .and(query_param("tweet.fields", "author_id"))
        .respond_with(json_status(200, "x-tweet-lookup.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/2/dm_conversations/with/1422000000000000042/messages",
        ))
        .and(body_json(
            serde_json::json!({"text": "Hi Priya, which order is it?"}),
        ))
        .respond_with(json_status(201, "x-dm-created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let x = connector(&server, 100);
    let sent = x
        .send_reply(ReplyRequest { text: "Hi Priya, which order is it?".into(), ..reply(true) })
        .await
        .unwrap();
    assert_eq!(sent.external_id, "1897654321000000400");
}

#[tokio::test]
async fn a_429_with_a_far_reset_is_rate_limited() {
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 900;
    Mock::given(path(MENTIONS))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "450")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string().as_str())
                .set_body_string(r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#),
        )
        .expect(1) // a 15-minute wait is the caller's to schedule, not slept off
        .mount(&server)
        .await;
    let err = connector(&server, 100).poll(None).await.unwrap_err();
    assert_eq!(
        err,
        ConnectorError::RateLimited {
            retry_at: reset as i64 * 1000
        }
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn health_checks_users_me() {
    let server = MockServer::start().await;
    Mock::given(path("/2/users/me"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(json("x-users-me.json"))
        .mount(&server)
        .await;
    assert_eq!(connector(&server, 100).health().await, Health::Ok);
}

#[tokio::test]
async fn revoked_token_shows_in_health_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(path("/2/users/me"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!(
            r#"{{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized {TOKEN}"}}"#
        )))
        .mount(&server)
        .await;
    let x = connector(&server, 100);
    let health = x.health().await;
    assert_eq!(health, Health::Failing(ConnectorError::Unauthorized));
    let Health::Failing(err) = &health else {
        unreachable!()
    };
    assert!(
        !format!("{x:?} {health:?} {err}").contains(TOKEN),
        "the token must not show in Debug or messages"
    );
}

#[tokio::test]
async fn malformed_bodies_are_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(path(MENTIONS))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"data":[{{"id":1897654321000000205,"text":"{TOKEN}"}}],"meta":{{"result_count":1}}}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(path("/2/tweets/search/recent"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway hiccup"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"data":{"text":"no id"}}"#))
        .mount(&server)
        .await;
    let x = connector(&server, 100);
    let err = x.poll(None).await.unwrap_err();
    let ConnectorError::Malformed(detail) = &err else {
        panic!("expected Malformed, got {err:?}")
    };
    assert!(detail.contains("data[0].id"), "{detail}");
    let search = x.search("lumen", None).await.unwrap_err();
    assert_eq!(search.code(), "malformed");
    let sent = x.send_reply(reply(false)).await.unwrap_err();
    assert_eq!(sent.code(), "malformed");
    for e in [&err, &search, &sent] {
        assert!(!format!("{e} {e:?}").contains(TOKEN));
    }
}
