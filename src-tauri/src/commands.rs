//! The commands the front end calls (`invoke` in ui/src/lib/api.ts). Each one
//! is a thin call into [`Desk`]; errors cross as `{code, message}`.

use switchboard_core::account::Account;
use switchboard_core::case::CaseStatus;
use switchboard_core::outbox::OutboxItem;
use switchboard_core::view::{CaseDetail, InboxPage, InboxQuery, WorkspaceInfo};
use switchboard_engine::listen::PollOutcome;
use switchboard_engine::{Desk, DeskError};
use tauri::State;

/// The open workspace, or why it could not be opened.
pub struct Workspace(pub Result<Desk, DeskError>);

impl Workspace {
    fn desk(&self) -> Result<&Desk, DeskError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

type Reply<T> = Result<T, DeskError>;

/// Largest inbox page one call may ask for.
const MAX_PAGE: i64 = 500;

#[tauri::command]
pub async fn workspace_info(ws: State<'_, Workspace>) -> Reply<WorkspaceInfo> {
    ws.desk()?.workspace_info().await
}

#[tauri::command]
pub async fn load_demo(ws: State<'_, Workspace>) -> Reply<WorkspaceInfo> {
    ws.desk()?.load_demo().await
}

#[tauri::command]
pub async fn inbox(ws: State<'_, Workspace>, query: InboxQuery) -> Reply<InboxPage> {
    if query.limit < 1 || query.limit > MAX_PAGE || query.offset < 0 {
        return Err(DeskError::invalid(format!("an inbox page holds 1 to {MAX_PAGE} cases from offset 0 or more")));
    }
    ws.desk()?.inbox(query).await
}

#[tauri::command]
pub async fn case_detail(ws: State<'_, Workspace>, case_id: i64) -> Reply<CaseDetail> {
    ws.desk()?.case_detail(case_id).await
}

#[tauri::command]
pub async fn assign_case(
    ws: State<'_, Workspace>,
    case_id: i64,
    member_id: Option<i64>,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.assign(case_id, member_id, expected_version).await
}

#[tauri::command]
pub async fn move_case(
    ws: State<'_, Workspace>,
    case_id: i64,
    department_id: Option<i64>,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.move_to(case_id, department_id, expected_version).await
}

#[tauri::command]
pub async fn set_status(
    ws: State<'_, Workspace>,
    case_id: i64,
    status: CaseStatus,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.set_status(case_id, status, expected_version).await
}

#[tauri::command]
pub async fn add_note(ws: State<'_, Workspace>, case_id: i64, body: String) -> Reply<CaseDetail> {
    ws.desk()?.add_note(case_id, body).await
}

#[tauri::command]
pub async fn accounts(ws: State<'_, Workspace>) -> Reply<Vec<Account>> {
    ws.desk()?.accounts().await
}

#[tauri::command]
pub async fn connect_feed(
    ws: State<'_, Workspace>,
    url: String,
    name: Option<String>,
    channel: Option<String>,
) -> Reply<Account> {
    ws.desk()?.connect_feed(&url, name.as_deref(), channel.as_deref()).await
}

#[tauri::command]
pub async fn poll_account(ws: State<'_, Workspace>, account_id: i64) -> Reply<PollOutcome> {
    ws.desk()?.poll(account_id).await
}

/// Writes a reply on the case and sends it. The reply is stored first: if
/// sending fails it stays in the outbox with the reason (see
/// `case_replies`), and the error says why.
#[tauri::command]
pub async fn reply(ws: State<'_, Workspace>, case_id: i64, body: String, direct: bool) -> Reply<CaseDetail> {
    let desk = ws.desk()?;
    let item = desk.queue_reply(case_id, &body, direct).await?;
    desk.send_reply_now(item.id).await?;
    desk.case_detail(case_id).await
}

/// Sends again what waits in the outbox (failed or interrupted replies).
#[tauri::command]
pub async fn send_replies(ws: State<'_, Workspace>) -> Reply<Vec<OutboxItem>> {
    let desk = ws.desk()?;
    let mut out = Vec::new();
    let mut first_error = None;
    for sent in desk.send_pending_replies().await? {
        match sent {
            Ok(item) => out.push(item),
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The case's replies with their state (queued, sending, sent, failed).
#[tauri::command]
pub async fn case_replies(ws: State<'_, Workspace>, case_id: i64) -> Reply<Vec<OutboxItem>> {
    Ok(ws.desk()?.store().case_replies(case_id).await.map_err(DeskError::from)?)
}
