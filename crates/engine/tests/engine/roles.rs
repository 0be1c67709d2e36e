//! Roles enforced by the backend: each desk acts as one member, and every
//! command a member gives is checked against the role table
//! (`switchboard_core::permission`) before anything is read or changed.
//! A refusal is `forbidden`, names the member and what was refused, and
//! leaves the case (its version), the configuration and the accounts as
//! they were.

use switchboard_core::alert::{Alert, AlertExample, AlertKind, AlertStatus, Severity};
use switchboard_core::case::CaseSummary;
use switchboard_core::report::ReportQuery;
use switchboard_core::view::InboxQuery;
use crate::desk_on;
use switchboard_engine::{Desk, DeskError};
use switchboard_store::testing::stores;
use switchboard_store::Store;



/// The demo workspace, opened by its first member (the admin), with an
/// account to answer on every channel and one open alert.
async fn workspace(store: &Store) -> (Desk, i64) {
    let admin = Desk::with_store(store.clone()).await.unwrap();
    assert_eq!(admin.me().role.as_str(), "admin", "the first member owns the workspace");
    admin.load_demo().await.unwrap();
    for ch in store.channels().await.unwrap() {
        store.upsert_account(&ch, &format!("lumen-{ch}"), "http://127.0.0.1:9", &serde_json::json!({}), None).await.unwrap();
    }
    let alert = Alert {
        id: 0,
        kind: AlertKind::VolumeSpike,
        scope: "all".into(),
        started_at: 3_600_000,
        ended_at: None,
        detected_at: 7_200_000,
        severity: Severity::High,
        observed: 40.0,
        expected: 4.0,
        ratio: 10.0,
        z: 9.0,
        peak_at: 3_600_000,
        hours: 1,
        status: AlertStatus::Open,
        note: None,
        examples: vec![AlertExample { post_id: 1, case_id: 1, author: "@someone".into(), text: "down again".into(), created_at: 3_700_000 }],
    };
    let alert = store.save_alert(&alert, 3_600_000).await.unwrap();
    (admin, alert.id)
}

/// A contact-centre case nobody is assigned to (the agent's department).
async fn contact_centre_case(admin: &Desk) -> CaseSummary {
    let cc = admin.store().department_by_slug("contact-centre").await.unwrap();
    let q = InboxQuery { department_id: Some(cc.id), limit: 100, ..Default::default() };
    admin.inbox(q).await.unwrap().items.into_iter().find(|c| c.assignee_id.is_none()).expect("an unassigned contact-centre case")
}

fn forbidden(e: DeskError, who: &str, what: &str) {
    assert_eq!(e.code, "forbidden", "{e:?}");
    assert!(e.message.contains(who) && e.message.contains(what), "{:?} names {who:?} and {what:?}", e.message);
}

#[tokio::test]
async fn an_agent_cannot_edit_rules_and_an_executive_cannot_reply() {
    for db in stores().await {
        let (admin, _) = workspace(&db.store).await;
        let case = contact_centre_case(&admin).await;
        let rules = admin.config_text("rules").await.unwrap();
        let before = db.store.active_config("rules").await.unwrap().map(|c| c.version);

        let ana = desk_on(&db.store, "ana").await;
        forbidden(ana.save_rules(&rules).await.unwrap_err(), "ana (agent)", "may not edit the rules");
        forbidden(ana.dry_run(&rules, 0, 10).await.unwrap_err(), "ana (agent)", "edit the rules");
        assert_eq!(db.store.active_config("rules").await.unwrap().map(|c| c.version), before, "{}: nothing saved", db.url);

        let dana = desk_on(&db.store, "dana").await;
        let err = dana.queue_reply(case.id, "We are on it", false).await.unwrap_err();
        assert_eq!(err.message, "dana (executive) may not reply to customers", "{}", db.url);
        assert_eq!(err.code, "forbidden");
        assert_eq!(db.store.case_summary(case.id).await.unwrap().version, case.version, "{}: the case is untouched", db.url);
        assert!(db.store.case_replies(case.id).await.unwrap().is_empty(), "{}: nothing queued", db.url);
        // An executive reads no case at all, and the aggregates carry no person.
        forbidden(dana.inbox(InboxQuery::default()).await.unwrap_err(), "dana (executive)", "read cases");
        forbidden(dana.case_detail(case.id).await.unwrap_err(), "dana (executive)", "read cases");
        forbidden(dana.case_replies(case.id).await.unwrap_err(), "dana (executive)", "read cases");
        forbidden(dana.customers(None, 10).await.unwrap_err(), "dana (executive)", "read customers");
        let board = dana.board(switchboard_core::desk::Role::Admin).await.unwrap();
        assert!(board.influential.is_none(), "{}: no handles on an executive's board, whatever is asked", db.url);
        let report = dana.report(&ReportQuery::default()).await.unwrap();
        assert!(report.influential.is_empty() && report.members.is_empty(), "{}", db.url);
        assert!(report.cases > 0, "{}: the aggregates are there", db.url);
        assert!(dana.list_alerts(None).await.unwrap().iter().all(|a| a.examples.is_empty()), "{}: no example posts", db.url);
        assert!(admin.list_alerts(None).await.unwrap().iter().any(|a| !a.examples.is_empty()), "{}", db.url);
    }
}

#[tokio::test]
async fn an_agent_works_their_own_department_and_unrouted_cases() {
    for db in stores().await {
        let (admin, _) = workspace(&db.store).await;
        let legal = db.store.department_by_slug("legal").await.unwrap();
        let all = admin.inbox(InboxQuery { limit: 500, ..Default::default() }).await.unwrap().items;
        let unrouted = all.iter().find(|c| c.department_id.is_none()).expect("an unrouted case").clone();
        let mine = contact_centre_case(&admin).await;
        let theirs = admin.move_to(mine.id, Some(legal.id), None).await.unwrap().case;
        let other = all.iter().find(|c| c.department_id.is_some_and(|d| d != theirs.department_id.unwrap_or(0)) && c.id != mine.id);
        let ana = desk_on(&db.store, "ana").await;

        // Another department's case: readable, not workable.
        assert_eq!(ana.case_detail(theirs.id).await.unwrap().case.id, theirs.id);
        let err = ana.add_note(theirs.id, "mine now".into()).await.unwrap_err();
        forbidden(err, "ana (agent)", "Legal");
        forbidden(ana.assign(theirs.id, Some(ana.me().id), None).await.unwrap_err(), "ana (agent)", "work cases");
        assert_eq!(db.store.case_summary(theirs.id).await.unwrap().version, theirs.version, "{}", db.url);
        // An unrouted case: claim it, note it, hand it to a department.
        let d = ana.assign(unrouted.id, Some(ana.me().id), Some(unrouted.version)).await.unwrap();
        assert_eq!(d.case.assignee_id, Some(ana.me().id));
        ana.add_note(unrouted.id, "taking this".into()).await.unwrap();
        ana.move_to(unrouted.id, Some(legal.id), None).await.unwrap();
        // Once in Legal it is out of her hands.
        assert_eq!(ana.add_note(unrouted.id, "again".into()).await.unwrap_err().code, "forbidden");
        // A lead works every department's cases, and a missing case is still not_found.
        let mei = desk_on(&db.store, "mei").await;
        mei.add_note(theirs.id, "lead here".into()).await.unwrap();
        if let Some(o) = other {
            mei.add_note(o.id, "and here".into()).await.unwrap();
        }
        assert_eq!(ana.add_note(999_999, "x".into()).await.unwrap_err().code, "not_found");
    }
}

/// One representative command per permission, as the front ends call them.
#[derive(Debug, Clone, Copy)]
enum Op {
    Assign,
    Note,
    SaveRules,
    SavePlaybook,
    ConnectAccount,
    Report,
    Board,
    ReportCases,
    AcknowledgeAlert,
    CorrectPrediction,
    QueueReply,
}

#[tokio::test]
async fn every_role_against_a_command_of_each_kind() {
    use Op::*;
    // Columns: agent (ana), lead (mei), approver (priya), executive (dana), admin.
    let table: [(Op, [bool; 5]); 11] = [
        (Assign, [false, true, false, false, true]),
        (Note, [true, true, true, false, true]),
        (SaveRules, [false, true, false, false, true]),
        (SavePlaybook, [false, true, false, false, true]),
        (ConnectAccount, [false, false, false, false, true]),
        (Report, [true; 5]),
        (Board, [true; 5]),
        (ReportCases, [true, true, true, false, true]),
        (AcknowledgeAlert, [true, true, true, false, true]),
        (CorrectPrediction, [true, true, true, false, true]),
        (QueueReply, [true, true, true, false, true]),
    ];
    for db in stores().await {
        let (admin, alert) = workspace(&db.store).await;
        let case = contact_centre_case(&admin).await;
        let post = admin.case_detail(case.id).await.unwrap().posts[0].id;
        let kofi = db.store.members().await.unwrap().into_iter().find(|m| m.handle == "kofi").unwrap();
        let rules = admin.config_text("rules").await.unwrap();
        let playbook = admin.config_text("playbook").await.unwrap();
        let mut desks = Vec::new();
        for h in ["ana", "mei", "priya", "dana"] {
            desks.push(desk_on(&db.store, h).await);
        }
        // The admin desk last, re-opened as the first member.
        let first = db.store.members().await.unwrap().into_iter().min_by_key(|m| m.id).unwrap();
        desks.push(desk_on(&db.store, &first.handle).await);

        for (op, row) in table {
            for (desk, allowed) in desks.iter().zip(row) {
                let version = db.store.case_summary(case.id).await.unwrap().version;
                let configs = (
                    db.store.active_config("rules").await.unwrap().map(|c| c.version),
                    db.store.active_config("playbook").await.unwrap().map(|c| c.version),
                );
                let accounts = db.store.accounts().await.unwrap().len();
                let status = db.store.alert(alert).await.unwrap().status;
                let result: Result<(), DeskError> = match op {
                    Assign => desk.assign(case.id, Some(kofi.id), None).await.map(drop),
                    Note => desk.add_note(case.id, "checked".into()).await.map(drop),
                    SaveRules => desk.save_rules(&rules).await.map(drop),
                    SavePlaybook => desk.save_playbook(&playbook).await.map(drop),
                    ConnectAccount => desk.connect_feed("http://127.0.0.1:9/reviews.xml", None, Some("reviews")).await.map(drop),
                    Report => desk.report(&ReportQuery::default()).await.map(drop),
                    Board => desk.board(desk.me().role).await.map(drop),
                    ReportCases => desk.report_cases(&ReportQuery::default(), "cases", None).await.map(drop),
                    AcknowledgeAlert => desk.acknowledge(alert).await.map(drop),
                    CorrectPrediction => desk.correct(post, "sentiment", "negative").await.map(drop),
                    QueueReply => desk.queue_reply(case.id, "Thanks, looking into it", false).await.map(drop),
                };
                let who = format!("{} ({})", desk.me().handle, desk.me().role.as_str());
                match result {
                    Ok(()) => assert!(allowed, "{}: {who} was let through {op:?}", db.url),
                    Err(e) if !allowed => {
                        assert_eq!(e.code, "forbidden", "{}: {who} {op:?}: {e:?}", db.url);
                        assert!(e.message.starts_with(&who), "{}: {:?}", db.url, e.message);
                        assert_eq!(db.store.case_summary(case.id).await.unwrap().version, version, "{}: {who} {op:?} changed the case", db.url);
                        let now = (
                            db.store.active_config("rules").await.unwrap().map(|c| c.version),
                            db.store.active_config("playbook").await.unwrap().map(|c| c.version),
                        );
                        assert_eq!(now, configs, "{}: {who} {op:?}", db.url);
                        assert_eq!(db.store.accounts().await.unwrap().len(), accounts, "{}: {who} {op:?}", db.url);
                        assert_eq!(db.store.alert(alert).await.unwrap().status, status, "{}: {who} {op:?}", db.url);
                    }
                    Err(e) => panic!("{}: {who} {op:?} should pass: {e:?}", db.url),
                }
            }
        }
        // Only the admin's add_member goes through, too.
        let err = desks[1].add_member("zoe", "Zoe", switchboard_core::desk::Role::Admin, None).await.unwrap_err();
        forbidden(err, "mei (lead)", "manage members");
        assert!(!db.store.members().await.unwrap().iter().any(|m| m.handle == "zoe"));
        assert_eq!(desks[4].add_member("zoe", "Zoe", switchboard_core::desk::Role::Agent, None).await.unwrap().handle, "zoe");
        forbidden(desks[1].load_demo().await.unwrap_err(), "mei (lead)", "manage the workspace");
    }
}
