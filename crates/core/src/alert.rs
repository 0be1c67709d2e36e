//! Early-warning alerts as every front end sees them: what spiked (volume or
//! negative posts), where (the whole stream, a topic, a channel or an
//! organisation account), since when, by how much against the baseline, how
//! severe, its status in the team's hands, and example posts. Detection lives
//! in `switchboard-monitor`; the store keeps these rows.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What spiked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum AlertKind {
    /// Inbound posts per hour.
    VolumeSpike,
    /// Negative inbound posts per hour (the team's label, else the model's sentiment).
    NegativeSpike,
}

impl AlertKind {
    pub const ALL: [AlertKind; 2] = [AlertKind::VolumeSpike, AlertKind::NegativeSpike];
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::VolumeSpike => "volume_spike",
            AlertKind::NegativeSpike => "negative_spike",
        }
    }
    pub fn parse(s: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How bad: from the ratio to the baseline and the distance above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::Low, Severity::Medium, Severity::High].into_iter().find(|v| v.as_str() == s)
    }
}

/// Where an alert stands with the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<AlertStatus> {
        [AlertStatus::Open, AlertStatus::Acknowledged, AlertStatus::Resolved].into_iter().find(|v| v.as_str() == s)
    }
}

/// A post behind an alert (shown as text, never as HTML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AlertExample {
    #[ts(type = "number")]
    pub post_id: i64,
    #[ts(type = "number")]
    pub case_id: i64,
    pub author: String,
    pub text: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// One incident: a burst over one or more hours is one alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Alert {
    /// 0 for an alert not stored (a dry run).
    #[ts(type = "number")]
    pub id: i64,
    pub kind: AlertKind,
    /// `all`, `topic:<topic>`, `channel:<channel>` or `account:<account>`.
    pub scope: String,
    /// The start of the first hour that spiked (ms since the epoch, UTC).
    #[ts(type = "number")]
    pub started_at: i64,
    /// The end of the last hour above the baseline, once the incident is over.
    #[ts(type = "number | null")]
    pub ended_at: Option<i64>,
    /// When the alert was raised (for a replay: when its first hour closed).
    #[ts(type = "number")]
    pub detected_at: i64,
    pub severity: Severity,
    /// Posts (or negative posts) in the peak hour.
    pub observed: f64,
    /// The baseline for that hour.
    pub expected: f64,
    /// observed / expected.
    pub ratio: f64,
    /// Robust standard deviations above the baseline in the peak hour.
    pub z: f64,
    /// The start of the peak hour.
    #[ts(type = "number")]
    pub peak_at: i64,
    /// Hours the incident was above the baseline so far.
    #[ts(type = "number")]
    pub hours: i64,
    pub status: AlertStatus,
    /// The note left when resolving.
    pub note: Option<String>,
    pub examples: Vec<AlertExample>,
}

/// Who acknowledged or resolved an alert, and when (its log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AlertEvent {
    #[ts(type = "number")]
    pub alert_id: i64,
    #[ts(type = "number")]
    pub at: i64,
    pub actor: String,
    /// The status the alert moved to.
    pub status: AlertStatus,
    pub note: Option<String>,
}
