//! Bluesky (AT Protocol XRPC): mentions, replies and quotes of the owned
//! account from `app.bsky.notification.listNotifications`, listening through
//! `app.bsky.feed.searchPosts`, replies through `com.atproto.repo.createRecord`
//! with `reply.root` / `reply.parent`, health through `getSession`. The
//! account signs in with an app password (see [`session`]).
//!
//! Paging: both lists come newest first with an opaque `cursor` to older
//! items; the connector walks older pages until it reaches what it has, and
//! re-reads a margin below that for posts whose author's clock runs behind
//! (see [`cursor`]). Every intermediate cursor is safe to save.
//!
//! Replies are sent once: the record key is a TID derived from the outbox
//! item (see [`tid`]); before writing, the connector asks the PDS for that
//! record, and a write that fails is checked again the same way, so a crash
//! or a lost answer never makes a second copy.
//!
//! Direct messages go through Bluesky's chat service, forwarded by the PDS
//! (see [`chat`]); the reference servers do not run one, so that path is
//! tested against recorded payloads.

mod chat;
mod cursor;
mod model;
mod session;
pub mod tid;

use async_trait::async_trait;
use serde_json::{json, Value};
use switchboard_core::{Direction, NewPost};

use crate::connector::{Connector, Cursor, FetchedPost, Health, Poll, ReplyRequest, SentReply};
use crate::error::{ConnectorError, Secret};
use crate::http::{parse_base, Http};
use model::{at_uri_parts, NotificationPage, PostRecord, PostView, Posts, Profile, Profiles, RecordRef, ReplyRef, SearchPage, StrongRef};
use cursor::ListCursor;
use session::Xrpc;

/// Notification reasons that are someone talking to or about the account.
const REASONS: [&str; 3] = ["mention", "reply", "quote"];
/// A post's text limit (graphemes; counted here in characters).
const MAX_TEXT: usize = 300;
const POST: &str = "app.bsky.feed.post";

/// Settings for one Bluesky account.
#[derive(Debug, Clone)]
pub struct BlueskyConfig {
    /// The account's PDS or entryway, e.g. `https://bsky.social`.
    pub base_url: String,
    /// The handle (or DID) to sign in with.
    pub identifier: String,
    /// An app password (Settings → App passwords), never the main password.
    pub app_password: Secret,
    /// Channel the posts are stored under ("bluesky" unless set).
    pub channel: String,
    /// The organisation's handle, stamped on posts as the account addressed.
    pub account: Option<String>,
    /// Page size (the API allows up to 100).
    pub page_size: u32,
    /// Where links to posts point.
    pub web_url: String,
}

impl BlueskyConfig {
    pub fn new(base_url: impl Into<String>, identifier: impl Into<String>, app_password: Secret) -> Self {
        BlueskyConfig {
            base_url: base_url.into(),
            identifier: identifier.into(),
            app_password,
            channel: "bluesky".into(),
            account: None,
            page_size: 50,
            web_url: "https://bsky.app".into(),
        }
    }
}

/// One Bluesky account.
#[derive(Clone)]
pub struct BlueskyConnector {
    xrpc: Xrpc,
    config: BlueskyConfig,
}

/// Milliseconds of an RFC 3339 time (`sortAt`/`indexedAt`, `createdAt`).
fn millis(t: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.timestamp_millis())
}

/// One fetched item before it becomes a post: what the list said about it.
struct Item<'a> {
    uri: &'a str,
    author: &'a Profile,
    record: &'a Value,
    indexed_at: &'a str,
    /// A post to hand over (not a like or a follow).
    wanted: bool,
}

impl BlueskyConnector {
    pub fn new(config: BlueskyConfig, http: Http) -> Result<Self, ConnectorError> {
        let base = parse_base(&config.base_url)?;
        let xrpc = Xrpc { http, base, identifier: config.identifier.trim().trim_start_matches('@').to_string(), password: config.app_password.clone() };
        Ok(BlueskyConnector { xrpc, config })
    }

    /// The DID of the signed-in account.
    pub async fn did(&self) -> Result<String, ConnectorError> {
        Ok(self.xrpc.session().await?.did)
    }

    /// The followers of each author (one `getProfiles` call per 25); a
    /// failure here costs the counts, not the poll.
    async fn followers(&self, dids: &[&str]) -> std::collections::HashMap<String, i64> {
        let mut out = std::collections::HashMap::new();
        let mut unique: Vec<&str> = dids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        for chunk in unique.chunks(25) {
            let params: Vec<(&str, String)> = chunk.iter().map(|d| ("actors", d.to_string())).collect();
            if let Ok(p) = self.xrpc.query::<Profiles>("app.bsky.actor.getProfiles", &params).await {
                out.extend(p.profiles.into_iter().filter_map(|p| Some((p.did, p.followers_count?))));
            }
        }
        out
    }

    fn to_post(&self, item: &Item<'_>, followers: Option<i64>) -> Option<FetchedPost> {
        let record: PostRecord = serde_json::from_value(item.record.clone()).ok()?;
        if !item.wanted || record.kind != POST {
            return None;
        }
        let (_, _, rkey) = at_uri_parts(item.uri)?;
        let created_at = record.created_at.as_deref().and_then(millis).or_else(|| millis(item.indexed_at)).unwrap_or_else(switchboard_core::time::now_ms);
        Some(FetchedPost {
            post: NewPost {
                channel: self.config.channel.clone(),
                external_id: item.uri.to_string(),
                author: item.author.handle.clone(),
                author_name: item.author.display_name.clone().filter(|n| !n.trim().is_empty()),
                author_followers: followers.or(item.author.followers_count),
                direction: Direction::Inbound,
                text: record.text,
                created_at,
                reply_to: record.reply.as_ref().map(|r| r.parent.uri.clone()),
                account: self.config.account.clone(),
                labels: Vec::new(),
            },
            conversation: record.reply.as_ref().map(|r| r.root.uri.clone()),
            url: Some(format!("{}/profile/{}/post/{rkey}", self.config.web_url.trim_end_matches('/'), item.author.handle)),
        })
    }

    /// Reads one newest-first page through the list cursor: the posts not
    /// handed over before (oldest first) and the cursor to save after them.
    async fn take_page(&self, state: &ListCursor, items: Vec<Item<'_>>, server_cursor: Option<String>) -> Poll {
        let sorted: Vec<(String, i64)> = items.iter().map(|i| (i.uri.to_string(), millis(i.indexed_at).unwrap_or(0))).collect();
        let (fresh, next) = state.take_page(&sorted, server_cursor);
        let fresh: Vec<&Item<'_>> = items.iter().filter(|i| fresh.iter().any(|u| u == i.uri)).collect();
        let dids: Vec<&str> = fresh.iter().map(|i| i.author.did.as_str()).collect();
        let followers = self.followers(&dids).await;
        let mut posts: Vec<FetchedPost> = fresh.iter().filter_map(|i| self.to_post(i, followers.get(&i.author.did).copied())).collect();
        posts.sort_by_key(|p| p.post.created_at);
        Poll { more: next.walk.is_some(), next_cursor: Some(next.save()), posts }
    }

    /// The parent to answer and the thread's root, as strong references.
    async fn reply_refs(&self, parent_uri: &str) -> Result<ReplyRef, ConnectorError> {
        let posts: Posts = self.xrpc.query("app.bsky.feed.getPosts", &[("uris", parent_uri.to_string())]).await?;
        let parent = posts
            .posts
            .into_iter()
            .next()
            .ok_or_else(|| ConnectorError::Malformed("the post to answer is gone (deleted or hidden)".into()))?;
        let record: PostRecord = serde_json::from_value(parent.record.clone()).map_err(|e| ConnectorError::Malformed(format!("the post to answer: {e}")))?;
        let parent_ref = StrongRef { uri: parent.uri, cid: parent.cid };
        let root = record.reply.map(|r| r.root).unwrap_or_else(|| parent_ref.clone());
        Ok(ReplyRef { root, parent: parent_ref })
    }

    /// The reply already written under `rkey`, if any.
    async fn existing(&self, did: &str, rkey: &str) -> Result<Option<SentReply>, ConnectorError> {
        let params = [("repo", did.to_string()), ("collection", POST.to_string()), ("rkey", rkey.to_string())];
        let found: Option<RecordRef> = self.xrpc.public_query("com.atproto.repo.getRecord", &params).await?;
        Ok(found.map(|r| self.sent(&r.uri)))
    }

    fn sent(&self, uri: &str) -> SentReply {
        let handle = self.config.account.clone().unwrap_or_else(|| self.xrpc.identifier.clone());
        let url = at_uri_parts(uri).map(|(_, _, rkey)| format!("{}/profile/{handle}/post/{rkey}", self.config.web_url.trim_end_matches('/')));
        SentReply { external_id: uri.to_string(), url }
    }
}

#[async_trait]
impl Connector for BlueskyConnector {
    fn channel(&self) -> &str {
        &self.config.channel
    }

    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let state = ListCursor::load(cursor);
        let mut params = vec![("limit", self.config.page_size.clamp(1, 100).to_string()), ("priority", "false".to_string())];
        if let Some(walk) = &state.walk {
            params.push(("cursor", walk.clone()));
        }
        let page: NotificationPage = self.xrpc.query("app.bsky.notification.listNotifications", &params).await?;
        // Likes, follows and reposts take their place in the order (and the
        // cursor) but are not posts to answer.
        let items = page
            .notifications
            .iter()
            .map(|n| Item { uri: &n.uri, author: &n.author, record: &n.record, indexed_at: &n.indexed_at, wanted: REASONS.contains(&n.reason.as_str()) })
            .collect();
        Ok(self.take_page(&state, items, page.cursor.clone()).await)
    }

    async fn search(&self, query: &str, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let state = ListCursor::load(cursor);
        let mut params = vec![("q", query.to_string()), ("sort", "latest".to_string()), ("limit", self.config.page_size.clamp(1, 100).to_string())];
        if let Some(floor) = state.floor() {
            params.push(("since", switchboard_core::time::to_rfc3339(floor)));
        }
        if let Some(walk) = &state.walk {
            params.push(("cursor", walk.clone()));
        }
        let page: SearchPage = self.xrpc.query("app.bsky.feed.searchPosts", &params).await?;
        let items = page
            .posts
            .iter()
            .map(|p: &PostView| Item { uri: &p.uri, author: &p.author, record: &p.record, indexed_at: &p.indexed_at, wanted: true })
            .collect();
        Ok(self.take_page(&state, items, page.cursor.clone()).await)
    }

    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        let did = self.xrpc.session().await?.did;
        if req.direct {
            // To the author of the post answered: the DID in its URI.
            let (recipient, _, _) = at_uri_parts(&req.in_reply_to)
                .ok_or_else(|| ConnectorError::Malformed(format!("{:?} is not a Bluesky post address", req.in_reply_to)))?;
            let sent = chat::send_direct(&self.xrpc, &did, recipient, &req.text, req.queued_at).await?;
            return Ok(SentReply { external_id: format!("chat:{}:{}", sent.convo_id, sent.message_id), url: None });
        }
        if req.text.chars().count() > MAX_TEXT {
            return Err(ConnectorError::Unsupported("replies longer than 300 characters"));
        }
        let rkey = tid::reply_tid(req.queued_at, &req.idempotency_key);
        if let Some(sent) = self.existing(&did, &rkey).await? {
            return Ok(sent); // an earlier attempt got through
        }
        let reply = self.reply_refs(&req.in_reply_to).await?;
        let record = PostRecord {
            kind: POST.into(),
            text: req.text.clone(),
            created_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            reply: Some(reply),
            langs: None,
        };
        let body = json!({ "repo": did, "collection": POST, "rkey": rkey, "record": record });
        match self.xrpc.procedure::<RecordRef>("com.atproto.repo.createRecord", &body).await {
            Ok(created) => Ok(self.sent(&created.uri)),
            // A retried write whose first attempt got through is refused as
            // a duplicate key: the record is there, and that is success.
            Err(e) => match self.existing(&did, &rkey).await {
                Ok(Some(sent)) => Ok(sent),
                _ => Err(e),
            },
        }
    }

    async fn health(&self) -> Health {
        match self.xrpc.query::<Value>("com.atproto.server.getSession", &[]).await {
            Ok(_) => Health::Ok,
            Err(e) => Health::Failing(e),
        }
    }
}
