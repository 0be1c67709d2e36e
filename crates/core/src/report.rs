//! What the team reports and the executive board receive: the report query,
//! the report with its slices (per organisation account, channel,
//! department, topic, member), the board's aggregates, and the percentile
//! rule both use. The definitions of the metrics are in the README
//! ("Reports"); the engine computes them (`switchboard_engine::reports`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which cases a report covers. A case is in the report when its first
/// customer post falls in `[from, to)` (milliseconds since the epoch) and it
/// matches every filter given. Absent fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ReportQuery {
    #[ts(type = "number | null")]
    pub from: Option<i64>,
    #[ts(type = "number | null")]
    pub to: Option<i64>,
    pub channel: Option<String>,
    #[ts(type = "number | null")]
    pub department_id: Option<i64>,
    pub topic: Option<String>,
    /// The organisation account (its handle) that answered or was addressed.
    pub account: Option<String>,
}

/// Met and missed first-response targets; `pct` is met / (met + missed) × 100.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SlaCompliance {
    #[ts(type = "number")]
    pub met: i64,
    #[ts(type = "number")]
    pub missed: i64,
    pub pct: Option<f64>,
}

/// Customer posts by sentiment (the team's label first, else the model's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SentimentMix {
    #[ts(type = "number")]
    pub negative: i64,
    #[ts(type = "number")]
    pub neutral: i64,
    #[ts(type = "number")]
    pub positive: i64,
    #[ts(type = "number")]
    pub unknown: i64,
}

impl SentimentMix {
    pub fn add(&mut self, sentiment: Option<&str>) {
        self.add_n(sentiment, 1);
    }
    /// Counts `n` posts of one sentiment (anything else is unknown).
    pub fn add_n(&mut self, sentiment: Option<&str>, n: i64) {
        match sentiment {
            Some("negative") => self.negative += n,
            Some("neutral") => self.neutral += n,
            Some("positive") => self.positive += n,
            _ => self.unknown += n,
        }
    }
    pub fn total(&self) -> i64 {
        self.negative + self.neutral + self.positive + self.unknown
    }
}

/// The figures of one slice of the report (one account, channel, department...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Slice {
    /// What the slice is keyed on: an account handle, a channel, a department
    /// id, a topic, a member handle (`""` for "none").
    pub key: String,
    /// For people: the department's or member's name, else the key.
    pub label: String,
    #[ts(type = "number")]
    pub cases: i64,
    #[ts(type = "number")]
    pub answered: i64,
    pub median_frt_s: Option<f64>,
    pub p90_frt_s: Option<f64>,
    #[ts(type = "number")]
    pub sla_met: i64,
    #[ts(type = "number")]
    pub sla_missed: i64,
    /// Cases whose first customer post is negative.
    #[ts(type = "number")]
    pub negative: i64,
    #[ts(type = "number")]
    pub backlog: i64,
}

/// One bucket of a trend: customer posts, negative ones, cases first answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TrendPoint {
    /// The bucket's start (ms since the epoch).
    #[ts(type = "number")]
    pub start: i64,
    #[ts(type = "number")]
    pub posts_in: i64,
    #[ts(type = "number")]
    pub negative: i64,
    #[ts(type = "number")]
    pub answered: i64,
}

/// An author who wrote in, ranked by influence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AuthorRank {
    pub handle: String,
    pub channel: String,
    #[ts(type = "number | null")]
    pub followers: Option<i64>,
    pub influence: u8,
    #[ts(type = "number")]
    pub cases: i64,
}

/// The team report over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Report {
    /// The period covered, `[from, to)` in ms (the query's, or the data's extent).
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    #[ts(type = "number")]
    pub generated_at: i64,
    /// The length of a trend bucket in ms (an hour, a day or a week).
    #[ts(type = "number")]
    pub bucket_ms: i64,
    #[ts(type = "number")]
    pub cases: i64,
    #[ts(type = "number")]
    pub answered: i64,
    #[ts(type = "number")]
    pub unanswered: i64,
    #[ts(type = "number")]
    pub backlog: i64,
    #[ts(type = "number")]
    pub posts_in: i64,
    #[ts(type = "number")]
    pub posts_out: i64,
    pub median_frt_s: Option<f64>,
    pub p90_frt_s: Option<f64>,
    pub median_nrt_s: Option<f64>,
    pub p90_nrt_s: Option<f64>,
    pub median_resolution_s: Option<f64>,
    pub p90_resolution_s: Option<f64>,
    #[ts(type = "number")]
    pub resolved: i64,
    pub sla: SlaCompliance,
    pub sentiment: SentimentMix,
    /// Share (0–1) of the cases that went through more than one department.
    pub handed_over_share: Option<f64>,
    /// Keyed by organisation account handle; cases nobody answered and that
    /// name no account are in no organisation.
    pub orgs: BTreeMap<String, Slice>,
    pub channels: Vec<Slice>,
    pub departments: Vec<Slice>,
    pub topics: Vec<Slice>,
    pub members: Vec<Slice>,
    pub trend: Vec<TrendPoint>,
    pub influential: Vec<AuthorRank>,
}

/// A topic on the board: customer posts in the window and how negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TopicCount {
    pub topic: String,
    #[ts(type = "number")]
    pub count: i64,
    pub negative_share: f64,
}

/// A department's load right now (`department` is its name, or "Unrouted").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DepartmentLoad {
    pub department: String,
    #[ts(type = "number")]
    pub open: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    #[ts(type = "number")]
    pub unassigned: i64,
}

/// The executive board: aggregates only. `influential` (handles) is `None`
/// for a viewer whose role may not see personal details (executives).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct BoardView {
    #[ts(type = "number")]
    pub generated_at: i64,
    #[ts(type = "number")]
    pub window_from: i64,
    #[ts(type = "number")]
    pub window_to: i64,
    #[ts(type = "number")]
    pub bucket_ms: i64,
    pub volume: Vec<TrendPoint>,
    pub sentiment: SentimentMix,
    pub sla_pct: Option<f64>,
    #[ts(type = "number")]
    pub open_cases: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    pub top_topics: Vec<TopicCount>,
    pub departments: Vec<DepartmentLoad>,
    pub influential: Option<Vec<AuthorRank>>,
}

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The trend bucket for a period: hours up to a week, days up to half a
/// year, weeks beyond.
pub fn bucket_for_span(span_ms: i64) -> i64 {
    if span_ms <= 7 * DAY_MS {
        HOUR_MS
    } else if span_ms <= 183 * DAY_MS {
        DAY_MS
    } else {
        7 * DAY_MS
    }
}

/// The nearest-rank percentile (`p` in 0–100) of sorted values: the value
/// at rank ⌈p/100 × n⌉ (1-based, at least 1). The median is p = 50, which
/// for an even count is the lower of the two middle values. `None` when empty.
pub fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(nearest_rank(&v, 50.0), Some(2.0), "the lower middle for an even count");
        assert_eq!(nearest_rank(&v, 90.0), Some(4.0));
        assert_eq!(nearest_rank(&[7.0], 90.0), Some(7.0));
        assert_eq!(nearest_rank(&[], 50.0), None);
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&ten, 90.0), Some(9.0), "rank ceil(0.9 × 10) = 9");
    }

    #[test]
    fn buckets_follow_the_span() {
        assert_eq!(bucket_for_span(2 * DAY_MS), HOUR_MS);
        assert_eq!(bucket_for_span(30 * DAY_MS), DAY_MS);
        assert_eq!(bucket_for_span(400 * DAY_MS), 7 * DAY_MS);
    }
}
