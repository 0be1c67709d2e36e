//! The hard collision guard: a claim has one winner, and a reply drafted on
//! a case that changed meanwhile is refused until its sender has seen what
//! changed. Both refusals are `conflict` in plain words.

use switchboard_core::case::CaseEvent;
use switchboard_core::permission::Permission;
use switchboard_core::view::CaseDetail;
use switchboard_store::claim::ClaimOutcome;

use crate::{Desk, DeskError};

/// Most changes a stale-draft refusal lists by name.
const MAX_LISTED: usize = 8;

impl DeskError {
    /// The `conflict` refusal: someone else changed the case first.
    pub fn conflict(message: impl Into<String>) -> Self {
        DeskError { code: "conflict", message: message.into() }
    }
}

impl Desk {
    /// Claims an unassigned case for this desk's member: one conditional
    /// update, so of two desks claiming at once one wins and the other gets
    /// a `conflict` naming the winner. Claiming one's own case changes nothing.
    pub async fn claim(&self, case_id: i64) -> Result<CaseDetail, DeskError> {
        self.require_on_case(Permission::WorkCase, case_id).await?;
        match self.store().claim(case_id, self.me().id, &self.me().handle).await? {
            ClaimOutcome::Claimed | ClaimOutcome::AlreadyYours => self.case_detail(case_id).await,
            ClaimOutcome::TakenBy(who) => Err(DeskError::conflict(format!("case #{case_id} was just claimed by {who}"))),
        }
    }

    /// Refuses with `conflict` when others changed case `case_id` after
    /// `based_on_version` (the version the draft began on), listing what they
    /// did. Changes this desk's member made are not a collision. Returns the
    /// case's current version, for the write that follows to hold it to.
    pub async fn check_draft(&self, case_id: i64, based_on_version: i64) -> Result<i64, DeskError> {
        let (current, events) = self.store().changes_since(case_id, based_on_version).await?;
        let theirs: Vec<&CaseEvent> = events.iter().filter(|e| e.actor != self.me().handle).collect();
        if theirs.is_empty() {
            return Ok(current);
        }
        Err(DeskError::conflict(format!(
            "case #{case_id} changed since you began this reply: {}. Read the case, then send anyway if the reply still fits",
            describe(&theirs)
        )))
    }
}

/// "ana: added a note; kofi: status set to pending" (and how many more).
fn describe(events: &[&CaseEvent]) -> String {
    let mut parts: Vec<String> = events.iter().take(MAX_LISTED).map(|e| format!("{}: {}", e.actor, e.summary)).collect();
    if events.len() > MAX_LISTED {
        parts.push(format!("and {} more", events.len() - MAX_LISTED));
    }
    parts.join("; ")
}
