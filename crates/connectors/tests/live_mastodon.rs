//! The Mastodon connector against a real, stateful Mastodon API server on
//! 127.0.0.1: `mastodon-mock` (PyPI), installed by scripts/setup.sh into
//! .tools/mastodon-venv. Each test starts its own server on a free port with
//! two seeded accounts (the brand "lumen" and the customer "ana"), and stops
//! it when the test ends, however it ends.
//!
//! Without the server: under CI the tests fail ("run scripts/setup.sh"),
//! elsewhere they skip with a note. `SB_MASTODON_MOCK` may name another
//! `mastodon_mock` executable.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_connectors::{
    Connector, ConnectorError, Health, Http, HttpConfig, MastodonConfig, MastodonConnector,
    ReplyRequest, Secret,
};
use switchboard_core::Direction;

const LUMEN_TOKEN: &str = "lumen-live-token";
const ANA_TOKEN: &str = "ana-live-token";

const CONFIG: &str = r#"
[database]
path = ":memory:"

[[seed.accounts]]
username = "lumen"
display_name = "Lumen Support"
access_token = "lumen-live-token"

[[seed.accounts]]
username = "ana"
display_name = "Ana Costa"
access_token = "ana-live-token"
"#;

fn mock_binary() -> PathBuf {
    match std::env::var_os("SB_MASTODON_MOCK") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../.tools/mastodon-venv/bin/mastodon_mock"),
    }
}

/// A running `mastodon_mock serve`, stopped on drop.
///
/// The server runs under a small `sh` that holds our end of a pipe on its
/// standard input: dropping the guard closes the pipe, and so does the test
/// process dying in any way (even SIGKILL), and either makes `sh` stop the
/// server. So no server outlives its test.
struct MockServer {
    child: Child,
    stdin: Option<ChildStdin>,
    dir: PathBuf,
    base: String,
}

impl MockServer {
    /// Starts the server, or returns None (after a note) when it is not
    /// installed and CI is not set.
    async fn start() -> Option<MockServer> {
        let bin = mock_binary();
        if !bin.is_file() {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
                panic!(
                    "mastodon-mock is not installed ({} is missing): run scripts/setup.sh",
                    bin.display()
                );
            }
            eprintln!(
                "SKIPPED: mastodon-mock is not installed ({} is missing); run scripts/setup.sh",
                bin.display()
            );
            return None;
        }
        // The port is free when asked but could be taken before the server
        // binds it: try another one if the server exits at once.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut server = MockServer::spawn(&bin, free_port());
            match server.wait_ready().await {
                Ok(()) => return Some(server),
                Err(why) if attempt < 3 => eprintln!("retrying on another port: {why}"),
                Err(why) => panic!("{why}"),
            }
        }
    }

    fn spawn(bin: &std::path::Path, port: u16) -> MockServer {
        let dir =
            std::env::temp_dir().join(format!("sb-live-mastodon-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let config = dir.join("mastodon_mock.toml");
        std::fs::write(&config, CONFIG).expect("write config");
        let log = std::fs::File::create(dir.join("server.log")).expect("log file");
        // fd 3 keeps the pipe: a background job's stdin is /dev/null in sh.
        // When the server exits on its own, sh ends the watcher and exits too.
        let script = r#"exec 3<&0
"$0" "$@" </dev/null 3<&- &
server=$!
{ read -r _ <&3; kill "$server" 2>/dev/null; } &
watcher=$!
wait "$server"
rc=$?
kill "$watcher" 2>/dev/null
exit "$rc""#;
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(bin)
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .arg("--host")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--log-level")
            .arg("warning")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start mastodon_mock");
        let stdin = child.stdin.take();
        MockServer {
            child,
            stdin,
            dir,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1/instance", self.base);
        loop {
            if let Ok(resp) = client
                .get(&url)
                .timeout(Duration::from_secs(2))
                .send()
                .await
            {
                if resp.status().is_success() {
                    eprintln!(
                        "mastodon-mock ready at {} in {:.1}s",
                        self.base,
                        started.elapsed().as_secs_f64()
                    );
                    return Ok(());
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "mastodon_mock exited early ({status}):\n{}",
                    self.log()
                ));
            }
            if started.elapsed() > Duration::from_secs(60) {
                panic!("mastodon_mock did not answer within 60 s:\n{}", self.log());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Closing the pipe makes the wrapper stop the server and exit.
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.flush();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    // Last resort (the server ignored SIGTERM): end the
                    // wrapper; the server would then be orphaned, so say so.
                    eprintln!("mastodon_mock did not stop within 10 s");
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

fn http() -> Http {
    Http::new(HttpConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        max_attempts: 2,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_rate_limit_wait: Duration::from_secs(2),
        ..HttpConfig::default()
    })
    .expect("client builds")
}

fn lumen(server: &MockServer, token: &str) -> MastodonConnector {
    lumen_paged(server, token, 40)
}

fn lumen_paged(server: &MockServer, token: &str, page_size: u32) -> MastodonConnector {
    let mut config = MastodonConfig::new(server.base.clone(), Secret::new(token));
    config.account = Some("lumen".into());
    config.page_size = page_size;
    MastodonConnector::new(config, http()).expect("connector")
}

/// ana (or anyone with a token) calling the server's REST API directly.
struct Client {
    http: reqwest::Client,
    base: String,
    token: &'static str,
}

impl Client {
    fn new(server: &MockServer, token: &'static str) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            token,
        }
    }

    async fn post_status(&self, body: Value) -> Value {
        let resp = self
            .http
            .post(format!("{}/api/v1/statuses", self.base))
            .bearer_auth(self.token)
            .json(&body)
            .send()
            .await
            .expect("POST /api/v1/statuses");
        assert!(resp.status().is_success(), "post status: {}", resp.status());
        resp.json().await.expect("a status")
    }

    async fn get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.expect("JSON")
    }

    /// The statuses below `id` in its thread.
    async fn descendants(&self, id: &str) -> Vec<Value> {
        let context = self.get(&format!("/api/v1/statuses/{id}/context")).await;
        context["descendants"]
            .as_array()
            .expect("descendants is an array")
            .clone()
    }
}

fn replies_by<'a>(statuses: &'a [Value], acct: &str, parent: &str) -> Vec<&'a Value> {
    statuses
        .iter()
        .filter(|s| s["account"]["acct"] == acct && s["in_reply_to_id"] == parent)
        .collect()
}

#[tokio::test]
async fn a_mention_is_polled_and_answered_in_thread() {
    let Some(server) = MockServer::start().await else {
        return;
    };
    let ana = Client::new(&server, ANA_TOKEN);
    let masto = lumen(&server, LUMEN_TOKEN);

    // Nothing yet: an empty first poll.
    let empty = masto.poll(None).await.expect("first poll");
    assert!(empty.posts.is_empty(), "{:?}", empty.posts);
    assert!(!empty.more);

    // A post that does not mention lumen is no mention.
    ana.post_status(serde_json::json!({"status": "Lovely weather today"}))
        .await;
    let text = "@lumen my router drops every evening.\nOrder 5521 & it's <urgent>, see https://example.com/status";
    let mention = ana
        .post_status(serde_json::json!({"status": text, "visibility": "public"}))
        .await;
    let mention_id = mention["id"].as_str().expect("status id").to_string();
    assert_eq!(
        mention["mentions"][0]["acct"], "lumen",
        "the mock resolved the mention: {mention}"
    );

    let before = chrono::Utc::now().timestamp_millis();
    let poll = masto.poll(empty.next_cursor.as_ref()).await.expect("poll");
    assert!(!poll.more);
    assert_eq!(poll.posts.len(), 1, "only the mention: {:?}", poll.posts);
    let fetched = &poll.posts[0];
    let post = &fetched.post;
    assert_eq!(post.external_id, mention_id);
    assert_eq!(post.channel, "mastodon");
    assert_eq!(post.author, "ana");
    assert_eq!(post.author_name.as_deref(), Some("Ana Costa"));
    assert_eq!(post.author_followers, Some(0));
    assert_eq!(post.direction, Direction::Inbound);
    assert_eq!(post.account.as_deref(), Some("lumen"));
    assert_eq!(post.reply_to, None);
    assert_eq!(
        post.text, text,
        "the HTML ({}) comes back as the text ana wrote",
        mention["content"]
    );
    assert!(
        (post.created_at - before).abs() < 60_000,
        "created_at {} is now",
        post.created_at
    );
    assert_eq!(fetched.url.as_deref(), mention["url"].as_str());
    let cursor = poll.next_cursor.clone().expect("a cursor to save");

    // The same cursor again: nothing new.
    let again = masto.poll(Some(&cursor)).await.expect("second poll");
    assert!(again.posts.is_empty(), "{:?}", again.posts);
    assert!(!again.more);
    let cursor = again.next_cursor.unwrap_or(cursor);

    // The public reply lands in the thread.
    let request = ReplyRequest {
        in_reply_to: mention_id.clone(),
        conversation: None,
        text: "@ana Sorry about that! We are looking at order 5521 now.".into(),
        direct: false,
        idempotency_key: "outbox-1".into(),
    };
    let sent = masto.send_reply(request.clone()).await.expect("reply sent");
    assert!(!sent.external_id.is_empty());
    assert!(
        sent.url
            .as_deref()
            .is_some_and(|u| u.contains(&sent.external_id)),
        "{sent:?}"
    );
    let thread = ana.descendants(&mention_id).await;
    let ours = replies_by(&thread, "lumen", &mention_id);
    assert_eq!(ours.len(), 1, "{thread:?}");
    assert_eq!(ours[0]["id"], sent.external_id.as_str());
    assert_eq!(ours[0]["visibility"], "public");

    // A retried send with the same Idempotency-Key posts nothing new.
    let retried = masto.send_reply(request.clone()).await.expect("retry");
    assert_eq!(
        retried.external_id, sent.external_id,
        "the first status comes back"
    );
    let thread = ana.descendants(&mention_id).await;
    assert_eq!(
        replies_by(&thread, "lumen", &mention_id).len(),
        1,
        "still one reply: {thread:?}"
    );

    // A direct reply is a direct message, and ana sees it in her conversations.
    let dm = masto
        .send_reply(ReplyRequest {
            text: "@ana Could you send us your address in private?".into(),
            direct: true,
            idempotency_key: "outbox-2".into(),
            ..request
        })
        .await
        .expect("direct reply sent");
    assert_ne!(
        dm.external_id, sent.external_id,
        "a new key is a new status"
    );
    let status = ana
        .get(&format!("/api/v1/statuses/{}", dm.external_id))
        .await;
    assert_eq!(status["visibility"], "direct");
    assert_eq!(status["in_reply_to_id"], mention_id.as_str());
    let conversations = ana.get("/api/v1/conversations").await;
    assert!(
        conversations
            .as_array()
            .expect("conversations")
            .iter()
            .any(|c| c["last_status"]["id"] == dm.external_id.as_str()),
        "the direct reply is in ana's conversations: {conversations}"
    );

    // lumen's own replies are not mentions of lumen: nothing new to poll.
    let after = masto
        .poll(Some(&cursor))
        .await
        .expect("poll after replying");
    assert!(after.posts.is_empty(), "{:?}", after.posts);

    // A second mention arrives on the next poll, and only it.
    let second = ana
        .post_status(serde_json::json!({
            "status": "@lumen thanks, it works again!",
            "in_reply_to_id": sent.external_id,
        }))
        .await;
    let next = masto
        .poll(Some(&cursor))
        .await
        .expect("poll for the second mention");
    assert_eq!(next.posts.len(), 1, "{:?}", next.posts);
    let thanks = &next.posts[0].post;
    assert_eq!(thanks.external_id, second["id"].as_str().unwrap());
    assert_eq!(thanks.reply_to.as_deref(), Some(sent.external_id.as_str()));
    assert_eq!(thanks.text, "@lumen thanks, it works again!");
    let cursor = next.next_cursor.expect("a new cursor");

    // More mentions than a page: the connector walks down the Link header
    // and, page by page, gets each one once, oldest first within a page.
    let paged = lumen_paged(&server, LUMEN_TOKEN, 2);
    let mut expected = Vec::new();
    for n in 1..=5 {
        let s = ana
            .post_status(serde_json::json!({"status": format!("@lumen ping {n}")}))
            .await;
        expected.push(s["id"].as_str().unwrap().to_string());
    }
    let mut got = Vec::new();
    let mut walk = Some(cursor);
    let mut pages = 0;
    for _ in 0..10 {
        pages += 1;
        let page = paged.poll(walk.as_ref()).await.expect("a page");
        assert!(page.posts.len() <= 2, "{:?}", page.posts);
        got.extend(page.posts.iter().map(|p| p.post.external_id.clone()));
        walk = page.next_cursor.or(walk);
        if !page.more {
            break;
        }
    }
    got.sort_by_key(|id| id.parse::<u64>().unwrap());
    assert_eq!(got, expected, "every mention once");
    assert!(
        pages >= 3,
        "five mentions take three pages of two, not {pages}"
    );
    let done = paged
        .poll(walk.as_ref())
        .await
        .expect("poll after the walk");
    assert!(done.posts.is_empty(), "{:?}", done.posts);
    assert!(!done.more);
}

#[tokio::test]
async fn health_is_ok_with_the_token_and_unauthorized_without() {
    let Some(server) = MockServer::start().await else {
        return;
    };
    assert_eq!(lumen(&server, LUMEN_TOKEN).health().await, Health::Ok);
    let bad = lumen(&server, "not-a-token");
    assert_eq!(
        bad.health().await,
        Health::Failing(ConnectorError::Unauthorized)
    );
    // A poll with the bad token says the same.
    assert_eq!(
        bad.poll(None).await.unwrap_err(),
        ConnectorError::Unauthorized
    );
}
