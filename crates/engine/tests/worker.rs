//! Leased rounds with two desks on one workspace (each backend): the first
//! takes the feed account, the SLA clocks and the outbox and polls; the other
//! passes over all of them and fetches nothing; once the first stops renewing
//! and its leases expire the other takes them, and the first learns it lost
//! them; `serve` gives its leases back when it stops.

use std::time::{Duration, Instant};

use switchboard_engine::worker::{serve, Worker};
use switchboard_engine::Desk;
use switchboard_store::testing::stores;
use switchboard_store::Store;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Reviews</title><link>http://r.example/</link><description>d</description>
    <item><guid>a1</guid><title>Lumen slow again</title><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
    <item><guid>a2</guid><title>Lumen fixed it</title><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_desk_works_an_account_until_its_lease_expires_then_the_other_takes_over() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/f.xml")).respond_with(ResponseTemplate::new(200).set_body_string(FEED)).mount(&server).await;
    for db in stores().await {
        let url = &db.url;
        let a = Desk::with_store(db.store.clone()).await.unwrap();
        let b = Desk::with_store(Store::connect(url).await.unwrap()).await.unwrap();
        let account = a.connect_feed(&format!("{}/f.xml", server.uri()), Some("Reviews"), Some("reviews")).await.unwrap();
        let lease = format!("account:{}", account.id);
        let (wa, wb) = (Worker::new("a", 1_000).unwrap(), Worker::new("b", 1_000).unwrap());
        assert_ne!(wa.id(), wb.id());
        let fetched = || async { server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/f.xml").count() };
        let before = fetched().await;
        let now = switchboard_core::time::now_ms();

        let ra = a.run_due_leased(&wa, now).await.unwrap();
        assert_eq!(ra.taken, vec![lease.clone(), "sla".into(), "outbox".into()], "{url}");
        assert_eq!((ra.polled, ra.stored), (1, 2), "{url}: {ra:?}");
        assert!(ra.noteworthy());
        let rb = b.run_due_leased(&wb, now + 10 * 60_000).await.unwrap();
        assert!(rb.taken.is_empty() && rb.polled == 0 && !rb.noteworthy(), "{url}: all held by the other: {rb:?}");
        assert_eq!(fetched().await, before + 1, "{url}: only the holder fetched");

        // The first desk stops (no rounds, no renewals): its leases expire
        // and the other's next round takes them.
        // (A took them one after the other, so they expire one after the other.)
        let deadline = Instant::now() + Duration::from_secs(30);
        let (mut taken, mut polled, mut stored) = (Vec::new(), 0, 0);
        while taken.len() < 3 {
            let rb = b.run_due_leased(&wb, now + 20 * 60_000).await.unwrap();
            taken.extend(rb.taken);
            (polled, stored) = (polled + rb.polled, stored + rb.stored);
            assert!(Instant::now() < deadline, "{url}: the leases never all expired: {taken:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(taken, vec![lease.clone(), "sla".into(), "outbox".into()], "{url}");
        assert!(polled >= 1 && stored == 0, "{url}: polled again ({polled}), nothing twice ({stored})");
        assert_eq!(db.store.post_count().await.unwrap(), 2, "{url}");
        let ra = a.run_due_leased(&wa, now + 30 * 60_000).await.unwrap();
        assert_eq!(ra.lost, vec![lease.clone(), "sla".into(), "outbox".into()], "{url}: the first learns it lost them: {ra:?} {:?}", db.store.leases().await.unwrap());
        assert_eq!(ra.polled, 0, "{url}");
        assert!(wa.held().is_empty(), "{url}");

        // `serve` for one round, then its leases are given back.
        let released = serve(&b, &wb, Duration::from_millis(10), true, std::future::pending(), |r| assert!(r.is_ok())).await.unwrap();
        assert_eq!(released, 3, "{url}");
        assert!(db.store.leases().await.unwrap().is_empty(), "{url}");
        assert!(Worker::new("a", 10).is_err(), "a lease too short to renew is refused");
    }
}

#[tokio::test]
async fn an_account_this_machine_has_no_credentials_for_is_left_to_another_worker() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/f.xml")).respond_with(ResponseTemplate::new(200).set_body_string(FEED)).mount(&server).await;
    for db in stores().await {
        let url = &db.url;
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let feed = desk.connect_feed(&format!("{}/f.xml", server.uri()), Some("Reviews"), Some("reviews")).await.unwrap();
        // Connected from another machine: its token is in that machine's keychain, not here.
        let elsewhere = db.store.upsert_account("mastodon", "lumen", "http://127.0.0.1:9", &serde_json::json!({}), None).await.unwrap();
        let w = Worker::new("a", 60_000).unwrap();
        let now = switchboard_core::time::now_ms();

        let r = desk.run_due_leased(&w, now).await.unwrap();
        assert!(r.taken.contains(&format!("account:{}", feed.id)), "{url}: {r:?}");
        assert!(!r.taken.contains(&format!("account:{}", elsewhere.id)), "{url}: {r:?}");
        assert!(db.store.lease(&format!("account:{}", elsewhere.id)).await.unwrap().is_none(), "{url}: nobody holds it for nothing");
        let said: Vec<_> = r.errors.iter().filter(|e| e.contains("not worked here")).collect();
        assert_eq!(said.len(), 1, "{url}: said once: {:?}", r.errors);
        // The next round does not say it again.
        let r = desk.run_due_leased(&w, now + 1_000).await.unwrap();
        assert!(!r.errors.iter().any(|e| e.contains("not worked here")), "{url}: {:?}", r.errors);
    }
}
