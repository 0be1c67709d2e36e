//! The whole path against the Bluesky reference servers on loopback
//! (@atproto/dev-env): connect the brand's account (its app password into
//! the OS keychain), a customer's mention becomes a case, an agent's reply
//! goes out through the outbox and `getPostThread` on the server shows it in
//! the thread, once. On every backend.

#[path = "../../../connectors/tests/support/atproto_net.rs"]
mod atproto_net;

use std::time::{Duration, Instant};

use atproto_net::AtprotoNet;
use switchboard_core::outbox::OutboxState;
use switchboard_engine::Desk;
use switchboard_store::testing::stores;
use switchboard_vault::{Secret, SecretRef, Vault};

use crate::live_mastodon::keychain_here;

#[tokio::test]
async fn a_bluesky_mention_becomes_a_case_and_the_reply_shows_in_the_thread_on_the_server() {
    if !keychain_here() {
        return;
    }
    let Some(net) = AtprotoNet::start() else { return };
    let ana = net.ana().await;
    for (round, db) in stores().await.into_iter().enumerate() {
        let vault = Vault::new(&format!("app.switchboard.test.engine.bsky.{}", std::process::id()));
        let desk = Desk::with_store(db.store.clone()).await.unwrap().with_vault(vault);

        // A wrong app password is refused and nothing is kept.
        let err = desk.connect_bluesky(&net.pds, &net.lumen.handle, Secret::new("nope-nope-nope-nope")).await.unwrap_err();
        assert_eq!(err.code, "unauthorized", "{}: {err:?}", db.url);
        assert!(!err.message.contains("nope-nope"));
        assert!(desk.accounts().await.unwrap().is_empty(), "{}", db.url);

        let account = desk.connect_bluesky(&net.pds, &format!("@{}", net.lumen.handle), Secret::new(&net.lumen.password)).await.unwrap();
        assert_eq!((account.network.as_str(), account.name.as_str()), ("bluesky", "lumen.test"));

        let text = format!("@lumen.test the app logs me out every hour ({round})");
        let mention = ana.post(&text, Some((&net.lumen.handle, &net.lumen.did)), None).await;

        // The AppView indexes a moment after the PDS accepted the post.
        let deadline = Instant::now() + Duration::from_secs(20);
        let case_id = loop {
            desk.poll(account.id).await.unwrap();
            if let Ok(id) = db.store.case_of_post("bluesky", &mention.uri).await {
                break id;
            }
            assert!(Instant::now() < deadline, "{}: the mention never came in", db.url);
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        let detail = desk.case_detail(case_id).await.unwrap();
        assert!(detail.posts.iter().any(|p| p.text == text && p.author == "ana.test"), "{}", db.url);

        let reply = format!("@ana.test Sorry Ana, a fix ships tonight ({round}).");
        desk.queue_reply(case_id, &reply, false).await.unwrap();
        let sent: Vec<_> = desk.send_pending_replies().await.unwrap().into_iter().map(Result::unwrap).collect();
        assert_eq!(sent.len(), 1, "{}", db.url);
        assert_eq!(sent[0].state, OutboxState::Sent, "{}", db.url);
        let uri = sent[0].external_id.clone().unwrap();

        let ours = ana.replies_by(&mention.uri, &net.lumen.did, 1).await;
        assert_eq!(ours.len(), 1, "{}: the reply is in the thread on the server, once: {ours:?}", db.url);
        assert_eq!(ours[0]["post"]["uri"], uri.as_str());
        assert_eq!(ours[0]["post"]["record"]["text"], reply.as_str());
        let detail = desk.case_detail(case_id).await.unwrap();
        assert!(detail.posts.iter().any(|p| p.external_id == uri), "{}: and in the case's thread", db.url);
        assert!(detail.events.iter().any(|e| e.summary.contains("https://bsky.app/profile/lumen.test/post/")), "{}: a link on the timeline: {:?}", db.url, detail.events);

        desk.vault().delete(&SecretRef::parse(account.secret_ref.as_deref().unwrap()).unwrap()).unwrap();
    }
}
