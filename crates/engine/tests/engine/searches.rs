//! Listening queries sent to a network's search (X recent search on recorded
//! payloads, on loopback): the translated query is what goes out, results
//! that do not match locally are not kept, matches are routed and tagged,
//! a repeated search stores nothing twice, and a rate limit is recorded with
//! the time of the next search while the cursor stays.

use std::time::Duration;

use serde_json::json;
use switchboard_connectors::{Http, HttpConfig, Secret, XConfig, XConnector};
use switchboard_core::case::EventKind;
use switchboard_engine::searches::{search_due, SEARCH_EVERY_MS};
use switchboard_engine::Desk;
use switchboard_store::testing::stores;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ME: &str = "1300000000000000001";
const SEARCH: &str = "/2/tweets/search/recent";
/// What the query below becomes on X: the negation is left to local matching.
const SENT: &str = r#"lumen (router OR "gig plan")"#;

fn fixture(name: &str) -> String {
    let path = format!("{}/../connectors/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn x(server: &MockServer) -> XConnector {
    let http = Http::new(HttpConfig {
        timeout: Duration::from_millis(2000),
        connect_timeout: Duration::from_millis(500),
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_rate_limit_wait: Duration::from_secs(1),
        ..HttpConfig::default()
    })
    .unwrap();
    let mut config = XConfig::new(Secret::new("x-search-token"), ME);
    config.base_url = server.uri();
    config.account = Some("LumenBroadband".into());
    XConnector::new(config, http).unwrap()
}

/// The `query` and `since_id` of every search the mock received, in order.
async fn searches_sent(server: &MockServer) -> Vec<(String, Option<String>)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == SEARCH)
        .map(|r| {
            let get = |k: &str| r.url.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.to_string());
            (get("query").unwrap_or_default(), get("since_id"))
        })
        .collect()
}

#[tokio::test]
async fn a_query_goes_to_the_network_search_and_only_exact_matches_are_kept_routed_and_tagged() {
    for db in stores().await {
        let s = &db.store;
        let server = MockServer::start().await;
        let desk = Desk::with_store(s.clone()).await.unwrap();
        // "switching" rules out one of the two tweets X returns for the search.
        let q = desk.add_listening_query("Routers", r#"lumen (router OR "gig plan") -switching"#, Some("pr"), Some("router")).await.unwrap();
        assert_eq!(q.tag.as_deref(), Some("router"), "{}", db.url);
        let account = s.upsert_account("x", "LumenBroadband", &server.uri(), &json!({ "user_id": ME }), None).await.unwrap();
        let connector = x(&server);

        Mock::given(method("GET"))
            .and(path(SEARCH))
            .and(query_param("query", SENT))
            .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/json").set_body_string(fixture("x-search.json")))
            .up_to_n_times(2)
            .mount(&server)
            .await;

        let now = switchboard_core::time::now_ms();
        let out = search_due(s, &account, &connector, now).await.unwrap();
        assert_eq!((out.searches, out.failed, out.fetched, out.kept, out.stored), (1, 0, 2, 1, 1), "{}: {out:?}", db.url);
        assert_eq!((out.routed, out.tagged), (1, 1), "{}: {out:?}", db.url);
        assert_eq!(searches_sent(&server).await, vec![(SENT.to_string(), None)], "{}: the translated query is sent", db.url);

        // The tweet about switching matched X's search but not the query: not kept.
        assert!(s.case_of_post("x", "1897654321000000190").await.is_err(), "{}", db.url);
        let case_id = s.case_of_post("x", "1897654321000000180").await.unwrap();
        let pr = s.department_by_slug("pr").await.unwrap().id;
        assert_eq!(s.case_summary(case_id).await.unwrap().department_id, Some(pr), "{}", db.url);
        assert_eq!(s.case_tags(case_id).await.unwrap(), vec!["router".to_string()], "{}", db.url);
        assert_eq!(s.cases_tagged("router").await.unwrap(), vec![case_id], "{}", db.url);
        let events = s.case_events(case_id).await.unwrap();
        let tagged: Vec<_> = events.iter().filter(|e| e.kind == EventKind::Tagged).collect();
        assert_eq!(tagged.len(), 1, "{}", db.url);
        assert_eq!((tagged[0].actor.as_str(), tagged[0].summary.as_str()), ("listening:Routers", "tagged router"), "{}", db.url);

        let saved = s.listening_search(q.id, account.id).await.unwrap().unwrap();
        assert_eq!(saved.search, SENT, "{}", db.url);
        assert_eq!(saved.cursor.as_deref(), Some(r#"{"since_id":"1897654321000000190"}"#), "{}", db.url);
        assert_eq!((saved.posts_found, saved.last_error.as_deref()), (1, None), "{}", db.url);
        assert_eq!(saved.next_search_at, Some(now + SEARCH_EVERY_MS), "{}", db.url);

        // Not due yet: nothing is sent.
        let out = search_due(s, &account, &connector, now + 1_000).await.unwrap();
        assert_eq!((out.searches, out.not_due), (0, 1), "{}", db.url);
        assert_eq!(searches_sent(&server).await.len(), 1, "{}", db.url);

        // Due again: the cursor goes out, the network answers the same tweets,
        // nothing is stored twice and the case is not tagged again.
        let later = now + 2 * SEARCH_EVERY_MS;
        let out = search_due(s, &account, &connector, later).await.unwrap();
        assert_eq!((out.searches, out.fetched, out.kept, out.stored, out.new_cases, out.tagged), (1, 2, 1, 0, 0, 0), "{}: {out:?}", db.url);
        assert_eq!(searches_sent(&server).await[1], (SENT.to_string(), Some("1897654321000000190".to_string())), "{}", db.url);
        assert_eq!(s.post_count().await.unwrap(), 1, "{}", db.url);
        assert_eq!(s.case_events(case_id).await.unwrap().iter().filter(|e| e.kind == EventKind::Tagged).count(), 1, "{}", db.url);
        assert_eq!(s.listening_search(q.id, account.id).await.unwrap().unwrap().posts_found, 1, "{}", db.url);

        // Rate limited: the error is recorded in plain words, the next search
        // waits for X's reset, and the cursor stays.
        let reset = (later / 1000) + 900;
        server.reset().await;
        Mock::given(path(SEARCH))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("x-rate-limit-remaining", "0")
                    .insert_header("x-rate-limit-reset", reset.to_string().as_str())
                    .set_body_string(r#"{"title":"Too Many Requests","status":429}"#),
            )
            .mount(&server)
            .await;
        let again = later + 2 * SEARCH_EVERY_MS;
        let out = search_due(s, &account, &connector, again).await.unwrap();
        assert_eq!((out.searches, out.failed, out.stored), (1, 1, 0), "{}: {out:?}", db.url);
        assert!(out.errors[0].contains("Routers"), "{}: {:?}", db.url, out.errors);
        let saved = s.listening_search(q.id, account.id).await.unwrap().unwrap();
        assert!(saved.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{}: {saved:?}", db.url);
        assert!(saved.last_error_at.is_some(), "{}", db.url);
        assert_eq!(saved.next_search_at, Some(reset * 1000), "{}: the next search waits for the reset", db.url);
        assert_eq!(saved.cursor.as_deref(), Some(r#"{"since_id":"1897654321000000190"}"#), "{}: the cursor stays", db.url);
        // Before the reset nothing goes out.
        let out = search_due(s, &account, &connector, reset * 1000 - 1).await.unwrap();
        assert_eq!((out.searches, out.not_due), (0, 1), "{}", db.url);
        assert_eq!(searches_sent(&server).await.len(), 1, "{}", db.url);
    }
}

#[tokio::test]
async fn a_changed_query_starts_afresh_and_queries_a_network_cannot_narrow_are_not_sent() {
    for db in stores().await {
        let s = &db.store;
        let server = MockServer::start().await;
        let desk = Desk::with_store(s.clone()).await.unwrap();
        let account = s.upsert_account("x", "LumenBroadband", &server.uri(), &json!({ "user_id": ME }), None).await.unwrap();
        let connector = x(&server);
        Mock::given(path(SEARCH))
            .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/json").set_body_string(fixture("x-search.json")))
            .mount(&server)
            .await;
        let now = switchboard_core::time::now_ms();

        // Nothing X's search can narrow (a prefix, a follower count, a negation): not sent.
        desk.add_listening_query("Wide", "lum* followers:>1000 -spam", None, None).await.unwrap();
        // channel:mastodon can never match on X: not sent either.
        desk.add_listening_query("Elsewhere", "lumen channel:mastodon", None, None).await.unwrap();
        let out = search_due(s, &account, &connector, now).await.unwrap();
        assert_eq!(out.searches, 0, "{}: {out:?}", db.url);
        assert!(searches_sent(&server).await.is_empty(), "{}", db.url);

        let q = desk.add_listening_query("Broadband", "lumen broadband", None, Some("broadband")).await.unwrap();
        let out = search_due(s, &account, &connector, now).await.unwrap();
        assert_eq!((out.searches, out.stored, out.tagged), (1, 2, 2), "{}: {out:?}", db.url);
        // The query now reads differently: it is searched at once, without the old cursor.
        desk.add_listening_query("Broadband", "lumen router", None, Some("broadband")).await.unwrap();
        let out = search_due(s, &account, &connector, now + 1).await.unwrap();
        assert_eq!((out.searches, out.stored), (1, 0), "{}: {out:?}", db.url);
        let sent = searches_sent(&server).await;
        assert_eq!(sent, vec![("lumen broadband".to_string(), None), ("lumen router".to_string(), None)], "{}", db.url);
        assert_eq!(s.listening_search(q.id, account.id).await.unwrap().unwrap().search, "lumen router", "{}", db.url);

        // A feed has no search: nothing to do, and no connector is needed.
        let feed = s.upsert_account("rss", "Reviews", "http://127.0.0.1:9/f.xml", &json!({}), None).await.unwrap();
        let out = desk.search_account(feed.id, now).await.unwrap();
        assert_eq!(out.searches, 0, "{}", db.url);
        assert_eq!(desk.run_searches(now).await.unwrap(), 0, "{}: the X account has no credentials here: passed over", db.url);
    }
}
