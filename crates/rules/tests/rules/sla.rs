//! Business time across weekends and holidays, and clocks near breach.

use switchboard_rules::sla::due_at;
use switchboard_rules::{SlaConfig, Target};

use crate::{at, facts};

const FILE: &str = r#"
[[calendar]]
name = "office"
utc_offset = "+00:00"
hours = { mon = "09:00-17:30", tue = "09:00-17:30", wed = "09:00-17:30", thu = "09:00-17:30", fri = "09:00-17:30" }
holidays = ["2026-12-25", "2026-12-28"]

[[calendar]]
name = "new-york"
utc_offset = "-05:00"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }

[[policy]]
name = "standard"
calendar = "office"
first_response = "1h"
next_response = "2h"
resolution = "3d"
near_breach = "25%"
departments = ["contact-centre"]

[[policy]]
name = "us"
calendar = "new-york"
first_response = "1h"
resolution = "1d"
near_breach = "30m"
"#;

#[test]
fn business_time_skips_the_weekend_and_holidays() {
    let sla = SlaConfig::parse(FILE).unwrap();
    let office = sla.calendar("office").unwrap();
    // (start, business minutes, due) — 2026-11-27 is a Friday.
    let table = [
        (("2026-11-27", "17:00"), 60, ("2026-11-30", "09:30")),
        (("2026-11-27", "17:30"), 60, ("2026-11-30", "10:00")),
        (("2026-11-28", "12:00"), 60, ("2026-11-30", "10:00")),
        (("2026-11-27", "10:00"), 60, ("2026-11-27", "11:00")),
        (("2026-11-27", "07:00"), 30, ("2026-11-27", "09:30")),
        (("2026-11-27", "16:30"), 60, ("2026-11-27", "17:30")),
        // Christmas Friday and the Monday after are holidays.
        (("2026-12-24", "17:00"), 60, ("2026-12-29", "09:30")),
        // Three business days from Monday noon: 25.5 h of 8.5 h days.
        (("2026-11-30", "12:00"), 3 * 510, ("2026-12-03", "12:00")),
    ];
    for ((d, t), minutes, (dd, dt)) in table {
        assert_eq!(due_at(at(d, t), minutes, office), Some(at(dd, dt)), "{d} {t} + {minutes} min");
    }
    assert_eq!(office.business_ms_between(at("2026-11-27", "17:00"), at("2026-11-30", "09:30")), 60 * 60_000);
    assert!(!office.is_open(at("2026-11-28", "12:00")), "Saturday is closed");
    assert!(!office.is_open(at("2026-12-25", "12:00")), "Christmas is closed");
    assert!(office.is_open(at("2026-11-27", "17:29")));
    // A fixed offset: 16:30 in New York on Friday is 21:30 UTC; one hour runs to Monday 09:30 there.
    let ny = sla.calendar("new-york").unwrap();
    assert_eq!(due_at(at("2026-11-27", "21:30"), 60, ny), Some(at("2026-11-30", "14:30")));
}

#[test]
fn a_clock_runs_against_the_nearest_target_and_warns_before_it_is_missed() {
    let sla = SlaConfig::parse(FILE).unwrap();
    let mut f = facts();
    f.department = Some("contact-centre".into());
    f.opened_at = at("2026-11-27", "17:00");
    f.last_customer_post_at = Some(f.opened_at);
    // Saturday: 60 business minutes left of 60, due Monday 09:30.
    let clock = sla.clock(&f, at("2026-11-28", "12:00")).unwrap();
    assert_eq!((clock.policy.as_str(), clock.target), ("standard", Target::FirstResponse));
    assert_eq!(clock.due_at, at("2026-11-30", "09:30"));
    assert_eq!(clock.left_minutes, 30, "30 minutes of Friday were used");
    assert!(!clock.near_breach, "half the target is left");
    let clock = sla.clock(&f, at("2026-11-30", "09:20")).unwrap();
    assert_eq!(clock.left_minutes, 10);
    assert!(clock.near_breach && !clock.breached, "10 of 60 minutes left is under 25%");
    let clock = sla.clock(&f, at("2026-11-30", "10:00")).unwrap();
    assert!(clock.breached && clock.left_minutes == -30);
    // Answered, then the customer wrote again: the next response target runs.
    f.first_response_at = Some(at("2026-11-30", "09:00"));
    f.last_reply_at = f.first_response_at;
    f.status = "open".into();
    f.last_customer_post_at = Some(at("2026-11-30", "11:00"));
    let clock = sla.clock(&f, at("2026-11-30", "11:00")).unwrap();
    assert_eq!((clock.target, clock.due_at), (Target::NextResponse, at("2026-11-30", "13:00")));
    // Waiting on the customer: only resolution runs. Resolved: no clock.
    f.last_reply_at = Some(at("2026-11-30", "12:00"));
    f.status = "pending".into();
    assert!(sla.clock(&f, at("2026-11-30", "12:00")).is_none(), "pending cases have no running target here");
    f.status = "resolved".into();
    assert!(sla.clock(&f, at("2026-11-30", "12:00")).is_none());
    // A rule's policy wins over the department's; unknown departments take the first policy.
    f.status = "new".into();
    f.first_response_at = None;
    f.sla_policy = Some("us".into());
    assert_eq!(sla.clock(&f, at("2026-11-30", "12:00")).unwrap().policy, "us");
    f.sla_policy = None;
    f.department = Some("legal".into());
    assert_eq!(sla.clock(&f, at("2026-11-30", "12:00")).unwrap().policy, "standard");
}
