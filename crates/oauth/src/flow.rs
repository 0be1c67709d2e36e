//! The authorization code flow with PKCE and a CSRF state: open the page,
//! catch the redirect, exchange the code; and the refresh grant. Token
//! requests go through a reqwest client that never follows redirects.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AsyncHttpClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use switchboard_vault::Secret;

use crate::error::scrub;
use crate::{Catcher, ClientAuth, Endpoints, OAuthError, Opener, Provider};

/// How long a flow waits for the person to sign in.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The User-Agent of every request (Reddit refuses generic ones).
pub(crate) const USER_AGENT: &str = concat!("desktop:app.switchboard.desk:v", env!("CARGO_PKG_VERSION"), " (Switchboard customer care desk)");

/// The app as registered with the network.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    /// The client id (empty for Mastodon: an app is registered on the instance).
    pub client_id: String,
    /// The client secret of a confidential app (none for X public clients;
    /// Reddit installed apps have an empty one).
    pub client_secret: Option<Secret>,
    /// The loopback port registered with the redirect URI; None for any free one.
    pub redirect_port: Option<u16>,
    /// Another authorization server than the network's public one.
    pub endpoints: Option<Endpoints>,
    /// How long to wait for the sign-in.
    pub timeout: Duration,
}

impl OAuthClient {
    pub fn new(client_id: impl Into<String>) -> OAuthClient {
        OAuthClient { client_id: client_id.into(), client_secret: None, redirect_port: None, endpoints: None, timeout: DEFAULT_TIMEOUT }
    }
}

/// What a successful flow or refresh yields. Debug never shows the tokens.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// When the access token expires (Unix milliseconds), if the server said.
    pub expires_at: Option<i64>,
    /// The scopes granted, if the server said.
    pub scopes: Vec<String>,
}

type Configured = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn configure(provider: &Provider, client: &OAuthClient, redirect_uri: Option<String>) -> Result<Configured, OAuthError> {
    if client.client_id.trim().is_empty() {
        return Err(OAuthError::Invalid(format!("connecting {} needs the client id of the app registered with it", provider.network)));
    }
    let auth = AuthUrl::new(provider.authorize_url.clone())
        .map_err(|e| OAuthError::Invalid(format!("{:?} is not an authorization address: {e}", provider.authorize_url)))?;
    let token = TokenUrl::new(provider.token_url.clone())
        .map_err(|e| OAuthError::Invalid(format!("{:?} is not a token address: {e}", provider.token_url)))?;
    let mut c = BasicClient::new(ClientId::new(client.client_id.trim().to_string())).set_auth_uri(auth).set_token_uri(token);
    let secret = match (provider.client_auth, client.client_secret.as_ref().filter(|s| !s.expose().is_empty())) {
        (_, Some(s)) => Some(s.expose().to_string()),
        (ClientAuth::BasicAlways, None) => Some(String::new()),
        _ => None,
    };
    if let Some(s) = secret {
        c = c.set_client_secret(ClientSecret::new(s));
    }
    c = c.set_auth_type(if provider.client_auth == ClientAuth::Body { AuthType::RequestBody } else { AuthType::BasicAuth });
    if let Some(r) = redirect_uri {
        c = c.set_redirect_uri(RedirectUrl::new(r).map_err(|e| OAuthError::Invalid(format!("bad redirect address: {e}")))?);
    }
    Ok(c)
}

/// Runs the whole flow on a catcher bound to `client.redirect_port`.
pub async fn authorize(provider: &Provider, client: &OAuthClient, opener: &dyn Opener) -> Result<TokenSet, OAuthError> {
    let catcher = Catcher::bind(client.redirect_port).await?;
    authorize_with(provider, client, catcher, opener).await
}

/// Runs the flow on an already bound catcher: opens the authorization page,
/// waits for the redirect, exchanges the code (with the PKCE verifier).
pub async fn authorize_with(provider: &Provider, client: &OAuthClient, catcher: Catcher, opener: &dyn Opener) -> Result<TokenSet, OAuthError> {
    let oauth = configure(provider, client, Some(catcher.redirect_uri()))?;
    let transport = Transport::new()?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = oauth.authorize_url(CsrfToken::new_random).set_pkce_challenge(challenge);
    for s in &provider.scopes {
        request = request.add_scope(Scope::new(s.clone()));
    }
    for (k, v) in &provider.extra_params {
        request = request.add_extra_param(k.clone(), v.clone());
    }
    let (url, state) = request.url();
    let waiting = tokio::spawn(catcher.wait(state.secret().clone(), client.timeout));
    if let Err(e) = opener.open(url.as_str()).await {
        waiting.abort();
        return Err(OAuthError::Browser(e));
    }
    let code = waiting.await.map_err(|_| OAuthError::Loopback("the redirect catcher stopped".into()))??;
    let hide = [code.clone(), verifier.secret().clone(), secret_text(client)];
    let result = oauth.exchange_code(AuthorizationCode::new(code)).set_pkce_verifier(verifier).request_async(&transport).await;
    tokens(result, &transport, "authorization code", &hide, None)
}

/// Trades a refresh token for a new access token. When the server sends no
/// new refresh token (Reddit), the one given stays in the result.
pub async fn refresh(provider: &Provider, client: &OAuthClient, refresh_token: &Secret) -> Result<TokenSet, OAuthError> {
    let oauth = configure(provider, client, None)?;
    let transport = Transport::new()?;
    let hide = [refresh_token.expose().to_string(), secret_text(client)];
    let result = oauth.exchange_refresh_token(&RefreshToken::new(refresh_token.expose().to_string())).request_async(&transport).await;
    tokens(result, &transport, "refresh token", &hide, Some(refresh_token))
}

/// The S256 code challenge of a PKCE verifier (what an authorization server checks).
pub fn pkce_challenge_s256(verifier: &str) -> String {
    PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_string())).as_str().to_string()
}

fn secret_text(client: &OAuthClient) -> String {
    client.client_secret.as_ref().map(|s| s.expose().to_string()).unwrap_or_default()
}

type Answer = Result<BasicTokenResponse, RequestTokenError<TransportError, BasicErrorResponse>>;

/// The token set of an answer, or the refusal in plain words.
fn tokens(answer: Answer, transport: &Transport, what: &str, hide: &[String], old_refresh: Option<&Secret>) -> Result<TokenSet, OAuthError> {
    let hide: Vec<&str> = hide.iter().map(String::as_str).collect();
    let status = transport.status.lock().ok().and_then(|s| *s);
    let http = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    match answer {
        Ok(t) => {
            let access = t.access_token().secret();
            if access.is_empty() {
                return Err(OAuthError::Refused(format!("the authorization server answered the {what} without an access token")));
            }
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
            Ok(TokenSet {
                access_token: Secret::new(access.clone()),
                refresh_token: t.refresh_token().map(|r| Secret::new(r.secret().clone())).or_else(|| old_refresh.cloned()),
                expires_at: t.expires_in().map(|d| now + d.as_millis() as i64),
                scopes: t.scopes().map(|s| s.iter().map(|x| x.to_string()).collect()).unwrap_or_default(),
            })
        }
        Err(RequestTokenError::ServerResponse(r)) => {
            let code = r.error().to_string();
            let hint = if code == "invalid_grant" { ": sign in again to connect the account" } else { "" };
            let why = r.error_description().map(|d| format!(" — {}", short(&scrub(d, &hide)))).unwrap_or_default();
            Err(OAuthError::Refused(format!("the authorization server refused the {what}{http}: {}{why}{hint}", short(&scrub(&code, &hide)))))
        }
        Err(RequestTokenError::Request(e)) => Err(OAuthError::Network(scrub(&e.to_string(), &hide))),
        Err(RequestTokenError::Parse(_, body)) if status.is_some_and(|s| s != 200) => {
            let why = reason_in(&body).map(|r| format!(": {}", short(&scrub(&r, &hide)))).unwrap_or_default();
            Err(OAuthError::Refused(format!("the authorization server refused the {what}{http}{why}")))
        }
        Err(RequestTokenError::Parse(_, _)) => {
            Err(OAuthError::Refused(format!("the authorization server's answer to the {what} holds no usable token")))
        }
        Err(RequestTokenError::Other(s)) => Err(OAuthError::Refused(format!("the authorization server refused the {what}{http}: {}", short(&scrub(&s, &hide))))),
    }
}

/// A reason in a JSON error body that is not OAuth's shape (`detail`, `message`, `error`).
fn reason_in(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["error_description", "error", "detail", "message"].iter().find_map(|k| v.get(k).and_then(|x| x.as_str()).map(str::to_string))
}

fn short(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &clean[..i]),
        None => clean,
    }
}

/// The client for authorization servers: no redirects (they would open the
/// door to request forgery), a named User-Agent, bounded waits.
pub(crate) fn plain_http() -> Result<reqwest::Client, OAuthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| OAuthError::Network(e.to_string()))
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct TransportError(String);

/// reqwest for oauth2, without redirects, remembering the last status seen.
pub(crate) struct Transport {
    http: reqwest::Client,
    status: Mutex<Option<u16>>,
}

impl Transport {
    pub(crate) fn new() -> Result<Transport, OAuthError> {
        Ok(Transport { http: plain_http()?, status: Mutex::new(None) })
    }
}

impl<'c> AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(|e| TransportError(e.to_string()))?;
            let response = self.http.execute(request).await.map_err(|e| TransportError(e.to_string()))?;
            if let Ok(mut s) = self.status.lock() {
                *s = Some(response.status().as_u16());
            }
            let mut builder = oauth2::http::Response::builder().status(response.status().as_u16());
            for (name, value) in response.headers() {
                builder = builder.header(name.as_str(), value.as_bytes());
            }
            let body = response.bytes().await.map_err(|e| TransportError(e.to_string()))?;
            builder.body(body.to_vec()).map_err(|e| TransportError(e.to_string()))
        })
    }
}
