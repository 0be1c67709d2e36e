//! Presence and @mentions between desks, on SQLite and PostgreSQL: who views
//! or drafts on a case (never oneself, expired rows ignored, leaving clears),
//! the inbox summary, the `presence` live event another desk hears, and the
//! one notification a mention gives the member it names (none for unknown
//! handles, the author or an executive viewer), marked read by its owner only.

use std::time::Duration;

use switchboard_core::live::{LiveEvent, MENTION, PRESENCE};
use switchboard_core::presence::{PresenceState, PRESENCE_TTL_MS};
use switchboard_core::time::now_ms;
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::live::LiveStream;
use switchboard_store::presence::PresenceWrite;
use switchboard_store::testing::stores;
use switchboard_store::Store;

/// The setting the desk reads its member from.
const ME_SETTING: &str = "desk.member";

async fn desk_as(store: &Store, handle: &str) -> Desk {
    let m = store.members().await.unwrap().into_iter().find(|m| m.handle == handle).unwrap();
    store.set_setting(ME_SETTING, &m.id.to_string()).await.unwrap();
    let desk = Desk::with_store(store.clone()).await.unwrap();
    assert_eq!(desk.me().handle, handle);
    desk
}

async fn heard(stream: &mut LiveStream, url: &str) -> LiveEvent {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap_or_else(|_| panic!("{url}: no live event within 10 s"))
        .unwrap_or_else(|| panic!("{url}: the live stream ended"))
}

/// The demo workspace (opened by its admin) and a contact-centre case.
async fn workspace(store: &Store) -> (Desk, i64) {
    let admin = Desk::with_store(store.clone()).await.unwrap();
    admin.load_demo().await.unwrap();
    let case = admin.inbox(InboxQuery { limit: 1, ..Default::default() }).await.unwrap().items[0].clone();
    let cc = store.department_by_slug("contact-centre").await.unwrap();
    admin.move_to(case.id, Some(cc.id), None).await.unwrap();
    (admin, case.id)
}

#[tokio::test]
async fn who_views_and_drafts_is_shown_to_others_and_fades_when_left_or_expired() {
    for db in stores().await {
        let (admin, case) = workspace(&db.store).await;
        let kofi = desk_as(&db.store, "kofi").await;
        let mei = desk_as(&db.store, "mei").await;

        assert!(kofi.set_presence(Some(case), PresenceState::Viewing).await.unwrap(), "{}: a change", db.url);
        assert!(!kofi.set_presence(Some(case), PresenceState::Viewing).await.unwrap(), "{}: a heartbeat is no change", db.url);
        mei.set_presence(Some(case), PresenceState::Viewing).await.unwrap();
        mei.set_presence(Some(case), PresenceState::Drafting).await.unwrap();
        admin.set_presence(Some(case), PresenceState::Viewing).await.unwrap();

        let on: Vec<_> = admin.presence_on(case).await.unwrap().into_iter().map(|p| (p.handle, p.state)).collect();
        assert_eq!(on, vec![("mei".to_string(), PresenceState::Drafting), ("kofi".to_string(), PresenceState::Viewing)], "{}", db.url);
        // Never oneself.
        let seen_by_kofi: Vec<_> = kofi.presence_on(case).await.unwrap().into_iter().map(|p| p.handle).collect();
        assert!(!seen_by_kofi.contains(&"kofi".to_string()) && seen_by_kofi.contains(&"mei".to_string()), "{}: {seen_by_kofi:?}", db.url);
        assert!(admin.presence_on(case + 100_000).await.unwrap().is_empty());

        // The inbox's summary: drafters apart from viewers, the reader left out.
        let sum = admin.presence_summary().await.unwrap();
        assert_eq!(sum.len(), 1, "{}: {sum:?}", db.url);
        assert_eq!((sum[0].case_id, sum[0].viewers.clone(), sum[0].drafters.clone()), (case, vec!["kofi".into()], vec!["mei".into()]));
        let sum = kofi.presence_summary().await.unwrap();
        assert_eq!((sum[0].viewers.clone(), sum[0].drafters.clone()), (vec![admin.me().handle.clone()], vec!["mei".into()]));
        let online: Vec<_> = admin.online_members().await.unwrap().into_iter().map(|p| p.handle).collect();
        assert_eq!(online, vec!["kofi".to_string(), "mei".to_string()], "{}", db.url);

        // Leaving a case: online again, no longer on it; closing: gone.
        kofi.set_presence(None, PresenceState::Online).await.unwrap();
        assert_eq!(admin.presence_on(case).await.unwrap().len(), 1, "{}", db.url);
        assert_eq!(admin.online_members().await.unwrap().len(), 2, "{}", db.url);
        kofi.clear_presence().await.unwrap();
        let online: Vec<_> = admin.online_members().await.unwrap().into_iter().map(|p| p.handle).collect();
        assert_eq!(online, vec!["mei".to_string()], "{}", db.url);

        // A crashed desk's row expires: written long ago, it no longer counts.
        let lucas = db.store.members().await.unwrap().into_iter().find(|m| m.handle == "lucas").unwrap();
        let long_ago = now_ms() - PRESENCE_TTL_MS - 1_000;
        let w = PresenceWrite {
            member_id: lucas.id,
            actor: "lucas",
            session: "crashed",
            state: Some(PresenceState::Drafting),
            case_id: Some(case),
            now: long_ago,
            ttl_ms: PRESENCE_TTL_MS,
        };
        db.store.write_presence(w).await.unwrap();
        assert!(!admin.presence_on(case).await.unwrap().iter().any(|p| p.handle == "lucas"), "{}", db.url);
        assert!(!admin.online_members().await.unwrap().iter().any(|p| p.handle == "lucas"), "{}", db.url);

        // Bad input is refused plainly.
        assert_eq!(kofi.set_presence(None, PresenceState::Viewing).await.unwrap_err().code, "invalid");
        assert_eq!(kofi.set_presence(Some(987_654), PresenceState::Viewing).await.unwrap_err().code, "not_found");
        assert_eq!(kofi.set_presence_in("", None, PresenceState::Online).await.unwrap_err().code, "invalid");
    }
}

#[tokio::test]
async fn another_desk_hears_presence_changes_but_not_heartbeats() {
    for db in stores().await {
        let (_admin, case) = workspace(&db.store).await;
        let kofi = desk_as(&db.store, "kofi").await;
        // The other desk: its own store and listener on the same workspace.
        let other = Desk::open(Some(&db.url)).await.unwrap();
        let mut stream = other.subscribe().await.unwrap();

        kofi.set_presence(Some(case), PresenceState::Viewing).await.unwrap();
        kofi.set_presence(Some(case), PresenceState::Viewing).await.unwrap(); // heartbeat: not announced
        kofi.set_presence(Some(case), PresenceState::Drafting).await.unwrap();
        kofi.clear_presence().await.unwrap();
        for want in ["viewing", "drafting", "cleared"] {
            let ev = heard(&mut stream, &db.url).await;
            assert_eq!((ev.kind.as_str(), ev.case_id, ev.actor.as_str()), (PRESENCE, case, "kofi"), "{}: {want}: {ev:?}", db.url);
            assert!(!ev.affects(case), "a presence change is no change to the case");
        }
        // The next thing heard is the next change, not a heartbeat.
        kofi.set_presence(None, PresenceState::Online).await.unwrap();
        let ev = heard(&mut stream, &db.url).await;
        assert_eq!((ev.kind.as_str(), ev.case_id), (PRESENCE, 0), "{}: {ev:?}", db.url);
    }
}

#[tokio::test]
async fn a_mention_notifies_the_named_member_once_and_nobody_else() {
    for db in stores().await {
        let (admin, case) = workspace(&db.store).await;
        let me = admin.me().handle.clone();
        let other = Desk::open(Some(&db.url)).await.unwrap();
        let mut stream = other.subscribe().await.unwrap();
        let note = format!("@kofi please call back, @KOFI you too; cc @nobody_here, @{me}, @dana and mail x@mei.example <b>@</b>");
        let detail = admin.add_note(case, note.clone()).await.unwrap();
        assert_eq!(detail.events.last().unwrap().body.as_deref(), Some(note.as_str()), "{}: the note is kept as written", db.url);
        let ev = heard(&mut stream, &db.url).await;
        assert_eq!(ev.kind, "note", "{}: {ev:?}", db.url);
        let ev = heard(&mut stream, &db.url).await;
        assert_eq!((ev.kind.as_str(), ev.case_id, ev.actor.as_str()), (MENTION, case, me.as_str()), "{}: {ev:?}", db.url);

        let kofi = desk_as(&db.store, "kofi").await;
        let mine = kofi.notifications(true).await.unwrap();
        assert_eq!(mine.len(), 1, "{}: {mine:?}", db.url);
        assert_eq!((mine[0].kind.as_str(), mine[0].case_id, mine[0].actor.as_str()), ("mention", case, me.as_str()));
        // Not the author, not the executive viewer, not a member only in an e-mail address.
        assert!(admin.notifications(false).await.unwrap().is_empty(), "{}", db.url);
        let dana = desk_as(&db.store, "dana").await;
        assert!(dana.notifications(false).await.unwrap().is_empty(), "{}", db.url);
        let mei = desk_as(&db.store, "mei").await;
        assert!(mei.notifications(false).await.unwrap().is_empty(), "{}", db.url);

        // Only its owner marks it read; twice is fine.
        assert_eq!(mei.mark_read(mine[0].id).await.unwrap_err().code, "not_found");
        kofi.mark_read(mine[0].id).await.unwrap();
        kofi.mark_read(mine[0].id).await.unwrap();
        assert!(kofi.notifications(true).await.unwrap().is_empty(), "{}", db.url);
        assert!(kofi.notifications(false).await.unwrap()[0].read_at.is_some(), "{}", db.url);

        // A note without mentions notifies nobody; a refused note notifies nobody.
        admin.add_note(case, "plain note".into()).await.unwrap();
        assert!(admin.add_note(case, "   ".into()).await.is_err());
        assert_eq!(kofi.notifications(false).await.unwrap().len(), 1, "{}", db.url);
    }
}

#[tokio::test]
async fn presence_follows_the_roles() {
    for db in stores().await {
        let (_admin, case) = workspace(&db.store).await;
        let dana = desk_as(&db.store, "dana").await;
        // The executive viewer reads no cases: nor who is on them.
        assert_eq!(dana.presence_on(case).await.unwrap_err().code, "forbidden");
        assert_eq!(dana.presence_summary().await.unwrap_err().code, "forbidden");
        assert_eq!(dana.online_members().await.unwrap_err().code, "forbidden");
        assert_eq!(dana.set_presence(Some(case), PresenceState::Viewing).await.unwrap_err().code, "forbidden");
        dana.set_presence(None, PresenceState::Online).await.unwrap();
        // An agent of another department views the case but may not draft on it.
        let lucas = desk_as(&db.store, "lucas").await;
        lucas.set_presence(Some(case), PresenceState::Viewing).await.unwrap();
        assert_eq!(lucas.set_presence(Some(case), PresenceState::Drafting).await.unwrap_err().code, "forbidden");
    }
}
