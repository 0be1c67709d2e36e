//! The Mastodon connector against recorded Mastodon API payloads on loopback.

use switchboard_connectors::{
    Connector, ConnectorError, Cursor, Health, MastodonConfig, MastodonConnector, ReplyRequest,
    Secret,
};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fast_http, fixture};

fn json(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(name))
}

fn connector(server: &MockServer, page_size: u32) -> MastodonConnector {
    let mut config = MastodonConfig::new(server.uri(), Secret::new("mastodon-token-xyz"));
    config.account = Some("lumen".into());
    config.page_size = page_size;
    MastodonConnector::new(config, fast_http()).unwrap()
}

#[tokio::test]
async fn first_poll_turns_mentions_into_posts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/notifications"))
        .and(query_param("types[]", "mention"))
        .and(header("authorization", "Bearer mastodon-token-xyz"))
        .respond_with(json("mastodon-notifications.json"))
        .expect(1)
        .mount(&server)
        .await;
    let poll = connector(&server, 40).poll(None).await.expect("poll works");
    assert_eq!(poll.posts.len(), 2);
    let dm = &poll.posts[0].post;
    assert_eq!(dm.external_id, "113900000000000204", "oldest first");
    assert_eq!(dm.author, "priya@town.example");
    assert_eq!(dm.author_name.as_deref(), Some("Priya N."));
    assert_eq!(dm.author_followers, Some(312));
    assert_eq!(
        dm.text,
        "@lumen my router drops every evening.\nOrder 5521, please help"
    );
    assert_eq!(dm.created_at, 1_741_197_600_000);
    let thanks = &poll.posts[1];
    assert_eq!(thanks.post.reply_to.as_deref(), Some("113900000000000150"));
    assert_eq!(
        thanks.post.author_name, None,
        "an empty display name is no name"
    );
    assert_eq!(
        thanks.post.text,
        "Thanks @lumen, it's back up & fast again!"
    );
    assert_eq!(
        thanks.url.as_deref(),
        Some("https://social.example/@tomk/113900000000000205")
    );
    assert!(!poll.more);
    assert_eq!(poll.next_cursor.unwrap().as_str(), r#"{"since_id":"205"}"#);
}

#[tokio::test]
async fn a_full_page_after_the_cursor_walks_down_the_link_header() {
    let server = MockServer::start().await;
    let next = format!(
        "<{}/api/v1/notifications?max_id=204&types[]=mention>; rel=\"next\"",
        server.uri()
    );
    Mock::given(path("/api/v1/notifications"))
        .and(query_param("since_id", "200"))
        .and(query_param("max_id", "204"))
        .respond_with(json("mastodon-notifications-older.json"))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/notifications"))
        .and(query_param("since_id", "200"))
        .respond_with(json("mastodon-notifications.json").insert_header("link", next.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let masto = connector(&server, 2);
    let saved = Cursor::new(r#"{"since_id":"200"}"#);
    let first = masto.poll(Some(&saved)).await.unwrap();
    assert!(first.more, "a full page may hide older mentions below it");
    assert_eq!(first.posts.len(), 2);
    let second = masto.poll(first.next_cursor.as_ref()).await.unwrap();
    assert!(!second.more);
    assert_eq!(second.posts[0].post.external_id, "113900000000000203");
    assert_eq!(
        second.next_cursor.unwrap().as_str(),
        r#"{"since_id":"205"}"#,
        "the gap is closed: resume above the newest"
    );
}

#[tokio::test]
async fn reply_is_posted_in_thread_with_an_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/statuses"))
        .and(header("idempotency-key", "outbox-17"))
        .and(body_partial_json(
            serde_json::json!({"in_reply_to_id": "113900000000000204", "visibility": "direct"}),
        ))
        .respond_with(json("mastodon-status-reply.json"))
        .expect(1)
        .mount(&server)
        .await;
    let sent = connector(&server, 40)
        .send_reply(ReplyRequest {
            in_reply_to: "113900000000000204".into(),
            conversation: None,
            text: "@priya@town.example Sorry about that, we are on it.".into(),
            direct: true,
            idempotency_key: "outbox-17".into(),
            queued_at: 1_764_201_600_000,
        })
        .await
        .expect("reply accepted");
    assert_eq!(sent.external_id, "113900000000000300");
    assert_eq!(
        sent.url.as_deref(),
        Some("https://social.example/@lumen/113900000000000300")
    );
}

#[tokio::test]
async fn search_returns_matching_statuses() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v2/search"))
        .and(query_param("q", "lumen router"))
        .and(query_param("type", "statuses"))
        .respond_with(json("mastodon-search.json"))
        .mount(&server)
        .await;
    let found = connector(&server, 40)
        .search("lumen router", None)
        .await
        .unwrap();
    assert_eq!(found.posts.len(), 1);
    assert_eq!(found.next_cursor, Some(Cursor::new("113900000000000204")));
}

#[tokio::test]
async fn revoked_token_shows_in_health_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/accounts/verify_credentials"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(r#"{"error":"The access token was revoked"}"#),
        )
        .mount(&server)
        .await;
    let masto = connector(&server, 40);
    let health = masto.health().await;
    assert_eq!(health, Health::Failing(ConnectorError::Unauthorized));
    assert!(
        !format!("{masto:?} {health:?}").contains("mastodon-token-xyz"),
        "the token must not show in Debug"
    );
}

#[tokio::test]
async fn malformed_notifications_are_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/notifications"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"[{"id": "1", "type": "mention", "status": {"id": 5}}]"#),
        )
        .mount(&server)
        .await;
    let err = connector(&server, 40).poll(None).await.unwrap_err();
    let ConnectorError::Malformed(detail) = err else {
        panic!("expected Malformed")
    };
    assert!(detail.contains("[0].status"), "{detail}");
}
