//! The HTTP client every connector shares: timeouts, a User-Agent, retry
//! with exponential backoff and full jitter for 5xx, timeouts and refused
//! connections, and the networks' rate-limit headers on 429 (`Retry-After`
//! in seconds or as an HTTP date, `x-rate-limit-reset` / `x-ratelimit-reset`
//! as epoch seconds or seconds-until-reset). A short wait is slept off; a
//! long one becomes [`ConnectorError::RateLimited`] for the caller to
//! schedule.

use std::time::{Duration, UNIX_EPOCH};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use switchboard_core::time::{now_ms, Millis};
use url::Url;

use crate::error::ConnectorError;

/// How patient the client is. The defaults suit a background poller.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub user_agent: String,
    /// Limit for a whole request, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Tries per call, the first included (1 = no retry).
    pub max_attempts: u32,
    /// First backoff ceiling; it doubles per retry up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A rate-limit wait up to this long is slept off; a longer one is
    /// returned as `RateLimited`.
    pub max_rate_limit_wait: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: format!(
                "Switchboard/{} (social customer care desk)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

/// A configured client. Cloning shares the connection pool.
#[derive(Debug, Clone)]
pub struct Http {
    client: Client,
    config: HttpConfig,
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Self, ConnectorError> {
        let client = Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|_| ConnectorError::Network("the HTTP client could not be set up".into()))?;
        Ok(Http { client, config })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Sends the request `make` builds, retrying as the module docs say.
    /// `make` runs once per attempt. Only use it for calls that are safe to
    /// repeat (reads, or writes carrying an idempotency key); otherwise use
    /// [`Http::send_once`].
    ///
    /// Returns the response for 2xx and 304; every other status is an error.
    pub async fn send<F>(&self, make: F) -> Result<Response, ConnectorError>
    where
        F: Fn(&Client) -> RequestBuilder + Send + Sync,
    {
        self.send_with(self.config.max_attempts.max(1), make).await
    }

    /// Sends once: no retry (a rate limit still reports its `retry_at`).
    pub async fn send_once<F>(&self, make: F) -> Result<Response, ConnectorError>
    where
        F: Fn(&Client) -> RequestBuilder + Send + Sync,
    {
        self.send_with(1, make).await
    }

    async fn send_with<F>(&self, attempts: u32, make: F) -> Result<Response, ConnectorError>
    where
        F: Fn(&Client) -> RequestBuilder + Send + Sync,
    {
        let mut attempt = 1;
        loop {
            let last = attempt >= attempts;
            let wait = match make(&self.client).send().await {
                Ok(resp) => match self.judge(resp, attempt)? {
                    Judged::Done(resp) => return Ok(resp),
                    Judged::Retry { wait, .. } if !last => wait,
                    Judged::Retry { error, .. } => return Err(error),
                },
                Err(e) => {
                    let error = network_error(&e);
                    if last || !(e.is_timeout() || e.is_connect() || e.is_request()) {
                        return Err(error);
                    }
                    self.backoff(attempt)
                }
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Decides what a response means: done, an error, or worth retrying.
    fn judge(&self, resp: Response, attempt: u32) -> Result<Judged, ConnectorError> {
        let status = resp.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(Judged::Done(resp));
        }
        let now = now_ms();
        match status.as_u16() {
            401 | 403 => Err(ConnectorError::Unauthorized),
            429 => {
                let (retry_at, wait) = match retry_at(resp.headers(), now) {
                    Some(at) => (at, Duration::from_millis((at - now).max(0) as u64)),
                    None => {
                        let wait = self.backoff(attempt);
                        (now + wait.as_millis() as Millis, wait)
                    }
                };
                let error = ConnectorError::RateLimited { retry_at };
                if wait > self.config.max_rate_limit_wait {
                    return Err(error);
                }
                Ok(Judged::Retry { wait, error })
            }
            s if s >= 500 => {
                // A 503 may say when to come back; otherwise back off.
                let wait = retry_at(resp.headers(), now)
                    .map(|at| Duration::from_millis((at - now).max(0) as u64))
                    .filter(|w| *w <= self.config.max_rate_limit_wait)
                    .unwrap_or_else(|| self.backoff(attempt));
                Ok(Judged::Retry {
                    wait,
                    error: ConnectorError::Server(s),
                })
            }
            s => Err(ConnectorError::Server(s)),
        }
    }

    /// Full jitter: a random wait between zero and base × 2^(attempt-1),
    /// capped at `max_delay`.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.base_delay.as_millis() as u64;
        let ceiling = base
            .saturating_mul(1u64 << (attempt.saturating_sub(1)).min(30))
            .min(self.config.max_delay.as_millis() as u64);
        Duration::from_millis(rand::rng().random_range(0..=ceiling))
    }
}

enum Judged {
    Done(Response),
    Retry {
        wait: Duration,
        error: ConnectorError,
    },
}

/// Words for a transport failure: the host, never the full URL (a query
/// string may carry a token).
fn network_error(e: &reqwest::Error) -> ConnectorError {
    let host = e
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("the network")
        .to_string();
    let what = if e.is_timeout() {
        format!("{host} did not answer in time")
    } else if e.is_connect() {
        format!("could not connect to {host}")
    } else if e.is_builder() {
        "the request could not be built (check the base URL)".to_string()
    } else {
        format!("the connection to {host} failed")
    };
    ConnectorError::Network(what)
}

/// When a rate limit ends, from `Retry-After` (seconds or HTTP date), then
/// `x-rate-limit-reset` (X), `x-ratelimit-reset` (Reddit, Mastodon) or
/// `ratelimit-reset` (Bluesky's PDS, the IETF draft header).
/// A reset value of 10^9 or more is taken as epoch seconds, a smaller one as
/// seconds from now (Reddit's). Never earlier than `now`.
pub fn retry_at(headers: &HeaderMap, now: Millis) -> Option<Millis> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let at = if let Some(v) = text(RETRY_AFTER.as_str()) {
        if let Ok(secs) = v.parse::<u64>() {
            Some(now.saturating_add((secs as i64).saturating_mul(1000)))
        } else {
            httpdate::parse_http_date(v)
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as Millis)
        }
    } else {
        None
    };
    let at = at.or_else(|| {
        let v = text("x-rate-limit-reset")
            .or_else(|| text("x-ratelimit-reset"))
            .or_else(|| text("ratelimit-reset"))?;
        let secs = v
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)?;
        Some(if secs >= 1e9 {
            (secs * 1000.0) as Millis
        } else {
            now + (secs * 1000.0) as Millis
        })
    })?;
    Some(at.max(now))
}

/// Reads a JSON body. A bad body is `Malformed` with the path and the
/// reason (e.g. `[0].account.id: invalid type`), never a panic.
pub async fn read_json<T: DeserializeOwned>(resp: Response) -> Result<T, ConnectorError> {
    let bytes = read_bytes(resp).await?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ConnectorError::Malformed(format!(
            "bad JSON at {path} (line {}, column {}): {inner}",
            inner.line(),
            inner.column()
        ))
    })
}

/// Reads the whole body; a connection lost half-way is a `Network` error.
pub async fn read_bytes(resp: Response) -> Result<Vec<u8>, ConnectorError> {
    resp.bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| network_error(&e))
}

/// `base` joined with `path`, treating `base` as a folder
/// (`https://host/prefix` + `api/v1/x` = `https://host/prefix/api/v1/x`).
pub fn endpoint(base: &Url, path: &str) -> Result<Url, ConnectorError> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    base.join(path.trim_start_matches('/'))
        .map_err(|_| ConnectorError::Network(format!("bad endpoint path {path}")))
}

/// Parses a configured base URL.
pub fn parse_base(url: &str) -> Result<Url, ConnectorError> {
    Url::parse(url).map_err(|_| ConnectorError::Network("the base URL is not a valid URL".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let now = 1_700_000_000_000;
        assert_eq!(
            retry_at(&headers("retry-after", "7"), now),
            Some(now + 7_000)
        );
        let date = "Wed, 15 Nov 2023 00:00:00 GMT"; // 1700006400
        assert_eq!(
            retry_at(&headers("retry-after", date), now),
            Some(1_700_006_400_000)
        );
    }

    #[test]
    fn reset_headers_by_magnitude() {
        let now = 1_700_000_000_000;
        assert_eq!(
            retry_at(&headers("x-rate-limit-reset", "1700000900"), now),
            Some(1_700_000_900_000)
        );
        assert_eq!(
            retry_at(&headers("x-ratelimit-reset", "412"), now),
            Some(now + 412_000),
            "Reddit: seconds from now"
        );
        assert_eq!(
            retry_at(&headers("x-ratelimit-reset", "1600000000"), now),
            Some(now),
            "a reset in the past is now"
        );
        assert_eq!(retry_at(&headers("x-ratelimit-reset", "soon"), now), None);
    }

    #[test]
    fn endpoint_keeps_base_prefix() {
        let base = parse_base("http://127.0.0.1:9/prefix").unwrap();
        assert_eq!(
            endpoint(&base, "/api/v1/x").unwrap().as_str(),
            "http://127.0.0.1:9/prefix/api/v1/x"
        );
    }
}
