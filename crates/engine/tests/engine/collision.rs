//! The hard collision guard with two desks (two engine instances, each on
//! its own connection pool) over one database: claims race with exactly one
//! winner every round, and a reply drafted on a case that changed meanwhile
//! is refused, listing the change, until its sender confirms.

use std::time::Instant;

use switchboard_core::case::CaseSummary;
use switchboard_core::view::InboxQuery;
use crate::desk_as;
use switchboard_engine::{Desk, DeskError};
use switchboard_store::testing::stores;
use switchboard_store::Store;

/// Rounds of two desks claiming the same case at once.
const ROUNDS: usize = 1_000;


/// The demo workspace with an account answering on every channel, and an
/// unassigned contact-centre case (ana's and kofi's department).
async fn workspace(store: &Store) -> CaseSummary {
    let admin = Desk::with_store(store.clone()).await.unwrap();
    admin.load_demo().await.unwrap();
    for ch in store.channels().await.unwrap() {
        store.upsert_account(&ch, &format!("lumen-{ch}"), "http://127.0.0.1:9", &serde_json::json!({}), None).await.unwrap();
    }
    let cc = store.department_by_slug("contact-centre").await.unwrap();
    let q = InboxQuery { department_id: Some(cc.id), limit: 100, ..Default::default() };
    admin.inbox(q).await.unwrap().items.into_iter().find(|c| c.assignee_id.is_none()).expect("an unassigned contact-centre case")
}

fn conflict(e: &DeskError, words: &[&str]) {
    assert_eq!(e.code, "conflict", "{e:?}");
    for w in words {
        assert!(e.message.contains(w), "{:?} says {w:?}", e.message);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_claiming_at_once_get_exactly_one_owner_every_round() {
    for db in stores().await {
        let case = workspace(&db.store).await.id;
        let ana = desk_as(&db.url, "ana").await;
        let kofi = desk_as(&db.url, "kofi").await;
        let started = Instant::now();
        let mut wins = [0usize; 2];
        for round in 0..ROUNDS {
            let (a, k) = tokio::join!(ana.claim(case), kofi.claim(case));
            let (winner, loser_err, loser) = match (a, k) {
                (Ok(_), Err(e)) => (&ana, e, &kofi),
                (Err(e), Ok(_)) => (&kofi, e, &ana),
                (a, k) => panic!("{} round {round}: not one winner: ana {a:?}, kofi {k:?}", db.url),
            };
            wins[usize::from(winner.me().handle == "kofi")] += 1;
            conflict(&loser_err, &[&format!("case #{case}"), &winner.me().handle]);
            let stored = db.store.case_summary(case).await.unwrap();
            assert_eq!(stored.assignee_id, Some(winner.me().id), "{} round {round}", db.url);
            // Claiming one's own case again changes nothing; the loser still loses.
            if round == 0 {
                let again = winner.claim(case).await.unwrap();
                assert_eq!(again.case.version, stored.version, "{}", db.url);
                conflict(&loser.claim(case).await.unwrap_err(), &[&winner.me().handle]);
            }
            winner.assign(case, None, None).await.unwrap();
        }
        let took = started.elapsed();
        let claims = db.store.case_events(case).await.unwrap().iter().filter(|e| e.summary.starts_with("claimed")).count();
        assert_eq!(claims, ROUNDS, "{}: one claim event per round", db.url);
        eprintln!(
            "{}: {ROUNDS} rounds of two desks claiming at once in {:.2} s ({:.2} ms/round; ana won {}, kofi {})",
            db.store.backend().as_str(),
            took.as_secs_f64(),
            took.as_secs_f64() * 1000.0 / ROUNDS as f64,
            wins[0],
            wins[1]
        );
    }
}

#[tokio::test]
async fn a_reply_drafted_on_a_case_that_changed_is_refused_until_confirmed() {
    for db in stores().await {
        let case = workspace(&db.store).await.id;
        let ana = desk_as(&db.url, "ana").await;
        let kofi = desk_as(&db.url, "kofi").await;

        // Same version: queued.
        let v = ana.case_detail(case).await.unwrap().case.version;
        ana.queue_draft_reply(case, "Thanks, looking into it", false, Some(v), false).await.unwrap();

        // Ana begins a draft; Kofi adds a note meanwhile.
        let v = ana.case_detail(case).await.unwrap().case.version;
        kofi.add_note(case, "Customer called, already refunded".into()).await.unwrap();
        let before = ana.case_replies(case).await.unwrap().len();
        let err = ana.queue_draft_reply(case, "We'll refund you", false, Some(v), false).await.unwrap_err();
        conflict(&err, &[&format!("case #{case}"), "kofi: added a note"]);
        assert_eq!(ana.case_replies(case).await.unwrap().len(), before, "{}: nothing queued", db.url);
        // Having seen it, she sends anyway: queued once.
        ana.queue_draft_reply(case, "We'll refund you", false, Some(v), true).await.unwrap();
        assert_eq!(ana.case_replies(case).await.unwrap().len(), before + 1, "{}", db.url);

        // Her own changes are not a collision; without a draft version there is no guard.
        let v = ana.case_detail(case).await.unwrap().case.version;
        ana.add_note(case, "Waiting for the refund to land".into()).await.unwrap();
        ana.queue_draft_reply(case, "Refund is on its way", false, Some(v), false).await.unwrap();
        kofi.add_note(case, "Another note".into()).await.unwrap();
        ana.queue_reply(case, "One more thing", false).await.unwrap();
        assert_eq!(ana.case_replies(case).await.unwrap().len(), before + 3, "{}", db.url);

        // An executive viewer cannot claim: refused by the backend, nothing changed.
        let dana = desk_as(&db.url, "dana").await;
        let version = db.store.case_summary(case).await.unwrap().version;
        assert_eq!(dana.claim(case).await.unwrap_err().code, "forbidden", "{}", db.url);
        assert_eq!(db.store.case_summary(case).await.unwrap().version, version, "{}", db.url);
    }
}

#[tokio::test]
async fn the_reply_is_written_only_if_the_case_is_still_at_the_checked_version() {
    use switchboard_core::post::Direction;
    use switchboard_store::outbox::ReplyTarget;
    for db in stores().await {
        let case = workspace(&db.store).await;
        let ana = desk_as(&db.url, "ana").await;
        let detail = ana.case_detail(case.id).await.unwrap();
        let inbound = detail.posts.iter().find(|p| p.direction == Direction::Inbound).unwrap();
        let account = db.store.accounts().await.unwrap().into_iter().find(|a| a.network == case.channel).unwrap();
        let target = ReplyTarget { case_id: case.id, account_id: account.id, in_reply_to: &inbound.external_id, conversation: None, direct: false };
        let checked = detail.case.version;
        // A change that lands after the draft was checked and before the write.
        db.store.add_note(case.id, "in between", "kofi").await.unwrap();
        let before = ana.case_replies(case.id).await.unwrap().len();
        let err = db.store.queue_reply_on_version(&target, "Sorry about that", "ana", Some(checked)).await.unwrap_err();
        assert!(matches!(err, switchboard_store::StoreError::Conflict(_)), "{}: {err:?}", db.url);
        assert_eq!(ana.case_replies(case.id).await.unwrap().len(), before, "{}: nothing queued", db.url);
        let now = db.store.case_summary(case.id).await.unwrap().version;
        db.store.queue_reply_on_version(&target, "Sorry about that", "ana", Some(now)).await.unwrap();
        assert_eq!(ana.case_replies(case.id).await.unwrap().len(), before + 1, "{}", db.url);
    }
}
