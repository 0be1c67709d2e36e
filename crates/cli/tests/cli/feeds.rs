//! Listening to a feed end to end: connect, poll over real HTTP on loopback,
//! posts become cases once, a failing feed says why and keeps its place.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::cmd;

fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Broadband Reviews</title><link>http://reviews.example/</link><description>Reviews</description>"#,
    );
    for (guid, date, title) in items {
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>http://reviews.example/{guid}</link><pubDate>{date}</pubDate><description>&lt;p&gt;About &lt;b&gt;Lumen&lt;/b&gt; broadband&lt;/p&gt;</description><author>reviewer@reviews.example (Pat Reviewer)</author></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

async fn serve(server: &MockServer, status: u16, body: String) {
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/feed.xml"))
        .respond_with(ResponseTemplate::new(status).insert_header("content-type", "application/rss+xml").set_body_string(body))
        .mount(server)
        .await;
}

#[test]
fn a_feed_polled_twice_stores_each_entry_once_and_a_failure_is_shown() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let first = [
        ("r-1", "Mon, 23 Nov 2026 09:00:00 GMT", "Lumen outage again"),
        ("r-2", "Mon, 23 Nov 2026 10:00:00 GMT", "Great support from Lumen"),
    ];
    rt.block_on(serve(&server, 200, rss(&first)));
    let url = format!("{}/feed.xml", server.uri());

    let out = cmd(&db).args(["connect", "feed", &url, "--name", "Broadband Reviews", "--channel", "reviews"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cmd(&db).arg("poll").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 new posts, 2 new cases"), "{}", String::from_utf8_lossy(&out.stdout));

    // Unchanged feed: nothing new. A new entry: only it.
    let out = cmd(&db).arg("poll").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 new posts"), "{}", String::from_utf8_lossy(&out.stdout));
    let mut second = first.to_vec();
    second.insert(0, ("r-3", "Tue, 24 Nov 2026 08:00:00 GMT", "Lumen billing <script>alert(1)</script>"));
    rt.block_on(serve(&server, 200, rss(&second)));
    let out = cmd(&db).arg("poll").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 new posts"), "{}", String::from_utf8_lossy(&out.stdout));

    let export = cmd(&db).args(["export", "posts", "--format", "jsonl"]).output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&export.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["channel"] == "reviews"), "{lines:?}");
    let texts: Vec<&str> = lines.iter().map(|l| l["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.contains("About Lumen broadband") && !t.contains("<b>")), "HTML becomes text: {texts:?}");

    // The feed breaks: the poll fails in plain words and the account shows it.
    rt.block_on(serve(&server, 404, "gone".into()));
    let out = cmd(&db).arg("poll").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let accounts = String::from_utf8_lossy(&cmd(&db).arg("accounts").output().unwrap().stdout).to_string();
    assert!(accounts.contains("Broadband Reviews") && accounts.contains("3 posts") && accounts.contains("last error"), "{accounts}");

    // Not a feed address at all.
    let out = cmd(&db).args(["connect", "feed", "ftp://example/x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http"), "{}", String::from_utf8_lossy(&out.stderr));
}
