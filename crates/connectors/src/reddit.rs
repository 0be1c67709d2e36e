//! Reddit: the account's inbox (comment replies, post replies, username
//! mentions and private messages) from `GET /message/inbox`, listening
//! through `GET /search?type=link&sort=new`, replies through
//! `POST /api/comment`, health through `GET /api/v1/me`. All calls go to
//! `https://oauth.reddit.com` with a bearer token and the descriptive
//! User-Agent Reddit's API rules require. Reads ask for `raw_json=1` so
//! text comes back unescaped (no `&amp;`).
//!
//! Raw things (`t1` comment, `t3` link, `t4` message) are kept apart from the
//! normalised post; every external id is a *fullname* (`t1_abc`).
//!
//! # Paging and the cursor
//!
//! The cursor is the fullname of the newest inbox item stored. Listings come
//! newest first, and a listing asked for `before=X` returns the `limit`
//! items *nearest above* `X` (Reddit runs the query in reverse from the
//! anchor and turns the result back round). So the pages walk *upwards*
//! from the saved item, with no gap: when a resumed poll comes back full,
//! there may be newer items above it, so the poll returns `more = true` and
//! the cursor `before = newest of this page`. That cursor is safe to save
//! at once: everything between the old anchor and it has just been
//! returned, and a crash before the next page only means that page is asked
//! for again. (Walking *down* with `after`, as Mastodon needs, would be
//! wrong here: below a `before` page lies what was already stored.)
//!
//! The first poll (no cursor) takes the newest page only; older history is
//! not back-filled.
//!
//! Known limit: if the anchor item is deleted from the listing, Reddit
//! answers `before=` with an empty page. The inbox keeps deleted comments
//! (as `[deleted]`), so this is rare there; a search cursor can hit it
//! when a post is removed, and clearing the search cursor restarts it.
//!
//! # Replies
//!
//! Reddit has no idempotency key, so a reply is sent with
//! [`Http::send_once`]: never retried automatically, since a retry after a
//! lost answer could post twice. A failed send is reported to the outbox,
//! whose person or policy decides. A reply to a private message (`t4_…`)
//! goes through `/api/comment` too and stays private. A *private* answer to
//! a public comment would need `/api/compose` with the author's username,
//! which a [`ReplyRequest`] does not carry: it is `Unsupported`.

use async_trait::async_trait;
use reqwest::header::{CONTENT_TYPE, USER_AGENT};
use serde::Deserialize;
use switchboard_core::time::now_ms;
use switchboard_core::{Direction, NewPost};
use url::Url;

use crate::connector::{Connector, Cursor, FetchedPost, Health, Poll, ReplyRequest, SentReply};
use crate::error::{ConnectorError, Secret};
use crate::http::{endpoint, parse_base, read_json, Http};

/// Where permalinks point (the API host is not browsable).
const WEB: &str = "https://www.reddit.com";

/// Settings for one Reddit account.
#[derive(Debug, Clone)]
pub struct RedditConfig {
    /// The API host: `https://oauth.reddit.com` unless testing.
    pub base_url: String,
    /// The account's OAuth access token (scopes: identity, privatemessages,
    /// read, submit).
    pub token: Secret,
    /// Channel the posts are stored under ("reddit" unless set).
    pub channel: String,
    /// The organisation's username, without `u/`.
    pub account: String,
    /// The User-Agent Reddit requires: `<platform>:<app id>:<version> (by
    /// /u/<username>)`. A generic one gets throttled or blocked.
    pub user_agent: String,
    /// Items per page (Reddit allows up to 100).
    pub page_size: u32,
}

impl RedditConfig {
    pub fn new(token: Secret, account: impl Into<String>) -> Self {
        let account = account.into();
        let account = account.trim_start_matches("/u/").trim_start_matches("u/");
        RedditConfig {
            base_url: "https://oauth.reddit.com".into(),
            token,
            channel: "reddit".into(),
            user_agent: format!(
                "server:switchboard:{} (by /u/{account})",
                env!("CARGO_PKG_VERSION")
            ),
            account: account.to_string(),
            page_size: 100,
        }
    }
}

/// One Reddit account.
#[derive(Debug, Clone)]
pub struct RedditConnector {
    http: Http,
    base: Url,
    config: RedditConfig,
}

/// A `Listing` (`{"kind": "Listing", "data": {"children": [...]}}`).
#[derive(Debug, Deserialize)]
struct Listing<T> {
    data: ListingData<T>,
}

#[derive(Debug, Deserialize)]
struct ListingData<T> {
    #[serde(default = "Vec::new")]
    children: Vec<Thing<T>>,
}

/// A thing: its kind (`t1`, `t3`, `t4`, ...) and its data.
#[derive(Debug, Deserialize)]
struct Thing<T> {
    kind: String,
    data: T,
}

/// An inbox item: a comment (`t1`: reply or username mention) or a private
/// message (`t4`). The fields we use.
#[derive(Debug, Clone, Deserialize)]
pub struct InboxItem {
    /// Fullname, e.g. `t1_k2x9a1`.
    pub name: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub body: String,
    pub created_utc: f64,
    #[serde(default)]
    pub parent_id: Option<String>,
    /// Comments: the post (`t3_…`). The inbox often leaves it out; the
    /// context link then says.
    #[serde(default)]
    pub link_id: Option<String>,
    /// Messages: the first message of the conversation (none on the first).
    #[serde(default)]
    pub first_message_name: Option<String>,
    /// Comments: `/r/sub/comments/<post>/<slug>/<comment>/?context=3`.
    #[serde(default)]
    pub context: Option<String>,
}

/// A link (`t3`): a post, as search returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct Link {
    pub name: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub selftext: String,
    pub created_utc: f64,
    #[serde(default)]
    pub permalink: Option<String>,
}

/// The `api_type=json` envelope of a write.
#[derive(Debug, Deserialize)]
struct WriteEnvelope {
    json: WriteBody,
}

#[derive(Debug, Deserialize)]
struct WriteBody {
    /// `[["CODE", "message", "field"], ...]`
    #[serde(default)]
    errors: Vec<Vec<serde_json::Value>>,
    /// Seconds to wait, sent with a `RATELIMIT` error.
    #[serde(default)]
    ratelimit: Option<f64>,
    #[serde(default)]
    data: Option<WriteData>,
}

#[derive(Debug, Deserialize)]
struct WriteData {
    #[serde(default)]
    things: Vec<Thing<Written>>,
}

#[derive(Debug, Deserialize)]
struct Written {
    name: String,
    #[serde(default)]
    permalink: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Me {
    #[allow(dead_code)]
    name: String,
}

fn millis(created_utc: f64) -> i64 {
    if created_utc.is_finite() && created_utc > 0.0 {
        (created_utc * 1000.0) as i64
    } else {
        now_ms()
    }
}

/// `t3_<id>` from a context link `/r/sub/comments/<id>/...`.
fn post_from_context(context: &str) -> Option<String> {
    let mut parts = context.split('/');
    parts.find(|p| *p == "comments")?;
    parts
        .next()
        .filter(|id| !id.is_empty())
        .map(|id| format!("t3_{id}"))
}

fn web_url(path: &str) -> Option<String> {
    let path = path.trim();
    if path.is_empty() {
        None
    } else if path.starts_with("http") {
        Some(path.to_string())
    } else {
        Some(format!("{WEB}{path}"))
    }
}

/// Plain words for a Reddit error code from an `api_type=json` envelope.
/// Reddit's own message is not echoed (it may quote what we sent).
fn write_error(code: &str, ratelimit: Option<f64>) -> ConnectorError {
    match code {
        "RATELIMIT" => {
            let secs = ratelimit
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(60.0);
            ConnectorError::RateLimited {
                retry_at: now_ms() + (secs * 1000.0) as i64,
            }
        }
        "USER_REQUIRED" | "NOT_AUTHORIZED" | "INVALID_USER" => ConnectorError::Unauthorized,
        "THREAD_LOCKED" | "TOO_OLD" => {
            ConnectorError::Unsupported("replies in a locked or archived thread")
        }
        "DELETED_COMMENT" | "DELETED_LINK" | "DELETED_THING" | "NO_THING_ID" => {
            ConnectorError::Unsupported("replies to a deleted post or comment")
        }
        "TOO_LONG" => ConnectorError::Unsupported("replies this long"),
        "NO_TEXT" => ConnectorError::Unsupported("empty replies"),
        "SUBREDDIT_NOTALLOWED" | "BANNED_FROM_SUBREDDIT" | "SUBREDDIT_NOEXIST" => {
            ConnectorError::Unsupported("replies in a community that does not let us post")
        }
        _ => ConnectorError::Server(400),
    }
}

impl RedditConnector {
    pub fn new(config: RedditConfig, http: Http) -> Result<Self, ConnectorError> {
        let base = parse_base(&config.base_url)?;
        Ok(RedditConnector { http, base, config })
    }

    /// A read: retried as [`Http::send`] does.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ConnectorError> {
        let url = endpoint(&self.base, path)?;
        let resp = self
            .http
            .send(|c| {
                c.get(url.clone())
                    .query(&[("raw_json", "1")])
                    .query(query)
                    .header(USER_AGENT, &self.config.user_agent)
                    .bearer_auth(self.config.token.expose())
            })
            .await?;
        read_json(resp).await
    }

    /// A write: sent once (Reddit has no idempotency key).
    async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<WriteEnvelope, ConnectorError> {
        let url = endpoint(&self.base, path)?;
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let resp = self
            .http
            .send_once(|c| {
                c.post(url.clone())
                    .header(USER_AGENT, &self.config.user_agent)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .bearer_auth(self.config.token.expose())
                    .body(body.clone())
            })
            .await?;
        read_json(resp).await
    }

    fn new_post(
        &self,
        name: &str,
        author: Option<&str>,
        text: String,
        created_utc: f64,
    ) -> NewPost {
        NewPost {
            channel: self.config.channel.clone(),
            external_id: name.to_string(),
            author: author.unwrap_or("[deleted]").to_string(),
            author_name: None,
            author_followers: None,
            direction: Direction::Inbound,
            text,
            created_at: millis(created_utc),
            reply_to: None,
            account: Some(self.config.account.clone()),
            labels: Vec::new(),
        }
    }

    fn inbox_post(&self, kind: &str, item: &InboxItem) -> FetchedPost {
        let mut post = self.new_post(
            &item.name,
            item.author.as_deref(),
            item.body.clone(),
            item.created_utc,
        );
        post.reply_to = item.parent_id.clone().filter(|p| !p.is_empty());
        let context = item.context.as_deref().unwrap_or("");
        let (conversation, url) = if kind == "t4" {
            let id = item.name.trim_start_matches("t4_");
            (
                item.first_message_name
                    .clone()
                    .filter(|f| !f.is_empty())
                    .or_else(|| Some(item.name.clone())),
                web_url(context).or_else(|| Some(format!("{WEB}/message/messages/{id}"))),
            )
        } else {
            (
                item.link_id
                    .clone()
                    .filter(|l| !l.is_empty())
                    .or_else(|| post_from_context(context)),
                web_url(context),
            )
        };
        FetchedPost {
            post,
            conversation,
            url,
        }
    }

    fn link_post(&self, link: &Link) -> FetchedPost {
        let text = if link.selftext.trim().is_empty() {
            link.title.clone()
        } else {
            format!("{}\n\n{}", link.title, link.selftext)
        };
        FetchedPost {
            post: self.new_post(&link.name, link.author.as_deref(), text, link.created_utc),
            conversation: Some(link.name.clone()),
            url: link.permalink.as_deref().and_then(web_url),
        }
    }

    fn is_own(&self, author: Option<&str>) -> bool {
        author.is_some_and(|a| a.eq_ignore_ascii_case(&self.config.account))
    }

    fn limit(&self) -> u32 {
        self.config.page_size.clamp(1, 100)
    }
}

/// The page's newest fullname (listings are newest first), `more` and the
/// cursor to save. See the module docs.
fn page_result(
    cursor: Option<&Cursor>,
    newest: Option<&str>,
    count: usize,
    limit: u32,
) -> (Option<Cursor>, bool) {
    match newest {
        // Nothing new: keep the saved cursor.
        None => (None, false),
        Some(newest) => (
            Some(Cursor::new(newest)),
            cursor.is_some() && count >= limit as usize,
        ),
    }
}

fn before_param(cursor: Option<&Cursor>) -> Option<(&'static str, String)> {
    cursor
        .map(|c| c.as_str().trim())
        .filter(|c| !c.is_empty())
        .map(|c| ("before", c.to_string()))
}

#[async_trait]
impl Connector for RedditConnector {
    fn channel(&self) -> &str {
        &self.config.channel
    }

    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let cursor = cursor.filter(|c| !c.as_str().trim().is_empty());
        let mut query = vec![("limit", self.limit().to_string())];
        query.extend(before_param(cursor));
        let page: Listing<InboxItem> = self.get("message/inbox", &query).await?;
        let children = page.data.children;
        let (next_cursor, more) = page_result(
            cursor,
            children.first().map(|t| t.data.name.as_str()),
            children.len(),
            self.limit(),
        );
        let mut posts: Vec<FetchedPost> = children
            .iter()
            .filter(|t| t.kind == "t1" || t.kind == "t4")
            .filter(|t| cursor.is_none_or(|c| c.as_str() != t.data.name))
            .filter(|t| !self.is_own(t.data.author.as_deref()))
            .map(|t| self.inbox_post(&t.kind, &t.data))
            .collect();
        posts.reverse(); // oldest first
        Ok(Poll {
            posts,
            next_cursor,
            more,
        })
    }

    /// Posts (`t3`) matching `query`, newest first on Reddit's side; the
    /// cursor is the newest post's fullname, so a repeated search returns
    /// only newer matches.
    async fn search(&self, query: &str, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let cursor = cursor.filter(|c| !c.as_str().trim().is_empty());
        let mut params = vec![
            ("q", query.to_string()),
            ("sort", "new".to_string()),
            ("type", "link".to_string()),
            ("limit", self.limit().to_string()),
        ];
        params.extend(before_param(cursor));
        let page: Listing<Link> = self.get("search", &params).await?;
        let children = page.data.children;
        let (next_cursor, more) = page_result(
            cursor,
            children.first().map(|t| t.data.name.as_str()),
            children.len(),
            self.limit(),
        );
        let mut posts: Vec<FetchedPost> = children
            .iter()
            .filter(|t| t.kind == "t3")
            .filter(|t| cursor.is_none_or(|c| c.as_str() != t.data.name))
            .map(|t| self.link_post(&t.data))
            .collect();
        posts.reverse();
        Ok(Poll {
            posts,
            next_cursor,
            more,
        })
    }

    /// Comments under `in_reply_to` (a `t1` comment, a `t3` post, or a `t4`
    /// message, which keeps the answer private). Sent once, never retried:
    /// see the module docs.
    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        if req.direct && !req.in_reply_to.starts_with("t4_") {
            return Err(ConnectorError::Unsupported(
                "private answers to a public comment (answer in public instead)",
            ));
        }
        let envelope = self
            .post_form(
                "api/comment",
                &[
                    ("api_type", "json"),
                    ("thing_id", req.in_reply_to.as_str()),
                    ("text", req.text.as_str()),
                ],
            )
            .await?;
        let body = envelope.json;
        if let Some(first) = body.errors.first() {
            let code = first.first().and_then(|c| c.as_str()).unwrap_or("");
            return Err(write_error(code, body.ratelimit));
        }
        let thing = body
            .data
            .and_then(|d| d.things.into_iter().next())
            .ok_or_else(|| {
                ConnectorError::Malformed("the reply was accepted but its id is missing".into())
            })?;
        Ok(SentReply {
            url: thing.data.permalink.as_deref().and_then(web_url),
            external_id: thing.data.name,
        })
    }

    async fn health(&self) -> Health {
        match self.get::<Me>("api/v1/me", &[]).await {
            Ok(_) => Health::Ok,
            Err(e) => Health::Failing(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_id_from_context() {
        assert_eq!(
            post_from_context("/r/LumenBroadband/comments/1b2c3d/outage_tonight/kx9a1b/?context=3")
                .as_deref(),
            Some("t3_1b2c3d")
        );
        assert_eq!(post_from_context(""), None);
        assert_eq!(post_from_context("/message/messages/2ab"), None);
    }

    #[test]
    fn rate_limit_envelope_waits_the_given_seconds() {
        let before = now_ms();
        let ConnectorError::RateLimited { retry_at } = write_error("RATELIMIT", Some(540.0)) else {
            panic!("expected RateLimited")
        };
        assert!(retry_at >= before + 540_000 && retry_at <= now_ms() + 540_000);
        assert!(!write_error("SOMETHING_NEW", None).is_transient());
    }

    #[test]
    fn default_user_agent_names_the_account() {
        let c = RedditConfig::new(Secret::new("t"), "u/LumenSupport");
        assert_eq!(c.account, "LumenSupport");
        assert!(c.user_agent.ends_with("(by /u/LumenSupport)"));
    }
}
