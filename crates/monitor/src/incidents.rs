//! From judged hours to incidents: one burst is one alert.
//!
//! For each scope and kind, hour by hour: an hour that alerts opens an
//! incident (its start is that hour) unless one is going on; an incident goes
//! on while hours stay elevated, keeping the peak hour (largest z) and the
//! highest severity; after `quiet_hours` hours that are not elevated it ends
//! at the end of its last elevated hour. A spike within `cooldown_hours` of
//! that end reopens the same incident instead of opening a new one.
//!
//! [`scan`] takes the incidents left by the previous scan (the newest per
//! scope and kind) and returns those it changed plus the new ones, so
//! scanning hours in several calls gives what one call gives.

use std::collections::BTreeMap;

use switchboard_core::alert::{AlertKind, Severity};

use crate::baseline::{evaluate, Evaluation};
use crate::series::Series;
use crate::thresholds::Thresholds;

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub kind: AlertKind,
    pub scope: String,
    pub started_hour: i64,
    /// The last hour that was elevated.
    pub last_active_hour: i64,
    /// The hour after the last elevated one, once the incident is over.
    pub ended_hour: Option<i64>,
    pub peak_hour: i64,
    pub observed: f64,
    pub expected: f64,
    pub ratio: f64,
    pub z: f64,
    pub severity: Severity,
    /// Elevated hours so far.
    pub hours: i64,
}

impl Incident {
    fn open(kind: AlertKind, scope: &str, hour: i64, e: &Evaluation, severity: Severity) -> Incident {
        Incident {
            kind,
            scope: scope.to_string(),
            started_hour: hour,
            last_active_hour: hour,
            ended_hour: None,
            peak_hour: hour,
            observed: e.observed,
            expected: e.expected,
            ratio: e.ratio,
            z: e.z,
            severity,
            hours: 1,
        }
    }

    fn extend(&mut self, hour: i64, e: &Evaluation) {
        self.last_active_hour = hour;
        self.ended_hour = None;
        self.hours += 1;
        if let Some(s) = e.severity {
            self.severity = self.severity.max(s);
        }
        if e.z > self.z {
            self.peak_hour = hour;
            self.observed = e.observed;
            self.expected = e.expected;
            self.ratio = e.ratio;
            self.z = e.z;
        }
    }
}

/// Judges hours `from..to` of every scope for both kinds. `prior` holds the
/// incidents of earlier scans that may still go on or be reopened (the
/// newest per scope and kind; older ones are ignored). Returns the incidents
/// changed or opened, ordered by start, kind and scope.
pub fn scan(series: &Series, from: i64, to: i64, t: &Thresholds, prior: &[Incident]) -> Vec<Incident> {
    let mut latest: BTreeMap<(AlertKind, &str), &Incident> = BTreeMap::new();
    for p in prior {
        let key = (p.kind, p.scope.as_str());
        if latest.get(&key).is_none_or(|q| q.started_hour < p.started_hour) {
            latest.insert(key, p);
        }
    }
    let mut out = Vec::new();
    for (scope, s) in &series.scopes {
        for kind in AlertKind::ALL {
            let negative = kind == AlertKind::NegativeSpike;
            let mut current: Option<Incident> = latest.get(&(kind, scope.as_str())).map(|i| (*i).clone());
            let mut opened: Vec<Incident> = Vec::new();
            let mut changed = false;
            for hour in from..to {
                let going_on = current.as_ref().is_some_and(|c| c.ended_hour.is_none());
                let within_cooldown = current
                    .as_ref()
                    .is_some_and(|c| c.ended_hour.is_some_and(|end| hour - end < t.cooldown_hours as i64));
                // Only a going incident needs a quiet hour judged.
                let cell = s.cell(hour);
                let obs = if negative { cell.negative } else { cell.posts };
                if !going_on && obs < t.min_count {
                    continue;
                }
                let Some(e) = evaluate(s, hour, negative, t) else { continue };
                match current.as_mut() {
                    Some(c) if going_on => {
                        if e.elevated {
                            c.extend(hour, &e);
                            changed = true;
                        } else if hour - c.last_active_hour >= t.quiet_hours as i64 {
                            c.ended_hour = Some(c.last_active_hour + 1);
                            changed = true;
                        }
                    }
                    Some(c) if within_cooldown && e.severity.is_some() => {
                        c.extend(hour, &e);
                        changed = true;
                    }
                    _ => {
                        if let Some(sev) = e.severity {
                            if let Some(done) = current.take() {
                                if changed {
                                    opened.push(done);
                                }
                            }
                            current = Some(Incident::open(kind, scope, hour, &e, sev));
                            changed = true;
                        }
                    }
                }
            }
            if changed {
                opened.extend(current);
            }
            out.extend(opened);
        }
    }
    out.sort_by(|a, b| (a.started_hour, a.kind, &a.scope).cmp(&(b.started_hour, b.kind, &b.scope)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::{Cell, ScopeSeries};

    /// Ten negative posts an hour for four days, with the given hours replaced.
    fn stream(spikes: &[(i64, u32)]) -> Series {
        let mut s = ScopeSeries::default();
        for h in 0..24 * 6 {
            s.hours.insert(h, Cell { posts: 20, negative: 10 });
        }
        for (h, n) in spikes {
            s.hours.insert(*h, Cell { posts: 20 + n, negative: 10 + n });
        }
        let mut series = Series::default();
        series.scopes.insert("all".into(), s);
        series
    }

    fn negatives(v: &[Incident]) -> Vec<&Incident> {
        v.iter().filter(|i| i.kind == AlertKind::NegativeSpike).collect()
    }

    #[test]
    fn a_flat_stream_raises_nothing() {
        assert!(scan(&stream(&[]), 0, 24 * 6, &Thresholds::default(), &[]).is_empty());
    }

    #[test]
    fn a_burst_over_hours_is_one_incident_starting_at_its_first_hour() {
        let t = Thresholds::default();
        let spikes = [(100, 30), (101, 60), (102, 40)];
        let found = scan(&stream(&spikes), 0, 24 * 6, &t, &[]);
        let neg = negatives(&found);
        assert_eq!(neg.len(), 1, "{found:#?}");
        let i = neg[0];
        assert_eq!((i.started_hour, i.peak_hour, i.hours, i.ended_hour), (100, 101, 3, Some(103)));
        assert_eq!(i.severity, Severity::High);
        assert_eq!(i.observed, 70.0);
    }

    #[test]
    fn a_second_burst_within_the_cooldown_reopens_the_first() {
        let t = Thresholds::default();
        // Ends at 102; the second burst at 106 is 4 hours later (< 6).
        let found = scan(&stream(&[(100, 40), (101, 40), (106, 40)]), 0, 24 * 6, &t, &[]);
        assert_eq!(negatives(&found).len(), 1, "{found:#?}");
        assert_eq!(negatives(&found)[0].last_active_hour, 106);
        // Far apart, two incidents.
        let found = scan(&stream(&[(100, 40), (120, 40)]), 0, 24 * 6, &t, &[]);
        assert_eq!(negatives(&found).len(), 2, "{found:#?}");
    }

    #[test]
    fn scanning_in_pieces_gives_what_one_scan_gives() {
        let t = Thresholds::default();
        let series = stream(&[(50, 30), (51, 30), (55, 50), (90, 25), (130, 80), (131, 10)]);
        let whole = scan(&series, 0, 24 * 6, &t, &[]);
        let mut known: Vec<Incident> = Vec::new();
        for (from, to) in [(0, 51), (51, 52), (52, 100), (100, 131), (131, 24 * 6)] {
            for i in scan(&series, from, to, &t, &known) {
                match known.iter_mut().find(|k| (k.kind, &k.scope, k.started_hour) == (i.kind, &i.scope, i.started_hour)) {
                    Some(k) => *k = i,
                    None => known.push(i),
                }
            }
        }
        known.sort_by(|a, b| (a.started_hour, a.kind, &a.scope).cmp(&(b.started_hour, b.kind, &b.scope)));
        assert_eq!(known, whole);
        assert!(!whole.is_empty());
    }
}
