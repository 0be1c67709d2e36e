//! Mastodon: mentions (and direct messages, which arrive as mentions) from
//! `GET /api/v1/notifications?types[]=mention`, listening through
//! `GET /api/v2/search`, replies through `POST /api/v1/statuses` with
//! `in_reply_to_id` and an `Idempotency-Key`, health through
//! `verify_credentials`. The raw entities (`Notification`, `Status`,
//! `Account`) are kept apart from the normalised post.
//!
//! Paging: notifications come newest first. With the cursor's `since_id`,
//! a full page may leave a gap below it, so the connector walks down
//! (`max_id` from the `Link: rel="next"` header) page by page, returning
//! each with `more = true` and a cursor that records the walk; when the gap
//! is closed the cursor becomes `since_id = newest seen`. Every
//! intermediate cursor is safe to save, so a crash mid-walk loses nothing.

use async_trait::async_trait;
use reqwest::header::LINK;
use serde::{Deserialize, Serialize};
use switchboard_core::{Direction, NewPost};
use url::Url;

use crate::connector::{Connector, Cursor, FetchedPost, Health, Poll, ReplyRequest, SentReply};
use crate::error::{ConnectorError, Secret};
use crate::http::{endpoint, parse_base, read_json, Http};
use crate::text::html_to_text;

/// Settings for one Mastodon account.
#[derive(Debug, Clone)]
pub struct MastodonConfig {
    /// The instance, e.g. `https://mastodon.social`.
    pub base_url: String,
    /// The account's OAuth access token.
    pub token: Secret,
    /// Channel the posts are stored under ("mastodon" unless set).
    pub channel: String,
    /// The organisation's handle on this instance.
    pub account: Option<String>,
    /// Visibility of public replies: "public" or "unlisted".
    pub reply_visibility: String,
    /// Page size (Mastodon allows up to 40 notifications).
    pub page_size: u32,
}

impl MastodonConfig {
    pub fn new(base_url: impl Into<String>, token: Secret) -> Self {
        MastodonConfig {
            base_url: base_url.into(),
            token,
            channel: "mastodon".into(),
            account: None,
            reply_visibility: "public".into(),
            page_size: 40,
        }
    }
}

/// One Mastodon account.
#[derive(Debug, Clone)]
pub struct MastodonConnector {
    http: Http,
    base: Url,
    config: MastodonConfig,
}

/// The `Account` entity (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub id: String,
    pub acct: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub followers_count: Option<i64>,
}

/// The `Status` entity (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub id: String,
    pub uri: String,
    #[serde(default)]
    pub url: Option<String>,
    pub created_at: String,
    pub account: Account,
    pub content: String,
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// The `Notification` entity (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Deserialize)]
struct SearchResults {
    #[serde(default)]
    statuses: Vec<Status>,
}

/// The notification cursor: `since_id` is the newest notification stored;
/// during a walk, `max_id` is where the next page starts and `top` the
/// newest id of the walk (the next `since_id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct NotificationCursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    top: Option<String>,
}

impl NotificationCursor {
    fn load(cursor: Option<&Cursor>) -> Self {
        cursor
            .and_then(|c| serde_json::from_str(c.as_str()).ok())
            .unwrap_or_default()
    }
    fn save(&self) -> Cursor {
        Cursor(serde_json::to_string(self).expect("a cursor always serialises"))
    }
}

impl MastodonConnector {
    pub fn new(config: MastodonConfig, http: Http) -> Result<Self, ConnectorError> {
        let base = parse_base(&config.base_url)?;
        Ok(MastodonConnector { http, base, config })
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(T, Option<String>), ConnectorError> {
        let url = endpoint(&self.base, path)?;
        let resp = self
            .http
            .send(|c| {
                c.get(url.clone())
                    .query(query)
                    .bearer_auth(self.config.token.expose())
            })
            .await?;
        let next_max_id = resp
            .headers()
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(|link| link_param(link, "next", "max_id"));
        Ok((read_json(resp).await?, next_max_id))
    }

    fn to_post(&self, status: &Status) -> FetchedPost {
        let author = &status.account;
        FetchedPost {
            post: NewPost {
                channel: self.config.channel.clone(),
                external_id: status.id.clone(),
                author: author.acct.clone(),
                author_name: Some(author.display_name.clone()).filter(|n| !n.trim().is_empty()),
                author_followers: author.followers_count,
                direction: Direction::Inbound,
                text: html_to_text(&status.content),
                created_at: chrono::DateTime::parse_from_rfc3339(&status.created_at)
                    .map(|t| t.timestamp_millis())
                    .unwrap_or_else(|_| switchboard_core::time::now_ms()),
                reply_to: status.in_reply_to_id.clone(),
                account: self.config.account.clone(),
                labels: Vec::new(),
            },
            conversation: None,
            url: status.url.clone().or_else(|| Some(status.uri.clone())),
        }
    }
}

/// The tag of a query that is exactly one `#hashtag` (letters, digits, `_`).
fn lone_hashtag(query: &str) -> Option<&str> {
    let tag = query.trim().strip_prefix('#')?;
    (!tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(tag)
}

/// The value of `param` in the URL of the `rel` link of a `Link` header:
/// `<https://h/api/v1/notifications?max_id=7>; rel="next", <…>; rel="prev"`.
pub fn link_param(link: &str, rel: &str, param: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let wanted = params.split(';').any(|p| {
            p.trim().trim_start_matches("rel=").trim_matches('"') == rel
                && p.trim().starts_with("rel=")
        });
        if !wanted {
            return None;
        }
        let url = Url::parse(target.trim().trim_start_matches('<').trim_end_matches('>')).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == param)
            .map(|(_, v)| v.into_owned())
    })
}

#[async_trait]
impl Connector for MastodonConnector {
    fn channel(&self) -> &str {
        &self.config.channel
    }

    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        let state = NotificationCursor::load(cursor);
        let mut query = vec![
            ("types[]", "mention".to_string()),
            ("limit", self.config.page_size.to_string()),
        ];
        if let Some(since) = &state.since_id {
            query.push(("since_id", since.clone()));
        }
        if let Some(max) = &state.max_id {
            query.push(("max_id", max.clone()));
        }
        let (page, next_max_id): (Vec<Notification>, _) =
            self.get("api/v1/notifications", &query).await?;
        let top = state
            .top
            .clone()
            .or_else(|| page.first().map(|n| n.id.clone()));
        // A full page on a resumed poll may hide a gap below it: walk down.
        let walk_on = state.since_id.is_some() && page.len() >= self.config.page_size as usize;
        let next = match (
            walk_on,
            next_max_id.or_else(|| page.last().map(|n| n.id.clone())),
        ) {
            (true, Some(max_id)) => NotificationCursor {
                since_id: state.since_id.clone(),
                max_id: Some(max_id),
                top,
            },
            _ => NotificationCursor {
                since_id: top.or(state.since_id.clone()),
                max_id: None,
                top: None,
            },
        };
        let mut posts: Vec<FetchedPost> = page
            .iter()
            .filter(|n| n.kind == "mention")
            .filter_map(|n| n.status.as_ref())
            .map(|s| self.to_post(s))
            .collect();
        posts.reverse(); // oldest first
        Ok(Poll {
            more: next.max_id.is_some(),
            posts,
            next_cursor: Some(next.save()),
        })
    }

    /// Statuses matching `query`; the cursor is the newest status id seen,
    /// so a repeated search returns only newer matches.
    /// A query that is one `#hashtag` reads that tag's public timeline
    /// (every post with the tag, which search may not hold); anything else
    /// goes to `/api/v2/search`. Both resume after the newest id seen.
    async fn search(&self, query: &str, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        if let Some(tag) = lone_hashtag(query) {
            let mut params = vec![("limit", self.config.page_size.min(40).to_string())];
            if let Some(c) = cursor {
                params.push(("min_id", c.as_str().to_string()));
            }
            let path = format!("api/v1/timelines/tag/{tag}");
            let (mut statuses, _): (Vec<Status>, _) = self.get(&path, &params).await?;
            statuses.sort_by(|a, b| (a.id.len(), &a.id).cmp(&(b.id.len(), &b.id)));
            let next_cursor = statuses.last().map(|s| Cursor(s.id.clone()));
            return Ok(Poll {
                posts: statuses.iter().map(|s| self.to_post(s)).collect(),
                next_cursor,
                more: false,
            });
        }
        let mut params = vec![
            ("q", query.to_string()),
            ("type", "statuses".to_string()),
            ("resolve", "false".to_string()),
            ("limit", self.config.page_size.min(40).to_string()),
        ];
        if let Some(c) = cursor {
            params.push(("min_id", c.as_str().to_string()));
        }
        let (found, _): (SearchResults, _) = self.get("api/v2/search", &params).await?;
        let mut statuses = found.statuses;
        statuses.sort_by(|a, b| (a.id.len(), &a.id).cmp(&(b.id.len(), &b.id)));
        let next_cursor = statuses.last().map(|s| Cursor(s.id.clone()));
        Ok(Poll {
            posts: statuses.iter().map(|s| self.to_post(s)).collect(),
            next_cursor,
            more: false,
        })
    }

    /// Posts the reply. The `Idempotency-Key` makes a retried send safe:
    /// Mastodon returns the first status for a repeated key.
    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        let url = endpoint(&self.base, "api/v1/statuses")?;
        let visibility = if req.direct {
            "direct".to_string()
        } else {
            self.config.reply_visibility.clone()
        };
        let body = serde_json::json!({
            "status": req.text,
            "in_reply_to_id": req.in_reply_to,
            "visibility": visibility,
        });
        let resp = self
            .http
            .send(|c| {
                c.post(url.clone())
                    .bearer_auth(self.config.token.expose())
                    .header("Idempotency-Key", &req.idempotency_key)
                    .json(&body)
            })
            .await?;
        let status: Status = read_json(resp).await?;
        Ok(SentReply {
            url: status.url.or(Some(status.uri)),
            external_id: status.id,
        })
    }

    async fn health(&self) -> Health {
        match self
            .get::<Account>("api/v1/accounts/verify_credentials", &[])
            .await
        {
            Ok(_) => Health::Ok,
            Err(e) => Health::Failing(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::link_param;

    #[test]
    fn reads_next_max_id_from_link() {
        let link = r#"<https://m.example/api/v1/notifications?max_id=34&types[]=mention>; rel="next", <https://m.example/api/v1/notifications?min_id=40>; rel="prev""#;
        assert_eq!(link_param(link, "next", "max_id").as_deref(), Some("34"));
        assert_eq!(link_param(link, "prev", "min_id").as_deref(), Some("40"));
        assert_eq!(link_param("garbage", "next", "max_id"), None);
    }
}
