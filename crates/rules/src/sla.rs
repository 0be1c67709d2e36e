//! SLA policies on business calendars.
//!
//! ```toml
//! [[calendar]]
//! name = "office"
//! utc_offset = "+00:00"           # a fixed offset: no daylight saving
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
//! the whole day; several spans are separated by commas. Time zones are fixed
//! UTC offsets per calendar (no zone database, so no daylight-saving shift:
//! a team on Europe/London writes `+00:00` in winter and `+01:00` in summer).
//! Targets count only open time: one business hour from Friday 17:00 with
//! hours 09:00–17:30 is Monday 09:30. Instants are milliseconds since the epoch.

use serde::{Deserialize, Serialize};
use toml::Spanned;

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
    /// Minutes east of UTC.
    pub offset_minutes: i64,
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
}

impl Calendar {
    /// Open all the time, at UTC.
    pub fn always() -> Calendar {
        Calendar { name: "24/7".into(), offset_minutes: 0, hours: std::array::from_fn(|_| vec![(0, 24 * 60)]), holidays: Vec::new() }
    }

    fn open_spans(&self, day: i64) -> &[(i64, i64)] {
        if self.holidays.contains(&day) {
            return &[];
        }
        // 1970-01-01 was a Thursday (index 3 with Monday as 0).
        &self.hours[(day + 3).rem_euclid(7) as usize]
    }

    pub fn is_open(&self, at: i64) -> bool {
        let local = at + self.offset_minutes * MINUTE;
        let day = local.div_euclid(DAY);
        let minute = local.rem_euclid(DAY);
        self.open_spans(day).iter().any(|&(o, c)| minute >= o * MINUTE && minute < c * MINUTE)
    }

    /// Business milliseconds between `from` and `to` (0 if `to` is before `from`).
    pub fn business_ms_between(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let off = self.offset_minutes * MINUTE;
        let (from, to) = (from + off, to + off);
        let mut total = 0;
        let last = to.div_euclid(DAY).min(from.div_euclid(DAY) + HORIZON_DAYS);
        for day in from.div_euclid(DAY)..=last {
            let start = day * DAY;
            for &(o, c) in self.open_spans(day) {
                let (a, b) = ((start + o * MINUTE).max(from), (start + c * MINUTE).min(to));
                if b > a {
                    total += b - a;
                }
            }
        }
        total
    }
}

/// The instant `target_minutes` of business time after `start`; `None` when
/// the calendar is not open in the next three years.
pub fn due_at(start: i64, target_minutes: i64, calendar: &Calendar) -> Option<i64> {
    let off = calendar.offset_minutes * MINUTE;
    let mut remaining = target_minutes.max(0).checked_mul(MINUTE)?;
    let mut t = start.checked_add(off)?;
    let first = t.div_euclid(DAY);
    for day in first..first + HORIZON_DAYS {
        let day_start = day * DAY;
        for &(o, c) in calendar.open_spans(day) {
            let (open, close) = (day_start + o * MINUTE, day_start + c * MINUTE);
            if t >= close {
                continue;
            }
            let from = t.max(open);
            if remaining <= close - from {
                return Some(from + remaining - off);
            }
            remaining -= close - from;
            t = close;
        }
        t = t.max(day_start + DAY);
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
        let (target, due, minutes) = running
            .into_iter()
            .filter_map(|(t, start, m)| due_at(start, m, cal).map(|d| (t, d, m)))
            .min_by_key(|&(_, d, _)| d)?;
        let breached = now >= due;
        let left = if breached { -((now - due) / MINUTE) } else { cal.business_ms_between(now, due) / MINUTE };
        let near = breached
            || match policy.near_breach {
                Threshold::Percent(p) => (left as f64) <= minutes as f64 * p / 100.0,
                Threshold::Minutes(m) => left <= m,
            };
        Some(SlaClock { policy: policy.name.clone(), target, due_at: due, target_minutes: minutes, left_minutes: left, near_breach: near, breached })
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
    let offset_minutes = match &c.utc_offset {
        None => 0,
        Some(s) => parse_offset(s).ok_or_else(|| format!("utc_offset {s:?}: write it as \"+01:00\" or \"-05:30\""))?,
    };
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
    let cal = Calendar { name: c.name.trim().to_string(), offset_minutes, hours, holidays };
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
