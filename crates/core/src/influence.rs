//! Influence: how far an author's voice carries, as a published, explained
//! score from 0 to 100, and why a person "stands out" (influence or value).
//!
//! The formula (also in docs/influence.md) adds three parts, each capped:
//!
//! - **Followers**, up to 80 points on a log scale: `80 × log10(1 + followers) / 7`,
//!   so 10 followers give 12, 1,000 give 34, 48,000 give 53.5, 1 million 69,
//!   10 million (or more) 80. Unknown followers give 0.
//! - **Engagement**, up to 15 points, from what the author did in this
//!   workspace: activity `5 × min(1, log10(1 + posts) / 2)` (100 posts → 5),
//!   conversation `5 × share of their posts that got a reply`, and
//!   amplification `5 × min(1, log10(1 + reposts per post) / 2)` (99 → 5),
//!   each part counted only when known.
//! - **Reach**, up to 5 points: `5 × min(1, log10(1 + reach) / 8)` where reach
//!   is the audience beyond followers when a network reports it (impressions).
//!
//! The score is the sum, rounded and clamped to 0–100. Every part is listed
//! with its points, so the card can say "48k followers → 53.5; 12 posts, 50%
//! answered → +5". [`stands_out`] names the reasons a person deserves a second
//! look: influence of at least [`INFLUENTIAL`], or value tier A, or a lifetime
//! value of at least [`VALUABLE`]. A customer who spends little with 5 million
//! followers and one who spends millions with 75 followers both stand out,
//! for different reasons.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Influence from which a person stands out (≈ 24,000 followers alone).
pub const INFLUENTIAL: u8 = 50;
/// Lifetime value from which a customer stands out.
pub const VALUABLE: f64 = 10_000.0;

const FOLLOWER_POINTS: f64 = 80.0;
const FOLLOWER_DECADES: f64 = 7.0;
const PART_POINTS: f64 = 5.0;
const REACH_DECADES: f64 = 8.0;

/// What the author did in the workspace; `None` where it is not known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Engagement {
    /// Posts the author wrote in the workspace.
    pub posts: i64,
    /// Share (0–1) of those posts that received a reply.
    pub answered_share: Option<f64>,
    /// Average reposts (retweets, boosts) per post, when the network says.
    pub reposts_per_post: Option<f64>,
}

/// The facts the score is computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InfluenceInput {
    pub followers: Option<i64>,
    pub engagement: Option<Engagement>,
    /// Audience beyond followers (impressions), when known.
    pub reach: Option<i64>,
}

/// One part of the score and what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct InfluencePart {
    /// `followers`, `engagement` or `reach`.
    pub name: String,
    /// For people: "48k followers", "12 posts, 50% answered".
    pub detail: String,
    pub points: f64,
}

/// The score (0–100) with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Influence {
    pub score: u8,
    pub parts: Vec<InfluencePart>,
    /// The parts in one line: "48k followers → 53.5; 12 posts, 50% answered → +5".
    pub explanation: String,
}

/// Why someone deserves a second look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct StandOut {
    /// `influence` or `value`.
    pub reason: String,
    /// For people: "influence 77 (5M followers)", "value tier A", "lifetime value 2,500,000".
    pub label: String,
}

fn log_part(x: f64, decades: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 0.0;
    }
    ((1.0 + x).log10() / decades).min(1.0)
}

/// The score and its explanation; never panics, whatever the input.
pub fn influence(input: &InfluenceInput) -> Influence {
    let mut parts = Vec::new();
    let followers = input.followers.unwrap_or(0).max(0);
    parts.push(InfluencePart {
        name: "followers".into(),
        detail: match input.followers {
            Some(_) => format!("{} followers", compact(followers)),
            None => "followers unknown".into(),
        },
        points: round1(FOLLOWER_POINTS * log_part(followers as f64, FOLLOWER_DECADES)),
    });
    if let Some(e) = &input.engagement {
        let posts = e.posts.max(0);
        let mut points = PART_POINTS * log_part(posts as f64, 2.0);
        let mut detail = format!("{posts} {}", if posts == 1 { "post" } else { "posts" });
        if let Some(share) = e.answered_share.filter(|s| s.is_finite()) {
            let share = share.clamp(0.0, 1.0);
            points += PART_POINTS * share;
            detail.push_str(&format!(", {:.0}% answered", share * 100.0));
        }
        if let Some(r) = e.reposts_per_post.filter(|r| r.is_finite()) {
            let r = r.max(0.0);
            points += PART_POINTS * log_part(r, 2.0);
            detail.push_str(&format!(", {r:.1} reposts per post"));
        }
        parts.push(InfluencePart { name: "engagement".into(), detail, points: round1(points) });
    }
    if let Some(reach) = input.reach {
        let reach = reach.max(0);
        parts.push(InfluencePart {
            name: "reach".into(),
            detail: format!("reach {}", compact(reach)),
            points: round1(PART_POINTS * log_part(reach as f64, REACH_DECADES)),
        });
    }
    let total: f64 = parts.iter().map(|p| p.points).sum();
    let score = total.round().clamp(0.0, 100.0) as u8;
    let explanation = parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i == 0 { format!("{} → {}", p.detail, p.points) } else { format!("{} → +{}", p.detail, p.points) })
        .collect::<Vec<_>>()
        .join("; ");
    Influence { score, parts, explanation }
}

/// The reasons (possibly none, possibly both) a person stands out.
pub fn stands_out(influence: Option<&Influence>, followers: Option<i64>, value_tier: Option<&str>, lifetime_value: Option<f64>) -> Vec<StandOut> {
    let mut out = Vec::new();
    if let Some(i) = influence.filter(|i| i.score >= INFLUENTIAL) {
        let label = match followers {
            Some(f) => format!("influence {} ({} followers)", i.score, compact(f.max(0))),
            None => format!("influence {}", i.score),
        };
        out.push(StandOut { reason: "influence".into(), label });
    }
    let tier_a = value_tier.is_some_and(|t| t.trim().eq_ignore_ascii_case("a"));
    let valuable = lifetime_value.is_some_and(|v| v.is_finite() && v >= VALUABLE);
    if tier_a || valuable {
        let mut label = Vec::new();
        if tier_a {
            label.push("value tier A".to_string());
        }
        if let Some(v) = lifetime_value.filter(|_| valuable) {
            label.push(format!("lifetime value {}", thousands(v)));
        }
        out.push(StandOut { reason: "value".into(), label: label.join(", ") });
    }
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// 950, 48k, 1.2M.
fn compact(n: i64) -> String {
    match n {
        n if n >= 1_000_000 => trim_zero(format!("{:.1}", n as f64 / 1e6)) + "M",
        n if n >= 10_000 => format!("{}k", n / 1000),
        n if n >= 1_000 => trim_zero(format!("{:.1}", n as f64 / 1e3)) + "k",
        n => n.to_string(),
    }
}

fn trim_zero(s: String) -> String {
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// 2500000 → "2,500,000".
fn thousands(v: f64) -> String {
    let digits = (v.round() as i64).to_string();
    let (sign, digits) = digits.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", digits.as_str()));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_followers(f: i64) -> Influence {
        influence(&InfluenceInput { followers: Some(f), ..Default::default() })
    }

    #[test]
    fn followers_count_on_a_log_scale() {
        let scores: Vec<u8> = [0, 10, 1_000, 48_000, 1_000_000, 10_000_000, 5_000_000_000].iter().map(|&f| with_followers(f).score).collect();
        assert_eq!(scores, vec![0, 12, 34, 54, 69, 80, 80], "each tenfold adds about 11 points, capped at 80");
        assert_eq!(with_followers(48_000).explanation, "48k followers → 53.5");
    }

    #[test]
    fn engagement_and_reach_add_and_are_explained() {
        let i = influence(&InfluenceInput {
            followers: Some(48_000),
            engagement: Some(Engagement { posts: 12, answered_share: Some(0.5), reposts_per_post: None }),
            reach: None,
        });
        assert_eq!(i.parts.len(), 2);
        assert_eq!(i.parts[1].points, 5.3, "12 posts → 2.8, half answered → 2.5");
        assert_eq!(i.score, 59);
        assert_eq!(i.explanation, "48k followers → 53.5; 12 posts, 50% answered → +5.3");
        let max = influence(&InfluenceInput {
            followers: Some(i64::MAX),
            engagement: Some(Engagement { posts: i64::MAX, answered_share: Some(7.0), reposts_per_post: Some(f64::INFINITY) }),
            reach: Some(i64::MAX),
        });
        assert!(max.score <= 100, "never beyond 100: {}", max.score);
    }

    #[test]
    fn hostile_numbers_never_panic() {
        let i = influence(&InfluenceInput {
            followers: Some(-5),
            engagement: Some(Engagement { posts: -3, answered_share: Some(f64::NAN), reposts_per_post: Some(-1.0) }),
            reach: Some(i64::MIN),
        });
        assert_eq!(i.score, 0);
        assert_eq!(influence(&InfluenceInput::default()).explanation, "followers unknown → 0");
    }

    #[test]
    fn the_famous_small_spender_and_the_quiet_big_spender_both_stand_out() {
        let famous = with_followers(5_000_000);
        let reasons = stands_out(Some(&famous), Some(5_000_000), Some("C"), Some(120.0));
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert_eq!(reasons[0].reason, "influence");
        assert_eq!(reasons[0].label, "influence 77 (5M followers)");

        let quiet = with_followers(75);
        assert!(quiet.score < INFLUENTIAL, "75 followers is not influence: {}", quiet.score);
        let reasons = stands_out(Some(&quiet), Some(75), Some("A"), Some(2_500_000.0));
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert_eq!(reasons[0].reason, "value");
        assert_eq!(reasons[0].label, "value tier A, lifetime value 2,500,000");

        assert!(stands_out(Some(&quiet), Some(75), Some("C"), Some(50.0)).is_empty(), "an ordinary customer does not");
        let both = stands_out(Some(&famous), Some(5_000_000), Some("b"), Some(VALUABLE));
        assert_eq!(both.iter().map(|s| s.reason.as_str()).collect::<Vec<_>>(), vec!["influence", "value"]);
    }
}
