//! A loopback OAuth 2.0 authorization server for tests (on wiremock):
//! `GET /authorize` redirects to the redirect URI with a fresh code and the
//! state (or `error=access_denied`, or a tampered state, when told to);
//! `POST /token` checks the client (HTTP Basic or `client_id` in the body),
//! the redirect URI and the PKCE verifier against the S256 challenge, and
//! serves the `authorization_code` and `refresh_token` grants. Refusals
//! echo what they were sent, as careless servers do, so tests can check that
//! no secret reaches an error message. [`Picker`] plays the person at
//! mastodon-mock's account picker instead. Shared with the engine's tests
//! (included with `#[path]`).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the server behaves.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    pub client_id: String,
    /// Expect HTTP Basic `client_id:secret` (Some("") for Reddit installed apps);
    /// None: a public client with `client_id` in the body.
    pub basic_secret: Option<String>,
    /// Redirect with `error=access_denied`.
    pub deny: bool,
    /// Redirect with another state than the one sent.
    pub tamper_state: bool,
    /// Refuse every code at the token endpoint (400 invalid_grant).
    pub refuse_codes: bool,
    /// Issue a new refresh token on refresh (X) or keep the old one (Reddit).
    pub rotate_refresh: bool,
}

#[derive(Debug, Default)]
pub struct Log {
    /// Query parameters of each authorization request.
    pub authorize: Vec<HashMap<String, String>>,
    /// Form parameters of each token request (secrets included: tests only).
    pub token: Vec<HashMap<String, String>>,
    /// Every code, access and refresh token issued.
    pub issued: Vec<String>,
    /// code -> (challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    /// Live refresh tokens.
    refresh: Vec<String>,
    counter: u32,
}

pub struct AuthServer {
    pub server: MockServer,
    pub log: Arc<Mutex<Log>>,
}

impl AuthServer {
    pub async fn start(behaviour: Behaviour) -> AuthServer {
        let server = MockServer::start().await;
        let log = Arc::new(Mutex::new(Log::default()));
        let b = Arc::new(behaviour);
        Mock::given(method("GET"))
            .and(path("/authorize"))
            .respond_with(Authorize(b.clone(), log.clone()))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(Token(b, log.clone()))
            .mount(&server)
            .await;
        AuthServer { server, log }
    }

    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.server.uri())
    }
    pub fn token_url(&self) -> String {
        format!("{}/token", self.server.uri())
    }
    pub fn endpoints(&self) -> switchboard_oauth::Endpoints {
        switchboard_oauth::Endpoints { authorize_url: self.authorize_url(), token_url: self.token_url() }
    }
    pub fn issued(&self) -> Vec<String> {
        self.log.lock().unwrap().issued.clone()
    }
}

fn params(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

struct Authorize(Arc<Behaviour>, Arc<Mutex<Log>>);

impl Respond for Authorize {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q = params(request.url.query().unwrap_or("").as_bytes());
        let mut log = self.1.lock().unwrap();
        log.authorize.push(q.clone());
        let get = |k: &str| q.get(k).cloned().unwrap_or_default();
        if get("client_id") != self.0.client_id || get("response_type") != "code" {
            return ResponseTemplate::new(400).set_body_string("unknown client");
        }
        if get("code_challenge_method") != "S256" || get("code_challenge").is_empty() {
            return ResponseTemplate::new(400).set_body_string("PKCE S256 required");
        }
        let Ok(mut target) = url::Url::parse(&get("redirect_uri")) else {
            return ResponseTemplate::new(400).set_body_string("bad redirect_uri");
        };
        let state = if self.0.tamper_state { "forged-state".to_string() } else { get("state") };
        if self.0.deny {
            target.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &state);
        } else {
            log.counter += 1;
            let code = format!("code-{}-{}", log.counter, std::process::id());
            log.codes.insert(code.clone(), (get("code_challenge"), get("redirect_uri")));
            log.issued.push(code.clone());
            target.query_pairs_mut().append_pair("code", &code).append_pair("state", &state);
        }
        ResponseTemplate::new(302).insert_header("Location", target.as_str())
    }
}

struct Token(Arc<Behaviour>, Arc<Mutex<Log>>);

fn refuse(status: u16, error: &str, description: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": error, "error_description": description }))
}

impl Token {
    fn client_ok(&self, request: &Request, form: &HashMap<String, String>) -> bool {
        match &self.0.basic_secret {
            Some(secret) => {
                let expected = reqwest::Client::new()
                    .post("http://127.0.0.1/")
                    .basic_auth(&self.0.client_id, Some(secret))
                    .build()
                    .unwrap()
                    .headers()["authorization"]
                    .clone();
                request.headers.get("authorization") == Some(&expected)
            }
            None => form.get("client_id") == Some(&self.0.client_id) && request.headers.get("authorization").is_none(),
        }
    }
}

impl Respond for Token {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form = params(&request.body);
        let mut log = self.1.lock().unwrap();
        log.token.push(form.clone());
        if !self.client_ok(request, &form) {
            let secret = self.0.basic_secret.clone().unwrap_or_default();
            return refuse(401, "invalid_client", format!("client {} with secret {secret} is unknown", self.0.client_id));
        }
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        log.counter += 1;
        let n = log.counter;
        match get("grant_type").as_str() {
            "authorization_code" => {
                let code = get("code");
                if self.0.refuse_codes {
                    return refuse(400, "invalid_request", format!("Value passed for the authorization code {code} was invalid."));
                }
                let Some((challenge, redirect)) = log.codes.remove(&code) else {
                    return refuse(400, "invalid_grant", format!("code {code} is unknown or used"));
                };
                if get("redirect_uri") != redirect {
                    return refuse(400, "invalid_grant", "redirect_uri differs".into());
                }
                if switchboard_oauth::pkce_challenge_s256(&get("code_verifier")) != challenge {
                    return refuse(400, "invalid_grant", format!("code_verifier {} does not match", get("code_verifier")));
                }
                let (access, refresh) = (format!("at-{n}"), format!("rt-{n}"));
                log.issued.push(access.clone());
                log.issued.push(refresh.clone());
                log.refresh.push(refresh.clone());
                ResponseTemplate::new(200).set_body_json(json!({
                    "token_type": "bearer", "expires_in": 7200, "access_token": access,
                    "refresh_token": refresh, "scope": "tweet.read users.read offline.access"
                }))
            }
            "refresh_token" => {
                let old = get("refresh_token");
                if !log.refresh.contains(&old) {
                    return refuse(400, "invalid_grant", format!("refresh token {old} is invalid"));
                }
                let access = format!("at-{n}");
                log.issued.push(access.clone());
                let mut body = json!({ "token_type": "bearer", "expires_in": 3600, "access_token": access, "scope": "read" });
                if self.0.rotate_refresh {
                    let refresh = format!("rt-{n}");
                    log.refresh.retain(|r| r != &old);
                    log.refresh.push(refresh.clone());
                    log.issued.push(refresh.clone());
                    body["refresh_token"] = json!(refresh);
                }
                ResponseTemplate::new(200).set_body_json(body)
            }
            other => refuse(400, "unsupported_grant_type", format!("{other} is not supported")),
        }
    }
}

/// Plays the browser: GETs the authorization page and follows its redirect
/// to the loopback catcher. Records the final status seen.
#[derive(Default)]
pub struct TestBrowser {
    pub landed: Mutex<Option<(u16, String)>>,
}

#[async_trait::async_trait]
impl switchboard_oauth::Opener for TestBrowser {
    async fn open(&self, url: &str) -> Result<(), String> {
        let response = reqwest::get(url).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let page = response.text().await.unwrap_or_default();
        *self.landed.lock().unwrap() = Some((status, page));
        Ok(())
    }
}

/// A person who never comes back.
pub struct NoBrowser;

#[async_trait::async_trait]
impl switchboard_oauth::Opener for NoBrowser {
    async fn open(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }
}

/// Plays the person at mastodon-mock's account picker: loads the page, then
/// picks `username` (a form post that redirects to the catcher).
pub struct Picker {
    pub username: &'static str,
    pub landed: Mutex<Option<u16>>,
}

#[async_trait::async_trait]
impl switchboard_oauth::Opener for Picker {
    async fn open(&self, url: &str) -> Result<(), String> {
        let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
        let q: HashMap<String, String> = parsed.query_pairs().into_owned().collect();
        let page = reqwest::get(url).await.map_err(|e| e.to_string())?.text().await.map_err(|e| e.to_string())?;
        if !page.contains(&format!("@{}", self.username)) {
            return Err(format!("the picker does not offer {}: {page}", self.username));
        }
        let mut form = vec![("username", self.username.to_string())];
        for k in ["client_id", "redirect_uri", "scope", "state"] {
            form.push((k, q.get(k).cloned().unwrap_or_default()));
        }
        let action = parsed.join("/oauth/authorize").map_err(|e| e.to_string())?;
        let response = reqwest::Client::new().post(action).form(&form).send().await.map_err(|e| e.to_string())?;
        *self.landed.lock().unwrap() = Some(response.status().as_u16());
        Ok(())
    }
}

