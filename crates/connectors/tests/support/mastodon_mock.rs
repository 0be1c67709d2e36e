//! A running `mastodon-mock` (PyPI) on 127.0.0.1 for tests: two seeded
//! accounts (the brand "lumen" and the customer "ana"), a client to act as
//! them, and a connector for lumen. Shared by the connectors' live test and
//! the engine's (included with `#[path]`). The server is installed by
//! scripts/setup.sh into .tools/mastodon-venv; without it tests fail under
//! CI and skip elsewhere. `SB_MASTODON_MOCK` may name another executable.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_connectors::{Http, HttpConfig, MastodonConfig, MastodonConnector, Secret};

pub const LUMEN_TOKEN: &str = "lumen-live-token";
pub const ANA_TOKEN: &str = "ana-live-token";

pub const CONFIG: &str = r#"
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

pub fn mock_binary() -> PathBuf {
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
pub struct MockServer {
    child: Child,
    stdin: Option<ChildStdin>,
    dir: PathBuf,
    pub base: String,
}

impl MockServer {
    /// Starts the server, or returns None (after a note) when it is not
    /// installed and CI is not set.
    pub async fn start() -> Option<MockServer> {
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

    pub async fn wait_ready(&mut self) -> Result<(), String> {
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

pub fn http() -> Http {
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

pub fn lumen(server: &MockServer, token: &str) -> MastodonConnector {
    lumen_paged(server, token, 40)
}

pub fn lumen_paged(server: &MockServer, token: &str, page_size: u32) -> MastodonConnector {
    let mut config = MastodonConfig::new(server.base.clone(), Secret::new(token));
    config.account = Some("lumen".into());
    config.page_size = page_size;
    MastodonConnector::new(config, http()).expect("connector")
}

/// ana (or anyone with a token) calling the server's REST API directly.
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: &'static str,
}

impl Client {
    pub fn new(server: &MockServer, token: &'static str) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            token,
        }
    }

    pub async fn post_status(&self, body: Value) -> Value {
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

    pub async fn get(&self, path: &str) -> Value {
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
    pub async fn descendants(&self, id: &str) -> Vec<Value> {
        let context = self.get(&format!("/api/v1/statuses/{id}/context")).await;
        context["descendants"]
            .as_array()
            .expect("descendants is an array")
            .clone()
    }
}

pub fn replies_by<'a>(statuses: &'a [Value], acct: &str, parent: &str) -> Vec<&'a Value> {
    statuses
        .iter()
        .filter(|s| s["account"]["acct"] == acct && s["in_reply_to_id"] == parent)
        .collect()
}

