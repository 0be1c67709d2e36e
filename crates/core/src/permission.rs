//! Who may do what: the [`Permission`]s a member's [`Role`] grants, as one
//! table ([`allows`]), and the department scope of an agent's case work
//! ([`in_scope`]). Pure: the engine asks these before every command a member
//! gives, so a refusal comes from the backend, whatever a screen shows.
//!
//! The roles, in words:
//! - **agent** reads every case (a hand-off needs the whole team's view) and
//!   works (status, notes, claiming, hand-off, replies, identity links,
//!   corrections) the cases of their own department and unrouted ones; an
//!   agent with no department works all cases.
//! - **lead**: an agent's work on every case, plus assigning to others,
//!   rules, playbook, SLA, alert thresholds, listening queries,
//!   customer import/merge and import/export.
//! - **approver**: an agent's work on every case (replies awaiting approval
//!   come from every department), plus approving replies.
//! - **executive** (viewer): boards, reports and alerts only; no case, no
//!   personal detail, nothing written.
//! - **admin**: everything, and alone accounts (connections), members and
//!   the workspace itself (the demo).

use crate::desk::{Member, Role};

/// One kind of command a member may be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read the inbox, a case, its replies and suggestions (personal details).
    ViewCases,
    /// Change a case's status, add a note, claim or release it.
    WorkCase,
    /// Write (queue or send) a reply to a customer.
    ReplyOnCase,
    /// Assign a case to someone else (or take it from them).
    AssignCase,
    /// Hand a case to another department.
    MoveCase,
    /// Approve, reject or edit a reply that waits for approval.
    ApproveReply,
    EditRules,
    EditPlaybook,
    EditSla,
    /// The early-warning thresholds.
    EditThresholds,
    /// Listening queries (which route and tag posts).
    EditListening,
    /// Acknowledge or resolve an alert.
    ManageAlerts,
    /// Correct a prediction (language, sentiment, topic ...) of a post.
    CorrectPrediction,
    /// Read customers and the identity log (personal details).
    ViewCustomers,
    /// Link and unlink handles, accept or reject suggestions, undo.
    EditIdentity,
    /// Import customers, merge customers.
    ManageCustomers,
    /// Import posts, export posts and cases.
    ImportExport,
    /// Connect, sign in and configure network accounts.
    ManageAccounts,
    /// Add members and change their roles.
    ManageMembers,
    /// Workspace-wide operations: loading the demo.
    ManageWorkspace,
    ViewReports,
    ViewBoard,
    ViewAlerts,
    /// Read and verify the audit trail (who did what, with its hash chain).
    ViewAudit,
}

impl Permission {
    /// Every permission, for tables and tests.
    pub const ALL: [Permission; 24] = [
        Permission::ViewCases,
        Permission::WorkCase,
        Permission::ReplyOnCase,
        Permission::AssignCase,
        Permission::MoveCase,
        Permission::ApproveReply,
        Permission::EditRules,
        Permission::EditPlaybook,
        Permission::EditSla,
        Permission::EditThresholds,
        Permission::EditListening,
        Permission::ManageAlerts,
        Permission::CorrectPrediction,
        Permission::ViewCustomers,
        Permission::EditIdentity,
        Permission::ManageCustomers,
        Permission::ImportExport,
        Permission::ManageAccounts,
        Permission::ManageMembers,
        Permission::ManageWorkspace,
        Permission::ViewReports,
        Permission::ViewBoard,
        Permission::ViewAlerts,
        Permission::ViewAudit,
    ];

    /// What the permission lets one do, as a refusal reads: "may not {this}".
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ViewCases => "read cases",
            Permission::WorkCase => "work cases",
            Permission::ReplyOnCase => "reply to customers",
            Permission::AssignCase => "assign cases to others",
            Permission::MoveCase => "move cases between departments",
            Permission::ApproveReply => "approve replies",
            Permission::EditRules => "edit the rules",
            Permission::EditPlaybook => "edit the playbook",
            Permission::EditSla => "edit the SLA",
            Permission::EditThresholds => "edit the alert thresholds",
            Permission::EditListening => "edit listening queries",
            Permission::ManageAlerts => "acknowledge or resolve alerts",
            Permission::CorrectPrediction => "correct predictions",
            Permission::ViewCustomers => "read customers",
            Permission::EditIdentity => "link customers",
            Permission::ManageCustomers => "import or merge customers",
            Permission::ImportExport => "import or export",
            Permission::ManageAccounts => "manage accounts",
            Permission::ManageMembers => "manage members",
            Permission::ManageWorkspace => "manage the workspace",
            Permission::ViewReports => "read reports",
            Permission::ViewBoard => "read the board",
            Permission::ViewAlerts => "read alerts",
            Permission::ViewAudit => "read the audit trail",
        }
    }
}

/// Whether `role` grants `permission`: the one table of the desk's rights.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission as P;
    use Role::*;
    match permission {
        // Everyone, the executive viewer included: aggregates, no persons.
        P::ViewReports | P::ViewBoard | P::ViewAlerts => true,
        // Working the desk: everyone but the executive viewer.
        P::ViewCases
        | P::WorkCase
        | P::ReplyOnCase
        | P::MoveCase
        | P::ManageAlerts
        | P::CorrectPrediction
        | P::ViewCustomers
        | P::EditIdentity => matches!(role, Agent | Lead | Approver | Admin),
        P::ApproveReply => matches!(role, Approver | Admin),
        // The team's configuration and assignment: leads and admins.
        P::AssignCase
        | P::EditRules
        | P::EditPlaybook
        | P::EditSla
        | P::EditThresholds
        | P::EditListening
        | P::ManageCustomers
        | P::ImportExport
        | P::ViewAudit => matches!(role, Lead | Admin),
        P::ManageAccounts | P::ManageMembers | P::ManageWorkspace => role == Admin,
    }
}

/// Whether `member` may work a case of department `case_department` (None:
/// unrouted) at all. Only agents are scoped: to their own department and
/// unrouted cases; an agent without a department works every case.
pub fn in_scope(member: &Member, case_department: Option<i64>) -> bool {
    match (member.role, member.department_id, case_department) {
        (Role::Agent, Some(mine), Some(theirs)) => mine == theirs,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission as P;

    #[test]
    fn every_role_against_every_permission() {
        // Columns: agent, lead, approver, executive, admin.
        let table: [(P, [bool; 5]); 24] = [
            (P::ViewCases, [true, true, true, false, true]),
            (P::WorkCase, [true, true, true, false, true]),
            (P::ReplyOnCase, [true, true, true, false, true]),
            (P::AssignCase, [false, true, false, false, true]),
            (P::MoveCase, [true, true, true, false, true]),
            (P::ApproveReply, [false, false, true, false, true]),
            (P::EditRules, [false, true, false, false, true]),
            (P::EditPlaybook, [false, true, false, false, true]),
            (P::EditSla, [false, true, false, false, true]),
            (P::EditThresholds, [false, true, false, false, true]),
            (P::EditListening, [false, true, false, false, true]),
            (P::ManageAlerts, [true, true, true, false, true]),
            (P::CorrectPrediction, [true, true, true, false, true]),
            (P::ViewCustomers, [true, true, true, false, true]),
            (P::EditIdentity, [true, true, true, false, true]),
            (P::ManageCustomers, [false, true, false, false, true]),
            (P::ImportExport, [false, true, false, false, true]),
            (P::ManageAccounts, [false, false, false, false, true]),
            (P::ManageMembers, [false, false, false, false, true]),
            (P::ManageWorkspace, [false, false, false, false, true]),
            (P::ViewReports, [true; 5]),
            (P::ViewBoard, [true; 5]),
            (P::ViewAlerts, [true; 5]),
            (P::ViewAudit, [false, true, false, false, true]),
        ];
        let roles = [Role::Agent, Role::Lead, Role::Approver, Role::Executive, Role::Admin];
        assert_eq!(table.map(|r| r.0), Permission::ALL, "the table covers every permission once, in order");
        for (p, row) in table {
            for (role, want) in roles.iter().zip(row) {
                assert_eq!(allows(*role, p), want, "{} / {p:?}", role.as_str());
            }
        }
    }

    #[test]
    fn an_executive_writes_nothing_and_an_admin_may_do_all() {
        for p in Permission::ALL {
            assert!(allows(Role::Admin, p));
            let read_only = matches!(p, P::ViewReports | P::ViewBoard | P::ViewAlerts);
            assert_eq!(allows(Role::Executive, p), read_only, "{p:?}");
            assert!(!p.describe().is_empty());
        }
    }

    #[test]
    fn agents_work_their_department_and_unrouted_cases() {
        let member = |role, department_id| Member { id: 1, handle: "ana".into(), name: "Ana".into(), role, department_id };
        let agent = member(Role::Agent, Some(2));
        assert!(in_scope(&agent, Some(2)));
        assert!(in_scope(&agent, None));
        assert!(!in_scope(&agent, Some(3)));
        assert!(in_scope(&member(Role::Agent, None), Some(3)), "an agent without a department works all");
        for role in [Role::Lead, Role::Approver, Role::Admin] {
            assert!(in_scope(&member(role, Some(2)), Some(3)), "{}", role.as_str());
        }
    }
}
