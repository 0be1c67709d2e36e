//! The shared HTTP client: retries, backoff, rate limits, timeouts, and
//! errors that never show a secret.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use switchboard_connectors::http::read_json;
use switchboard_connectors::{ConnectorError, Secret};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fast_http;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn get(server: &MockServer, route: &str) -> Result<reqwest::Response, ConnectorError> {
    let url = format!("{}{route}", server.uri());
    fast_http().send(|c| c.get(&url)).await
}

#[tokio::test]
async fn rate_limit_with_short_retry_after_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let resp = get(&server, "/x").await.expect("retried after the 429");
    assert_eq!(resp.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After: 1 was honoured ({:?})",
        started.elapsed()
    );
}

#[tokio::test]
async fn rate_limit_with_far_epoch_reset_is_returned() {
    let server = MockServer::start().await;
    let reset = now_ms() / 1000 + 900;
    Mock::given(path("/x"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-reset", reset.to_string().as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = get(&server, "/x")
        .await
        .expect_err("a 15-minute wait is not slept off");
    assert_eq!(
        err,
        ConnectorError::RateLimited {
            retry_at: reset * 1000
        },
        "X's epoch-seconds reset"
    );
}

#[tokio::test]
async fn rate_limit_with_reddit_relative_reset_is_returned() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", "600")
                .insert_header("x-ratelimit-remaining", "0.0"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let before = now_ms();
    let Err(ConnectorError::RateLimited { retry_at }) = get(&server, "/x").await else {
        panic!("expected RateLimited")
    };
    assert!(
        (before + 600_000..=now_ms() + 600_000).contains(&retry_at),
        "Reddit's reset is seconds from now"
    );
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let resp = get(&server, "/x").await.expect("second attempt succeeds");
    assert_eq!(resp.status(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn persistent_server_error_gives_up_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    assert_eq!(
        get(&server, "/x").await.unwrap_err(),
        ConnectorError::Server(503)
    );
}

#[tokio::test]
async fn unauthorized_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        get(&server, "/x").await.unwrap_err(),
        ConnectorError::Unauthorized
    );
}

#[tokio::test]
async fn timeout_is_a_network_error() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let err = get(&server, "/slow").await.expect_err("500 ms timeout");
    assert!(matches!(err, ConnectorError::Network(_)), "got {err:?}");
    assert!(err.to_string().contains("did not answer in time"), "{err}");
}

#[tokio::test]
async fn refused_connection_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/x"); // the listener is gone: connection refused
    let err = fast_http().send(|c| c.get(&url)).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Network(_)), "got {err:?}");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Account {
    id: String,
}

#[tokio::test]
async fn malformed_json_names_the_path() {
    let server = MockServer::start().await;
    Mock::given(path("/j"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"[{"id": "1"}, {"id": 2}]"#))
        .mount(&server)
        .await;
    let err = read_json::<Vec<Account>>(get(&server, "/j").await.unwrap())
        .await
        .unwrap_err();
    let ConnectorError::Malformed(detail) = &err else {
        panic!("expected Malformed, got {err:?}")
    };
    assert!(
        detail.contains("[1].id"),
        "the path of the bad field: {detail}"
    );
    assert!(detail.contains("line 1"), "the position: {detail}");
}

#[tokio::test]
async fn secrets_never_appear_in_errors() {
    let token = Secret::new("sk-live-TOPSECRET-42");
    assert!(!format!("{token:?} {token}").contains("TOPSECRET"));

    let server = MockServer::start().await;
    Mock::given(path("/deny"))
        .respond_with(ResponseTemplate::new(401).set_body_string("bad token sk-live-TOPSECRET-42"))
        .mount(&server)
        .await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let http = fast_http();
    for route in ["/deny", "/slow"] {
        let url = format!("{}{route}?access_token={}", server.uri(), token.expose());
        let err = http
            .send(|c| c.get(&url).bearer_auth(token.expose()))
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("TOPSECRET"),
            "{route}: the token leaked into {shown}"
        );
    }
}
