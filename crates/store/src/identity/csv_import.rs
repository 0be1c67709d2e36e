//! Customers from the organisation's CSV. The header names the columns (case
//! and spacing ignored; unknown columns are skipped):
//!
//! - `customer_ref` (or `ref`, `id`, `customer_id`, `external_id`): the key in
//!   the organisation's records; a row whose key is already stored updates
//!   that customer instead of adding one (empty cells keep what is stored);
//! - `name` (required), `emails` (or `email`; several split by `;`), `phone`,
//!   `value_tier` (or `tier`), `lifetime_value` (or `ltv`; `1,250.50` and a
//!   leading currency sign are accepted);
//! - handles, either way (both may be used in one file): a `handles` column
//!   of `network:handle` separated by `;`
//!   (`twitter:@foo;bluesky:foo.bsky.social;mastodon:foo@inst`), and/or one
//!   column per network named after it (`twitter`, `x`, `bluesky`, `mastodon`,
//!   `reddit`, ... or `twitter_handle`), several handles split by `;`.
//!
//! A bad row is reported with its line number and reason and skipped; every
//! valid row is imported. A handle already held by another customer is
//! reported for its line, and the rest of that row is imported. After the
//! import every unlinked author is matched again (see [`super::matching`]).

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use switchboard_core::time::now_ms;

use super::matching::MatchReport;
use super::{channel_key, handle_key};
use crate::{Result, Store, StoreError};

/// The longest cell accepted, in characters.
pub const MAX_CELL_CHARS: usize = 2_000;
/// Networks recognised as column names.
const NETWORKS: &[&str] = &["twitter", "x", "bluesky", "bsky", "mastodon", "reddit", "instagram", "facebook", "tiktok", "youtube", "linkedin", "threads"];
const ROWS_PER_TRANSACTION: usize = 200;

/// One valid customer row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerRow {
    pub line: u64,
    pub customer_ref: Option<String>,
    pub name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub value_tier: Option<String>,
    pub lifetime_value: Option<f64>,
    /// (channel, handle), normalised.
    pub handles: Vec<(String, String)>,
}

/// A line that was refused (or, for a taken handle, partly imported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerImportReport {
    /// Data rows read (header excluded).
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    /// Handles newly recorded.
    pub handles: u64,
    pub errors: Vec<LineError>,
    /// The matching pass run afterwards.
    pub matched: MatchReport,
}

#[derive(Clone, Copy, PartialEq)]
enum Column {
    Ref,
    Name,
    Emails,
    Phone,
    Tier,
    Value,
    Handles,
    Network(&'static str),
}

fn column(header: &str) -> Option<Column> {
    let h = header.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match h.as_str() {
        "customer_ref" | "ref" | "id" | "customer_id" | "external_id" => Column::Ref,
        "name" | "full_name" => Column::Name,
        "emails" | "email" => Column::Emails,
        "phone" | "telephone" => Column::Phone,
        "value_tier" | "tier" => Column::Tier,
        "lifetime_value" | "ltv" => Column::Value,
        "handles" => Column::Handles,
        other => {
            let net = other.strip_suffix("_handle").or_else(|| other.strip_prefix("handle_")).unwrap_or(other);
            Column::Network(NETWORKS.iter().find(|n| **n == net)?)
        }
    })
}

/// Reads the CSV: the valid rows and the refused lines. Fails only if the
/// header cannot be read or has no `name` column.
pub fn parse_customers<R: Read>(input: R) -> Result<(Vec<CustomerRow>, Vec<LineError>, u64)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let headers = reader.headers().map_err(|e| StoreError::Invalid(format!("cannot read the header line: {e}")))?.clone();
    let columns: Vec<Option<Column>> = headers.iter().map(column).collect();
    if !columns.contains(&Some(Column::Name)) {
        return Err(StoreError::Invalid("the customer file needs a `name` column".into()));
    }
    let (mut rows, mut errors, mut count) = (Vec::new(), Vec::new(), 0u64);
    let mut refs: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                count += 1;
                let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                errors.push(LineError { line: e.position().map(|p| p.line()).unwrap_or(line), reason: format!("unreadable: {e}") });
                if io {
                    break;
                }
                continue;
            }
        }
        count += 1;
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        if record.iter().all(str::is_empty) {
            continue; // A blank line is not a customer.
        }
        match row(line, &record, &columns) {
            Ok(r) => {
                if let Some(key) = &r.customer_ref {
                    if let Some(first) = refs.get(key) {
                        errors.push(LineError { line, reason: format!("customer_ref {key:?} is already on line {first}") });
                        continue;
                    }
                    refs.insert(key.clone(), line);
                }
                rows.push(r);
            }
            Err(reason) => errors.push(LineError { line, reason }),
        }
    }
    Ok((rows, errors, count))
}

fn row(line: u64, record: &csv::StringRecord, columns: &[Option<Column>]) -> std::result::Result<CustomerRow, String> {
    let mut r = CustomerRow { line, ..Default::default() };
    for (cell, col) in record.iter().zip(columns) {
        let Some(col) = col else { continue };
        if cell.chars().count() > MAX_CELL_CHARS {
            return Err(format!("a cell is longer than {MAX_CELL_CHARS} characters"));
        }
        let value = Some(cell.to_string()).filter(|c| !c.is_empty());
        match *col {
            Column::Ref => r.customer_ref = value,
            Column::Name => r.name = cell.to_string(),
            Column::Phone => r.phone = value,
            Column::Tier => r.value_tier = value,
            Column::Emails => {
                for e in split_list(cell) {
                    if !e.contains('@') || e.contains(char::is_whitespace) {
                        return Err(format!("{e:?} is not an email address"));
                    }
                    r.emails.push(e.to_string());
                }
            }
            Column::Value => r.lifetime_value = value.map(|v| money(&v)).transpose()?,
            Column::Handles => {
                for spec in split_list(cell) {
                    let (net, h) = spec.split_once(':').ok_or_else(|| format!("handle {spec:?} is not network:handle"))?;
                    push_handle(&mut r, net, h)?;
                }
            }
            Column::Network(net) => {
                for h in split_list(cell) {
                    push_handle(&mut r, net, h)?;
                }
            }
        }
    }
    if r.name.trim().is_empty() {
        return Err("no name".into());
    }
    Ok(r)
}

fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ',']).map(str::trim).filter(|s| !s.is_empty())
}

fn push_handle(r: &mut CustomerRow, net: &str, handle: &str) -> std::result::Result<(), String> {
    let (channel, h) = (channel_key(net), handle_key(handle));
    if channel.is_empty() || h.is_empty() || h.contains(char::is_whitespace) {
        return Err(format!("handle {:?} on {:?} is not a handle", handle.trim(), net.trim()));
    }
    if !r.handles.contains(&(channel.clone(), h.clone())) {
        r.handles.push((channel, h));
    }
    Ok(())
}

/// "1,250.50", "$1250.5", "€ 99" → the number; negative or not a number → the reason.
fn money(v: &str) -> std::result::Result<f64, String> {
    let cleaned: String = v.trim().trim_start_matches(['$', '€', '£', '¥']).chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    match cleaned.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(format!("lifetime value {v:?} is not an amount")),
    }
}

impl Store {
    /// Imports customers from CSV (see the module comment), then matches
    /// every unlinked author against them. Changes are signed by `actor`.
    pub async fn import_customers<R: Read>(&self, input: R, actor: &str) -> Result<CustomerImportReport> {
        let (rows, errors, count) = parse_customers(input)?;
        let mut report = CustomerImportReport { rows: count, errors, ..Default::default() };
        for chunk in rows.chunks(ROWS_PER_TRANSACTION) {
            let mut tx = self.pool().begin().await?;
            for r in chunk {
                write_row(&mut tx, r, &mut report).await?;
            }
            tx.commit().await?;
        }
        report.errors.sort_by_key(|e| e.line);
        report.matched = self.match_all_authors(actor).await?;
        Ok(report)
    }
}

async fn write_row(tx: &mut Transaction<'_, Any>, r: &CustomerRow, report: &mut CustomerImportReport) -> Result<()> {
    let emails = (!r.emails.is_empty()).then(|| serde_json::to_string(&r.emails).expect("strings serialise"));
    let stored = match &r.customer_ref {
        Some(key) => sqlx::query("SELECT id, merged_into FROM customers WHERE customer_ref = $1").bind(key.clone()).fetch_optional(&mut **tx).await?,
        None => None,
    };
    let id: i64 = match stored {
        // Merged away: its handles go to the survivor; the survivor's own fields stay.
        Some(s) if s.get::<Option<i64>, _>(1).is_some() => {
            report.updated += 1;
            s.get::<Option<i64>, _>(1).unwrap_or_default()
        }
        Some(s) => {
            let id: i64 = s.get(0);
            sqlx::query(
                "UPDATE customers SET name = $1, emails = COALESCE($2, emails), phone = COALESCE($3, phone),
                        value_tier = COALESCE($4, value_tier), lifetime_value = COALESCE($5, lifetime_value) WHERE id = $6",
            )
            .bind(r.name.trim().to_string())
            .bind(emails)
            .bind(r.phone.clone())
            .bind(r.value_tier.clone())
            .bind(r.lifetime_value)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            report.updated += 1;
            id
        }
        None => {
            report.created += 1;
            sqlx::query_scalar(
                "INSERT INTO customers (customer_ref, name, emails, phone, value_tier, lifetime_value, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(r.customer_ref.clone())
            .bind(r.name.trim().to_string())
            .bind(emails.unwrap_or_else(|| "[]".into()))
            .bind(r.phone.clone())
            .bind(r.value_tier.clone())
            .bind(r.lifetime_value)
            .bind(now_ms())
            .fetch_one(&mut **tx)
            .await?
        }
    };
    for (channel, handle) in &r.handles {
        let holder: Option<i64> = sqlx::query_scalar("SELECT customer_id FROM customer_handles WHERE channel = $1 AND handle = $2")
            .bind(channel.clone())
            .bind(handle.clone())
            .fetch_optional(&mut **tx)
            .await?;
        match holder {
            None => {
                sqlx::query("INSERT INTO customer_handles (customer_id, channel, handle) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(channel.clone())
                    .bind(handle.clone())
                    .execute(&mut **tx)
                    .await?;
                report.handles += 1;
            }
            Some(h) if h == id => {}
            Some(h) => report.errors.push(LineError {
                line: r.line,
                reason: format!("handle {channel}:{handle} already belongs to customer #{h}; the rest of the row was imported"),
            }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_handle_layouts_and_bad_lines_by_number() {
        let csv = "customer_ref,Name,Emails,phone,tier,LTV,handles,Bluesky\n\
                   c1,Ana Ruiz,ana@example.com;ana@work.example,+34 600,A,\"1,250.50\",twitter:@AnaR;mastodon:ana@inst.social,ana.example.com\n\
                   c2,,b@example.com,,,,,\n\
                   c3,Bob,not-an-email,,,,,\n\
                   c4,Cy,,,,-5,,\n\
                   c5,Di,,,,,twitter,\n\
                   c1,Again,,,,,,\n\
                   \n\
                   c6,Ed,,,,€ 99,,\n";
        let (rows, errors, count) = parse_customers(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].handles, vec![("twitter".into(), "anar".into()), ("mastodon".into(), "ana@inst.social".into()), ("bluesky".into(), "ana.example.com".into())]);
        assert_eq!(rows[0].lifetime_value, Some(1250.5));
        assert_eq!(rows[1].lifetime_value, Some(99.0));
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{errors:?}");
        assert_eq!(errors[0].reason, "no name");
        assert!(errors[4].reason.contains("line 2"), "{}", errors[4]);
        assert_eq!(count, 7, "blank lines are no rows");
        assert!(parse_customers("ref,email\n1,a@b\n".as_bytes()).is_err(), "a file with no name column is refused whole");
        assert!(parse_customers(&b"name\n\xff\xfe\nok\n"[..]).unwrap().1[0].reason.starts_with("unreadable"));
    }
}
