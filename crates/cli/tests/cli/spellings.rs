//! The issue's spellings of the headless setup: `accounts add|list`,
//! `poll --once` (with the listening searches it sends), `reply CASE --text`,
//! `queries add|list` (and `listen` as an alias), with their usage errors
//! (exit 2); the older spellings are covered by the other files.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{cmd, keychain_here};

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Reviews</title><link>http://r.example/</link><description>d</description>
<item><guid>s-1</guid><title>Lumen router keeps dropping</title><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
<item><guid>s-2</guid><title>Lumen support was great</title><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"#;

#[test]
fn accounts_add_list_poll_once_and_queries_in_the_new_spellings() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/feed.xml"))
            .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/rss+xml").set_body_string(FEED))
            .mount(&server),
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let url = format!("{}/feed.xml", server.uri());

    let out = cmd(&db).args(["queries", "add", "Routers", "router -switching", "--department", "contact-centre", "--tag", "router"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("(tag router)"), "{}", text(&out));
    let out = cmd(&db).args(["queries", "add", "Broken", "router AND (lumen OR"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("column"), "{}", text(&out));

    let out = cmd(&db).args(["accounts", "add", "rss", "--base-url", &url, "--name", "Reviews", "--channel", "reviews"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    for list in [&["accounts"][..], &["accounts", "list"][..]] {
        let out = cmd(&db).args(list).output().unwrap();
        assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Reviews"), "{list:?}: {}", text(&out));
    }

    let out = cmd(&db).args(["poll", "--once"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("rss Reviews: 2 fetched, 2 new posts, 2 new cases, 1 routed"), "{stdout}");
    assert!(!stdout.contains("searches"), "a feed has no search: {stdout}");

    // `listen` is still the same command.
    for list in [&["queries", "list"][..], &["listen", "list"][..]] {
        let out = cmd(&db).args(list).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(stdout.contains("Routers") && stdout.contains("tag router") && stdout.contains("1 matches"), "{list:?}: {stdout}");
    }
    let out = cmd(&db).args(["inbox", "--department", "contact-centre"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 cases"), "{}", text(&out));
}

#[test]
fn bad_usage_exits_2_and_asks_for_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let cases: &[&[&str]] = &[
        &["accounts", "add", "mastodon", "--handle", "lumen"],
        &["accounts", "add", "mastodon", "--base-url", "https://social.example"],
        &["accounts", "add", "x", "--handle", "lumen"],
        &["accounts", "add", "bluesky"],
        &["accounts", "add", "rss"],
        &["accounts", "add", "myspace", "--base-url", "http://x"],
        &["accounts", "add", "reddit", "--handle", "lumen", "--oauth"],
        &["reply", "12"],
        &["reply", "12", "hello", "--text", "hello"],
        &["queries", "add", "OnlyName"],
    ];
    for args in cases {
        // No token on stdin: a command that wrongly read one would fail otherwise.
        let out = cmd(&db).args(*args).env_remove("SWITCHBOARD_TOKEN").write_stdin("").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty(), "{args:?} says why");
    }
}

#[test]
fn an_x_account_added_polled_once_searched_and_answered_with_text() {
    if !keychain_here() {
        return;
    }
    const X_TOKEN: &str = "x-user-token-S3arch";
    // The query on X: the negation is left to local matching.
    const SENT: &str = r#"lumen (router OR "gig plan")"#;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        let json = |status: u16, body: &str| ResponseTemplate::new(status).insert_header("content-type", "application/json").set_body_string(body);
        Mock::given(method("GET"))
            .and(path("/2/users/me"))
            .respond_with(json(200, include_str!("../../../connectors/tests/fixtures/x-users-me.json")))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2/users/1300000000000000001/mentions"))
            .respond_with(json(200, include_str!("../../../connectors/tests/fixtures/x-mentions-empty.json")))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2/tweets/search/recent"))
            .respond_with(json(200, include_str!("../../../connectors/tests/fixtures/x-search.json")))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/2/tweets"))
            .respond_with(json(201, include_str!("../../../connectors/tests/fixtures/x-tweet-created.json")))
            .mount(&server)
            .await;
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let out = cmd(&db)
        .args(["accounts", "add", "x", "--base-url", &server.uri(), "--handle", "@LumenBroadband", "--user-id", "1300000000000000001"])
        .write_stdin(format!("{X_TOKEN}\n"))
        .env_remove("SWITCHBOARD_TOKEN")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("keychain"), "{}", text(&out));
    let out = cmd(&db).args(["queries", "add", "Routers", r#"lumen (router OR "gig plan") -switching"#, "--department", "pr", "--tag", "router"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));

    let out = cmd(&db).args(["poll", "--once"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("1 searches, 2 found, 1 kept, 1 new posts, 1 new cases, 1 routed, 1 tagged"), "{stdout}");
    let queries: Vec<String> = rt
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/2/tweets/search/recent")
        .filter_map(|r| r.url.query_pairs().find(|(k, _)| k == "query").map(|(_, v)| v.to_string()))
        .collect();
    assert_eq!(queries, vec![SENT.to_string()]);
    let out = cmd(&db).args(["poll", "--once"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 searches not due yet"), "{}", text(&out));
    let out = cmd(&db).args(["queries", "list"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("searched on x LumenBroadband") && stdout.contains("1 posts found"), "{stdout}");

    // The routed case is answered with --text, in the thread of the post the search found.
    let inbox = String::from_utf8_lossy(&cmd(&db).args(["inbox", "--department", "pr"]).output().unwrap().stdout).to_string();
    let case = inbox.lines().nth(1).unwrap().trim_start_matches('#').split_whitespace().next().unwrap().to_string();
    let out = cmd(&db).args(["reply", &case, "--text", "A factory reset often helps; DM us if not."]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let posted: Vec<_> = rt.block_on(server.received_requests()).unwrap().into_iter().filter(|r| r.method.as_str() == "POST").collect();
    let body: serde_json::Value = serde_json::from_slice(&posted[0].body).unwrap();
    assert_eq!(body["reply"]["in_reply_to_tweet_id"], "1897654321000000180", "{body}");
    assert!(body["text"].as_str().unwrap_or("").contains("A factory reset often helps; DM us if not."), "{body}");
}
