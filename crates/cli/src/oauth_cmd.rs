//! `switchboard accounts add x|reddit|mastodon --oauth ...`: connects an
//! account by signing in on the network's own page. The address is printed
//! (for a headless box) and opened in the system browser; the command waits
//! for the redirect on 127.0.0.1, then the desk checks the token and keeps
//! it, with the refresh token, in the OS keychain.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use switchboard_engine::oauth::{ConsoleBrowser, Endpoints, OAuthClient};
use switchboard_engine::Desk;
use switchboard_vault::Secret;

const X_API: &str = "https://api.x.com";
const REDDIT_API: &str = "https://oauth.reddit.com";

/// The options of the OAuth sign-in, flattened into `accounts add`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OAuthArgs {
    /// With --oauth: the client id of the app registered with the network
    /// (Mastodon: leave it out to register an app on the instance).
    #[arg(long)]
    pub client_id: Option<String>,
    /// With --oauth: read the app's client secret from standard input (a
    /// confidential app; X public clients and Reddit installed apps have none).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// With --oauth: the port of the redirect URI registered with the app,
    /// http://127.0.0.1:PORT/callback (X and Reddit need the exact one;
    /// default: any free port, fine for Mastodon).
    #[arg(long)]
    pub redirect_port: Option<u16>,
    /// With --oauth: only print the address, do not open a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// With --oauth: how long to wait for the sign-in, in seconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub oauth_timeout: u64,
    /// Another authorization server's sign-in page (tests, self-hosted).
    #[arg(long, hide = true, requires = "token_url")]
    pub authorize_url: Option<String>,
    /// Another authorization server's token address (tests, self-hosted).
    #[arg(long, hide = true, requires = "authorize_url")]
    pub token_url: Option<String>,
}

fn usage(message: &str) -> Result<ExitCode> {
    eprintln!("switchboard: {message}");
    Ok(ExitCode::from(2))
}

/// Runs the sign-in for `network` (`x`, `reddit` or `mastodon`) and connects
/// the account; `base_url` is the instance (mastodon) or the API (x, reddit).
pub async fn add_with_oauth(
    desk: &Desk,
    network: &str,
    base_url: Option<String>,
    handle: Option<String>,
    user_id: Option<String>,
    args: &OAuthArgs,
) -> Result<ExitCode> {
    let Some(handle) = handle.filter(|h| !h.trim().is_empty()) else {
        return usage(&format!("a {network} account needs --handle"));
    };
    let base = match (network, base_url) {
        (_, Some(url)) => url,
        ("x", None) => X_API.to_string(),
        ("reddit", None) => REDDIT_API.to_string(),
        ("mastodon", None) => return usage("a Mastodon account needs its instance: --base-url https://..."),
        (other, None) => return usage(&format!("--oauth connects x, reddit or mastodon accounts, not {other}")),
    };
    if network == "x" && user_id.as_deref().is_none_or(|id| id.trim().is_empty()) {
        return usage("an X account needs its numeric user id: --user-id ID");
    }
    let client_id = args.client_id.clone().unwrap_or_default();
    if client_id.trim().is_empty() && network != "mastodon" {
        return usage(&format!("--oauth for {network} needs --client-id: the id of the app registered with {network}"));
    }
    let mut client = OAuthClient::new(client_id);
    client.redirect_port = args.redirect_port;
    client.timeout = Duration::from_secs(args.oauth_timeout);
    if args.client_secret_stdin {
        client.client_secret = Some(read_client_secret()?);
    }
    if let (Some(authorize_url), Some(token_url)) = (&args.authorize_url, &args.token_url) {
        client.endpoints = Some(Endpoints { authorize_url: authorize_url.clone(), token_url: token_url.clone() });
    }
    let opener = ConsoleBrowser { print_only: args.no_browser };
    let account = desk.connect_oauth(network, &base, &handle, user_id.as_deref(), client, &opener).await?;
    println!(
        "connected #{}: {} {} ({}); its tokens are in the OS keychain",
        account.id, account.network, account.name, account.base_url
    );
    Ok(ExitCode::SUCCESS)
}

/// The client secret, one line from standard input (never an argument,
/// which other users of the machine could see).
fn read_client_secret() -> Result<Secret> {
    if std::io::stdin().is_terminal() {
        eprint!("Client secret (it is shown as typed): ");
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("cannot read the client secret")?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}
