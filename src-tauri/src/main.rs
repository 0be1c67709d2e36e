//! The Switchboard desktop app: opens the workspace (the SQLite file in the
//! platform data directory, or `SWITCHBOARD_DATABASE_URL`) and serves the
//! front end in `ui/`. All domain logic lives in `switchboard-engine`; this
//! crate only wires it to the window.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use commands::Workspace;
use switchboard_engine::Desk;

fn main() {
    // Open the workspace before the window so the first command finds it
    // ready. A failure is kept and shown by the UI, not a crash.
    let desk = tauri::async_runtime::block_on(Desk::open(None));
    if let Err(e) = &desk {
        eprintln!("switchboard: could not open the workspace: {}", e.message);
    }
    let result = tauri::Builder::default()
        .manage(Workspace(desk))
        .invoke_handler(tauri::generate_handler![
            commands::workspace_info,
            commands::load_demo,
            commands::inbox,
            commands::case_detail,
            commands::assign_case,
            commands::move_case,
            commands::set_status,
            commands::add_note,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("switchboard: the window could not start: {e}");
        std::process::exit(1);
    }
}
