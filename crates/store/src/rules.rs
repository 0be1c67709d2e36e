//! What rules, SLA policies and the playbook need from the case log, and
//! what they leave on it.
//!
//! - Team configuration: every saved version of the rules, playbook and SLA
//!   files (`team_config`), one active per kind.
//! - The facts of a case in one read ([`CaseFactsRow`]): the case, its
//!   customer's newest post, author, linked customer, tags, and the labels
//!   and predictions on that post (the team's own labels win).
//! - Triage results: priority with its reasons, SLA due and policy, the
//!   suggested template, the newest post triaged. These are derived values,
//!   so writing them does not grow the case's version (an agent's open case
//!   is not made stale by a clock ticking); changes people see — routing,
//!   assignment, tags, status — go through the actions that write events.
//! - `time_elapsed` rules: the open cases one may hold on, and its firings
//!   (once per case and customer post, [`Store::record_firing`]).
//! - Assignment: members of a department with their open load, and the
//!   round robin's last turn.

use sqlx::Row;
use switchboard_core::time::now_ms;

use crate::audit::{self, config_entry};
use crate::sql::Sql;
use crate::{Result, Store, StoreError};

/// The kinds of team configuration.
pub const KINDS: [&str; 3] = ["rules", "playbook", "sla"];

/// One saved version of a configuration file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConfigVersion {
    pub id: i64,
    pub kind: String,
    pub version: i64,
    pub text: String,
    pub saved_by: String,
    pub saved_at: i64,
    pub active: bool,
}

/// A case as the rules see it, straight from the store (`None` where unknown).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFactsRow {
    pub case_id: i64,
    pub channel: String,
    pub account: Option<String>,
    pub status: String,
    pub department: Option<String>,
    pub department_id: Option<i64>,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub version: i64,
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub sla_policy: Option<String>,
    pub sla_due_at: Option<i64>,
    pub sla_warned_due: Option<i64>,
    pub suggested_template: Option<String>,
    pub subject: String,
    pub handle: String,
    pub author_name: Option<String>,
    pub followers: Option<i64>,
    pub customer_name: Option<String>,
    pub value_tier: Option<String>,
    pub lifetime_value: Option<f64>,
    /// The newest customer post.
    pub post_id: Option<i64>,
    pub text: String,
    pub last_customer_post_at: Option<i64>,
    pub last_reply_at: Option<i64>,
    /// (field, value, score) from labels, then predictions for fields without a label.
    pub judgements: Vec<(String, String, Option<f64>)>,
    pub tags: Vec<String>,
    /// Names of the listening queries the newest customer post matched.
    pub queries: Vec<String>,
    /// The `time_elapsed` rules already fired for the newest customer post.
    pub fired_rules: Vec<String>,
    /// The author's posts in the workspace, cases, and cases answered (for influence).
    pub author_posts: i64,
    pub author_cases: i64,
    pub author_answered: i64,
}

impl CaseFactsRow {
    /// The value judged for `field` (`sentiment`, `topic`, `language`...).
    pub fn judged(&self, field: &str) -> Option<(&str, Option<f64>)> {
        self.judgements.iter().find(|j| j.0 == field).map(|j| (j.1.as_str(), j.2))
    }
}

/// What triage leaves on a case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriageWrite {
    pub priority: f64,
    /// Largest first.
    pub reasons: Vec<String>,
    pub sla_due_at: Option<i64>,
    pub sla_policy: Option<String>,
    pub suggested_template: Option<String>,
    /// The newest customer post now triaged (`None` keeps the one recorded).
    pub triaged_post_id: Option<i64>,
    /// When the SLA target counts as near breach.
    pub sla_escalate_at: Option<i64>,
    /// The instant the priority was computed for.
    pub computed_at: i64,
}

/// Which open cases a `time_elapsed` rule may hold on (see [`Store::elapsed_candidates`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ElapsedScan {
    /// The rule's name: cases it already fired on for their newest customer post are left out.
    pub rule: String,
    /// Cases with a post since then only (live work, not an imported archive).
    pub active_since: i64,
    /// Only cases whose newest customer post, unanswered, is this old or older.
    pub waiting_since: Option<i64>,
    /// Only cases opened at or before this.
    pub opened_before: Option<i64>,
    pub limit: i64,
}

/// A member who can take cases, with the unresolved cases they hold.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberLoad {
    pub id: i64,
    pub handle: String,
    pub open_cases: i64,
}

fn config_from_row(r: &sqlx::any::AnyRow) -> ConfigVersion {
    ConfigVersion {
        id: r.get(0),
        kind: r.get(1),
        version: r.get(2),
        text: r.get(3),
        saved_by: r.get(4),
        saved_at: r.get(5),
        active: r.get::<i64, _>(6) != 0,
    }
}

const CONFIG_COLUMNS: &str = "id, kind, version, text, saved_by, saved_at, active";

impl Store {
    /// The active version of a configuration file, if the team saved one.
    pub async fn active_config(&self, kind: &str) -> Result<Option<ConfigVersion>> {
        let row = sqlx::query(&format!("SELECT {CONFIG_COLUMNS} FROM team_config WHERE kind = $1 AND active = 1 ORDER BY version DESC LIMIT 1"))
            .bind(kind)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(config_from_row))
    }

    /// Every saved version of a kind, newest first.
    pub async fn config_history(&self, kind: &str) -> Result<Vec<ConfigVersion>> {
        let rows = sqlx::query(&format!("SELECT {CONFIG_COLUMNS} FROM team_config WHERE kind = $1 ORDER BY version DESC"))
            .bind(kind)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(config_from_row).collect())
    }

    /// Stores `text` as the next version of `kind` and makes it the active
    /// one. The caller checks the text first.
    pub async fn save_config(&self, kind: &str, text: &str, saved_by: &str) -> Result<ConfigVersion> {
        if !KINDS.contains(&kind) {
            return Err(StoreError::Invalid(format!("no configuration kind {kind:?} (known: {})", KINDS.join(", "))));
        }
        let mut tx = self.pool().begin().await?;
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM team_config WHERE kind = $1").bind(kind).fetch_one(&mut *tx).await?;
        let version = last.unwrap_or(0) + 1;
        sqlx::query("UPDATE team_config SET active = 0 WHERE kind = $1").bind(kind).execute(&mut *tx).await?;
        let row = sqlx::query(&format!(
            "INSERT INTO team_config (kind, version, text, saved_by, saved_at, active) VALUES ($1, $2, $3, $4, $5, 1) RETURNING {CONFIG_COLUMNS}"
        ))
        .bind(kind)
        .bind(version)
        .bind(text)
        .bind(saved_by)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.message().to_lowercase().contains("unique") => {
                StoreError::Conflict(format!("someone saved {kind} at the same moment; try again"))
            }
            other => StoreError::Db(other),
        })?;
        let saved = config_from_row(&row);
        audit::append(&mut tx, self.backend(), &[config_entry(kind, version, text, saved_by, saved.saved_at)]).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Everything the rules look at for one case, in two queries.
    pub async fn case_facts_row(&self, case_id: i64) -> Result<CaseFactsRow> {
        let r = sqlx::query(
            "SELECT c.id, c.channel, c.account, c.status, d.slug, c.department_id, m.handle, m.name, c.version, c.opened_at,
                    c.first_response_at, c.sla_policy, c.sla_due_at, c.sla_warned_due, c.suggested_template, c.subject,
                    COALESCE(a.handle, ''), a.display_name, a.followers, cu.name, cu.value_tier, cu.lifetime_value,
                    (SELECT MAX(o.created_at) FROM posts o WHERE o.case_id = c.id AND o.direction = 'outbound'),
                    (SELECT COUNT(*) FROM posts ap WHERE ap.author_id = c.author_id),
                    (SELECT COUNT(*) FROM cases ac WHERE ac.author_id = c.author_id),
                    (SELECT COUNT(*) FROM cases ac WHERE ac.author_id = c.author_id AND ac.first_response_at IS NOT NULL),
                    (SELECT p.id FROM posts p WHERE p.case_id = c.id AND p.direction = 'inbound' ORDER BY p.created_at DESC, p.id DESC LIMIT 1)
             FROM cases c
             LEFT JOIN departments d ON d.id = c.department_id
             LEFT JOIN members m ON m.id = c.assignee_id
             LEFT JOIN authors a ON a.id = c.author_id
             LEFT JOIN customers cu ON cu.id = a.customer_id
             WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no case #{case_id}")))?;
        let mut facts = CaseFactsRow {
            case_id: r.get(0),
            channel: r.get(1),
            account: r.get(2),
            status: r.get(3),
            department: r.get(4),
            department_id: r.get(5),
            assignee: r.get(6),
            assignee_name: r.get(7),
            version: r.get(8),
            opened_at: r.get(9),
            first_response_at: r.get(10),
            sla_policy: r.get(11),
            sla_due_at: r.get(12),
            sla_warned_due: r.get(13),
            suggested_template: r.get(14),
            subject: r.get(15),
            handle: r.get(16),
            author_name: r.get(17),
            followers: r.get(18),
            customer_name: r.get(19),
            value_tier: r.get(20),
            lifetime_value: r.get(21),
            last_reply_at: r.get(22),
            author_posts: r.get(23),
            author_cases: r.get(24),
            author_answered: r.get(25),
            ..Default::default()
        };
        facts.post_id = r.get(26);
        // The rest in one read: the newest customer post, its labels and
        // predictions, the queries it matched, the rules fired for it, the tags.
        let rest = sqlx::query(
            "SELECT 'post', text, CAST(NULL AS TEXT), CAST(NULL AS DOUBLE PRECISION), created_at FROM posts WHERE id = $1
             UNION ALL SELECT 'l', field, value, NULL, NULL FROM labels WHERE post_id = $1
             UNION ALL SELECT 'p', field, value, score, NULL FROM predictions WHERE post_id = $1
             UNION ALL SELECT 'q', q.name, NULL, NULL, NULL FROM post_query_matches m JOIN listening_queries q ON q.id = m.query_id WHERE m.post_id = $1
             UNION ALL SELECT 'r', f.rule, NULL, NULL, NULL FROM rule_firings f WHERE f.case_id = $2 AND f.post_id = $1
             UNION ALL SELECT 't', tag, NULL, NULL, NULL FROM case_tags WHERE case_id = $2",
        )
        .bind(facts.post_id.unwrap_or(-1))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        // Labels first: the team's own judgement wins over a prediction.
        for pass in ["post", "l", "p", "q", "r", "t"] {
            for x in rest.iter().filter(|x| x.get::<String, _>(0) == pass) {
                let name: String = x.get(1);
                match pass {
                    "post" => {
                        facts.text = name;
                        facts.last_customer_post_at = x.get(4);
                    }
                    "l" | "p" => {
                        if facts.judged(&name).is_none() {
                            let value: Option<String> = x.get(2);
                            facts.judgements.push((name, value.unwrap_or_default(), x.get(3)));
                        }
                    }
                    "q" => facts.queries.push(name),
                    "r" => facts.fired_rules.push(name),
                    _ => facts.tags.push(name),
                }
            }
        }
        facts.queries.sort();
        facts.tags.sort();
        Ok(facts)
    }

    /// Open cases with activity since `scan.active_since` that a
    /// `time_elapsed` rule may now hold on: a customer post that the rule has
    /// not fired for yet, waiting unanswered since `scan.waiting_since`, in a
    /// case opened by `scan.opened_before` (each when given). Oldest activity first.
    pub async fn elapsed_candidates(&self, scan: &ElapsedScan) -> Result<Vec<i64>> {
        const NEWEST_IN: &str = "(SELECT p.id FROM posts p WHERE p.case_id = c.id AND p.direction = 'inbound' ORDER BY p.created_at DESC, p.id DESC LIMIT 1)";
        const NEWEST_IN_AT: &str = "(SELECT MAX(p.created_at) FROM posts p WHERE p.case_id = c.id AND p.direction = 'inbound')";
        let mut sql = Sql::new(self.backend(), "SELECT c.id FROM cases c WHERE c.status <> 'resolved' AND c.last_post_at >= ");
        sql.bind(scan.active_since);
        sql.push(&format!(" AND {NEWEST_IN} IS NOT NULL"));
        sql.push(&format!(" AND NOT EXISTS (SELECT 1 FROM rule_firings f WHERE f.case_id = c.id AND f.post_id = {NEWEST_IN} AND f.rule = "));
        sql.bind(scan.rule.clone()).push(")");
        if let Some(before) = scan.opened_before {
            sql.push(" AND c.opened_at <= ").bind(before);
        }
        if let Some(since) = scan.waiting_since {
            sql.push(&format!(" AND {NEWEST_IN_AT} <= ")).bind(since);
            sql.push(&format!(
                " AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.case_id = c.id AND o.direction = 'outbound' AND o.created_at >= {NEWEST_IN_AT})"
            ));
        }
        sql.push(" ORDER BY c.last_post_at, c.id LIMIT ").bind(scan.limit.max(1));
        Ok(sqlx::query_scalar_with(&sql.text, sql.args).fetch_all(self.pool()).await?)
    }

    /// Records that `rule` fired on a case for its customer post `post_id`;
    /// false when it was already recorded (by another desk, say): then it
    /// must not be carried out again.
    pub async fn record_firing(&self, case_id: i64, rule: &str, post_id: i64, at: i64) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO rule_firings (case_id, rule, post_id, fired_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (case_id, rule, post_id) DO NOTHING",
        )
        .bind(case_id)
        .bind(rule)
        .bind(post_id)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Cases with a customer post not yet triaged, oldest case first.
    pub async fn cases_to_triage(&self, limit: i64, active_since: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT c.id FROM cases c WHERE c.last_post_at >= $2 AND EXISTS (SELECT 1 FROM posts p WHERE p.case_id = c.id
               AND p.direction = 'inbound' AND p.id > COALESCE(c.triaged_post_id, 0)) ORDER BY c.id LIMIT $1",
        )
        .bind(limit.max(1))
        .bind(active_since)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records what triage decided (no version change, no event: see the module comment).
    pub async fn save_triage(&self, case_id: i64, t: &TriageWrite) -> Result<()> {
        let reasons = serde_json::to_string(&t.reasons).expect("a list of strings serialises");
        let short = t.reasons.iter().take(3).cloned().collect::<Vec<_>>().join(" · ");
        let done = sqlx::query(
            "UPDATE cases SET priority = $1, priority_reasons = $2, priority_reason = $3, sla_due_at = $4, sla_policy = $5,
                    suggested_template = $6, triaged_post_id = COALESCE($7, triaged_post_id), sla_escalate_at = $9,
                    priority_at = $10 WHERE id = $8",
        )
        .bind(if t.priority.is_finite() { t.priority } else { 0.0 })
        .bind(reasons)
        .bind(short)
        .bind(t.sla_due_at)
        .bind(t.sla_policy.clone())
        .bind(t.suggested_template.clone())
        .bind(t.triaged_post_id)
        .bind(case_id)
        .bind(t.sla_escalate_at)
        .bind(t.computed_at)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("no case #{case_id}")));
        }
        Ok(())
    }

    /// The reasons behind a case's priority, largest first (empty before triage).
    pub async fn priority_reasons(&self, case_id: i64) -> Result<Vec<String>> {
        let json: Option<String> = sqlx::query_scalar("SELECT priority_reasons FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(self.pool())
            .await?
            .flatten();
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
    }

    /// Unresolved cases whose SLA falls due before `until`, soonest first.
    pub async fn cases_due_before(&self, until: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM cases WHERE sla_due_at IS NOT NULL AND sla_due_at <= $1 AND status <> 'resolved' ORDER BY sla_due_at, id LIMIT $2",
        )
        .bind(until)
        .bind(limit.max(1))
        .fetch_all(self.pool())
        .await?)
    }

    /// The open cases the SLA tick should look at: due before `until`, and
    /// either with a priority computed at or before `stale_before` (or never),
    /// or with an escalation due by `now` and not made yet. Soonest due first.
    pub async fn cases_to_refresh(&self, until: i64, stale_before: i64, now: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM cases WHERE sla_due_at IS NOT NULL AND sla_due_at <= $1 AND status <> 'resolved'
               AND (priority_at IS NULL OR priority_at <= $2
                    OR (sla_escalate_at <= $3 AND (sla_warned_due IS NULL OR sla_warned_due <> sla_due_at)))
             ORDER BY sla_due_at, id LIMIT $4",
        )
        .bind(until)
        .bind(stale_before)
        .bind(now)
        .bind(limit.max(1))
        .fetch_all(self.pool())
        .await?)
    }

    /// Notes that the escalation for the target due at `due` was made.
    pub async fn mark_sla_warned(&self, case_id: i64, due: i64) -> Result<()> {
        sqlx::query("UPDATE cases SET sla_warned_due = $1 WHERE id = $2").bind(due).bind(case_id).execute(self.pool()).await?;
        Ok(())
    }

    /// Cases with a customer post since `since`, newest first (for dry runs).
    pub async fn recent_cases(&self, since: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM cases WHERE last_post_at >= $1 ORDER BY last_post_at DESC, id DESC LIMIT $2")
            .bind(since)
            .bind(limit.max(1))
            .fetch_all(self.pool())
            .await?)
    }

    /// The members of a department who take cases (not executives or admins),
    /// with their unresolved cases, in id order.
    pub async fn department_load(&self, department_id: i64) -> Result<Vec<MemberLoad>> {
        let rows = sqlx::query(
            "SELECT m.id, m.handle, (SELECT COUNT(*) FROM cases c WHERE c.assignee_id = m.id AND c.status <> 'resolved')
             FROM members m WHERE m.department_id = $1 AND m.role IN ('agent', 'lead', 'approver') ORDER BY m.id",
        )
        .bind(department_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(|r| MemberLoad { id: r.get(0), handle: r.get(1), open_cases: r.get(2) }).collect())
    }

    /// The member the department's round robin gave a case last.
    pub async fn last_turn(&self, department_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT last_member_id FROM assignment_turns WHERE department_id = $1")
            .bind(department_id)
            .fetch_optional(self.pool())
            .await?
            .flatten())
    }

    pub async fn set_turn(&self, department_id: i64, member_id: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO assignment_turns (department_id, last_member_id) VALUES ($1, $2)
             ON CONFLICT (department_id) DO UPDATE SET last_member_id = excluded.last_member_id",
        )
        .bind(department_id)
        .bind(member_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
