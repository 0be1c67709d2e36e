//! The playbook: response templates by topic and intent, each with the
//! department that owns it and whether a reply from it needs approval.
//!
//! ```toml
//! [[template]]
//! slug = "lost-bag-apology"
//! name = "Lost bag: apology and next step"
//! topics = ["lost luggage"]          # predicted topics it answers
//! intents = ["where is my bag"]      # predicted intents it answers
//! match = '"lost bag*" OR luggage'   # or: a listening query on the post's text
//! department = "contact-centre"
//! approval = "legal"                 # who approves it before it is sent (optional)
//! text = "Hi {customer_name}, sorry about your bag. Your case is {case_number}."
//! ```
//!
//! Variables: `{customer_name}`, `{first_name}`, `{handle}`, `{case_number}`,
//! `{agent_name}`; `{{` and `}}` write braces. An unknown variable is an error
//! when the file is read. Rendering never fails: a missing value has a
//! fallback ("there", "your case", "the team"), values are inserted as plain
//! text and never read as variables themselves.

use serde::{Deserialize, Serialize};
use switchboard_listen::{parse, Query};
use toml::Spanned;

use crate::condition::post_facts;
use crate::error::ConfigError;
use crate::facts::CaseFacts;
use crate::text::fold;

pub const VARIABLES: [&str; 5] = ["customer_name", "first_name", "handle", "case_number", "agent_name"];

#[derive(Debug, Clone)]
pub struct Template {
    pub slug: String,
    pub name: String,
    pub topics: Vec<String>,
    pub intents: Vec<String>,
    pub matches: Option<Query>,
    pub department: Option<String>,
    /// The department that approves a reply from this template.
    pub approval: Option<String>,
    pub text: String,
}

impl Template {
    pub fn approval_required(&self) -> bool {
        self.approval.is_some()
    }
    /// The text with the variables filled in.
    pub fn render(&self, vars: &Vars) -> String {
        render(&self.text, vars)
    }
}

/// Values for a template's variables; any may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vars {
    pub customer_name: Option<String>,
    pub handle: Option<String>,
    pub case_number: Option<i64>,
    pub agent_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Playbook {
    pub templates: Vec<Template>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    template: Vec<Spanned<RawTemplate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    slug: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    intents: Vec<String>,
    #[serde(default, rename = "match")]
    matches: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    approval: Option<String>,
    text: String,
}

impl Playbook {
    pub fn parse(source: &str) -> Result<Playbook, ConfigError> {
        let raw: RawFile = toml::from_str(source).map_err(|e| ConfigError::from_toml("playbook", source, &e))?;
        let mut templates: Vec<Template> = Vec::new();
        for spanned in raw.template {
            let span = spanned.span();
            let t = spanned.into_inner();
            let slug = t.slug.trim().to_string();
            let failing = |m: String, key: &str| {
                ConfigError::new("playbook", m).at(source, crate::rules::key_offset(source, span.clone(), key)).item(format!("template {slug:?}"))
            };
            let fail = |m: String| failing(m, "text");
            if slug.is_empty() || !slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                return Err(failing("a template needs a slug of letters, digits, - and _".into(), "slug"));
            }
            if templates.iter().any(|x| x.slug == slug) {
                return Err(failing("two templates have this slug".into(), "slug"));
            }
            if t.text.trim().is_empty() {
                return Err(fail("a template needs a text".into()));
            }
            check_variables(&t.text).map_err(fail)?;
            let matches = match t.matches.as_deref() {
                Some(q) => Some(parse(q).map_err(|e| failing(format!("`match` = {q:?} does not read: {e}"), "match"))?),
                None => None,
            };
            let clean = |s: Option<String>| s.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
            templates.push(Template {
                name: t.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| slug.clone()),
                slug,
                topics: t.topics.iter().map(|s| fold(s)).collect(),
                intents: t.intents.iter().map(|s| fold(s)).collect(),
                matches,
                department: clean(t.department),
                approval: clean(t.approval),
                text: t.text.trim().to_string(),
            });
        }
        Ok(Playbook { templates })
    }

    pub fn get(&self, slug: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.slug == slug)
    }

    pub fn slugs(&self) -> Vec<&str> {
        self.templates.iter().map(|t| t.slug.as_str()).collect()
    }

    /// The template for a case: the first whose topics hold the case's topic,
    /// else whose intents hold its intent, else whose `match` query matches
    /// the post; templates are tried in file order.
    pub fn suggest(&self, facts: &CaseFacts) -> Option<&Template> {
        let topic = facts.topic.as_deref().map(fold);
        let intent = facts.intent.as_deref().map(fold);
        if let Some(t) = topic.and_then(|topic| self.templates.iter().find(|t| t.topics.contains(&topic))) {
            return Some(t);
        }
        if let Some(t) = intent.and_then(|i| self.templates.iter().find(|t| t.intents.contains(&i))) {
            return Some(t);
        }
        let post = post_facts(facts);
        self.templates.iter().find(|t| t.matches.as_ref().is_some_and(|q| q.matches(&post)))
    }
}

/// Every `{name}` must be a known variable, and braces must pair.
fn check_variables(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        if after.starts_with(c as char) {
            rest = &after[1..];
            continue;
        }
        if c == b'}' {
            return Err("a lone `}` in the text: write `}}` for a brace".into());
        }
        let end = after.find('}').ok_or("a `{` without its `}` in the text: write `{{` for a brace")?;
        let name = &after[..end];
        if !VARIABLES.contains(&name.trim()) {
            return Err(format!("unknown variable {{{name}}} (known: {})", VARIABLES.map(|v| format!("{{{v}}}")).join(", ")));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// Fills `{variables}` in one pass; values are never expanded again.
pub fn render(text: &str, vars: &Vars) -> String {
    let name = vars.customer_name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let value = |var: &str| -> Option<String> {
        Some(match var {
            "customer_name" => name.unwrap_or("there").to_string(),
            "first_name" => name.and_then(|n| n.split_whitespace().next()).unwrap_or("there").to_string(),
            "handle" => match vars.handle.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
                Some(h) if h.starts_with('@') => h.to_string(),
                Some(h) => format!("@{h}"),
                None => "there".to_string(),
            },
            "case_number" => vars.case_number.map(|n| format!("#{n}")).unwrap_or_else(|| "your case".into()),
            "agent_name" => vars.agent_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or("the team").to_string(),
            _ => return None,
        })
    };
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i] as char;
        let after = &rest[i + 1..];
        if after.starts_with(c) {
            out.push(c);
            rest = &after[1..];
            continue;
        }
        match (c, after.find('}')) {
            ('{', Some(end)) => match value(after[..end].trim()) {
                Some(v) => {
                    out.push_str(&v);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push(c);
                    rest = after;
                }
            },
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
