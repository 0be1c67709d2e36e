//! One poll of an account: posts committed before the cursor moves, errors
//! recorded in plain words with the cursor kept, nothing stored twice.

use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::json;
use switchboard_connectors::{Connector, ConnectorError, Cursor, FetchedPost, Health, Poll};
use switchboard_core::post::{Direction, NewPost};
use switchboard_engine::listen::poll_account;
use switchboard_store::testing::stores;

/// A network scripted page by page; it records the cursors it was asked with.
struct Scripted {
    pages: Mutex<Vec<Result<Poll, ConnectorError>>>,
    asked: Mutex<Vec<Option<String>>>,
}

impl Scripted {
    fn new(pages: Vec<Result<Poll, ConnectorError>>) -> Self {
        Scripted { pages: Mutex::new(pages), asked: Mutex::new(Vec::new()) }
    }
}

#[async_trait]
impl Connector for Scripted {
    fn channel(&self) -> &str {
        "mastodon"
    }
    async fn poll(&self, cursor: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        self.asked.lock().unwrap().push(cursor.map(|c| c.as_str().to_string()));
        let mut pages = self.pages.lock().unwrap();
        if pages.is_empty() {
            return Ok(Poll::default());
        }
        pages.remove(0)
    }
    async fn health(&self) -> Health {
        Health::Ok
    }
}

fn post(id: &str, reply_to: Option<&str>, minute: i64) -> FetchedPost {
    FetchedPost {
        post: NewPost {
            channel: "mastodon".into(),
            external_id: id.into(),
            author: "ana@social.example".into(),
            author_name: Some("Ana".into()),
            author_followers: Some(120),
            direction: Direction::Inbound,
            text: format!("@lumen post {id}"),
            created_at: 1_700_000_000_000 + minute * 60_000,
            reply_to: reply_to.map(str::to_string),
            account: Some("lumen".into()),
            labels: Vec::new(),
        },
        conversation: None,
        url: None,
    }
}

fn page(posts: Vec<FetchedPost>, cursor: &str, more: bool) -> Result<Poll, ConnectorError> {
    Ok(Poll { posts, next_cursor: Some(Cursor::new(cursor)), more })
}

#[tokio::test]
async fn pages_are_stored_then_the_cursor_moves_and_errors_keep_it() {
    for db in stores().await {
        let s = &db.store;
        let acct = s.upsert_account("mastodon", "lumen", "http://127.0.0.1:9", &json!({}), None).await.unwrap();

        let net = Scripted::new(vec![page(vec![post("1", None, 0), post("2", None, 1)], "c1", true), page(vec![post("3", Some("1"), 2)], "c2", false)]);
        let out = poll_account(s, acct.id, &net, 60_000).await.unwrap();
        assert_eq!((out.stored, out.new_cases, out.pages), (3, 2, 2), "{}", db.url);
        assert_eq!(*net.asked.lock().unwrap(), vec![None, Some("c1".to_string())], "{}", db.url);
        assert_eq!(s.account_state(acct.id).await.unwrap().1.as_deref(), Some("c2"), "{}", db.url);
        let a = s.account(acct.id).await.unwrap();
        assert_eq!((a.posts_fetched, a.last_error.is_none()), (3, true), "{}", db.url);
        assert!(a.next_poll_at.is_some(), "{}", db.url);
        assert_eq!(s.case_of_post("mastodon", "3").await.unwrap(), s.case_of_post("mastodon", "1").await.unwrap(), "{}", db.url);

        // The network fails: the error is kept in plain words, the cursor stays.
        let down = Scripted::new(vec![Err(ConnectorError::Server(503))]);
        let err = poll_account(s, acct.id, &down, 60_000).await.unwrap_err();
        assert_eq!(err.code, "server", "{}", db.url);
        let a = s.account(acct.id).await.unwrap();
        assert!(a.last_error.as_deref().unwrap().contains("503"), "{}: {:?}", db.url, a.last_error);
        assert_eq!(s.account_state(acct.id).await.unwrap().1.as_deref(), Some("c2"), "{}", db.url);

        // Rate limited: the next poll is due when the network says.
        let slow = Scripted::new(vec![Err(ConnectorError::RateLimited { retry_at: 4_102_444_800_000 })]);
        poll_account(s, acct.id, &slow, 60_000).await.unwrap_err();
        assert_eq!(s.account(acct.id).await.unwrap().next_poll_at, Some(4_102_444_800_000), "{}", db.url);

        // A crash after the commit and before the cursor was saved makes the
        // next poll fetch the same posts again: nothing is stored twice.
        let again = Scripted::new(vec![page(vec![post("3", Some("1"), 2), post("4", Some("3"), 3)], "c3", false)]);
        let out = poll_account(s, acct.id, &again, 60_000).await.unwrap();
        assert_eq!((out.fetched, out.stored), (2, 1), "{}", db.url);
        assert_eq!(s.post_count().await.unwrap(), 4, "{}", db.url);
        let a = s.account(acct.id).await.unwrap();
        assert_eq!((a.posts_fetched, a.last_error), (4, None), "{}: a good poll clears the error", db.url);
    }
}

#[tokio::test]
async fn due_accounts_are_polled_on_their_schedule() {
    use switchboard_engine::Desk;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let feed = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Reviews</title><link>http://r.example/</link><description>d</description>
        <item><guid>a1</guid><title>Lumen slow again</title><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
        <item><guid>a2</guid><title>Lumen fixed it</title><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"#;
    Mock::given(method("GET")).and(path("/f.xml")).respond_with(ResponseTemplate::new(200).set_body_string(feed)).mount(&server).await;
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let before = server.received_requests().await.unwrap().len();
        desk.connect_feed(&format!("{}/f.xml", server.uri()), Some("Reviews"), Some("reviews")).await.unwrap();
        let now = switchboard_core::time::now_ms();
        assert_eq!(desk.run_due(now).await.unwrap(), 2, "{}: never polled, so due", db.url);
        assert_eq!(desk.run_due(now + 1_000).await.unwrap(), 0, "{}", db.url);
        assert_eq!(server.received_requests().await.unwrap().len(), before + 1, "{}: not due yet: not fetched", db.url);
        desk.run_due(now + 10 * 60_000).await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), before + 2, "{}: due again after its interval", db.url);
        assert_eq!(db.store.post_count().await.unwrap(), 2, "{}", db.url);
    }
}

#[tokio::test]
async fn listening_queries_route_matching_posts_and_refuse_malformed_ones() {
    use switchboard_engine::Desk;
    for db in stores().await {
        let s = &db.store;
        let desk = Desk::with_store(s.clone()).await.unwrap();
        let err = desk.add_listening_query("broken", "outage AND (lumen OR", Some("pr"), None).await.unwrap_err();
        assert!(err.message.contains("column"), "{}: {}", db.url, err.message);
        let q = desk.add_listening_query("Outages", r#"(outage OR "no signal") -resolved"#, Some("pr"), None).await.unwrap();
        assert_eq!(q.query, r#"(outage OR "no signal") AND NOT resolved"#, "{}: stored in canonical form", db.url);

        let acct = s.upsert_account("mastodon", "lumen", "http://127.0.0.1:9", &json!({}), None).await.unwrap();
        let mut a = post("10", None, 0);
        a.post.text = "Total OUTAGE in Leeds since 7am".into();
        let mut b = post("11", None, 1);
        b.post.text = "outage resolved, thanks".into();
        let mut c = post("12", None, 2);
        c.post.text = "billing question".into();
        let net = Scripted::new(vec![page(vec![a, b, c], "c1", false)]);
        let out = poll_account(s, acct.id, &net, 60_000).await.unwrap();
        assert_eq!(out.routed, 1, "{}", db.url);
        let pr = s.department_by_slug("pr").await.unwrap().id;
        let dept = |id: &str| {
            let s = s.clone();
            let id = id.to_string();
            async move { s.case_summary(s.case_of_post("mastodon", &id).await.unwrap()).await.unwrap().department_id }
        };
        assert_eq!(dept("10").await, Some(pr), "{}", db.url);
        assert_eq!(dept("11").await, None, "{}: NOT resolved", db.url);
        assert_eq!(dept("12").await, None, "{}", db.url);
        let detail = s.case_detail(s.case_of_post("mastodon", "10").await.unwrap()).await.unwrap();
        assert!(detail.events.iter().any(|e| e.actor == "listening:Outages"), "{}: the event names the query", db.url);
        assert_eq!(s.listening_queries().await.unwrap()[0].matches, 1, "{}", db.url);
    }
}
