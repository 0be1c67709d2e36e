//! X (public client, PKCE) and Reddit (HTTP Basic, permanent grant) flows,
//! refresh, and the ways a flow ends without an account.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use switchboard_oauth::{authorize, authorize_with, refresh, Catcher, OAuthClient, OAuthError, Provider, Secret};

use crate::auth_server::{AuthServer, Behaviour, NoBrowser, TestBrowser};

fn client(server: &AuthServer, id: &str) -> OAuthClient {
    let mut c = OAuthClient::new(id);
    c.endpoints = Some(server.endpoints());
    c.timeout = Duration::from_secs(10);
    c
}

fn x_on(server: &AuthServer) -> Provider {
    Provider::x().with_endpoints(Some(&server.endpoints()))
}

fn reddit_on(server: &AuthServer) -> Provider {
    Provider::reddit().with_endpoints(Some(&server.endpoints()))
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// No issued code or token, no verifier and no given secret appears in `text`.
fn holds_no_secret(server: &AuthServer, text: &str, also: &[&str]) {
    let log = server.log.lock().unwrap();
    let mut secrets: Vec<String> = log.issued.clone();
    secrets.extend(log.token.iter().filter_map(|f| f.get("code_verifier").cloned()));
    secrets.extend(log.token.iter().filter_map(|f| f.get("code").cloned()));
    secrets.extend(also.iter().map(|s| s.to_string()));
    for s in secrets {
        assert!(!text.contains(&s), "{text:?} shows the secret {s:?}");
    }
}

#[tokio::test]
async fn x_public_client_with_pkce_gets_tokens_and_refreshes_them() {
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), rotate_refresh: true, ..Default::default() }).await;
    let browser = TestBrowser::default();
    let tokens = authorize(&x_on(&server), &client(&server, "x-client"), &browser).await.unwrap();

    assert!(tokens.access_token.expose().starts_with("at-"));
    let first_refresh = tokens.refresh_token.clone().expect("offline.access gives a refresh token");
    assert!(tokens.expires_at.is_some_and(|t| t > now_ms() + 7_000_000), "{:?}", tokens.expires_at);
    let shown = format!("{tokens:?}");
    holds_no_secret(&server, &shown, &[]);

    {
        let log = server.log.lock().unwrap();
        let q = &log.authorize[0];
        assert_eq!(q["scope"], "tweet.read tweet.write users.read offline.access dm.read dm.write");
        assert_eq!(q["code_challenge_method"], "S256");
        assert!(q["redirect_uri"].starts_with("http://127.0.0.1:") && q["redirect_uri"].ends_with("/callback"), "{q:?}");
        assert!(q["state"].len() >= 16, "a random CSRF state");
        let form = &log.token[0];
        assert_eq!(form["grant_type"], "authorization_code");
        assert_eq!(form["client_id"], "x-client", "a public client names itself in the body");
        assert!(!form.contains_key("client_secret"));
    }
    let (status, page) = browser.landed.lock().unwrap().clone().unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("Connected — you can close this tab"), "{page}");
    holds_no_secret(&server, &page, &[]);

    let again = refresh(&x_on(&server), &client(&server, "x-client"), &first_refresh).await.unwrap();
    assert_ne!(again.access_token, tokens.access_token);
    let rotated = again.refresh_token.clone().unwrap();
    assert_ne!(rotated, first_refresh, "X rotates refresh tokens");
    // The old one is spent: refusing it says so in words, without the token.
    let err = refresh(&x_on(&server), &client(&server, "x-client"), &first_refresh).await.unwrap_err();
    let words = err.to_string();
    assert!(words.contains("invalid_grant") && words.contains("sign in again") && words.contains("HTTP 400"), "{words}");
    holds_no_secret(&server, &words, &[]);
}

#[tokio::test]
async fn reddit_installed_app_uses_basic_auth_a_fixed_port_and_keeps_its_refresh_token() {
    let server = AuthServer::start(Behaviour { client_id: "reddit-app".into(), basic_secret: Some(String::new()), ..Default::default() }).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut c = client(&server, "reddit-app");
    c.redirect_port = Some(port);
    let tokens = authorize(&reddit_on(&server), &c, &TestBrowser::default()).await.unwrap();
    {
        let log = server.log.lock().unwrap();
        let q = &log.authorize[0];
        assert_eq!(q["duration"], "permanent");
        assert_eq!(q["scope"], "identity read submit privatemessages history");
        assert_eq!(q["redirect_uri"], format!("http://127.0.0.1:{port}/callback"), "the registered redirect URI, exactly");
        assert!(!log.token[0].contains_key("client_id"), "Basic auth, not the body: {:?}", log.token[0]);
    }
    let old = tokens.refresh_token.clone().unwrap();
    let again = refresh(&reddit_on(&server), &c, &old).await.unwrap();
    assert_ne!(again.access_token, tokens.access_token);
    assert_eq!(again.refresh_token, Some(old), "Reddit sends no new refresh token: the old one stays");
}

#[tokio::test]
async fn a_confidential_app_sends_its_secret_only_in_basic_auth_and_a_wrong_one_is_refused_in_words() {
    let server = AuthServer::start(Behaviour { client_id: "web-app".into(), basic_secret: Some("s3cret-value".into()), ..Default::default() }).await;
    let mut c = client(&server, "web-app");
    c.client_secret = Some(Secret::new("s3cret-value"));
    authorize(&reddit_on(&server), &c, &TestBrowser::default()).await.unwrap();
    assert!(format!("{c:?}").contains("***") && !format!("{c:?}").contains("s3cret-value"));

    c.client_secret = Some(Secret::new("wrong-secret-value"));
    let err = authorize(&reddit_on(&server), &c, &TestBrowser::default()).await.unwrap_err();
    let words = err.to_string();
    assert!(words.contains("HTTP 401") && words.contains("invalid_client"), "{words}");
    holds_no_secret(&server, &words, &["wrong-secret-value"]);
}

#[tokio::test]
async fn a_redirect_with_another_state_is_refused() {
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), tamper_state: true, ..Default::default() }).await;
    let browser = TestBrowser::default();
    let err = authorize(&x_on(&server), &client(&server, "x-client"), &browser).await.unwrap_err();
    assert_eq!(err, OAuthError::StateMismatch);
    assert!(server.log.lock().unwrap().token.is_empty(), "the code was never exchanged");
    let (status, page) = browser.landed.lock().unwrap().clone().unwrap();
    assert_eq!(status, 400);
    assert!(page.contains("Not connected") && !page.contains("forged"), "{page}");
}

#[tokio::test]
async fn access_denied_ends_the_flow_in_plain_words() {
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), deny: true, ..Default::default() }).await;
    let err = authorize(&x_on(&server), &client(&server, "x-client"), &TestBrowser::default()).await.unwrap_err();
    assert!(matches!(err, OAuthError::Denied(_)), "{err:?}");
    assert_eq!(err.to_string(), "the network did not give access (access was refused on the authorization page): nothing was connected");
}

#[tokio::test]
async fn nobody_signing_in_times_out() {
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), ..Default::default() }).await;
    let mut c = client(&server, "x-client");
    c.timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let err = authorize(&x_on(&server), &c, &NoBrowser).await.unwrap_err();
    assert!(matches!(err, OAuthError::TimedOut(_)), "{err:?}");
    assert_eq!(err.code(), "unavailable");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_refused_code_is_surfaced_in_words_without_the_code_or_verifier() {
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), refuse_codes: true, ..Default::default() }).await;
    let err = authorize(&x_on(&server), &client(&server, "x-client"), &TestBrowser::default()).await.unwrap_err();
    let words = err.to_string();
    assert!(words.starts_with("the authorization server refused the authorization code (HTTP 400): invalid_request"), "{words}");
    assert!(words.contains("***"), "the echoed code is blanked: {words}");
    holds_no_secret(&server, &words, &[]);
    holds_no_secret(&server, &format!("{err:?}"), &[]);
}

#[tokio::test]
async fn a_taken_fixed_port_and_a_missing_client_id_are_refused_before_any_browser() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), ..Default::default() }).await;
    let mut c = client(&server, "x-client");
    c.redirect_port = Some(port);
    let err = authorize(&x_on(&server), &c, &TestBrowser::default()).await.unwrap_err();
    assert!(matches!(err, OAuthError::Loopback(_)) && err.to_string().contains(&port.to_string()), "{err}");
    let err = authorize(&x_on(&server), &client(&server, " "), &TestBrowser::default()).await.unwrap_err();
    assert!(err.to_string().contains("client id"), "{err}");
    assert!(server.log.lock().unwrap().authorize.is_empty());
}

#[tokio::test]
async fn idle_connections_and_stray_requests_do_not_hold_up_the_sign_in() {
    let server = AuthServer::start(Behaviour { client_id: "x-client".into(), ..Default::default() }).await;
    let catcher = Catcher::bind(None).await.unwrap();
    let port = catcher.port();
    // A browser's speculative connection that never sends a byte, and a favicon request.
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let favicon = tokio::spawn(reqwest::get(format!("http://127.0.0.1:{port}/favicon.ico")));
    let started = std::time::Instant::now();
    let tokens = authorize_with(&x_on(&server), &client(&server, "x-client"), catcher, &TestBrowser::default()).await.unwrap();
    assert!(tokens.access_token.expose().starts_with("at-"));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(favicon.await.unwrap().unwrap().status(), 404);
}
