//! Mastodon: an instance knows no app until one is registered on it
//! (`POST /api/v1/apps`), with the exact redirect URI of the catcher; then the
//! usual code flow runs against the instance's `/oauth/authorize` and
//! `/oauth/token`.

use serde::Deserialize;
use switchboard_vault::Secret;

use crate::flow::plain_http;
use crate::provider::instance_base;
use crate::{authorize_with, Catcher, OAuthClient, OAuthError, Opener, Provider, TokenSet};

/// The name the app is registered under (shown to the person on the instance).
pub const MASTODON_CLIENT_NAME: &str = "Switchboard";

/// An app registered on an instance. Debug never shows the secret.
#[derive(Debug, Clone)]
pub struct MastodonApp {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Deserialize)]
struct Registered {
    client_id: String,
    client_secret: String,
}

/// Registers an app on `instance` for `redirect_uri` and `scopes`.
pub async fn register_mastodon_app(instance: &str, client_name: &str, redirect_uri: &str, scopes: &[String]) -> Result<MastodonApp, OAuthError> {
    let base = instance_base(instance)?;
    let http = plain_http()?;
    let scopes = scopes.join(" ");
    let form = [("client_name", client_name), ("redirect_uris", redirect_uri), ("scopes", scopes.as_str())];
    let response = http
        .post(format!("{base}/api/v1/apps"))
        .form(&form)
        .send()
        .await
        .map_err(|e| OAuthError::Network(format!("registering the app on {base}: {e}")))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| OAuthError::Network(format!("registering the app on {base}: {e}")))?;
    if !status.is_success() {
        return Err(OAuthError::Refused(format!("{base} refused to register Switchboard as an app (HTTP {})", status.as_u16())));
    }
    let app: Registered = serde_json::from_slice(&body)
        .map_err(|_| OAuthError::Refused(format!("{base} answered the app registration with something unreadable")))?;
    if app.client_id.is_empty() {
        return Err(OAuthError::Refused(format!("{base} registered the app without a client id")));
    }
    Ok(MastodonApp { client_id: app.client_id, client_secret: Secret::new(app.client_secret) })
}

/// The whole Mastodon flow: binds the catcher, registers an app on the
/// instance when `client.client_id` is empty, then authorizes. Returns the
/// tokens and the client as used (with the registered id and secret, to keep).
pub async fn authorize_mastodon(instance: &str, client: &OAuthClient, opener: &dyn Opener) -> Result<(TokenSet, OAuthClient), OAuthError> {
    let provider = Provider::mastodon(instance)?.with_endpoints(client.endpoints.as_ref());
    let catcher = Catcher::bind(client.redirect_port).await?;
    let mut client = client.clone();
    if client.client_id.trim().is_empty() {
        let app = register_mastodon_app(instance, MASTODON_CLIENT_NAME, &catcher.redirect_uri(), &provider.scopes).await?;
        client.client_id = app.client_id;
        client.client_secret = Some(app.client_secret);
    }
    let tokens = authorize_with(&provider, &client, catcher, opener).await?;
    Ok((tokens, client))
}
