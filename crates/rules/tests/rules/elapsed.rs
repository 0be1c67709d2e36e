//! `time_elapsed` rules, table-driven: when they hold as time passes, how far
//! their `waiting` / `age` conditions let the engine skip a case, and that a
//! rule already fired for the current customer post does not fire again.

use switchboard_rules::{CaseFacts, Event, PriorityChange, RuleSet, Span};

use crate::{at, facts};

const RULES: &str = r#"
[[rule]]
name = "Waiting two hours"
on = "time_elapsed"
when = { waiting = ">2h", status = ["new", "open"] }
then = [{ priority = "+15" }, { tag = "waiting" }]

[[rule]]
name = "Open a day"
on = "time_elapsed"
when = { age = ">=1d" }
then = [{ alert = "open for a day" }]
stop = true

[[rule]]
name = "After a day"
on = "time_elapsed"
when = { age = ">=1d" }
then = [{ tag = "late" }]

[[rule]]
name = "On arrival"
then = [{ tag = "new" }]
"#;

#[test]
fn time_elapsed_rules_fire_as_time_passes_and_once_per_customer_post() {
    let rules = RuleSet::parse(RULES).unwrap();
    let opened = at("2026-11-27", "10:00");
    let mut replied = facts();
    replied.last_reply_at = Some(at("2026-11-27", "10:30"));
    let pending = CaseFacts { status: "pending".into(), ..facts() };
    // (facts, now, rules already fired for this post, rules that fire)
    let table: Vec<(CaseFacts, i64, Vec<&str>, Vec<&str>)> = vec![
        (facts(), at("2026-11-27", "11:00"), vec![], vec![]),
        (facts(), at("2026-11-27", "12:00"), vec![], vec![]),
        (facts(), at("2026-11-27", "12:01"), vec![], vec!["Waiting two hours"]),
        // Fired for this post already: not again.
        (facts(), at("2026-11-27", "15:00"), vec!["Waiting two hours"], vec![]),
        // Answered after the customer's post: nobody is waiting.
        (replied, at("2026-11-27", "15:00"), vec![], vec![]),
        // Pending cases are left alone by the waiting rule.
        (pending, at("2026-11-27", "15:00"), vec![], vec![]),
        // A day after opening: the stop rule ends the run before "After a day".
        (facts(), opened + 24 * 3_600_000, vec!["Waiting two hours"], vec!["Open a day"]),
        // ... and still ends it once it has fired.
        (facts(), opened + 25 * 3_600_000, vec!["Waiting two hours", "Open a day"], vec![]),
    ];
    for (i, (f, now, already, want)) in table.into_iter().enumerate() {
        let already: Vec<String> = already.into_iter().map(String::from).collect();
        let out = rules.evaluate_elapsed(&f, now, None, None, &already);
        assert_eq!(out.fired, want, "row {i}");
    }
    // `post_received` rules never run on the tick, nor `time_elapsed` ones on arrival.
    let out = rules.evaluate(Event::PostReceived, &facts(), at("2026-11-28", "12:00"), None, None);
    assert_eq!(out.fired, vec!["On arrival"]);
}

#[test]
fn a_rule_says_the_least_time_it_waits_for_and_its_priority_changes() {
    let rules = RuleSet::parse(RULES).unwrap();
    // (rule, least waiting, least age)
    let table = [("Waiting two hours", Some(120), None), ("Open a day", None, Some(1440)), ("On arrival", None, None)];
    for (name, waiting, age) in table {
        let rule = rules.rule(name).unwrap();
        assert_eq!((rule.at_least(Span::Waiting), rule.at_least(Span::Age)), (waiting, age), "{name}");
    }
    let lt = RuleSet::parse("[[rule]]\nname = \"r\"\non = \"time_elapsed\"\nwhen = { waiting = \"<1h\" }\nthen = [{ tag = \"x\" }]\n").unwrap();
    assert_eq!(lt.rules[0].at_least(Span::Waiting), None, "an upper bound says nothing about the least");
    assert_eq!(rules.rule("Waiting two hours").unwrap().priority_changes(), vec![("Waiting two hours".to_string(), PriorityChange::Add(15.0))]);
    assert_eq!(rules.listening(Event::TimeElapsed).count(), 3);
}
