//! Direct messages on Bluesky: they live in Bluesky's chat service, reached
//! through the account's PDS with the `atproto-proxy` header
//! (`chat.bsky.convo.getConvoForMembers`, `getMessages`, `sendMessage`).
//! The chat API has no idempotency key, so before sending, the connector
//! reads the conversation's latest messages and returns an identical one it
//! sent since the reply was queued (a crash after sending, before it was
//! recorded); otherwise it sends once.

use serde::Deserialize;
use serde_json::json;

use super::session::Xrpc;
use crate::error::ConnectorError;

/// The chat service of the Bluesky network.
pub const CHAT_PROXY: &str = "did:web:api.bsky.chat#bsky_chat";

#[derive(Debug, Deserialize)]
struct ConvoOut {
    convo: Convo,
}

#[derive(Debug, Deserialize)]
struct Convo {
    id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    id: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    sender: Option<Sender>,
    #[serde(default)]
    sent_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Sender {
    did: String,
}

#[derive(Debug, Deserialize)]
struct Messages {
    #[serde(default)]
    messages: Vec<serde_json::Value>,
}

/// A sent message: its id and the conversation's.
pub struct SentMessage {
    pub convo_id: String,
    pub message_id: String,
}

/// Sends `text` to `recipient` (a DID) from the signed-in account `me`,
/// unless an identical message went out since `queued_at` (epoch ms).
pub async fn send_direct(xrpc: &Xrpc, me: &str, recipient: &str, text: &str, queued_at: i64) -> Result<SentMessage, ConnectorError> {
    let params = [("members", me.to_string()), ("members", recipient.to_string())];
    let convo: ConvoOut = xrpc.query_via("chat.bsky.convo.getConvoForMembers", &params, Some(CHAT_PROXY)).await?;
    let convo_id = convo.convo.id;
    let recent: Messages = xrpc
        .query_via("chat.bsky.convo.getMessages", &[("convoId", convo_id.clone()), ("limit", "50".to_string())], Some(CHAT_PROXY))
        .await?;
    // Deleted messages come as another kind of view: skip what does not read.
    let already = recent.messages.into_iter().filter_map(|m| serde_json::from_value::<Message>(m).ok()).find(|m| {
        m.sender.as_ref().is_some_and(|s| s.did == me)
            && m.text.as_deref() == Some(text)
            && m.sent_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).is_some_and(|t| t.timestamp_millis() >= queued_at)
    });
    if let Some(m) = already {
        return Ok(SentMessage { convo_id, message_id: m.id });
    }
    let body = json!({ "convoId": convo_id, "message": { "text": text } });
    let sent: Message = xrpc.procedure_via("chat.bsky.convo.sendMessage", &body, Some(CHAT_PROXY), false).await?;
    Ok(SentMessage { convo_id, message_id: sent.id })
}
