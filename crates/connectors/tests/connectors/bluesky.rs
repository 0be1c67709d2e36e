//! Bluesky on recorded payloads (the XRPC lexicon formats): what the
//! reference servers cannot show — the chat service's direct messages, an
//! expired session renewed mid-poll, a 429 with `ratelimit-reset`, and
//! malformed bodies. The full flow runs against the real servers in
//! tests/live_bluesky.rs.

use serde_json::json;
use switchboard_connectors::{BlueskyConfig, BlueskyConnector, Connector, ConnectorError, ReplyRequest, Secret};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fast_http, fixture};

const ACCESS_ONE: &str = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.access-one.sig";
const ACCESS_TWO: &str = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.access-two.sig";
const PRIYA_POST: &str = "at://did:plc:priya4o7vbl2n3d5jcahq3ce/app.bsky.feed.post/3m6rdj3lz5c2k";

fn json_status(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// A server that signs lumen in with `password`. Each test uses its own
/// password: sessions are shared in-process by server, account and password,
/// and wiremock hands out the same address again.
async fn server_with_session(password: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/xrpc/com.atproto.server.createSession"))
        .and(body_json(json!({ "identifier": "lumen.bsky.social", "password": password })))
        .respond_with(json_status(200, "bluesky-session.json"))
        .mount(&server)
        .await;
    server
}

fn connector(server: &MockServer, password: &str) -> BlueskyConnector {
    let mut config = BlueskyConfig::new(server.uri(), "@lumen.bsky.social", Secret::new(password));
    config.account = Some("lumen.bsky.social".into());
    BlueskyConnector::new(config, fast_http()).unwrap()
}

fn dm() -> ReplyRequest {
    ReplyRequest {
        in_reply_to: PRIYA_POST.into(),
        conversation: None,
        text: "Hi Priya, could you send us the address on the order?".into(),
        direct: true,
        idempotency_key: "outbox-9".into(),
        queued_at: 1_764_201_600_000,
    }
}

async fn mount_convo(server: &MockServer, messages: &str) {
    Mock::given(method("GET"))
        .and(path("/xrpc/chat.bsky.convo.getConvoForMembers"))
        .and(header("atproto-proxy", "did:web:api.bsky.chat#bsky_chat"))
        .and(header("authorization", format!("Bearer {ACCESS_ONE}").as_str()))
        .and(query_param("members", "did:plc:priya4o7vbl2n3d5jcahq3ce"))
        .respond_with(json_status(200, "bluesky-convo.json"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xrpc/chat.bsky.convo.getMessages"))
        .and(query_param("convoId", "3m6rfq2ckvc2a"))
        .and(header("atproto-proxy", "did:web:api.bsky.chat#bsky_chat"))
        .respond_with(json_status(200, messages))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_direct_reply_goes_through_the_chat_service_once() {
    const PW: &str = "pass-0-a_direct_r";
    let server = server_with_session(PW).await;
    mount_convo(&server, "bluesky-messages-empty.json").await;
    Mock::given(method("POST"))
        .and(path("/xrpc/chat.bsky.convo.sendMessage"))
        .and(header("atproto-proxy", "did:web:api.bsky.chat#bsky_chat"))
        .and(body_json(json!({ "convoId": "3m6rfq2ckvc2a", "message": { "text": "Hi Priya, could you send us the address on the order?" } })))
        .respond_with(json_status(200, "bluesky-message-sent.json"))
        .expect(1)
        .mount(&server)
        .await;
    let sent = connector(&server, PW).send_reply(dm()).await.expect("sent");
    assert_eq!(sent.external_id, "chat:3m6rfq2ckvc2a:3m6rfr5shmk2b");
    assert_eq!(sent.url, None, "a DM has no public link");
}

#[tokio::test]
async fn a_resent_direct_reply_finds_the_one_already_sent() {
    const PW: &str = "pass-1-a_resent_d";
    let server = server_with_session(PW).await;
    mount_convo(&server, "bluesky-messages-with-sent.json").await;
    Mock::given(method("POST"))
        .and(path("/xrpc/chat.bsky.convo.sendMessage"))
        .respond_with(json_status(200, "bluesky-message-sent.json"))
        .expect(0)
        .mount(&server)
        .await;
    let sent = connector(&server, PW).send_reply(dm()).await.expect("found");
    assert_eq!(sent.external_id, "chat:3m6rfq2ckvc2a:3m6rfr5shmk2b");
}

#[tokio::test]
async fn notifications_become_posts_with_followers_and_likes_are_skipped() {
    const PW: &str = "pass-2-notificati";
    let server = server_with_session(PW).await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.notification.listNotifications"))
        .and(query_param("priority", "false"))
        .respond_with(json_status(200, "bluesky-notifications.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.actor.getProfiles"))
        .respond_with(json_status(200, "bluesky-profiles.json"))
        .mount(&server)
        .await;
    let poll = connector(&server, PW).poll(None).await.expect("poll");
    let posts: Vec<_> = poll.posts.iter().map(|p| (p.post.external_id.as_str(), p.post.reply_to.as_deref(), p.conversation.as_deref())).collect();
    assert_eq!(
        posts,
        vec![
            (PRIYA_POST, None, None),
            (
                "at://did:plc:priya4o7vbl2n3d5jcahq3ce/app.bsky.feed.post/3m6rdl2wfys2k",
                Some("at://did:plc:lumen2qxkz7tn4b3q6wb5vyo/app.bsky.feed.post/3m6rdk7a3as2p"),
                Some(PRIYA_POST)
            ),
        ],
        "oldest first, the like left out"
    );
    assert!(poll.posts.iter().all(|p| p.post.author_followers == Some(48213) && p.post.author == "priya.bsky.social"));
    assert_eq!(poll.posts[0].post.author_name.as_deref(), Some("Priya N"));
    assert!(!poll.more, "a first poll takes the newest page");
}

#[tokio::test]
async fn an_expired_session_is_refreshed_and_the_call_made_again() {
    const PW: &str = "pass-3-an_expired";
    let server = server_with_session(PW).await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.notification.listNotifications"))
        .and(header("authorization", format!("Bearer {ACCESS_ONE}").as_str()))
        .respond_with(ResponseTemplate::new(400).set_body_raw(r#"{"error":"ExpiredToken","message":"Token has expired"}"#, "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/xrpc/com.atproto.server.refreshSession"))
        .respond_with(json_status(200, "bluesky-session-refreshed.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.notification.listNotifications"))
        .and(header("authorization", format!("Bearer {ACCESS_TWO}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"notifications":[]}"#, "application/json"))
        .expect(1..)
        .mount(&server)
        .await;
    let poll = connector(&server, PW).poll(None).await.expect("poll after refresh");
    assert!(poll.posts.is_empty());
}

#[tokio::test]
async fn a_429_names_when_to_come_back_and_bad_bodies_are_errors() {
    const PW: &str = "pass-4-a_429_name";
    let server = server_with_session(PW).await;
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 600;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.notification.listNotifications"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("ratelimit-limit", "3000")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", reset.to_string().as_str())
                .set_body_raw(r#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"posts":[{"uri":"at://x/app.bsky.feed.post/1"}]}"#, "application/json"))
        .mount(&server)
        .await;
    let c = connector(&server, PW);
    match c.poll(None).await {
        Err(ConnectorError::RateLimited { retry_at }) => assert_eq!(retry_at, reset as i64 * 1000),
        other => panic!("expected a rate limit, got {other:?}"),
    }
    match c.search("outage", None).await {
        Err(ConnectorError::Malformed(why)) => assert!(why.contains("posts[0]"), "{why}"),
        other => panic!("expected malformed, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_app_password_is_refused_without_showing_it() {
    const PW: &str = "abcd-efgh-ijkl-mnop";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/xrpc/com.atproto.server.createSession"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(r#"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#, "application/json"))
        .mount(&server)
        .await;
    let err = connector(&server, PW).poll(None).await.unwrap_err();
    assert_eq!(err, ConnectorError::Unauthorized);
    assert!(!format!("{err} {err:?}").contains("abcd-efgh"));
}
