//! Presence at the desk: this desk says whether it is online, viewing a
//! case or drafting a reply on it ([`Desk::set_presence`], refreshed by a
//! heartbeat every [`HEARTBEAT_MS`]; a row lasts [`PRESENCE_TTL_MS`]), and
//! reads who else is there: on one case ([`Desk::presence_on`]), on the
//! inbox's cases ([`Desk::presence_summary`]) and online at all
//! ([`Desk::online_members`]). The readers never list this desk's own
//! member and ignore expired rows (a crashed desk fades out by itself).
//!
//! Who sees what: presence names members and cases, so reading it is for
//! those who may read cases (not the executive viewer). Viewing a case needs
//! reading it; drafting on it needs replying on it (in the member's scope).
//! Being online needs nothing.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use switchboard_core::permission::Permission;
use switchboard_core::presence::{CasePresence, Presence, PresenceState, HEARTBEAT_MS, PRESENCE_TTL_MS};
use switchboard_core::time::now_ms;
use switchboard_store::presence::PresenceWrite;

use crate::{Desk, DeskError};

/// This process's desk session (one app window, one command run).
static SESSION: LazyLock<String> = LazyLock::new(|| format!("desk-{}-{}", std::process::id(), now_ms()));

/// The label of this process's desk session.
pub fn session() -> &'static str {
    &SESSION
}

impl Desk {
    /// Says what this desk is doing: `Online` (no case), `Viewing` or
    /// `Drafting` a case. Call it again within [`PRESENCE_TTL_MS`] (every
    /// [`HEARTBEAT_MS`]) to stay present. Returns whether others were told
    /// of a change.
    pub async fn set_presence(&self, case_id: Option<i64>, state: PresenceState) -> Result<bool, DeskError> {
        self.set_presence_in(session(), case_id, state).await
    }

    /// [`set_presence`](Self::set_presence) for a named desk session (the
    /// `switchboard presence` command uses one per member).
    pub async fn set_presence_in(&self, session: &str, case_id: Option<i64>, state: PresenceState) -> Result<bool, DeskError> {
        let case_id = match state {
            PresenceState::Online => None,
            PresenceState::Viewing | PresenceState::Drafting => {
                let Some(case_id) = case_id else {
                    return Err(DeskError::invalid(format!("{} needs a case", state.as_str())));
                };
                if state == PresenceState::Drafting {
                    self.require_on_case(Permission::ReplyOnCase, case_id).await?;
                } else {
                    self.require(Permission::ViewCases)?;
                    self.store().case_summary(case_id).await?;
                }
                Some(case_id)
            }
        };
        self.write(session, Some(state), case_id).await
    }

    /// This desk left (the app closes, the command ends): its presence goes.
    pub async fn clear_presence(&self) -> Result<bool, DeskError> {
        self.clear_presence_in(session()).await
    }

    /// [`clear_presence`](Self::clear_presence) for a named desk session.
    pub async fn clear_presence_in(&self, session: &str) -> Result<bool, DeskError> {
        self.write(session, None, None).await
    }

    async fn write(&self, session: &str, state: Option<PresenceState>, case_id: Option<i64>) -> Result<bool, DeskError> {
        if self.needs_sign_in() {
            return Err(crate::signin::sign_in_first());
        }
        let me = self.me();
        let w = PresenceWrite { member_id: me.id, actor: &me.handle, session, state, case_id, now: now_ms(), ttl_ms: PRESENCE_TTL_MS };
        Ok(self.store().write_presence(w).await?)
    }

    /// Everyone else present on the case: one entry per member (drafting
    /// wins over viewing), drafters first, then by handle.
    pub async fn presence_on(&self, case_id: i64) -> Result<Vec<Presence>, DeskError> {
        self.require(Permission::ViewCases)?;
        let mut on: Vec<Presence> = self.others().await?.into_iter().filter(|p| p.case_id == Some(case_id)).collect();
        on = strongest_per_member(on);
        on.sort_by(|a, b| b.state.cmp(&a.state).then_with(|| a.handle.cmp(&b.handle)));
        Ok(on)
    }

    /// Everyone else online, one entry per member (their busiest session), by handle.
    pub async fn online_members(&self) -> Result<Vec<Presence>, DeskError> {
        self.require(Permission::ViewCases)?;
        let mut on = strongest_per_member(self.others().await?);
        on.sort_by(|a, b| a.handle.cmp(&b.handle));
        Ok(on)
    }

    /// Who else views or drafts on which case, for the inbox rows: every
    /// case somebody else is on (the table holds one row per desk session,
    /// so this is as cheap as reading it), by case id.
    pub async fn presence_summary(&self) -> Result<Vec<CasePresence>, DeskError> {
        self.require(Permission::ViewCases)?;
        Ok(summarise(self.others().await?))
    }

    /// Live presence of every member but this desk's.
    async fn others(&self) -> Result<Vec<Presence>, DeskError> {
        let me = self.me().id;
        Ok(self.store().live_presence(now_ms()).await?.into_iter().filter(|p| p.member_id != me).collect())
    }
}

/// Keeps each member's strongest presence (latest heartbeat on a tie).
fn strongest_per_member(all: Vec<Presence>) -> Vec<Presence> {
    let mut best: BTreeMap<i64, Presence> = BTreeMap::new();
    for p in all {
        match best.get(&p.member_id) {
            Some(b) if (b.state, b.seen_at) >= (p.state, p.seen_at) => {}
            _ => {
                best.insert(p.member_id, p);
            }
        }
    }
    best.into_values().collect()
}

/// Per case: the members drafting, and those only viewing.
fn summarise(all: Vec<Presence>) -> Vec<CasePresence> {
    let mut by_case: BTreeMap<i64, BTreeMap<String, PresenceState>> = BTreeMap::new();
    for p in all {
        let Some(case_id) = p.case_id else { continue };
        let state = by_case.entry(case_id).or_default().entry(p.handle).or_insert(p.state);
        *state = (*state).max(p.state);
    }
    by_case
        .into_iter()
        .map(|(case_id, members)| {
            let (drafters, viewers): (Vec<_>, Vec<_>) = members.into_iter().partition(|(_, s)| *s == PresenceState::Drafting);
            CasePresence {
                case_id,
                viewers: viewers.into_iter().map(|(h, _)| h).collect(),
                drafters: drafters.into_iter().map(|(h, _)| h).collect(),
            }
        })
        .collect()
}

// Two heartbeats fit in a row's lifetime: one lost heartbeat does not make a desk vanish.
const _: () = assert!(HEARTBEAT_MS * 2 < PRESENCE_TTL_MS);

#[cfg(test)]
mod tests {
    use super::*;

    fn p(member_id: i64, handle: &str, state: PresenceState, case_id: Option<i64>, seen_at: i64) -> Presence {
        Presence { member_id, handle: handle.into(), name: handle.into(), state, case_id, seen_at }
    }

    #[test]
    fn a_member_counts_once_with_their_strongest_state() {
        let all = vec![
            p(2, "kofi", PresenceState::Viewing, Some(7), 1),
            p(2, "kofi", PresenceState::Drafting, Some(7), 0),
            p(3, "amara", PresenceState::Viewing, Some(7), 2),
            p(4, "mei", PresenceState::Online, None, 3),
            p(4, "mei", PresenceState::Viewing, Some(9), 1),
        ];
        let best = strongest_per_member(all.clone());
        assert_eq!(best.iter().map(|p| (p.member_id, p.state)).collect::<Vec<_>>(), vec![
            (2, PresenceState::Drafting),
            (3, PresenceState::Viewing),
            (4, PresenceState::Viewing)
        ]);
        let sum = summarise(all);
        assert_eq!(sum.len(), 2);
        assert_eq!((sum[0].case_id, sum[0].viewers.clone(), sum[0].drafters.clone()), (7, vec!["amara".to_string()], vec!["kofi".to_string()]));
        assert_eq!((sum[1].case_id, sum[1].viewers.clone()), (9, vec!["mei".to_string()]));
    }
}
