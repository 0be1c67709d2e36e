//! The desk as the app uses it, on every backend: the demo workspace, the
//! inbox the first screen shows, and actions recorded in the desk member's name.

use switchboard_core::case::{CaseStatus, EventKind};
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::testing::stores;
use switchboard_store::Store;

// Polling a connected account: the cursor contract.
mod listen;
// Replies through the outbox.
mod replies;
// Against a real Mastodon API server on loopback.
mod live_mastodon;
// Against the Bluesky reference servers on loopback.
mod live_bluesky;
// Listening queries sent to a network's search.
mod searches;
// Connecting accounts through OAuth (loopback authorization server, mastodon-mock).
mod oauth;
// Rules, SLA clocks, priority reasons and the playbook on the case log.
mod triage;
// Rules at run time: time_elapsed, listening-query conditions, the triage queue, influence.
mod rules_runtime;
// Identity: customers from a file, links by handle, undo.
mod identity;
// Roles and permissions enforced by the backend.
mod roles;
// Live updates between desks.
mod live;
// The collision guard: claims with one winner, stale drafts refused.
mod collision;
// Approvals: replies legal, PR or IR must approve before they are sent.
mod approvals;
// Hand-off to another department with a reason.
mod handoff;

/// The setting a local workspace remembers its desk's member in.
const ME_SETTING: &str = "desk.member";

/// A desk acting as the member `handle`, on `store`.
pub(crate) async fn desk_on(store: &Store, handle: &str) -> Desk {
    let m = store.members().await.unwrap().into_iter().find(|m| m.handle == handle).unwrap();
    store.set_setting(ME_SETTING, &m.id.to_string()).await.unwrap();
    let desk = Desk::with_store(store.clone()).await.unwrap();
    assert_eq!(desk.me().handle, handle);
    desk
}

/// A desk acting as the member `handle`, on its own pool over `url` (another desk).
pub(crate) async fn desk_as(url: &str, handle: &str) -> Desk {
    desk_on(&Store::connect(url).await.unwrap(), handle).await
}

#[tokio::test]
async fn the_demo_fills_an_empty_workspace_with_real_looking_work() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let before = desk.workspace_info().await.unwrap();
        assert!(before.empty, "{}", db.url);
        assert_eq!(before.departments.len(), 7, "{}: the tiger team is preconfigured", db.url);
        let names: Vec<_> = before.departments.iter().map(|d| d.name.as_str()).collect();
        assert!(names.contains(&"Investor relations") && names.contains(&"PR / Communications"), "{names:?}");

        let info = desk.load_demo().await.unwrap();
        assert!(!info.empty && info.case_count >= 25, "{}: {} cases", db.url, info.case_count);
        assert!(info.channels.len() >= 4, "{}: {:?}", db.url, info.channels);
        assert!(info.members.len() >= 10, "{}", db.url);
        assert!(desk.load_demo().await.is_err(), "{}: the demo never lands on real work", db.url);

        let page = desk.inbox(InboxQuery { limit: 100, ..Default::default() }).await.unwrap();
        let statuses: std::collections::HashSet<_> = page.items.iter().map(|c| c.status).collect();
        assert!(statuses.len() >= 3, "{}: a mix of statuses {statuses:?}", db.url);
        assert!(page.items.iter().any(|c| c.assignee.is_some()) && page.items.iter().any(|c| c.department.is_none()), "{}", db.url);
        assert!(page.items.windows(2).all(|w| w[0].priority >= w[1].priority), "{}: priority order", db.url);

        let harriet = desk
            .inbox(InboxQuery { search: Some("didsbury".into()), limit: 5, ..Default::default() })
            .await
            .unwrap();
        let detail = desk.case_detail(harriet.items[0].id).await.unwrap();
        assert_eq!(detail.customer.as_ref().map(|c| c.value_tier.as_deref()), Some(Some("A")), "{}", db.url);
        assert_eq!(detail.posts.len(), 3, "{}", db.url);
        assert!(detail.case.first_response_at.is_some(), "{}", db.url);
        // Its timeline reads as a day at the desk: opened with the first post,
        // then steps in order, all in the past.
        // (Triage after loading writes its own events now, signed by a rule.)
        let at: Vec<i64> = detail.events.iter().filter(|e| !e.actor.starts_with("rule:")).map(|e| e.at).collect();
        assert_eq!(at.first(), Some(&detail.case.opened_at), "{}", db.url);
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{}: {at:?}", db.url);
        assert!(at.iter().all(|&t| t < switchboard_core::time::now_ms() - 30_000), "{}: {at:?}", db.url);
    }
}

#[tokio::test]
async fn actions_return_the_new_state_and_are_signed_by_the_desk_member() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        desk.load_demo().await.unwrap();
        let me = desk.me().handle.clone();
        let case = desk.inbox(InboxQuery { limit: 1, ..Default::default() }).await.unwrap().items[0].clone();
        let kofi = desk.workspace_info().await.unwrap().members.into_iter().find(|m| m.handle == "kofi").unwrap();
        let legal = desk.store().department_by_slug("legal").await.unwrap();

        let d = desk.assign(case.id, Some(kofi.id), Some(case.version)).await.unwrap();
        assert_eq!(d.case.assignee.as_deref(), Some("Kofi Mensah"));
        // A desk acting on a version it saw before that change is refused, and nothing is recorded.
        let err = desk.move_to(case.id, Some(legal.id), Some(case.version)).await.unwrap_err();
        assert_eq!(err.code, "conflict", "{}", db.url);
        let d = desk.move_to(case.id, Some(legal.id), Some(d.case.version)).await.unwrap();
        assert_eq!(d.case.department.as_deref(), Some("Legal"));
        let d = desk.set_status(case.id, CaseStatus::Pending, None).await.unwrap();
        assert_eq!(d.case.status, CaseStatus::Pending);
        let d = desk.add_note(case.id, "Called the customer back".into()).await.unwrap();
        let mine: Vec<_> = d.events.iter().filter(|e| e.actor == me).map(|e| e.kind).collect();
        assert_eq!(mine, vec![EventKind::Assigned, EventKind::Moved, EventKind::StatusChanged, EventKind::Note], "{}", db.url);

        let err = desk.add_note(case.id, "".into()).await.unwrap_err();
        assert_eq!(err.code, "invalid");
        let err = desk.case_detail(123_456).await.unwrap_err();
        assert_eq!(err.code, "not_found");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "not_found", "errors cross to the UI as {{code, message}}");
        assert!(json["message"].as_str().unwrap().contains("123456"));

        // A second desk on the same workspace is the same member and sees the change.
        let again = Desk::with_store(db.store.clone()).await.unwrap();
        assert_eq!(again.me().handle, me);
        assert_eq!(again.case_detail(case.id).await.unwrap().case.status, CaseStatus::Pending);
    }
}
// Sentiment, topic and language learned from labels; corrections.
mod understand;
