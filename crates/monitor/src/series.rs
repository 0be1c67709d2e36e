//! Inbound posts counted per hour and per scope. Hours are whole hours since
//! the Unix epoch (UTC): `hour_of(ms) = ms / 3_600_000`.
//!
//! Scopes: `all`, and when asked `topic:<topic>`, `channel:<channel>`,
//! `account:<account>` (a post without a topic or account counts only in the
//! other scopes).

use std::collections::BTreeMap;

pub const HOUR_MS: i64 = 3_600_000;

pub fn hour_of(ms: i64) -> i64 {
    ms.div_euclid(HOUR_MS)
}

pub fn hour_start(hour: i64) -> i64 {
    hour * HOUR_MS
}

/// Inbound posts of one hour sharing a channel, account, topic and negativity.
#[derive(Debug, Clone, PartialEq)]
pub struct HourRow {
    pub hour: i64,
    pub channel: String,
    pub account: Option<String>,
    pub topic: Option<String>,
    pub negative: bool,
    pub count: i64,
}

/// Which scopes to count besides `all` (a workspace with one channel gains
/// nothing from a channel scope: it would repeat `all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeOptions {
    pub topics: bool,
    pub channels: bool,
    pub accounts: bool,
}

impl Default for ScopeOptions {
    fn default() -> Self {
        ScopeOptions { topics: true, channels: true, accounts: true }
    }
}

/// One hour of one scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    pub posts: u32,
    pub negative: u32,
}

/// The hours of one scope that have posts (absent hours hold none).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeSeries {
    pub hours: BTreeMap<i64, Cell>,
}

impl ScopeSeries {
    pub fn cell(&self, hour: i64) -> Cell {
        self.hours.get(&hour).copied().unwrap_or_default()
    }
    /// The first hour with posts in `from..=to`.
    pub fn first_within(&self, from: i64, to: i64) -> Option<i64> {
        self.hours.range(from..=to).next().map(|(h, _)| *h)
    }
}

/// Every scope's hourly counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub scopes: BTreeMap<String, ScopeSeries>,
}

impl Series {
    pub fn build(rows: &[HourRow], options: ScopeOptions) -> Series {
        let mut s = Series::default();
        for r in rows {
            let n = u32::try_from(r.count.max(0)).unwrap_or(u32::MAX);
            s.add("all".to_string(), r.hour, n, r.negative);
            if options.channels {
                s.add(format!("channel:{}", r.channel), r.hour, n, r.negative);
            }
            if options.accounts {
                if let Some(a) = r.account.as_deref().filter(|a| !a.trim().is_empty()) {
                    s.add(format!("account:{a}"), r.hour, n, r.negative);
                }
            }
            if options.topics {
                if let Some(t) = r.topic.as_deref().filter(|t| !t.trim().is_empty()) {
                    s.add(format!("topic:{t}"), r.hour, n, r.negative);
                }
            }
        }
        s
    }

    fn add(&mut self, scope: String, hour: i64, n: u32, negative: bool) {
        let cell = self.scopes.entry(scope).or_default().hours.entry(hour).or_default();
        cell.posts = cell.posts.saturating_add(n);
        if negative {
            cell.negative = cell.negative.saturating_add(n);
        }
    }

    /// The last hour with posts in any scope.
    pub fn last_hour(&self) -> Option<i64> {
        self.scopes.get("all").and_then(|s| s.hours.keys().next_back().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(hour: i64, account: Option<&str>, topic: Option<&str>, negative: bool, count: i64) -> HourRow {
        HourRow { hour, channel: "x".into(), account: account.map(str::to_string), topic: topic.map(str::to_string), negative, count }
    }

    #[test]
    fn rows_fill_every_scope_they_belong_to() {
        let rows = vec![row(10, Some("Acme"), Some("billing"), true, 3), row(10, None, None, false, 2), row(11, Some("Acme"), None, false, 1)];
        let s = Series::build(&rows, ScopeOptions::default());
        assert_eq!(s.scopes["all"].cell(10), Cell { posts: 5, negative: 3 });
        assert_eq!(s.scopes["account:Acme"].cell(10), Cell { posts: 3, negative: 3 });
        assert_eq!(s.scopes["topic:billing"].cell(11), Cell::default());
        assert_eq!(s.scopes["channel:x"].cell(11).posts, 1);
        assert_eq!(s.last_hour(), Some(11));
        let only_all = Series::build(&rows, ScopeOptions { topics: false, channels: false, accounts: false });
        assert_eq!(only_all.scopes.len(), 1);
    }

    #[test]
    fn hours_before_the_epoch_round_down() {
        assert_eq!(hour_of(-1), -1);
        assert_eq!(hour_of(HOUR_MS * 5 + 7), 5);
        assert_eq!(hour_start(5), HOUR_MS * 5);
    }
}
