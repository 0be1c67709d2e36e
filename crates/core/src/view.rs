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
    /// Only the triage queue (`true`): cases with a customer post whose topic
    /// the model could not tell with confidence and nobody has set since.
    pub needs_triage: bool,
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
    /// `negative`, `neutral` or `positive`: the team's label if there is
    /// one, else the model's prediction (customer posts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sentiment: Option<String>,
    /// The sentiment score (-1..1) of the prediction; absent for a label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sentiment_score: Option<f64>,
    /// The topic (`lost luggage`...), label first; absent when the model
    /// found none (the post needs triage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub topic: Option<String>,
    /// The topic prediction's confidence (0–1); absent for a label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub topic_confidence: Option<f64>,
    /// The detected language (`en`, `fr`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub language: Option<String>,
    /// The fields (`sentiment`, `topic`) whose value is the team's label
    /// rather than a prediction.
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub labelled: Vec<String>,
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
    /// The influence score with its explanation (see `influence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub influence: Option<crate::influence::Influence>,
    /// Why this person deserves a second look (influence, value), if they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stands_out: Option<Vec<crate::influence::StandOut>>,
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
    /// The key in the organisation's own records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub customer_ref: Option<String>,
    /// `channel:handle` for each handle the customer is known by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub handles: Option<Vec<String>>,
    /// The case author's influence, shown next to the customer's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub influence: Option<crate::influence::Influence>,
    /// Why this customer deserves a second look (influence, value), if they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stands_out: Option<Vec<crate::influence::StandOut>>,
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
    /// Why the case has its priority, largest weight first: "negative",
    /// "tier A customer", "48k followers", "40 min left on SLA". Empty
    /// until the rules have triaged the case.
    #[serde(default)]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub priority_reasons: Vec<String>,
    /// The playbook's response for this case, rendered for its customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub suggestion: Option<SuggestionView>,
}

/// A response template the playbook suggests for a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SuggestionView {
    /// The template's slug, e.g. `outage-update`.
    pub template: String,
    /// The template's name for people.
    pub name: String,
    /// The text with the case's variables filled in (plain text).
    pub text: String,
    /// The department that owns the template.
    pub department: Option<String>,
    /// Whether a reply from it goes through approval before it is sent.
    pub approval_required: bool,
    /// The department that approves it (`legal`, `pr`...).
    pub approver: Option<String>,
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
