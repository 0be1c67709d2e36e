//! Triage on every backend: the demo workspace gets priorities with reasons,
//! rules route and tag (the timeline names the rule), a dry run reports and
//! changes nothing, SLA targets count business hours, a target about to be
//! missed is escalated once, and the case view suggests a rendered reply.

use switchboard_core::case::EventKind;
use switchboard_core::desk::Role;
use switchboard_core::post::{Direction, NewPost};
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;

/// An instant in UTC, as milliseconds.
fn at(date: &str, time: &str) -> i64 {
    let (y, m, d) = {
        let p: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
        (p[0], p[1], p[2])
    };
    let (h, min) = time.split_once(':').map(|(h, m)| (h.parse::<i64>().unwrap(), m.parse::<i64>().unwrap())).unwrap();
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 1440 + h * 60 + min) * 60_000
}

fn post(id: &str, author: &str, text: &str, created_at: i64) -> IngestPost {
    IngestPost {
        post: NewPost {
            channel: "x".into(),
            external_id: id.into(),
            author: author.into(),
            author_name: Some("Sam Field".into()),
            author_followers: Some(120),
            direction: Direction::Inbound,
            text: text.into(),
            created_at,
            reply_to: None,
            account: Some("lumenhelp".into()),
            labels: Vec::new(),
        },
        conversation: None,
    }
}

#[tokio::test]
async fn triage_explains_priorities_routes_tags_and_suggests_a_reply() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        // Wednesday noon: inside every default calendar's hours.
        let now = at("2026-11-25", "12:00");
        switchboard_engine::demo::load(desk.store(), now).await.unwrap();
        let harriet = desk.inbox(InboxQuery { search: Some("didsbury".into()), limit: 5, ..Default::default() }).await.unwrap().items[0].id;
        // The understanding layer judged Harriet's newest post negative.
        let newest = desk.store().case_detail(harriet).await.unwrap().posts.last().unwrap().id;
        sqlx::query("INSERT INTO predictions (post_id, field, value, score, model_version, at) VALUES ($1, 'sentiment', 'negative', 0.9, 'test', $2)")
            .bind(newest)
            .bind(now)
            .execute(desk.store().pool())
            .await
            .unwrap();

        let report = desk.triage_new(now).await.unwrap();
        assert!(report.cases >= 25, "{}: every demo case is triaged: {report:?}", db.url);
        // Only cases a rule places are routed (most demo cases are routed already;
        // unplaced ones wait in Unrouted for a person).
        assert!(report.routed >= 1 && report.tagged >= 4 && report.assigned >= 1, "{}: {report:?}", db.url);
        assert!(report.problems.is_empty(), "{}: {:?}", db.url, report.problems);
        let again = desk.triage_new(now).await.unwrap();
        assert_eq!(again.cases, 0, "{}: triage is idempotent", db.url);

        // Priority reasons, largest weight first, and the SLA clock.
        let detail = desk.case_detail(harriet).await.unwrap();
        let reasons = &detail.priority_reasons;
        assert_eq!(reasons.first().map(String::as_str), Some("negative"), "{}: {reasons:?}", db.url);
        for want in ["tier A customer", "rule Outage +10"] {
            assert!(reasons.iter().any(|r| r == want), "{}: {want:?} in {reasons:?}", db.url);
        }
        // Her influence, the author card's published score: "influence 44 (2.1k followers)".
        assert!(reasons.iter().any(|r| r.starts_with("influence ") && r.ends_with(" (2.1k followers)")), "{}: {reasons:?}", db.url);
        assert!(reasons.iter().any(|r| r.ends_with("min left on SLA")), "{}: {reasons:?}", db.url);
        assert!(detail.case.sla_due_at.is_some_and(|d| d > now), "{}", db.url);
        assert!(detail.case.priority > 70.0, "{}: {}", db.url, detail.case.priority);
        // The tier A rule tagged her case, and the event names the rule.
        let tagged = detail.events.iter().find(|e| e.kind == EventKind::Tagged && e.summary == "tagged vip").expect("a vip tag event");
        assert_eq!(tagged.actor, "rule:Tier A customer", "{}", db.url);
        // The suggested reply: the outage template, rendered for her.
        let s = detail.suggestion.expect("a suggested reply");
        assert_eq!(s.template, "outage-update", "{}", db.url);
        assert!(s.text.starts_with("@harriet_cole Sorry Harriet,") && s.text.contains(&format!("#{harriet}")), "{}: {}", db.url, s.text);
        assert!(s.text.contains("Ana Ruiz"), "{}: signed by the assignee: {}", db.url, s.text);
        assert!(!s.approval_required, "{}", db.url);

        // An unrouted sales lead was routed by rule and given to sales' least-loaded member.
        let lee = desk.inbox(InboxQuery { search: Some("competitors".into()), limit: 5, ..Default::default() }).await.unwrap().items[0].clone();
        assert_eq!((lee.department.as_deref(), lee.assignee.as_deref()), (Some("Sales"), Some("Sara Lind")), "{}", db.url);
        let moved = desk.store().case_events(lee.id).await.unwrap().into_iter().find(|e| e.kind == EventKind::Moved).unwrap();
        assert_eq!((moved.actor.as_str(), moved.summary.as_str()), ("rule:Sales leads", "moved to Sales"), "{}", db.url);
        // The legal threat is suggested a reply that needs approval.
        let lisa = desk.inbox(InboxQuery { search: Some("solicitor".into()), limit: 5, ..Default::default() }).await.unwrap().items[0].id;
        let s = desk.suggested_reply(lisa).await.unwrap().unwrap();
        assert_eq!((s.template.as_str(), s.approval_required, s.approver.as_deref()), ("legal-holding", true, Some("legal")), "{}", db.url);
        // What no rule places (not a complaint, no keyword) waits unrouted for a
        // person; the inbox is in priority order.
        let page = desk.inbox(InboxQuery { limit: 100, ..Default::default() }).await.unwrap();
        assert!(page.items.iter().find(|c| c.id == harriet).is_some_and(|c| c.department.is_some()), "{}: the complaint is routed", db.url);
        assert!(page.items.windows(2).all(|w| w[0].priority >= w[1].priority), "{}", db.url);
    }
}

#[tokio::test]
async fn a_dry_run_reports_what_a_draft_would_change_and_changes_nothing() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let now = at("2026-11-25", "12:00");
        switchboard_engine::demo::load(desk.store(), now).await.unwrap();
        let draft = r#"
[[rule]]
name = "Outages to PR"
when = { text = 'outage OR offline OR down' }
then = [{ route = "pr" }, { tag = "outage" }]
stop = true

[[rule]]
name = "Catch-all"
when = { unrouted = true }
then = [{ route = "contact-centre" }]
"#;
        let before = desk.inbox(InboxQuery { limit: 100, ..Default::default() }).await.unwrap();
        let events_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events").fetch_one(desk.store().pool()).await.unwrap();
        let run = desk.dry_run(draft, 0, 1000).await.unwrap();
        assert_eq!(run.cases, before.total as usize, "{}", db.url);
        let pr = run.per_department.iter().find(|d| d.department == "pr").unwrap();
        assert!(pr.after > pr.before, "{}: outages would move to PR: {:?}", db.url, run.per_department);
        let unrouted = run.per_department.iter().find(|d| d.department == "(unrouted)").unwrap();
        assert!(unrouted.before > 0 && unrouted.after == 0, "{}: {:?}", db.url, run.per_department);
        let sum = |f: fn(&switchboard_engine::triage::DepartmentCount) -> usize| run.per_department.iter().map(f).sum::<usize>();
        assert_eq!((sum(|d| d.before), sum(|d| d.after)), (run.cases, run.cases), "{}", db.url);
        assert!(run.rules_fired.iter().any(|(r, n)| r == "Outages to PR" && *n >= 3), "{}: {:?}", db.url, run.rules_fired);
        assert!(run.changed > 0 && !run.examples.is_empty(), "{}", db.url);
        assert!(run.examples.iter().any(|e| e.department_after.as_deref() == Some("pr")), "{}", db.url);
        // Nothing changed.
        let after = desk.inbox(InboxQuery { limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(before, after, "{}: a dry run changes no case", db.url);
        let events_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events").fetch_one(desk.store().pool()).await.unwrap();
        assert_eq!(events_before, events_after, "{}", db.url);
        // A draft with a mistake is refused with its line; a draft naming an unknown department too.
        let err = desk.dry_run("[[rule]]\nname = \"x\"\nwhen = { topc = \"a\" }\nthen = [{ tag = \"a\" }]\n", 0, 10).await.unwrap_err();
        assert!(err.code == "invalid" && err.message.contains("line 3") && err.message.contains("topc"), "{}: {}", db.url, err.message);
        let err = desk.save_rules("[[rule]]\nname = \"x\"\nthen = [{ route = \"space\" }]\n").await.unwrap_err();
        assert!(err.message.contains("not a department"), "{}", err.message);
        // Saving a good draft makes it the next version in force.
        let v1 = desk.save_rules(draft).await.unwrap();
        let v2 = desk.save_rules(draft).await.unwrap();
        assert_eq!((v1.version, v2.version, v2.active), (1, 2, true), "{}", db.url);
        assert_eq!(desk.config_text("rules").await.unwrap(), draft, "{}", db.url);
        assert_eq!(desk.store().config_history("rules").await.unwrap().iter().filter(|c| c.active).count(), 1, "{}", db.url);
    }
}

#[tokio::test]
async fn sla_counts_business_hours_and_escalates_once_before_a_miss() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let hr = desk.store().department_by_slug("hr").await.unwrap();
        desk.store().upsert_member("jonas", "Jonas Berg", Role::Agent, Some(hr.id)).await.unwrap();
        // Friday 16:00 UTC: an applicant chases HR (corporate policy: 4 business
        // hours, 09:00–17:30 on weekdays). 1 h 30 on Friday, 2 h 30 on Monday.
        let friday = at("2026-11-27", "16:00");
        let batch = [post("job-1", "sam_field", "Had an interview with Lumen three weeks ago and heard nothing since", friday)];
        Ingestor::new(desk.store(), "test", "sla test").write(&batch).await.unwrap();
        let report = desk.triage_new(friday).await.unwrap();
        assert_eq!(report.cases, 1, "{}", db.url);
        let case_id = desk.store().case_of_post("x", "job-1").await.unwrap();
        let case = desk.store().case_summary(case_id).await.unwrap();
        assert_eq!(case.department.as_deref(), Some("HR"), "{}", db.url);
        assert_eq!(case.sla_due_at, Some(at("2026-11-30", "11:30")), "{}: due Monday 11:30, not Friday 20:00", db.url);
        assert!(case.assignee_id.is_none(), "{}: the job rule does not assign", db.url);

        // Saturday: nothing is near breach (2 h 30 of business time left).
        let tick = desk.sla_tick(at("2026-11-28", "12:00")).await.unwrap();
        assert_eq!((tick.refreshed, tick.escalated), (1, 0), "{}", db.url);
        let reasons = desk.priority_reasons(case_id).await.unwrap();
        assert!(reasons.contains(&"2 h 30 min left on SLA".to_string()), "{}: {reasons:?}", db.url);
        // Monday 11:05: 25 minutes left, under the 30-minute warning.
        let monday = at("2026-11-30", "11:05");
        let tick = desk.sla_tick(monday).await.unwrap();
        assert_eq!(tick.escalated, 1, "{}", db.url);
        let events = desk.store().case_events(case_id).await.unwrap();
        let note = events.iter().find(|e| e.actor == "sla:corporate").expect("an escalation on the timeline");
        assert!(note.body.as_deref().unwrap_or("").contains("first response target"), "{}: {:?}", db.url, note.body);
        // The sla_near_breach rule assigned the unassigned case.
        let case = desk.store().case_summary(case_id).await.unwrap();
        assert_eq!(case.assignee.as_deref(), Some("Jonas Berg"), "{}", db.url);
        let reasons = desk.priority_reasons(case_id).await.unwrap();
        assert!(reasons.contains(&"25 min left on SLA".to_string()), "{}: {reasons:?}", db.url);
        // Once per target.
        assert_eq!(desk.sla_tick(at("2026-11-30", "11:10")).await.unwrap().escalated, 0, "{}", db.url);
        let notes = desk.store().case_events(case_id).await.unwrap().into_iter().filter(|e| e.actor == "sla:corporate").count();
        assert_eq!(notes, 1, "{}", db.url);
    }
}

#[tokio::test]
async fn case_updated_rules_run_after_a_person_changes_a_case() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let now = at("2026-11-25", "12:00");
        let batch = [post("q-1", "sam_field", "Is there a quote for business fibre?", now - 60_000)];
        Ingestor::new(desk.store(), "test", "updated test").write(&batch).await.unwrap();
        desk.triage_new(now).await.unwrap();
        let rules = format!(
            "{}\n[[rule]]\nname = \"Legal cases are flagged\"\non = \"case_updated\"\nwhen = {{ department = \"legal\" }}\nthen = [{{ tag = \"legal-review\" }}, {{ priority = \"+30\" }}]\n",
            switchboard_rules::defaults::RULES
        );
        desk.save_rules(&rules).await.unwrap();
        let case_id = desk.store().case_of_post("x", "q-1").await.unwrap();
        let before = desk.store().case_summary(case_id).await.unwrap().priority;
        let legal = desk.store().department_by_slug("legal").await.unwrap();
        // Moving the case runs the rules itself (no front end has to ask).
        desk.move_to(case_id, Some(legal.id), None).await.unwrap();
        assert!(desk.store().case_tags(case_id).await.unwrap().contains(&"legal-review".to_string()), "{}", db.url);
        // Run again by hand, the rule finds its tag there and adds nothing.
        let report = desk.case_updated(case_id, now).await.unwrap();
        assert_eq!(report.tagged, 0, "{}: {report:?}", db.url);
        let after = desk.store().case_summary(case_id).await.unwrap().priority;
        assert!(after > before, "{}: {before} → {after}", db.url);
        assert!(desk.priority_reasons(case_id).await.unwrap().contains(&"rule Legal cases are flagged +30".to_string()), "{}", db.url);
    }
}
