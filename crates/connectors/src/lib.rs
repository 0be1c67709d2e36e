//! Network connectors of Switchboard: how posts come in from the networks
//! and how replies go out.
//!
//! - [`Connector`] (in [`connector`]) is the one trait every network
//!   implements: poll since a [`Cursor`], search, send a reply, report health.
//!   The caller, never the connector, persists cursors, and only after the
//!   posts they cover are committed.
//! - [`Http`] (in [`http`]) is the shared HTTP client: timeouts, a
//!   User-Agent, retry with exponential backoff and full jitter, and the
//!   networks' rate-limit headers.
//! - [`ConnectorError`] and [`Secret`] (in [`error`]) say what went wrong in
//!   plain words without ever showing a token.
//! - Networks: [`feed`] (RSS/Atom, listen only), [`bluesky`] (AT Protocol),
//!   [`mastodon`], [`x`] (API v2), [`reddit`].

pub mod bluesky;
pub mod connector;
pub mod error;
pub mod feed;
pub mod http;
pub mod mastodon;
pub mod reddit;
pub mod text;
pub mod x;

pub use bluesky::{BlueskyConfig, BlueskyConnector};
pub use connector::{Connector, Cursor, FetchedPost, Health, Poll, ReplyRequest, SentReply};
pub use error::{ConnectorError, Secret};
pub use feed::{FeedConfig, FeedConnector};
pub use http::{Http, HttpConfig};
pub use mastodon::{MastodonConfig, MastodonConnector};
pub use reddit::{RedditConfig, RedditConnector};
pub use x::{XConfig, XConnector};
