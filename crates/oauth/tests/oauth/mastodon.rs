//! Mastodon against a real API server on loopback (mastodon-mock): the app
//! is registered with the catcher's redirect URI, the person picks the
//! account on the instance's authorization page, and the token works.

#[path = "../../../connectors/tests/support/mastodon_mock.rs"]
mod mastodon_mock;

use std::sync::Mutex;
use std::time::Duration;

use mastodon_mock::MockServer;
use switchboard_oauth::{authorize_mastodon, register_mastodon_app, OAuthClient};

use crate::auth_server::Picker;

#[tokio::test]
async fn an_app_is_registered_and_the_code_flow_gives_a_working_token() {
    let Some(server) = MockServer::start().await else { return };
    let picker = Picker { username: "lumen", landed: Mutex::new(None) };
    let mut client = OAuthClient::new("");
    client.timeout = Duration::from_secs(20);
    let (tokens, used) = authorize_mastodon(&server.base, &client, &picker).await.unwrap();
    assert!(!used.client_id.is_empty() && used.client_secret.is_some(), "an app was registered: {used:?}");
    assert_eq!(*picker.landed.lock().unwrap(), Some(200), "the catcher answered the browser");
    assert!(tokens.refresh_token.is_none(), "Mastodon tokens do not expire");

    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/accounts/verify_credentials", server.base))
        .bearer_auth(tokens.access_token.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "lumen", "the token acts as the account picked: {me}");

    // An app registered beforehand (its id given) is used as it is.
    let app = register_mastodon_app(&server.base, "Switchboard test", "http://127.0.0.1:1/callback", &["read".into()]).await.unwrap();
    assert!(!format!("{app:?}").contains(app.client_secret.expose()));
    let err = register_mastodon_app("ftp://nowhere", "x", "http://127.0.0.1:1/callback", &[]).await.unwrap_err();
    assert!(err.to_string().contains("https://"), "{err}");
}
