//! The rules at run time, on every backend: `time_elapsed` rules fire on the
//! SLA tick once per case, rule and customer post (a reply stops the wait, a
//! new post re-arms them); a rule on a listening query routes the posts the
//! query matched; the inbox's triage queue holds the cases whose topic the
//! model could not tell until someone sets it; and an influential author's
//! priority reasons name the influence score.

use switchboard_core::case::EventKind;
use switchboard_core::post::{Direction, NewPost};
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;

const MIN: i64 = 60_000;
/// Wednesday 2026-11-25 12:00 UTC.
const NOON: i64 = 1_795_608_000_000;

fn post(id: &str, author: &str, text: &str, at: i64, followers: i64, reply_to: Option<&str>, direction: Direction) -> IngestPost {
    IngestPost {
        post: NewPost {
            channel: "x".into(),
            external_id: id.into(),
            author: author.into(),
            author_name: Some("Sam Field".into()),
            author_followers: Some(followers),
            direction,
            text: text.into(),
            created_at: at,
            reply_to: reply_to.map(str::to_string),
            account: Some("lumenhelp".into()),
            labels: Vec::new(),
        },
        conversation: None,
    }
}

fn inbound(id: &str, text: &str, at: i64, reply_to: Option<&str>) -> IngestPost {
    post(id, "sam_field", text, at, 120, reply_to, Direction::Inbound)
}

const ELAPSED_RULES: &str = r#"
[[rule]]
name = "Waiting an hour"
on = "time_elapsed"
when = { waiting = ">1h" }
then = [{ tag = "chase" }, { priority = "+25" }]

[[rule]]
name = "Open two hours"
on = "time_elapsed"
when = { age = ">=2h", status = ["new", "open"] }
then = [{ alert = "open two hours" }]
"#;

#[tokio::test]
async fn time_elapsed_rules_fire_once_per_customer_post_on_the_tick() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        desk.save_rules(ELAPSED_RULES).await.unwrap();
        let t0 = NOON;
        Ingestor::new(desk.store(), "test", "elapsed").write(&[inbound("e-1", "Where is my refund?", t0, None)]).await.unwrap();
        desk.triage_new(t0).await.unwrap();
        let case_id = desk.store().case_of_post("x", "e-1").await.unwrap();
        let notes = |actor: &'static str| {
            let desk = &desk;
            async move { desk.store().case_events(case_id).await.unwrap().into_iter().filter(|e| e.actor == actor).count() }
        };
        // (tick at, rules fired on that tick, what happens before it)
        let table: [(i64, usize, Option<IngestPost>); 7] = [
            (t0 + 30 * MIN, 0, None),
            (t0 + 61 * MIN, 1, None),
            // Once per post: the next ticks fire nothing more.
            (t0 + 62 * MIN, 0, None),
            (t0 + 90 * MIN, 0, None),
            // Two hours open: the age rule, once.
            (t0 + 121 * MIN, 1, None),
            // The customer posts again: the waiting rule is re-armed (the age rule
            // too: it is a new post), and fires an hour later.
            (t0 + 150 * MIN, 1, Some(inbound("e-2", "Hello??", t0 + 140 * MIN, Some("e-1")))),
            (t0 + 201 * MIN, 1, None),
        ];
        for (i, (at, want, before)) in table.into_iter().enumerate() {
            if let Some(p) = before {
                Ingestor::new(desk.store(), "test", "elapsed").write(&[p]).await.unwrap();
                desk.triage_new(at).await.unwrap();
            }
            let tick = desk.sla_tick(at).await.unwrap();
            assert_eq!(tick.fired, want, "{}: row {i}: {tick:?}", db.url);
            assert!(tick.problems.is_empty(), "{}: {:?}", db.url, tick.problems);
        }
        // A note per firing, the tag once (the second time it is there already).
        assert_eq!(notes("rule:Waiting an hour").await, 2 + 1, "{}", db.url);
        assert_eq!(notes("rule:Open two hours").await, 2 * 2, "{}: a note and an alert per firing", db.url);
        let events = desk.store().case_events(case_id).await.unwrap();
        let note = events.iter().find(|e| e.actor == "rule:Waiting an hour" && e.kind == EventKind::Note).unwrap();
        let text = note.body.clone().unwrap_or_default() + &note.summary;
        assert!(text.contains("Waiting an hour") && text.contains("waited 1 h 1 min"), "{}: {text}", db.url);
        assert!(desk.store().case_tags(case_id).await.unwrap().contains(&"chase".to_string()), "{}", db.url);
        // The fired rule's priority change stays in the score on later ticks.
        desk.sla_tick(t0 + 210 * MIN).await.unwrap();
        let reasons = desk.priority_reasons(case_id).await.unwrap();
        assert!(reasons.contains(&"rule Waiting an hour +25".to_string()), "{}: {reasons:?}", db.url);

        // An answer stops the wait: a case answered within the hour never fires.
        Ingestor::new(desk.store(), "test", "elapsed").write(&[inbound("w-1", "Is the shop open?", t0, None)]).await.unwrap();
        desk.triage_new(t0).await.unwrap();
        let reply = post("w-2", "lumenhelp", "Yes, until 6pm", t0 + 10 * MIN, 0, Some("w-1"), Direction::Outbound);
        Ingestor::new(desk.store(), "test", "elapsed").write(&[reply]).await.unwrap();
        let answered = desk.store().case_of_post("x", "w-1").await.unwrap();
        desk.sla_tick(t0 + 100 * MIN).await.unwrap();
        let chased = desk.store().case_events(answered).await.unwrap().into_iter().any(|e| e.actor == "rule:Waiting an hour");
        assert!(!chased, "{}: an answered case is not chased", db.url);
    }
}

#[tokio::test]
async fn a_rule_on_a_listening_query_routes_the_posts_it_matched() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        desk.add_listening_query("Outage watch", "outage OR offline", None, None).await.unwrap();
        let rules = format!(
            "[[rule]]\nname = \"Outage watch to PR\"\nwhen = {{ query = \"outage watch\" }}\nthen = [{{ route = \"pr\" }}]\nstop = true\n\n{}",
            switchboard_rules::defaults::RULES
        );
        desk.save_rules(&rules).await.unwrap();
        let batch = [inbound("q-1", "Is the app offline for everyone?", NOON, None), inbound("q-2", "Thanks for the help", NOON, None)];
        Ingestor::new(desk.store(), "test", "query").write(&batch).await.unwrap();
        let posts: Vec<NewPost> = batch.iter().map(|p| p.post.clone()).collect();
        switchboard_engine::routing::route_posts(desk.store(), &posts).await.unwrap();
        desk.triage_new(NOON).await.unwrap();
        let matched = desk.store().case_of_post("x", "q-1").await.unwrap();
        let case = desk.store().case_summary(matched).await.unwrap();
        assert_eq!(case.department.as_deref(), Some("PR / Communications"), "{}", db.url);
        let moved = desk.store().case_events(matched).await.unwrap().into_iter().find(|e| e.kind == EventKind::Moved).unwrap();
        assert_eq!(moved.actor, "rule:Outage watch to PR", "{}", db.url);
        let other = desk.store().case_of_post("x", "q-2").await.unwrap();
        let moved = desk.store().case_events(other).await.unwrap().into_iter().any(|e| e.actor == "rule:Outage watch to PR");
        assert!(!moved, "{}: a post the query did not match is not routed by it", db.url);
        // Recording a match twice keeps one.
        assert!(!desk.store().record_query_match("x", "q-1", desk.store().listening_queries().await.unwrap()[0].id).await.unwrap());
    }
}

#[tokio::test]
async fn the_triage_queue_holds_unsure_topics_until_someone_sets_them() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let batch = [
            inbound("t-1", "hmm so about that thing", NOON, None),
            inbound("t-2", "My bill is wrong", NOON, None),
            inbound("t-3", "no idea what this is", NOON, None),
        ];
        Ingestor::new(desk.store(), "test", "triage queue").write(&batch).await.unwrap();
        let id = |ext: &'static str| {
            let desk = &desk;
            async move {
                let case = desk.store().case_of_post("x", ext).await.unwrap();
                (case, desk.store().case_detail(case).await.unwrap().posts[0].id)
            }
        };
        let (unsure, unsure_post) = id("t-1").await;
        let (billing, billing_post) = id("t-2").await;
        let (labelled, labelled_post) = id("t-3").await;
        for (post, topic) in [(unsure_post, ""), (billing_post, "billing"), (labelled_post, "")] {
            sqlx::query("INSERT INTO predictions (post_id, field, value, score, model_version, at) VALUES ($1, 'topic', $2, 0.3, 'test', $3)")
                .bind(post)
                .bind(topic)
                .bind(NOON)
                .execute(desk.store().pool())
                .await
                .unwrap();
        }
        desk.store().correct_label(labelled_post, "topic", "billing").await.unwrap();
        let queue = |q: InboxQuery| {
            let desk = &desk;
            async move { desk.inbox(q).await.unwrap().items.into_iter().map(|c| c.id).collect::<Vec<_>>() }
        };
        let all = InboxQuery { needs_triage: true, limit: 50, ..Default::default() };
        assert_eq!(queue(all.clone()).await, vec![unsure], "{}: only the unsure, uncorrected topic (not #{labelled})", db.url);
        assert_eq!(desk.inbox(all.clone()).await.unwrap().total, 1, "{}", db.url);
        // It combines with the other filters.
        let none = InboxQuery { search: Some("bill".into()), ..all.clone() };
        assert!(queue(none).await.is_empty(), "{}", db.url);
        assert!(queue(InboxQuery { limit: 50, ..Default::default() }).await.contains(&billing), "{}", db.url);
        // An agent sets the topic: the case leaves the queue.
        desk.correct(unsure_post, "topic", "billing").await.unwrap();
        assert!(queue(all).await.is_empty(), "{}: corrected, out of the queue", db.url);
    }
}

#[tokio::test]
async fn an_influential_authors_priority_reasons_name_the_influence() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let batch = [
            post("i-1", "streamer_kai", "My order never arrived", NOON, 5_000_000, None, Direction::Inbound),
            post("i-2", "quiet_lee", "My order never arrived", NOON, 75, None, Direction::Inbound),
        ];
        Ingestor::new(desk.store(), "test", "influence").write(&batch).await.unwrap();
        desk.triage_new(NOON).await.unwrap();
        let reasons = |ext: &'static str| {
            let desk = &desk;
            async move { desk.priority_reasons(desk.store().case_of_post("x", ext).await.unwrap()).await.unwrap() }
        };
        let loud = reasons("i-1").await;
        // 5M followers give 67 of the published score's 80 follower points, plus engagement.
        let label = loud.iter().find(|r| r.starts_with("influence ")).unwrap_or_else(|| panic!("{}: {loud:?}", db.url));
        assert!(label.ends_with("(5M followers)"), "{}: {label}", db.url);
        let score: u32 = label["influence ".len()..].split(' ').next().unwrap().parse().unwrap();
        assert!((60..=85).contains(&score), "{}: {label}", db.url);
        // 75 followers: a small influence, said the same way.
        let quiet = reasons("i-2").await;
        let small = quiet.iter().find(|r| r.starts_with("influence ") && r.ends_with("(75 followers)")).unwrap_or_else(|| panic!("{}: {quiet:?}", db.url));
        let small: u32 = small["influence ".len()..].split(' ').next().unwrap().parse().unwrap();
        assert!(small < 30 && small < score, "{}: {quiet:?}", db.url);
        let detail = desk.case_detail(desk.store().case_of_post("x", "i-1").await.unwrap()).await.unwrap();
        let card = detail.author.and_then(|a| a.influence).unwrap();
        assert_eq!(label, &format!("influence {} (5M followers)", card.score), "{}: the same score as the author card", db.url);
    }
}

#[tokio::test]
async fn the_tick_leaves_fresh_priorities_alone_but_escalates_on_time() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        // No rule routes: the default "standard" policy (first response 1 h, near
        // breach at 25%) on the office calendar (open all Wednesday).
        desk.save_rules("[[rule]]\nname = \"Nothing\"\nwhen = { tag = \"never\" }\nthen = [{ tag = \"x\" }]\n").await.unwrap();
        Ingestor::new(desk.store(), "test", "tick").write(&[inbound("s-1", "Hello?", NOON, None)]).await.unwrap();
        desk.triage_new(NOON).await.unwrap();
        let case_id = desk.store().case_of_post("x", "s-1").await.unwrap();
        assert_eq!(desk.store().case_summary(case_id).await.unwrap().sla_due_at, Some(NOON + 60 * MIN), "{}", db.url);
        // (tick at, cases refreshed, escalations)
        let table = [
            (NOON + MIN / 2, 0, 0),
            (NOON + 2 * MIN, 1, 0),
            (NOON + 2 * MIN + MIN / 2, 0, 0),
            (NOON + 43 * MIN + 45_000, 1, 0),
            // 15 whole business minutes (25%) left: escalated though the priority is fresh.
            (NOON + 44 * MIN + MIN / 2, 1, 1),
            (NOON + 45 * MIN, 0, 0),
        ];
        for (i, (at, refreshed, escalated)) in table.into_iter().enumerate() {
            let tick = desk.sla_tick(at).await.unwrap();
            assert_eq!((tick.refreshed, tick.escalated), (refreshed, escalated), "{}: row {i}", db.url);
        }
    }
}

/// Prints what a tick costs on 1,000 open cases: the first tick computes every
/// priority; one 15 s later (the app's interval) leaves the fresh ones alone.
/// `cargo test -p switchboard-engine --test engine tick_cost -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn tick_cost() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        desk.save_rules(ELAPSED_RULES).await.unwrap();
        let batch: Vec<IngestPost> = (0..1000)
            .map(|i| post(&format!("c-{i}"), &format!("user_{i}"), "Where is my refund?", NOON - (i % 50) * MIN, 100 + i, None, Direction::Inbound))
            .collect();
        Ingestor::new(desk.store(), "test", "cost").write(&batch).await.unwrap();
        desk.triage_new(NOON).await.unwrap();
        for (label, at) in [("first tick", NOON + 5 * MIN), ("15 s later", NOON + 5 * MIN + 15_000), ("a minute later", NOON + 6 * MIN + 15_000)] {
            let t = std::time::Instant::now();
            let tick = desk.sla_tick(at).await.unwrap();
            println!("{}: {label}: {} refreshed, {} escalated, {} fired in {:.1} ms", db.url, tick.refreshed, tick.escalated, tick.fired, t.elapsed().as_secs_f64() * 1000.0);
        }
    }
}
