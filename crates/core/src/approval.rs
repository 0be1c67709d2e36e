//! Approvals: a reply whose playbook template or a rule on its case needs a
//! department's approval (legal, PR, investor relations) waits in the outbox
//! (`awaiting_approval`) until an approver of that department approves it
//! (perhaps edited: the original text is kept) or rejects it with a comment
//! (`rejected`: it goes back to its author and is never sent).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ApprovalState {
    Pending,
    Approved,
    Rejected,
}

impl ApprovalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        use ApprovalState::*;
        [Pending, Approved, Rejected].into_iter().find(|k| k.as_str() == s)
    }
}

/// The approval a reply waits for, or the decision taken on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ReplyApproval {
    /// The outbox item (reply) it is about.
    #[ts(type = "number")]
    pub reply_id: i64,
    #[ts(type = "number")]
    pub case_id: i64,
    /// The approving department's slug (`legal`, `pr`...).
    pub approver: String,
    /// The approving department's name for people (the slug if it is not a department).
    pub approver_name: String,
    /// Why it needs approval: "template legal-holding", "rule tag approval:pr".
    pub reason: String,
    pub state: ApprovalState,
    pub requested_by: String,
    #[ts(type = "number")]
    pub requested_at: i64,
    pub decided_by: Option<String>,
    #[ts(type = "number | null")]
    pub decided_at: Option<i64>,
    /// The reason given with a rejection (or a remark with an approval).
    pub comment: Option<String>,
    /// The text as its author wrote it (the reply's body is the approved, perhaps edited, one).
    pub original_body: String,
    /// Whether the approver changed the text before approving.
    pub edited: bool,
}

/// One reply in an approver's queue, with what the approver needs to judge it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ApprovalQueueItem {
    pub approval: ReplyApproval,
    /// The reply's text as it would be sent.
    pub body: String,
    pub direct: bool,
    pub channel: String,
    /// The customer answered (the case's author).
    pub author: String,
    /// The opening text of the conversation.
    pub subject: String,
}
