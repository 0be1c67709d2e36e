//! Live updates between desks: desk B hears desk A's changes (assign, note,
//! move, posts arriving) with the right case and version, in order, on SQLite
//! (in-process) and PostgreSQL (LISTEN/NOTIFY); a refused change is never heard.

use std::time::Duration;

use switchboard_core::live::{LiveEvent, POSTS_ARRIVED};
use switchboard_core::post::{Direction, NewPost};
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::live::LiveStream;
use switchboard_store::testing::stores;

async fn heard(stream: &mut LiveStream, url: &str) -> LiveEvent {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap_or_else(|_| panic!("{url}: no live event within 10 s"))
        .unwrap_or_else(|| panic!("{url}: the live stream ended"))
}

fn post(id: &str, author: &str, text: &str) -> IngestPost {
    IngestPost {
        post: NewPost {
            channel: "twitter".into(),
            external_id: id.into(),
            author: author.into(),
            author_name: None,
            author_followers: None,
            direction: Direction::Inbound,
            text: text.into(),
            created_at: 1_700_000_000_000,
            reply_to: None,
            account: Some("AcmeHelp".into()),
            labels: vec![],
        },
        conversation: None,
    }
}

#[tokio::test]
async fn another_desk_hears_every_change_in_order_and_never_a_refused_one() {
    for db in stores().await {
        let a = Desk::with_store(db.store.clone()).await.unwrap();
        a.load_demo().await.unwrap();
        // Desk B: its own store (own pool, own listener) on the same workspace.
        let b = Desk::open(Some(&db.url)).await.unwrap();
        let mut stream = b.subscribe().await.unwrap();

        let page = a.inbox(InboxQuery { limit: 3, ..Default::default() }).await.unwrap();
        let case = page.items[0].clone();
        let dept = a.workspace_info().await.unwrap().departments[1].id;

        let assigned = a.assign(case.id, Some(a.me().id), Some(case.version)).await.unwrap();
        // A conflicting change is refused and rolled back: nobody hears it.
        assert!(a.move_to(case.id, Some(dept), Some(case.version)).await.is_err(), "{}", db.url);
        let noted = a.add_note(case.id, "Checked the order with logistics".into()).await.unwrap();
        let moved = a.move_to(case.id, Some(dept), Some(noted.case.version)).await.unwrap();

        for (kind, version) in [("assigned", assigned.case.version), ("note", noted.case.version), ("moved", moved.case.version)] {
            let ev = heard(&mut stream, &db.url).await;
            assert_eq!((ev.case_id, ev.kind.as_str(), ev.version), (case.id, kind, version), "{}: {ev:?}", db.url);
            assert_eq!(ev.actor, a.me().handle, "{}", db.url);
        }

        // Posts arriving in bulk: one compact event naming the cases they touched.
        let mut ingest = Ingestor::new(a.store(), "connector:test", "live-test");
        ingest.write(&[post("live-1", "kim", "my parcel never came"), post("live-2", "lee", "refund please")]).await.unwrap();
        let ev = heard(&mut stream, &db.url).await;
        assert_eq!(ev.kind, POSTS_ARRIVED, "{}: {ev:?}", db.url);
        assert_eq!(ev.cases.len(), 2, "{}: {ev:?}", db.url);
        let newest = a.inbox(InboxQuery { search: Some("parcel never came".into()), limit: 1, ..Default::default() }).await.unwrap();
        assert!(ev.affects(newest.items[0].id), "{}: {ev:?}", db.url);
    }
}

#[tokio::test]
async fn a_desk_on_another_workspace_hears_nothing_of_it() {
    let here = stores().await.remove(0);
    let other = stores().await.remove(0);
    let a = Desk::with_store(here.store.clone()).await.unwrap();
    let b = Desk::with_store(other.store.clone()).await.unwrap();
    a.load_demo().await.unwrap();
    b.load_demo().await.unwrap();
    let mut stream = b.subscribe().await.unwrap();
    let case_a = a.inbox(InboxQuery { limit: 1, ..Default::default() }).await.unwrap().items[0].clone();
    a.add_note(case_a.id, "only here".into()).await.unwrap();
    let case_b = b.inbox(InboxQuery { limit: 1, ..Default::default() }).await.unwrap().items[0].clone();
    let mine = b.assign(case_b.id, Some(b.me().id), None).await.unwrap();
    let ev = heard(&mut stream, &other.url).await;
    assert_eq!((ev.kind.as_str(), ev.case_id, ev.version), ("assigned", case_b.id, mine.case.version), "{ev:?}");
}
