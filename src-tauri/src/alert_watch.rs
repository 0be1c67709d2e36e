//! Desktop notifications for new early-warning alerts. The app's background
//! round asks the engine to detect spikes; [`AlertWatch`] picks out the open
//! alerts it has not told about yet (those already open when the app started
//! are remembered, not announced) and [`notice`] words one as a title and a
//! body: aggregates only (what spiked, where, by how much, since when), never
//! an example post. Scope names (topics, accounts) are hostile text: the
//! characters a notification daemon could read as markup are replaced.

use std::collections::HashSet;

use switchboard_core::alert::{Alert, AlertKind, AlertStatus};

/// Longest notification body, in characters.
const MAX_BODY: usize = 240;

#[derive(Debug, Default)]
pub struct AlertWatch {
    seen: HashSet<i64>,
    primed: bool,
}

impl AlertWatch {
    /// Remembers the alerts already there (app start): they are not announced.
    pub fn prime(&mut self, alerts: &[Alert]) {
        self.seen.extend(alerts.iter().map(|a| a.id));
        self.primed = true;
    }

    /// The open alerts not announced before, each returned once. Before
    /// [`prime`](Self::prime) this only remembers.
    pub fn fresh<'a>(&mut self, alerts: &'a [Alert]) -> Vec<&'a Alert> {
        let primed = self.primed;
        self.primed = true;
        alerts
            .iter()
            .filter(|a| a.status == AlertStatus::Open && a.id != 0)
            .filter(|a| self.seen.insert(a.id))
            .filter(|_| primed)
            .collect()
    }
}

/// Plain text for a notification: no markup characters, no control
/// characters, at most `max` characters.
fn plain(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            '<' => '‹',
            '>' => '›',
            '&' => '+',
            c if c.is_control() => ' ',
            c => c,
        })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

fn scope(scope: &str) -> String {
    match scope.split_once(':') {
        None if scope == "all" || scope.is_empty() => "all posts".to_string(),
        None => scope.to_string(),
        Some(("topic", t)) => format!("topic {t}"),
        Some(("channel", c)) => format!("channel {c}"),
        Some(("account", a)) => format!("account {a}"),
        Some((k, v)) => format!("{k} {v}"),
    }
}

/// The notification's title and body for an alert.
pub fn notice(a: &Alert) -> (String, String) {
    let what = match a.kind {
        AlertKind::VolumeSpike => "Volume spike",
        AlertKind::NegativeSpike => "Negative spike",
    };
    let title = format!("{what} ({}): {}", a.severity.as_str(), plain(&scope(&a.scope), 80));
    let body = format!(
        "{:.0} {} in an hour against {:.1} expected (×{:.1}), for {} h. Open Switchboard's Board.",
        a.observed,
        if a.kind == AlertKind::NegativeSpike { "negative posts" } else { "posts" },
        a.expected,
        a.ratio,
        a.hours.max(1),
    );
    (title, plain(&body, MAX_BODY))
}

#[cfg(test)]
mod tests {
    use switchboard_core::alert::{AlertExample, Severity};

    use super::*;

    fn alert(id: i64, status: AlertStatus, scope: &str) -> Alert {
        Alert {
            id,
            kind: AlertKind::NegativeSpike,
            scope: scope.to_string(),
            started_at: 0,
            ended_at: None,
            detected_at: 0,
            severity: Severity::High,
            observed: 48.0,
            expected: 6.5,
            ratio: 7.4,
            z: 9.0,
            peak_at: 0,
            hours: 2,
            status,
            note: None,
            examples: vec![AlertExample { post_id: 1, case_id: 1, author: "dana_k".into(), text: "secret post text".into(), created_at: 0 }],
        }
    }

    #[test]
    fn announces_each_new_open_alert_once() {
        let mut w = AlertWatch::default();
        w.prime(&[alert(1, AlertStatus::Open, "all")]);
        let now = [alert(1, AlertStatus::Open, "all"), alert(2, AlertStatus::Open, "topic:x"), alert(3, AlertStatus::Resolved, "all")];
        assert_eq!(w.fresh(&now).iter().map(|a| a.id).collect::<Vec<_>>(), vec![2]);
        assert!(w.fresh(&now).is_empty(), "told once");
    }

    #[test]
    fn unprimed_watch_only_remembers() {
        let mut w = AlertWatch::default();
        assert!(w.fresh(&[alert(1, AlertStatus::Open, "all")]).is_empty());
        assert_eq!(w.fresh(&[alert(1, AlertStatus::Open, "all"), alert(4, AlertStatus::Open, "all")]).len(), 1);
    }

    #[test]
    fn notice_is_aggregate_plain_text() {
        let (title, body) = notice(&alert(1, AlertStatus::Open, "topic:<b>outage</b> & co\n"));
        assert_eq!(title, "Negative spike (high): topic ‹b›outage‹/b› + co ");
        assert!(body.starts_with("48 negative posts in an hour against 6.5 expected (×7.4), for 2 h."), "{body}");
        assert!(!title.contains("dana_k") && !body.contains("secret post text"));
    }
}
