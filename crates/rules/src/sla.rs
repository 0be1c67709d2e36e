//! SLA policies on business calendars.
//!
//! ```toml
//! [[calendar]]
//! name = "office"
//! timezone = "Europe/London"      # an IANA zone (daylight saving followed),
//!                                 # or utc_offset = "+01:00" for a fixed offset
//! hours = { mon = "09:00-17:30", tue = "09:00-17:30", wed = "09:00-17:30", thu = "09:00-17:30", fri = "09:00-17:30" }
//! holidays = ["2026-12-25", "2026-12-28"]
//!
//! [[policy]]
//! name = "standard"
//! calendar = "office"
//! first_response = "1h"
//! next_response = "4h"
//! resolution = "3d"               # a day is 24 hours of the calendar's open time
//! near_breach = "25%"             # or "30m": escalate when this much is left
//! departments = ["contact-centre", "marketing"]
//! ```
//!
//! A day missing from `hours` (or `"closed"`) is closed; `"00:00-24:00"` is
//! the whole day; several spans are separated by commas. A calendar's hours
//! are wall-clock times in its zone: `timezone` names an IANA zone (the
//! `chrono-tz` database, so "09:00" stays 09:00 in London across the change
//! to summer time), `utc_offset` (or `timezone = "+05:30"`) a fixed offset;
//! neither means UTC. An opening time that falls in a spring-forward gap
//! counts from the instant the clocks jump; in the repeated autumn hour the
//! first occurrence counts. Targets count only open time: one business hour
//! from Friday 17:00 with hours 09:00–17:30 is Monday 09:30. Instants are
//! milliseconds since the epoch.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use chrono::{NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::error::ConfigError;
use crate::facts::CaseFacts;
use crate::text::parse_minutes;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;
/// How far ahead a target is looked for before it is given up (never open).
const HORIZON_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub name: String,
    /// Minutes east of UTC, when the calendar has no IANA zone.
    pub offset_minutes: i64,
    /// The IANA zone whose wall clock the hours are in (overrides `offset_minutes`).
    pub zone: Option<Tz>,
    /// Open spans per weekday (Monday first), minutes from local midnight.
    pub hours: [Vec<(i64, i64)>; 7],
    /// Closed days, as days since 1970-01-01 (local).
    pub holidays: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Percent(f64),
    Minutes(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub calendar: String,
    pub first_response: i64,
    pub next_response: i64,
    pub resolution: i64,
    pub near_breach: Threshold,
    pub departments: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlaConfig {
    pub calendars: Vec<Calendar>,
    pub policies: Vec<Policy>,
    /// The policy for cases no other names (the first policy unless `default` says).
    pub default_policy: Option<String>,
}

/// Which target a clock runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::FirstResponse => "first response",
            Target::NextResponse => "next response",
            Target::Resolution => "resolution",
        }
    }
}

/// Where a case stands against its SLA at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaClock {
    pub policy: String,
    pub target: Target,
    pub due_at: i64,
    /// The target's length in business minutes.
    pub target_minutes: i64,
    /// Business minutes left; negative: wall-clock minutes since the breach.
    pub left_minutes: i64,
    pub near_breach: bool,
    pub breached: bool,
    /// The clock is not near breach before this instant (it turns so just
    /// after it): the engine need not look at the case for escalation sooner.
    pub escalate_at: i64,
}

impl Calendar {
    /// Open all the time, at UTC.
    pub fn always() -> Calendar {
        Calendar { name: "24/7".into(), offset_minutes: 0, zone: None, hours: std::array::from_fn(|_| vec![(0, 24 * 60)]), holidays: Vec::new() }
    }

    fn open_spans(&self, day: i64) -> &[(i64, i64)] {
        if self.holidays.contains(&day) {
            return &[];
        }
        // 1970-01-01 was a Thursday (index 3 with Monday as 0).
        &self.hours[(day + 3).rem_euclid(7) as usize]
    }

    /// Milliseconds to add to an instant for the wall clock at that instant.
    fn offset_at(&self, at: i64) -> i64 {
        match self.zone {
            None => self.offset_minutes * MINUTE,
            Some(tz) => match chrono::DateTime::from_timestamp_millis(at) {
                Some(utc) => tz.offset_from_utc_datetime(&utc.naive_utc()).fix().local_minus_utc() as i64 * 1000,
                None => 0,
            },
        }
    }

    /// The instant a wall-clock time (milliseconds from the local epoch) happens.
    fn local_to_utc(&self, local: i64) -> i64 {
        let Some(tz) = self.zone else { return local - self.offset_minutes * MINUTE };
        let Some(naive) = chrono::DateTime::from_timestamp_millis(local).map(|d| d.naive_utc()) else { return local };
        match tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => t.timestamp_millis(),
            chrono::LocalResult::Ambiguous(first, _) => first.timestamp_millis(),
            // In a spring-forward gap: the instant the clocks jumped.
            chrono::LocalResult::None => self.gap_end(naive),
        }
    }

    /// The end of the daylight-saving gap containing `naive`: the first
    /// instant whose wall clock is at or after it.
    fn gap_end(&self, naive: NaiveDateTime) -> i64 {
        let before = local_ms(naive) - self.offset_at(local_ms(naive) - DAY);
        let after = local_ms(naive) - self.offset_at(local_ms(naive) + DAY);
        // Between the two readings of the wall clock, the first that is already past the gap.
        let (mut lo, mut hi) = (after.min(before), after.max(before));
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if mid + self.offset_at(mid) >= local_ms(naive) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }

    /// The local day (days since 1970-01-01 on the wall clock) of an instant.
    fn local_day(&self, at: i64) -> i64 {
        (at + self.offset_at(at)).div_euclid(DAY)
    }

    /// The open intervals of a local day, as instants, in order.
    fn open_intervals(&self, day: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
        let start = day * DAY;
        self.open_spans(day)
            .iter()
            .map(move |&(o, c)| (self.local_to_utc(start.saturating_add(o * MINUTE)), self.local_to_utc(start.saturating_add(c * MINUTE))))
            .filter(|(a, b)| b > a)
    }

    pub fn is_open(&self, at: i64) -> bool {
        self.open_intervals(self.local_day(at)).any(|(a, b)| at >= a && at < b)
    }

    /// Business milliseconds between `from` and `to` (0 if `to` is before `from`).
    pub fn business_ms_between(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let first = self.local_day(from);
        let last = self.local_day(to).min(first + HORIZON_DAYS);
        for day in first..=last {
            for (a, b) in self.open_intervals(day) {
                let (a, b) = (a.max(from), b.min(to));
                if b > a {
                    total += b - a;
                }
            }
        }
        total
    }
}

fn local_ms(naive: NaiveDateTime) -> i64 {
    naive.and_utc().timestamp_millis()
}

/// The instant `target_minutes` of business time after `start`; `None` when
/// the calendar is not open in the next three years.
pub fn due_at(start: i64, target_minutes: i64, calendar: &Calendar) -> Option<i64> {
    let mut remaining = target_minutes.max(0).checked_mul(MINUTE)?;
    // Instants beyond chrono's range have no wall clock.
    chrono::DateTime::from_timestamp_millis(start.checked_add(2 * DAY)?)?;
    chrono::DateTime::from_timestamp_millis(start.checked_sub(2 * DAY)?)?;
    let mut t = start;
    let first = calendar.local_day(start);
    for day in first..first + HORIZON_DAYS {
        for (open, close) in calendar.open_intervals(day) {
            if t >= close {
                continue;
            }
            let from = t.max(open);
            if remaining <= close - from {
                return Some(from + remaining);
            }
            remaining -= close - from;
            t = close;
        }
    }
    None
}

impl SlaConfig {
    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars.iter().find(|c| c.name == name)
    }
    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.name == name)
    }
    /// The policy for a case: the one a rule named, else its department's, else the default.
    pub fn policy_for(&self, named: Option<&str>, department: Option<&str>) -> Option<&Policy> {
        named
            .and_then(|n| self.policy(n))
            .or_else(|| department.and_then(|d| self.policies.iter().find(|p| p.departments.iter().any(|x| x == d))))
            .or_else(|| self.default_policy.as_deref().and_then(|n| self.policy(n)))
            .or_else(|| self.policies.first())
    }
    /// The business calendar of a department (for `business_hours` conditions).
    pub fn calendar_for(&self, department: Option<&str>) -> Option<&Calendar> {
        self.policy_for(None, department).and_then(|p| self.calendar(&p.calendar))
    }

    /// The case's clock at `now`: the earliest of its running targets (first
    /// or next response while the customer waits, resolution while open).
    pub fn clock(&self, facts: &CaseFacts, now: i64) -> Option<SlaClock> {
        if facts.is_resolved() {
            return None;
        }
        let policy = self.policy_for(facts.sla_policy.as_deref(), facts.department.as_deref())?;
        let cal = self.calendar(&policy.calendar)?;
        let mut running = Vec::new();
        match facts.first_response_at {
            None => running.push((Target::FirstResponse, facts.opened_at, policy.first_response)),
            Some(_) => {
                if let Some(last) = facts.last_customer_post_at {
                    if facts.last_reply_at.is_none_or(|r| r < last) {
                        running.push((Target::NextResponse, last, policy.next_response));
                    }
                }
            }
        }
        if facts.status != "pending" {
            running.push((Target::Resolution, facts.opened_at, policy.resolution));
        }
        let (target, due, minutes, start) = running
            .into_iter()
            .filter_map(|(t, start, m)| due_at(start, m, cal).map(|d| (t, d, m, start)))
            .min_by_key(|&(_, d, _, _)| d)?;
        let warn_minutes = match policy.near_breach {
            Threshold::Percent(p) => (minutes as f64 * p / 100.0).floor() as i64,
            Threshold::Minutes(m) => m,
        };
        // `left` counts whole minutes down, so the clock is near breach once
        // less than warn + 1 business minutes remain: from just after this.
        let escalate_at = due_at(start, (minutes - warn_minutes - 1).max(0), cal).unwrap_or(due).min(due);
        let breached = now >= due;
        let left = if breached { -((now - due) / MINUTE) } else { cal.business_ms_between(now, due) / MINUTE };
        let near = breached
            || match policy.near_breach {
                Threshold::Percent(p) => (left as f64) <= minutes as f64 * p / 100.0,
                Threshold::Minutes(m) => left <= m,
            };
        Some(SlaClock { policy: policy.name.clone(), target, due_at: due, target_minutes: minutes, left_minutes: left, near_breach: near, breached, escalate_at })
    }

    pub fn policy_names(&self) -> Vec<&str> {
        self.policies.iter().map(|p| p.name.as_str()).collect()
    }

    /// Reads an SLA file; the error names the line and the policy or calendar.
    pub fn parse(source: &str) -> Result<SlaConfig, ConfigError> {
        let raw: RawFile = toml::from_str(source).map_err(|e| ConfigError::from_toml("sla", source, &e))?;
        let mut out = SlaConfig { default_policy: raw.default.clone(), ..Default::default() };
        for spanned in raw.calendar {
            let start = spanned.span().start;
            let c = spanned.into_inner();
            let fail = |m: String| ConfigError::new("sla", m).at(source, start).item(format!("calendar {:?}", c.name));
            out.calendars.push(read_calendar(&c).map_err(fail)?);
        }
        for spanned in raw.policy {
            let start = spanned.span().start;
            let p = spanned.into_inner();
            let fail = |m: String| ConfigError::new("sla", m).at(source, start).item(format!("policy {:?}", p.name));
            if p.name.trim().is_empty() {
                return Err(fail("a policy needs a name".into()));
            }
            if out.policy(&p.name).is_some() {
                return Err(fail("two policies have this name".into()));
            }
            let calendar = p.calendar.clone().unwrap_or_else(|| "24/7".into());
            if calendar != "24/7" && out.calendar(&calendar).is_none() {
                return Err(fail(format!("names calendar {calendar:?}, which is not defined")));
            }
            let minutes = |key: &str, v: &str| parse_minutes(v).filter(|m| *m > 0).ok_or_else(|| fail(format!("`{key}` = {v:?} is not a duration such as \"90m\", \"4h\" or \"3d\"")));
            let near_breach = match p.near_breach.as_deref().map(str::trim) {
                None => Threshold::Percent(25.0),
                Some(s) if s.ends_with('%') => match s.trim_end_matches('%').trim().parse::<f64>() {
                    Ok(v) if (0.0..=100.0).contains(&v) => Threshold::Percent(v),
                    _ => return Err(fail(format!("`near_breach` = {s:?}: a percentage between 0% and 100%"))),
                },
                Some(s) => Threshold::Minutes(minutes("near_breach", s)?),
            };
            out.policies.push(Policy {
                first_response: minutes("first_response", &p.first_response)?,
                next_response: minutes("next_response", p.next_response.as_deref().unwrap_or(&p.first_response))?,
                resolution: minutes("resolution", &p.resolution)?,
                near_breach,
                departments: p.departments.iter().map(|d| d.trim().to_lowercase()).collect(),
                name: p.name.trim().to_string(),
                calendar,
            });
        }
        if !out.policies.is_empty() && out.calendar("24/7").is_none() {
            out.calendars.push(Calendar::always());
        }
        if let Some(d) = &out.default_policy {
            if out.policy(d).is_none() {
                return Err(ConfigError::new("sla", format!("`default` names policy {d:?}, which is not defined")));
            }
        }
        Ok(out)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    calendar: Vec<Spanned<RawCalendar>>,
    #[serde(default)]
    policy: Vec<Spanned<RawPolicy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: String,
    #[serde(default)]
    utc_offset: Option<String>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    hours: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    holidays: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: String,
    #[serde(default)]
    calendar: Option<String>,
    first_response: String,
    #[serde(default)]
    next_response: Option<String>,
    resolution: String,
    #[serde(default)]
    near_breach: Option<String>,
    #[serde(default)]
    departments: Vec<String>,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn read_calendar(c: &RawCalendar) -> Result<Calendar, String> {
    if c.name.trim().is_empty() {
        return Err("a calendar needs a name".into());
    }
    let mut offset_minutes = match &c.utc_offset {
        None => 0,
        Some(s) => parse_offset(s).ok_or_else(|| format!("utc_offset {s:?}: write it as \"+01:00\" or \"-05:30\""))?,
    };
    let mut zone = None;
    if let Some(tz) = c.timezone.as_deref().map(str::trim) {
        if c.utc_offset.is_some() {
            return Err("give either `timezone` or `utc_offset`, not both".into());
        }
        match (parse_offset(tz), tz.parse::<Tz>()) {
            (Some(fixed), _) if !tz.is_empty() => offset_minutes = fixed,
            (_, Ok(z)) => zone = Some(z),
            _ => {
                return Err(format!(
                    "timezone {tz:?} is not a time zone: write an IANA name such as \"Europe/London\" or \"America/New_York\", or an offset such as \"+01:00\""
                ))
            }
        }
    }
    let mut hours: [Vec<(i64, i64)>; 7] = Default::default();
    for (day, spans) in &c.hours {
        let i = DAYS
            .iter()
            .position(|d| day.to_lowercase().starts_with(d))
            .ok_or_else(|| format!("unknown day {day:?} in hours (use mon, tue, wed, thu, fri, sat, sun)"))?;
        hours[i] = parse_spans(spans).ok_or_else(|| format!("hours for {day} = {spans:?}: write \"09:00-17:30\", several with commas, or \"closed\""))?;
    }
    let mut holidays = Vec::new();
    for h in &c.holidays {
        let date = chrono::NaiveDate::parse_from_str(h.trim(), "%Y-%m-%d").map_err(|_| format!("holiday {h:?}: write dates as YYYY-MM-DD"))?;
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch is a date");
        holidays.push((date - epoch).num_days());
    }
    let cal = Calendar { name: c.name.trim().to_string(), offset_minutes, zone, hours, holidays };
    if cal.hours.iter().all(Vec::is_empty) {
        return Err("a calendar open on no day can never meet a target".into());
    }
    Ok(cal)
}

fn parse_offset(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches("UTC");
    if s.is_empty() || s == "Z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

fn parse_spans(s: &str) -> Option<Vec<(i64, i64)>> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("closed") {
        return Some(Vec::new());
    }
    let mut out: Vec<(i64, i64)> = Vec::new();
    for part in s.split(',') {
        let (a, b) = part.trim().split_once('-')?;
        let (a, b) = (clock(a)?, clock(b)?);
        if b <= a || out.last().is_some_and(|&(_, prev)| a < prev) {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

fn clock(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}
