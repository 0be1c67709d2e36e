//! The rules crate's behaviour, one area per module: conditions and actions
//! (table-driven), SLA clocks across weekends and holidays, priority
//! reasons, the playbook, and files with mistakes in them.

// Each condition and action, one row per case.
mod conditions;
// Business time, near breach, clocks.
mod sla;
// Scores and their reasons.
mod priority;
// Suggesting and rendering templates.
mod playbook;
// Mistakes in rule, playbook and SLA files, said with line and name.
mod malformed;
// Rules on the periodic tick: time passed, once per customer post.
mod elapsed;

use switchboard_rules::CaseFacts;

/// 2026-11-27 was a Friday; instants in UTC milliseconds.
pub fn at(date: &str, time: &str) -> i64 {
    let dt = chrono::NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").expect("a test instant");
    dt.and_utc().timestamp_millis()
}

/// A new, negative lost-luggage complaint from a tier A customer with 48k followers.
pub fn facts() -> CaseFacts {
    CaseFacts {
        case_id: 42,
        text: "@airline lost bag again, I want a refund".into(),
        handle: "harriet_cole".into(),
        author_name: Some("Harriet Cole".into()),
        customer_name: Some("Harriet Cole".into()),
        channel: "x".into(),
        account: Some("lumenhelp".into()),
        language: Some("en-GB".into()),
        sentiment: Some("negative".into()),
        sentiment_score: Some(1.0),
        topic: Some("lost_luggage".into()),
        topic_confidence: Some(0.9),
        intent: None,
        followers: Some(48_000),
        influence: None,
        value_tier: Some("A".into()),
        lifetime_value: Some(48_200.0),
        department: None,
        assignee: None,
        tags: vec!["vip".into()],
        queries: vec!["Lost bags".into()],
        status: "new".into(),
        opened_at: at("2026-11-27", "10:00"),
        first_response_at: None,
        last_customer_post_at: Some(at("2026-11-27", "10:00")),
        last_reply_at: None,
        sla_policy: None,
        alert_kind: None,
        alert_scope: None,
        alert_severity: None,
    }
}
