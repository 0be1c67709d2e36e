//! What an hour of a scope should hold, and how far above that it is.
//!
//! - History: only the hours within the lookback (the longest of the
//!   baseline windows) count, from the scope's first post in that window; a
//!   scope younger than `min_history_hours` is not judged.
//! - Baseline: the same hour of the day over the previous `baseline_days`
//!   days once `min_days` of them are known (the median of three or more,
//!   else their mean), averaged with the same weekday and hour over the
//!   previous weeks once `min_weeks` are known; before that, the mean of the
//!   trailing `fallback_hours`. The seasonal value is smoothed toward the
//!   trailing mean (as one extra observation), and never below 0.5.
//! - Distance (z): on the square-root scale that gives a Poisson count a
//!   spread of 1 at any mean (Anscombe: 2(√(x+3/8) − √(μ+3/8))), widened for
//!   a baseline estimated from few hours; when the reference hours swing more
//!   than Poisson (1.4826 × their median absolute deviation), the smaller
//!   distance in that spread. So a flat stream's noise stays quiet, small
//!   counts are not over-read, and a stream that always swings needs a
//!   bigger swing.

use switchboard_core::alert::Severity;

use crate::series::ScopeSeries;
use crate::thresholds::Thresholds;

/// One hour judged against its baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub observed: f64,
    pub expected: f64,
    pub ratio: f64,
    pub z: f64,
    /// Set when the hour alerts on its own (minimum count, ratio and z met).
    pub severity: Option<Severity>,
    /// Above the baseline enough to keep an incident going.
    pub elevated: bool,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Median absolute deviation scaled to a standard deviation (0 for fewer than 3 values).
fn robust_sd(v: &[f64]) -> f64 {
    if v.len() < 3 {
        return 0.0;
    }
    let mut c = v.to_vec();
    let m = median(&mut c);
    let mut dev: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
    1.4826 * median(&mut dev)
}

/// The centre of reference values: median of three or more, else mean.
fn centre(v: &[f64]) -> f64 {
    if v.len() >= 3 {
        median(&mut v.to_vec())
    } else {
        mean(v)
    }
}

/// Judges `hour` of a scope: posts, or negative posts when `negative`.
/// `None` when the scope has too little history there.
pub fn evaluate(s: &ScopeSeries, hour: i64, negative: bool, t: &Thresholds) -> Option<Evaluation> {
    let lookback = t.lookback_hours();
    let first = s.first_within(hour - lookback, hour)?;
    if hour - first < t.min_history_hours as i64 {
        return None;
    }
    let value = |h: i64| {
        let c = s.cell(h);
        f64::from(if negative { c.negative } else { c.posts })
    };
    let trailing: Vec<f64> = ((hour - t.fallback_hours as i64).max(first)..hour).map(value).collect();
    if trailing.is_empty() {
        return None;
    }
    let trailing_mean = mean(&trailing);
    let days: Vec<f64> = (1..=t.baseline_days as i64).map(|d| hour - 24 * d).filter(|h| *h >= first).map(value).collect();
    let (expected, n, spread) = if days.len() >= t.min_days as usize {
        let mut seasonal = centre(&days);
        let weeks: Vec<f64> = (1..=t.baseline_weeks as i64).map(|w| hour - 168 * w).filter(|h| *h >= first).map(value).collect();
        if t.min_weeks > 0 && weeks.len() >= t.min_weeks as usize {
            seasonal = (seasonal + centre(&weeks)) / 2.0;
        }
        let n = days.len() as f64;
        ((seasonal * n + trailing_mean) / (n + 1.0), n, robust_sd(&days))
    } else {
        (trailing_mean, trailing.len() as f64, robust_sd(&trailing))
    };
    let expected = expected.max(0.5);
    let observed = value(hour);
    let widen = (1.0 + 1.0 / n.max(1.0)).sqrt();
    // Counts: Anscombe's square root makes a Poisson count's spread 1 at any
    // mean (a plain z overstates small counts' upper tail).
    let z_counts = 2.0 * ((observed + 0.375).sqrt() - (expected + 0.375).sqrt()) / widen;
    // A stream that swings more than Poisson: its own robust spread.
    let z = if spread * spread > expected { z_counts.min((observed - expected) / (spread * widen)) } else { z_counts };
    let ratio = observed / expected;
    let severity = if observed >= f64::from(t.min_count) { t.severity(ratio, z) } else { None };
    let elevated = severity.is_some() || (observed > expected && z >= t.continue_z);
    Some(Evaluation { observed, expected, ratio, z, severity, elevated })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::Cell;

    fn series(f: impl Fn(i64) -> u32, hours: std::ops::Range<i64>) -> ScopeSeries {
        let mut s = ScopeSeries::default();
        for h in hours {
            let n = f(h);
            if n > 0 {
                s.hours.insert(h, Cell { posts: n, negative: n / 2 });
            }
        }
        s
    }

    #[test]
    fn a_young_scope_is_not_judged() {
        let s = series(|_| 10, 0..10);
        assert_eq!(evaluate(&s, 9, false, &Thresholds::default()), None);
    }

    #[test]
    fn the_baseline_knows_the_hour_of_the_day() {
        // Busy afternoons (40/h), quiet nights (4/h), for five days.
        let s = series(|h| if h % 24 >= 12 { 40 } else { 4 }, 0..24 * 5 + 14);
        let t = Thresholds::default();
        let afternoon = evaluate(&s, 24 * 5 + 13, false, &t).unwrap();
        assert!((afternoon.expected - 40.0).abs() < 6.0, "an afternoon expects afternoon traffic: {afternoon:?}");
        assert_eq!(afternoon.severity, None, "a usual afternoon does not alert");
        let night = evaluate(&s, 24 * 5 + 3, false, &t).unwrap();
        assert!(night.expected < 10.0, "a night expects night traffic: {night:?}");
    }

    #[test]
    fn the_baseline_knows_the_day_of_the_week_once_weeks_are_known() {
        // Day 5 of every week (hour 0 = a Monday 00:00 would make it Saturday) is busy all day.
        let busy = |h: i64| (h / 24) % 7 == 5;
        let s = series(|h| if busy(h) { 40 } else { 10 }, 0..24 * 7 * 3 + 24 * 5 + 14);
        let hour = 24 * 7 * 3 + 24 * 5 + 13;
        assert!(busy(hour));
        let e = evaluate(&s, hour, false, &Thresholds::default()).unwrap();
        assert_eq!(e.severity, None, "a busy weekday that is always busy does not alert: {e:?}");
        let no_weeks = Thresholds { baseline_weeks: 0, ..Thresholds::default() };
        let e = evaluate(&s, hour, false, &no_weeks).unwrap();
        assert!(e.severity.is_some(), "without the weekday it would: {e:?}");
    }

    #[test]
    fn a_spike_far_above_the_baseline_is_severe() {
        let mut s = series(|_| 10, 0..24 * 4);
        s.hours.insert(24 * 4, Cell { posts: 60, negative: 50 });
        let e = evaluate(&s, 24 * 4, true, &Thresholds::default()).unwrap();
        assert_eq!(e.severity, Some(Severity::High), "{e:?}");
        assert!(e.ratio > 4.0 && e.z > 7.0, "{e:?}");
    }

    #[test]
    fn short_history_falls_back_to_the_trailing_mean() {
        let s = series(|_| 20, 0..30);
        let e = evaluate(&s, 29, false, &Thresholds::default()).unwrap();
        assert!((e.expected - 20.0).abs() < 1e-9, "{e:?}");
        assert_eq!(e.severity, None);
    }

    #[test]
    fn robust_spread_ignores_one_past_spike() {
        assert!((robust_sd(&[10.0, 10.0, 10.0, 90.0, 10.0]) - 0.0).abs() < 1e-9);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
    }
}
