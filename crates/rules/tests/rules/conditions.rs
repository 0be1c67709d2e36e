//! Every condition and action, table-driven: a one-rule file, the facts, and
//! whether it fires (conditions) or what it yields (actions).

use switchboard_rules::{Action, AssignHow, Calendar, CaseFacts, Event, PriorityChange, RuleSet};

use crate::{at, facts};

fn fires(when: &str, f: &CaseFacts, now: i64, calendar: Option<&Calendar>, sla_left: Option<i64>) -> bool {
    let src = format!("[[rule]]\nname = \"r\"\nwhen = {{ {when} }}\nthen = [{{ tag = \"x\" }}]\n");
    let rules = RuleSet::parse(&src).unwrap_or_else(|e| panic!("{when}: {e}"));
    !rules.evaluate(Event::PostReceived, f, now, calendar, sla_left).fired.is_empty()
}

#[test]
fn each_condition_holds_or_not_as_written() {
    let now = at("2026-11-27", "10:40");
    let f = facts();
    let mut unknown = CaseFacts { channel: "x".into(), status: "new".into(), opened_at: f.opened_at, ..Default::default() };
    unknown.text = "hello".into();
    // (condition, holds on `facts()`, holds on a case with nothing known)
    let table: &[(&str, bool, bool)] = &[
        (r#"topic = "lost luggage""#, true, false),
        (r#"topic = ["billing", "Lost-Luggage"]"#, true, false),
        (r#"topic = "billing""#, false, false),
        (r#"sentiment = "negative""#, true, false),
        (r#"sentiment = "positive""#, false, false),
        (r#"language = "en""#, true, false),
        (r#"language = "pt""#, false, false),
        (r#"channel = ["x", "bluesky"]"#, true, true),
        (r#"channel = "reddit""#, false, false),
        (r#"account = "lumenhelp""#, true, false),
        (r#"status = "new""#, true, true),
        (r#"value_tier = ["A", "B"]"#, true, false),
        (r#"value_tier = "C""#, false, false),
        (r#"tag = "vip""#, true, false),
        (r#"query = "lost bags""#, true, false),
        (r#"followers = ">10000""#, true, false),
        (r#"followers = ">=48k""#, true, false),
        (r#"followers = "<1k""#, false, false),
        (r#"followers = 50000"#, false, false),
        (r#"lifetime_value = ">=10000""#, true, false),
        (r#"sentiment_score = ">0.5""#, true, false),
        (r#"topic_confidence = "<0.5""#, false, false),
        (r#"influence = ">0.1""#, false, false),
        (r#"waiting = ">30m""#, true, false),
        (r#"waiting = ">1h""#, false, false),
        (r#"age = "<1h""#, true, true),
        (r#"sla_left = "<30m""#, true, false),
        (r#"text = '"lost bag" OR chargeback'"#, true, false),
        (r#"text = 'refund -thanks lang:en'"#, true, false),
        (r#"text = 'chargeback'"#, false, false),
        (r#"unrouted = true"#, true, true),
        (r#"unassigned = false"#, false, false),
        (r#"business_hours = true"#, true, true),
        (r#"business_hours = false"#, false, false),
        (r#"department = "pr""#, false, false),
        (r#"topic = "lost luggage", sentiment = "negative", followers = ">10000""#, true, false),
        (r#"topic = "lost luggage", sentiment = "positive""#, false, false),
    ];
    let cal = Calendar::always();
    for &(when, on_facts, on_unknown) in table {
        assert_eq!(fires(when, &f, now, Some(&cal), Some(20)), on_facts, "`{when}` on the complaint");
        assert_eq!(fires(when, &unknown, now, Some(&cal), None), on_unknown, "`{when}` with nothing known");
    }
}

#[test]
fn each_action_reads_as_written() {
    let table: &[(&str, Action)] = &[
        (r#"route = "PR""#, Action::Route("pr".into())),
        (r#"assign = "round_robin""#, Action::Assign(AssignHow::RoundRobin)),
        (r#"assign = "least_loaded""#, Action::Assign(AssignHow::LeastLoaded)),
        (r#"assign = "@ana""#, Action::Assign(AssignHow::Member("ana".into()))),
        (r#"tag = "VIP""#, Action::Tag("vip".into())),
        (r#"priority = "+20""#, Action::Priority(PriorityChange::Add(20.0))),
        (r#"priority = "-5""#, Action::Priority(PriorityChange::Add(-5.0))),
        (r#"priority = "=90""#, Action::Priority(PriorityChange::Set(90.0))),
        (r#"priority = 15"#, Action::Priority(PriorityChange::Add(15.0))),
        (r#"sla = "vip""#, Action::Sla("vip".into())),
        (r#"alert = "Tell PR""#, Action::Alert("Tell PR".into())),
        (r#"suggest = "lost-bag-apology""#, Action::Suggest("lost-bag-apology".into())),
        (r#"close = "noise""#, Action::Close("noise".into())),
        (r#"require_approval = "Legal""#, Action::RequireApproval("legal".into())),
    ];
    for (then, want) in table {
        let src = format!("[[rule]]\nname = \"r\"\nthen = [{{ {then} }}]\n");
        let rules = RuleSet::parse(&src).unwrap_or_else(|e| panic!("{then}: {e}"));
        let out = rules.evaluate(Event::PostReceived, &facts(), 0, None, None);
        assert_eq!(out.actions.len(), 1, "{then}");
        assert_eq!(&out.actions[0].action, want, "{then}");
        assert_eq!(out.actions[0].rule, "r");
    }
}

#[test]
fn rules_run_in_order_see_each_other_and_stop() {
    let src = r#"
[[rule]]
name = "Press"
when = { text = "journalist" }
then = [{ route = "pr" }, { tag = "press" }]

[[rule]]
name = "Fallback"
when = { unrouted = true }
then = [{ route = "contact-centre" }]

[[rule]]
name = "Tag all"
then = [{ tag = "seen" }]
stop = true

[[rule]]
name = "Never"
then = [{ tag = "never" }]

[[rule]]
name = "Only on breach"
on = "sla_near_breach"
then = [{ alert = "late" }]

[[rule]]
name = "Off"
enabled = false
on = ["sla_near_breach"]
then = [{ alert = "off" }]
"#;
    let rules = RuleSet::parse(src).unwrap();
    let mut f = facts();
    f.text = "I'm a journalist".into();
    let out = rules.evaluate(Event::PostReceived, &f, 0, None, None);
    assert_eq!(out.fired, ["Press", "Tag all"], "the fallback sees the route; stop ends the run");
    assert_eq!(out.route(), Some("pr"));
    let out = rules.evaluate(Event::PostReceived, &facts(), 0, None, None);
    assert_eq!(out.fired, ["Fallback", "Tag all"]);
    let out = rules.evaluate(Event::SlaNearBreach, &facts(), 0, None, None);
    assert_eq!(out.fired, ["Only on breach"], "events select rules; disabled rules never fire");
}
