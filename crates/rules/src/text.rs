//! Small text helpers shared by the file formats: folding labels for
//! comparison, reading counts ("48k"), durations ("2h30m") and comparisons
//! (">=10k", "<30m"), and writing counts back for people ("48k followers").

/// A label as compared: lower case, `_` and `-` as spaces, spaces squeezed.
pub fn fold(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `12`, `12.5`, `48k`, `1.2m` (k = thousand, m = million).
pub fn parse_count(s: &str) -> Option<f64> {
    let s = s.trim().replace([',', '_'], "");
    let lower = s.to_lowercase();
    let (num, mult) = if let Some(n) = lower.strip_suffix('k') {
        (n.to_string(), 1_000.0)
    } else if let Some(n) = lower.strip_suffix('m') {
        (n.to_string(), 1_000_000.0)
    } else {
        (lower, 1.0)
    };
    let v: f64 = num.trim().parse().ok()?;
    v.is_finite().then_some(v * mult)
}

/// A duration in minutes: `90`, `90m`, `2h`, `2h30m`, `1d` (a day is 24 hours
/// of the clock it is counted on). Zero and above only.
pub fn parse_minutes(s: &str) -> Option<i64> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return (n >= 0).then_some(n);
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else if c.is_whitespace() {
            continue;
        } else {
            let n: i64 = num.parse().ok()?;
            num.clear();
            let unit = match c {
                'm' => 1,
                'h' => 60,
                'd' => 24 * 60,
                _ => return None,
            };
            total = total.checked_add(n.checked_mul(unit)?)?;
        }
    }
    if !num.is_empty() {
        return None; // a number without its unit after another: "2h30"
    }
    Some(total)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

/// A comparison against a number: `>10k`, `<=0.3`, `=5`; a bare value means `>=`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compare {
    pub op: Op,
    pub value: f64,
}

impl Compare {
    pub fn parse_with(s: &str, value: impl Fn(&str) -> Option<f64>) -> Option<Compare> {
        let s = s.trim();
        let (op, rest) = if let Some(r) = s.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = s.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = s.strip_prefix('>') {
            (Op::Gt, r)
        } else if let Some(r) = s.strip_prefix('<') {
            (Op::Lt, r)
        } else if let Some(r) = s.strip_prefix('=') {
            (Op::Eq, r)
        } else {
            (Op::Ge, s)
        };
        Some(Compare { op, value: value(rest)? })
    }
    pub fn holds(&self, x: f64) -> bool {
        match self.op {
            Op::Gt => x > self.value,
            Op::Ge => x >= self.value,
            Op::Lt => x < self.value,
            Op::Le => x <= self.value,
            Op::Eq => (x - self.value).abs() < 1e-9,
        }
    }
}

/// `640`, `2.1k`, `48k`, `310k`, `1.2M`.
pub fn short_count(n: i64) -> String {
    let n = n.max(0) as f64;
    let trim = |v: f64| {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    if n >= 1_000_000.0 {
        format!("{}M", trim(n / 1_000_000.0))
    } else if n >= 10_000.0 {
        format!("{}k", (n / 1_000.0).round())
    } else if n >= 1_000.0 {
        format!("{}k", trim(n / 1_000.0))
    } else {
        format!("{n}")
    }
}

/// `40 min`, `2 h 5 min`, `3 d 4 h`.
pub fn short_minutes(m: i64) -> String {
    let m = m.max(0);
    if m < 60 {
        format!("{m} min")
    } else if m < 24 * 60 {
        match m % 60 {
            0 => format!("{} h", m / 60),
            r => format!("{} h {r} min", m / 60),
        }
    } else {
        match (m / 60) % 24 {
            0 => format!("{} d", m / (24 * 60)),
            h => format!("{} d {h} h", m / (24 * 60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_durations_and_comparisons_read_as_people_write_them() {
        assert_eq!(parse_count("48k"), Some(48_000.0));
        assert_eq!(parse_count("1.5m"), Some(1_500_000.0));
        assert_eq!(parse_count("ten"), None);
        assert_eq!(parse_minutes("2h30m"), Some(150));
        assert_eq!(parse_minutes("1d"), Some(1440));
        assert_eq!(parse_minutes("2h30"), None);
        assert_eq!(parse_minutes("-5"), None);
        let c = Compare::parse_with(">=10k", parse_count).unwrap();
        assert!(c.holds(10_000.0) && !c.holds(9_999.0));
        assert!(Compare::parse_with(">abc", parse_count).is_none());
        assert_eq!(short_count(48_000), "48k");
        assert_eq!(short_count(2_140), "2.1k");
        assert_eq!(short_count(1_200_000), "1.2M");
        assert_eq!(short_minutes(40), "40 min");
        assert_eq!(fold(" Lost_Luggage "), "lost luggage");
    }
}
