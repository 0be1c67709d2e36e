//! `switchboard presence ...`: this member's presence from the command line
//! (a second desk in tests and demos) and who else is on the desk.
//!
//! ```text
//! switchboard presence [list] [--json]          who else is online, and on which case
//! switchboard presence view CASE [--hold SECS]  viewing CASE
//! switchboard presence draft CASE [--hold SECS] drafting a reply on CASE
//! switchboard presence online [--hold SECS]     online, no case
//! switchboard presence clear                    gone
//! ```
//! The command's desk session is `cli`, one per member: a later command
//! replaces what an earlier one said. Without `--hold` the presence is set
//! once and lasts its 45 s; with it the command heartbeats every 15 s for
//! SECS seconds (or until SIGINT/SIGTERM), then clears it. Names are printed
//! with control characters replaced.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use switchboard_core::presence::{PresenceState, HEARTBEAT_MS};
use switchboard_engine::Desk;

use crate::terminal::clean;
use crate::signals::shutdown_signal;

/// The desk session this command speaks for.
const SESSION: &str = "cli";

#[derive(clap::Subcommand, Debug, Clone)]
pub enum PresenceWhat {
    /// Who else is online, and on which case (the default).
    List {
        /// One JSON object: {"online": [...], "cases": [...]}.
        #[arg(long)]
        json: bool,
    },
    /// Say this member is viewing the case.
    View {
        case: i64,
        #[command(flatten)]
        hold: Hold,
    },
    /// Say this member is drafting a reply on the case.
    Draft {
        case: i64,
        #[command(flatten)]
        hold: Hold,
    },
    /// Say this member is online, on no case.
    Online {
        #[command(flatten)]
        hold: Hold,
    },
    /// Say this member left.
    Clear,
}

#[derive(clap::Args, Debug, Clone)]
pub struct Hold {
    /// Keep the presence for SECS seconds with a heartbeat, then clear it.
    #[arg(long, value_name = "SECS")]
    hold: Option<u64>,
}


pub async fn run(desk: &Desk, what: Option<PresenceWhat>) -> Result<ExitCode> {
    let (state, case, hold) = match what.unwrap_or(PresenceWhat::List { json: false }) {
        PresenceWhat::List { json } => return list(desk, json).await,
        PresenceWhat::Clear => {
            desk.clear_presence_in(SESSION).await?;
            println!("{} left", clean(&desk.me().handle));
            return Ok(ExitCode::SUCCESS);
        }
        PresenceWhat::View { case, hold } => (PresenceState::Viewing, Some(case), hold.hold),
        PresenceWhat::Draft { case, hold } => (PresenceState::Drafting, Some(case), hold.hold),
        PresenceWhat::Online { hold } => (PresenceState::Online, None, hold.hold),
    };
    desk.set_presence_in(SESSION, case, state).await?;
    let on = case.map(|c| format!(" on case #{c}")).unwrap_or_default();
    println!("{} is {}{on}", clean(&desk.me().handle), state.as_str());
    let Some(secs) = hold else { return Ok(ExitCode::SUCCESS) };
    let until = tokio::time::Instant::now() + Duration::from_secs(secs);
    let shutdown = shutdown_signal()?;
    tokio::pin!(shutdown);
    loop {
        let beat = tokio::time::Instant::now() + Duration::from_millis(HEARTBEAT_MS as u64);
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep_until(beat.min(until)) => {}
        }
        if tokio::time::Instant::now() >= until {
            break;
        }
        if let Err(e) = desk.set_presence_in(SESSION, case, state).await {
            eprintln!("switchboard: heartbeat failed: {e}");
        }
    }
    desk.clear_presence_in(SESSION).await?;
    println!("{} left", clean(&desk.me().handle));
    Ok(ExitCode::SUCCESS)
}

async fn list(desk: &Desk, json: bool) -> Result<ExitCode> {
    let online = desk.online_members().await?;
    let cases = desk.presence_summary().await?;
    if json {
        println!("{}", serde_json::json!({ "online": online, "cases": cases }));
        return Ok(ExitCode::SUCCESS);
    }
    if online.is_empty() {
        println!("nobody else is online");
    }
    for p in &online {
        let on = p.case_id.map(|c| format!(" case #{c}")).unwrap_or_default();
        println!("{}\t{}{on}", clean(&p.handle), p.state.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

