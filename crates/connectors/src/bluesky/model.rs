//! The AT Protocol / Bluesky lexicon objects the connector reads and writes
//! (only the fields it uses): sessions, notifications, post views, the post
//! record with its reply references, and XRPC error bodies.

use serde::{Deserialize, Serialize};

/// `com.atproto.server.createSession` / `refreshSession` output.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionOut {
    pub access_jwt: String,
    pub refresh_jwt: String,
    pub did: String,
}

/// `app.bsky.actor.defs#profileViewBasic` (and the richer views' common part).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub did: String,
    pub handle: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub followers_count: Option<i64>,
}

/// `com.atproto.repo.strongRef`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrongRef {
    pub uri: String,
    pub cid: String,
}

/// `app.bsky.feed.post#replyRef`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyRef {
    pub root: StrongRef,
    pub parent: StrongRef,
}

/// `app.bsky.feed.post`, the record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRecord {
    #[serde(rename = "$type", default = "post_type")]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub langs: Option<Vec<String>>,
}

fn post_type() -> String {
    "app.bsky.feed.post".into()
}

/// `app.bsky.notification.listNotifications#notification`. The record is
/// kept as JSON: a like or follow carries another kind of record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub uri: String,
    pub author: Profile,
    pub reason: String,
    pub record: serde_json::Value,
    pub indexed_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NotificationPage {
    #[serde(default)]
    pub cursor: Option<String>,
    pub notifications: Vec<Notification>,
}

/// `app.bsky.feed.defs#postView`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    pub uri: String,
    pub cid: String,
    pub author: Profile,
    pub record: serde_json::Value,
    pub indexed_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SearchPage {
    #[serde(default)]
    pub cursor: Option<String>,
    pub posts: Vec<PostView>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Posts {
    pub posts: Vec<PostView>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Profiles {
    pub profiles: Vec<Profile>,
}

/// `com.atproto.repo.createRecord` / `getRecord` output.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordRef {
    pub uri: String,
}

/// The parts of an `at://did/collection/rkey` URI.
pub fn at_uri_parts(uri: &str) -> Option<(&str, &str, &str)> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.splitn(3, '/');
    let (did, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    (!did.is_empty() && !collection.is_empty() && !rkey.is_empty() && !rkey.contains('/')).then_some((did, collection, rkey))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_uris() {
        assert_eq!(
            at_uri_parts("at://did:plc:abc/app.bsky.feed.post/3kxyz"),
            Some(("did:plc:abc", "app.bsky.feed.post", "3kxyz"))
        );
        assert_eq!(at_uri_parts("https://bsky.app/x"), None);
        assert_eq!(at_uri_parts("at://did:plc:abc/app.bsky.feed.post/"), None);
        assert_eq!(at_uri_parts("at://did/c/r/extra"), None);
    }
}
