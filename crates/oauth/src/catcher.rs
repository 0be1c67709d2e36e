//! The loopback redirect catcher: listens on 127.0.0.1 (a free port, or the
//! one registered with the network), waits for the browser's
//! `GET /callback?code=..&state=..`, checks the state, and answers a small
//! fixed page. Nothing from the request is ever written into the page.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::OAuthError;

/// The path of the redirect URI.
pub const CALLBACK_PATH: &str = "/callback";

/// The most a request head may take before the catcher stops reading it.
const MAX_HEAD: usize = 16 * 1024;

const CONNECTED: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Switchboard</title></head>\
<body style=\"font-family:sans-serif;margin:3em\"><h1>Connected — you can close this tab</h1>\
<p>Switchboard has the account; go back to it.</p></body></html>";
const NOT_CONNECTED: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Switchboard</title></head>\
<body style=\"font-family:sans-serif;margin:3em\"><h1>Not connected</h1>\
<p>Switchboard did not get access to the account. You can close this tab and try again from Switchboard.</p></body></html>";

/// A bound catcher; its redirect URI is known before the flow starts (a
/// Mastodon app is registered with it).
#[derive(Debug)]
pub struct Catcher {
    listener: TcpListener,
    port: u16,
}

impl Catcher {
    /// Listens on `127.0.0.1:port`, or on a free port when `port` is None.
    pub async fn bind(port: Option<u16>) -> Result<Catcher, OAuthError> {
        let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await.map_err(|e| {
            OAuthError::Loopback(match port {
                Some(p) => format!("port {p} is not free ({e}); close what uses it or register another redirect port"),
                None => e.to_string(),
            })
        })?;
        let port = listener.local_addr().map_err(|e| OAuthError::Loopback(e.to_string()))?.port();
        Ok(Catcher { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits (at most `timeout`) for the redirect carrying `state`; returns
    /// its authorization code. Requests for other paths get a 404 and the
    /// wait goes on; a redirect with another state, an error or no code ends it.
    pub async fn wait(self, state: String, timeout: Duration) -> Result<String, OAuthError> {
        match tokio::time::timeout(timeout, self.serve(&state)).await {
            Ok(result) => result,
            Err(_) => Err(OAuthError::TimedOut(timeout)),
        }
    }

    /// Reads each connection in its own task (a browser opens idle
    /// speculative connections that must not hold up the real one) and
    /// judges the requests as they come.
    async fn serve(&self, state: &str) -> Result<String, OAuthError> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(TcpStream, Option<String>)>(16);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    // A connection reset before it was accepted is no matter.
                    if let Ok((mut stream, _)) = accepted {
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            let target = read_target(&mut stream).await;
                            let _ = tx.send((stream, target)).await;
                        });
                    }
                }
                Some((mut stream, target)) = rx.recv() => {
                    let Some(target) = target else {
                        respond(&mut stream, "400 Bad Request", NOT_CONNECTED).await;
                        continue;
                    };
                    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
                    if path != CALLBACK_PATH {
                        respond(&mut stream, "404 Not Found", "not found").await;
                        continue;
                    }
                    let outcome = judge(query, state);
                    let (status, page) = if outcome.is_ok() { ("200 OK", CONNECTED) } else { ("400 Bad Request", NOT_CONNECTED) };
                    respond(&mut stream, status, page).await;
                    return outcome;
                }
            }
        }
    }
}

/// What a callback's query says, given the state this flow sent.
fn judge(query: &str, state: &str) -> Result<String, OAuthError> {
    let mut code = None;
    let mut got_state = None;
    let mut error = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "code" => code = Some(v.into_owned()),
            "state" => got_state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            _ => {}
        }
    }
    if !got_state.as_deref().is_some_and(|s| same(s.as_bytes(), state.as_bytes())) {
        return Err(OAuthError::StateMismatch);
    }
    if let Some(e) = error {
        return Err(OAuthError::Denied(match e.as_str() {
            "access_denied" => "access was refused on the authorization page".into(),
            other if other.len() <= 64 && other.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => other.to_string(),
            _ => "an unreadable error".into(),
        }));
    }
    match code {
        Some(c) if !c.is_empty() => Ok(c),
        _ => Err(OAuthError::Refused("the network came back without an authorization code".into())),
    }
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The request target of a `GET` (e.g. `/callback?code=..`), or None for
/// anything that is not a readable GET.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.ok()?;
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => Some(target.to_string()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, page: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
Referrer-Policy: no-referrer\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n",
        page.len()
    );
    // The browser may be gone already; the outcome stands either way.
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(page.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_judged_state_first() {
        assert_eq!(judge("code=abc&state=s1", "s1"), Ok("abc".into()));
        assert_eq!(judge("code=abc&state=s2", "s1"), Err(OAuthError::StateMismatch));
        assert_eq!(judge("code=abc", "s1"), Err(OAuthError::StateMismatch));
        assert!(matches!(judge("error=access_denied&state=s1", "s1"), Err(OAuthError::Denied(_))));
        assert!(matches!(judge("error=%3Cscript%3E&state=s1", "s1"), Err(OAuthError::Denied(w)) if !w.contains('<')));
        assert!(matches!(judge("state=s1", "s1"), Err(OAuthError::Refused(_))));
    }
}
