//! The JSONL import format: one post per line, as a JSON object.
//!
//! ```json
//! {"id": "8812", "channel": "bluesky", "author": "ana.example.com", "author_name": "Ana Ruiz",
//!  "followers": 1200, "text": "Still waiting for my refund", "created_at": "2026-11-02T09:15:00Z",
//!  "reply_to": "8790", "direction": "inbound", "account": "acme", "labels": {"sentiment": "negative"}}
//! ```
//! Required: `id` (or `external_id`), `author`, `text`, `created_at` (RFC 3339,
//! `YYYY-MM-DD HH:MM:SS ±ZZZZ`, or epoch seconds/milliseconds). Optional:
//! `channel` (else the `--channel` given, default `import`), `author_name`,
//! `followers`, `reply_to`, `direction` (`inbound` default, or `outbound` for
//! the organisation's own posts), `account`, `labels` (field → value), and any
//! other top-level string field named by `--label FIELD=KEY`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use switchboard_core::post::{Direction, NewPost};
use switchboard_core::time::parse_timestamp;

#[derive(Deserialize)]
struct Row {
    #[serde(alias = "external_id")]
    id: Option<Value>,
    channel: Option<String>,
    author: Option<String>,
    author_name: Option<String>,
    followers: Option<i64>,
    text: Option<String>,
    created_at: Option<Value>,
    reply_to: Option<Value>,
    direction: Option<String>,
    account: Option<String>,
    #[serde(default)]
    labels: serde_json::Map<String, Value>,
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

/// Lines of a JSONL file with their numbers and running byte count.
pub struct JsonlRows {
    reader: BufReader<File>,
    line: u64,
    bytes: u64,
    buf: Vec<u8>,
}

impl JsonlRows {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        Ok(JsonlRows { reader: BufReader::with_capacity(1 << 16, File::open(path)?), line: 0, bytes: 0, buf: Vec::new() })
    }
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }
    /// The next non-blank line: (line number, bytes).
    pub fn next_line(&mut self) -> Option<std::io::Result<(u64, &[u8])>> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(n) => {
                    self.line += 1;
                    self.bytes += n as u64;
                    if self.buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Ok((self.line, &self.buf)));
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Parses one line into a post; `labels` are (label field, JSON key).
pub fn post(line: &[u8], default_channel: &str, labels: &[(String, String)]) -> Result<NewPost, String> {
    let text = std::str::from_utf8(line).map_err(|_| "invalid UTF-8".to_string())?;
    let row: Row = serde_json::from_str(text.trim()).map_err(|e| format!("not a JSON object: {e}"))?;
    let id = scalar(row.id).filter(|s| !s.is_empty()).ok_or("missing id")?;
    let author = row.author.filter(|s| !s.trim().is_empty()).ok_or("missing author")?;
    let body = row.text.filter(|s| !s.trim().is_empty()).ok_or("missing text")?;
    let created = scalar(row.created_at).ok_or("missing created_at")?;
    let created_at = parse_timestamp(&created).map_err(|e| format!("bad date in created_at: {e}"))?;
    let direction = match row.direction.as_deref() {
        None => Direction::Inbound,
        Some(d) => Direction::parse(d).ok_or_else(|| format!("bad direction {d:?}: use inbound or outbound"))?,
    };
    let mut out_labels: Vec<(String, String)> =
        row.labels.into_iter().filter_map(|(k, v)| scalar(Some(v)).map(|v| (k, v))).collect();
    for (field, key) in labels {
        if let Some(v) = scalar(row.rest.get(key).cloned()).filter(|v| !v.is_empty()) {
            out_labels.retain(|(f, _)| f != field);
            out_labels.push((field.clone(), v));
        }
    }
    let account = row.account.or_else(|| (direction == Direction::Outbound).then(|| author.clone()));
    Ok(NewPost {
        channel: row.channel.unwrap_or_else(|| default_channel.to_string()),
        external_id: id,
        author,
        author_name: row.author_name,
        author_followers: row.followers,
        direction,
        text: body,
        created_at,
        reply_to: scalar(row.reply_to).filter(|s| !s.is_empty()),
        account,
        labels: out_labels,
    })
}

/// A string or number as text.
fn scalar(v: Option<Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_schema() {
        let p = post(
            br#"{"id": 42, "channel": "bluesky", "author": "ana", "text": "hi", "created_at": "2026-11-02T09:15:00Z", "labels": {"sentiment": "positive"}, "mood": "calm"}"#,
            "import",
            &[("topic".into(), "mood".into())],
        )
        .unwrap();
        assert_eq!(p.external_id, "42");
        assert_eq!(p.channel, "bluesky");
        assert_eq!(p.labels, vec![("sentiment".into(), "positive".into()), ("topic".into(), "calm".into())]);
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(post(b"{\"id\":1}", "x", &[]).unwrap_err(), "missing author");
        assert!(post(b"[1,2]", "x", &[]).unwrap_err().starts_with("not a JSON object"));
        assert_eq!(post(b"\xff\xfe", "x", &[]).unwrap_err(), "invalid UTF-8");
        let bad_date = post(br#"{"id":1,"author":"a","text":"t","created_at":"yesterday"}"#, "x", &[]).unwrap_err();
        assert!(bad_date.starts_with("bad date"), "{bad_date}");
    }
}
