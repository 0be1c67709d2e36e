//! Early warning on the case log: spikes in volume and in negative posts,
//! overall and per topic, channel and organisation account.
//!
//! - [`Desk::detect`] judges the hours completed since the last run (an hour
//!   is complete once a post of a later hour has arrived and the clock has
//!   passed it), continuing the incidents still going on; `process_new`
//!   calls it after every batch, so it runs as posts arrive.
//! - [`Desk::replay`] judges the whole imported history with the same scan,
//!   with any thresholds: a dry run for tuning, or (with `write`) the
//!   replacement of the stored alerts.
//! - [`Desk::list_alerts`], [`Desk::acknowledge`], [`Desk::resolve`] (each
//!   change logged with who and when, [`Desk::alert_log`]).
//! - [`Desk::thresholds`] / [`Desk::save_thresholds`]: the team's TOML file,
//!   versioned like the rules; the built-in defaults until one is saved.
//!
//! The statistics live in `switchboard-monitor`; see the README's "Early
//! warning" for the design.

use switchboard_core::alert::{Alert, AlertEvent, AlertKind, AlertStatus};
use switchboard_core::permission::Permission;
use switchboard_core::time::now_ms;
use switchboard_monitor::series::{ScopeOptions, HOUR_MS};
use switchboard_monitor::thresholds::DEFAULT_TOML;
use switchboard_monitor::{hour_of, hour_start, scan, HourRow, Incident, Series, Thresholds};
use switchboard_store::alerts::THRESHOLDS_KIND;
use switchboard_store::rules::ConfigVersion;

use crate::{Desk, DeskError};

/// Example posts kept on an alert.
const EXAMPLES: i64 = 3;

fn invalid(e: impl std::fmt::Display) -> DeskError {
    DeskError::invalid(e.to_string())
}

fn incident_of(a: &Alert, last_active_at: i64) -> Incident {
    Incident {
        kind: a.kind,
        scope: a.scope.clone(),
        started_hour: hour_of(a.started_at),
        last_active_hour: hour_of(last_active_at),
        ended_hour: a.ended_at.map(hour_of),
        peak_hour: hour_of(a.peak_at),
        observed: a.observed,
        expected: a.expected,
        ratio: a.ratio,
        z: a.z,
        severity: a.severity,
        hours: a.hours,
    }
}

fn alert_of(i: &Incident, detected_at: i64) -> Alert {
    Alert {
        id: 0,
        kind: i.kind,
        scope: i.scope.clone(),
        started_at: hour_start(i.started_hour),
        ended_at: i.ended_hour.map(hour_start),
        detected_at,
        severity: i.severity,
        observed: i.observed,
        expected: i.expected,
        ratio: i.ratio,
        z: i.z,
        peak_at: hour_start(i.peak_hour),
        hours: i.hours,
        status: AlertStatus::Open,
        note: None,
        examples: Vec::new(),
    }
}

impl Desk {
    /// The active thresholds (the built-in defaults until the team saves some).
    pub async fn thresholds(&self) -> Result<Thresholds, DeskError> {
        match self.store().active_config(THRESHOLDS_KIND).await? {
            Some(c) => Thresholds::from_toml(&c.text).map_err(|e| invalid(format!("the saved thresholds (version {}): {e}", c.version))),
            None => Ok(Thresholds::default()),
        }
    }

    /// The active thresholds file as the team wrote it (the commented defaults until one is saved).
    pub async fn thresholds_text(&self) -> Result<String, DeskError> {
        Ok(self.store().active_config(THRESHOLDS_KIND).await?.map(|c| c.text).unwrap_or_else(|| DEFAULT_TOML.to_string()))
    }

    /// Checks and saves a thresholds file as the next version, in this member's name.
    pub async fn save_thresholds(&self, text: &str) -> Result<ConfigVersion, DeskError> {
        self.require(Permission::EditThresholds)?;
        Thresholds::from_toml(text).map_err(invalid)?;
        Ok(self.store().save_alert_thresholds(text, &self.me().handle).await?)
    }

    /// The hourly series of hours `from..to` with the lookback the baseline
    /// needs, and the hours that can be judged: `None` without posts.
    async fn hours_to_judge(&self, t: &Thresholds, from: Option<i64>) -> Result<Option<(Series, i64, i64)>, DeskError> {
        let Some((oldest, newest)) = self.store().inbound_span().await? else { return Ok(None) };
        // Complete hours: before the newest post's hour, and before now.
        let to = hour_of(newest).min(hour_of(now_ms()));
        let from = from.unwrap_or(hour_of(oldest)).max(hour_of(oldest));
        if from >= to {
            return Ok(None);
        }
        let rows = self.store().alert_hour_rows(hour_start(from - t.lookback_hours()), hour_start(to)).await?;
        let (channels, accounts) = self.store().inbound_channel_account_counts().await?;
        let options = ScopeOptions { topics: true, channels: channels > 1, accounts: accounts > 1 };
        let rows: Vec<HourRow> = rows
            .into_iter()
            .map(|r| HourRow { hour: r.hour, channel: r.channel, account: r.account, topic: r.topic, negative: r.negative, count: r.count })
            .collect();
        Ok(Some((Series::build(&rows, options), from, to)))
    }

    /// The alert for an incident, with example posts from its peak hour.
    async fn with_examples(&self, mut a: Alert) -> Result<Alert, DeskError> {
        let negative = a.kind == AlertKind::NegativeSpike;
        a.examples = self.store().alert_examples(&a.scope, a.peak_at, a.peak_at + HOUR_MS, negative, EXAMPLES).await?;
        Ok(a)
    }

    /// Judges the hours completed since the last run with the active
    /// thresholds, continuing incidents still going on. Returns the alerts
    /// raised or changed (stored).
    pub async fn detect(&self) -> Result<Vec<Alert>, DeskError> {
        let t = self.thresholds().await?;
        let next = self.store().alerts_next_hour().await?;
        let Some((series, from, to)) = self.hours_to_judge(&t, next).await? else { return Ok(Vec::new()) };
        let reach = hour_start(from - t.cooldown_hours as i64 - t.quiet_hours as i64 - 1);
        let prior: Vec<Incident> = self.store().alerts_to_continue(reach).await?.iter().map(|(a, last)| incident_of(a, *last)).collect();
        let now = now_ms();
        let mut out = Vec::new();
        let mut opened = Vec::new();
        for i in scan(&series, from, to, &t, &prior) {
            let fresh = !prior.iter().any(|p| p.kind == i.kind && p.scope == i.scope && p.started_hour == i.started_hour);
            let a = self.with_examples(alert_of(&i, now)).await?;
            let saved = self.store().save_alert(&a, hour_start(i.last_active_hour)).await?;
            if fresh {
                opened.push(saved.clone());
            }
            out.push(saved);
        }
        self.store().set_alerts_next_hour(to).await?;
        // The team's `alert_raised` rules act on each new alert once (a
        // replay over history only finds alerts; it does not act).
        for a in &opened {
            let report = self.alert_raised(a, now).await?;
            for problem in report.problems {
                eprintln!("switchboard: alert #{}: {problem}", a.id);
            }
        }
        Ok(out)
    }

    /// Judges the whole history with `t`, as if the posts arrived live
    /// (`detected_at` is the end of each incident's first hour). With
    /// `write`, the stored alerts (and their acknowledgements) are replaced
    /// and live detection continues after the history; without, nothing is
    /// written and the alerts have id 0.
    pub async fn replay(&self, t: &Thresholds, write: bool) -> Result<Vec<Alert>, DeskError> {
        t.check().map_err(invalid)?;
        let found = self.hours_to_judge(t, None).await?.map(|(series, from, to)| (scan(&series, from, to, t, &[]), to));
        if write {
            self.store().clear_alerts().await?;
        }
        let Some((incidents, to)) = found else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for i in incidents {
            let a = self.with_examples(alert_of(&i, hour_start(i.started_hour + 1))).await?;
            out.push(if write { self.store().save_alert(&a, hour_start(i.last_active_hour)).await? } else { a });
        }
        if write {
            self.store().set_alerts_next_hour(to).await?;
        }
        out.sort_by(|a, b| (b.started_at, a.kind, &a.scope).cmp(&(a.started_at, b.kind, &b.scope)));
        Ok(out)
    }

    /// Stored alerts, newest first, optionally of one status. The example
    /// posts (authors, text) only for a member who may read cases.
    pub async fn list_alerts(&self, status: Option<AlertStatus>) -> Result<Vec<Alert>, DeskError> {
        self.require(Permission::ViewAlerts)?;
        let mut alerts = self.store().alerts(status).await?;
        if !self.may(Permission::ViewCases) {
            alerts.iter_mut().for_each(|a| a.examples.clear());
        }
        Ok(alerts)
    }

    /// Marks an alert as seen by this member (logged with who and when).
    pub async fn acknowledge(&self, id: i64) -> Result<Alert, DeskError> {
        self.require(Permission::ManageAlerts)?;
        Ok(self.store().set_alert_status(id, AlertStatus::Acknowledged, &self.me().handle, None).await?)
    }

    /// Closes an alert in this member's name with an optional note (logged).
    pub async fn resolve(&self, id: i64, note: Option<&str>) -> Result<Alert, DeskError> {
        self.require(Permission::ManageAlerts)?;
        Ok(self.store().set_alert_status(id, AlertStatus::Resolved, &self.me().handle, note).await?)
    }

    /// Who acknowledged or resolved an alert, and when.
    pub async fn alert_log(&self, id: i64) -> Result<Vec<AlertEvent>, DeskError> {
        self.require(Permission::ViewAlerts)?;
        self.store().alert(id).await?;
        Ok(self.store().alert_events(id).await?)
    }
}
