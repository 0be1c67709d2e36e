//! Connecting an X, Reddit or Mastodon account through the network's OAuth
//! flow (system browser, loopback redirect, PKCE), and refreshing its access
//! token later. The access token goes through the usual connect path (checked
//! with the network, kept in the OS keychain); the refresh token and a client
//! secret join it in the keychain (`<network>:<handle>/refresh-token`,
//! `.../client-secret`), and the non-secret rest (client id, token address)
//! goes in the account's settings under `oauth`.

use serde_json::{json, Value};
use switchboard_core::account::Account;
use switchboard_core::permission::Permission;
use switchboard_oauth::{authorize, authorize_mastodon, refresh, ClientAuth, OAuthError, Provider, TokenSet};
use switchboard_vault::{SecretRef, VaultError};

pub use switchboard_oauth::{ConsoleBrowser, Endpoints, OAuthClient, Opener, SystemBrowser, DEFAULT_TIMEOUT};

use crate::{Desk, DeskError};

fn from_oauth(e: OAuthError) -> DeskError {
    DeskError { code: e.code(), message: e.to_string() }
}

/// The keychain name an account's secrets are filed under (`x:LumenHelp`),
/// from the reference of its access token.
fn secret_account(account: &Account) -> Option<String> {
    account.secret_ref.as_deref()?.rsplit_once('/').map(|(name, _)| name.to_string())
}

fn reference(name: &str, kind: &str) -> Result<SecretRef, DeskError> {
    SecretRef::new(name, kind).map_err(|e| DeskError::invalid(e.to_string()))
}

impl Desk {
    /// Connects an account through the network's OAuth flow: `opener` shows
    /// the authorization page, the redirect comes back to 127.0.0.1, and the
    /// access token is checked and kept like a pasted one. For Mastodon an
    /// empty client id registers an app on the instance (`base_url`). X needs
    /// the account's numeric user id.
    pub async fn connect_oauth(
        &self,
        network: &str,
        base_url: &str,
        handle: &str,
        user_id: Option<&str>,
        client: OAuthClient,
        opener: &dyn Opener,
    ) -> Result<Account, DeskError> {
        self.require(Permission::ManageAccounts)?;
        // Refuse what could never connect before anyone signs in.
        match network {
            "x" if user_id.is_none_or(|id| id.trim().is_empty()) => {
                return Err(DeskError::invalid("an X account needs its numeric user id (--user-id)"))
            }
            "x" | "reddit" | "mastodon" => {}
            other => return Err(DeskError::invalid(format!("{other:?} accounts do not connect with OAuth (x, reddit or mastodon do)"))),
        }
        if handle.trim().trim_start_matches('@').trim_start_matches("u/").is_empty() {
            return Err(DeskError::invalid(format!("connecting a {network} account needs its handle")));
        }
        let (provider, client, tokens) = if network == "mastodon" {
            let (tokens, used) = authorize_mastodon(base_url, &client, opener).await.map_err(from_oauth)?;
            let provider = Provider::mastodon(base_url).map_err(from_oauth)?.with_endpoints(used.endpoints.as_ref());
            (provider, used, tokens)
        } else {
            let provider = Provider::for_network(network, base_url).map_err(from_oauth)?.with_endpoints(client.endpoints.as_ref());
            let tokens = authorize(&provider, &client, opener).await.map_err(from_oauth)?;
            (provider, client, tokens)
        };
        let account = if network == "mastodon" {
            self.connect_mastodon(base_url, handle, tokens.access_token.clone()).await?
        } else {
            self.connect_with_token(network, base_url, handle, user_id, tokens.access_token.clone()).await?
        };
        self.keep_oauth(&account, &provider, &client, &tokens).await?;
        Ok(account)
    }

    /// Keeps what a refresh will need: the refresh token and client secret in
    /// the keychain (stale ones removed), the rest in the account's settings.
    async fn keep_oauth(&self, account: &Account, provider: &Provider, client: &OAuthClient, tokens: &TokenSet) -> Result<(), DeskError> {
        let Some(name) = secret_account(account) else {
            return Err(DeskError::invalid(format!("{} {} was connected without a keychain entry", account.network, account.name)));
        };
        let kept = |e: VaultError| DeskError {
            code: "unavailable",
            message: format!("{} {} is connected, but its refresh token could not be kept: {e}", account.network, account.name),
        };
        let vault = self.vault();
        let refresh_ref = reference(&name, "refresh-token")?;
        match &tokens.refresh_token {
            Some(t) => vault.put(&refresh_ref, t).map_err(kept)?,
            None => vault.delete(&refresh_ref).map_err(kept)?,
        }
        let secret_ref = reference(&name, "client-secret")?;
        match client.client_secret.as_ref().filter(|s| !s.expose().is_empty()) {
            Some(s) => vault.put(&secret_ref, s).map_err(kept)?,
            None => vault.delete(&secret_ref).map_err(kept)?,
        }
        let (mut config, _) = self.store().account_state(account.id).await?;
        if !config.is_object() {
            config = json!({});
        }
        config["oauth"] = json!({
            "client_id": client.client_id,
            "token_url": provider.token_url,
            "client_auth": provider.client_auth.as_str(),
            "expires_at": tokens.expires_at,
            "scopes": tokens.scopes,
        });
        self.store().upsert_account(&account.network, &account.name, &account.base_url, &config, account.secret_ref.as_deref()).await?;
        Ok(())
    }

    /// Trades the account's refresh token for a new access token and keeps
    /// both in the keychain. Returns false when the account has no refresh
    /// token (a pasted token, a Mastodon account, a feed): then only
    /// connecting it again helps.
    pub async fn refresh_credentials(&self, account_id: i64) -> Result<bool, DeskError> {
        let account = self.store().account(account_id).await?;
        let (mut config, _) = self.store().account_state(account_id).await?;
        let Some(oauth) = config.get("oauth").filter(|v| v.is_object()).cloned() else { return Ok(false) };
        let Some(name) = secret_account(&account) else { return Ok(false) };
        let unavailable = |e: VaultError| DeskError { code: "unavailable", message: e.to_string() };
        let vault = self.vault();
        let refresh_ref = reference(&name, "refresh-token")?;
        let Some(refresh_token) = vault.get(&refresh_ref).map_err(unavailable)? else { return Ok(false) };

        let who = format!("{} {}", account.network, account.name);
        let client_id = oauth.get("client_id").and_then(Value::as_str).unwrap_or_default();
        let mut provider = Provider::for_network(&account.network, &account.base_url).map_err(from_oauth)?;
        if let Some(url) = oauth.get("token_url").and_then(Value::as_str) {
            provider.token_url = url.to_string();
        }
        if let Some(auth) = oauth.get("client_auth").and_then(Value::as_str).and_then(ClientAuth::parse) {
            provider.client_auth = auth;
        }
        let mut client = OAuthClient::new(client_id);
        client.client_secret = vault.get(&reference(&name, "client-secret")?).map_err(unavailable)?;
        let tokens = refresh(&provider, &client, &refresh_token)
            .await
            .map_err(|e| DeskError { code: e.code(), message: format!("{who}: {e}") })?;

        // The new refresh token first: X spends the old one with this refresh.
        if let Some(new) = tokens.refresh_token.as_ref().filter(|t| **t != refresh_token) {
            vault.put(&refresh_ref, new).map_err(unavailable)?;
        }
        let access_ref = account
            .secret_ref
            .as_deref()
            .map(SecretRef::parse)
            .transpose()
            .map_err(|e| DeskError::invalid(e.to_string()))?
            .ok_or_else(|| DeskError::invalid(format!("{who} has no credentials: connect it again")))?;
        vault.put(&access_ref, &tokens.access_token).map_err(unavailable)?;

        if let Some(o) = config.get_mut("oauth").and_then(Value::as_object_mut) {
            o.insert("expires_at".into(), json!(tokens.expires_at));
        }
        self.store().upsert_account(&account.network, &account.name, &account.base_url, &config, account.secret_ref.as_deref()).await?;
        Ok(true)
    }
}
