//! Replies on their way out: written in the app, stored before they are
//! sent, marked sent with the network's id after. See the store's outbox.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum OutboxState {
    /// Stored, not yet handed to the network.
    Queued,
    /// Handed to the network; the answer is not recorded yet. After a crash
    /// it is sent again with the same idempotency key.
    Sending,
    Sent,
    /// The last attempt failed; `last_error` says why.
    Failed,
    /// Waits for a department's approval; never sent before it is approved.
    AwaitingApproval,
    /// An approver rejected it (with a comment): it is never sent.
    Rejected,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::AwaitingApproval => "awaiting_approval",
            OutboxState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        use OutboxState::*;
        [Queued, Sending, Sent, Failed, AwaitingApproval, Rejected].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct OutboxItem {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub case_id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    /// External id of the post answered.
    pub in_reply_to: String,
    /// The conversation's first post, for networks that thread by root.
    pub conversation: Option<String>,
    /// A direct (private) message rather than a public reply.
    pub direct: bool,
    pub body: String,
    /// Sent with every attempt, so the network can refuse a second copy.
    pub idempotency_key: String,
    pub state: OutboxState,
    #[ts(type = "number")]
    pub attempts: i64,
    pub external_id: Option<String>,
    pub url: Option<String>,
    pub last_error: Option<String>,
    pub created_by: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub sent_at: Option<i64>,
    /// The approval it waits for or got, if it needed one (filled for the case view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub approval: Option<crate::approval::ReplyApproval>,
}
