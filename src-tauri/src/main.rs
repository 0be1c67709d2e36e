//! The Switchboard desktop app: opens the workspace (`--db URL`, else
//! `SWITCHBOARD_DATABASE_URL`, else the SQLite file in the platform data
//! directory) and serves the front end in `ui/`. All domain logic lives in `switchboard-engine`; this
//! crate only wires it to the window.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod alert_watch;
mod approval_commands;
mod case_commands;
mod commands;
mod live_forward;
mod presence_commands;
mod report_commands;
mod team_commands;
mod settings_commands;

use std::time::Duration;

use commands::Workspace;
use switchboard_engine::Desk;
use tauri::{Emitter, Manager};

/// How often the app looks for accounts due a poll and replies to send.
const ROUND: Duration = Duration::from_secs(15);

fn main() {
    // Open the workspace before the window so the first command finds it
    // ready. A failure is kept and shown by the UI, not a crash.
    let db = match database_arg(std::env::args().skip(1)) {
        Ok(db) => db,
        Err(message) => {
            eprintln!("switchboard-desktop: {message}\nusage: switchboard-desktop [--db URL]");
            std::process::exit(2);
        }
    };
    let desk = tauri::async_runtime::block_on(Desk::open(db.as_deref()));
    if let Err(e) = &desk {
        eprintln!("switchboard: could not open the workspace: {}", e.message);
    }
    let worker = desk.as_ref().ok().cloned();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            // Listening while the app runs: poll what is due, send what waits,
            // and tell the window when new posts arrived.
            // Every desk's changes, as they commit (`case-changed`).
            if let Some(desk) = worker.clone() {
                live_forward::start(desk, app.handle().clone());
            }
            // A desktop notification for each new @mention of this desk's member.
            presence_commands::watch_mentions(app.handle().clone());
            if let Some(first) = worker {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    // Alerts open at start were seen before: only new ones are announced.
                    let mut watch = alert_watch::AlertWatch::default();
                    if let Ok(known) = first.list_alerts(None).await {
                        watch.prime(&known);
                    }
                    // Accounts, SLA clocks and outbox under the leases `switchboard serve` workers share.
                    let leases = switchboard_engine::worker::Worker::for_desk(&first);
                    loop {
                        tokio::time::sleep(ROUND).await;
                        // The desk as it is now: signing in or out swaps it; a desk
                        // nobody is signed in to does no work on the team's behalf.
                        let desk = match handle.state::<Workspace>().desk() {
                            Ok(d) if !d.needs_sign_in() => d.clone(),
                            _ => continue,
                        };
                        match desk.run_due_leased(&leases, switchboard_core::time::now_ms()).await {
                            Ok(r) if r.stored + r.sent == 0 => {}
                            Ok(r) => {
                                let _ = handle.emit("workspace-changed", r.stored + r.sent);
                            }
                            Err(e) => eprintln!("switchboard: background round failed: {}", e.message),
                        }
                        announce_alerts(&desk, &handle, &mut watch).await;
                    }
                });
            }
            Ok(())
        })
        .manage(Workspace::new(desk))
        // Closing the window clears this desk's presence (else it expires).
        .on_window_event(presence_commands::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::workspace_info,
            commands::load_demo,
            commands::inbox,
            commands::case_detail,
            commands::assign_case,
            commands::move_case,
            commands::hand_off_case,
            commands::set_status,
            commands::add_note,
            commands::accounts,
            commands::connect_feed,
            commands::connect_account,
            commands::connect_oauth,
            commands::cancel_oauth,
            commands::poll_account,
            commands::listening_queries,
            commands::add_listening_query,
            commands::reply,
            commands::send_replies,
            commands::case_replies,
            case_commands::correct_prediction,
            case_commands::suggested_reply,
            case_commands::claim_case,
            team_commands::team_config_text,
            team_commands::check_rules,
            team_commands::save_team_config,
            team_commands::dry_run_rules,
            team_commands::link_suggestions,
            team_commands::accept_link_suggestion,
            team_commands::reject_link_suggestion,
            team_commands::identity_log,
            team_commands::undo_identity,
            team_commands::customers,
            team_commands::merge_customers,
            report_commands::report,
            report_commands::board,
            report_commands::report_cases,
            report_commands::report_csv,
            report_commands::save_report_csv,
            report_commands::alerts,
            report_commands::acknowledge_alert,
            report_commands::resolve_alert,
            presence_commands::presence_set,
            presence_commands::presence_clear,
            presence_commands::presence_on,
            presence_commands::presence_summary,
            presence_commands::online_members,
            presence_commands::notifications,
            presence_commands::mark_notification_read,
            approval_commands::approval_queue,
            approval_commands::approve_reply,
            approval_commands::reject_reply,
            settings_commands::desk_status,
            settings_commands::sign_in,
            settings_commands::sign_out,
            settings_commands::connect_team_workspace,
            settings_commands::use_local_workspace,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("switchboard: the window could not start: {e}");
        std::process::exit(1);
    }
}

/// Judges the hours completed since the last round and raises a desktop
/// notification for each new open alert (aggregates only, see `alert_watch`);
/// tells the window (`alerts-changed`) so the board refreshes.
async fn announce_alerts(desk: &Desk, handle: &tauri::AppHandle, watch: &mut alert_watch::AlertWatch) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = desk.detect().await {
        eprintln!("switchboard: alert detection failed: {}", e.message);
        return;
    }
    let open = match desk.list_alerts(Some(switchboard_core::alert::AlertStatus::Open)).await {
        Ok(open) => open,
        Err(e) => {
            eprintln!("switchboard: could not read the alerts: {}", e.message);
            return;
        }
    };
    let fresh = watch.fresh(&open);
    if fresh.is_empty() {
        return;
    }
    for a in &fresh {
        let (title, body) = alert_watch::notice(a);
        if let Err(e) = handle.notification().builder().title(title).body(body).show() {
            eprintln!("switchboard: could not show a notification: {e}");
        }
    }
    let _ = handle.emit("alerts-changed", fresh.len());
}

/// `--db URL` or `--db=URL`; nothing else is accepted.
fn database_arg(mut args: impl Iterator<Item = String>) -> Result<Option<String>, String> {
    let mut db = None;
    while let Some(arg) = args.next() {
        if arg == "--db" {
            db = Some(args.next().ok_or("--db needs a URL (sqlite:///path/file.db or postgres://...)")?);
        } else if let Some(url) = arg.strip_prefix("--db=") {
            db = Some(url.to_string());
        } else {
            return Err(format!("unknown argument {arg:?}"));
        }
    }
    Ok(db)
}
