//! Timestamps: every instant is stored as milliseconds since the Unix epoch
//! (UTC), which both SQLite and PostgreSQL keep as a BIGINT without loss.

use std::sync::LazyLock;

use chrono::format::{parse, Item, Parsed, StrftimeItems};
use chrono::{TimeZone, Utc};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub fn now_ms() -> Millis {
    Utc::now().timestamp_millis()
}

pub fn to_rfc3339(ms: Millis) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        None => ms.to_string(),
    }
}

/// Formats with a zone, parsed once (an import reads millions of dates).
static WITH_ZONE: LazyLock<Vec<Vec<Item<'static>>>> =
    LazyLock::new(|| formats(&["%a %b %d %H:%M:%S %z %Y", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%.f%z"]));
/// Formats without one, taken as UTC.
static NAIVE: LazyLock<Vec<Vec<Item<'static>>>> =
    LazyLock::new(|| formats(&["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f"]));

fn formats(list: &[&'static str]) -> Vec<Vec<Item<'static>>> {
    list.iter().map(|f| StrftimeItems::new(f).parse().expect("a valid format")).collect()
}

/// Parses the date formats met in exported social data: RFC 3339
/// (`2017-10-31T22:10:47Z`), Twitter's classic `Tue Oct 31 22:10:47 +0000 2017`,
/// `2015-02-24 11:35:52 -0800`, a naive `2015-02-24 11:35:52` (taken as UTC)
/// and integer epoch seconds or milliseconds.
pub fn parse_timestamp(raw: &str) -> Result<Millis, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("empty date".into());
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    for items in WITH_ZONE.iter() {
        let mut p = Parsed::new();
        if parse(&mut p, s, items.iter()).is_ok() {
            if let Ok(t) = p.to_datetime() {
                return Ok(t.timestamp_millis());
            }
        }
    }
    for items in NAIVE.iter() {
        let mut p = Parsed::new();
        if parse(&mut p, s, items.iter()).is_ok() {
            if let Ok(t) = p.to_naive_datetime_with_offset(0) {
                return Ok(t.and_utc().timestamp_millis());
            }
        }
    }
    if let Ok(n) = s.parse::<i64>() {
        // Ten digits or fewer are seconds (until the year 2286).
        return Ok(if n.abs() < 10_000_000_000 { n * 1000 } else { n });
    }
    Err(format!("unrecognised date {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_formats_of_the_datasets() {
        let twcs = parse_timestamp("Tue Oct 31 22:10:47 +0000 2017").unwrap();
        assert_eq!(to_rfc3339(twcs), "2017-10-31T22:10:47Z");
        let airline = parse_timestamp("2015-02-24 11:35:52 -0800").unwrap();
        assert_eq!(to_rfc3339(airline), "2015-02-24T19:35:52Z");
        assert_eq!(parse_timestamp("1509487847").unwrap(), twcs, "epoch seconds");
        assert_eq!(parse_timestamp("2017-10-31T22:10:47Z").unwrap(), twcs);
        assert_eq!(parse_timestamp("2017-10-31 22:10:47").unwrap(), twcs, "naive is UTC");
        assert_eq!(parse_timestamp("2017-10-31T22:10:47").unwrap(), twcs);
        assert_eq!(parse_timestamp("2017-10-31 22:10:47.250").unwrap(), twcs + 250);
        assert_eq!(parse_timestamp("2017-10-31T23:10:47.5+0100").unwrap(), twcs + 500);
        assert_eq!(parse_timestamp("1509487847000").unwrap(), twcs, "epoch milliseconds");
        assert!(parse_timestamp("Tue Oct 31 25:10:47 +0000 2017").is_err(), "no 25th hour");
        assert!(parse_timestamp("31/10/2017").is_err(), "ambiguous dates are refused");
        assert!(parse_timestamp("").is_err());
    }
}
