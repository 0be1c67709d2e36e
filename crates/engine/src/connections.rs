//! Connected accounts as the desk sees them: connecting one (its secret goes
//! to the OS keychain, the workspace keeps only where it is), building its
//! connector from the workspace's settings and the keychain, polling it, and
//! sending the replies waiting in the outbox.

use serde_json::{json, Value};
use switchboard_connectors::{
    BlueskyConfig, BlueskyConnector, Connector, FeedConfig, FeedConnector, Health, Http, HttpConfig, MastodonConfig, MastodonConnector, RedditConfig, RedditConnector,
    XConfig, XConnector,
};
use switchboard_core::account::Account;
use switchboard_core::outbox::OutboxItem;
use switchboard_core::permission::Permission;
use switchboard_vault::{Secret, SecretRef, Vault};

use crate::error::DeskError;
use crate::listen::{poll_account, PollOutcome};
use crate::Desk;

/// How often a feed is polled when nothing says otherwise.
pub const FEED_EVERY_MS: i64 = 5 * 60_000;

/// Builds the connector of an account from its stored settings and, for a
/// network with credentials, its secret from the keychain.
pub fn connector_for(account: &Account, config: &Value, vault: &Vault) -> Result<Box<dyn Connector>, DeskError> {
    let token = match account.network.as_str() {
        "rss" => None,
        _ => Some(secret_of(account, vault)?),
    };
    build_connector(&account.network, &account.base_url, &account.name, config, token.as_ref())
}

/// The connector of `network` at `base_url` for the account `name`, with its
/// settings and (for a network with credentials) its token.
fn build_connector(network: &str, base_url: &str, name: &str, config: &Value, token: Option<&Secret>) -> Result<Box<dyn Connector>, DeskError> {
    let http = Http::new(HttpConfig::default()).map_err(|e| DeskError { code: e.code(), message: e.to_string() })?;
    let bad = |e: switchboard_connectors::ConnectorError| DeskError::invalid(format!("{network} {name}: {e}"));
    let token = || {
        token
            .map(|t| switchboard_connectors::Secret::new(t.expose()))
            .ok_or_else(|| DeskError::invalid(format!("{network} {name} has no credentials: connect it again")))
    };
    match network {
        "mastodon" => {
            let mut c = MastodonConfig::new(base_url, token()?);
            c.account = Some(name.to_string());
            Ok(Box::new(MastodonConnector::new(c, http).map_err(bad)?))
        }
        "bluesky" => {
            let mut c = BlueskyConfig::new(base_url, name, token()?);
            c.account = Some(name.to_string());
            Ok(Box::new(BlueskyConnector::new(c, http).map_err(bad)?))
        }
        "x" => {
            let user_id = config
                .get("user_id")
                .and_then(Value::as_str)
                .ok_or_else(|| DeskError::invalid(format!("x {name} has no user id: connect it again")))?;
            let mut c = XConfig::new(token()?, user_id);
            c.base_url = base_url.to_string();
            c.account = Some(name.to_string());
            Ok(Box::new(XConnector::new(c, http).map_err(bad)?))
        }
        "reddit" => {
            let mut c = RedditConfig::new(token()?, name);
            c.base_url = base_url.to_string();
            Ok(Box::new(RedditConnector::new(c, http).map_err(bad)?))
        }
        "rss" => {
            let mut feed = FeedConfig::new(base_url);
            if let Some(ch) = config.get("channel").and_then(Value::as_str) {
                feed.channel = ch.to_string();
            }
            feed.account = config.get("account").and_then(Value::as_str).map(str::to_string);
            Ok(Box::new(FeedConnector::new(feed, http).map_err(|e| DeskError::invalid(format!("feed {name}: {e}")))?))
        }
        other => Err(DeskError::invalid(format!("no connector for the network {other:?} yet"))),
    }
}

fn secret_of(account: &Account, vault: &Vault) -> Result<Secret, DeskError> {
    let reference = account
        .secret_ref
        .as_deref()
        .ok_or_else(|| DeskError::invalid(format!("{} {} has no credentials: connect it again", account.network, account.name)))?;
    let reference = SecretRef::parse(reference).map_err(|e| DeskError::invalid(e.to_string()))?;
    vault
        .get(&reference)
        .map_err(|e| DeskError { code: "unavailable", message: e.to_string() })?
        .ok_or_else(|| DeskError::invalid(format!("the keychain holds no credentials for {} {}: connect it again", account.network, account.name)))
}

impl Desk {
    /// Starts listening to an RSS or Atom feed; `channel` names the posts'
    /// channel (e.g. `reviews`, `news`; default `rss`).
    pub async fn connect_feed(&self, url: &str, name: Option<&str>, channel: Option<&str>) -> Result<Account, DeskError> {
        self.require(Permission::ManageAccounts)?;
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
        connector_for(&account, &config, self.vault())?; // refuse now what could never poll
        Ok(account)
    }

    /// Connects a Mastodon account with an access token: the token is checked
    /// with the instance, then kept in the OS keychain (never the workspace).
    pub async fn connect_mastodon(&self, base_url: &str, handle: &str, token: Secret) -> Result<Account, DeskError> {
        self.require(Permission::ManageAccounts)?;
        let parsed = url::Url::parse(base_url).map_err(|e| DeskError::invalid(format!("{base_url:?} is not an instance address: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(DeskError::invalid("an instance address starts with https://"));
        }
        let handle = handle.trim().trim_start_matches('@');
        let host = parsed.host_str().unwrap_or(base_url);
        let reference = format!("mastodon:{handle}@{}", parsed.host_str().unwrap_or(""));
        self.connect_token_account("mastodon", base_url, handle, json!({}), token, &reference, host).await
    }

    /// Connects a Bluesky account with an app password (never the account's
    /// main password): the PDS (`https://bsky.social` for most accounts)
    /// signs it in, then the app password is kept in the OS keychain.
    pub async fn connect_bluesky(&self, base_url: &str, handle: &str, app_password: Secret) -> Result<Account, DeskError> {
        self.require(Permission::ManageAccounts)?;
        let parsed = url::Url::parse(base_url).map_err(|e| DeskError::invalid(format!("{base_url:?} is not a server address: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(DeskError::invalid("a Bluesky server address starts with https://"));
        }
        let handle = handle.trim().trim_start_matches('@');
        if handle.is_empty() {
            return Err(DeskError::invalid("a Bluesky account needs its handle (e.g. brand.bsky.social)"));
        }
        let reference = format!("bluesky:{handle}@{}", parsed.host_str().unwrap_or(""));
        self.connect_token_account("bluesky", base_url, handle, json!({}), app_password, &reference, "Bluesky").await
    }

    /// Connects an X or Reddit account with an access token (obtained with
    /// the network's OAuth flow): the token is checked with the network, then
    /// kept in the OS keychain. X needs the account's numeric user id.
    pub async fn connect_with_token(
        &self,
        network: &str,
        base_url: &str,
        handle: &str,
        user_id: Option<&str>,
        token: Secret,
    ) -> Result<Account, DeskError> {
        self.require(Permission::ManageAccounts)?;
        let handle = handle.trim().trim_start_matches('@').trim_start_matches("u/");
        let config = match (network, user_id) {
            ("x", Some(id)) => json!({ "user_id": id }),
            ("x", None) => return Err(DeskError::invalid("an X account needs its numeric user id (--user-id)")),
            ("reddit", _) => json!({}),
            (other, _) => return Err(DeskError::invalid(format!("{other:?} accounts do not connect with a token"))),
        };
        let who = if network == "x" { "X" } else { "Reddit" };
        self.connect_token_account(network, base_url, handle, config, token, &format!("{network}:{handle}"), who).await
    }

    /// Checks `token` with the network (its connector's health), keeps it in
    /// the keychain under `secret_account`, and records the account.
    /// `who` names the network in the refusal ("... did not accept the token").
    #[allow(clippy::too_many_arguments)]
    async fn connect_token_account(
        &self,
        network: &str,
        base_url: &str,
        handle: &str,
        config: Value,
        token: Secret,
        secret_account: &str,
        who: &str,
    ) -> Result<Account, DeskError> {
        let reference = SecretRef::new(secret_account, "access-token").map_err(|e| DeskError::invalid(e.to_string()))?;
        let probe = build_connector(network, base_url, handle, &config, Some(&token))?;
        if let Health::Failing(e) = probe.health().await {
            let credential = if network == "bluesky" { "app password" } else { "token" };
            let message = match e {
                switchboard_connectors::ConnectorError::Unauthorized => format!("{who} did not accept the {credential}: {e}"),
                _ => format!("could not check the {credential} with {who}: {e}"),
            };
            return Err(DeskError { code: e.code(), message });
        }
        self.vault().put(&reference, &token).map_err(|e| DeskError { code: "unavailable", message: e.to_string() })?;
        Ok(self.store().upsert_account(network, handle, base_url, &config, Some(reference.as_str())).await?)
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, DeskError> {
        Ok(self.store().accounts().await?)
    }

    /// The connector of a stored account.
    pub(crate) async fn connector_of(&self, account_id: i64) -> Result<Box<dyn Connector>, DeskError> {
        let account = self.store().account(account_id).await?;
        let (config, _) = self.store().account_state(account_id).await?;
        connector_for(&account, &config, self.vault())
    }

    /// Polls one account now. A refused access token is renewed once with
    /// the account's OAuth refresh token, when it has one.
    pub async fn poll(&self, account_id: i64) -> Result<PollOutcome, DeskError> {
        self.poll_every(account_id, FEED_EVERY_MS).await
    }

    /// [`Desk::poll`], with the next poll due `every_ms` after this one.
    pub async fn poll_every(&self, account_id: i64, every_ms: i64) -> Result<PollOutcome, DeskError> {
        let connector = self.connector_of(account_id).await?;
        let outcome = match poll_account(self.store(), account_id, connector.as_ref(), every_ms).await {
            Err(e) if e.code == "unauthorized" && self.refresh_credentials(account_id).await.unwrap_or(false) => {
                let connector = self.connector_of(account_id).await?;
                poll_account(self.store(), account_id, connector.as_ref(), every_ms).await
            }
            other => other,
        }?;
        if outcome.stored > 0 {
            self.process_new().await?;
        }
        Ok(outcome)
    }

    /// Does what is due: polls every enabled account whose next poll has
    /// come (or that was never polled), runs the listening searches that are
    /// due, then sends what waits in the outbox.
    /// Failures are recorded on their account or reply; the count of new
    /// posts stored is returned (the app refreshes when it is not zero).
    pub async fn run_due(&self, now: i64) -> Result<usize, DeskError> {
        if self.needs_sign_in() {
            return Err(crate::signin::sign_in_first());
        }
        let mut stored = 0;
        for account in self.store().accounts().await? {
            if !account.enabled || account.next_poll_at.is_some_and(|t| t > now) {
                continue;
            }
            if let Ok(outcome) = self.poll(account.id).await {
                stored += outcome.stored;
            }
        }
        // Listening queries sent to the networks' searches that are due.
        let found = self.run_searches(now).await?;
        if found > 0 {
            self.process_new().await?;
        }
        stored += found;
        // SLA clocks: escalate what is about to be missed.
        self.sla_tick(now).await?;
        // Failed replies wait for a person to retry them: a refused token
        // would otherwise fail (and fill the timeline) every round.
        for sent in self.send_replies(false).await? {
            if sent.is_ok() {
                stored += 1;
            }
        }
        Ok(stored)
    }

    /// Sends the replies waiting in the outbox (and finishes any a crash
    /// interrupted), each through its account's connector; returns them as
    /// they ended. One failing reply does not stop the others.
    pub async fn send_pending_replies(&self) -> Result<Vec<Result<OutboxItem, DeskError>>, DeskError> {
        if self.needs_sign_in() {
            return Err(crate::signin::sign_in_first());
        }
        self.send_replies(true).await
    }

    /// Sends one reply now (however it stands), through its account: a
    /// member's command (the outbox's own sending is not checked).
    pub async fn send_reply_now(&self, item_id: i64) -> Result<OutboxItem, DeskError> {
        let item = self.store().outbox_item(item_id).await?;
        self.require_on_case(Permission::ReplyOnCase, item.case_id).await?;
        self.send_item(item).await
    }

    async fn send_item(&self, item: OutboxItem) -> Result<OutboxItem, DeskError> {
        let connector = self.connector_of(item.account_id).await?;
        match crate::replies::send_outbox_item(self.store(), item.id, connector.as_ref(), &self.me().handle).await {
            // The same item (and idempotency key) again, with a renewed token.
            Err(e) if e.code == "unauthorized" && self.refresh_credentials(item.account_id).await.unwrap_or(false) => {
                let connector = self.connector_of(item.account_id).await?;
                crate::replies::send_outbox_item(self.store(), item.id, connector.as_ref(), &self.me().handle).await
            }
            other => other,
        }
    }

    pub(crate) async fn send_replies(&self, retry_failed: bool) -> Result<Vec<Result<OutboxItem, DeskError>>, DeskError> {
        let mut out = Vec::new();
        let pending = self.store().pending_replies().await?;
        for item in pending.into_iter().filter(|i| retry_failed || i.state != switchboard_core::outbox::OutboxState::Failed) {
            out.push(self.send_item(item).await);
        }
        Ok(out)
    }
}
