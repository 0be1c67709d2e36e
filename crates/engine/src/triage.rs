//! Triage: the rules, SLA policies and playbook at work on the case log.
//!
//! - [`Desk::triage_new`] runs the `post_received` rules on every case whose
//!   newest customer post has not been triaged yet, carries out their actions
//!   through the store's actions (each writes a case event whose actor is
//!   `rule:<name>`, so the timeline reads "rule Legal threat moved to Legal"),
//!   and leaves the priority with its reasons, the SLA due instant and the
//!   suggested template on the case. Running it twice changes nothing.
//! - [`Desk::sla_tick`] refreshes the clocks and priorities of cases that
//!   fall due soon (a priority at most a minute old is left alone), and
//!   escalates a target about to be missed once, at the instant its clock
//!   turns near breach: a note from `sla:<policy>` on the timeline and the
//!   `sla_near_breach` rules.
//!   It then runs the `time_elapsed` rules: on open cases with recent
//!   activity whose `waiting` / `age` the rule asks for has passed, once per
//!   case, rule and customer post (the firing is recorded; a new customer
//!   post re-arms it), with a note from `rule:<name>` saying it fired. A
//!   fired rule's priority change stays in the score until the next post.
//! - The rules' facts carry the listening queries the newest customer post
//!   matched and the author's influence (the published score of
//!   `switchboard_core::influence`, from followers and engagement).
//! - [`Desk::dry_run`] applies a draft rule set to past cases and reports
//!   what would have changed, changing nothing.
//! - [`Desk::save_rules`] (and `save_playbook`, `save_sla`) check a file,
//!   including what it names (departments, policies, templates), and store
//!   it as the next version. Until a team saves its own, the defaults of
//!   `switchboard_rules::defaults` apply.
//! - [`Desk::suggested_reply`] renders the playbook's template for a case.

use std::collections::BTreeMap;

use serde::Serialize;
use switchboard_core::alert::Alert;
use switchboard_core::case::CaseStatus;
use switchboard_core::permission::Permission;
use switchboard_core::view::SuggestionView;
use switchboard_core::influence::{influence, Engagement, InfluenceInput};
use switchboard_rules::{defaults, priority, Action, AssignHow, CaseFacts, Event, Outcome, Playbook, RuleSet, SlaClock, SlaConfig, Span, Vars};
use switchboard_store::rules::{CaseFactsRow, ConfigVersion, ElapsedScan, TriageWrite};

use crate::error::DeskError;
use crate::Desk;

/// Cases triaged per round of [`Desk::triage_new`].
const BATCH: i64 = 200;
/// Triage is for live work: a case whose last post is older than this (an
/// imported archive, say) keeps the state it came with until it moves again.
pub const TRIAGE_WINDOW_MS: i64 = 14 * 24 * 3_600_000;
/// How far ahead [`Desk::sla_tick`] looks for targets falling due.
const TICK_HORIZON_MS: i64 = 3 * 24 * 3_600_000;
/// How old a priority may get before the tick computes it again (the SLA
/// part moves with the clock); an escalation due sooner is not kept waiting.
const REFRESH_EVERY_MS: i64 = 60_000;

/// The team's rules, playbook and SLA policies as they stand.
#[derive(Debug, Clone)]
pub struct TeamConfig {
    pub rules: RuleSet,
    pub playbook: Playbook,
    pub sla: SlaConfig,
}

/// What one [`Desk::triage_new`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TriageReport {
    pub cases: usize,
    pub routed: usize,
    pub assigned: usize,
    pub tagged: usize,
    pub closed: usize,
    pub alerts: usize,
    /// Actions that could not be carried out, in plain words.
    pub problems: Vec<String>,
}

/// What one [`Desk::sla_tick`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaTick {
    pub refreshed: usize,
    pub escalated: usize,
    /// `time_elapsed` rule firings (one per case and rule).
    pub fired: usize,
    /// Actions that could not be carried out, in plain words.
    pub problems: Vec<String>,
}

/// Cases one `time_elapsed` rule looks at per tick, at most.
const ELAPSED_BATCH: i64 = 500;

/// Cases per department before and after a draft rule set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentCount {
    /// The slug, or `(unrouted)`.
    pub department: String,
    pub before: usize,
    pub after: usize,
}

/// One case a draft rule set would change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DryRunExample {
    pub case_id: i64,
    pub subject: String,
    pub rules: Vec<String>,
    pub actions: Vec<String>,
    pub department_before: Option<String>,
    pub department_after: Option<String>,
}

/// What a draft rule set would have done to past cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DryRun {
    pub cases: usize,
    /// Cases where at least one action would change something.
    pub changed: usize,
    pub per_department: Vec<DepartmentCount>,
    /// (rule, cases it fired on), in rule order.
    pub rules_fired: Vec<(String, usize)>,
    /// Up to ten changed cases.
    pub examples: Vec<DryRunExample>,
}

const UNROUTED: &str = "(unrouted)";

impl Desk {
    /// The rules, playbook and SLA policies in force: the saved versions, or
    /// the defaults for a kind never saved (or whose saved text no longer reads).
    pub async fn team_config(&self) -> Result<TeamConfig, DeskError> {
        let text = |kind: &'static str| async move { self.store().active_config(kind).await.map(|c| c.map(|c| c.text)) };
        let rules = text("rules").await?.and_then(|t| RuleSet::parse(&t).ok()).unwrap_or_else(defaults::rules);
        let playbook = text("playbook").await?.and_then(|t| Playbook::parse(&t).ok()).unwrap_or_else(defaults::playbook);
        let sla = text("sla").await?.and_then(|t| SlaConfig::parse(&t).ok()).unwrap_or_else(defaults::sla);
        Ok(TeamConfig { rules, playbook, sla })
    }

    /// The text of a configuration file in force (`rules`, `playbook`, `sla`).
    pub async fn config_text(&self, kind: &str) -> Result<String, DeskError> {
        if let Some(c) = self.store().active_config(kind).await? {
            return Ok(c.text);
        }
        match kind {
            "rules" => Ok(defaults::RULES.to_string()),
            "playbook" => Ok(defaults::PLAYBOOK.to_string()),
            "sla" => Ok(defaults::SLA.to_string()),
            other => Err(DeskError::invalid(format!("no configuration {other:?} (rules, playbook or sla)"))),
        }
    }

    /// Reads a draft rule set and checks what it names against this workspace.
    pub async fn check_rules(&self, text: &str) -> Result<RuleSet, DeskError> {
        let rules = RuleSet::parse(text).map_err(|e| DeskError::invalid(e.to_string()))?;
        let cfg = self.team_config().await?;
        let departments: Vec<String> = self.store().departments().await?.into_iter().map(|d| d.slug).collect();
        let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
        rules
            .check_references(&departments, &cfg.sla.policy_names(), &cfg.playbook.slugs())
            .map_err(|e| DeskError::invalid(e.to_string()))?;
        Ok(rules)
    }

    /// Checks and stores a rule set as the next version, in force from now.
    pub async fn save_rules(&self, text: &str) -> Result<ConfigVersion, DeskError> {
        self.require(Permission::EditRules)?;
        self.check_rules(text).await?;
        Ok(self.store().save_config("rules", text, &self.me().handle).await?)
    }

    /// Checks and stores a playbook; the rules in force must still find their templates.
    pub async fn save_playbook(&self, text: &str) -> Result<ConfigVersion, DeskError> {
        self.require(Permission::EditPlaybook)?;
        let book = Playbook::parse(text).map_err(|e| DeskError::invalid(e.to_string()))?;
        let cfg = self.team_config().await?;
        let departments: Vec<String> = self.store().departments().await?.into_iter().map(|d| d.slug).collect();
        let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
        cfg.rules
            .check_references(&departments, &cfg.sla.policy_names(), &book.slugs())
            .map_err(|e| DeskError::invalid(format!("the rules in force would break: {e}")))?;
        Ok(self.store().save_config("playbook", text, &self.me().handle).await?)
    }

    /// Checks and stores SLA policies; the rules in force must still find their policies.
    pub async fn save_sla(&self, text: &str) -> Result<ConfigVersion, DeskError> {
        self.require(Permission::EditSla)?;
        let sla = SlaConfig::parse(text).map_err(|e| DeskError::invalid(e.to_string()))?;
        let cfg = self.team_config().await?;
        let departments: Vec<String> = self.store().departments().await?.into_iter().map(|d| d.slug).collect();
        let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
        cfg.rules
            .check_references(&departments, &sla.policy_names(), &cfg.playbook.slugs())
            .map_err(|e| DeskError::invalid(format!("the rules in force would break: {e}")))?;
        Ok(self.store().save_config("sla", text, &self.me().handle).await?)
    }

    /// Triages every case with a customer post not triaged yet and activity
    /// in the last [`TRIAGE_WINDOW_MS`] (see the module comment).
    pub async fn triage_new(&self, now: i64) -> Result<TriageReport, DeskError> {
        let cfg = self.team_config().await?;
        let mut report = TriageReport::default();
        loop {
            let ids = self.store().cases_to_triage(BATCH, now - TRIAGE_WINDOW_MS).await?;
            if ids.is_empty() {
                return Ok(report);
            }
            for id in ids {
                self.triage_case(&cfg, id, Event::PostReceived, now, &mut report, None).await?;
                report.cases += 1;
            }
        }
    }

    /// Runs the `case_updated` rules on a case a person just changed (the
    /// front ends call it after an action) and refreshes its priority.
    pub async fn case_updated(&self, case_id: i64, now: i64) -> Result<TriageReport, DeskError> {
        let cfg = self.team_config().await?;
        let mut report = TriageReport { cases: 1, ..Default::default() };
        self.triage_case(&cfg, case_id, Event::CaseUpdated, now, &mut report, None).await?;
        Ok(report)
    }

    /// Runs the `alert_raised` rules for an alert early warning just opened,
    /// once on each case behind its example posts (route them to PR, page the
    /// lead). A case that vanished meanwhile is reported, not fatal.
    pub async fn alert_raised(&self, alert: &Alert, now: i64) -> Result<TriageReport, DeskError> {
        let cfg = self.team_config().await?;
        let mut report = TriageReport::default();
        if cfg.rules.rules.iter().all(|r| !r.enabled || !r.on.contains(&Event::AlertRaised)) {
            return Ok(report);
        }
        let mut cases: Vec<i64> = alert.examples.iter().map(|e| e.case_id).collect();
        cases.sort_unstable();
        cases.dedup();
        for case_id in cases {
            report.cases += 1;
            if let Err(e) = self.triage_case(&cfg, case_id, Event::AlertRaised, now, &mut report, Some(alert)).await {
                report.problems.push(format!("case #{case_id}: the alert's rules could not run: {}", e.message));
            }
        }
        Ok(report)
    }

    async fn triage_case(
        &self,
        cfg: &TeamConfig,
        case_id: i64,
        event: Event,
        now: i64,
        report: &mut TriageReport,
        alert: Option<&Alert>,
    ) -> Result<(), DeskError> {
        let row = self.store().case_facts_row(case_id).await?;
        let mut facts = facts_of(&row);
        if let Some(a) = alert {
            facts.alert_kind = Some(a.kind.as_str().to_string());
            facts.alert_scope = Some(a.scope.clone());
            facts.alert_severity = Some(a.severity.as_str().to_string());
        }
        let left = cfg.sla.clock(&facts, now).map(|c| c.left_minutes);
        let calendar = cfg.sla.calendar_for(facts.department.as_deref());
        let outcome = cfg.rules.evaluate(event, &facts, now, calendar, left);
        let mut changes = outcome.priority_changes();
        if event != Event::PostReceived {
            // The score keeps the priority changes of the rules that shaped the case.
            changes.extend(standing_changes(cfg, &row, &facts, now, calendar, left));
        }
        self.carry_out(&outcome, case_id, report).await?;
        // Score what the case now is: routed, tagged, perhaps closed.
        let after = self.store().case_facts_row(case_id).await?;
        let mut facts = facts_of(&after);
        facts.sla_policy = outcome.sla().map(str::to_string).or(row.sla_policy.clone());
        let clock = cfg.sla.clock(&facts, now);
        let scored = priority::score(&facts, &cfg.rules.weights, clock.as_ref(), &changes);
        // A new post is suggested afresh; otherwise a rule's earlier suggestion stands.
        let kept = if event == Event::PostReceived { None } else { row.suggested_template.clone() };
        let suggested = outcome.suggest().map(str::to_string).or(kept).or_else(|| cfg.playbook.suggest(&facts).map(|t| t.slug.clone()));
        self.store()
            .save_triage(
                case_id,
                &TriageWrite {
                    priority: scored.score,
                    reasons: scored.labels(),
                    sla_due_at: clock.as_ref().map(|c| c.due_at),
                    sla_policy: facts.sla_policy,
                    suggested_template: suggested,
                    triaged_post_id: if event == Event::PostReceived { row.post_id } else { None },
                    sla_escalate_at: clock.as_ref().map(|c| c.escalate_at),
                    computed_at: now,
                },
            )
            .await?;
        Ok(())
    }

    /// Carries out a rule outcome on a case through the store's actions. An
    /// action that cannot be done (a member gone, a department renamed) is
    /// reported and skipped; the others still happen.
    async fn carry_out(&self, outcome: &Outcome, case_id: i64, report: &mut TriageReport) -> Result<(), DeskError> {
        let store = self.store();
        for fired in &outcome.actions {
            let actor = format!("rule:{}", fired.rule);
            let done: Result<(), DeskError> = async {
                match &fired.action {
                    Action::Route(slug) => {
                        let dept = store.department_by_slug(slug).await?;
                        let case = store.case_summary(case_id).await?;
                        if case.department_id != Some(dept.id) {
                            store.move_to(case_id, Some(dept.id), &actor, None).await?;
                            report.routed += 1;
                        }
                    }
                    Action::Assign(how) => {
                        if self.assign_by_rule(case_id, how, &actor).await? {
                            report.assigned += 1;
                        }
                    }
                    Action::Tag(tag) => {
                        if store.tag_case(case_id, tag, &actor).await? {
                            report.tagged += 1;
                        }
                    }
                    Action::Alert(message) => {
                        store.add_note(case_id, &format!("Alert: {message}"), &actor).await?;
                        report.alerts += 1;
                    }
                    Action::RequireApproval(_) => {
                        // Remembered on the case: replies there wait for approval.
                        if store.tag_case(case_id, &fired.action.approval_tag().unwrap_or_default(), &actor).await? {
                            report.tagged += 1;
                        }
                    }
                    Action::Close(reason) => {
                        store.tag_case(case_id, reason, &actor).await?;
                        let case = store.case_summary(case_id).await?;
                        if case.status != CaseStatus::Resolved {
                            store.set_status(case_id, CaseStatus::Resolved, &actor, None).await?;
                            report.closed += 1;
                        }
                    }
                    // Taken into the score, the SLA clock and the suggestion.
                    Action::Priority(_) | Action::Sla(_) | Action::Suggest(_) => {}
                }
                Ok(())
            }
            .await;
            if let Err(e) = done {
                report.problems.push(format!("case #{case_id}: {} could not {}: {}", fired.rule, fired.action.describe(), e.message));
            }
        }
        Ok(())
    }

    /// Assigns an unassigned case to a member of its department; false when
    /// it already has an assignee or nobody can take it.
    async fn assign_by_rule(&self, case_id: i64, how: &AssignHow, actor: &str) -> Result<bool, DeskError> {
        let store = self.store();
        let case = store.case_summary(case_id).await?;
        if case.assignee_id.is_some() {
            return Ok(false);
        }
        let member = match how {
            AssignHow::Member(handle) => store.members().await?.into_iter().find(|m| m.handle == *handle).map(|m| m.id),
            AssignHow::LeastLoaded | AssignHow::RoundRobin => {
                let Some(dept) = case.department_id else { return Ok(false) };
                let load = store.department_load(dept).await?;
                let pick = if *how == AssignHow::LeastLoaded {
                    load.iter().min_by_key(|m| (m.open_cases, m.id)).map(|m| m.id)
                } else {
                    let last = store.last_turn(dept).await?;
                    let next = last.and_then(|l| load.iter().find(|m| m.id > l)).or(load.first());
                    next.map(|m| m.id)
                };
                if let (Some(id), AssignHow::RoundRobin) = (pick, how) {
                    store.set_turn(dept, id).await?;
                }
                pick
            }
        };
        let Some(member) = member else { return Ok(false) };
        store.assign(case_id, Some(member), actor, None).await?;
        Ok(true)
    }

    /// Refreshes clocks and priorities of cases falling due soon, escalates
    /// each target about to be missed once, then runs the `time_elapsed`
    /// rules (see the module comment).
    pub async fn sla_tick(&self, now: i64) -> Result<SlaTick, DeskError> {
        let cfg = self.team_config().await?;
        let mut tick = SlaTick::default();
        let mut report = TriageReport::default();
        let (until, stale) = (now.saturating_add(TICK_HORIZON_MS), now.saturating_sub(REFRESH_EVERY_MS));
        for case_id in self.store().cases_to_refresh(until, stale, now, 5_000).await? {
            let (row, facts, clock) = self.rescore(&cfg, case_id, now).await?;
            tick.refreshed += 1;
            let Some(clock) = clock.filter(|c| c.near_breach) else { continue };
            if row.sla_warned_due == Some(clock.due_at) {
                continue;
            }
            let when = if clock.breached {
                format!("was due {} ago", short_minutes(-clock.left_minutes))
            } else {
                format!("is due in {} of business time", short_minutes(clock.left_minutes))
            };
            let note = format!("SLA: the {} target ({} policy) {when}", clock.target.label(), clock.policy);
            self.store().add_note(case_id, &note, &format!("sla:{}", clock.policy)).await?;
            let calendar = cfg.sla.calendar_for(facts.department.as_deref());
            let outcome = cfg.rules.evaluate(Event::SlaNearBreach, &facts, now, calendar, Some(clock.left_minutes));
            self.carry_out(&outcome, case_id, &mut report).await?;
            self.store().mark_sla_warned(case_id, clock.due_at).await?;
            tick.escalated += 1;
        }
        self.run_elapsed(&cfg, now, &mut tick, &mut report).await?;
        tick.problems = report.problems;
        Ok(tick)
    }

    /// Recomputes a case's clock and priority as they stand at `now` (the
    /// rules' standing priority changes; nothing is carried out) and saves them.
    async fn rescore(&self, cfg: &TeamConfig, case_id: i64, now: i64) -> Result<(CaseFactsRow, CaseFacts, Option<SlaClock>), DeskError> {
        let row = self.store().case_facts_row(case_id).await?;
        let facts = facts_of(&row);
        let calendar = cfg.sla.calendar_for(facts.department.as_deref());
        let clock = cfg.sla.clock(&facts, now);
        let changes = standing_changes(cfg, &row, &facts, now, calendar, clock.as_ref().map(|c| c.left_minutes));
        let scored = priority::score(&facts, &cfg.rules.weights, clock.as_ref(), &changes);
        let write = TriageWrite {
            priority: scored.score,
            reasons: scored.labels(),
            sla_due_at: clock.as_ref().map(|c| c.due_at),
            sla_policy: row.sla_policy.clone(),
            suggested_template: row.suggested_template.clone(),
            triaged_post_id: None,
            sla_escalate_at: clock.as_ref().map(|c| c.escalate_at),
            computed_at: now,
        };
        self.store().save_triage(case_id, &write).await?;
        Ok((row, facts, clock))
    }

    /// Runs the `time_elapsed` rules on the open cases they may now hold on.
    async fn run_elapsed(&self, cfg: &TeamConfig, now: i64, tick: &mut SlaTick, report: &mut TriageReport) -> Result<(), DeskError> {
        let mut cases = std::collections::BTreeSet::new();
        for rule in cfg.rules.listening(Event::TimeElapsed) {
            let ago = |span| rule.at_least(span).map(|m: i64| now.saturating_sub(m.saturating_mul(60_000)));
            let scan = ElapsedScan {
                rule: rule.name.clone(),
                active_since: now - TRIAGE_WINDOW_MS,
                waiting_since: ago(Span::Waiting),
                opened_before: ago(Span::Age),
                limit: ELAPSED_BATCH,
            };
            cases.extend(self.store().elapsed_candidates(&scan).await?);
        }
        for case_id in cases {
            let row = self.store().case_facts_row(case_id).await?;
            let Some(post_id) = row.post_id else { continue };
            let facts = facts_of(&row);
            let calendar = cfg.sla.calendar_for(facts.department.as_deref());
            let left = cfg.sla.clock(&facts, now).map(|c| c.left_minutes);
            let mut outcome = cfg.rules.evaluate_elapsed(&facts, now, calendar, left, &row.fired_rules);
            if outcome.fired.is_empty() {
                continue;
            }
            // Recorded first: a rule another desk fired meanwhile is not carried out twice.
            let mut fired = Vec::new();
            for name in &outcome.fired {
                if self.store().record_firing(case_id, name, post_id, now).await? {
                    fired.push(name.clone());
                }
            }
            outcome.actions.retain(|a| fired.contains(&a.rule));
            let why = elapsed_why(&facts, now);
            for name in &fired {
                self.store().add_note(case_id, &format!("Rule \u{201c}{name}\u{201d} fired: {why}"), &format!("rule:{name}")).await?;
            }
            self.carry_out(&outcome, case_id, report).await?;
            if !fired.is_empty() {
                self.rescore(cfg, case_id, now).await?;
            }
            tick.fired += fired.len();
        }
        Ok(())
    }

    /// What `draft` (a rules file) would have done to the cases with a
    /// customer post since `since` (at most `limit`), compared with how they
    /// stand. Changes nothing.
    pub async fn dry_run(&self, draft: &str, since: i64, limit: i64) -> Result<DryRun, DeskError> {
        self.require(Permission::EditRules)?;
        let rules = self.check_rules(draft).await?;
        let cfg = self.team_config().await?;
        let now = switchboard_core::time::now_ms();
        let mut run = DryRun::default();
        let mut departments: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut fired: Vec<(String, usize)> = rules.rules.iter().map(|r| (r.name.clone(), 0)).collect();
        for case_id in self.store().recent_cases(since, limit.clamp(1, 100_000)).await? {
            let row = self.store().case_facts_row(case_id).await?;
            let facts = facts_of(&row);
            let clock = cfg.sla.clock(&facts, now);
            let calendar = cfg.sla.calendar_for(facts.department.as_deref());
            let outcome = rules.evaluate(Event::PostReceived, &facts, now, calendar, clock.map(|c| c.left_minutes));
            run.cases += 1;
            for name in &outcome.fired {
                if let Some(f) = fired.iter_mut().find(|f| f.0 == *name) {
                    f.1 += 1;
                }
            }
            let before = facts.department.clone();
            let after = outcome.route().map(str::to_string).or_else(|| before.clone());
            departments.entry(before.clone().unwrap_or_else(|| UNROUTED.into())).or_default().0 += 1;
            departments.entry(after.clone().unwrap_or_else(|| UNROUTED.into())).or_default().1 += 1;
            let changes: Vec<String> = outcome
                .actions
                .iter()
                .filter(|a| changes_something(&a.action, &facts))
                .map(|a| format!("{}: {}", a.rule, a.action.describe()))
                .collect();
            if changes.is_empty() {
                continue;
            }
            run.changed += 1;
            if run.examples.len() < 10 {
                run.examples.push(DryRunExample {
                    case_id,
                    subject: row.subject.chars().take(120).collect(),
                    rules: outcome.fired.clone(),
                    actions: changes,
                    department_before: before,
                    department_after: after,
                });
            }
        }
        run.per_department = departments.into_iter().map(|(department, (before, after))| DepartmentCount { department, before, after }).collect();
        run.rules_fired = fired;
        Ok(run)
    }

    /// The playbook's response for a case, rendered for its customer: the
    /// template a rule suggested, else the playbook's match for the case.
    pub async fn suggested_reply(&self, case_id: i64) -> Result<Option<SuggestionView>, DeskError> {
        self.require(Permission::ViewCases)?;
        let cfg = self.team_config().await?;
        let row = self.store().case_facts_row(case_id).await?;
        let facts = facts_of(&row);
        let template = row.suggested_template.as_deref().and_then(|s| cfg.playbook.get(s)).or_else(|| cfg.playbook.suggest(&facts));
        let Some(t) = template else { return Ok(None) };
        let vars = Vars {
            customer_name: row.customer_name.clone().or(row.author_name.clone()),
            handle: Some(row.handle.clone()).filter(|h| !h.is_empty()),
            case_number: Some(case_id),
            agent_name: row.assignee_name.clone().or_else(|| Some(self.me().name.clone())),
        };
        Ok(Some(SuggestionView {
            template: t.slug.clone(),
            name: t.name.clone(),
            text: t.render(&vars),
            department: t.department.clone(),
            approval_required: t.approval_required(),
            approver: t.approval.clone(),
        }))
    }

    /// Why a case has its priority, largest weight first.
    pub async fn priority_reasons(&self, case_id: i64) -> Result<Vec<String>, DeskError> {
        self.require(Permission::ViewCases)?;
        Ok(self.store().priority_reasons(case_id).await?)
    }
}

/// The priority changes a case keeps between runs: those of the
/// `post_received` rules that hold on it now, and those of the
/// `time_elapsed` rules fired for its newest customer post.
fn standing_changes(
    cfg: &TeamConfig,
    row: &CaseFactsRow,
    facts: &CaseFacts,
    now: i64,
    calendar: Option<&switchboard_rules::Calendar>,
    left: Option<i64>,
) -> Vec<(String, switchboard_rules::PriorityChange)> {
    let mut changes = cfg.rules.evaluate(Event::PostReceived, facts, now, calendar, left).priority_changes();
    for name in &row.fired_rules {
        if let Some(rule) = cfg.rules.rule(name).filter(|r| r.enabled && r.on.contains(&Event::TimeElapsed)) {
            changes.extend(rule.priority_changes());
        }
    }
    changes
}

/// What time passed, for the note a `time_elapsed` rule leaves.
fn elapsed_why(facts: &CaseFacts, now: i64) -> String {
    let age = format!("case open {}", short_minutes((now - facts.opened_at) / 60_000));
    match facts.waiting_minutes(now) {
        Some(w) if w > 0 => format!("the customer has waited {} since their last post; {age}", short_minutes(w)),
        _ => age,
    }
}

/// Whether an action would change the case as it stands.
fn changes_something(action: &Action, facts: &CaseFacts) -> bool {
    match action {
        Action::Route(d) => facts.department.as_deref() != Some(d.as_str()),
        Action::Assign(_) => facts.assignee.is_none(),
        Action::Tag(t) => !facts.tags.contains(t),
        Action::RequireApproval(_) => action.approval_tag().is_some_and(|t| !facts.tags.contains(&t)),
        Action::Close(_) => !facts.is_resolved(),
        Action::Priority(_) | Action::Sla(_) | Action::Alert(_) | Action::Suggest(_) => true,
    }
}

/// The rules' view of a case from the store's row.
pub fn facts_of(row: &CaseFactsRow) -> CaseFacts {
    let judged = |field: &str| row.judged(field).map(|(v, s)| (v.to_string(), s));
    let sentiment = judged("sentiment");
    let topic = judged("topic");
    CaseFacts {
        case_id: row.case_id,
        text: row.text.clone(),
        handle: row.handle.clone(),
        author_name: row.author_name.clone(),
        customer_name: row.customer_name.clone(),
        channel: row.channel.clone(),
        account: row.account.clone(),
        language: judged("language").map(|l| l.0),
        sentiment_score: sentiment.as_ref().and_then(|s| s.1),
        sentiment: sentiment.map(|s| s.0),
        topic_confidence: topic.as_ref().and_then(|t| t.1),
        topic: topic.map(|t| t.0),
        intent: judged("intent").map(|i| i.0),
        followers: row.followers,
        influence: judged("influence").and_then(|i| i.0.parse().ok()).or_else(|| influence_of(row)),
        value_tier: row.value_tier.clone(),
        lifetime_value: row.lifetime_value,
        department: row.department.clone(),
        assignee: row.assignee.clone(),
        tags: row.tags.clone(),
        queries: row.queries.clone(),
        status: row.status.clone(),
        opened_at: row.opened_at,
        first_response_at: row.first_response_at,
        last_customer_post_at: row.last_customer_post_at,
        last_reply_at: row.last_reply_at,
        sla_policy: row.sla_policy.clone(),
        // Filled only while an `alert_raised` rule runs.
        alert_kind: None,
        alert_scope: None,
        alert_severity: None,
    }
}

/// The author's published influence score (0–100) over 100, from followers
/// and engagement as the author card computes it; `None` without an author.
fn influence_of(row: &CaseFactsRow) -> Option<f64> {
    if row.handle.is_empty() {
        return None;
    }
    let input = InfluenceInput {
        followers: row.followers,
        engagement: Some(Engagement {
            posts: row.author_posts,
            answered_share: (row.author_cases > 0).then(|| row.author_answered as f64 / row.author_cases as f64),
            reposts_per_post: None,
        }),
        reach: None,
    };
    Some(f64::from(influence(&input).score) / 100.0)
}

fn short_minutes(m: i64) -> String {
    let m = m.max(0);
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}
