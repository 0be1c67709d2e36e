//! `switchboard members ...` and `switchboard desk as HANDLE`: the people who
//! work the desk, with their roles, their sign-in passphrases, and which of
//! them this workspace's desk (the app) acts as. An executive desk sees the
//! board's aggregates only. `desk as` chooses the member on a local workspace
//! (or a team one nobody has set a passphrase on yet); a team workspace with
//! passphrases refuses it: there a desk is who signs in (`switchboard signin`).
//! Names are printed with control characters replaced.

use std::process::ExitCode;

use anyhow::{bail, Result};
use switchboard_core::desk::Role;
use switchboard_engine::Desk;

use crate::terminal::clean;

/// The workspace setting the desk reads its member from (see the engine's desk).
const ME_SETTING: &str = "desk.member";

#[derive(clap::Subcommand, Debug, Clone)]
pub enum MembersWhat {
    /// Add a member (a handle already there is kept as it is).
    Add {
        handle: String,
        /// agent, lead, approver, executive or admin.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Display name (default: the handle).
        #[arg(long)]
        name: Option<String>,
        /// Department slug.
        #[arg(long)]
        department: Option<String>,
    },
    /// The members, with their roles.
    List,
    /// Set or reset a member's sign-in passphrase (read from standard input):
    /// an admin's, or the member's own (which also signs this desk in).
    Passphrase { handle: String },
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum DeskWhat {
    /// Make the desk (the app on this workspace) act as this member from its next start.
    As { handle: String },
}


pub async fn members(desk: &Desk, what: MembersWhat) -> Result<ExitCode> {
    let store = desk.store();
    match what {
        MembersWhat::Add { handle, role, name, department } => {
            let handle = handle.trim().trim_start_matches('@').to_string();
            if handle.is_empty() || handle.chars().any(|c| c.is_control() || c.is_whitespace()) {
                bail!("a member's handle is one word, not {handle:?}");
            }
            let Some(role) = Role::parse(role.trim()) else {
                bail!("no role {role:?} (agent, lead, approver, executive or admin)");
            };
            let department_id = match department {
                Some(slug) => Some(store.department_by_slug(&slug).await?.id),
                None => None,
            };
            let name = name.unwrap_or_else(|| handle.clone());
            let m = desk.add_member(&handle, &name, role, department_id).await?;
            if m.role != role {
                eprintln!("note: {} already exists as {}; kept as it is", clean(&m.handle), m.role.as_str());
            }
            println!("member #{} {} ({}) {}", m.id, clean(&m.handle), clean(&m.name), m.role.as_str());
        }
        MembersWhat::List => {
            let me = (!desk.needs_sign_in()).then(|| desk.me().id);
            for m in store.members().await? {
                let mark = if me == Some(m.id) { " (this desk)" } else { "" };
                println!("#{}\t{}\t{}\t{}{mark}", m.id, clean(&m.handle), clean(&m.name), m.role.as_str());
            }
        }
        MembersWhat::Passphrase { handle } => {
            let secret = crate::workspace_cmd::read_secret("passphrase")?;
            let m = desk.set_passphrase(&handle, &secret).await?;
            println!("passphrase set for {} ({}); their other desks must sign in again", clean(&m.handle), clean(&m.name));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn desk_as(desk: &Desk, what: DeskWhat) -> Result<ExitCode> {
    let DeskWhat::As { handle } = what;
    let store = desk.store();
    let handle = handle.trim().trim_start_matches('@');
    let Some(m) = store.members().await?.into_iter().find(|m| m.handle == handle) else {
        bail!("no member {handle:?}; add one with `switchboard members add {handle} --role ROLE`");
    };
    // On a team workspace that asks for sign-in, a desk is who signs in there.
    if store.backend() == switchboard_store::Backend::Postgres && store.sign_in_enabled().await? {
        bail!("this team workspace asks desks to sign in: `switchboard signin {handle}` (the passphrase on standard input)");
    }
    store.set_setting(ME_SETTING, &m.id.to_string()).await?;
    // A sign-in this desk remembers there would still win: forget it.
    switchboard_engine::signin::forget_sign_in(store.location())?;
    println!("the desk now acts as {} ({}), {}", clean(&m.handle), clean(&m.name), m.role.as_str());
    Ok(ExitCode::SUCCESS)
}
