//! What the desk's screens receive: the inbox page, the case view with its
//! thread, author, customer and timeline, and the inbox query.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::case::{CaseEvent, CaseSummary};
use crate::post::Direction;

/// Filters and window of the inbox. Absent fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct InboxQuery {
    pub status: Option<crate::case::CaseStatus>,
    #[ts(type = "number | null")]
    pub department_id: Option<i64>,
    /// Filter on cases with no department (`true`) — ignored when false.
    pub unrouted: bool,
    pub channel: Option<String>,
    #[ts(type = "number | null")]
    pub assignee_id: Option<i64>,
    /// Case-insensitive text search in the conversation and author.
    pub search: Option<String>,
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct InboxPage {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub offset: i64,
    pub items: Vec<CaseSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PostView {
    #[ts(type = "number")]
    pub id: i64,
    pub channel: String,
    pub external_id: String,
    pub direction: Direction,
    pub author: String,
    pub author_name: Option<String>,
    pub text: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub reply_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AuthorView {
    #[ts(type = "number")]
    pub id: i64,
    pub channel: String,
    pub handle: String,
    pub display_name: Option<String>,
    #[ts(type = "number | null")]
    pub followers: Option<i64>,
    #[ts(type = "number")]
    pub post_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CustomerCard {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub emails: Vec<String>,
    pub value_tier: Option<String>,
    pub lifetime_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CaseDetail {
    pub case: CaseSummary,
    pub posts: Vec<PostView>,
    pub author: Option<AuthorView>,
    pub customer: Option<CustomerCard>,
    /// Oldest first.
    pub events: Vec<CaseEvent>,
}

/// What the app needs at start: whether the workspace is empty (offer the
/// demo), who this desk is, and what to fill the filters with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct WorkspaceInfo {
    pub empty: bool,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Where the data lives, without any password.
    pub location: String,
    pub me: Option<crate::desk::Member>,
    pub departments: Vec<crate::desk::Department>,
    pub members: Vec<crate::desk::Member>,
    pub channels: Vec<String>,
    #[ts(type = "number")]
    pub case_count: i64,
}
