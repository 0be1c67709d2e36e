//! Replies in-media through the outbox: stored before sending, sent once,
//! joined to the thread, failures kept with their reason, a crash between
//! the network's answer and its record resent with the same key.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::json;
use switchboard_connectors::{Connector, ConnectorError, Cursor, Health, Poll, ReplyRequest, SentReply};
use switchboard_core::case::EventKind;
use switchboard_core::outbox::OutboxState;
use switchboard_core::post::{Direction, NewPost};
use switchboard_engine::replies::send_outbox_item;
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;

/// A network that, like Mastodon, answers a repeated idempotency key with
/// the status it already made. It can be told to fail the next sends.
#[derive(Default)]
struct Network {
    by_key: Mutex<HashMap<String, String>>,
    requests: Mutex<Vec<ReplyRequest>>,
    failing: Mutex<u32>,
}

#[async_trait]
impl Connector for Network {
    fn channel(&self) -> &str {
        "mastodon"
    }
    async fn poll(&self, _: Option<&Cursor>) -> Result<Poll, ConnectorError> {
        Ok(Poll::default())
    }
    async fn send_reply(&self, req: ReplyRequest) -> Result<SentReply, ConnectorError> {
        self.requests.lock().unwrap().push(req.clone());
        {
            let mut failing = self.failing.lock().unwrap();
            if *failing > 0 {
                *failing -= 1;
                return Err(ConnectorError::Server(502));
            }
        }
        let mut by_key = self.by_key.lock().unwrap();
        let n = by_key.len() + 1;
        let id = by_key.entry(req.idempotency_key.clone()).or_insert_with(|| format!("9000{n}")).clone();
        Ok(SentReply { url: Some(format!("https://social.lumen.example/@lumen/{id}")), external_id: id })
    }
    async fn health(&self) -> Health {
        Health::Ok
    }
}

fn post(id: &str, author: &str, dir: Direction, reply_to: Option<&str>, minute: i64) -> IngestPost {
    IngestPost {
        post: NewPost {
            channel: "mastodon".into(),
            external_id: id.into(),
            author: author.into(),
            author_name: None,
            author_followers: None,
            direction: dir,
            text: format!("post {id}"),
            created_at: 1_700_000_000_000 + minute * 60_000,
            reply_to: reply_to.map(str::to_string),
            account: Some("lumen".into()),
            labels: Vec::new(),
        },
        conversation: None,
    }
}

#[tokio::test]
async fn a_reply_is_stored_then_sent_once_in_the_thread_and_survives_a_crash_and_a_failure() {
    for db in stores().await {
        let s = &db.store;
        let desk = Desk::with_store(s.clone()).await.unwrap();
        Ingestor::new(s, "test", "t")
            .write(&[
                post("1", "ana@social.example", Direction::Inbound, None, 0),
                post("2", "lumen", Direction::Outbound, Some("1"), 5),
                post("3", "ana@social.example", Direction::Inbound, Some("2"), 9),
            ])
            .await
            .unwrap();
        let case_id = s.case_of_post("mastodon", "1").await.unwrap();

        // No account on the network: a clear refusal, nothing stored.
        let err = desk.queue_reply(case_id, "We're on it", false).await.unwrap_err();
        assert!(err.message.contains("connect one"), "{}: {}", db.url, err.message);
        s.upsert_account("mastodon", "lumen", "http://127.0.0.1:9", &json!({}), None).await.unwrap();

        let version = s.case_summary(case_id).await.unwrap().version;
        let item = desk.queue_reply(case_id, "  Sorry Ana, a technician is on the way.  ", false).await.unwrap();
        assert_eq!((item.state, item.in_reply_to.as_str(), item.body.as_str()), (OutboxState::Queued, "3", "Sorry Ana, a technician is on the way."), "{}", db.url);
        assert_eq!(item.conversation.as_deref(), Some("1"), "{}", db.url);
        assert!(s.case_summary(case_id).await.unwrap().version > version, "{}: a reply is a change to the case", db.url);
        assert!(desk.queue_reply(case_id, "   ", false).await.is_err(), "{}", db.url);

        // The network fails once: the reason is kept, the item can be retried.
        let net = Network::default();
        *net.failing.lock().unwrap() = 1;
        let err = send_outbox_item(s, item.id, &net, "me").await.unwrap_err();
        assert_eq!(err.code, "server", "{}", db.url);
        let failed = s.outbox_item(item.id).await.unwrap();
        assert_eq!(failed.state, OutboxState::Failed, "{}", db.url);
        assert!(failed.last_error.as_deref().unwrap().contains("502"), "{}", db.url);

        // Retried: sent, in the thread, linked on the timeline.
        let sent = send_outbox_item(s, item.id, &net, "me").await.unwrap();
        assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 2), "{}", db.url);
        let detail = s.case_detail(case_id).await.unwrap();
        let last = detail.posts.last().unwrap();
        assert_eq!((last.direction, last.external_id.as_str(), last.reply_to.as_deref()), (Direction::Outbound, "90001", Some("3")), "{}", db.url);
        let kinds: Vec<EventKind> = detail.events.iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&EventKind::ReplyQueued) && kinds.contains(&EventKind::ReplyFailed) && kinds.contains(&EventKind::ReplySent), "{}: {kinds:?}", db.url);
        assert!(detail.events.iter().any(|e| e.kind == EventKind::ReplySent && e.summary.contains("https://social.lumen.example/@lumen/90001")), "{}", db.url);
        let keys: Vec<String> = net.requests.lock().unwrap().iter().map(|r| r.idempotency_key.clone()).collect();
        assert_eq!(keys, vec![item.idempotency_key.clone(), item.idempotency_key.clone()], "{}: one key for every attempt", db.url);

        // Sending a sent item does nothing.
        send_outbox_item(s, item.id, &net, "me").await.unwrap();
        assert_eq!(net.requests.lock().unwrap().len(), 2, "{}", db.url);

        // A crash after the network took a reply and before it was recorded:
        // the item is still `sending`; the next sender resends it with the
        // same key, the network answers with the status it made, and the
        // thread holds it once.
        let second = desk.queue_reply(case_id, "Update: fixed?", false).await.unwrap();
        assert!(s.claim_reply(second.id).await.unwrap());
        net.send_reply(ReplyRequest {
            in_reply_to: second.in_reply_to.clone(),
            conversation: second.conversation.clone(),
            text: second.body.clone(),
            direct: false,
            idempotency_key: second.idempotency_key.clone(),
            queued_at: 1_764_201_600_000,
        })
        .await
        .unwrap();
        let pending: Vec<i64> = s.pending_replies().await.unwrap().iter().map(|i| i.id).collect();
        assert_eq!(pending, vec![second.id], "{}: the crashed send waits to be finished", db.url);
        // While the claim is fresh it may be another desk sending right now: nobody else sends it.
        let other = send_outbox_item(s, second.id, &net, "kofi").await.unwrap();
        assert_eq!(other.state, OutboxState::Sending, "{}", db.url);
        assert_eq!(net.by_key.lock().unwrap().len(), 2, "{}: not sent a second time meanwhile", db.url);
        // Once the claim is older than any send can take, the sender is taken to have died.
        sqlx::query("UPDATE outbox SET claimed_at = claimed_at - $1 WHERE id = $2")
            .bind(switchboard_store::outbox::STALE_CLAIM_MS + 1)
            .bind(second.id)
            .execute(s.pool())
            .await
            .unwrap();
        let done = send_outbox_item(s, second.id, &net, "me").await.unwrap();
        assert_eq!(done.state, OutboxState::Sent, "{}", db.url);
        assert_eq!(net.by_key.lock().unwrap().len(), 2, "{}: the network made two statuses, not three", db.url);
        let outbound = s.case_detail(case_id).await.unwrap().posts.iter().filter(|p| p.direction == Direction::Outbound).count();
        assert_eq!(outbound, 3, "{}: the imported answer and two replies", db.url);
        assert!(s.pending_replies().await.unwrap().is_empty(), "{}", db.url);
        assert_eq!(s.case_replies(case_id).await.unwrap().len(), 2, "{}", db.url);
    }
}
