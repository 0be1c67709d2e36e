//! The organisation: departments of the tiger team and the members who work
//! cases, with their roles.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The departments every workspace starts with: (slug, name).
pub const TIGER_TEAM: [(&str, &str); 7] = [
    ("contact-centre", "Contact centre"),
    ("marketing", "Marketing"),
    ("pr", "PR / Communications"),
    ("legal", "Legal"),
    ("sales", "Sales"),
    ("hr", "HR"),
    ("investor-relations", "Investor relations"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Department {
    #[ts(type = "number")]
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Role {
    Agent,
    Lead,
    Approver,
    Executive,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Approver => "approver",
            Role::Executive => "executive",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "agent" => Role::Agent,
            "lead" => Role::Lead,
            "approver" => Role::Approver,
            "executive" => Role::Executive,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Member {
    #[ts(type = "number")]
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub role: Role,
    #[ts(type = "number | null")]
    pub department_id: Option<i64>,
}
