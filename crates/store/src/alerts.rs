//! What early warning needs from the case log, and what it leaves there.
//!
//! - [`HourRow`]s: inbound posts counted per hour, channel, account, topic
//!   and negativity, where topic and sentiment are the team's label when
//!   there is one, else the model's prediction (an empty topic is none).
//! - Alerts: one row per incident, written or updated by the scan (keyed by
//!   kind, scope and start), replaced wholesale by a replay, listed by status;
//!   acknowledging and resolving write an [`AlertEvent`] with who and when.
//! - Example posts for an alert's hour and scope.
//! - The scan's position (`alerts.next_hour`) and the versioned thresholds
//!   file (`team_config` kind `alerts`).

use sqlx::Row;
use switchboard_core::alert::{Alert, AlertEvent, AlertExample, AlertKind, AlertStatus, Severity};
use switchboard_core::time::now_ms;

use crate::rules::ConfigVersion;
use crate::audit::{self, config_entry, AuditEntry};
use crate::sql::Sql;
use crate::{Result, Store, StoreError};

/// Inbound posts of one hour (`created_at / 3_600_000`) sharing a channel,
/// account, topic and negativity.
#[derive(Debug, Clone, PartialEq)]
pub struct HourRow {
    pub hour: i64,
    pub channel: String,
    pub account: Option<String>,
    pub topic: Option<String>,
    pub negative: bool,
    pub count: i64,
}

/// The `team_config` kind of the thresholds file.
pub const THRESHOLDS_KIND: &str = "alerts";
/// The setting holding the next hour the scan judges.
pub const NEXT_HOUR_SETTING: &str = "alerts.next_hour";

/// The judgements joined to a post `p`: `s` sentiment, `t` topic (label first).
const JUDGED: &str = "FROM posts p
    LEFT JOIN labels ls ON ls.post_id = p.id AND ls.field = 'sentiment'
    LEFT JOIN predictions ps ON ps.post_id = p.id AND ps.field = 'sentiment'
    LEFT JOIN labels lt ON lt.post_id = p.id AND lt.field = 'topic'
    LEFT JOIN predictions pt ON pt.post_id = p.id AND pt.field = 'topic'";
const TOPIC: &str = "COALESCE(lt.value, NULLIF(pt.value, ''))";
const NEGATIVE: &str = "CAST(CASE WHEN COALESCE(ls.value, ps.value) = 'negative' THEN 1 ELSE 0 END AS BIGINT)";

const ALERT_COLUMNS: &str =
    "id, kind, scope, started_at, ended_at, detected_at, severity, observed, expected, ratio, z, peak_at, hours, status, note, examples, last_active_at";

fn alert_from_row(r: &sqlx::any::AnyRow) -> Result<(Alert, i64)> {
    let kind: String = r.get(1);
    let severity: String = r.get(6);
    let status: String = r.get(13);
    let examples: String = r.get(15);
    let bad = |what: &str, v: &str| StoreError::Invalid(format!("stored alert has an unknown {what} {v:?}"));
    let alert = Alert {
        id: r.get(0),
        kind: AlertKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        scope: r.get(2),
        started_at: r.get(3),
        ended_at: r.get(4),
        detected_at: r.get(5),
        severity: Severity::parse(&severity).ok_or_else(|| bad("severity", &severity))?,
        observed: r.get(7),
        expected: r.get(8),
        ratio: r.get(9),
        z: r.get(10),
        peak_at: r.get(11),
        hours: r.get(12),
        status: AlertStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        note: r.get(14),
        examples: serde_json::from_str(&examples).unwrap_or_default(),
    };
    Ok((alert, r.get(16)))
}

fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

impl Store {
    /// Inbound posts created in `from..to` (ms), counted per hour, channel,
    /// account, topic and negativity.
    pub async fn alert_hour_rows(&self, from: i64, to: i64) -> Result<Vec<HourRow>> {
        let sql = format!(
            "SELECT p.created_at / 3600000, p.channel, p.account, {TOPIC}, {NEGATIVE}, COUNT(*) {JUDGED}
             WHERE p.direction = 'inbound' AND p.created_at >= $1 AND p.created_at < $2
             GROUP BY p.created_at / 3600000, p.channel, p.account, {TOPIC}, {NEGATIVE}"
        );
        let rows = sqlx::query(&sql).bind(from).bind(to).fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| HourRow {
                hour: r.get(0),
                channel: r.get(1),
                account: r.get(2),
                topic: r.get(3),
                negative: r.get::<i64, _>(4) != 0,
                count: r.get(5),
            })
            .collect())
    }

    /// The oldest and newest inbound post's creation time.
    pub async fn inbound_span(&self) -> Result<Option<(i64, i64)>> {
        let r = sqlx::query("SELECT MIN(created_at), MAX(created_at) FROM posts WHERE direction = 'inbound'").fetch_one(self.pool()).await?;
        let (a, b): (Option<i64>, Option<i64>) = (r.get(0), r.get(1));
        Ok(a.zip(b))
    }

    /// How many distinct channels and accounts inbound posts have.
    pub async fn inbound_channel_account_counts(&self) -> Result<(i64, i64)> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(DISTINCT channel) FROM posts WHERE direction = 'inbound'),
                    (SELECT COUNT(DISTINCT account) FROM posts WHERE direction = 'inbound' AND account IS NOT NULL AND account <> '')",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((r.get(0), r.get(1)))
    }

    /// Up to `limit` inbound posts of `scope` created in `from..to`, oldest
    /// first (negative ones only when `negative`).
    pub async fn alert_examples(&self, scope: &str, from: i64, to: i64, negative: bool, limit: i64) -> Result<Vec<AlertExample>> {
        let mut sql = Sql::new(
            self.backend(),
            &format!("SELECT p.id, p.case_id, COALESCE(a.handle, ''), p.text, p.created_at {JUDGED} LEFT JOIN authors a ON a.id = p.author_id WHERE p.direction = 'inbound' AND p.created_at >= "),
        );
        sql.bind(from).push(" AND p.created_at < ").bind(to);
        if negative {
            sql.push(&format!(" AND {NEGATIVE} = 1"));
        }
        match scope.split_once(':') {
            None if scope == "all" => {}
            Some(("topic", t)) => {
                sql.push(&format!(" AND {TOPIC} = ")).bind(t.to_string());
            }
            Some(("channel", c)) => {
                sql.push(" AND p.channel = ").bind(c.to_string());
            }
            Some(("account", a)) => {
                sql.push(" AND p.account = ").bind(a.to_string());
            }
            _ => return Err(StoreError::Invalid(format!("unknown alert scope {scope:?}"))),
        }
        sql.push(" ORDER BY p.created_at, p.id LIMIT ").bind(limit.max(1));
        let rows = sqlx::query_with(&sql.text, sql.args).fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| AlertExample { post_id: r.get(0), case_id: r.get(1), author: r.get(2), text: r.get(3), created_at: r.get(4) })
            .collect())
    }

    /// Writes an incident: a new row, or the update of the one with the same
    /// kind, scope and start (its status, note and detection time stay).
    /// `last_active_at` is the start of its last elevated hour.
    pub async fn save_alert(&self, a: &Alert, last_active_at: i64) -> Result<Alert> {
        let row = sqlx::query(&format!(
            "INSERT INTO alerts (kind, scope, started_at, ended_at, detected_at, severity, observed, expected, ratio, z, peak_at, hours, status, note, examples, last_active_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (kind, scope, started_at) DO UPDATE SET ended_at = excluded.ended_at, severity = excluded.severity,
                 observed = excluded.observed, expected = excluded.expected, ratio = excluded.ratio, z = excluded.z,
                 peak_at = excluded.peak_at, hours = excluded.hours, examples = excluded.examples, last_active_at = excluded.last_active_at
             RETURNING {ALERT_COLUMNS}"
        ))
        .bind(a.kind.as_str())
        .bind(a.scope.clone())
        .bind(a.started_at)
        .bind(a.ended_at)
        .bind(a.detected_at)
        .bind(a.severity.as_str())
        .bind(finite(a.observed))
        .bind(finite(a.expected))
        .bind(finite(a.ratio))
        .bind(finite(a.z))
        .bind(a.peak_at)
        .bind(a.hours)
        .bind(a.status.as_str())
        .bind(a.note.clone())
        .bind(serde_json::to_string(&a.examples).expect("examples serialise"))
        .bind(last_active_at)
        .fetch_one(self.pool())
        .await?;
        Ok(alert_from_row(&row)?.0)
    }

    /// Deletes every alert and its log (a replay writes them again).
    pub async fn clear_alerts(&self) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM alert_events").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM alerts").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Alerts, newest start first, optionally of one status.
    pub async fn alerts(&self, status: Option<AlertStatus>) -> Result<Vec<Alert>> {
        let rows = match status {
            Some(s) => {
                sqlx::query(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE status = $1 ORDER BY started_at DESC, id DESC"))
                    .bind(s.as_str())
                    .fetch_all(self.pool())
                    .await?
            }
            None => sqlx::query(&format!("SELECT {ALERT_COLUMNS} FROM alerts ORDER BY started_at DESC, id DESC")).fetch_all(self.pool()).await?,
        };
        rows.iter().map(|r| alert_from_row(r).map(|(a, _)| a)).collect()
    }

    pub async fn alert(&self, id: i64) -> Result<Alert> {
        let row = sqlx::query(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no alert #{id}")))?;
        Ok(alert_from_row(&row)?.0)
    }

    /// Unresolved alerts still going on or ended at or after `since` (ms),
    /// each with the start of its last elevated hour: what a scan continues.
    pub async fn alerts_to_continue(&self, since: i64) -> Result<Vec<(Alert, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE status <> 'resolved' AND (ended_at IS NULL OR ended_at >= $1) ORDER BY started_at, id"
        ))
        .bind(since)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(alert_from_row).collect()
    }

    /// Moves an alert to `status` in `actor`'s name, with an optional note,
    /// and logs it. An alert resolved stays resolved.
    pub async fn set_alert_status(&self, id: i64, status: AlertStatus, actor: &str, note: Option<&str>) -> Result<Alert> {
        let current = self.alert(id).await?;
        if current.status == AlertStatus::Resolved {
            return Err(StoreError::Invalid(format!("alert #{id} is already resolved")));
        }
        if status == AlertStatus::Open {
            return Err(StoreError::Invalid("an alert can be acknowledged or resolved, not reopened".into()));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("UPDATE alerts SET status = $1, note = COALESCE($2, note) WHERE id = $3 AND status <> 'resolved'")
            .bind(status.as_str())
            .bind(note.clone())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!("alert #{id} was resolved meanwhile")));
        }
        sqlx::query("INSERT INTO alert_events (alert_id, at, actor, status, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(now)
            .bind(actor)
            .bind(status.as_str())
            .bind(note.clone())
            .execute(&mut *tx)
            .await?;
        let payload = serde_json::json!({ "note": note, "status": status.as_str() });
        let entry = AuditEntry::new(now, actor, &format!("alert.{}", status.as_str()), format!("alert:{id}"), payload);
        audit::append(&mut tx, self.backend(), &[entry]).await?;
        tx.commit().await?;
        self.alert(id).await
    }

    /// An alert's log, oldest first.
    pub async fn alert_events(&self, id: i64) -> Result<Vec<AlertEvent>> {
        let rows = sqlx::query("SELECT alert_id, at, actor, status, note FROM alert_events WHERE alert_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.get(3);
                Ok(AlertEvent {
                    alert_id: r.get(0),
                    at: r.get(1),
                    actor: r.get(2),
                    status: AlertStatus::parse(&s).ok_or_else(|| StoreError::Invalid(format!("unknown alert status {s:?}")))?,
                    note: r.get(4),
                })
            })
            .collect()
    }

    /// The next hour the scan judges, if it ran.
    pub async fn alerts_next_hour(&self) -> Result<Option<i64>> {
        Ok(self.setting(NEXT_HOUR_SETTING).await?.and_then(|v| v.parse().ok()))
    }

    pub async fn set_alerts_next_hour(&self, hour: i64) -> Result<()> {
        self.set_setting(NEXT_HOUR_SETTING, &hour.to_string()).await
    }

    /// Stores `text` as the next version of the thresholds file and makes it
    /// active. The caller checks the text first.
    pub async fn save_alert_thresholds(&self, text: &str, saved_by: &str) -> Result<ConfigVersion> {
        let mut tx = self.pool().begin().await?;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM team_config WHERE kind = $1").bind(THRESHOLDS_KIND).fetch_one(&mut *tx).await?;
        let version = last.unwrap_or(0) + 1;
        sqlx::query("UPDATE team_config SET active = 0 WHERE kind = $1").bind(THRESHOLDS_KIND).execute(&mut *tx).await?;
        let saved_at = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO team_config (kind, version, text, saved_by, saved_at, active) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(THRESHOLDS_KIND)
        .bind(version)
        .bind(text)
        .bind(saved_by)
        .bind(saved_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.message().to_lowercase().contains("unique") => {
                StoreError::Conflict("someone saved the thresholds at the same moment; try again".into())
            }
            other => StoreError::Db(other),
        })?;
        audit::append(&mut tx, self.backend(), &[config_entry(THRESHOLDS_KIND, version, text, saved_by, saved_at)]).await?;
        tx.commit().await?;
        Ok(ConfigVersion {
            id,
            kind: THRESHOLDS_KIND.to_string(),
            version,
            text: text.to_string(),
            saved_by: saved_by.to_string(),
            saved_at,
            active: true,
        })
    }
}
