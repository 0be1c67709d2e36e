//! Hand-off: a case leaves one department for another with a reason, which
//! the timeline shows (as text), the audit chain holds and the reports count;
//! a hand-off without a reason, to where the case already is, on a stale
//! version or by someone who may not move the case changes nothing.

use switchboard_core::case::EventKind;
use switchboard_core::report::ReportQuery;
use switchboard_core::view::InboxQuery;
use crate::desk_as;
use switchboard_engine::Desk;
use switchboard_store::testing::stores;



#[tokio::test]
async fn a_hand_off_moves_the_case_with_its_reason_on_the_timeline() {
    for db in stores().await {
        let admin = Desk::with_store(db.store.clone()).await.unwrap();
        admin.load_demo().await.unwrap();
        let cc = db.store.department_by_slug("contact-centre").await.unwrap();
        let legal = db.store.department_by_slug("legal").await.unwrap();
        let q = InboxQuery { department_id: Some(cc.id), limit: 100, ..Default::default() };
        let case = admin.inbox(q).await.unwrap().items[0].clone();
        let ana = desk_as(&db.url, "ana").await;

        // Refusals change nothing.
        for reason in ["", "   "] {
            let e = ana.hand_off(case.id, legal.id, reason, Some(case.version)).await.unwrap_err();
            assert_eq!(e.code, "invalid", "{}: {e:?}", db.url);
            assert!(e.message.contains("reason"), "{}", e.message);
        }
        let e = ana.hand_off(case.id, cc.id, "already here", None).await.unwrap_err();
        assert_eq!(e.code, "invalid", "{}: {e:?}", db.url);
        let e = ana.hand_off(case.id, legal.id, "stale", Some(case.version - 1)).await.unwrap_err();
        assert_eq!(e.code, "conflict", "{}: {e:?}", db.url);
        let dana = desk_as(&db.url, "dana").await;
        let e = dana.hand_off(case.id, legal.id, "an executive may not", None).await.unwrap_err();
        assert_eq!(e.code, "forbidden", "{}: {e:?}", db.url);
        assert_eq!(admin.case_detail(case.id).await.unwrap().case.version, case.version, "{}", db.url);

        let reason = "<b>Threatens to sue</b> over the refund: Legal's wording";
        let d = desk_as(&db.url, "ana").await.hand_off(case.id, legal.id, reason, Some(case.version)).await.unwrap();
        assert_eq!((d.case.department_id, d.case.version), (Some(legal.id), case.version + 1), "{}", db.url);
        let ev = d.events.last().unwrap();
        assert_eq!((ev.kind, ev.actor.as_str()), (EventKind::HandedOff, "ana"), "{}", db.url);
        assert_eq!(ev.summary, "handed off from Contact centre to Legal", "{}", db.url);
        assert_eq!(ev.body.as_deref(), Some(reason), "{}: the reason is kept as written", db.url);

        // Now the case is Legal's: an agent of the contact centre cannot hand it on again.
        let e = ana.hand_off(case.id, cc.id, "back", None).await.unwrap_err();
        assert_eq!(e.code, "forbidden", "{}: {e:?}", db.url);

        // The audit chain holds it, and the report counts the case as handed over.
        let check = admin.verify_audit().await.unwrap();
        assert!(check.broken.is_none(), "{}: {check:?}", db.url);
        let log = admin.audit_log(Some(&format!("case:{}", case.id)), 50).await.unwrap();
        assert!(log.iter().any(|r| r.action.contains("handed_off")), "{}: {:?}", db.url, log.iter().map(|r| &r.action).collect::<Vec<_>>());
        let handed = admin.report_cases(&ReportQuery::default(), "handed_over", None).await.unwrap();
        assert!(handed.iter().any(|c| c.id == case.id), "{}: the report counts the hand-off", db.url);
    }
}

#[tokio::test]
async fn a_hand_off_runs_the_case_updated_rules_so_the_new_departments_approval_holds() {
    for db in stores().await {
        let admin = Desk::with_store(db.store.clone()).await.unwrap();
        admin.load_demo().await.unwrap();
        for ch in db.store.channels().await.unwrap() {
            db.store.upsert_account(&ch, &format!("lumen-{ch}"), "http://127.0.0.1:9", &serde_json::json!({}), None).await.unwrap();
        }
        let rules = format!(
            "[[rule]]\nname = \"IR approves its replies\"\non = [\"case_updated\"]\nwhen = {{ department = \"investor-relations\" }}\nthen = [{{ require_approval = \"investor-relations\" }}]\n\n{}",
            switchboard_rules::defaults::RULES
        );
        admin.save_rules(&rules).await.unwrap();
        let cc = db.store.department_by_slug("contact-centre").await.unwrap();
        let ir = db.store.department_by_slug("investor-relations").await.unwrap();
        let q = InboxQuery { department_id: Some(cc.id), limit: 100, ..Default::default() };
        let case = admin.inbox(q).await.unwrap().items[0].clone();
        assert!(!db.store.case_tags(case.id).await.unwrap().iter().any(|t| t.starts_with("approval:")), "{}", db.url);

        // Nobody calls the rules by hand: the hand-off itself does.
        let d = desk_as(&db.url, "ana").await.hand_off(case.id, ir.id, "Asks about the share price", None).await.unwrap();
        assert!(d.case.version > case.version, "{}", db.url);
        assert!(db.store.case_tags(case.id).await.unwrap().contains(&"approval:investor-relations".to_string()), "{}", db.url);
        let item = admin.queue_reply(case.id, "Thanks, we will come back to you", false).await.unwrap();
        assert_eq!(item.state, switchboard_core::outbox::OutboxState::AwaitingApproval, "{}", db.url);
    }
}
