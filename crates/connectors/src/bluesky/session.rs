//! Bluesky sessions and authenticated XRPC calls. The account signs in with
//! its app password (`com.atproto.server.createSession`); the session's
//! tokens live only in memory, shared by every connector of the same account
//! in this process (the engine builds a connector per poll, and the PDS
//! limits how often one may sign in). When the PDS refuses a session token
//! (401, or 400 ExpiredToken/InvalidToken), the session is renewed with its
//! refresh token, else signed in again, and the call is made once more.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::model::SessionOut;
use crate::error::{ConnectorError, Secret};
use crate::http::{endpoint, read_json, Http};

/// A signed-in session.
#[derive(Clone)]
pub struct Session {
    pub access: Secret,
    pub refresh: Secret,
    pub did: String,
}

/// Sessions by PDS, identifier and password hash.
static SESSIONS: LazyLock<Mutex<HashMap<String, Session>>> = LazyLock::new(Default::default);

fn cached(key: &str) -> Option<Session> {
    SESSIONS.lock().ok()?.get(key).cloned()
}

fn remember(key: &str, session: &Session) {
    if let Ok(mut map) = SESSIONS.lock() {
        map.insert(key.to_string(), session.clone());
    }
}

fn forget(key: &str) {
    if let Ok(mut map) = SESSIONS.lock() {
        map.remove(key);
    }
}

/// One account's way into its PDS.
#[derive(Clone)]
pub struct Xrpc {
    pub http: Http,
    pub base: Url,
    pub identifier: String,
    pub password: Secret,
}

/// Whether an error from an authenticated call may mean "your session
/// token is no longer good" (the PDS says ExpiredToken / InvalidToken with 400).
fn session_refused(e: &ConnectorError) -> bool {
    matches!(e, ConnectorError::Unauthorized | ConnectorError::Server(400))
}

impl Xrpc {
    /// The cache key: the server, the account and a hash of its app
    /// password (a changed password must not reuse the old session).
    fn key(&self) -> String {
        let hash = super::tid::fnv1a(self.password.expose());
        format!("{}|{}|{hash:x}", self.base, self.identifier.to_ascii_lowercase())
    }

    /// The current session, signing in if there is none.
    pub async fn session(&self) -> Result<Session, ConnectorError> {
        if let Some(s) = cached(&self.key()) {
            return Ok(s);
        }
        self.sign_in().await
    }

    async fn sign_in(&self) -> Result<Session, ConnectorError> {
        let url = endpoint(&self.base, "xrpc/com.atproto.server.createSession")?;
        let body = serde_json::json!({ "identifier": self.identifier, "password": self.password.expose() });
        let resp = self.http.send(|c| c.post(url.clone()).json(&body)).await.map_err(|e| match e {
            // A wrong handle or app password is a 401 AuthenticationRequired
            // (some servers say 400 InvalidRequest).
            ConnectorError::Server(400) => ConnectorError::Unauthorized,
            other => other,
        })?;
        let out: SessionOut = read_json(resp).await?;
        let session = to_session(out);
        remember(&self.key(), &session);
        Ok(session)
    }

    /// A new session after the PDS refused the old one: refresh, else sign in.
    async fn renew(&self, old: &Session) -> Result<Session, ConnectorError> {
        forget(&self.key());
        let url = endpoint(&self.base, "xrpc/com.atproto.server.refreshSession")?;
        let refreshed = self.http.send(|c| c.post(url.clone()).bearer_auth(old.refresh.expose())).await;
        if let Ok(resp) = refreshed {
            if let Ok(out) = read_json::<SessionOut>(resp).await {
                let session = to_session(out);
                remember(&self.key(), &session);
                return Ok(session);
            }
        }
        self.sign_in().await
    }

    /// An authenticated XRPC query (GET `xrpc/{method}`).
    pub async fn query<T: DeserializeOwned>(&self, method: &str, params: &[(&str, String)]) -> Result<T, ConnectorError> {
        self.query_via(method, params, None).await
    }

    /// An authenticated XRPC query the PDS forwards to the service named by
    /// `proxy` (the `atproto-proxy` header, e.g. Bluesky's chat service).
    pub async fn query_via<T: DeserializeOwned>(&self, method: &str, params: &[(&str, String)], proxy: Option<&str>) -> Result<T, ConnectorError> {
        let url = endpoint(&self.base, &format!("xrpc/{method}"))?;
        let call = |s: Session| {
            let url = url.clone();
            async move {
                let resp = self
                    .http
                    .send(|c| with_proxy(c.get(url.clone()).query(params).bearer_auth(s.access.expose()), proxy))
                    .await?;
                read_json::<T>(resp).await
            }
        };
        let session = self.session().await?;
        match call(session.clone()).await {
            Err(e) if session_refused(&e) => call(self.renew(&session).await?).await,
            other => other,
        }
    }

    /// An authenticated XRPC procedure (POST `xrpc/{method}` with a JSON body).
    /// Only for calls that are safe to repeat (the connector's writes carry a
    /// fixed record key).
    pub async fn procedure<T: DeserializeOwned>(&self, method: &str, body: &Value) -> Result<T, ConnectorError> {
        self.procedure_via(method, body, None, true).await
    }

    /// A procedure forwarded to `proxy`; `repeatable` false sends it once
    /// (no retry on a lost answer; a refused session is still renewed, as
    /// then nothing was done).
    pub async fn procedure_via<T: DeserializeOwned>(&self, method: &str, body: &Value, proxy: Option<&str>, repeatable: bool) -> Result<T, ConnectorError> {
        let url = endpoint(&self.base, &format!("xrpc/{method}"))?;
        let call = |s: Session| {
            let url = url.clone();
            async move {
                let make = |c: &reqwest::Client| with_proxy(c.post(url.clone()).json(body).bearer_auth(s.access.expose()), proxy);
                let resp = if repeatable { self.http.send(make).await? } else { self.http.send_once(make).await? };
                read_json::<T>(resp).await
            }
        };
        let session = self.session().await?;
        match call(session.clone()).await {
            Err(e) if session_refused(&e) => call(self.renew(&session).await?).await,
            other => other,
        }
    }
}

fn with_proxy(req: reqwest::RequestBuilder, proxy: Option<&str>) -> reqwest::RequestBuilder {
    match proxy {
        Some(service) => req.header("atproto-proxy", service),
        None => req,
    }
}

fn to_session(out: SessionOut) -> Session {
    Session { access: Secret::new(out.access_jwt), refresh: Secret::new(out.refresh_jwt), did: out.did }
}

impl Xrpc {
    /// An unauthenticated XRPC query, `None` when the server answers 400
    /// (how a PDS says RecordNotFound). For public reads such as
    /// `com.atproto.repo.getRecord`.
    pub async fn public_query<T: DeserializeOwned>(&self, method: &str, params: &[(&str, String)]) -> Result<Option<T>, ConnectorError> {
        let url = endpoint(&self.base, &format!("xrpc/{method}"))?;
        match self.http.send(|c| c.get(url.clone()).query(params)).await {
            Ok(resp) => Ok(Some(read_json(resp).await?)),
            Err(ConnectorError::Server(400 | 404)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
