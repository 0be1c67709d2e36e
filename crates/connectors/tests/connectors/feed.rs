//! The RSS/Atom connector against feeds served on loopback.

use switchboard_connectors::{Connector, ConnectorError, FeedConfig, FeedConnector};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fast_http, fixture};

fn rss(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/rss+xml")
        .set_body_string(body)
}

async fn connector(server: &MockServer, route: &str) -> FeedConnector {
    let mut config = FeedConfig::new(format!("{}{route}", server.uri()));
    config.account = Some("lumen".into());
    FeedConnector::new(config, fast_http()).unwrap()
}

#[tokio::test]
async fn first_poll_returns_every_entry_oldest_first() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/reviews.rss"))
        .respond_with(rss(fixture("reviews-rss-1.xml")))
        .mount(&server)
        .await;
    let feed = connector(&server, "/reviews.rss").await;

    let poll = feed.poll(None).await.expect("first poll works");
    let ids: Vec<_> = poll
        .posts
        .iter()
        .map(|p| p.post.external_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["review-1001", "review-1002"],
        "all entries, oldest first"
    );
    let first = &poll.posts[0];
    assert_eq!(first.post.channel, "rss");
    assert_eq!(first.post.author, "Priya N.", "dc:creator is the author");
    assert_eq!(first.post.account.as_deref(), Some("lumen"));
    assert_eq!(
        first.post.created_at, 1_740_993_300_000,
        "pubDate Mon, 03 Mar 2025 09:15:00 GMT"
    );
    assert_eq!(
        first.post.text,
        "Lumen broadband: fast, but the router keeps dropping\nSpeeds are great & stable on cable, but the Wi-Fi drops every evening.\n3/5",
        "title then summary, HTML stripped"
    );
    assert_eq!(
        first.url.as_deref(),
        Some("https://reviews.example.org/r/1001")
    );
    assert!(poll.next_cursor.is_some() && !poll.more);
}

#[tokio::test]
async fn second_poll_with_cursor_returns_only_new_entries() {
    let server = MockServer::start().await;
    Mock::given(path("/reviews.rss"))
        .respond_with(rss(fixture("reviews-rss-1.xml")))
        .mount(&server)
        .await;
    let feed = connector(&server, "/reviews.rss").await;
    let first = feed.poll(None).await.unwrap();
    let cursor = first.next_cursor.expect("a cursor after the first poll");

    let again = feed.poll(Some(&cursor)).await.unwrap();
    assert!(
        again.posts.is_empty(),
        "the same feed again yields nothing: {:?}",
        again.posts
    );

    server.reset().await;
    Mock::given(path("/reviews.rss"))
        .respond_with(rss(fixture("reviews-rss-2.xml")))
        .mount(&server)
        .await;
    let second = feed.poll(Some(&cursor)).await.unwrap();
    let ids: Vec<_> = second
        .posts
        .iter()
        .map(|p| p.post.external_id.as_str())
        .collect();
    assert_eq!(ids, ["review-1003"], "only the entry newer than the cursor");
}

#[tokio::test]
async fn atom_entries_use_published_then_updated() {
    let server = MockServer::start().await;
    Mock::given(path("/tech.atom"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/atom+xml")
                .set_body_string(fixture("news-atom.xml")),
        )
        .mount(&server)
        .await;
    let feed = connector(&server, "/tech.atom").await;
    let poll = feed.poll(None).await.unwrap();
    assert_eq!(poll.posts.len(), 2);
    let fibre = &poll.posts[0].post;
    assert_eq!(fibre.author, "Dana Whitfield");
    assert_eq!(
        fibre.created_at, 1_741_071_600_000,
        "published wins over updated"
    );
    assert_eq!(
        fibre.text,
        "Lumen broadband to expand fibre to three towns\nThe provider says work starts in April."
    );
    let council = &poll.posts[1].post;
    assert_eq!(
        council.author, "Valley Ledger — Technology",
        "no author: the feed title"
    );
    assert_eq!(
        council.created_at, 1_741_174_200_000,
        "only updated: use it"
    );
}

#[tokio::test]
async fn unchanged_feed_costs_a_304_via_etag() {
    let server = MockServer::start().await;
    Mock::given(path("/reviews.rss"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/reviews.rss"))
        .respond_with(
            rss(fixture("reviews-rss-1.xml"))
                .insert_header("etag", "\"v1\"")
                .insert_header("last-modified", "Tue, 04 Mar 2025 10:00:00 GMT"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let feed = connector(&server, "/reviews.rss").await;
    let first = feed.poll(None).await.unwrap();
    assert!(
        first.next_cursor.as_ref().unwrap().as_str().contains("v1"),
        "the ETag is kept in the cursor"
    );

    let second = feed
        .poll(first.next_cursor.as_ref())
        .await
        .expect("a 304 is not an error");
    assert!(second.posts.is_empty());
    assert_eq!(
        second.next_cursor, None,
        "nothing changed: keep the saved cursor"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[1].headers.get("if-modified-since").unwrap(),
        "Tue, 04 Mar 2025 10:00:00 GMT"
    );
}

#[tokio::test]
async fn malformed_feed_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(path("/broken.rss"))
        .respond_with(rss(
            "<rss version=\"2.0\"><channel><item><title>cut off".into()
        ))
        .mount(&server)
        .await;
    let feed = connector(&server, "/broken.rss").await;
    let err = feed
        .poll(None)
        .await
        .expect_err("a truncated feed must fail");
    assert!(matches!(err, ConnectorError::Malformed(_)), "got {err:?}");

    server.reset().await;
    Mock::given(path("/broken.rss"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"not\": \"a feed\"}"))
        .mount(&server)
        .await;
    assert!(matches!(
        feed.poll(None).await,
        Err(ConnectorError::Malformed(_))
    ));
}

#[tokio::test]
async fn feeds_do_not_reply_and_report_health() {
    let server = MockServer::start().await;
    Mock::given(path("/reviews.rss"))
        .respond_with(rss(fixture("reviews-rss-1.xml")))
        .mount(&server)
        .await;
    let feed = connector(&server, "/reviews.rss").await;
    assert!(feed.health().await.is_ok());
    let boxed: Box<dyn Connector> = Box::new(feed);
    let req = switchboard_connectors::ReplyRequest {
        in_reply_to: "review-1001".into(),
        conversation: None,
        text: "Sorry to hear that".into(),
        direct: false,
        idempotency_key: "k1".into(),
        queued_at: 1_764_201_600_000,
    };
    assert_eq!(
        boxed.send_reply(req).await,
        Err(ConnectorError::Unsupported("replies"))
    );
    assert_eq!(
        boxed.search("lumen", None).await,
        Err(ConnectorError::Unsupported("search"))
    );
}
