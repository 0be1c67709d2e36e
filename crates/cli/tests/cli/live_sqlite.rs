//! Live updates across processes on one SQLite file: a change made by another
//! process (here the `switchboard` command) reaches a listener in this one,
//! and this process's own changes are heard once, not again from the table.

use std::time::Duration;

use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::live::LiveStream;

use crate::cmd;

async fn heard(stream: &mut LiveStream) -> switchboard_core::live::LiveEvent {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("a live event within 10 s")
        .expect("the stream goes on")
}

#[tokio::test]
async fn a_change_made_by_another_process_is_heard_here_and_ours_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    cmd(&db).arg("demo").assert().success();
    let desk = Desk::open(Some(&format!("sqlite://{}", db.display()))).await.unwrap();
    let case = desk.inbox(InboxQuery { limit: 1, ..Default::default() }).await.unwrap().items[0].clone();
    let mut stream = desk.subscribe().await.unwrap();

    // Ours: heard through the in-process channel.
    let ours = desk.add_note(case.id, "checked here".into()).await.unwrap();
    let ev = heard(&mut stream).await;
    assert_eq!((ev.case_id, ev.kind.as_str(), ev.version), (case.id, "note", ours.case.version), "{ev:?}");

    // Theirs: another process on the same file.
    let out = tokio::task::spawn_blocking({
        let db = db.clone();
        move || cmd(&db).args(["case", "note", &case.id.to_string(), "checked over there"]).output().unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ev = heard(&mut stream).await;
    assert_eq!((ev.case_id, ev.kind.as_str(), ev.version), (case.id, "note", ours.case.version + 1), "{ev:?}");

    // Nothing more: our own note is not repeated from the table.
    let more = tokio::time::timeout(Duration::from_millis(1500), stream.next()).await;
    assert!(more.is_err(), "no third event: {more:?}");
}
