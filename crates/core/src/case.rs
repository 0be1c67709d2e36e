//! Cases: the unit of work. A case gathers the posts of one conversation and
//! carries its state (status, department, assignee, priority, SLA) and its
//! timeline of events. `version` grows by one with every change, so a writer
//! can make its update conditional on what it last saw.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CaseStatus {
    New,
    Open,
    Pending,
    Resolved,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] = [CaseStatus::New, CaseStatus::Open, CaseStatus::Pending, CaseStatus::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Open => "open",
            CaseStatus::Pending => "pending",
            CaseStatus::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// The status a conversation is in, judged from its posts: nobody has
    /// answered yet (new), the customer spoke last after an answer (open), or
    /// the organisation spoke last and waits for the customer (pending).
    pub fn from_conversation(answered: bool, organisation_spoke_last: bool) -> Self {
        match (answered, organisation_spoke_last) {
            (false, _) => CaseStatus::New,
            (true, true) => CaseStatus::Pending,
            (true, false) => CaseStatus::Open,
        }
    }
}

/// What happened to a case. Stored as text; `detail` carries the specifics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum EventKind {
    Created,
    PostAdded,
    Assigned,
    Moved,
    StatusChanged,
    Note,
    ReplyRecorded,
    /// A reply was written and waits in the outbox.
    ReplyQueued,
    /// The network accepted the reply; the event links to it.
    ReplySent,
    /// Sending failed; the event says why (it may be retried).
    ReplyFailed,
    /// A tag was put on the case (by a person or a listening query).
    Tagged,
    /// The case's author was linked to (or unlinked from) a customer record.
    CustomerLinked,
    /// A person handed the case to another department; the body says why.
    HandedOff,
    /// A reply waits for its approving department before it may be sent.
    ApprovalRequested,
    /// An approver let a waiting reply go out (perhaps edited: the body is the text sent).
    ReplyApproved,
    /// An approver sent a waiting reply back to its author; the body says why.
    ReplyRejected,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::PostAdded => "post_added",
            EventKind::Assigned => "assigned",
            EventKind::Moved => "moved",
            EventKind::StatusChanged => "status_changed",
            EventKind::Note => "note",
            EventKind::ReplyRecorded => "reply_recorded",
            EventKind::ReplyQueued => "reply_queued",
            EventKind::ReplySent => "reply_sent",
            EventKind::ReplyFailed => "reply_failed",
            EventKind::Tagged => "tagged",
            EventKind::CustomerLinked => "customer_linked",
            EventKind::HandedOff => "handed_off",
            EventKind::ApprovalRequested => "approval_requested",
            EventKind::ReplyApproved => "reply_approved",
            EventKind::ReplyRejected => "reply_rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        use EventKind::*;
        [Created, PostAdded, Assigned, Moved, StatusChanged, Note, ReplyRecorded, ReplyQueued, ReplySent, ReplyFailed, Tagged, CustomerLinked, HandedOff,
         ApprovalRequested, ReplyApproved, ReplyRejected]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One row of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CaseSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub channel: String,
    pub status: CaseStatus,
    #[ts(type = "number | null")]
    pub department_id: Option<i64>,
    pub department: Option<String>,
    #[ts(type = "number | null")]
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub priority: f64,
    /// Milliseconds since the epoch.
    #[ts(type = "number | null")]
    pub sla_due_at: Option<i64>,
    #[ts(type = "number")]
    pub version: i64,
    /// The customer (first inbound author) of the conversation.
    pub author: String,
    pub author_name: Option<String>,
    /// The organisation account addressed.
    pub account: Option<String>,
    /// Opening text of the conversation.
    pub subject: String,
    #[ts(type = "number")]
    pub opened_at: i64,
    #[ts(type = "number")]
    pub last_post_at: i64,
    #[ts(type = "number | null")]
    pub first_response_at: Option<i64>,
    #[ts(type = "number")]
    pub post_count: i64,
}

/// One entry of a case's timeline (the audit trail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CaseEvent {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub case_id: i64,
    #[ts(type = "number")]
    pub at: i64,
    /// Member handle, or `import` / `system`.
    pub actor: String,
    pub kind: EventKind,
    /// Human-readable description, e.g. "assigned to Ana Ruiz".
    pub summary: String,
    /// For notes: the note's text.
    pub body: Option<String>,
}
