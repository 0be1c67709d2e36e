//! [`CaseFacts`]: everything rules, SLA clocks, priority and the playbook may
//! look at for one case, filled by the engine from the store. A fact that is
//! not known (no prediction yet, author not linked to a customer) is `None`,
//! and a condition on it does not hold.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseFacts {
    pub case_id: i64,
    /// The newest customer post's text (what `text` conditions search).
    pub text: String,
    /// The customer's handle on the channel.
    pub handle: String,
    pub author_name: Option<String>,
    /// The linked customer's name.
    pub customer_name: Option<String>,
    pub channel: String,
    /// The organisation account addressed.
    pub account: Option<String>,
    pub language: Option<String>,
    /// `negative`, `neutral` or `positive`.
    pub sentiment: Option<String>,
    /// The sentiment model's confidence (0–1).
    pub sentiment_score: Option<f64>,
    pub topic: Option<String>,
    pub topic_confidence: Option<f64>,
    pub intent: Option<String>,
    pub followers: Option<i64>,
    /// The author's influence, 0–1.
    pub influence: Option<f64>,
    /// `A`, `B`, `C`...
    pub value_tier: Option<String>,
    pub lifetime_value: Option<f64>,
    /// The department's slug.
    pub department: Option<String>,
    /// The assignee's handle.
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    /// Names of the listening queries the post matched.
    pub queries: Vec<String>,
    /// `new`, `open`, `pending` or `resolved`.
    pub status: String,
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub last_customer_post_at: Option<i64>,
    /// The organisation's latest reply.
    pub last_reply_at: Option<i64>,
    /// The SLA policy a rule applied to the case, if any.
    pub sla_policy: Option<String>,
    /// The alert an `alert_raised` rule runs for: `volume_spike` or `negative_spike`.
    pub alert_kind: Option<String>,
    /// What spiked: `all`, `topic:...`, `account:...`, `channel:...`.
    pub alert_scope: Option<String>,
    /// `low`, `medium` or `high`.
    pub alert_severity: Option<String>,
}

impl CaseFacts {
    pub fn is_resolved(&self) -> bool {
        self.status == "resolved"
    }
    /// Minutes the customer has waited since their newest post (0 when answered after it).
    pub fn waiting_minutes(&self, now: i64) -> Option<i64> {
        let last = self.last_customer_post_at?;
        if self.last_reply_at.is_some_and(|r| r >= last) {
            return Some(0);
        }
        Some(((now - last) / 60_000).max(0))
    }
}
