//! Where each network's authorization server is, what to ask it for, and how
//! it wants the client to identify itself at the token endpoint.

use crate::OAuthError;

/// How the client proves who it is at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic `client_id:secret` when there is a secret, else the client
    /// id in the body (X: public clients send no secret).
    BasicIfSecret,
    /// Always HTTP Basic, with an empty secret when there is none (Reddit's
    /// installed apps).
    BasicAlways,
    /// `client_id` and `client_secret` in the form body (Mastodon).
    Body,
}

impl ClientAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::BasicIfSecret => "basic-if-secret",
            ClientAuth::BasicAlways => "basic",
            ClientAuth::Body => "body",
        }
    }
    pub fn parse(s: &str) -> Option<ClientAuth> {
        match s {
            "basic-if-secret" => Some(ClientAuth::BasicIfSecret),
            "basic" => Some(ClientAuth::BasicAlways),
            "body" => Some(ClientAuth::Body),
            _ => None,
        }
    }
}

/// The two addresses of an authorization server, when not the network's
/// public ones (tests, self-hosted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authorize_url: String,
    pub token_url: String,
}

/// One network's authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// `x`, `reddit` or `mastodon`.
    pub network: String,
    pub authorize_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    /// Extra query parameters of the authorization page (Reddit's `duration`).
    pub extra_params: Vec<(String, String)>,
    pub client_auth: ClientAuth,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Provider {
    /// X (OAuth 2.0 Authorization Code with PKCE).
    pub fn x() -> Provider {
        Provider {
            network: "x".into(),
            authorize_url: "https://x.com/i/oauth2/authorize".into(),
            token_url: "https://api.x.com/2/oauth2/token".into(),
            scopes: strings(&["tweet.read", "tweet.write", "users.read", "offline.access", "dm.read", "dm.write"]),
            extra_params: vec![],
            client_auth: ClientAuth::BasicIfSecret,
        }
    }

    /// Reddit (a permanent grant, so a refresh token comes back).
    pub fn reddit() -> Provider {
        Provider {
            network: "reddit".into(),
            authorize_url: "https://www.reddit.com/api/v1/authorize".into(),
            token_url: "https://www.reddit.com/api/v1/access_token".into(),
            scopes: strings(&["identity", "read", "submit", "privatemessages", "history"]),
            extra_params: vec![("duration".into(), "permanent".into())],
            client_auth: ClientAuth::BasicAlways,
        }
    }

    /// A Mastodon instance, e.g. `https://mastodon.social`.
    pub fn mastodon(instance: &str) -> Result<Provider, OAuthError> {
        let base = instance_base(instance)?;
        Ok(Provider {
            network: "mastodon".into(),
            authorize_url: format!("{base}/oauth/authorize"),
            token_url: format!("{base}/oauth/token"),
            scopes: strings(&["read", "write"]),
            extra_params: vec![],
            client_auth: ClientAuth::Body,
        })
    }

    /// The provider of `network`; `instance` is the Mastodon instance.
    pub fn for_network(network: &str, instance: &str) -> Result<Provider, OAuthError> {
        match network {
            "x" => Ok(Provider::x()),
            "reddit" => Ok(Provider::reddit()),
            "mastodon" => Provider::mastodon(instance),
            other => Err(OAuthError::Invalid(format!("{other:?} accounts do not connect with OAuth (x, reddit or mastodon do)"))),
        }
    }

    /// The same provider at other addresses.
    pub fn with_endpoints(mut self, endpoints: Option<&Endpoints>) -> Provider {
        if let Some(e) = endpoints {
            self.authorize_url = e.authorize_url.clone();
            self.token_url = e.token_url.clone();
        }
        self
    }
}

/// `https://host[:port][/path]` without a trailing slash, refused unless http(s).
pub(crate) fn instance_base(instance: &str) -> Result<String, OAuthError> {
    let url = url::Url::parse(instance.trim()).map_err(|e| OAuthError::Invalid(format!("{instance:?} is not an instance address: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(OAuthError::Invalid(format!("{instance:?} is not an instance address: it starts with https://")));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}
