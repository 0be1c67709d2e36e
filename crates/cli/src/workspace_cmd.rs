//! `switchboard workspace [connect URL | local]`, `signin HANDLE`, `signout`,
//! `whoami`: which workspace this desk opens (a team PostgreSQL, its URL in
//! the desk's profile and its password in the OS keychain, or the local
//! SQLite file) and which member it is signed in as. Passwords and
//! passphrases are read from standard input, never from the command line.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use switchboard_engine::profile::{profile_path, Profile};
use switchboard_engine::signin::{connect_team, use_local};
use switchboard_engine::Desk;
use switchboard_vault::{Secret, Vault};

use crate::terminal::clean;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum WorkspaceWhat {
    /// Open this team PostgreSQL from now on (checked first). The password
    /// (if the URL has none) is read from standard input with --password-stdin;
    /// it is kept in the OS keychain, the URL without it in the desk's profile.
    Connect {
        url: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Open the local SQLite file again.
    Local,
    /// Which workspace this desk opens (what `workspace` alone prints).
    Show,
}

#[derive(clap::Args, Debug, Clone)]
pub struct SigninArgs {
    /// The member's handle.
    pub handle: String,
    /// Read the passphrase from standard input (what happens anyway; for scripts that say so).
    #[arg(long)]
    pub passphrase_stdin: bool,
}

/// One line of standard input (a prompt on the terminal), without its line end.
pub fn read_secret(what: &str) -> Result<Secret> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{what}: ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).with_context(|| format!("cannot read the {what} from standard input"))?;
    let value = line.trim_end_matches(['\n', '\r']).to_string();
    if value.is_empty() {
        anyhow::bail!("no {what} on standard input");
    }
    Ok(Secret::new(value))
}

/// `workspace connect` and `workspace local`: they change what the desk opens
/// and do not need the current workspace.
pub async fn change(what: &WorkspaceWhat) -> Result<Option<ExitCode>> {
    let vault = Vault::default();
    match what {
        WorkspaceWhat::Connect { url, password_stdin } => {
            let password = if *password_stdin { Some(read_secret("database password")?) } else { None };
            let bare = connect_team(url, password, &vault).await?;
            println!("this desk now opens the team workspace {bare}");
            println!("sign in with `switchboard signin HANDLE` (the passphrase on standard input)");
            Ok(Some(ExitCode::SUCCESS))
        }
        WorkspaceWhat::Local => {
            use_local(&vault)?;
            println!("this desk now opens its local workspace");
            Ok(Some(ExitCode::SUCCESS))
        }
        WorkspaceWhat::Show => Ok(None),
    }
}


/// `workspace` (show).
pub async fn show(desk: &Desk) -> Result<ExitCode> {
    let st = desk.desk_status().await?;
    let kind = match st.source {
        "team" => "team workspace",
        "local" => "local workspace",
        _ => "workspace given by --db / SWITCHBOARD_DATABASE_URL",
    };
    println!("{kind}: {} ({})", st.location, st.backend);
    if let Some(team) = Profile::load()?.team_url.filter(|_| st.source != "team") {
        println!("team workspace in the profile: {team}");
    }
    println!("profile: {}", profile_path().display());
    whoami(desk).await
}

/// `whoami`.
pub async fn whoami(desk: &Desk) -> Result<ExitCode> {
    let st = desk.desk_status().await?;
    match &st.me {
        Some(m) => println!(
            "{} ({}), {}{}",
            clean(&m.handle),
            clean(&m.name),
            m.role.as_str(),
            if st.signed_in { ", signed in" } else { "" }
        ),
        None => println!("nobody: this desk is not signed in (`switchboard signin HANDLE`)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `signin HANDLE`.
pub async fn signin(desk: &Desk, args: SigninArgs) -> Result<ExitCode> {
    let passphrase = read_secret("passphrase")?;
    let signed = desk.sign_in(&args.handle, &passphrase).await?;
    let m = signed.me();
    println!("signed in as {} ({}), {}", clean(&m.handle), clean(&m.name), m.role.as_str());
    Ok(ExitCode::SUCCESS)
}

/// `signout`.
pub async fn signout(desk: &Desk) -> Result<ExitCode> {
    let after = desk.sign_out().await?;
    if after.needs_sign_in() {
        println!("signed out; this desk acts as nobody until someone signs in");
    } else {
        println!("signed out; this desk acts as {}", clean(&after.me().handle));
    }
    Ok(ExitCode::SUCCESS)
}
