//! What the desk decides on its own: rules, SLA clocks, priority and the playbook.
//!
//! Pure logic, no I/O: the engine fills a [`CaseFacts`] from the store and asks.
//!
//! - [`RuleSet`] ([`rules`]): ordered rules read from a TOML file people can
//!   review and version. Each rule listens for an [`Event`], checks
//!   [`Condition`]s (all must hold) and yields [`Action`]s; `stop = true` ends
//!   the run. [`RuleSet::evaluate`] returns the actions and the rules that
//!   fired; [`RuleSet::evaluate_elapsed`] runs the `time_elapsed` rules once
//!   per customer post.
//! - [`SlaConfig`] ([`sla`]): business calendars (weekly hours on the wall
//!   clock of an IANA time zone or a fixed UTC offset, holidays) and per-department policies (first response, next
//!   response, resolution); [`sla::due_at`] counts business time only and
//!   [`SlaClock`] says how much is left and whether a target is near breach.
//! - [`priority::score`]: one 0–100 score per case with the [`Reason`]s, in
//!   order of weight ("negative · tier A customer · 48k followers").
//! - [`Playbook`] ([`playbook`]): response templates by topic and intent with
//!   `{customer_name}`-style variables, the owning department and approval.
//! - [`defaults`]: the rule set, playbook and SLA policies a new workspace uses.
//!
//! Every file format reports a mistake as a [`ConfigError`] naming the file,
//! the line and the rule or template; bad input never panics.

pub mod action;
pub mod condition;
pub mod defaults;
pub mod error;
pub mod facts;
pub mod playbook;
pub mod priority;
pub mod rules;
pub mod sla;
mod text;

pub use action::{Action, AssignHow, PriorityChange, APPROVAL_TAG_PREFIX};
pub use condition::{Condition, Span};
pub use error::ConfigError;
pub use facts::CaseFacts;
pub use playbook::{Playbook, Template, Vars};
pub use priority::{Reason, Scored, Weights};
pub use rules::{Event, FiredAction, Outcome, Rule, RuleSet};
pub use sla::{Calendar, Policy, SlaClock, SlaConfig, Target};
