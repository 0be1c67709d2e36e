//! Reading CSV records that may be malformed, without losing the good ones.
//!
//! Records come out as raw bytes with the line they start on. A record with
//! the wrong number of fields is reported; when it spans several lines (the
//! mark of an unterminated quote, which swallows what follows), reading starts
//! again on the line after the one where the bad record began, so one stray
//! quote costs one row, not the rest of the file.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder};

/// A record as read: its first line (1-based, counting the header as line 1)
/// and its fields as bytes (UTF-8 is checked field by field later).
#[derive(Debug, Clone)]
pub struct RawRecord {
    pub line: u64,
    pub fields: ByteRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub line: u64,
    pub reason: String,
}

pub struct CsvRows {
    path: std::path::PathBuf,
    reader: csv::Reader<BufReader<File>>,
    /// Byte offset and line number where the current reader started.
    base_byte: u64,
    base_line: u64,
    pub headers: Vec<String>,
    record: ByteRecord,
}

impl CsvRows {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let mut reader = builder().from_reader(BufReader::with_capacity(1 << 16, File::open(path)?));
        let mut first = ByteRecord::new();
        let headers = if reader.read_byte_record(&mut first).map_err(to_io)? {
            first
                .iter()
                .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string())
                .collect()
        } else {
            Vec::new()
        };
        Ok(CsvRows { path: path.to_path_buf(), reader, base_byte: 0, base_line: 0, headers, record: ByteRecord::new() })
    }

    /// Bytes consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.base_byte + self.reader.position().byte()
    }

    /// The next record, an error for a malformed one, or `None` at the end.
    pub fn next_record(&mut self) -> Option<Result<RawRecord, RecordError>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = self.current_line();
                    return Some(Err(RecordError { line, reason: format!("unreadable row: {e}") }));
                }
            }
            let pos = self.record.position().cloned().expect("csv records carry their position");
            let line = self.base_line + pos.line();
            if self.record.len() == 1 && self.record.get(0).is_some_and(|f| f.is_empty()) {
                continue; // blank line
            }
            if self.record.len() == self.headers.len() {
                return Some(Ok(RawRecord { line, fields: self.record.clone() }));
            }
            let spans_lines = self.record.iter().any(|f| f.contains(&b'\n'));
            let reason = if spans_lines {
                format!(
                    "unterminated quote (the row runs on over several lines and has {} of {} columns)",
                    self.record.len(),
                    self.headers.len()
                )
            } else {
                format!("{} columns where the header has {}", self.record.len(), self.headers.len())
            };
            if spans_lines {
                let start = self.base_byte + pos.byte();
                if let Err(e) = self.restart_after_line(start, line) {
                    return Some(Err(RecordError { line, reason: format!("{reason}; cannot read on: {e}") }));
                }
            }
            return Some(Err(RecordError { line, reason }));
        }
    }

    fn current_line(&self) -> u64 {
        self.base_line + self.reader.position().line()
    }

    /// Starts a fresh reader on the line after the one beginning at `start`.
    fn restart_after_line(&mut self, start: u64, line: u64) -> std::io::Result<()> {
        let mut file = BufReader::new(File::open(&self.path)?);
        file.seek(SeekFrom::Start(start))?;
        let mut skipped = Vec::new();
        let n = file.read_until(b'\n', &mut skipped)?;
        let next = start + n as u64;
        file.seek(SeekFrom::Start(next))?;
        self.reader = builder().from_reader(file);
        self.base_byte = next;
        // The new reader counts its first line as 1, which is `line + 1` overall.
        self.base_line = line;
        Ok(())
    }
}

fn builder() -> ReaderBuilder {
    let mut b = ReaderBuilder::new();
    b.has_headers(false).flexible(true);
    b
}

fn to_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn rows_of(text: &[u8]) -> (Vec<(u64, Vec<String>)>, Vec<RecordError>) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text).unwrap();
        let mut rows = CsvRows::open(f.path()).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        while let Some(r) = rows.next_record() {
            match r {
                Ok(r) => good.push((r.line, r.fields.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect())),
                Err(e) => bad.push(e),
            }
        }
        (good, bad)
    }

    #[test]
    fn an_unterminated_quote_costs_one_row() {
        let (good, bad) = rows_of(b"id,text,n\n1,fine,1\n2,\"never closed,2\n3,next,3\n4,\"multi\nline\",4\n");
        let ids: Vec<_> = good.iter().map(|(l, f)| (*l, f[0].clone())).collect();
        assert_eq!(ids, vec![(2, "1".into()), (4, "3".into()), (5, "4".into())], "rows after the bad quote survive");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        assert!(bad[0].reason.contains("unterminated quote"), "{}", bad[0].reason);
    }

    #[test]
    fn wrong_column_counts_are_reported_with_their_line() {
        let (good, bad) = rows_of(b"a,b\n1,2\n1,2,3\n\n4,5\n");
        assert_eq!(good.len(), 2);
        assert_eq!(bad, vec![RecordError { line: 3, reason: "3 columns where the header has 2".into() }]);
    }
}
