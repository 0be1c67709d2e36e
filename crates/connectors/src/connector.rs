//! The [`Connector`] trait every network implements, and the values that
//! cross it: [`Cursor`], [`Poll`], [`FetchedPost`], [`ReplyRequest`],
//! [`SentReply`], [`Health`].
//!
//! # The cursor contract
//!
//! A connector never persists anything. The caller (the engine's worker):
//!
//! 1. loads the account's saved cursor (none on the first poll);
//! 2. calls [`Connector::poll`] with it;
//! 3. stores the returned posts and commits the transaction;
//! 4. only THEN saves [`Poll::next_cursor`] (if it is `Some`);
//! 5. if [`Poll::more`] is true, polls again straight away with the new cursor.
//!
//! A crash between 3 and 4 makes the next poll fetch the same posts again,
//! which the store ignores (posts are unique on channel + external id): no
//! post is ever lost and none is stored twice.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use switchboard_core::NewPost;

use crate::error::ConnectorError;

/// Where a connector got to, opaque to everyone but the connector that made
/// it (typically a small JSON document). The caller stores it as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

impl Cursor {
    pub fn new(value: impl Into<String>) -> Self {
        Cursor(value.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post as fetched, with the hints the store and the case logic need
/// beyond [`NewPost`] (whose `reply_to` already names the parent post).
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedPost {
    pub post: NewPost,
    /// External id of the first post of the thread or conversation, when the
    /// network says (e.g. a Bluesky reply root, a Mastodon conversation).
    pub conversation: Option<String>,
    /// A link to the post on the network, to open it in a browser.
    pub url: Option<String>,
}

/// The result of one poll or search page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Poll {
    /// New posts, oldest first.
    pub posts: Vec<FetchedPost>,
    /// The cursor to save once `posts` are committed; `None` means "keep the
    /// one you have" (e.g. nothing changed).
    pub next_cursor: Option<Cursor>,
    /// More pages are ready now: poll again with `next_cursor` at once.
    pub more: bool,
}

/// A reply to send in-media, in the thread of `in_reply_to`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyRequest {
    /// External id of the post being answered.
    pub in_reply_to: String,
    /// External id of the thread's first post, for networks that need it.
    pub conversation: Option<String>,
    pub text: String,
    /// Send privately (a direct message) rather than in public.
    pub direct: bool,
    /// Stable for the lifetime of one outbox entry: a retried send with the
    /// same key must not post twice where the network supports it.
    pub idempotency_key: String,
    /// When the reply was queued (epoch ms): like the key, the same for
    /// every attempt (Bluesky derives the record key from both).
    pub queued_at: i64,
}

/// What the network says about a reply it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub external_id: String,
    pub url: Option<String>,
}

/// Whether a connector can do its job right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Ok,
    Failing(ConnectorError),
}

impl Health {
    pub fn is_ok(&self) -> bool {
        matches!(self, Health::Ok)
    }
}

/// One network account. Implementations are cheap to call concurrently; the
/// engine holds them as `Box<dyn Connector>`.
#[async_trait]
pub trait Connector: Send + Sync {
    /// The channel name posts are stored under ("rss", "mastodon", ...).
    fn channel(&self) -> &str;

    /// New items for the owned account since `cursor` (mentions, replies,
    /// direct messages, entries). See the module docs for the cursor contract.
    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError>;

    /// One page of a listening search. The cursor is the search's own.
    async fn search(&self, query: &str, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let _ = (query, cursor);
        Err(ConnectorError::Unsupported("search"))
    }

    /// Sends a reply in the thread of `req.in_reply_to`.
    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        let _ = req;
        Err(ConnectorError::Unsupported("replies"))
    }

    /// A cheap check that the network is reachable and the credentials work.
    async fn health(&self) -> Health;
}
