//! Approvals: replies that legal, PR or investor relations must see before
//! they go out. A reply needs approval when the playbook template it was
//! drafted from names an approving department (`approval = "legal"`), or a
//! rule required it on the case (`{ require_approval = "legal" }`, which
//! leaves the case tag `approval:legal`; a person may put that tag on by hand
//! too). The template comes first when both apply; one department approves.
//! Such a reply is stored `awaiting_approval`: no sender takes it. A
//! department whose every reply needs approval is a rule too:
//! `when = { department = "investor-relations" }`, `on` post_received and
//! case_updated, `then = [{ require_approval = "investor-relations" }]` (the
//! tag stays when the case moves on).
//!
//! Who decides: a member with `ApproveReply` (approver, admin). An approver
//! of a department decides that department's replies only; an approver
//! without a department decides every department's. Nobody decides on their
//! own reply, except an admin (a one-person workspace must not be stuck; the
//! timeline shows who approved what). Approving (optionally with an edited
//! text, the original kept) puts the reply back in the outbox; rejecting
//! needs a comment and sends the reply back to its author (`rejected`, shown
//! on the case, never sent). Two approvers deciding at once: one wins, the
//! other gets `conflict`. Every step is a case event (timeline, audit chain,
//! live update).

use switchboard_core::approval::{ApprovalQueueItem, ApprovalState};
use switchboard_core::desk::Role;
use switchboard_core::outbox::OutboxItem;
use switchboard_core::permission::Permission;
use switchboard_rules::APPROVAL_TAG_PREFIX;
use switchboard_store::approvals::{ApprovalRequest, Decision};

use crate::{Desk, DeskError};

impl Desk {
    /// Whether a reply on `case_id`, drafted from `template` (a playbook
    /// slug) if any, needs approval, and whose.
    pub async fn approval_needed(&self, case_id: i64, template: Option<&str>) -> Result<Option<ApprovalRequest>, DeskError> {
        if let Some(slug) = template.map(str::trim).filter(|s| !s.is_empty()) {
            let cfg = self.team_config().await?;
            let t = cfg.playbook.get(slug).ok_or_else(|| {
                DeskError::invalid(format!("the playbook has no template {slug:?} (it may have just changed): use the suggestion again"))
            })?;
            if let Some(d) = &t.approval {
                return Ok(Some(ApprovalRequest { approver: d.clone(), reason: format!("template {slug}") }));
            }
        }
        for tag in self.store().case_tags(case_id).await? {
            if let Some(d) = tag.strip_prefix(APPROVAL_TAG_PREFIX).map(|d| d.trim().to_lowercase()).filter(|d| !d.is_empty()) {
                return Ok(Some(ApprovalRequest { approver: d, reason: format!("rule tag {tag}") }));
            }
        }
        Ok(None)
    }

    /// The slug of the case's suggested template when it needs approval and
    /// `body` holds its text (most of it, ignoring case and spacing: an agent
    /// may trim a word or add a greeting).
    pub(crate) async fn template_in_reply(&self, case_id: i64, body: &str) -> Result<Option<String>, DeskError> {
        let Some(s) = self.suggested_reply(case_id).await? else { return Ok(None) };
        if !s.approval_required {
            return Ok(None);
        }
        let words = |t: &str| t.split_whitespace().take(2_000).map(str::to_lowercase).collect::<Vec<_>>();
        let (template, reply) = (words(&s.text), words(body));
        if template.is_empty() {
            return Ok(None);
        }
        // The template's words kept in order in the reply: the longest common
        // subsequence of the two word lists, one row at a time.
        let mut row = vec![0usize; reply.len() + 1];
        for w in &template {
            let mut diagonal = 0;
            for (j, r) in reply.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = if r == w { diagonal + 1 } else { above.max(row[j]) };
                diagonal = above;
            }
        }
        let kept = row[reply.len()];
        Ok((kept * 10 >= template.len() * 7).then_some(s.template))
    }

    /// The replies waiting for this member's decision, oldest first: their
    /// department's (every department's for an admin or an approver without
    /// one), not their own (unless admin).
    pub async fn approval_queue(&self) -> Result<Vec<ApprovalQueueItem>, DeskError> {
        self.require(Permission::ApproveReply)?;
        let me = self.me();
        let mine: Option<Vec<String>> = match (me.role, me.department_id) {
            (Role::Admin, _) | (_, None) => None,
            (_, Some(id)) => Some(self.store().departments().await?.into_iter().filter(|d| d.id == id).map(|d| d.slug).collect()),
        };
        let items = self.store().approval_queue(mine.as_deref()).await?;
        Ok(items.into_iter().filter(|i| me.role == Role::Admin || i.approval.requested_by != me.handle).collect())
    }

    /// Approves a waiting reply (with `edited`, that text is sent instead;
    /// the original is kept). The reply goes back to the outbox, `queued`.
    pub async fn approve_reply(&self, reply_id: i64, edited: Option<&str>) -> Result<OutboxItem, DeskError> {
        self.may_decide(reply_id).await?;
        let decision = Decision::Approve { edited: edited.map(str::to_string), comment: None };
        Ok(self.store().decide_reply(reply_id, &decision, &self.me().handle).await?)
    }

    /// Rejects a waiting reply with a comment for its author: it is never sent.
    pub async fn reject_reply(&self, reply_id: i64, comment: &str) -> Result<OutboxItem, DeskError> {
        self.may_decide(reply_id).await?;
        let decision = Decision::Reject { comment: comment.to_string() };
        Ok(self.store().decide_reply(reply_id, &decision, &self.me().handle).await?)
    }

    /// Refuses unless this member may decide on reply `reply_id` now.
    async fn may_decide(&self, reply_id: i64) -> Result<(), DeskError> {
        self.require(Permission::ApproveReply)?;
        let approval = self.store().approval(reply_id).await?;
        if approval.state != ApprovalState::Pending {
            return Err(DeskError::conflict(format!(
                "reply #{reply_id} was already {} by {}",
                approval.state.as_str(),
                approval.decided_by.as_deref().unwrap_or("someone else")
            )));
        }
        let me = self.me();
        if me.role == Role::Admin {
            return Ok(());
        }
        let who = format!("{} ({})", me.handle, me.role.as_str());
        if approval.requested_by == me.handle {
            return Err(DeskError::forbidden(format!(
                "{who} may not approve their own reply #{reply_id}: another approver of {} decides",
                approval.approver_name
            )));
        }
        if let Some(mine) = me.department_id {
            let theirs = self.store().department_by_slug(&approval.approver).await.ok().map(|d| d.id);
            if theirs != Some(mine) {
                return Err(DeskError::forbidden(format!(
                    "{who} may not approve replies for {}: reply #{reply_id} waits for that department's approval",
                    approval.approver_name
                )));
            }
        }
        Ok(())
    }
}
