//! The Settings screen's commands: which workspace this desk opens (a team
//! PostgreSQL whose password goes to the OS keychain and never comes back,
//! or the local file) and who is signed in. Signing in or out swaps the desk
//! in place; changing the workspace restarts the app, which then opens the
//! new one.

use std::time::Duration;

use switchboard_engine::signin::{connect_team, use_local, DeskStatus};
use switchboard_engine::DeskError;
use switchboard_vault::{Secret, Vault};
use tauri::State;

use crate::commands::Workspace;

type Reply<T> = Result<T, DeskError>;

/// Where this desk stands: the workspace, where it came from, who it is.
#[tauri::command]
pub async fn desk_status(ws: State<'_, Workspace>) -> Reply<DeskStatus> {
    ws.desk()?.desk_status().await
}

/// Signs this desk in; from now on every command acts as that member.
#[tauri::command]
pub async fn sign_in(ws: State<'_, Workspace>, handle: String, passphrase: String) -> Reply<DeskStatus> {
    let passphrase = Secret::new(passphrase);
    let desk = ws.desk()?.sign_in(&handle, &passphrase).await?;
    ws.replace(desk.clone());
    desk.desk_status().await
}

/// Signs this desk out (on a team workspace it then acts as nobody).
#[tauri::command]
pub async fn sign_out(ws: State<'_, Workspace>) -> Reply<DeskStatus> {
    let desk = ws.desk()?.sign_out().await?;
    ws.replace(desk.clone());
    desk.desk_status().await
}

/// Restarts the app shortly, once the reply reached the window.
fn restart_soon(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        app.restart();
    });
}

/// Checks the team workspace at `url` answers, keeps the URL (without
/// password) in the desk's profile and `password` in the keychain, then
/// restarts the app on it. Returns the URL as kept.
#[tauri::command]
pub async fn connect_team_workspace(app: tauri::AppHandle, url: String, password: Option<String>) -> Reply<String> {
    let password = password.map(Secret::new);
    let bare = connect_team(&url, password.clone(), &Vault::default()).await.map_err(|mut e| {
        // A driver message never carries it, but make sure.
        if let Some(p) = password.as_ref().filter(|p| !p.expose().is_empty()) {
            e.message = e.message.replace(p.expose(), "***");
        }
        e
    })?;
    restart_soon(app);
    Ok(bare)
}

/// Back to the local file: the app restarts on it.
#[tauri::command]
pub async fn use_local_workspace(app: tauri::AppHandle) -> Reply<()> {
    use_local(&Vault::default())?;
    restart_soon(app);
    Ok(())
}
