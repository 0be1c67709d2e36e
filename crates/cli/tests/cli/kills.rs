//! Killing the command mid-send and mid-poll (a real SIGKILL), then running
//! it again: every post is stored once and the reply went out with one
//! idempotency key, so a network that honours it (Mastodon does; see the
//! connectors' live test) shows it once.

use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{cmd, keychain_here};

const ACCOUNT: &str = r#"{"id":"1","username":"lumen","acct":"lumen","display_name":"Lumen","locked":false,"bot":false,"discoverable":true,"group":false,"created_at":"2023-01-10T00:00:00.000Z","note":"","url":"https://social.example/@lumen","uri":"https://social.example/users/lumen","avatar":"","avatar_static":"","header":"","header_static":"","followers_count":1,"following_count":1,"statuses_count":1,"last_status_at":"2025-03-05","emojis":[],"fields":[]}"#;


async fn mount(server: &MockServer, verb: &str, at: &str, body: &str, delay: Duration) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_string(body).set_delay(delay))
        .mount(server)
        .await;
}

/// Starts the command, waits until the server has seen `verb` requests
/// beyond `seen`, and kills it there, mid-request.
fn kill_during(c: &mut assert_cmd::Command, rt: &tokio::runtime::Runtime, server: &MockServer, verb: &str, seen: usize) {
    let mut child = std::process::Command::new(c.get_program())
        .args(c.get_args())
        .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let n = rt.block_on(server.received_requests()).unwrap().iter().filter(|r| r.method.as_str() == verb).count();
        if n > seen {
            break;
        }
        assert!(Instant::now() < deadline, "the command never reached the network");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn killed_mid_poll_and_mid_send_it_finishes_on_the_next_run_with_nothing_twice() {
    if !keychain_here() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let notifications = include_str!("../../../connectors/tests/fixtures/mastodon-notifications.json");
    let reply = include_str!("../../../connectors/tests/fixtures/mastodon-status-reply.json");
    rt.block_on(mount(&server, "GET", "/api/v1/accounts/verify_credentials", ACCOUNT, Duration::ZERO));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let out = cmd(&db).args(["connect", "mastodon", &server.uri(), "--handle", "lumen"]).env("SWITCHBOARD_TOKEN", "tok-kill-test").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Killed while the network is answering the poll: nothing half-stored.
    rt.block_on(mount(&server, "GET", "/api/v1/notifications", notifications, Duration::from_secs(20)));
    kill_during(cmd(&db).arg("poll"), &rt, &server, "GET", 1);
    rt.block_on(server.reset());
    rt.block_on(mount(&server, "GET", "/api/v1/notifications", notifications, Duration::ZERO));
    for _ in 0..2 {
        let out = cmd(&db).arg("poll").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let posts = |db: &std::path::Path| -> Vec<serde_json::Value> {
        let out = cmd(db).args(["export", "posts", "--format", "jsonl"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    assert_eq!(posts(&db).len(), 2, "each mention once");

    // Killed while the network holds the reply: the next `send` sends it
    // again with the same key, and the thread holds it once.
    let inbox = String::from_utf8_lossy(&cmd(&db).arg("inbox").output().unwrap().stdout).to_string();
    let case = inbox.lines().nth(1).unwrap().trim_start_matches('#').split_whitespace().next().unwrap().to_string();
    rt.block_on(mount(&server, "POST", "/api/v1/statuses", reply, Duration::from_secs(20)));
    kill_during(cmd(&db).args(["reply", &case, "We're on it"]), &rt, &server, "POST", 0);
    let key_of = |r: &wiremock::Request| r.headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_string());
    let killed: Vec<_> = rt.block_on(server.received_requests()).unwrap().into_iter().filter(|r| r.method.as_str() == "POST").collect();
    let first_key = key_of(&killed[0]).expect("the reply carries an idempotency key");
    rt.block_on(server.reset());
    rt.block_on(mount(&server, "POST", "/api/v1/statuses", reply, Duration::ZERO));
    let out = cmd(&db).arg("send").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cmd(&db).arg("send").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty(), "nothing left to send: {}", String::from_utf8_lossy(&out.stdout));
    let sent: Vec<_> = rt.block_on(server.received_requests()).unwrap().into_iter().filter(|r| r.method.as_str() == "POST").collect();
    assert_eq!(sent.len(), 1, "after the restart, one more send");
    assert_eq!(key_of(&sent[0]), Some(first_key), "the resend carries the same key");
    let all = posts(&db);
    let replies: Vec<_> = all.iter().filter(|p| p["direction"] == "outbound" && p["text"] == "We're on it").collect();
    assert_eq!(replies.len(), 1, "the reply is in the thread once: {all:?}");
}
