//! The whole path against a real Mastodon API server on loopback
//! (mastodon-mock): connect the brand's account (its token into the OS
//! keychain), a customer's mention becomes a case, an agent's reply goes out
//! through the outbox and is visible in the thread on the server.

#[path = "../../../connectors/tests/support/mastodon_mock.rs"]
pub mod mastodon_mock;

use mastodon_mock::{Client, MockServer, ANA_TOKEN, LUMEN_TOKEN};
use serde_json::json;
use switchboard_core::outbox::OutboxState;
use switchboard_engine::Desk;
use switchboard_store::testing::stores;
use switchboard_vault::{Secret, Vault};

pub fn keychain_here() -> bool {
    if std::env::var_os("SWITCHBOARD_TEST_KEYCHAIN").is_some() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!("CI must run the keychain tests: run them through scripts/test.sh");
    }
    eprintln!("skipping: no test keychain (run through scripts/test.sh)");
    false
}

#[tokio::test]
async fn a_mention_becomes_a_case_and_the_reply_shows_in_the_thread_on_the_server() {
    if !keychain_here() {
        return;
    }
    let Some(server) = MockServer::start().await else { return };
    let ana = Client::new(&server, ANA_TOKEN);
    for (round, db) in stores().await.into_iter().enumerate() {
        let vault = Vault::new(&format!("app.switchboard.test.engine.{}", std::process::id()));
        let desk = Desk::with_store(db.store.clone()).await.unwrap().with_vault(vault);
        let account = desk.connect_mastodon(&server.base, "lumen", Secret::new(LUMEN_TOKEN)).await.unwrap();
        // Each backend starts after what the previous one saw: a mention of its own.
        let mention = ana.post_status(json!({ "status": format!("@lumen my fibre is down again ({round})") })).await;
        let mention_id = mention["id"].as_str().unwrap().to_string();

        let polled = desk.poll(account.id).await.unwrap();
        assert!(polled.stored >= 1, "{}: {polled:?}", db.url);
        let case_id = db.store.case_of_post("mastodon", &mention_id).await.unwrap();
        let detail = desk.case_detail(case_id).await.unwrap();
        assert!(detail.posts.iter().any(|p| p.text.contains("my fibre is down again")), "{}", db.url);

        desk.queue_reply(case_id, "@ana Sorry Ana, an engineer is on the way.", false).await.unwrap();
        for sent in desk.send_pending_replies().await.unwrap() {
            assert_eq!(sent.unwrap().state, OutboxState::Sent, "{}", db.url);
        }
        let thread = ana.descendants(&mention_id).await;
        let replies: Vec<_> = thread.iter().filter(|s| s["account"]["acct"] == "lumen" && s["in_reply_to_id"] == mention_id.as_str()).collect();
        assert_eq!(replies.len(), 1, "{}: the reply is in the thread on the server, once: {thread:?}", db.url);
        let detail = desk.case_detail(case_id).await.unwrap();
        assert!(detail.posts.iter().any(|p| p.external_id == replies[0]["id"].as_str().unwrap()), "{}: and in the case's thread", db.url);
        desk.vault().delete(&switchboard_vault::SecretRef::parse(account.secret_ref.as_deref().unwrap()).unwrap()).unwrap();
    }
}
