//! `switchboard report`: the team report over a period as JSON (the
//! report's stable keys), CSV or a printable HTML page (both written by
//! [`switchboard_engine::report_files`], the same the app saves).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use switchboard_core::report::ReportQuery;
use switchboard_core::time::parse_timestamp;
use switchboard_engine::report_files::{to_csv, to_html};
use switchboard_engine::Desk;

const DAY_MS: i64 = 86_400_000;

#[derive(clap::Args, Debug, Clone)]
pub struct ReportArgs {
    /// Start of the period (inclusive): RFC 3339, or YYYY-MM-DD for that day's start (UTC).
    #[arg(long)]
    from: Option<String>,
    /// End of the period (exclusive): RFC 3339, or YYYY-MM-DD for the end of that day (UTC).
    #[arg(long)]
    to: Option<String>,
    /// json, csv or html.
    #[arg(long, default_value = "json")]
    format: String,
    /// Only cases on this channel (twitter, bluesky...).
    #[arg(long)]
    channel: Option<String>,
    /// Only cases of this department (slug).
    #[arg(long)]
    department: Option<String>,
    /// Only cases whose first customer post has this topic.
    #[arg(long)]
    topic: Option<String>,
    /// Only cases of this organisation account (handle).
    #[arg(long)]
    account: Option<String>,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// A period bound: RFC 3339 (or another date the importer reads), or a bare
/// day, which is its start (`--from`) or its end (`--to`).
pub fn parse_bound(raw: &str, end_of_day: bool) -> Result<i64, String> {
    let s = raw.trim();
    let is_day = s.len() == 10 && s.as_bytes().iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if is_day {
        let start = parse_timestamp(&format!("{s}T00:00:00Z")).map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))?;
        return Ok(if end_of_day { start + DAY_MS } else { start });
    }
    parse_timestamp(s).map_err(|e| format!("{e}: use RFC 3339 (2017-10-31T22:00:00Z) or YYYY-MM-DD"))
}

pub async fn run(desk: &Desk, args: ReportArgs) -> Result<ExitCode> {
    let bound = |v: &Option<String>, name: &str, end: bool| -> Result<Option<i64>, String> {
        v.as_deref().map(|s| parse_bound(s, end).map_err(|e| format!("--{name}: {e}"))).transpose()
    };
    let (from, to) = match (bound(&args.from, "from", false), bound(&args.to, "to", true)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return usage(&e),
    };
    if !["json", "csv", "html"].contains(&args.format.as_str()) {
        return usage(&format!("unknown --format {:?}: use json, csv or html", args.format));
    }
    let department_id = match &args.department {
        Some(slug) => match desk.store().department_by_slug(slug).await {
            Ok(d) => Some(d.id),
            Err(_) => return usage(&format!("no department {slug:?}")),
        },
        None => None,
    };
    let q = ReportQuery { from, to, channel: args.channel, department_id, topic: args.topic, account: args.account };
    let report = match desk.report(&q).await {
        Ok(r) => r,
        Err(e) if e.code == "invalid" => return usage(&e.message),
        Err(e) => return Err(e.into()),
    };
    let text = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&report)? + "\n",
        "csv" => to_csv(&report)?,
        _ => to_html(&report),
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn usage(message: &str) -> Result<ExitCode> {
    eprintln!("switchboard: {message}");
    Ok(ExitCode::from(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_read_days_and_instants() {
        assert_eq!(parse_bound("2017-10-31", false).unwrap(), parse_timestamp("2017-10-31T00:00:00Z").unwrap());
        assert_eq!(parse_bound("2017-10-31", true).unwrap(), parse_timestamp("2017-11-01T00:00:00Z").unwrap(), "a day as --to is the whole day");
        assert_eq!(parse_bound("2017-10-31T22:10:47Z", true).unwrap(), parse_timestamp("2017-10-31T22:10:47Z").unwrap());
        assert!(parse_bound("yesterday", false).is_err());
        assert!(parse_bound("2017-13-45", false).is_err());
    }
}
