//! Builders for posts used across the suite.

use switchboard_core::post::{Direction, NewPost};
use switchboard_store::ingest::IngestPost;

pub const T0: i64 = 1_700_000_000_000;

pub fn post(id: &str, author: &str, dir: Direction, minute: i64, reply_to: Option<&str>, text: &str) -> IngestPost {
    IngestPost {
        post: NewPost {
            channel: "x".into(),
            external_id: id.into(),
            author: author.into(),
            author_name: None,
            author_followers: None,
            direction: dir,
            text: text.into(),
            created_at: T0 + minute * 60_000,
            reply_to: reply_to.map(str::to_string),
            account: (dir == Direction::Outbound).then(|| author.to_string()),
            labels: Vec::new(),
        },
        conversation: None,
    }
}

pub fn inbound(id: &str, author: &str, minute: i64, reply_to: Option<&str>, text: &str) -> IngestPost {
    post(id, author, Direction::Inbound, minute, reply_to, text)
}

pub fn outbound(id: &str, minute: i64, reply_to: &str, text: &str) -> IngestPost {
    post(id, "brand", Direction::Outbound, minute, Some(reply_to), text)
}
