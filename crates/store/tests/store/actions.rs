use switchboard_core::case::{CaseStatus, EventKind};
use switchboard_core::desk::Role;
use switchboard_store::ingest::Ingestor;
use switchboard_store::testing::stores;
use switchboard_store::StoreError;

use crate::support::*;

#[tokio::test]
async fn every_action_writes_one_event_and_bumps_the_version() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "test", "t").write(&[inbound("1", "ana", 0, None, "help")]).await.unwrap();
        let id = s.case_of_post("x", "1").await.unwrap();
        let v0 = s.case_summary(id).await.unwrap().version;
        let pr = s.department_by_slug("pr").await.unwrap();
        let kofi = s.upsert_member("kofi", "Kofi Mensah", Role::Agent, None).await.unwrap();

        s.assign(id, Some(kofi.id), "mei", None).await.unwrap();
        s.move_to(id, Some(pr.id), "mei", None).await.unwrap();
        s.set_status(id, CaseStatus::Open, "kofi", None).await.unwrap();
        s.add_note(id, "  Customer is a journalist — loop in PR  ", "kofi").await.unwrap();
        // Asking for what already is records nothing.
        s.set_status(id, CaseStatus::Open, "kofi", None).await.unwrap();

        let c = s.case_summary(id).await.unwrap();
        assert_eq!(c.version, v0 + 4, "{}", db.url);
        assert_eq!((c.assignee_id, c.department_id, c.status), (Some(kofi.id), Some(pr.id), CaseStatus::Open), "{}", db.url);
        let events = s.case_events(id).await.unwrap();
        let got: Vec<_> = events.iter().map(|e| (e.kind, e.actor.as_str(), e.summary.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (EventKind::Created, "test", "opened from t"),
                (EventKind::Assigned, "mei", "assigned to Kofi Mensah"),
                (EventKind::Moved, "mei", "moved to PR / Communications"),
                (EventKind::StatusChanged, "kofi", "status set to open"),
                (EventKind::Note, "kofi", "added a note"),
            ],
            "{}",
            db.url
        );
        assert_eq!(events[4].body.as_deref(), Some("Customer is a journalist — loop in PR"), "{}", db.url);
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "{}: events in time order", db.url);

        s.assign(id, None, "mei", None).await.unwrap();
        assert_eq!(s.case_summary(id).await.unwrap().assignee_id, None, "{}", db.url);
    }
}

#[tokio::test]
async fn a_change_based_on_an_old_version_is_refused_and_records_nothing() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "test", "t").write(&[inbound("1", "ana", 0, None, "help")]).await.unwrap();
        let id = s.case_of_post("x", "1").await.unwrap();
        let seen = s.case_summary(id).await.unwrap().version;
        s.set_status(id, CaseStatus::Open, "ana", Some(seen)).await.unwrap();
        let err = s.set_status(id, CaseStatus::Resolved, "bo", Some(seen)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{}: {err:?}", db.url);
        assert_eq!(err.code(), "conflict");
        assert_eq!(s.case_summary(id).await.unwrap().status, CaseStatus::Open, "{}", db.url);
        assert_eq!(s.case_events(id).await.unwrap().len(), 2, "{}: created + the one accepted change", db.url);
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_error() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "test", "t").write(&[inbound("1", "ana", 0, None, "help")]).await.unwrap();
        let id = s.case_of_post("x", "1").await.unwrap();
        assert!(matches!(s.add_note(id, "   ", "me").await, Err(StoreError::Invalid(_))), "{}", db.url);
        assert!(matches!(s.add_note(id, &"x".repeat(10_001), "me").await, Err(StoreError::Invalid(_))), "{}", db.url);
        assert!(matches!(s.assign(id, Some(4242), "me", None).await, Err(StoreError::Invalid(_))), "{}", db.url);
        assert!(matches!(s.move_to(id, Some(4242), "me", None).await, Err(StoreError::Invalid(_))), "{}", db.url);
        assert!(matches!(s.set_status(777, CaseStatus::Open, "me", None).await, Err(StoreError::NotFound(_))), "{}", db.url);
        assert_eq!(s.case_events(id).await.unwrap().len(), 1, "{}: refused changes leave no event", db.url);
    }
}
