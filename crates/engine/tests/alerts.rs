//! Early warning on the case log, on every backend: a flat stream the size
//! of the airline data stays quiet; injected bursts per topic and per
//! account are found with the right scope, start and severity (a second
//! burst inside the cooldown is the same alert); detection fed in chunks as
//! posts arrive gives what a replay of the whole history gives; alerts are
//! acknowledged and resolved with a log; thresholds are a checked, versioned file.

use switchboard_core::alert::{Alert, AlertKind, AlertStatus, Severity};
use switchboard_core::post::{Direction, NewPost};
use switchboard_engine::Desk;
use switchboard_monitor::Thresholds;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;

/// Monday 2025-01-06 00:00 UTC.
const T0: i64 = 1_736_121_600_000;
const HOUR: i64 = 3_600_000;
/// The airline development data: 4,346 posts over 181 hours.
const HOURS: i64 = 181;
const RATE: f64 = 24.0;

const ACCOUNTS: [&str; 6] = ["Virgin America", "United", "Southwest", "Delta", "US Airways", "American"];
const TOPICS: [&str; 5] = ["late flight", "customer service", "lost luggage", "cancelled flight", "bad flight"];

/// xorshift64*: the same stream on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

fn post(id: usize, at: i64, account: &str, topic: &str, negative: bool) -> IngestPost {
    let sentiment = if negative { "negative" } else { "neutral" };
    IngestPost {
        post: NewPost {
            channel: "x".into(),
            external_id: format!("g{id}"),
            author: format!("traveller{}", id % 997),
            author_name: None,
            author_followers: None,
            direction: Direction::Inbound,
            text: format!("@{} about my {topic} #{id}", account.replace(' ', "")),
            created_at: at,
            reply_to: None,
            account: Some(account.to_string()),
            labels: vec![("sentiment".into(), sentiment.into()), ("topic".into(), topic.into())],
        },
        conversation: None,
    }
}

/// A constant rate with Poisson noise and a constant 60% negative share, in time order.
fn flat(seed: u64) -> Vec<IngestPost> {
    let mut rng = Rng::new(seed);
    let mut posts = Vec::new();
    for hour in 0..HOURS {
        let n = rng.poisson(RATE);
        for i in 0..n {
            let at = T0 + hour * HOUR + (i as i64 * HOUR) / (n as i64 + 1);
            let (account, topic) = (rng.pick(&ACCOUNTS), rng.pick(&TOPICS));
            posts.push(post(posts.len(), at, account, topic, rng.unit() < 0.6));
        }
    }
    posts
}

/// `n` negative posts spread over `hour`, for one account or one topic (the
/// other spread evenly, so the burst shows in one scope of that kind).
fn burst(posts: &mut Vec<IngestPost>, hour: i64, n: i64, account: Option<&str>, topic: Option<&str>) {
    for i in 0..n {
        let at = T0 + hour * HOUR + 30_000 + i * (HOUR - 60_000) / n;
        let a = account.unwrap_or(ACCOUNTS[i as usize % ACCOUNTS.len()]);
        let t = topic.unwrap_or(TOPICS[i as usize % TOPICS.len()]);
        posts.push(post(100_000 + posts.len(), at, a, t, true));
    }
    posts.sort_by_key(|p| p.post.created_at);
}

async fn ingest(desk: &Desk, posts: &[IngestPost]) {
    let mut w = Ingestor::new(desk.store(), "import", "generated");
    for chunk in posts.chunks(500) {
        w.write(chunk).await.unwrap();
    }
}

/// What must agree between live detection and a replay (not ids, detection times or status).
fn essence(a: &Alert) -> String {
    let ex: Vec<i64> = a.examples.iter().map(|e| e.post_id).collect();
    format!(
        "{:?} {} {} {:?} {:?} peak {} {}h {} vs {} z {} {ex:?}",
        a.kind, a.scope, a.started_at, a.ended_at, a.severity, a.peak_at, a.hours, a.observed, a.expected, a.z
    )
}

fn sorted(mut v: Vec<Alert>) -> Vec<Alert> {
    v.sort_by(|a, b| (a.started_at, a.kind, &a.scope).cmp(&(b.started_at, b.kind, &b.scope)));
    v
}

#[tokio::test]
async fn a_flat_stream_of_the_airline_size_raises_no_alert() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let posts = flat(11);
        assert!((4000..4700).contains(&posts.len()), "about the airline data's size: {}", posts.len());
        ingest(&desk, &posts).await;
        let live = desk.detect().await.unwrap();
        assert!(live.is_empty(), "{}: a flat stream is quiet: {live:#?}", db.url);
        let replayed = desk.replay(&Thresholds::default(), false).await.unwrap();
        assert!(replayed.is_empty(), "{}: and so is its replay: {replayed:#?}", db.url);
        assert!(desk.list_alerts(None).await.unwrap().is_empty(), "{}", db.url);
    }
}

#[tokio::test]
async fn bursts_per_topic_and_account_are_found_once_with_scope_start_and_severity() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let mut posts = flat(5);
        // Day 5, 15:00: lost luggage everywhere. Day 6, 10:00: Delta, then
        // again four hours after that burst ends (inside the 6-hour cooldown).
        let (topic_hour, account_hour) = (24 * 4 + 15, 24 * 6 + 10);
        burst(&mut posts, topic_hour, 30, None, Some("lost luggage"));
        burst(&mut posts, account_hour, 30, Some("Delta"), None);
        burst(&mut posts, account_hour + 1, 20, Some("Delta"), None);
        burst(&mut posts, account_hour + 6, 30, Some("Delta"), None);
        ingest(&desk, &posts).await;
        desk.detect().await.unwrap();
        let alerts = desk.list_alerts(Some(AlertStatus::Open)).await.unwrap();
        let neg = |scope: &str| alerts.iter().filter(|a| a.kind == AlertKind::NegativeSpike && a.scope == scope).collect::<Vec<_>>();

        let topic = neg("topic:lost luggage");
        assert_eq!(topic.len(), 1, "{}: one topic alert: {alerts:#?}", db.url);
        assert_eq!(topic[0].started_at, T0 + topic_hour * HOUR, "{}: since the burst's hour", db.url);
        assert_eq!(topic[0].severity, Severity::High, "{}: 30 extra on ~3 an hour: {:?}", db.url, topic[0]);
        assert!(topic[0].observed >= 30.0 && topic[0].expected < 6.0, "{}: {:?}", db.url, topic[0]);
        assert!(!topic[0].examples.is_empty() && topic[0].examples.iter().all(|e| e.text.contains("lost luggage")), "{}: examples from the topic", db.url);

        let delta = neg("account:Delta");
        assert_eq!(delta.len(), 1, "{}: the second Delta burst inside the cooldown is the same alert: {alerts:#?}", db.url);
        assert_eq!(delta[0].started_at, T0 + account_hour * HOUR, "{}", db.url);
        assert_eq!(delta[0].severity, Severity::High, "{}: {:?}", db.url, delta[0]);
        assert!(delta[0].hours >= 3, "{}: both bursts' hours: {:?}", db.url, delta[0]);
        assert!(delta[0].examples.iter().all(|e| e.text.starts_with("@Delta")), "{}: Delta's posts", db.url);

        assert!(neg("account:United").is_empty() && neg("topic:late flight").is_empty(), "{}: untouched scopes stay quiet: {alerts:#?}", db.url);
        assert!(alerts.iter().all(|a| !a.scope.starts_with("channel:")), "{}: one channel repeats `all`", db.url);
    }
}

#[tokio::test]
async fn detection_fed_as_posts_arrive_equals_a_replay_of_the_history() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let mut posts = flat(21);
        burst(&mut posts, 24 * 3 + 20, 40, None, None);
        burst(&mut posts, 24 * 3 + 21, 25, None, None);
        burst(&mut posts, 24 * 5 + 2, 30, Some("United"), Some("cancelled flight"));
        burst(&mut posts, 24 * 7 + 1, 30, Some("Southwest"), None);
        // Uneven chunks, some ending mid-hour, each followed by a detection.
        let mut raised = 0;
        let mut at = 0;
        for size in [700, 333, 1200, 41, 900, 1500, usize::MAX] {
            let end = at + size.min(posts.len() - at);
            ingest(&desk, &posts[at..end]).await;
            raised += desk.detect().await.unwrap().len();
            at = end;
            if at == posts.len() {
                break;
            }
        }
        let live = sorted(desk.list_alerts(None).await.unwrap());
        assert!(live.len() >= 4 && raised >= live.len(), "{}: the bursts were found live: {live:#?}", db.url);
        let replayed = sorted(desk.replay(&desk.thresholds().await.unwrap(), false).await.unwrap());
        assert_eq!(live.iter().map(essence).collect::<Vec<_>>(), replayed.iter().map(essence).collect::<Vec<_>>(), "{}: live = replay", db.url);
        assert!(replayed.iter().all(|a| a.id == 0), "{}: a dry run stores nothing", db.url);
        // Replaying with --write gives the same alerts, stored.
        let written = sorted(desk.replay(&desk.thresholds().await.unwrap(), true).await.unwrap());
        assert_eq!(written.iter().map(essence).collect::<Vec<_>>(), live.iter().map(essence).collect::<Vec<_>>(), "{}", db.url);
        assert!(written.iter().all(|a| a.id > 0), "{}", db.url);
        assert!(desk.detect().await.unwrap().is_empty(), "{}: nothing new to judge after a replay", db.url);
    }
}

#[tokio::test]
async fn alerts_are_acknowledged_and_resolved_with_who_and_when_and_thresholds_are_versioned() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let mut posts = flat(2);
        burst(&mut posts, 24 * 5 + 12, 50, Some("American"), None);
        ingest(&desk, &posts).await;
        desk.detect().await.unwrap();
        let a = desk.list_alerts(Some(AlertStatus::Open)).await.unwrap().into_iter().find(|a| a.scope == "account:American").expect("the burst alerts");

        let acked = desk.acknowledge(a.id).await.unwrap();
        assert_eq!(acked.status, AlertStatus::Acknowledged, "{}", db.url);
        let resolved = desk.resolve(a.id, Some("  crew strike, statement posted ")).await.unwrap();
        assert_eq!((resolved.status, resolved.note.as_deref()), (AlertStatus::Resolved, Some("crew strike, statement posted")), "{}", db.url);
        let log = desk.alert_log(a.id).await.unwrap();
        assert_eq!(log.iter().map(|e| e.status).collect::<Vec<_>>(), [AlertStatus::Acknowledged, AlertStatus::Resolved], "{}", db.url);
        assert!(log.iter().all(|e| e.actor == desk.me().handle && e.at > 0), "{}: who and when", db.url);
        assert_eq!(desk.resolve(a.id, None).await.unwrap_err().code, "invalid", "{}: resolved stays resolved", db.url);
        assert_eq!(desk.acknowledge(999_999).await.unwrap_err().code, "not_found", "{}", db.url);
        assert!(desk.list_alerts(Some(AlertStatus::Resolved)).await.unwrap().iter().any(|x| x.id == a.id), "{}", db.url);

        // Thresholds: the commented defaults until saved; a bad file is refused with its reason.
        assert!(desk.thresholds_text().await.unwrap().contains("min_count"), "{}", db.url);
        let err = desk.save_thresholds("min_count = 0").await.unwrap_err();
        assert_eq!(err.code, "invalid", "{}", db.url);
        assert!(err.message.contains("min_count"), "{}: {}", db.url, err.message);
        assert!(desk.save_thresholds("quiet_hours = \"two\"").await.is_err(), "{}", db.url);
        let v = desk.save_thresholds("min_count = 500\n").await.unwrap();
        assert_eq!((v.version, v.saved_by.as_str()), (1, desk.me().handle.as_str()), "{}", db.url);
        assert_eq!(desk.thresholds().await.unwrap().min_count, 500, "{}", db.url);
        // Tuned thresholds on the past: a dry run finds nothing, and stores nothing.
        assert!(desk.replay(&desk.thresholds().await.unwrap(), false).await.unwrap().is_empty(), "{}", db.url);
        assert!(!desk.list_alerts(None).await.unwrap().is_empty(), "{}: the stored alerts stay", db.url);
    }
}

#[tokio::test]
async fn the_teams_alert_rules_act_once_on_the_cases_behind_a_new_alert() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let rules = r#"
[[rule]]
name = "Lost luggage surge to PR"
on = "alert_raised"
when = { alert_kind = "negative_spike", alert_scope = "topic:lost luggage", alert_severity = ["medium", "high"] }
then = [{ route = "pr" }, { tag = "surge" }, { alert = "page the PR lead" }]
stop = true

[[rule]]
name = "Any other alert"
on = "alert_raised"
then = [{ tag = "spike-seen" }]
"#;
        desk.save_rules(rules).await.unwrap();
        let mut posts = flat(5);
        let hour = 24 * 4 + 15;
        burst(&mut posts, hour, 30, None, Some("lost luggage"));
        ingest(&desk, &posts).await;
        desk.detect().await.unwrap();
        let alerts = desk.list_alerts(None).await.unwrap();
        let luggage = alerts.iter().find(|a| a.scope == "topic:lost luggage").expect("the luggage alert");
        let pr = desk.store().department_by_slug("pr").await.unwrap();
        for example in &luggage.examples {
            let case = desk.case_detail(example.case_id).await.unwrap();
            assert_eq!(case.case.department.as_deref(), Some(pr.name.as_str()), "{}: routed to PR by the rule", db.url);
            let paged = case.events.iter().filter(|e| e.summary.contains("page the PR lead") || e.body.as_deref().unwrap_or("").contains("page the PR lead")).count();
            assert_eq!(paged, 1, "{}: the lead is paged once on the case: {:#?}", db.url, case.events);
        }
        // Nothing new: detecting again does not act again.
        ingest(&desk, &[post(999_999, T0 + (HOURS + 2) * HOUR, "Delta", "late flight", false)]).await;
        desk.detect().await.unwrap();
        let case = desk.case_detail(luggage.examples[0].case_id).await.unwrap();
        let paged = case.events.iter().filter(|e| e.summary.contains("page the PR lead") || e.body.as_deref().unwrap_or("").contains("page the PR lead")).count();
        assert_eq!(paged, 1, "{}: one incident, one page", db.url);
    }
}
