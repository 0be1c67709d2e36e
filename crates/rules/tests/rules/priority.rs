//! The score and its reasons, largest first.

use switchboard_rules::priority::score;
use switchboard_rules::{PriorityChange, SlaClock, Target, Weights};

use crate::facts;

fn clock(left: i64, target: i64) -> SlaClock {
    SlaClock {
        policy: "standard".into(),
        target: Target::FirstResponse,
        due_at: 0,
        target_minutes: target,
        left_minutes: left,
        near_breach: false,
        breached: left < 0,
        escalate_at: 0,
    }
}

#[test]
fn the_reasons_say_why_in_order_of_weight() {
    let s = score(&facts(), &Weights::default(), Some(&clock(40, 60)), &[]);
    assert_eq!(s.labels(), ["negative", "tier A customer", "lost_luggage", "48k followers", "40 min left on SLA"]);
    assert!(s.score > 80.0 && s.score <= 100.0, "{}", s.score);
}

#[test]
fn each_fact_moves_the_score_its_way() {
    let w = Weights::default();
    let base = score(&facts(), &w, None, &[]).score;
    let mut calm = facts();
    calm.sentiment = Some("positive".into());
    assert!(score(&calm, &w, None, &[]).score < base, "positive is calmer than negative");
    let mut small = facts();
    small.followers = Some(12);
    assert!(score(&small, &w, None, &[]).score < base, "reach adds");
    let mut nobody = facts();
    nobody.value_tier = None;
    nobody.lifetime_value = None;
    assert!(score(&nobody, &w, None, &[]).score < base, "value adds");
    let late = score(&facts(), &w, Some(&clock(-15, 60)), &[]);
    assert!(late.labels().contains(&"SLA breached 15 min ago".to_string()));
    let ruled = score(&small, &w, None, &[("VIP".into(), PriorityChange::Add(10.0))]);
    assert!(ruled.labels().contains(&"rule VIP +10".to_string()));
    let set = score(&facts(), &w, None, &[("Calm".into(), PriorityChange::Set(5.0))]);
    assert_eq!(set.score, 5.0);
    let mut done = facts();
    done.status = "resolved".into();
    let r = score(&done, &w, Some(&clock(5, 60)), &[]);
    assert_eq!((r.score, r.reasons.len()), (0.0, 0), "a resolved case is never urgent");
}

#[test]
fn a_known_influence_score_is_weighed_and_named() {
    let w = Weights::default();
    // (influence, followers, the reason, its points)
    let table = [
        (Some(0.77), Some(5_000_000), "influence 77 (5M followers)", 7.7),
        (Some(0.2), Some(75), "influence 20 (75 followers)", 2.0),
        (Some(0.5), None, "influence 50", 5.0),
        (None, Some(48_000), "48k followers", 7.8),
    ];
    for (influence, followers, label, points) in table {
        let mut f = facts();
        f.influence = influence;
        f.followers = followers;
        let s = score(&f, &w, None, &[]);
        let r = s.reasons.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("{label} in {:?}", s.labels()));
        assert_eq!(r.points, points, "{label}");
    }
}

#[test]
fn nothing_known_scores_on_status_alone_and_never_panics() {
    let empty = switchboard_rules::CaseFacts { status: "new".into(), ..Default::default() };
    let s = score(&empty, &Weights::default(), None, &[]);
    assert_eq!((s.score, s.reasons.len()), (40.0, 0));
    let mut weird = facts();
    weird.sentiment_score = Some(f64::NAN);
    weird.influence = Some(f64::INFINITY);
    weird.followers = Some(-5);
    assert!(score(&weird, &Weights::default(), None, &[("x".into(), PriorityChange::Add(1e300))]).score <= 100.0);
}
