//! What a rule does when it fires, read from one `then` entry each:
//! `{ route = "pr" }`, `{ assign = "least_loaded" }`, `{ tag = "vip" }`,
//! `{ priority = "+20" }`, `{ sla = "vip" }`, `{ alert = "..." }`,
//! `{ suggest = "template-slug" }`, `{ close = "noise" }`,
//! `{ require_approval = "legal" }` (replies on the case wait for that
//! department's approval; remembered as the case tag `approval:legal`).

use serde::Serialize;

/// How `assign` picks a member of the case's department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignHow {
    /// The next member after the last one given a case, in turn.
    RoundRobin,
    /// The member with the fewest unresolved cases.
    LeastLoaded,
    /// This member (by handle).
    Member(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityChange {
    /// `"+20"`, `"-5"` (or a bare TOML number): added to the computed score.
    Add(f64),
    /// `"=90"`: the score, whatever was computed.
    Set(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Route(String),
    Assign(AssignHow),
    Tag(String),
    Priority(PriorityChange),
    Sla(String),
    Alert(String),
    Suggest(String),
    /// Resolve the case as noise (spam, off-topic); the reason becomes a tag.
    Close(String),
    /// Replies on the case wait for this department's approval (slug).
    RequireApproval(String),
}

/// The case tag a `require_approval` action leaves: `approval:` and the department.
pub const APPROVAL_TAG_PREFIX: &str = "approval:";

/// The action keys, for messages.
pub const KNOWN: &str = "route, assign, tag, priority, sla, alert, suggest, close, require_approval";

impl Action {
    /// One `then` entry: a table with exactly one key.
    pub fn from_entry(table: &toml::Table) -> Result<Action, String> {
        let mut keys = table.iter();
        let (key, value) = match (keys.next(), keys.next()) {
            (Some(kv), None) => kv,
            (None, _) => return Err(format!("an empty action {{}}: write one of {KNOWN}")),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "an action has one key, this one has {}: write each as its own {{ ... }}",
                    table.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                ))
            }
        };
        let text = || -> Result<String, String> {
            match value.as_str().map(str::trim) {
                Some(s) if !s.is_empty() => Ok(s.to_string()),
                _ => Err(format!("`{key}` takes a non-empty string")),
            }
        };
        Ok(match key.as_str() {
            "route" => Action::Route(text()?.to_lowercase()),
            "assign" => Action::Assign(match text()?.as_str() {
                "round_robin" | "round-robin" => AssignHow::RoundRobin,
                "least_loaded" | "least-loaded" => AssignHow::LeastLoaded,
                other => AssignHow::Member(other.trim_start_matches('@').to_string()),
            }),
            "tag" => Action::Tag(text()?.to_lowercase()),
            "priority" => Action::Priority(match value {
                toml::Value::Integer(n) => PriorityChange::Add(*n as f64),
                toml::Value::Float(f) if f.is_finite() => PriorityChange::Add(*f),
                _ => parse_priority(&text()?).ok_or_else(|| {
                    format!("priority {:?} does not read: write \"+20\", \"-5\" or \"=90\"", value.as_str().unwrap_or(""))
                })?,
            }),
            "sla" => Action::Sla(text()?),
            "alert" => Action::Alert(text()?),
            "suggest" => Action::Suggest(text()?),
            "close" => Action::Close(text()?.to_lowercase()),
            "require_approval" => Action::RequireApproval(text()?.to_lowercase()),
            other => return Err(format!("unknown action `{other}` (known: {KNOWN})")),
        })
    }

    /// For people and the dry run: "route to pr", "tag vip".
    pub fn describe(&self) -> String {
        match self {
            Action::Route(d) => format!("route to {d}"),
            Action::Assign(AssignHow::RoundRobin) => "assign in turn".into(),
            Action::Assign(AssignHow::LeastLoaded) => "assign to the least loaded".into(),
            Action::Assign(AssignHow::Member(m)) => format!("assign to @{m}"),
            Action::Tag(t) => format!("tag {t}"),
            Action::Priority(PriorityChange::Add(n)) => format!("priority {n:+}"),
            Action::Priority(PriorityChange::Set(n)) => format!("priority ={n}"),
            Action::Sla(p) => format!("SLA {p}"),
            Action::Alert(m) => format!("alert: {m}"),
            Action::Suggest(t) => format!("suggest {t}"),
            Action::Close(r) => format!("close as {r}"),
            Action::RequireApproval(d) => format!("require approval by {d}"),
        }
    }

    /// The case tag that remembers a `require_approval` action, else `None`.
    pub fn approval_tag(&self) -> Option<String> {
        match self {
            Action::RequireApproval(d) => Some(format!("{APPROVAL_TAG_PREFIX}{d}")),
            _ => None,
        }
    }
}

fn parse_priority(s: &str) -> Option<PriorityChange> {
    let s = s.trim();
    let num = |r: &str| r.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    if let Some(r) = s.strip_prefix('=') {
        return num(r).map(PriorityChange::Set);
    }
    if s.starts_with('+') || s.starts_with('-') {
        return num(s).map(PriorityChange::Add);
    }
    num(s).map(PriorityChange::Set)
}
