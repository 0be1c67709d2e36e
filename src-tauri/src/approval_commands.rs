//! Approvals in the app: the approver's queue of replies waiting for their
//! department, approve (optionally with an edited text; the reply is then
//! sent at once, and if sending fails it stays in the outbox with the reason)
//! and reject with a comment (back to its author, never sent). The backend
//! checks who may decide (see `switchboard_engine::approvals`). Errors cross
//! as `{code, message}`.

use switchboard_core::approval::ApprovalQueueItem;
use switchboard_core::outbox::OutboxItem;
use switchboard_engine::DeskError;
use tauri::State;

use crate::commands::Workspace;

type Reply<T> = Result<T, DeskError>;

/// The replies waiting for this member's decision, oldest first.
#[tauri::command]
pub async fn approval_queue(ws: State<'_, Workspace>) -> Reply<Vec<ApprovalQueueItem>> {
    ws.desk()?.approval_queue().await
}

/// Approves a waiting reply (`edit`: send this text instead) and sends it;
/// returns it as it ended (sent, or failed with the reason, still in the outbox).
#[tauri::command]
pub async fn approve_reply(ws: State<'_, Workspace>, reply_id: i64, edit: Option<String>) -> Reply<OutboxItem> {
    let desk = ws.desk()?;
    let approved = desk.approve_reply(reply_id, edit.as_deref().filter(|e| !e.trim().is_empty())).await?;
    match desk.send_reply_now(reply_id).await {
        Ok(sent) => Ok(OutboxItem { approval: approved.approval, ..sent }),
        Err(_) => {
            let mut item = desk.store().outbox_item(reply_id).await?;
            item.approval = approved.approval;
            Ok(item)
        }
    }
}

/// Rejects a waiting reply with a comment for its author.
#[tauri::command]
pub async fn reject_reply(ws: State<'_, Workspace>, reply_id: i64, comment: String) -> Reply<OutboxItem> {
    ws.desk()?.reject_reply(reply_id, &comment).await
}
