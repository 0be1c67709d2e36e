//! What can go wrong talking to a network, in plain words, and the
//! [`Secret`] wrapper that keeps tokens out of every message and log.

use std::fmt;

use switchboard_core::time::{to_rfc3339, Millis};

/// A connector failure. Every message is written for the person at the desk
/// and never contains a credential, a URL with a query string or a payload
/// echoed back by the network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// The network asked us to slow down; try again at `retry_at` (epoch ms).
    #[error("the network is rate limiting us; next try after {}", to_rfc3339(*retry_at))]
    RateLimited { retry_at: Millis },
    /// The credentials were refused (401/403): expired, revoked or lacking a scope.
    #[error("the network refused our credentials: reconnect the account")]
    Unauthorized,
    /// The network could not be reached: timeout, refused connection, DNS.
    #[error("could not reach the network: {0}")]
    Network(String),
    /// The network answered with an unexpected HTTP status.
    #[error("{}", server_message(*.0))]
    Server(u16),
    /// The network's answer could not be read (bad JSON, bad XML, missing field).
    #[error("the network sent something we could not read: {0}")]
    Malformed(String),
    /// This network (or this connector) does not do that.
    #[error("this network does not support {0}")]
    Unsupported(&'static str),
}

fn server_message(status: u16) -> String {
    if status >= 500 {
        format!("the network is having trouble (server error {status})")
    } else {
        format!("the network refused the request (status {status})")
    }
}

impl ConnectorError {
    /// A stable code the front end can act on (e.g. show "reconnect").
    pub fn code(&self) -> &'static str {
        match self {
            ConnectorError::RateLimited { .. } => "rate_limited",
            ConnectorError::Unauthorized => "unauthorized",
            ConnectorError::Network(_) => "network",
            ConnectorError::Server(_) => "server",
            ConnectorError::Malformed(_) => "malformed",
            ConnectorError::Unsupported(_) => "unsupported",
        }
    }

    /// Whether trying the same call later may succeed without a person acting.
    pub fn is_transient(&self) -> bool {
        match self {
            ConnectorError::RateLimited { .. } | ConnectorError::Network(_) => true,
            ConnectorError::Server(status) => *status >= 500,
            _ => false,
        }
    }
}

/// A credential (token, app password, refresh token). `Debug` and `Display`
/// print `***`; the value is only reachable through [`Secret::expose`], at
/// the one place it is put into a request. It is deliberately not
/// `Serialize`, so it cannot end up in a database row or an export.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The raw value, for the request header that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("tok-123");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(s.expose(), "tok-123");
    }

    #[test]
    fn messages_are_plain_words() {
        let e = ConnectorError::RateLimited { retry_at: 0 };
        assert_eq!(
            e.to_string(),
            "the network is rate limiting us; next try after 1970-01-01T00:00:00Z"
        );
        assert!(ConnectorError::Server(502).to_string().contains("502"));
        assert!(ConnectorError::Server(502).is_transient());
        assert!(!ConnectorError::Server(404).is_transient());
    }
}
