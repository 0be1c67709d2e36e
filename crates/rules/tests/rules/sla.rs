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

/// London's office on an IANA zone: 09:00–17:30 on the wall clock, before and
/// after the clocks go forward (Sunday 2027-03-28, 01:00 UTC) and back
/// (Sunday 2026-10-25, 01:00 UTC); the fixed-offset spelling still reads.
const LONDON: &str = r#"
[[calendar]]
name = "london"
timezone = "Europe/London"
hours = { mon = "09:00-17:30", tue = "09:00-17:30", wed = "09:00-17:30", thu = "09:00-17:30", fri = "09:00-17:30" }

[[calendar]]
name = "night"
timezone = "Europe/London"
hours = { sun = "00:15-00:45, 01:30-03:00" }

[[calendar]]
name = "fixed"
timezone = "+01:00"
hours = { mon = "09:00-17:30" }

[[policy]]
name = "uk"
calendar = "london"
first_response = "1h"
resolution = "1d"
"#;

#[test]
fn a_named_time_zone_keeps_business_hours_on_the_wall_clock_across_daylight_saving() {
    let sla = SlaConfig::parse(LONDON).unwrap();
    let london = sla.calendar("london").unwrap();
    // (start UTC, business minutes, due UTC)
    let table = [
        // Winter (GMT): Friday 17:00 + 1 h is Monday 09:30 = 09:30 UTC.
        (("2027-03-19", "17:00"), 60, ("2027-03-22", "09:30")),
        // Across the change to summer time: Friday 17:00 GMT + 1 h is Monday
        // 09:30 BST = 08:30 UTC (a fixed +00:00 offset would say 09:30 UTC).
        (("2027-03-26", "17:00"), 60, ("2027-03-29", "08:30")),
        // Summer (BST): Monday 16:00 UTC is 17:00 local; 30 min left that day.
        (("2027-03-29", "16:00"), 60, ("2027-03-30", "08:30")),
        // Across the change back: Friday 16:00 UTC is 17:00 BST (30 min that
        // day), then 30 min from Monday 09:00 GMT = 09:00 UTC.
        (("2026-10-23", "16:00"), 60, ("2026-10-26", "09:30")),
    ];
    for ((d, t), minutes, (dd, dt)) in table {
        assert_eq!(due_at(at(d, t), minutes, london), Some(at(dd, dt)), "{d} {t} + {minutes} min");
    }
    // The Sunday of the change: 00:15–00:45 GMT (30 min), then 01:30–03:00 on the
    // wall clock, whose 01:30 never happens: it opens at the jump (01:00 UTC =
    // 02:00 BST) and closes at 03:00 BST = 02:00 UTC (60 min).
    let night = sla.calendar("night").unwrap();
    assert_eq!(due_at(at("2027-03-28", "00:00"), 45, night), Some(at("2027-03-28", "01:15")));
    assert_eq!(night.business_ms_between(at("2027-03-28", "00:00"), at("2027-03-28", "03:00")), 90 * 60_000);
    assert!(!night.is_open(at("2027-03-28", "00:50")) && night.is_open(at("2027-03-28", "01:00")));
    assert!(london.is_open(at("2027-03-29", "08:15")), "09:15 BST");
    assert!(!london.is_open(at("2027-03-29", "16:45")), "17:45 BST");
    assert!(london.is_open(at("2027-03-22", "17:15")), "17:15 GMT");
    assert_eq!(london.business_ms_between(at("2027-03-26", "17:00"), at("2027-03-29", "08:30")), 60 * 60_000);
    // A fixed offset given as `timezone`: no shift in summer.
    let fixed = sla.calendar("fixed").unwrap();
    assert_eq!(due_at(at("2027-03-29", "07:00"), 60, fixed), Some(at("2027-03-29", "09:00")));
    // A clock on the policy uses the zone too.
    let mut f = facts();
    f.opened_at = at("2027-03-26", "17:00");
    f.last_customer_post_at = Some(f.opened_at);
    let clock = sla.clock(&f, at("2027-03-27", "12:00")).unwrap();
    assert_eq!(clock.due_at, at("2027-03-29", "08:30"));
    // Near breach (the default 25%) once 15 whole business minutes are left:
    // just after 08:14 UTC (16 left then).
    assert_eq!(clock.escalate_at, at("2027-03-29", "08:14"));
    assert!(!sla.clock(&f, clock.escalate_at).unwrap().near_breach);
    assert!(sla.clock(&f, clock.escalate_at + 1).unwrap().near_breach);
}

#[test]
fn a_time_zone_that_does_not_exist_is_refused_with_its_calendar() {
    for (zone, extra) in [("Europe/Londn", ""), ("", ""), ("Europe/London", "utc_offset = \"+01:00\"\n")] {
        let file = format!("[[calendar]]\nname = \"x\"\ntimezone = \"{zone}\"\n{extra}hours = {{ mon = \"09:00-17:00\" }}\n");
        let err = SlaConfig::parse(&file).unwrap_err().to_string();
        assert!(err.contains("calendar \"x\"") && (err.contains("time zone") || err.contains("not both")), "{zone}: {err}");
    }
}
