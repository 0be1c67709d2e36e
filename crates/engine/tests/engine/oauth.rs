//! Connecting X through the OAuth flow against a loopback authorization
//! server (crates/oauth/tests/support/auth_server.rs) and a mock X API: the
//! access and refresh tokens land in the OS keychain, never the workspace,
//! and a refresh replaces both. Mastodon through mastodon-mock: an app is
//! registered on the instance and the account picked there is connected.
//! The keychain tests run through
//! scripts/test.sh (a private keychain session).

#[path = "../../../oauth/tests/support/auth_server.rs"]
mod auth_server;
use crate::live_mastodon::{keychain_here, mastodon_mock};

use std::sync::{Arc, Mutex};

use auth_server::{AuthServer, Behaviour, Picker, TestBrowser};
use serde_json::json;
use switchboard_engine::oauth::OAuthClient;
use switchboard_engine::Desk;
use switchboard_store::testing::stores;
use switchboard_vault::{SecretRef, Vault};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const USER_ID: &str = "1300000000000000001";

/// An X API whose `GET /2/users/me` accepts only the access tokens the
/// authorization server issued; records the ones it saw.
async fn x_api(auth: &AuthServer) -> (MockServer, Arc<Mutex<Vec<String>>>) {
    let api = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, saw) = (auth.log.clone(), seen.clone());
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(move |r: &Request| {
            let bearer = r.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").trim_start_matches("Bearer ").to_string();
            if log.lock().unwrap().issued.contains(&bearer) && bearer.starts_with("at-") {
                saw.lock().unwrap().push(bearer);
                ResponseTemplate::new(200).set_body_json(json!({ "data": { "id": USER_ID, "name": "Lumen", "username": "LumenHelp" } }))
            } else {
                ResponseTemplate::new(401).set_body_json(json!({ "title": "Unauthorized", "status": 401, "detail": "Unauthorized" }))
            }
        })
        .mount(&api)
        .await;
    (api, seen)
}

fn client(auth: &AuthServer) -> OAuthClient {
    let mut c = OAuthClient::new("x-client");
    c.endpoints = Some(auth.endpoints());
    c.timeout = std::time::Duration::from_secs(10);
    c
}

#[tokio::test]
async fn an_x_account_connects_through_oauth_and_a_refresh_replaces_both_tokens() {
    if !keychain_here() {
        return;
    }
    for (round, db) in stores().await.into_iter().enumerate() {
        let auth = AuthServer::start(Behaviour { client_id: "x-client".into(), rotate_refresh: true, ..Default::default() }).await;
        let (api, seen) = x_api(&auth).await;
        let vault = Vault::new(&format!("app.switchboard.test.engine.oauth.{}.{round}", std::process::id()));
        let desk = Desk::with_store(db.store.clone()).await.unwrap().with_vault(vault.clone());

        let account = desk.connect_oauth("x", &api.uri(), "@LumenHelp", Some(USER_ID), client(&auth), &TestBrowser::default()).await.unwrap();
        assert_eq!((account.network.as_str(), account.name.as_str()), ("x", "LumenHelp"), "{}", db.url);
        assert_eq!(account.secret_ref.as_deref(), Some("x:LumenHelp/access-token"));
        let access = SecretRef::new("x:LumenHelp", "access-token").unwrap();
        let refresh = SecretRef::new("x:LumenHelp", "refresh-token").unwrap();
        let first_access = vault.get(&access).unwrap().unwrap();
        let first_refresh = vault.get(&refresh).unwrap().expect("the refresh token is in the keychain");
        assert_eq!(seen.lock().unwrap().as_slice(), [first_access.expose().to_string()], "the token was checked with X");

        let (config, _) = db.store.account_state(account.id).await.unwrap();
        assert_eq!(config["user_id"], USER_ID);
        assert_eq!(config["oauth"]["client_id"], "x-client");
        assert_eq!(config["oauth"]["token_url"], auth.token_url());
        for secret in auth.issued() {
            assert!(!config.to_string().contains(&secret), "{}: the workspace holds no token: {config}", db.url);
        }

        assert!(desk.refresh_credentials(account.id).await.unwrap(), "{}", db.url);
        let new_access = vault.get(&access).unwrap().unwrap();
        let new_refresh = vault.get(&refresh).unwrap().unwrap();
        assert_ne!(new_access, first_access);
        assert_ne!(new_refresh, first_refresh, "X's rotated refresh token replaced the spent one");
        assert!(auth.issued().contains(&new_access.expose().to_string()));
        // The connector now polls with the new token.
        let account = desk.store().account(account.id).await.unwrap();
        assert_eq!(account.secret_ref.as_deref(), Some("x:LumenHelp/access-token"));
        let (config, _) = db.store.account_state(account.id).await.unwrap();
        assert_eq!(config["user_id"], USER_ID, "{}: the settings survive a refresh", db.url);

        // A spent refresh token (another desk refreshed first) is refused in words.
        vault.put(&refresh, &first_refresh).unwrap();
        let err = desk.refresh_credentials(account.id).await.unwrap_err();
        assert!(err.message.contains("x LumenHelp") && err.message.contains("sign in again"), "{err:?}");
        assert!(!err.message.contains(first_refresh.expose()), "{err:?}");

        for kind in ["access-token", "refresh-token", "client-secret"] {
            vault.delete(&SecretRef::new("x:LumenHelp", kind).unwrap()).unwrap();
        }
    }
}

#[tokio::test]
async fn an_account_without_a_refresh_token_is_not_refreshed() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let feed = desk.connect_feed("http://127.0.0.1:9/reviews.rss", Some("Reviews"), None).await.unwrap();
        assert!(!desk.refresh_credentials(feed.id).await.unwrap(), "{}", db.url);
        assert_eq!(desk.refresh_credentials(987_654).await.unwrap_err().code, "not_found");
    }
}

#[tokio::test]
async fn a_refused_or_impossible_connection_stores_nothing() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let auth = AuthServer::start(Behaviour { client_id: "x-client".into(), deny: true, ..Default::default() }).await;
        let (api, _) = x_api(&auth).await;

        let err = desk.connect_oauth("x", &api.uri(), "LumenHelp", None, client(&auth), &TestBrowser::default()).await.unwrap_err();
        assert!(err.message.contains("user id"), "{err:?}");
        let err = desk.connect_oauth("rss", &api.uri(), "LumenHelp", None, client(&auth), &TestBrowser::default()).await.unwrap_err();
        assert_eq!(err.code, "invalid");
        assert!(auth.log.lock().unwrap().authorize.is_empty(), "{}: no browser for what could never connect", db.url);

        let err = desk.connect_oauth("x", &api.uri(), "LumenHelp", Some(USER_ID), client(&auth), &TestBrowser::default()).await.unwrap_err();
        assert_eq!(err.code, "invalid");
        assert!(err.message.contains("did not give access"), "{err:?}");
        assert!(desk.accounts().await.unwrap().is_empty(), "{}", db.url);
    }
}

#[tokio::test]
async fn a_mastodon_account_connects_through_an_app_registered_on_the_instance() {
    if !keychain_here() {
        return;
    }
    let Some(server) = mastodon_mock::MockServer::start().await else { return };
    for (round, db) in stores().await.into_iter().enumerate() {
        let vault = Vault::new(&format!("app.switchboard.test.engine.oauth-m.{}.{round}", std::process::id()));
        let desk = Desk::with_store(db.store.clone()).await.unwrap().with_vault(vault.clone());
        let picker = Picker { username: "lumen", landed: Mutex::new(None) };
        let mut client = OAuthClient::new("");
        client.timeout = std::time::Duration::from_secs(20);
        let account = desk.connect_oauth("mastodon", &server.base, "lumen", None, client, &picker).await.unwrap();
        assert_eq!(*picker.landed.lock().unwrap(), Some(200), "{}", db.url);
        let name = account.secret_ref.as_deref().unwrap().rsplit_once('/').unwrap().0.to_string();
        assert!(name.starts_with("mastodon:lumen@"), "{name}");
        assert!(vault.get(&SecretRef::new(&name, "client-secret").unwrap()).unwrap().is_some(), "the registered app's secret is kept");
        assert!(vault.get(&SecretRef::new(&name, "refresh-token").unwrap()).unwrap().is_none());
        let (config, _) = db.store.account_state(account.id).await.unwrap();
        assert!(!config["oauth"]["client_id"].as_str().unwrap().is_empty(), "{config}");
        assert!(!desk.refresh_credentials(account.id).await.unwrap(), "Mastodon tokens do not expire: nothing to refresh");
        // The token works: the account polls.
        desk.poll(account.id).await.unwrap();
        for kind in ["access-token", "refresh-token", "client-secret"] {
            vault.delete(&SecretRef::new(&name, kind).unwrap()).unwrap();
        }
    }
}
