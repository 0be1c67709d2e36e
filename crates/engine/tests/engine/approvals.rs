//! Approvals on the case log, on every backend: a reply from a template that
//! legal must approve waits (no round of sending takes it), an agent cannot
//! approve it, nor an approver of another department, nor its own author;
//! the right approver approves it (perhaps edited) and it is sent, or rejects
//! it with a comment and it never is; a rule on the case requires approval
//! too; two approvers deciding at once get one decision; the audit chain
//! verifies after all of it.

use std::sync::Mutex;

use async_trait::async_trait;
use switchboard_connectors::{Connector, ConnectorError, Cursor, Health, Poll, ReplyRequest, SentReply};
use switchboard_core::approval::ApprovalState;
use switchboard_core::case::{CaseSummary, EventKind};
use switchboard_core::desk::Role;
use switchboard_core::outbox::OutboxState;
use switchboard_core::view::InboxQuery;
use crate::desk_as;
use switchboard_engine::replies::send_outbox_item;
use switchboard_engine::{Desk, DeskError};
use switchboard_store::testing::stores;
use switchboard_store::Store;

/// Rounds of two approvers deciding on the same reply at once.
const RACE_ROUNDS: usize = 12;

/// A network that takes every reply and remembers its text.
struct Network {
    channel: String,
    sent: Mutex<Vec<ReplyRequest>>,
}

#[async_trait]
impl Connector for Network {
    fn channel(&self) -> &str {
        &self.channel
    }
    async fn poll(&self, _: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        Ok(Poll::default())
    }
    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        let mut sent = self.sent.lock().unwrap();
        sent.push(req);
        Ok(SentReply { external_id: format!("appr-{}", sent.len()), url: None })
    }
    async fn health(&self) -> Health {
        Health::Ok
    }
}

/// A desk acting as member `handle`, on its own pool over `url`.

/// The demo workspace with an account on every channel; its admin desk and
/// an unassigned contact-centre case (ana's department).
async fn workspace(store: &Store) -> (Desk, CaseSummary) {
    let admin = Desk::with_store(store.clone()).await.unwrap();
    admin.load_demo().await.unwrap();
    for ch in store.channels().await.unwrap() {
        store.upsert_account(&ch, &format!("lumen-{ch}"), "http://127.0.0.1:9", &serde_json::json!({}), None).await.unwrap();
    }
    let legal = store.department_by_slug("legal").await.unwrap();
    admin.add_member("tess", "Tess Marlow", Role::Approver, Some(legal.id)).await.unwrap();
    let cc = store.department_by_slug("contact-centre").await.unwrap();
    let q = InboxQuery { department_id: Some(cc.id), limit: 100, ..Default::default() };
    let case = admin.inbox(q).await.unwrap().items.into_iter().find(|c| c.assignee_id.is_none()).expect("a contact-centre case");
    (admin, case)
}

fn refused(e: &DeskError, code: &str, words: &[&str]) {
    assert_eq!(e.code, code, "{e:?}");
    for w in words {
        assert!(e.message.contains(w), "{:?} says {w:?}", e.message);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_legal_must_approve_waits_and_only_an_approved_one_is_sent() {
    for db in stores().await {
        let (admin, case) = workspace(&db.store).await;
        let s = &db.store;
        let net = Network { channel: case.channel.clone(), sent: Mutex::new(Vec::new()) };
        let ana = desk_as(&db.url, "ana").await;
        let tom = desk_as(&db.url, "tom").await; // legal approver
        let priya = desk_as(&db.url, "priya").await; // PR approver
        let mei = desk_as(&db.url, "mei").await; // lead: no ApproveReply

        // A reply from the legal template waits for legal.
        let text = "We take this seriously; our team will contact you privately today.";
        let item = ana.queue_reply_from(case.id, text, false, None, false, Some("legal-holding")).await.unwrap();
        assert_eq!(item.state, OutboxState::AwaitingApproval, "{}", db.url);
        let approval = item.approval.clone().expect("its approval request");
        assert_eq!((approval.approver.as_str(), approval.state), ("legal", ApprovalState::Pending), "{}", db.url);
        assert_eq!(approval.approver_name, "Legal", "{}", db.url);
        // A template that needs none goes straight out; an unknown one is refused.
        let plain = ana.queue_reply_from(case.id, "Thanks!", false, None, false, Some("thanks")).await.unwrap();
        assert_eq!((plain.state, plain.approval.is_none()), (OutboxState::Queued, true), "{}", db.url);
        refused(&ana.queue_reply_from(case.id, "x", false, None, false, Some("no-such")).await.unwrap_err(), "invalid", &["no-such"]);
        send_outbox_item(s, plain.id, &net, "test").await.unwrap();

        // No round of sending takes it, nor sending it by hand.
        assert!(s.pending_replies().await.unwrap().iter().all(|i| i.id != item.id), "{}", db.url);
        for result in admin.send_pending_replies().await.unwrap() {
            assert_ne!(result.map(|i| i.id).ok(), Some(item.id), "{}", db.url);
        }
        let still = send_outbox_item(s, item.id, &net, "test").await.unwrap();
        assert_eq!(still.state, OutboxState::AwaitingApproval, "{}", db.url);
        assert_eq!(net.sent.lock().unwrap().len(), 1, "{}: only the plain reply went out", db.url);

        // The queue: legal's approvers see it; PR's do not; agents and leads may not look.
        let ids = |q: Vec<switchboard_core::approval::ApprovalQueueItem>| q.iter().map(|i| i.approval.reply_id).collect::<Vec<_>>();
        assert_eq!(ids(tom.approval_queue().await.unwrap()), vec![item.id], "{}", db.url);
        assert_eq!(ids(admin.approval_queue().await.unwrap()), vec![item.id], "{}", db.url);
        assert!(priya.approval_queue().await.unwrap().is_empty(), "{}", db.url);
        let queued = &tom.approval_queue().await.unwrap()[0];
        assert_eq!((queued.body.as_str(), queued.channel.as_str()), (text, case.channel.as_str()), "{}", db.url);
        refused(&ana.approval_queue().await.unwrap_err(), "forbidden", &["ana (agent)", "may not approve replies"]);

        // Who may not decide: an agent, a lead, an approver of another department.
        refused(&ana.approve_reply(item.id, None).await.unwrap_err(), "forbidden", &["ana (agent)", "approve replies"]);
        refused(&mei.approve_reply(item.id, None).await.unwrap_err(), "forbidden", &["mei (lead)"]);
        refused(&priya.approve_reply(item.id, None).await.unwrap_err(), "forbidden", &["priya (approver)", "Legal"]);
        refused(&priya.reject_reply(item.id, "no").await.unwrap_err(), "forbidden", &["priya (approver)"]);
        assert_eq!(s.outbox_item(item.id).await.unwrap().state, OutboxState::AwaitingApproval, "{}", db.url);

        // Legal approves: back in the outbox, then sent as written.
        let approved = tom.approve_reply(item.id, None).await.unwrap();
        assert_eq!(approved.state, OutboxState::Queued, "{}", db.url);
        assert!(s.pending_replies().await.unwrap().iter().any(|i| i.id == item.id), "{}", db.url);
        let sent = send_outbox_item(s, item.id, &net, "test").await.unwrap();
        assert_eq!(sent.state, OutboxState::Sent, "{}", db.url);
        assert_eq!(net.sent.lock().unwrap().last().unwrap().text, text, "{}", db.url);
        refused(&tom.approve_reply(item.id, None).await.unwrap_err(), "conflict", &["already approved by tom"]);

        // Rejected with a comment: never sent, back to its author, on the timeline.
        let second = ana.queue_reply_from(case.id, "We admit nothing but sorry.", false, None, false, Some("legal-holding")).await.unwrap();
        refused(&tom.reject_reply(second.id, "   ").await.unwrap_err(), "invalid", &["comment"]);
        let rejected = tom.reject_reply(second.id, "Do not admit or deny <b>anything</b>; use the holding text.").await.unwrap();
        assert_eq!(rejected.state, OutboxState::Rejected, "{}", db.url);
        assert_eq!(send_outbox_item(s, second.id, &net, "test").await.unwrap().state, OutboxState::Rejected, "{}", db.url);
        assert!(s.pending_replies().await.unwrap().iter().all(|i| i.id != second.id), "{}", db.url);
        let on_case = ana.case_replies(case.id).await.unwrap().into_iter().find(|i| i.id == second.id).unwrap();
        let a = on_case.approval.unwrap();
        assert_eq!((a.state, a.decided_by.as_deref()), (ApprovalState::Rejected, Some("tom")), "{}", db.url);
        assert!(a.comment.unwrap().contains("<b>anything</b>"), "{}: kept as written", db.url);
        refused(&tom.approve_reply(second.id, None).await.unwrap_err(), "conflict", &["already rejected by tom"]);

        // Edited and approved: the edit goes out, the original is kept.
        let third = ana.queue_reply_from(case.id, "Draft with a promise we cannot keep.", false, None, false, Some("legal-holding")).await.unwrap();
        refused(&tom.approve_reply(third.id, Some("  ")).await.unwrap_err(), "invalid", &["empty"]);
        let edited = tom.approve_reply(third.id, Some("Our team will contact you privately today.")).await.unwrap();
        let a = edited.approval.clone().unwrap();
        assert_eq!((a.edited, a.original_body.as_str()), (true, "Draft with a promise we cannot keep."), "{}", db.url);
        send_outbox_item(s, third.id, &net, "test").await.unwrap();
        assert_eq!(net.sent.lock().unwrap().last().unwrap().text, "Our team will contact you privately today.", "{}", db.url);

        // Nobody approves their own reply but an admin.
        let own = tom.queue_reply_from(case.id, "From legal itself.", false, None, false, Some("legal-holding")).await.unwrap();
        assert!(tom.approval_queue().await.unwrap().is_empty(), "{}: not in its author's queue", db.url);
        refused(&tom.approve_reply(own.id, None).await.unwrap_err(), "forbidden", &["their own reply"]);
        admin.approve_reply(own.id, None).await.unwrap();

        // The timeline holds the chain, each step by its actor.
        let events = s.case_events(case.id).await.unwrap();
        let steps = |k: EventKind| events.iter().filter(|e| e.kind == k).count();
        assert_eq!((steps(EventKind::ApprovalRequested), steps(EventKind::ReplyApproved), steps(EventKind::ReplyRejected)), (4, 3, 1), "{}", db.url);
        let rejection = events.iter().find(|e| e.kind == EventKind::ReplyRejected).unwrap();
        assert_eq!(rejection.actor, "tom", "{}", db.url);
        assert!(rejection.body.as_deref().unwrap().starts_with("Do not admit"), "{}", db.url);
        assert!(events.iter().any(|e| e.kind == EventKind::ReplyApproved && e.summary.contains("with edits")), "{}", db.url);
        let report = admin.verify_audit().await.unwrap();
        assert!(report.intact(), "{}: {:?}", db.url, report.broken);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_requires_approval_and_two_approvers_at_once_get_one_decision() {
    for db in stores().await {
        let (admin, case) = workspace(&db.store).await;
        let s = &db.store;

        // A rule requiring PR's approval on a department's cases: every reply there waits for PR.
        let rules = format!(
            "[[rule]]\nname = \"PR watches the contact centre\"\non = [\"post_received\", \"case_updated\"]\nwhen = {{ department = \"contact-centre\" }}\nthen = [{{ require_approval = \"pr\" }}]\n\n{}",
            switchboard_rules::defaults::RULES
        );
        admin.save_rules(&rules).await.unwrap();
        let bad = "[[rule]]\nname = \"Nobody\"\nthen = [{ require_approval = \"nowhere\" }]\n";
        refused(&admin.save_rules(bad).await.unwrap_err(), "invalid", &["nowhere"]);
        admin.case_updated(case.id, switchboard_core::time::now_ms()).await.unwrap();
        assert!(s.case_tags(case.id).await.unwrap().contains(&"approval:pr".to_string()), "{}", db.url);
        let ana = desk_as(&db.url, "ana").await;
        let item = ana.queue_reply(case.id, "A plain reply", false).await.unwrap();
        assert_eq!(item.state, OutboxState::AwaitingApproval, "{}", db.url);
        assert_eq!(item.approval.as_ref().unwrap().approver, "pr", "{}", db.url);
        let tom = desk_as(&db.url, "tom").await;
        refused(&tom.approve_reply(item.id, None).await.unwrap_err(), "forbidden", &["PR / Communications"]);
        desk_as(&db.url, "priya").await.approve_reply(item.id, None).await.unwrap();

        // Two legal approvers, each on its own desk and pool, decide at once.
        let (tom, tess) = (desk_as(&db.url, "tom").await, desk_as(&db.url, "tess").await);
        let mut tom_won = 0;
        for round in 0..RACE_ROUNDS {
            let r = ana.queue_reply_from(case.id, &format!("Round {round}"), false, None, false, Some("legal-holding")).await.unwrap();
            let (a, b) = tokio::join!(tom.approve_reply(r.id, None), tess.reject_reply(r.id, "not this one"));
            let stored = s.approval(r.id).await.unwrap();
            match (a, b) {
                (Ok(_), Err(e)) => {
                    tom_won += 1;
                    refused(&e, "conflict", &["already approved by tom"]);
                    assert_eq!((stored.state, s.outbox_item(r.id).await.unwrap().state), (ApprovalState::Approved, OutboxState::Queued));
                }
                (Err(e), Ok(_)) => {
                    refused(&e, "conflict", &["already rejected by tess"]);
                    assert_eq!((stored.state, s.outbox_item(r.id).await.unwrap().state), (ApprovalState::Rejected, OutboxState::Rejected));
                }
                (a, b) => panic!("{} round {round}: not one decision: tom {a:?}, tess {b:?}", db.url),
            }
            let decided = s.case_events(case.id).await.unwrap().into_iter().filter(|e| {
                matches!(e.kind, EventKind::ReplyApproved | EventKind::ReplyRejected) && e.summary.contains(&format!("reply #{} ", r.id))
            });
            assert_eq!(decided.count(), 1, "{} round {round}: one decision on the timeline", db.url);
        }
        eprintln!("{}: {RACE_ROUNDS} rounds of two approvers deciding at once: one decision each (tom won {tom_won})", db.url);
        let report = admin.verify_audit().await.unwrap();
        assert!(report.intact(), "{}: {:?}", db.url, report.broken);
    }
}

#[tokio::test]
async fn the_suggested_templates_text_sent_without_its_name_still_waits_for_approval() {
    for db in stores().await {
        let (admin, _) = workspace(&db.store).await;
        let legal = db.store.department_by_slug("legal").await.unwrap();
        let q = InboxQuery { department_id: Some(legal.id), limit: 100, ..Default::default() };
        let mut found = None;
        for c in admin.inbox(q).await.unwrap().items {
            if let Some(s) = admin.suggested_reply(c.id).await.unwrap().filter(|s| s.approval_required) {
                found = Some((c, s));
                break;
            }
        }
        let (case, suggestion) = found.expect("a legal case whose suggestion needs approval");
        // The template's words, lightly edited, with no template named: it waits.
        let edited = format!("Hello again. {}", suggestion.text.replace("Thank you", "Thanks"));
        let item = admin.queue_reply_from(case.id, &edited, false, None, false, None).await.unwrap();
        assert_eq!(item.state, OutboxState::AwaitingApproval, "{}", db.url);
        assert!(item.approval.as_ref().unwrap().reason.contains(&suggestion.template), "{}: {:?}", db.url, item.approval);
        // A reply of the agent's own words does not (no rule asked for approval here).
        let own = admin.queue_reply_from(case.id, "We have removed the reply and are looking into how it happened.", false, None, false, None).await;
        let own = own.unwrap();
        let tagged = db.store.case_tags(case.id).await.unwrap().iter().any(|t| t.starts_with("approval:"));
        assert_eq!(own.state == OutboxState::AwaitingApproval, tagged, "{}: {:?}", db.url, own.state);
    }
}
