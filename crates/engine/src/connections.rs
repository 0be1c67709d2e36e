//! Connected accounts as the desk sees them: connecting one, building its
//! connector from the workspace's settings, and polling every account once.
//! RSS/Atom feeds for now; the networks with credentials follow (issue 3).

use serde_json::{json, Value};
use switchboard_connectors::{Connector, FeedConfig, FeedConnector, Http, HttpConfig};
use switchboard_core::account::Account;

use crate::error::DeskError;
use crate::listen::{poll_account, PollOutcome};
use crate::Desk;

/// How often a feed is polled when nothing says otherwise.
pub const FEED_EVERY_MS: i64 = 5 * 60_000;

/// Builds the connector of an account from its stored settings.
pub fn connector_for(account: &Account, config: &Value) -> Result<Box<dyn Connector>, DeskError> {
    let http = Http::new(HttpConfig::default()).map_err(|e| DeskError { code: e.code(), message: e.to_string() })?;
    match account.network.as_str() {
        "rss" => {
            let mut feed = FeedConfig::new(account.base_url.clone());
            if let Some(ch) = config.get("channel").and_then(Value::as_str) {
                feed.channel = ch.to_string();
            }
            feed.account = config.get("account").and_then(Value::as_str).map(str::to_string);
            let c = FeedConnector::new(feed, http).map_err(|e| DeskError::invalid(format!("feed {}: {e}", account.name)))?;
            Ok(Box::new(c))
        }
        other => Err(DeskError::invalid(format!("no connector for the network {other:?} yet"))),
    }
}

impl Desk {
    /// Starts listening to an RSS or Atom feed; `channel` names the posts'
    /// channel (e.g. `reviews`, `news`; default `rss`).
    pub async fn connect_feed(&self, url: &str, name: Option<&str>, channel: Option<&str>) -> Result<Account, DeskError> {
        let parsed = url::Url::parse(url).map_err(|e| DeskError::invalid(format!("{url:?} is not a feed address: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(DeskError::invalid("a feed address starts with http:// or https://"));
        }
        let name = name.map(str::to_string).unwrap_or_else(|| format!("{}{}", parsed.host_str().unwrap_or(""), parsed.path()));
        let mut config = json!({});
        if let Some(ch) = channel {
            config["channel"] = json!(ch);
        }
        let account = self.store().upsert_account("rss", &name, url, &config, None).await?;
        connector_for(&account, &config)?; // refuse now what could never poll
        Ok(account)
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, DeskError> {
        Ok(self.store().accounts().await?)
    }

    /// Polls one account now.
    pub async fn poll(&self, account_id: i64) -> Result<PollOutcome, DeskError> {
        let account = self.store().account(account_id).await?;
        let (config, _) = self.store().account_state(account_id).await?;
        let connector = connector_for(&account, &config)?;
        poll_account(self.store(), account_id, connector.as_ref(), FEED_EVERY_MS).await
    }
}
