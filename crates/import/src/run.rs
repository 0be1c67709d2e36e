//! One import, from file to case log, in two passes.
//!
//! Pass one reads every row, reports the bad ones and learns the reply
//! chains; pass two normalises the good rows again on a reader thread and
//! writes them in batches (one transaction each) through the store's
//! [`Ingestor`], each post carrying its conversation, so reading and writing
//! overlap. Nothing is held in memory but the chains and two batches.

use std::collections::HashMap;
use std::path::Path;

use switchboard_core::post::NewPost;
use switchboard_store::ingest::{BatchOutcome, IngestPost, Ingestor};
use switchboard_store::{Store, StoreError};

use crate::csv_rows::CsvRows;
use crate::jsonl::{self, JsonlRows};
use crate::layout::{CsvMapping, Layout};
use crate::threads::Threads;

/// Posts per transaction.
pub const BATCH: usize = 5_000;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub layout: Layout,
    /// (label field, column): the file's judgements, e.g. ("sentiment", "airline_sentiment").
    pub labels: Vec<(String, String)>,
    pub batch: usize,
}

/// A row that did not become a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub rows: u64,
    pub inserted: u64,
    pub duplicates: u64,
    pub new_cases: u64,
    pub labels: u64,
    pub rejected: Vec<BadRow>,
}

#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// 1 while reading and checking, 2 while writing.
    pub pass: u8,
    pub bytes: u64,
    pub total_bytes: u64,
    pub rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{0}")]
    Layout(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Rows of a file in either format, normalised. (One per import: the CSV
/// reader's buffer is boxed only to keep the variants of equal size.)
enum Rows {
    Csv(Box<CsvRows>, CsvMapping),
    Jsonl(JsonlRows, String, Vec<(String, String)>),
}

impl Rows {
    fn open(path: &Path, opts: &ImportOptions) -> Result<Rows, ImportError> {
        let read_err = |source| ImportError::Read { path: path.display().to_string(), source };
        if opts.layout.jsonl {
            Ok(Rows::Jsonl(JsonlRows::open(path).map_err(read_err)?, opts.layout.channel.clone(), opts.labels.clone()))
        } else {
            let rows = CsvRows::open(path).map_err(read_err)?;
            let mapping = opts.layout.bind(&rows.headers, &opts.labels).map_err(ImportError::Layout)?;
            Ok(Rows::Csv(Box::new(rows), mapping))
        }
    }

    fn bytes_read(&self) -> u64 {
        match self {
            Rows::Csv(r, _) => r.bytes_read(),
            Rows::Jsonl(r, _, _) => r.bytes_read(),
        }
    }

    /// The next row as a post or a bad row; `Err` only for an I/O failure.
    fn next(&mut self) -> Option<Result<Result<NewPost, BadRow>, std::io::Error>> {
        match self {
            Rows::Csv(rows, mapping) => rows.next_record().map(|r| {
                Ok(match r {
                    Ok(rec) => mapping.post(&rec).map_err(|reason| BadRow { line: rec.line, reason }),
                    Err(e) => Err(BadRow { line: e.line, reason: e.reason }),
                })
            }),
            Rows::Jsonl(rows, channel, labels) => rows.next_line().map(|r| {
                r.map(|(line, bytes)| jsonl::post(bytes, channel, labels).map_err(|reason| BadRow { line, reason }))
            }),
        }
    }
}

/// Imports `path` into `store`, calling `progress` now and then.
pub async fn import_file(
    store: &Store,
    path: &Path,
    opts: &ImportOptions,
    mut progress: impl FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    let total_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let read_err = |source| ImportError::Read { path: path.display().to_string(), source };
    let mut report = ImportReport::default();

    // Pass one: check every row, learn the threads.
    let mut threads = Threads::default();
    let mut rows = Rows::open(path, opts)?;
    while let Some(row) = rows.next() {
        report.rows += 1;
        match row.map_err(read_err)? {
            Ok(p) => threads.add(&p.external_id, p.reply_to.as_deref()),
            Err(bad) => report.rejected.push(bad),
        }
        if report.rows % 10_000 == 0 {
            progress(Progress { pass: 1, bytes: rows.bytes_read(), total_bytes, rows: report.rows });
        }
    }

    // Pass two: a reader thread normalises the good rows again and hands them
    // over in batches, while this task writes the previous batch.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<ReadBatch, std::io::Error>>(2);
    let mut rows = Rows::open(path, opts)?;
    let batch_size = opts.batch.max(1);
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = ReadBatch::default();
        while let Some(row) = rows.next() {
            match row {
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
                Ok(Err(_bad)) => continue, // reported in pass one
                Ok(Ok(post)) => {
                    let (root, outside) = threads.root(&post.external_id);
                    let (root, outside) = (root.to_string(), outside.map(str::to_string));
                    batch.posts.push((post, root, outside));
                }
            }
            if batch.posts.len() >= batch_size {
                batch.bytes = rows.bytes_read();
                if tx.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
                    return; // the writer stopped
                }
            }
        }
        batch.bytes = rows.bytes_read();
        let _ = tx.blocking_send(Ok(batch));
    });

    // Roots whose parent is outside the file may continue a stored conversation.
    let mut continued: HashMap<String, String> = HashMap::new();
    let source = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    let mut ingestor = Ingestor::new(store, "import", &source);
    let mut written = 0u64;
    while let Some(read) = rx.recv().await {
        let read = read.map_err(read_err)?;
        let mut batch = Vec::with_capacity(read.posts.len());
        for (post, root, outside_parent) in read.posts {
            let conversation = match outside_parent {
                None => root,
                Some(parent) => match continued.get(&root) {
                    Some(c) => c.clone(),
                    None => {
                        let c = store.conversation_of(&post.channel, &parent).await?.unwrap_or_else(|| root.clone());
                        continued.insert(root, c.clone());
                        c
                    }
                },
            };
            batch.push(IngestPost { post, conversation: Some(conversation) });
        }
        if !batch.is_empty() {
            written += batch.len() as u64;
            add(&mut report, ingestor.write(&batch).await?);
        }
        progress(Progress { pass: 2, bytes: read.bytes, total_bytes, rows: written });
    }
    reader.await.map_err(|e| ImportError::Layout(format!("the reader stopped: {e}")))?;
    Ok(report)
}

/// A batch of normalised posts with their thread root and, when the root's
/// parent is not in the file, that parent's id.
#[derive(Default)]
struct ReadBatch {
    posts: Vec<(NewPost, String, Option<String>)>,
    bytes: u64,
}

fn add(report: &mut ImportReport, b: BatchOutcome) {
    report.inserted += b.inserted as u64;
    report.duplicates += b.duplicates as u64;
    report.new_cases += b.new_cases as u64;
    report.labels += b.labels as u64;
}
