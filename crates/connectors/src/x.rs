//! X (Twitter) API v2: mentions of the organisation account from
//! `GET /2/users/:id/mentions`, listening through
//! `GET /2/tweets/search/recent`, public replies through `POST /2/tweets`,
//! direct messages through `POST /2/dm_conversations/with/:id/messages`
//! ([`XConnector::send_direct`]), health through `GET /2/users/me`. The raw
//! v2 shapes (`data` / `includes.users` / `meta`) are kept apart from the
//! normalised post.
//!
//! # Paging and the cursor
//!
//! Both timelines come newest first. The cursor is a small JSON document:
//!
//! - `since_id`: the floor, the newest tweet already handed over;
//! - `next_token`: while walking down a resumed poll, X's
//!   `pagination_token` for the next (older) page;
//! - `top`: the newest id of the walk, which becomes the next `since_id`
//!   once the walk is done.
//!
//! The first poll (no cursor) takes one page and starts above it: older
//! history is not backfilled. A resumed poll (with `since_id`) whose answer
//! carries `meta.next_token` may hide older new tweets below it, so it
//! returns `more = true` and a cursor that keeps the *old* floor, the token
//! and the top. Every such cursor is safe to save: the floor only moves up
//! when the walk reaches it, so a crash mid-walk never skips a tweet, and a
//! page fetched twice is ignored by the store. Should X refuse a saved
//! pagination token later (status 400, e.g. it expired), the walk restarts
//! from the floor, fetching some tweets again rather than losing any.
//!
//! # Replies are not idempotent
//!
//! X has no idempotency key. A reply is sent with [`Http::send_once`] (no
//! automatic retry of a write whose answer was lost), so a timeout after X
//! accepted the tweet surfaces as an error and a person or the outbox
//! decides. Looking for an already-sent reply before a retry (a
//! `find_sent` check against the account's timeline) is not implemented;
//! [`ReplyRequest::idempotency_key`] is ignored.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use switchboard_core::{Direction, NewPost};
use url::Url;

use crate::connector::{Connector, Cursor, FetchedPost, Health, Poll, ReplyRequest, SentReply};
use crate::error::{ConnectorError, Secret};
use crate::http::{endpoint, parse_base, read_json, Http};

/// The tweet fields every read asks for.
pub const TWEET_FIELDS: &str =
    "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang";
/// The user fields every read asks for (with `expansions=author_id`).
pub const USER_FIELDS: &str = "username,name,public_metrics";

/// Settings for one X account.
#[derive(Debug, Clone)]
pub struct XConfig {
    /// The API, `https://api.x.com` unless set (tests point it elsewhere).
    pub base_url: String,
    /// An OAuth 2.0 user access token (bearer). Reading mentions works with
    /// an app-only bearer too; replying needs a user token with
    /// `tweet.write` (and `dm.write` for direct messages).
    pub token: Secret,
    /// The organisation account's numeric user id.
    pub user_id: String,
    /// The organisation's handle, without `@` (for post links and
    /// [`NewPost::account`]).
    pub account: Option<String>,
    /// Channel the posts are stored under ("x" unless set).
    pub channel: String,
    /// Page size; clamped to what each endpoint allows (mentions 5–100,
    /// recent search 10–100).
    pub page_size: u32,
}

impl XConfig {
    pub fn new(token: Secret, user_id: impl Into<String>) -> Self {
        XConfig {
            base_url: "https://api.x.com".into(),
            token,
            user_id: user_id.into(),
            account: None,
            channel: "x".into(),
            page_size: 100,
        }
    }
}

/// One X account.
#[derive(Debug, Clone)]
pub struct XConnector {
    http: Http,
    base: Url,
    config: XConfig,
}

/// A tweet object (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Tweet {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub in_reply_to_user_id: Option<String>,
    #[serde(default)]
    pub referenced_tweets: Vec<ReferencedTweet>,
    #[serde(default)]
    pub lang: Option<String>,
}

/// An entry of `referenced_tweets`: `replied_to`, `quoted` or `retweeted`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReferencedTweet {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// A user object (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub public_metrics: Option<PublicMetrics>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PublicMetrics {
    #[serde(default)]
    pub followers_count: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Includes {
    #[serde(default)]
    users: Vec<User>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Meta {
    #[serde(default)]
    newest_id: Option<String>,
    #[serde(default)]
    next_token: Option<String>,
}

/// A timeline or search page. `data` is absent when nothing matched.
#[derive(Debug, Deserialize)]
struct TweetPage {
    #[serde(default)]
    data: Vec<Tweet>,
    #[serde(default)]
    includes: Includes,
    #[serde(default)]
    meta: Meta,
}

#[derive(Debug, Deserialize)]
struct Created<T> {
    data: T,
}

#[derive(Debug, Deserialize)]
struct CreatedTweet {
    id: String,
}

#[derive(Debug, Deserialize)]
struct CreatedDm {
    dm_event_id: String,
}

#[derive(Debug, Deserialize)]
struct Me {
    #[allow(dead_code)]
    id: String,
}

/// See the module docs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct XCursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    top: Option<String>,
}

impl XCursor {
    /// Reads a saved cursor; a bare id (an older or hand-made cursor) is
    /// taken as `since_id`, anything unreadable as no cursor.
    fn load(cursor: Option<&Cursor>) -> Self {
        let Some(c) = cursor else {
            return XCursor::default();
        };
        let raw = c.as_str().trim();
        if let Ok(parsed) = serde_json::from_str::<XCursor>(raw) {
            return parsed;
        }
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return XCursor {
                since_id: Some(raw.to_string()),
                ..XCursor::default()
            };
        }
        XCursor::default()
    }
    fn save(&self) -> Cursor {
        Cursor(serde_json::to_string(self).expect("a cursor always serialises"))
    }
}

/// Orders snowflake ids numerically (longer is newer, then lexically).
fn id_key(id: &str) -> (usize, &str) {
    (id.len(), id)
}

fn newer(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if id_key(&a) >= id_key(&b) { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// X v2 escapes `&`, `<` and `>` in tweet text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl XConnector {
    pub fn new(config: XConfig, http: Http) -> Result<Self, ConnectorError> {
        let base = parse_base(&config.base_url)?;
        Ok(XConnector { http, base, config })
    }

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
                    .query(query)
                    .bearer_auth(self.config.token.expose())
            })
            .await?;
        read_json(resp).await
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ConnectorError> {
        let url = endpoint(&self.base, path)?;
        // No idempotency key on X: never resend a write automatically.
        let resp = self
            .http
            .send_once(|c| {
                c.post(url.clone())
                    .bearer_auth(self.config.token.expose())
                    .json(body)
            })
            .await?;
        read_json(resp).await
    }

    /// One page of a newest-first timeline (`path` with `params`), walking
    /// down as the module docs say.
    async fn page(
        &self,
        path: &str,
        params: Vec<(&'static str, String)>,
        page_size: u32,
        cursor: Option<&Cursor>,
    ) -> Result<Poll, ConnectorError> {
        let mut state = XCursor::load(cursor);
        let fetch = |state: &XCursor| {
            let mut query = params.clone();
            query.extend([
                ("max_results", page_size.to_string()),
                ("tweet.fields", TWEET_FIELDS.to_string()),
                ("expansions", "author_id".to_string()),
                ("user.fields", USER_FIELDS.to_string()),
            ]);
            if let Some(since) = &state.since_id {
                query.push(("since_id", since.clone()));
            }
            if let Some(token) = &state.next_token {
                query.push(("pagination_token", token.clone()));
            }
            async move { self.get::<TweetPage>(path, &query).await }
        };
        let page = match fetch(&state).await {
            // A stale pagination token: restart the walk from the floor.
            Err(ConnectorError::Server(400)) if state.next_token.is_some() => {
                state.next_token = None;
                fetch(&state).await?
            }
            other => other?,
        };
        let newest_here = page
            .data
            .iter()
            .map(|t| t.id.clone())
            .max_by(|a, b| id_key(a).cmp(&id_key(b)));
        let top = newer(
            state.top.clone(),
            newer(newest_here, page.meta.newest_id.clone()),
        );
        let next = match (&state.since_id, page.meta.next_token.clone()) {
            (Some(_), Some(token)) => XCursor {
                since_id: state.since_id.clone(),
                next_token: Some(token),
                top,
            },
            _ => XCursor {
                since_id: newer(state.since_id.clone(), top),
                next_token: None,
                top: None,
            },
        };
        let mut tweets = page.data;
        tweets.sort_by(|a, b| id_key(&a.id).cmp(&id_key(&b.id)));
        let posts = tweets
            .iter()
            .map(|t| self.to_post(t, &page.includes.users))
            .collect();
        Ok(Poll {
            more: next.next_token.is_some(),
            next_cursor: Some(next.save()),
            posts,
        })
    }

    fn to_post(&self, tweet: &Tweet, users: &[User]) -> FetchedPost {
        let user = tweet
            .author_id
            .as_deref()
            .and_then(|id| users.iter().find(|u| u.id == id));
        let author = user
            .map(|u| u.username.clone())
            .or_else(|| tweet.author_id.clone())
            .unwrap_or_default();
        let url = match user {
            Some(u) => format!("https://x.com/{}/status/{}", u.username, tweet.id),
            None => format!("https://x.com/i/web/status/{}", tweet.id),
        };
        FetchedPost {
            post: NewPost {
                channel: self.config.channel.clone(),
                external_id: tweet.id.clone(),
                author,
                author_name: user
                    .and_then(|u| u.name.clone())
                    .filter(|n| !n.trim().is_empty()),
                author_followers: user
                    .and_then(|u| u.public_metrics.as_ref())
                    .and_then(|m| m.followers_count),
                direction: Direction::Inbound,
                text: unescape(&tweet.text),
                created_at: tweet
                    .created_at
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.timestamp_millis())
                    .unwrap_or_else(switchboard_core::time::now_ms),
                reply_to: tweet
                    .referenced_tweets
                    .iter()
                    .find(|r| r.kind == "replied_to")
                    .map(|r| r.id.clone()),
                account: self.config.account.clone(),
                labels: Vec::new(),
            },
            conversation: tweet.conversation_id.clone(),
            url: Some(url),
        }
    }

    fn status_url(&self, id: &str) -> String {
        match &self.config.account {
            Some(handle) => format!(
                "https://x.com/{}/status/{id}",
                handle.trim_start_matches('@')
            ),
            None => format!("https://x.com/i/web/status/{id}"),
        }
    }

    /// Sends a direct message to the user `participant_id` (numeric), e.g.
    /// the author id of a mention. Not idempotent, sent once (see the
    /// module docs). Returns the DM event id.
    pub async fn send_direct(
        &self,
        participant_id: &str,
        text: &str,
    ) -> Result<SentReply, ConnectorError> {
        if participant_id.is_empty() || !participant_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConnectorError::Unsupported(
                "direct messages without the recipient's id",
            ));
        }
        let path = format!("2/dm_conversations/with/{participant_id}/messages");
        let created: Created<CreatedDm> = self
            .post(&path, &serde_json::json!({ "text": text }))
            .await?;
        Ok(SentReply {
            external_id: created.data.dm_event_id,
            url: None,
        })
    }
}

#[async_trait]
impl Connector for XConnector {
    fn channel(&self) -> &str {
        &self.config.channel
    }

    /// Mentions of the account since the cursor; see the module docs.
    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let path = format!("2/users/{}/mentions", self.config.user_id);
        self.page(
            &path,
            Vec::new(),
            self.config.page_size.clamp(5, 100),
            cursor,
        )
        .await
    }

    /// Recent tweets (last seven days) matching `query`, in X's search
    /// syntax; the cursor works as for [`Connector::poll`].
    async fn search(&self, query: &str, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        self.page(
            "2/tweets/search/recent",
            vec![("query", query.to_string())],
            self.config.page_size.clamp(10, 100),
            cursor,
        )
        .await
    }

    /// Posts a public reply in the thread of `req.in_reply_to`, sent once
    /// (X has no idempotency key; see the module docs). A direct reply needs
    /// the recipient's user id, which a [`ReplyRequest`] does not carry:
    /// use [`XConnector::send_direct`].
    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        if req.direct {
            // A DM goes to the author of the post being answered: look the
            // tweet up for its author id (a read, safe to retry), then send
            // once.
            let tweet: Created<Tweet> = self
                .get(
                    &format!("2/tweets/{}", req.in_reply_to),
                    &[("tweet.fields", "author_id".to_string())],
                )
                .await?;
            let author = tweet.data.author_id.ok_or_else(|| {
                ConnectorError::Malformed("the tweet to answer has no author_id".into())
            })?;
            return self.send_direct(&author, &req.text).await;
        }
        let body = serde_json::json!({
            "text": req.text,
            "reply": { "in_reply_to_tweet_id": req.in_reply_to },
        });
        let created: Created<CreatedTweet> = self.post("2/tweets", &body).await?;
        Ok(SentReply {
            url: Some(self.status_url(&created.data.id)),
            external_id: created.data.id,
        })
    }

    async fn health(&self) -> Health {
        match self.get::<Created<Me>>("2/users/me", &[]).await {
            Ok(_) => Health::Ok,
            Err(e) => Health::Failing(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_reads_json_and_bare_ids() {
        let c = XCursor::load(Some(&Cursor::new(r#"{"since_id":"9"}"#)));
        assert_eq!(c.since_id.as_deref(), Some("9"));
        let c = XCursor::load(Some(&Cursor::new("1890")));
        assert_eq!(c.since_id.as_deref(), Some("1890"));
        assert_eq!(
            XCursor::load(Some(&Cursor::new("junk"))),
            XCursor::default()
        );
    }

    #[test]
    fn ids_compare_as_numbers() {
        assert_eq!(
            newer(Some("99".into()), Some("100".into())).as_deref(),
            Some("100")
        );
        assert_eq!(newer(None, Some("5".into())).as_deref(), Some("5"));
        assert_eq!(unescape("a &amp;lt; b &gt; c"), "a &lt; b > c");
    }
}
