//! Presence and mentions in the app: the window says what this desk is
//! doing (a heartbeat while a case is open, `drafting` while the reply box
//! has text, cleared when it closes) and reads who else is on a case, on the
//! inbox's cases and online; the bell's notifications. [`watch_mentions`]
//! raises a desktop notification for each new mention of this desk's member:
//! who mentioned them and the case number, never the note's text. Errors
//! cross as `{code, message}`.

use std::time::Duration;

use switchboard_core::live::{MENTION, RESYNC};
use switchboard_core::presence::{CasePresence, Notification, Presence, PresenceState};
use switchboard_engine::DeskError;
use tauri::State;

use crate::commands::Workspace;

type Reply<T> = Result<T, DeskError>;

/// Says what this desk is doing: `online`, or `viewing` / `drafting` the case.
#[tauri::command]
pub async fn presence_set(ws: State<'_, Workspace>, case_id: Option<i64>, state: String) -> Reply<bool> {
    let Some(state) = PresenceState::parse(state.trim()) else {
        return Err(DeskError::invalid(format!("presence is online, viewing or drafting, not {state:?}")));
    };
    ws.desk()?.set_presence(case_id, state).await
}

/// This desk left (the window closes).
#[tauri::command]
pub async fn presence_clear(ws: State<'_, Workspace>) -> Reply<bool> {
    ws.desk()?.clear_presence().await
}

/// Everyone else on the case (drafters first).
#[tauri::command]
pub async fn presence_on(ws: State<'_, Workspace>, case_id: i64) -> Reply<Vec<Presence>> {
    ws.desk()?.presence_on(case_id).await
}

/// Who else views or drafts on which case, for the inbox rows.
#[tauri::command]
pub async fn presence_summary(ws: State<'_, Workspace>) -> Reply<Vec<CasePresence>> {
    ws.desk()?.presence_summary().await
}

/// Everyone else online.
#[tauri::command]
pub async fn online_members(ws: State<'_, Workspace>) -> Reply<Vec<Presence>> {
    ws.desk()?.online_members().await
}

/// This member's notifications, newest first.
#[tauri::command]
pub async fn notifications(ws: State<'_, Workspace>, unread_only: bool) -> Reply<Vec<Notification>> {
    ws.desk()?.notifications(unread_only).await
}

#[tauri::command]
pub async fn mark_notification_read(ws: State<'_, Workspace>, id: i64) -> Reply<()> {
    ws.desk()?.mark_read(id).await
}

/// The window is gone (closed): this desk's presence goes with it at once
/// rather than expiring (bounded wait; a failure only leaves it to expire).
pub fn on_window_event(window: &tauri::Window, event: &tauri::WindowEvent) {
    use tauri::Manager;
    if !matches!(event, tauri::WindowEvent::Destroyed) {
        return;
    }
    let Ok(desk) = window.state::<Workspace>().desk().cloned() else { return };
    tauri::async_runtime::block_on(async move {
        let _ = tokio::time::timeout(Duration::from_secs(2), desk.clear_presence()).await;
    });
}

/// The desktop notification for a mention: title and body, plain text.
pub fn mention_notice(n: &Notification) -> (String, String) {
    let who: String = n
        .actor
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | '&'))
        .take(64)
        .collect();
    (format!("Mentioned on case #{}", n.case_id), format!("@{who} mentioned you in a note on case #{}", n.case_id))
}

/// Raises a desktop notification for each mention of this desk's member
/// made while the app runs (those there when a member is first seen were
/// seen before). The desk is looked up afresh for each event: signing in as
/// someone else watches for them from then on.
pub fn watch_mentions(handle: tauri::AppHandle) {
    use std::collections::HashMap;
    use tauri::Manager;
    use tauri_plugin_notification::NotificationExt;
    tauri::async_runtime::spawn(async move {
        let current = |h: &tauri::AppHandle| h.state::<Workspace>().desk().cloned();
        let newest = |list: &[Notification]| list.iter().map(|n| n.id).max().unwrap_or(0);
        // Per member: the newest notification already seen.
        let mut seen: HashMap<i64, i64> = HashMap::new();
        loop {
            let stream = match current(&handle) {
                Ok(desk) => desk.subscribe().await,
                Err(e) => Err(e),
            };
            let mut stream = match stream {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("switchboard: mention notices unavailable: {}", e.message);
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            };
            if let Ok(desk) = current(&handle) {
                let all = desk.notifications(false).await.unwrap_or_default();
                seen.entry(desk.me().id).or_insert_with(|| newest(&all));
            }
            while let Some(ev) = stream.next().await {
                if ev.kind != MENTION && ev.kind != RESYNC {
                    continue;
                }
                let Ok(desk) = current(&handle) else { continue };
                let Ok(unread) = desk.notifications(true).await else { continue };
                let me = desk.me().id;
                let Some(last) = seen.get(&me).copied() else {
                    // A member signed in since: what is there now was there before.
                    let all = desk.notifications(false).await.unwrap_or_default();
                    seen.insert(me, newest(&all).max(newest(&unread)));
                    continue;
                };
                for n in unread.iter().rev().filter(|n| n.id > last) {
                    let (title, body) = mention_notice(n);
                    if let Err(e) = handle.notification().builder().title(title).body(body).show() {
                        eprintln!("switchboard: could not show a notification: {e}");
                    }
                }
                seen.insert(me, last.max(newest(&unread)));
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_notice_names_who_and_the_case_only() {
        let n = Notification { id: 1, kind: "mention".into(), case_id: 42, actor: "<b>kofi</b>\n".into(), created_at: 0, read_at: None };
        let (title, body) = mention_notice(&n);
        assert_eq!(title, "Mentioned on case #42");
        assert_eq!(body, "@bkofi/b mentioned you in a note on case #42");
    }
}
