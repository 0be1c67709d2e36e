//! What can go wrong while connecting an account, in plain words. No variant
//! ever carries a token, a code, a PKCE verifier or a client secret.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// A setting is wrong (an address that is not one, a missing client id).
    #[error("{0}")]
    Invalid(String),
    /// The person (or the network) refused to give access.
    #[error("the network did not give access ({0}): nothing was connected")]
    Denied(String),
    /// The redirect did not carry the state this flow sent: not our sign-in.
    #[error("the sign-in that came back was not the one Switchboard started (state mismatch): nothing was connected")]
    StateMismatch,
    /// Nobody finished signing in in time.
    #[error("no sign-in came back within {} s: nothing was connected", .0.as_secs())]
    TimedOut(Duration),
    /// The loopback catcher could not listen.
    #[error("cannot listen for the sign-in on 127.0.0.1: {0}")]
    Loopback(String),
    /// The browser could not be opened.
    #[error("cannot open the browser: {0}")]
    Browser(String),
    /// The authorization server answered with a refusal or something unreadable.
    #[error("{0}")]
    Refused(String),
    /// The authorization server could not be reached.
    #[error("cannot reach the authorization server: {0}")]
    Network(String),
}

impl OAuthError {
    /// A code a front end can act on: `invalid` (fix the settings or start
    /// again) or `unavailable` (try again later).
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::Network(_) | OAuthError::Loopback(_) | OAuthError::Browser(_) | OAuthError::TimedOut(_) => "unavailable",
            _ => "invalid",
        }
    }
}

/// Replaces every occurrence of each secret in `text` with `***` (for text
/// that came from a server, which could echo what it was sent).
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(*s, "***");
    }
    out
}
