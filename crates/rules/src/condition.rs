//! Conditions: one `when` key each, all of a rule's conditions must hold.
//!
//! | key | value | holds when |
//! |---|---|---|
//! | `topic`, `sentiment`, `intent`, `language`, `channel`, `account`, `department`, `status`, `value_tier`, `assignee` | a string or a list | the fact is one of them (case and `_`/`-` folded; `language = "pt"` also takes `pt-BR`) |
//! | `tag`, `query` | a string or a list | the case has one of the tags / the post matched one of the listening queries |
//! | `followers`, `lifetime_value` | `">=10k"`, `"<500"`, or a number (meaning `>=`) | the count compares |
//! | `influence`, `sentiment_score`, `topic_confidence` | `">0.7"` | the score compares |
//! | `waiting`, `age`, `sla_left` | `">30m"`, `"<2h"` | minutes the customer has waited, since the case opened, business minutes left on the SLA |
//! | `text` | a listening query (`'"refund" OR chargeback -thanks'`) | the newest customer post matches |
//! | `business_hours` | `true` / `false` | now is (not) within the department's business hours |
//! | `unrouted`, `unassigned` | `true` / `false` | the case has no department / no assignee |
//!
//! An unknown fact (no prediction, no customer link) makes its condition fail.

use switchboard_listen::{parse, PostFacts, Query};

use crate::facts::CaseFacts;
use crate::sla::Calendar;
use crate::text::{fold, parse_count, parse_minutes, Compare};

/// A string fact compared against a list of accepted values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Topic,
    Sentiment,
    Intent,
    Language,
    Channel,
    Account,
    Department,
    Status,
    ValueTier,
    Assignee,
    AlertKind,
    AlertScope,
    AlertSeverity,
}

/// A numeric fact compared with `<`, `>`...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    Followers,
    LifetimeValue,
    Influence,
    SentimentScore,
    TopicConfidence,
}

/// A span of time compared, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Waiting,
    Age,
    SlaLeft,
}

#[derive(Debug, Clone)]
pub enum Condition {
    Is(Field, Vec<String>),
    Tag(Vec<String>),
    Query(Vec<String>),
    Number(Number, Compare),
    Span(Span, Compare),
    Text(Box<Query>, String),
    BusinessHours(bool),
    Unrouted(bool),
    Unassigned(bool),
}

pub const KNOWN: &str = "topic, sentiment, intent, language, channel, account, department, status, value_tier, assignee, alert_kind, alert_scope, alert_severity, tag, query, \
followers, lifetime_value, influence, sentiment_score, topic_confidence, waiting, age, sla_left, text, business_hours, unrouted, unassigned";

/// What a condition may look at besides the facts.
pub struct Context<'a> {
    pub now: i64,
    /// The case's department's business calendar, for `business_hours`.
    pub calendar: Option<&'a Calendar>,
    /// Business minutes left on the case's SLA (negative once breached).
    pub sla_left_minutes: Option<i64>,
    /// The post as listening queries see it (tokenised once per case).
    pub post: &'a PostFacts,
}

impl Condition {
    /// Reads one `when` entry.
    pub fn from_entry(key: &str, value: &toml::Value) -> Result<Condition, String> {
        let field = match key {
            "topic" => Some(Field::Topic),
            "sentiment" => Some(Field::Sentiment),
            "intent" => Some(Field::Intent),
            "language" => Some(Field::Language),
            "channel" => Some(Field::Channel),
            "account" => Some(Field::Account),
            "department" => Some(Field::Department),
            "status" => Some(Field::Status),
            "value_tier" => Some(Field::ValueTier),
            "assignee" => Some(Field::Assignee),
            "alert_kind" => Some(Field::AlertKind),
            "alert_scope" => Some(Field::AlertScope),
            "alert_severity" => Some(Field::AlertSeverity),
            _ => None,
        };
        if let Some(f) = field {
            return Ok(Condition::Is(f, strings(key, value)?.iter().map(|s| fold(s)).collect()));
        }
        let number = match key {
            "followers" => Some(Number::Followers),
            "lifetime_value" => Some(Number::LifetimeValue),
            "influence" => Some(Number::Influence),
            "sentiment_score" => Some(Number::SentimentScore),
            "topic_confidence" => Some(Number::TopicConfidence),
            _ => None,
        };
        if let Some(n) = number {
            let cmp = match value {
                toml::Value::Integer(i) => Some(Compare { op: crate::text::Op::Ge, value: *i as f64 }),
                toml::Value::Float(f) if f.is_finite() => Some(Compare { op: crate::text::Op::Ge, value: *f }),
                toml::Value::String(s) => Compare::parse_with(s, parse_count),
                _ => None,
            };
            return cmp.map(|c| Condition::Number(n, c)).ok_or_else(|| {
                format!("`{key}` takes a comparison such as \">=10k\" or \"<0.5\", not {value}")
            });
        }
        let span = match key {
            "waiting" => Some(Span::Waiting),
            "age" => Some(Span::Age),
            "sla_left" => Some(Span::SlaLeft),
            _ => None,
        };
        if let Some(sp) = span {
            let cmp = value.as_str().and_then(|s| Compare::parse_with(s, |m| parse_minutes(m).map(|v| v as f64)));
            return cmp
                .map(|c| Condition::Span(sp, c))
                .ok_or_else(|| format!("`{key}` takes a comparison of time such as \">30m\" or \"<2h\", not {value}"));
        }
        let flag = || value.as_bool().ok_or_else(|| format!("`{key}` takes true or false, not {value}"));
        match key {
            "tag" => Ok(Condition::Tag(strings(key, value)?.iter().map(|s| s.trim().to_lowercase()).collect())),
            "query" => Ok(Condition::Query(strings(key, value)?.iter().map(|s| fold(s)).collect())),
            "text" => {
                let q = value.as_str().ok_or_else(|| format!("`text` takes a listening query in quotes, not {value}"))?;
                let parsed = parse(q).map_err(|e| format!("the text query {q:?} does not read: {e}"))?;
                Ok(Condition::Text(Box::new(parsed), q.to_string()))
            }
            "business_hours" => Ok(Condition::BusinessHours(flag()?)),
            "unrouted" => Ok(Condition::Unrouted(flag()?)),
            "unassigned" => Ok(Condition::Unassigned(flag()?)),
            other => Err(format!("unknown condition `{other}` (known: {KNOWN})")),
        }
    }

    pub fn holds(&self, facts: &CaseFacts, ctx: &Context<'_>) -> bool {
        match self {
            Condition::Is(field, accepted) => {
                let fact = match field {
                    Field::Topic => facts.topic.as_deref(),
                    Field::Sentiment => facts.sentiment.as_deref(),
                    Field::Intent => facts.intent.as_deref(),
                    Field::Language => facts.language.as_deref(),
                    Field::Channel => Some(facts.channel.as_str()),
                    Field::Account => facts.account.as_deref(),
                    Field::Department => facts.department.as_deref(),
                    Field::Status => Some(facts.status.as_str()),
                    Field::ValueTier => facts.value_tier.as_deref(),
                    Field::Assignee => facts.assignee.as_deref(),
                    Field::AlertKind => facts.alert_kind.as_deref(),
                    Field::AlertScope => facts.alert_scope.as_deref(),
                    Field::AlertSeverity => facts.alert_severity.as_deref(),
                };
                let Some(fact) = fact.map(fold) else { return false };
                accepted.iter().any(|a| {
                    *a == fact || (*field == Field::Language && fact.starts_with(&format!("{a} ")))
                })
            }
            Condition::Tag(tags) => tags.iter().any(|t| facts.tags.iter().any(|f| f.eq_ignore_ascii_case(t))),
            Condition::Query(names) => names.iter().any(|n| facts.queries.iter().any(|q| fold(q) == *n)),
            Condition::Number(n, cmp) => {
                let v = match n {
                    Number::Followers => facts.followers.map(|f| f as f64),
                    Number::LifetimeValue => facts.lifetime_value,
                    Number::Influence => facts.influence,
                    Number::SentimentScore => facts.sentiment_score,
                    Number::TopicConfidence => facts.topic_confidence,
                };
                v.is_some_and(|v| cmp.holds(v))
            }
            Condition::Span(sp, cmp) => {
                let v = match sp {
                    Span::Waiting => facts.waiting_minutes(ctx.now),
                    Span::Age => Some(((ctx.now - facts.opened_at) / 60_000).max(0)),
                    Span::SlaLeft => ctx.sla_left_minutes,
                };
                v.is_some_and(|v| cmp.holds(v as f64))
            }
            Condition::Text(q, _) => q.matches(ctx.post),
            Condition::BusinessHours(want) => ctx.calendar.is_some_and(|c| c.is_open(ctx.now) == *want),
            Condition::Unrouted(want) => facts.department.is_none() == *want,
            Condition::Unassigned(want) => facts.assignee.is_none() == *want,
        }
    }
}

/// A string or a list of strings.
fn strings(key: &str, value: &toml::Value) -> Result<Vec<String>, String> {
    let bad = || format!("`{key}` takes a string or a list of strings, not {value}");
    match value {
        toml::Value::String(s) if !s.trim().is_empty() => Ok(vec![s.clone()]),
        toml::Value::Array(items) if !items.is_empty() => {
            items.iter().map(|v| v.as_str().map(str::to_string).filter(|s| !s.trim().is_empty()).ok_or_else(bad)).collect()
        }
        _ => Err(bad()),
    }
}

/// The post as a listening query sees it.
pub fn post_facts(facts: &CaseFacts) -> PostFacts {
    PostFacts::new(facts.text.clone(), &facts.handle, &facts.channel)
        .with_author_name(facts.author_name.as_deref())
        .with_language(facts.language.as_deref())
        .with_followers(facts.followers)
}
