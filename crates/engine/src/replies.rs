//! Replies in-media: an agent writes on a case, the reply is stored in the
//! outbox, then sent through the connector of the case's network as a reply
//! in the same thread (or a direct message). A reply the network accepted
//! joins the case's thread as the organisation's post, with a link on the
//! timeline. A crash after the network accepted it and before that was
//! recorded leaves the item `sending`; sending it again carries the same
//! idempotency key, which the network uses to refuse a second copy.

use switchboard_connectors::{Connector, ReplyRequest};
use switchboard_core::account::Account;
use switchboard_core::outbox::OutboxItem;
use switchboard_core::permission::Permission;
use switchboard_core::post::{Direction, NewPost};
use switchboard_core::time::now_ms;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::outbox::ReplyTarget;
use switchboard_store::Store;

use crate::error::DeskError;
use crate::Desk;

impl Desk {
    /// Stores a reply to the case's latest customer post, to go out through
    /// the account the customer addressed (or the one account on that network).
    pub async fn queue_reply(&self, case_id: i64, body: &str, direct: bool) -> Result<OutboxItem, DeskError> {
        self.queue_draft_reply(case_id, body, direct, None, false).await
    }

    /// [`queue_reply`](Self::queue_reply) for a draft begun on case version
    /// `based_on_version`: refused with `conflict`, listing what changed, if
    /// others changed the case since — unless `confirm` (the sender saw it).
    pub async fn queue_draft_reply(
        &self,
        case_id: i64,
        body: &str,
        direct: bool,
        based_on_version: Option<i64>,
        confirm: bool,
    ) -> Result<OutboxItem, DeskError> {
        self.queue_reply_from(case_id, body, direct, based_on_version, confirm, None).await
    }

    /// [`queue_draft_reply`](Self::queue_draft_reply) for a reply drafted
    /// from playbook template `template` (its slug), if any: a reply needing
    /// approval (its template's, or a rule's on the case; see `approvals`)
    /// waits in the outbox until an approver decides.
    pub async fn queue_reply_from(
        &self,
        case_id: i64,
        body: &str,
        direct: bool,
        based_on_version: Option<i64>,
        confirm: bool,
        template: Option<&str>,
    ) -> Result<OutboxItem, DeskError> {
        self.require_on_case(Permission::ReplyOnCase, case_id).await?;
        // The template named by the composer, or, when none is named, the
        // case's suggested template if the reply carries its text: leaving
        // the name out does not get a legal holding line past Legal.
        let suggested = match template {
            Some(_) => None,
            None => self.template_in_reply(case_id, body).await?,
        };
        let approval = self.approval_needed(case_id, template.or(suggested.as_deref())).await?;
        // The version the check saw: the reply is written only if the case
        // is still there (one transaction), so nothing slips in between.
        let checked = match (based_on_version, confirm) {
            (Some(v), false) => Some(self.check_draft(case_id, v).await?),
            _ => None,
        };
        let detail = self.store().case_detail(case_id).await?;
        let last_inbound = detail
            .posts
            .iter()
            .filter(|p| p.direction == Direction::Inbound)
            .max_by_key(|p| p.created_at)
            .ok_or_else(|| DeskError::invalid(format!("case #{case_id} has no customer post to answer")))?;
        let account = replying_account(self.store(), &detail.case.channel, detail.case.account.as_deref()).await?;
        let conversation = self.store().conversation_of(&detail.case.channel, &last_inbound.external_id).await?;
        let target = ReplyTarget {
            case_id,
            account_id: account.id,
            in_reply_to: &last_inbound.external_id,
            conversation: conversation.as_deref(),
            direct,
        };
        Ok(self.store().queue_reply_needing(&target, body, &self.me().handle, checked, approval.as_ref()).await?)
    }

    /// The case's replies with their state (queued, sending, sent, failed).
    pub async fn case_replies(&self, case_id: i64) -> Result<Vec<OutboxItem>, DeskError> {
        self.require(Permission::ViewCases)?;
        Ok(self.store().case_replies(case_id).await?)
    }
}

/// The connected account that answers on `channel`: the one the customer
/// addressed, else the only one on that network.
async fn replying_account(store: &Store, channel: &str, addressed: Option<&str>) -> Result<Account, DeskError> {
    let on_network: Vec<Account> = store.accounts().await?.into_iter().filter(|a| a.enabled && a.network == channel).collect();
    if let Some(a) = addressed.and_then(|name| on_network.iter().find(|a| a.name.eq_ignore_ascii_case(name))) {
        return Ok(a.clone());
    }
    match on_network.len() {
        1 => Ok(on_network.into_iter().next().expect("one account")),
        0 => Err(DeskError::invalid(format!("no connected {channel} account can answer this case: connect one first"))),
        _ => Err(DeskError::invalid(format!(
            "several {channel} accounts are connected and the case does not say which one the customer wrote to"
        ))),
    }
}

/// Sends one outbox item through `connector` (the account's). Sending an
/// item that is already sent does nothing and returns it.
pub async fn send_outbox_item(store: &Store, id: i64, connector: &dyn Connector, actor: &str) -> Result<OutboxItem, DeskError> {
    // Claimed first, read after: the text sent is the one the claim covers
    // (an approver's edit that landed a moment ago included).
    if !store.claim_reply(id).await? {
        return Ok(store.outbox_item(id).await?);
    }
    let item = store.outbox_item(id).await?;
    let request = ReplyRequest {
        in_reply_to: item.in_reply_to.clone(),
        conversation: item.conversation.clone(),
        text: item.body.clone(),
        direct: item.direct,
        idempotency_key: item.idempotency_key.clone(),
        queued_at: item.created_at,
    };
    match connector.send_reply(request).await {
        Ok(sent) => {
            let account = store.account(item.account_id).await?;
            let post = NewPost {
                channel: connector.channel().to_string(),
                external_id: sent.external_id.clone(),
                author: account.name.clone(),
                author_name: None,
                author_followers: None,
                direction: Direction::Outbound,
                text: item.body.clone(),
                created_at: now_ms(),
                reply_to: Some(item.in_reply_to.clone()),
                account: Some(account.name.clone()),
                labels: Vec::new(),
            };
            Ingestor::new(store, actor, "the outbox")
                .write(&[IngestPost { post, conversation: item.conversation.clone() }])
                .await?;
            Ok(store.mark_reply_sent(id, &sent.external_id, sent.url.as_deref(), actor).await?)
        }
        Err(e) => {
            store.mark_reply_failed(id, &e.to_string(), actor).await?;
            Err(DeskError { code: e.code(), message: format!("the reply was not sent: {e}") })
        }
    }
}
