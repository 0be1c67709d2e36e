//! Live updates in the window: every case change any desk commits (heard
//! through the engine's subscription) is forwarded as a `case-changed` event
//! carrying the `LiveEvent`, so the inbox and an open case refresh themselves.

use std::time::Duration;

use switchboard_engine::Desk;
use tauri::{Emitter, Manager};

use crate::commands::Workspace;

/// Starts forwarding for as long as the app runs; a lost subscription is
/// opened again (the window is told to resync, as events may have been missed).
pub fn start(desk: Desk, handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            match desk.subscribe().await {
                Ok(mut stream) => {
                    while let Some(ev) = stream.next().await {
                        // Nothing reaches a window nobody is signed in to.
                        let signed_in = handle.state::<Workspace>().desk().is_ok_and(|d| !d.needs_sign_in());
                        if signed_in {
                            let _ = handle.emit("case-changed", &ev);
                        }
                    }
                }
                Err(e) => eprintln!("switchboard: live updates unavailable: {}", e.message),
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
            let resync = switchboard_core::live::LiveEvent::resync(switchboard_core::time::now_ms());
            let _ = handle.emit("case-changed", &resync);
        }
    });
}
