//! The backend's gate: every command a member gives through a front end (the
//! app's commands, the `switchboard` command) passes [`Desk::require`] or
//! [`Desk::require_on_case`] before it reads or changes anything, so a
//! refusal does not depend on a screen hiding a button. The table of who may
//! do what is `switchboard_core::permission`.
//!
//! A refusal is a [`DeskError`] with code `forbidden` naming the member, the
//! role and what was refused ("ana (executive) may not reply to customers").
//!
//! Not checked: the work the desk does for itself, whoever it acts as —
//! polling and searching accounts (`poll`, `run_due`, `search_account`,
//! `run_searches`), understanding, linking and triaging what came in
//! (`process_new`, `understand_new`, `retrain`, `link_new_authors`,
//! `triage_new`, `case_updated`, `alert_raised`), the SLA tick, alert
//! detection and replay, sending the outbox (`send_pending_replies`),
//! refreshing tokens; and reading the team's configuration, the accounts
//! list and the workspace info (no personal details). Choosing which member
//! a desk acts as (`switchboard desk as`) is sign-in, not a permission.

use switchboard_core::permission::{allows, in_scope, Permission};

use crate::{Desk, DeskError};

impl DeskError {
    /// The `forbidden` refusal: `who` may not do `what`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        DeskError { code: "forbidden", message: message.into() }
    }
}

impl Desk {
    /// Whether this desk's member may do `p` (for front ends choosing what to offer).
    pub fn may(&self, p: Permission) -> bool {
        !self.anonymous && allows(self.me().role, p)
    }

    /// Refuses with `forbidden` unless this desk's member's role grants `p`.
    /// Public for front ends that run work outside the engine (importing).
    pub fn require(&self, p: Permission) -> Result<(), DeskError> {
        if self.anonymous {
            // A desk not signed in on a team workspace: `unauthenticated`.
            return Err(crate::signin::sign_in_first());
        }
        if self.may(p) {
            return Ok(());
        }
        let me = self.me();
        Err(DeskError::forbidden(format!("{} ({}) may not {}", me.handle, me.role.as_str(), p.describe())))
    }

    /// [`require`](Self::require), and for an agent that the case is in their
    /// scope (their department or unrouted). A missing case is `not_found`.
    pub(crate) async fn require_on_case(&self, p: Permission, case_id: i64) -> Result<(), DeskError> {
        self.require(p)?;
        let case = self.store().case_summary(case_id).await?;
        let me = self.me();
        if in_scope(me, case.department_id) {
            return Ok(());
        }
        let theirs = case.department.unwrap_or_else(|| "another department".into());
        Err(DeskError::forbidden(format!(
            "{} ({}) may not {} of {theirs}: case #{case_id} is not in their department",
            me.handle,
            me.role.as_str(),
            p.describe()
        )))
    }
}
