//! The rule set: ordered rules read from TOML, evaluated top to bottom.
//!
//! ```toml
//! [[rule]]
//! name = "Lost luggage from a big account"
//! on = "post_received"            # or case_updated, sla_near_breach, time_elapsed, alert_raised (or a list)
//! when = { topic = "lost luggage", sentiment = "negative", followers = ">10000" }
//! then = [{ route = "contact-centre" }, { assign = "least_loaded" }, { priority = "+20" }]
//! stop = true                     # later rules are not looked at when this one fires
//! ```
//!
//! A rule without `when` always holds; `on` defaults to `post_received`;
//! `enabled = false` keeps a rule in the file without running it.
//!
//! A `time_elapsed` rule runs on the periodic SLA tick, on open cases with
//! recent activity; its `waiting` and `age` conditions say how much time must
//! have passed (since the customer's newest unanswered post, since the case
//! opened): `on = "time_elapsed"`, `when = { waiting = ">2h" }` fires once
//! the customer has waited two hours. It fires once per case and customer
//! post: the engine records the firing, and a new customer post re-arms it
//! ([`RuleSet::evaluate_elapsed`]). Rules see
//! the effects of the rules before them in the same run (a rule that routes
//! makes `unrouted = true` false for the next). The optional `[priority]`
//! table sets the weights of the score (see [`crate::priority`]).
//!
//! An `alert_raised` rule runs when early warning opens an alert, once on each
//! case behind the alert's example posts, with `alert_kind`
//! (`volume_spike`, `negative_spike`), `alert_scope` (`all`, `topic:lost
//! luggage`, `account:...`, `channel:...`) and `alert_severity` (`low`,
//! `medium`, `high`) to match on: route the cases to PR, page the lead.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::action::{Action, PriorityChange};
use crate::condition::{post_facts, Condition, Context, Span};
use crate::error::ConfigError;
use crate::facts::CaseFacts;
use crate::priority::Weights;
use crate::sla::Calendar;
use crate::text::Op;

/// What a rule listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A customer post arrived on the case (a new case or a reply).
    PostReceived,
    /// Someone changed the case.
    CaseUpdated,
    /// An SLA target is about to be missed.
    SlaNearBreach,
    /// The periodic tick: time passed since the customer's newest post or the
    /// opening (rules with `waiting` / `age` conditions), once per customer post.
    TimeElapsed,
    /// Early warning opened an alert; runs on the cases of its example posts.
    AlertRaised,
}

impl Event {
    pub const ALL: [Event; 5] = [Event::PostReceived, Event::CaseUpdated, Event::SlaNearBreach, Event::TimeElapsed, Event::AlertRaised];
    pub fn as_str(self) -> &'static str {
        match self {
            Event::PostReceived => "post_received",
            Event::CaseUpdated => "case_updated",
            Event::SlaNearBreach => "sla_near_breach",
            Event::TimeElapsed => "time_elapsed",
            Event::AlertRaised => "alert_raised",
        }
    }
    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == s.trim())
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub on: Vec<Event>,
    pub when: Vec<Condition>,
    pub then: Vec<Action>,
    pub stop: bool,
    pub enabled: bool,
    /// Where the rule starts in the file.
    pub line: usize,
}

impl Rule {
    /// The least number of minutes a `waiting` or `age` condition of this
    /// rule asks for (`waiting = ">2h"` → 120), if it asks for one: a case
    /// with less cannot satisfy it, so the engine need not look at it.
    pub fn at_least(&self, span: Span) -> Option<i64> {
        self.when
            .iter()
            .filter_map(|c| match c {
                Condition::Span(s, cmp) if *s == span => match cmp.op {
                    Op::Gt | Op::Ge | Op::Eq => Some(cmp.value.max(0.0).floor() as i64),
                    Op::Lt | Op::Le => None,
                },
                _ => None,
            })
            .max()
    }

    /// The priority changes among this rule's actions.
    pub fn priority_changes(&self) -> Vec<(String, PriorityChange)> {
        self.then
            .iter()
            .filter_map(|a| match a {
                Action::Priority(c) => Some((self.name.clone(), *c)),
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub weights: Weights,
}

/// One action and the rule it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiredAction {
    pub rule: String,
    pub action: Action,
}

/// What a run of the rules decided.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// Names of the rules that fired, in order.
    pub fired: Vec<String>,
    pub actions: Vec<FiredAction>,
}

impl Outcome {
    /// The priority changes, with the rule behind each.
    pub fn priority_changes(&self) -> Vec<(String, PriorityChange)> {
        self.actions
            .iter()
            .filter_map(|a| match a.action {
                Action::Priority(c) => Some((a.rule.clone(), c)),
                _ => None,
            })
            .collect()
    }
    /// The last department a rule routed to.
    pub fn route(&self) -> Option<&str> {
        self.actions.iter().rev().find_map(|a| match &a.action {
            Action::Route(d) => Some(d.as_str()),
            _ => None,
        })
    }
    /// The last SLA policy a rule applied.
    pub fn sla(&self) -> Option<&str> {
        self.actions.iter().rev().find_map(|a| match &a.action {
            Action::Sla(p) => Some(p.as_str()),
            _ => None,
        })
    }
    /// The last template a rule suggested.
    pub fn suggest(&self) -> Option<&str> {
        self.actions.iter().rev().find_map(|a| match &a.action {
            Action::Suggest(t) => Some(t.as_str()),
            _ => None,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    priority: Option<Weights>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    #[serde(default)]
    on: Option<toml::Value>,
    #[serde(default)]
    when: toml::Table,
    #[serde(default)]
    then: Vec<toml::Table>,
    #[serde(default)]
    stop: bool,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

impl RuleSet {
    /// Reads a rules file; the error names the line and the rule.
    pub fn parse(source: &str) -> Result<RuleSet, ConfigError> {
        let raw: RawFile = toml::from_str(source).map_err(|e| ConfigError::from_toml("rules", source, &e))?;
        let mut rules = Vec::with_capacity(raw.rule.len());
        let mut names = std::collections::HashSet::new();
        for spanned in raw.rule {
            let span = spanned.span();
            let start = span.start;
            let r = spanned.into_inner();
            let name = r.name.trim().to_string();
            let at = |key: &str| key_offset(source, span.clone(), key);
            let fail = |msg: String, key: &str| Err(ConfigError::new("rules", msg).at(source, at(key)).item(format!("rule {name:?}")));
            if name.is_empty() {
                return fail("a rule needs a name".into(), "name");
            }
            if !names.insert(name.clone()) {
                return fail("two rules have this name; names must be unique".into(), "name");
            }
            let on = match &r.on {
                None => vec![Event::PostReceived],
                Some(toml::Value::String(s)) => vec![parse_event(s).map_err(|m| fail_err(source, at("on"), &name, m))?],
                Some(toml::Value::Array(items)) if !items.is_empty() => items
                    .iter()
                    .map(|v| v.as_str().ok_or("`on` takes event names".to_string()).and_then(parse_event))
                    .collect::<Result<_, _>>()
                    .map_err(|m| fail_err(source, at("on"), &name, m))?,
                Some(other) => return fail(format!("`on` takes an event name or a list of them, not {other}"), "on"),
            };
            let mut when = Vec::with_capacity(r.when.len());
            for (key, value) in &r.when {
                when.push(Condition::from_entry(key, value).map_err(|m| fail_err(source, at(key), &name, m))?);
            }
            if r.then.is_empty() {
                return fail("a rule needs at least one action in `then`".into(), "then");
            }
            let mut then = Vec::with_capacity(r.then.len());
            for entry in &r.then {
                let key = entry.keys().next().map(String::as_str).unwrap_or("then");
                then.push(Action::from_entry(entry).map_err(|m| fail_err(source, at(key), &name, m))?);
            }
            let line = crate::error::line_col(source, start).0;
            rules.push(Rule { name, on, when, then, stop: r.stop, enabled: r.enabled, line });
        }
        Ok(RuleSet { rules, weights: raw.priority.unwrap_or_default() })
    }

    /// Runs the rules listening for `event` on `facts`, in order.
    pub fn evaluate(&self, event: Event, facts: &CaseFacts, now: i64, calendar: Option<&Calendar>, sla_left_minutes: Option<i64>) -> Outcome {
        self.run(event, facts, now, calendar, sla_left_minutes, &[])
    }

    /// Runs the `time_elapsed` rules on `facts`, passing over the rules in
    /// `already` (those fired for the case's current customer post): they do
    /// not fire again, though one that still holds and has `stop = true`
    /// still ends the run.
    pub fn evaluate_elapsed(
        &self,
        facts: &CaseFacts,
        now: i64,
        calendar: Option<&Calendar>,
        sla_left_minutes: Option<i64>,
        already: &[String],
    ) -> Outcome {
        self.run(Event::TimeElapsed, facts, now, calendar, sla_left_minutes, already)
    }

    /// The enabled rules listening for `event`, in order.
    pub fn listening(&self, event: Event) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.enabled && r.on.contains(&event))
    }

    /// The rule called `name`.
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    fn run(&self, event: Event, facts: &CaseFacts, now: i64, calendar: Option<&Calendar>, sla_left_minutes: Option<i64>, already: &[String]) -> Outcome {
        let mut facts = facts.clone();
        let mut post = post_facts(&facts);
        let mut out = Outcome::default();
        for rule in self.listening(event) {
            let ctx = Context { now, calendar, sla_left_minutes, post: &post };
            if !rule.when.iter().all(|c| c.holds(&facts, &ctx)) {
                continue;
            }
            if already.contains(&rule.name) {
                if rule.stop {
                    break;
                }
                continue;
            }
            out.fired.push(rule.name.clone());
            for action in &rule.then {
                apply(&mut facts, action);
                out.actions.push(FiredAction { rule: rule.name.clone(), action: action.clone() });
            }
            post = post_facts(&facts);
            if rule.stop {
                break;
            }
        }
        out
    }

    /// Checks what the rules name against what exists: departments (slugs),
    /// SLA policies and playbook templates.
    pub fn check_references(&self, departments: &[&str], sla_policies: &[&str], templates: &[&str]) -> Result<(), ConfigError> {
        for rule in &self.rules {
            for action in &rule.then {
                let missing = match action {
                    Action::Route(d) if !departments.contains(&d.as_str()) => {
                        Some(format!("routes to {d:?}, which is not a department (known: {})", departments.join(", ")))
                    }
                    Action::Sla(p) if !sla_policies.contains(&p.as_str()) => {
                        Some(format!("applies SLA policy {p:?}, which does not exist (known: {})", sla_policies.join(", ")))
                    }
                    Action::Suggest(t) if !templates.contains(&t.as_str()) => {
                        Some(format!("suggests template {t:?}, which is not in the playbook"))
                    }
                    Action::RequireApproval(d) if !departments.contains(&d.as_str()) => {
                        Some(format!("requires approval by {d:?}, which is not a department (known: {})", departments.join(", ")))
                    }
                    _ => None,
                };
                if let Some(msg) = missing {
                    let mut e = ConfigError::new("rules", msg).item(format!("rule {:?}", rule.name));
                    e.line = Some(rule.line);
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

fn parse_event(s: &str) -> Result<Event, String> {
    Event::parse(s).ok_or_else(|| {
        format!("unknown event {s:?} (known: {})", Event::ALL.map(Event::as_str).join(", "))
    })
}

fn fail_err(source: &str, offset: usize, name: &str, message: String) -> ConfigError {
    ConfigError::new("rules", message).at(source, offset).item(format!("rule {name:?}"))
}

/// Where `key = ` is written inside an item (its first occurrence), else the
/// item's start. toml spans an array-of-tables item by its `[[header]]`; the
/// body runs to the next line that opens a table.
pub(crate) fn key_offset(source: &str, span: std::ops::Range<usize>, key: &str) -> usize {
    let end = source.get(span.end..).and_then(|rest| rest.find("\n[")).map(|i| span.end + i).unwrap_or(source.len());
    let body = source.get(span.start..end).unwrap_or("");
    let mut from = 0;
    while let Some(i) = body[from..].find(key) {
        let at = from + i;
        let before_ok = at == 0 || !body[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = body[at + key.len()..].trim_start();
        if before_ok && after.starts_with('=') && !after.starts_with("==") {
            return span.start + at;
        }
        from = at + key.len();
    }
    span.start
}

/// What later rules in the same run see of an action.
fn apply(facts: &mut CaseFacts, action: &Action) {
    match action {
        Action::Route(d) => facts.department = Some(d.clone()),
        Action::Assign(_) => facts.assignee = Some(facts.assignee.clone().unwrap_or_else(|| "(rules)".into())),
        Action::Tag(t) => {
            if !facts.tags.contains(t) {
                facts.tags.push(t.clone())
            }
        }
        Action::RequireApproval(_) => {
            let tag = action.approval_tag().unwrap_or_default();
            if !facts.tags.contains(&tag) {
                facts.tags.push(tag)
            }
        }
        Action::Sla(p) => facts.sla_policy = Some(p.clone()),
        Action::Close(_) => facts.status = "resolved".into(),
        Action::Priority(_) | Action::Alert(_) | Action::Suggest(_) => {}
    }
}
