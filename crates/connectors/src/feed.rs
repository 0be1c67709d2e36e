//! RSS and Atom feeds (blogs, news and review sites): listen only. Each
//! entry becomes an inbound post; the cursor remembers the newest dated
//! entry seen and the feed's ETag / Last-Modified, so an unchanged feed
//! costs one 304 and a changed one yields only newer entries. Entries
//! without a date are returned on every poll and deduplicated by the store
//! on (channel, external id).

use async_trait::async_trait;
use feed_rs::model::{Entry, Feed};
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::time::{now_ms, Millis};
use switchboard_core::{Direction, NewPost};
use url::Url;

use crate::connector::{Connector, Cursor, FetchedPost, Health, Poll};
use crate::error::ConnectorError;
use crate::http::{parse_base, read_bytes, Http};
use crate::text::html_to_text;

/// Settings for one feed.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// The feed's URL.
    pub url: String,
    /// Channel the posts are stored under ("rss" unless set).
    pub channel: String,
    /// The organisation account the feed is watched for, if any.
    pub account: Option<String>,
}

impl FeedConfig {
    pub fn new(url: impl Into<String>) -> Self {
        FeedConfig {
            url: url.into(),
            channel: "rss".into(),
            account: None,
        }
    }
}

/// A feed being watched.
#[derive(Debug, Clone)]
pub struct FeedConnector {
    http: Http,
    url: Url,
    config: FeedConfig,
}

/// What the cursor remembers (stored as JSON in [`Cursor`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct FeedCursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
    /// The newest dated entry seen: its date (epoch ms) and id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<(Millis, String)>,
}

impl FeedCursor {
    /// A cursor that cannot be read starts afresh: the store drops the
    /// entries it already has, so nothing is lost or doubled.
    fn load(cursor: Option<&Cursor>) -> Self {
        cursor
            .and_then(|c| serde_json::from_str(c.as_str()).ok())
            .unwrap_or_default()
    }
    fn save(&self) -> Cursor {
        Cursor(serde_json::to_string(self).expect("a feed cursor always serialises"))
    }
}

impl FeedConnector {
    pub fn new(config: FeedConfig, http: Http) -> Result<Self, ConnectorError> {
        let url = parse_base(&config.url)?;
        Ok(FeedConnector { http, url, config })
    }

    /// Fetches the feed, conditionally when the cursor has validators.
    /// `None` means 304 Not Modified.
    async fn fetch(
        &self,
        state: &FeedCursor,
    ) -> Result<Option<(Feed, FeedCursor)>, ConnectorError> {
        let resp = self
            .http
            .send(|c| {
                let mut req = c.get(self.url.clone()).header(
                    "Accept",
                    "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
                );
                if let Some(etag) = &state.etag {
                    req = req.header(IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &state.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, lm);
                }
                req
            })
            .await?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        let next = FeedCursor {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
            newest: state.newest.clone(),
        };
        let body = read_bytes(resp).await?;
        let feed = feed_rs::parser::parse(body.as_slice())
            .map_err(|e| ConnectorError::Malformed(format!("the feed could not be parsed: {e}")))?;
        Ok(Some((feed, next)))
    }

    fn to_post(&self, feed: &Feed, entry: &Entry, fetched_at: Millis) -> FetchedPost {
        let link = entry.links.first().map(|l| l.href.clone());
        let external_id = if entry.id.trim().is_empty() {
            link.clone().unwrap_or_default()
        } else {
            entry.id.clone()
        };
        let feed_title = feed
            .title
            .as_ref()
            .map(|t| html_to_text(&t.content))
            .filter(|t| !t.is_empty());
        let author_name = entry
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().or(p.email.as_deref()))
            .map(str::trim)
            .find(|n| !n.is_empty())
            .map(String::from);
        let author = author_name
            .clone()
            .or_else(|| feed_title.clone())
            .or_else(|| self.url.host_str().map(String::from))
            .unwrap_or_else(|| self.config.channel.clone());
        let title = entry
            .title
            .as_ref()
            .map(|t| html_to_text(&t.content))
            .unwrap_or_default();
        let body = entry
            .summary
            .as_ref()
            .map(|s| s.content.as_str())
            .or_else(|| entry.content.as_ref().and_then(|c| c.body.as_deref()))
            .map(html_to_text)
            .unwrap_or_default();
        let text = match (title.is_empty(), body.is_empty()) {
            (false, false) => format!("{title}\n{body}"),
            (false, true) => title,
            _ => body,
        };
        FetchedPost {
            post: NewPost {
                channel: self.config.channel.clone(),
                external_id,
                author,
                author_name: author_name.or(feed_title),
                author_followers: None,
                direction: Direction::Inbound,
                text,
                created_at: entry_date(entry).unwrap_or(fetched_at),
                reply_to: None,
                account: self.config.account.clone(),
                labels: Vec::new(),
            },
            conversation: None,
            url: link,
        }
    }
}

fn entry_date(entry: &Entry) -> Option<Millis> {
    entry
        .published
        .or(entry.updated)
        .map(|d| d.timestamp_millis())
}

#[async_trait]
impl Connector for FeedConnector {
    fn channel(&self) -> &str {
        &self.config.channel
    }

    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let state = FeedCursor::load(cursor);
        let Some((feed, mut next)) = self.fetch(&state).await? else {
            return Ok(Poll::default());
        };
        let fetched_at = now_ms();
        let mut fresh: Vec<(Option<Millis>, &Entry)> = feed
            .entries
            .iter()
            .map(|e| (entry_date(e), e))
            .filter(|(date, e)| match (date, &state.newest) {
                (Some(at), Some((seen_at, seen_id))) => (*at, &e.id) > (*seen_at, seen_id),
                _ => true,
            })
            .collect();
        fresh.sort_by(|a, b| {
            (a.0.unwrap_or(fetched_at), &a.1.id).cmp(&(b.0.unwrap_or(fetched_at), &b.1.id))
        });
        for (date, entry) in &fresh {
            if let Some(at) = date {
                if next
                    .newest
                    .as_ref()
                    .is_none_or(|(n_at, n_id)| (*at, &entry.id) > (*n_at, n_id))
                {
                    next.newest = Some((*at, entry.id.clone()));
                }
            }
        }
        let posts = fresh
            .iter()
            .map(|(_, e)| self.to_post(&feed, e, fetched_at))
            .collect();
        Ok(Poll {
            posts,
            next_cursor: Some(next.save()),
            more: false,
        })
    }

    async fn health(&self) -> Health {
        match self.fetch(&FeedCursor::default()).await {
            Ok(_) => Health::Ok,
            Err(e) => Health::Failing(e),
        }
    }
}
