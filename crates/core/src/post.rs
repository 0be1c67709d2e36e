//! Posts as they enter Switchboard: normalised from an import row or a
//! network payload, before the store gives them an id and a case.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::time::Millis;

/// Who wrote a post: a customer or the public (inbound), or the organisation
/// itself (outbound: the organisation's own replies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "inbound" => Some(Direction::Inbound),
            "outbound" => Some(Direction::Outbound),
            _ => None,
        }
    }
}

/// A normalised post, ready to be stored. `external_id` is the network's id:
/// (channel, external_id) is unique, which makes every import idempotent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPost {
    pub channel: String,
    pub external_id: String,
    /// The author's handle on the channel.
    pub author: String,
    pub author_name: Option<String>,
    pub author_followers: Option<i64>,
    pub direction: Direction,
    pub text: String,
    pub created_at: Millis,
    /// External id of the post this one answers, if any.
    pub reply_to: Option<String>,
    /// The organisation account addressed (or that wrote an outbound post).
    pub account: Option<String>,
    /// Team judgements that came with the post (e.g. sentiment=negative).
    pub labels: Vec<(String, String)>,
}
