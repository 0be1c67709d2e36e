//! Connected accounts: an organisation's account on a network (or a feed it
//! listens to) and the state of its connector, as the app shows it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One connected account or feed. Holds no secret: `secret_ref` names where
/// the OS keychain keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Account {
    #[ts(type = "number")]
    pub id: i64,
    /// `bluesky`, `mastodon`, `x`, `reddit`, `rss`.
    pub network: String,
    /// The handle, or the feed's name.
    pub name: String,
    pub base_url: String,
    pub secret_ref: Option<String>,
    pub enabled: bool,
    /// Posts stored from this account so far.
    #[ts(type = "number")]
    pub posts_fetched: i64,
    #[ts(type = "number | null")]
    pub last_poll_at: Option<i64>,
    #[ts(type = "number | null")]
    pub next_poll_at: Option<i64>,
    /// The last failure in plain words; cleared by the next good poll.
    pub last_error: Option<String>,
    #[ts(type = "number | null")]
    pub last_error_at: Option<i64>,
}
