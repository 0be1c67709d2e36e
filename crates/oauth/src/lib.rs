//! OAuth flows that connect a network account to the desk (X, Reddit,
//! Mastodon): the authorization page opens in the system browser, the
//! network redirects back to a one-shot catcher on 127.0.0.1, and the code
//! is exchanged (with PKCE and a CSRF state) for a [`TokenSet`]; later the
//! refresh token buys a new access token ([`refresh`]). Mastodon instances
//! first need an app registered on them ([`register_mastodon_app`]).
//!
//! Nothing here prints or stores a secret: tokens, codes and client secrets
//! are [`Secret`]s (Debug shows `***`), and every [`OAuthError`] is in plain
//! words without them. Keeping the tokens (in the OS keychain) is the
//! engine's job.

mod catcher;
mod error;
mod flow;
mod mastodon;
mod opener;
mod provider;

pub use catcher::{Catcher, CALLBACK_PATH};
pub use error::OAuthError;
pub use flow::{authorize, authorize_with, pkce_challenge_s256, refresh, OAuthClient, TokenSet, DEFAULT_TIMEOUT};
pub use mastodon::{authorize_mastodon, register_mastodon_app, MastodonApp, MASTODON_CLIENT_NAME};
pub use opener::{ConsoleBrowser, Opener, SystemBrowser};
pub use provider::{ClientAuth, Endpoints, Provider};
pub use switchboard_vault::Secret;
