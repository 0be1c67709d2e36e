//! Writing the case log out: posts or cases, as CSV (with a header) or JSONL.
//! Post rows carry their case, department and status, the predictions made on
//! them and every label field present (`label_<field>` columns in CSV, a
//! `labels` object in JSONL).

use std::io::Write;

use serde_json::{json, Map, Value};
use switchboard_store::export::ExportPost;
use switchboard_store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "csv" => Ok(Format::Csv),
            "jsonl" => Ok(Format::Jsonl),
            other => Err(format!("unknown format {other:?}: use csv or jsonl")),
        }
    }
}

const POST_COLUMNS: [&str; 20] = [
    "case_id", "channel", "external_id", "direction", "author", "author_name", "created_at", "text", "reply_to",
    "conversation", "account", "status", "department", "assignee", "priority", "sentiment", "sentiment_score", "topic",
    "topic_confidence", "language",
];

/// Keeps the kind of an I/O failure (a closed pipe stays a closed pipe).
fn io(e: serde_json::Error) -> std::io::Error {
    e.into()
}

/// The same for the CSV writer, whose own conversion would hide the kind.
fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Writes every post; returns how many.
pub async fn export_posts(store: &Store, format: Format, out: impl Write) -> Result<u64, StoreError> {
    let fields = store.label_fields().await?;
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header: Vec<String> = POST_COLUMNS.iter().map(|c| c.to_string()).collect();
            header.extend(fields.iter().map(|f| format!("label_{f}")));
            w.write_record(&header).map_err(|e| StoreError::Output(csv_io(e)))?;
            let n = store
                .export_posts(&fields, |p| {
                    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
                    let num = |o: Option<f64>| o.map(|v| format!("{v:.4}")).unwrap_or_default();
                    let mut rec = vec![
                        p.case_id.to_string(),
                        p.channel.clone(),
                        p.external_id.clone(),
                        p.direction.clone(),
                        p.author.clone(),
                        opt(&p.author_name),
                        p.created_at.clone(),
                        p.text.clone(),
                        opt(&p.reply_to),
                        p.conversation.clone(),
                        opt(&p.account),
                        p.status.clone(),
                        opt(&p.department),
                        opt(&p.assignee),
                        format!("{:.1}", p.priority),
                        opt(&p.sentiment),
                        num(p.sentiment_score),
                        opt(&p.topic),
                        num(p.topic_confidence),
                        opt(&p.language),
                    ];
                    rec.extend(p.labels.iter().map(|(_, v)| opt(v)));
                    w.write_record(&rec).map_err(csv_io)
                })
                .await?;
            w.flush().map_err(StoreError::Output)?;
            Ok(n)
        }
        Format::Jsonl => {
            let mut out = std::io::BufWriter::new(out);
            let n = store
                .export_posts(&fields, |p| {
                    let line = post_json(&p);
                    serde_json::to_writer(&mut out, &line).map_err(io)?;
                    out.write_all(b"\n")
                })
                .await?;
            out.flush().map_err(StoreError::Output)?;
            Ok(n)
        }
    }
}

fn post_json(p: &ExportPost) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    let labels: Map<String, Value> =
        p.labels.iter().filter_map(|(f, v)| v.as_ref().map(|v| (f.clone(), json!(v)))).collect();
    if let Value::Object(m) = &mut v {
        m.insert("labels".into(), Value::Object(labels));
    }
    v
}

/// Writes every case; returns how many.
pub async fn export_cases(store: &Store, format: Format, out: impl Write) -> Result<u64, StoreError> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let n = store.export_cases(|c| w.serialize(&c).map_err(csv_io)).await?;
            w.flush().map_err(StoreError::Output)?;
            Ok(n)
        }
        Format::Jsonl => {
            let mut out = std::io::BufWriter::new(out);
            let n = store
                .export_cases(|c| {
                    serde_json::to_writer(&mut out, &c).map_err(io)?;
                    out.write_all(b"\n")
                })
                .await?;
            out.flush().map_err(StoreError::Output)?;
            Ok(n)
        }
    }
}
