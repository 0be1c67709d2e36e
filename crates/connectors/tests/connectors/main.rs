//! Integration tests of the connectors over real HTTP on 127.0.0.1, against
//! `wiremock` servers replaying recorded payloads in the networks' formats.

use std::time::Duration;

use switchboard_connectors::{Http, HttpConfig};

mod bluesky; // chat DMs sent once, session refresh, 429 ratelimit-reset, malformed bodies
mod feed; // RSS/Atom: first poll, cursor, 304, malformed feed
mod http; // retry, backoff, rate limits, timeouts, secrets in errors
mod mastodon; // notifications, paging, replies with Idempotency-Key, search
mod reddit; // inbox listing, before-cursor paging, search, comments sent once, errors
mod x; // mentions, since_id/next_token paging, search, replies sent once, rate limits

/// A client with short waits so retry tests stay fast.
pub fn fast_http() -> Http {
    Http::new(HttpConfig {
        timeout: Duration::from_millis(500),
        connect_timeout: Duration::from_millis(500),
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_rate_limit_wait: Duration::from_secs(2),
        ..HttpConfig::default()
    })
    .expect("client builds")
}

/// A recorded payload from tests/fixtures.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}
