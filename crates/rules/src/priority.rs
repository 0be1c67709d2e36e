//! The priority score of a case and why.
//!
//! The score is 0–100 (higher is more urgent), the sum of:
//!
//! - **status**: new 40, open 35, pending 10 (a resolved case scores 0 and
//!   has no reasons);
//! - **sentiment**: `negative` +15, `positive` −5, times the model's
//!   confidence when it is given (a 0.6-sure "negative" adds 9);
//! - **topic**: the topic's weight from `[priority.topics]` (default
//!   weights for outage, legal, billing...; other topics 0);
//! - **influence**: up to +10: `10 × influence` when an influence score
//!   (0–1, the published score of `switchboard_core::influence` over 100) is
//!   known, said "influence 54 (48k followers)"; else `10 × log10(followers + 1) / 6`
//!   (a million followers give 10, 48k give 7.8), said "48k followers";
//! - **customer value**: tier A +12, B +6, C +2 (`[priority.tiers]`); without
//!   a tier, a lifetime value of 10,000 or more counts as B;
//! - **SLA**: up to +20 as the clock runs down: `20 × (1 − left / target)`,
//!   and +20 once breached;
//! - **rules**: every `priority = "+N"` a rule applied; a `"=N"` sets the
//!   final score instead.
//!
//! The total is clamped to 0–100 and rounded to one decimal. Each part that
//! adds or takes at least 1 point gives a [`Reason`], and the SLA always does
//! while a clock runs; reasons are sorted by weight, largest first:
//! "negative · lost luggage · tier A customer · 48k followers · 40 min left on SLA".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::PriorityChange;
use crate::facts::CaseFacts;
use crate::sla::SlaClock;
use crate::text::{fold, short_count, short_minutes};

/// The weights of the score, from the rules file's `[priority]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub negative: f64,
    pub positive: f64,
    /// Topic → points.
    pub topics: BTreeMap<String, f64>,
    /// Value tier → points.
    pub tiers: BTreeMap<String, f64>,
    /// The most influence adds.
    pub influence: f64,
    /// The most a running SLA adds (and what a breach adds).
    pub sla: f64,
}

impl Default for Weights {
    fn default() -> Self {
        let topics = [
            ("outage", 12.0),
            ("legal", 15.0),
            ("data protection", 15.0),
            ("lost luggage", 10.0),
            ("billing", 8.0),
            ("cancellation", 8.0),
            ("complaint", 6.0),
            ("praise", -5.0),
        ];
        Weights {
            negative: 15.0,
            positive: -5.0,
            topics: topics.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            tiers: [("A", 12.0), ("B", 6.0), ("C", 2.0)].into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            influence: 10.0,
            sla: 20.0,
        }
    }
}

/// One part of the score, said shortly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub label: String,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub score: f64,
    /// Largest weight first.
    pub reasons: Vec<Reason>,
}

impl Scored {
    pub fn labels(&self) -> Vec<String> {
        self.reasons.iter().map(|r| r.label.clone()).collect()
    }
}

/// The score of a case at `now` (see the module comment for the formula).
pub fn score(facts: &CaseFacts, weights: &Weights, sla: Option<&SlaClock>, rules: &[(String, PriorityChange)]) -> Scored {
    let base = match facts.status.as_str() {
        "resolved" => return Scored { score: 0.0, reasons: Vec::new() },
        "pending" => 10.0,
        "open" => 35.0,
        _ => 40.0,
    };
    let mut parts: Vec<(String, f64, bool)> = Vec::new(); // (label, points, always shown)
    let confidence = facts.sentiment_score.filter(|s| s.is_finite()).map(|s| s.clamp(0.0, 1.0)).unwrap_or(1.0);
    match facts.sentiment.as_deref().map(fold).as_deref() {
        Some("negative") => parts.push(("negative".into(), weights.negative * confidence, false)),
        Some("positive") => parts.push(("positive".into(), weights.positive * confidence, false)),
        _ => {}
    }
    if let Some(topic) = facts.topic.as_deref() {
        let folded = fold(topic);
        let w = weights.topics.iter().find(|(k, _)| fold(k) == folded).map(|(_, v)| *v).unwrap_or(0.0);
        parts.push((topic.trim().to_string(), w, false));
    }
    let reach = match (facts.influence.filter(|i| i.is_finite()), facts.followers) {
        (Some(i), _) => Some((weights.influence * i.clamp(0.0, 1.0), facts.followers)),
        (None, Some(f)) => Some((weights.influence * ((f.max(0) as f64) + 1.0).log10().min(6.0) / 6.0, Some(f))),
        (None, None) => None,
    };
    if let Some((points, followers)) = reach {
        let influence = facts.influence.filter(|i| i.is_finite()).map(|i| (i.clamp(0.0, 1.0) * 100.0).round());
        let label = match (influence, followers) {
            (Some(i), Some(f)) => format!("influence {i} ({} followers)", short_count(f)),
            (Some(i), None) => format!("influence {i}"),
            (None, Some(f)) => format!("{} followers", short_count(f)),
            (None, None) => "influential author".into(),
        };
        parts.push((label, points, false));
    }
    let tier = facts.value_tier.as_deref().map(|t| t.trim().to_uppercase()).filter(|t| !t.is_empty());
    match tier {
        Some(t) => {
            let w = weights.tiers.iter().find(|(k, _)| k.eq_ignore_ascii_case(&t)).map(|(_, v)| *v).unwrap_or(0.0);
            parts.push((format!("tier {t} customer"), w, false));
        }
        None if facts.lifetime_value.is_some_and(|v| v >= 10_000.0) => {
            let w = weights.tiers.get("B").copied().unwrap_or(0.0);
            parts.push(("high-value customer".into(), w, false));
        }
        None => {}
    }
    if let Some(clock) = sla {
        let (label, points) = if clock.breached {
            (format!("SLA breached {} ago", short_minutes(-clock.left_minutes)), weights.sla)
        } else {
            let used = 1.0 - clock.left_minutes as f64 / clock.target_minutes.max(1) as f64;
            (format!("{} left on SLA", short_minutes(clock.left_minutes)), weights.sla * used.clamp(0.0, 1.0))
        };
        parts.push((label, points, true));
    }
    let mut set = None;
    for (rule, change) in rules {
        match change {
            PriorityChange::Add(n) => parts.push((format!("rule {rule} {n:+}"), *n, false)),
            PriorityChange::Set(n) => set = Some((rule.clone(), *n)),
        }
    }
    let mut total = base + parts.iter().map(|p| p.1).sum::<f64>();
    if let Some((rule, n)) = &set {
        total = *n;
        parts.push((format!("rule {rule} set {n}"), 100.0, true));
    }
    let score = (total.clamp(0.0, 100.0) * 10.0).round() / 10.0;
    let mut reasons: Vec<Reason> = parts
        .into_iter()
        .filter(|(_, p, always)| *always || p.abs() >= 1.0)
        .map(|(label, points, _)| Reason { label, points: (points * 10.0).round() / 10.0 })
        .collect();
    reasons.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
    Scored { score: if score.is_finite() { score } else { 0.0 }, reasons }
}
