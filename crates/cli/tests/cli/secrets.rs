//! A Mastodon account connected, polled and answered through the command,
//! against recorded payloads in Mastodon's own format on loopback; then no
//! trace of its token anywhere but the OS keychain: not in the database
//! file, not in any output, not in an export.

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{cmd, keychain_here};

const TOKEN: &str = "tok-SECRET-7Hq2xZ";


const ACCOUNT: &str = r#"{"id":"109000000000000001","username":"lumen","acct":"lumen","display_name":"Lumen Broadband","locked":false,"bot":false,"discoverable":true,"group":false,"created_at":"2023-01-10T00:00:00.000Z","note":"","url":"https://social.example/@lumen","uri":"https://social.example/users/lumen","avatar":"","avatar_static":"","header":"","header_static":"","followers_count":5800,"following_count":10,"statuses_count":900,"last_status_at":"2025-03-05","emojis":[],"fields":[]}"#;

#[test]
fn a_connected_account_leaves_its_token_only_in_the_keychain() {
    if !keychain_here() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        let bearer = format!("Bearer {TOKEN}");
        Mock::given(method("GET"))
            .and(path("/api/v1/accounts/verify_credentials"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_string(ACCOUNT))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/accounts/verify_credentials"))
            .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error":"The access token is invalid"}"#))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/notifications"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_string(include_str!("../../../connectors/tests/fixtures/mastodon-notifications.json")))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/v1/statuses"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_string(include_str!("../../../connectors/tests/fixtures/mastodon-status-reply.json")))
            .mount(&server)
            .await;
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let mut outputs = String::new();
    let mut run = |args: &[&str], token: Option<&str>| {
        let mut c = cmd(&db);
        c.args(args).env_remove("SWITCHBOARD_TOKEN");
        if let Some(t) = token {
            c.env("SWITCHBOARD_TOKEN", t);
        }
        let out = c.output().unwrap();
        outputs.push_str(&String::from_utf8_lossy(&out.stdout));
        outputs.push_str(&String::from_utf8_lossy(&out.stderr));
        out
    };

    // A wrong token is refused in plain words and never echoed.
    let out = run(&["connect", "mastodon", &server.uri(), "--handle", "lumen"], Some("tok-WRONG-1"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not accept the token"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = run(&["connect", "mastodon", &server.uri(), "--handle", "@lumen"], Some(TOKEN));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["poll"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 new posts"), "{}", String::from_utf8_lossy(&out.stdout));

    let inbox = String::from_utf8_lossy(&run(&["inbox"], None).stdout).to_string();
    let case: String = inbox.lines().nth(1).unwrap().trim_start_matches('#').split_whitespace().next().unwrap().to_string();
    let out = run(&["reply", &case, "Glad it's back, thanks for letting us know!"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sent as 113900000000000300"), "{}", String::from_utf8_lossy(&out.stdout));
    let sent: Vec<_> = rt.block_on(server.received_requests()).unwrap().into_iter().filter(|r| r.method.as_str() == "POST").collect();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].headers.get("idempotency-key").is_some(), "every reply carries its idempotency key");

    for what in ["posts", "cases"] {
        for format in ["csv", "jsonl"] {
            run(&["export", what, "--format", format], None);
        }
    }
    assert!(outputs.contains("Glad it's back"), "the export holds the reply");
    assert!(!outputs.contains(TOKEN) && !outputs.contains("tok-WRONG-1"), "a token in the output:\n{outputs}");
    for file in ["w.db", "w.db-wal", "w.db-shm"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(file)) {
            assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()), "the token is in {file}");
        }
    }
}

#[test]
fn an_x_account_is_connected_polled_and_answered_in_the_thread() {
    if !keychain_here() {
        return;
    }
    const X_TOKEN: &str = "x-user-token-Q9w8";
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        let bearer = format!("Bearer {X_TOKEN}");
        Mock::given(method("GET"))
            .and(path("/2/users/me"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_string(include_str!("../../../connectors/tests/fixtures/x-users-me.json")))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2/users/1300000000000000001/mentions"))
            .respond_with(ResponseTemplate::new(200).set_body_string(include_str!("../../../connectors/tests/fixtures/x-mentions.json")))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/2/tweets"))
            .respond_with(ResponseTemplate::new(201).set_body_string(include_str!("../../../connectors/tests/fixtures/x-tweet-created.json")))
            .mount(&server)
            .await;
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let out = cmd(&db)
        .args(["connect", "x", "--handle", "@LumenBroadband", "--user-id", "1300000000000000001", "--api", &server.uri()])
        .env("SWITCHBOARD_TOKEN", X_TOKEN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cmd(&db).arg("poll").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 new posts"), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let inbox = String::from_utf8_lossy(&cmd(&db).args(["inbox", "--limit", "1"]).output().unwrap().stdout).to_string();
    let case = inbox.lines().nth(1).unwrap().trim_start_matches('#').split_whitespace().next().unwrap().to_string();
    let out = cmd(&db).args(["reply", &case, "Sorry about that, we are on it."]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sent as 1897654321000000300"), "{}", String::from_utf8_lossy(&out.stdout));
    let posted: Vec<_> = rt.block_on(server.received_requests()).unwrap().into_iter().filter(|r| r.method.as_str() == "POST").collect();
    let body: serde_json::Value = serde_json::from_slice(&posted[0].body).unwrap();
    assert!(body["reply"]["in_reply_to_tweet_id"].as_str().unwrap().starts_with("18976543210000002"), "a reply in the thread: {body}");
    let export = String::from_utf8_lossy(&cmd(&db).args(["export", "posts", "--format", "jsonl"]).output().unwrap().stdout).to_string();
    assert!(export.contains("Sorry about that, we are on it.") && !export.contains(X_TOKEN));
    for file in ["w.db", "w.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(file)) {
            assert!(!bytes.windows(X_TOKEN.len()).any(|w| w == X_TOKEN.as_bytes()), "the token is in {file}");
        }
    }
}
