//! What each subcommand does, over the engine and the importers.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use switchboard_core::case::CaseStatus;
use switchboard_core::permission::Permission;
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_store::StoreError;
use switchboard_import::export::{self, Format};
use switchboard_import::{import_file, ImportOptions, Layout, Preset};

use crate::{AccountsWhat, AddNetwork, Cli, Command, ConnectWhat, ExportWhat, QueriesWhat};

/// Exit code of an import that finished but rejected some rows.
const REJECTED_ROWS: u8 = 3;
/// Exit code of a command used the wrong way (as clap's own refusals).
const BAD_USAGE: u8 = 2;

/// The default API of the networks that have one.
const X_API: &str = "https://api.x.com";
const REDDIT_API: &str = "https://oauth.reddit.com";
const BLUESKY_PDS: &str = "https://bsky.social";

pub async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Workspace { what: Some(w) } = &cli.command {
        if let Some(code) = crate::workspace_cmd::change(w).await? {
            return Ok(code);
        }
    }
    let desk = Desk::open(cli.db.as_deref()).await?;
    // The desk's own work on the team's behalf (polling, sending, rules,
    // timers) is done by a signed-in member's desk only, like every change.
    let background = matches!(cli.command, Command::Serve(_) | Command::Leases | Command::Triage | Command::Poll { .. } | Command::Send);
    if background && desk.needs_sign_in() {
        bail!("this team workspace asks desks to sign in first: switchboard signin HANDLE (a worker signs in as a member too)");
    }
    match cli.command {
        Command::Import { file, preset, map, channel, labels } => {
            let layout = match (preset, map) {
                (Some(p), None) => {
                    let mut l = Layout::preset(p.parse::<Preset>().map_err(anyhow::Error::msg)?);
                    if let Some(c) = channel {
                        l.channel = c;
                    }
                    l
                }
                (None, Some(spec)) => Layout::from_map(&spec, channel.as_deref().unwrap_or("import")).map_err(anyhow::Error::msg)?,
                _ => bail!("say how to read the file: --preset twcs|airline|jsonl or --map FIELD=COLUMN,..."),
            };
            let labels = labels
                .iter()
                .map(|l| {
                    l.split_once('=')
                        .map(|(f, c)| (f.trim().to_string(), c.trim().to_string()))
                        .filter(|(f, c)| !f.is_empty() && !c.is_empty())
                        .with_context(|| format!("--label {l:?} is not FIELD=COLUMN"))
                })
                .collect::<Result<Vec<_>>>()?;
            let opts = ImportOptions { layout, labels, batch: switchboard_import::run::BATCH };
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{msg:>9} [{bar:40}] {bytes}/{total_bytes} ({eta})")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            desk.require(Permission::ImportExport)?;
            let report = import_file(desk.store(), &file, &opts, |p| {
                bar.set_length(p.total_bytes);
                bar.set_position(p.bytes);
                bar.set_message(if p.pass == 1 { "checking" } else { "importing" });
            })
            .await?;
            bar.finish_and_clear();
            for bad in &report.rejected {
                eprintln!("{}: {bad}", file.display());
            }
            println!(
                "{} rows read: {} posts imported, {} already present, {} new cases, {} labels, {} rejected",
                report.rows,
                report.inserted,
                report.duplicates,
                report.new_cases,
                report.labels,
                report.rejected.len()
            );
            // Link, learn from the labels, understand and triage what came in.
            let done = desk.process_new().await?;
            let trained: Vec<String> = done
                .training
                .fields
                .iter()
                .filter(|f| f.retrained)
                .map(|f| format!("{} from {} labels", f.field, f.labels))
                .collect();
            println!(
                "{} posts understood{}, {} authors linked to customers, {} cases triaged",
                done.understood.scored,
                if trained.is_empty() { String::new() } else { format!(" (models learned: {})", trained.join(", ")) },
                done.identity.linked,
                done.triage.cases
            );
            Ok(if report.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(REJECTED_ROWS) })
        }
        Command::Export { what, format, out } => {
            let format: Format = format.parse().map_err(anyhow::Error::msg)?;
            desk.require(Permission::ImportExport)?;
            let sink: Box<dyn Write> = match &out {
                Some(path) => Box::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?),
                None => Box::new(std::io::stdout().lock()),
            };
            let written = match what {
                ExportWhat::Posts => export::export_posts(desk.store(), format, sink).await,
                ExportWhat::Cases => export::export_cases(desk.store(), format, sink).await,
            };
            let n = match written {
                // The reader went away (`| head`): stop quietly, as Unix tools do.
                Err(StoreError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
                other => other?,
            };
            if out.is_some() || !std::io::stdout().is_terminal() {
                eprintln!("exported {n} rows");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Inbox { status, department, search, triage, limit } => {
            let mut q = InboxQuery { limit, search, needs_triage: triage, ..InboxQuery::default() };
            if let Some(s) = status {
                q.status = Some(CaseStatus::parse(&s).with_context(|| format!("unknown status {s:?}: new, open, pending, resolved"))?);
            }
            match department.as_deref() {
                Some("unrouted") => q.unrouted = true,
                Some(slug) => q.department_id = Some(desk.store().department_by_slug(slug).await?.id),
                None => {}
            }
            let page = desk.inbox(q).await?;
            println!("{} cases", page.total);
            for c in page.items {
                println!(
                    "#{:<7} {:>5.1} {:<8} {:<9} {:<20} {:<22} {}",
                    c.id,
                    c.priority,
                    c.status.as_str(),
                    c.channel,
                    c.department.unwrap_or_else(|| "-".into()),
                    c.author,
                    c.subject.chars().take(60).collect::<String>()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let info = desk.load_demo().await?;
            println!("demo workspace loaded: {} cases in {}", info.case_count, info.location);
            Ok(ExitCode::SUCCESS)
        }
        Command::Info => {
            let info = desk.workspace_info().await?;
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({
                "backend": info.backend,
                "location": info.location,
                "cases": info.case_count,
                "posts": desk.store().post_count().await?,
                "channels": info.channels,
                "departments": info.departments.iter().map(|d| &d.slug).collect::<Vec<_>>(),
                "members": info.members.len(),
                "me": info.me.map(|m| m.handle),
            }))?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect { what: ConnectWhat::Feed { url, name, channel } } => {
            let a = desk.connect_feed(&url, name.as_deref(), channel.as_deref()).await?;
            println!("connected #{}: {} {} ({})", a.id, a.network, a.name, a.base_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect { what: ConnectWhat::Mastodon { url, handle } } => {
            let a = desk.connect_mastodon(&url, &handle, read_token()?).await?;
            println!("connected #{}: mastodon {} ({}); the token is in the OS keychain", a.id, a.name, a.base_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect { what: ConnectWhat::X { handle, user_id, api } } => {
            let a = desk.connect_with_token("x", &api, &handle, Some(&user_id), read_token()?).await?;
            println!("connected #{}: x {} ({}); the token is in the OS keychain", a.id, a.name, a.base_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect { what: ConnectWhat::Reddit { handle, api } } => {
            let a = desk.connect_with_token("reddit", &api, &handle, None, read_token()?).await?;
            println!("connected #{}: reddit {} ({}); the token is in the OS keychain", a.id, a.name, a.base_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::Reply { case, text, text_flag, direct, template } => {
            let Some(text) = text_flag.or(text) else { return usage("say what to reply: reply CASE --text TEXT") };
            let item = desk.queue_reply_from(case, &text, direct, None, false, template.as_deref()).await?;
            println!("reply #{} stored for case #{case}", item.id);
            if let Some(a) = &item.approval {
                println!("reply #{} waits for approval by {} ({}): it is sent once approved", item.id, a.approver_name, a.reason);
            }
            send_all(&desk).await
        }
        Command::Send => send_all(&desk).await,
        Command::Approvals { what } => crate::approvals_cmd::run(&desk, what).await,
        Command::Serve(args) => crate::serve_cmd::serve_cmd(&desk, args).await,
        Command::Leases => crate::serve_cmd::leases_cmd(&desk).await,
        Command::Queries { what: QueriesWhat::Add { name, query, department, tag } } => {
            let q = desk.add_listening_query(&name, &query, department.as_deref(), tag.as_deref()).await?;
            println!(
                "listening query #{} {:?}: {}{}",
                q.id,
                q.name,
                q.query,
                q.tag.map(|t| format!("  (tag {t})")).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Queries { what: QueriesWhat::List } => list_queries(&desk).await,
        Command::Customers { what } => crate::customers_cmd::run(&desk, what).await,
        Command::Report(args) => crate::report_cmd::run(&desk, args).await,
        Command::Alerts(args) => crate::alerts_cmd::run(&desk, args).await,
        Command::Audit { what } => crate::audit_cmd::run(&desk, what).await,
        Command::Members { what } => crate::members_cmd::members(&desk, what).await,
        Command::Desk { what } => crate::members_cmd::desk_as(&desk, what).await,
        Command::Presence { what } => crate::presence_cmd::run(&desk, what).await,
        Command::Workspace { .. } => crate::workspace_cmd::show(&desk).await,
        Command::Signin(args) => crate::workspace_cmd::signin(&desk, args).await,
        Command::Signout => crate::workspace_cmd::signout(&desk).await,
        Command::Whoami => crate::workspace_cmd::whoami(&desk).await,
        Command::Rules { what } => crate::team_cmd::run(&desk, "rules", what).await,
        Command::Playbook { what } => crate::team_cmd::run(&desk, "playbook", what).await,
        Command::Sla { what } => crate::team_cmd::run(&desk, "sla", what).await,
        Command::Triage => crate::team_cmd::triage(&desk).await,
        Command::Suggest { case } => crate::team_cmd::suggest(&desk, case).await,
        Command::Case { what } => crate::case_cmd::run(&desk, what).await,
        Command::Claim { case } => {
            let d = desk.claim(case).await?;
            println!("case #{case} is yours ({})", d.case.assignee.as_deref().unwrap_or("assigned"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Accounts { what: None | Some(AccountsWhat::List) } => {
            for a in desk.accounts().await? {
                let last = a.last_poll_at.map(switchboard_core::time::to_rfc3339).unwrap_or_else(|| "never".into());
                println!(
                    "#{:<4} {:<8} {:<32} {:>7} posts  last poll {}{}",
                    a.id,
                    a.network,
                    a.name,
                    a.posts_fetched,
                    last,
                    a.last_error.map(|e| format!("  last error: {e}")).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Accounts { what: Some(AccountsWhat::Add { network, base_url, handle, user_id, channel, name, oauth, oauth_args }) } => {
            add_account(&desk, network, base_url, handle, user_id, channel, name, oauth, &oauth_args).await
        }
        Command::Poll { account, once: _ } => {
            let accounts: Vec<_> = match account {
                Some(id) => vec![desk.store().account(id).await?],
                None => desk.accounts().await?.into_iter().filter(|a| a.enabled).collect(),
            };
            let mut failed = false;
            let now = switchboard_core::time::now_ms();
            for a in accounts {
                let id = a.id;
                match desk.poll(id).await {
                    Ok(o) => println!(
                        "#{id} {} {}: {} fetched, {} new posts, {} new cases, {} routed",
                        a.network, a.name, o.fetched, o.stored, o.new_cases, o.routed
                    ),
                    Err(e) => {
                        failed = true;
                        eprintln!("#{id}: {}", e.message);
                    }
                }
                match desk.search_account(id, now).await {
                    Ok(s) => {
                        if s.searches > 0 {
                            println!(
                                "#{id} {} {}: {} searches, {} found, {} kept, {} new posts, {} new cases, {} routed, {} tagged",
                                a.network, a.name, s.searches, s.fetched, s.kept, s.stored, s.new_cases, s.routed, s.tagged
                            );
                        }
                        if s.not_due > 0 {
                            println!("#{id} {} {}: {} searches not due yet", a.network, a.name, s.not_due);
                        }
                        for e in &s.errors {
                            eprintln!("#{id}: {e}");
                        }
                        failed |= s.failed > 0;
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!("#{id}: searches: {}", e.message);
                    }
                }
            }
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
    }
}

/// `accounts add`: one path per network; the secret is read only once the
/// arguments are known to be complete.
#[allow(clippy::too_many_arguments)]
async fn add_account(
    desk: &Desk,
    network: AddNetwork,
    base_url: Option<String>,
    handle: Option<String>,
    user_id: Option<String>,
    channel: Option<String>,
    name: Option<String>,
    oauth: bool,
    oauth_args: &crate::oauth_cmd::OAuthArgs,
) -> Result<ExitCode> {
    if oauth {
        // The browser sign-in: the token comes from the network's OAuth page
        // (crates/cli/src/oauth_cmd.rs) instead of standard input.
        let network = match network {
            AddNetwork::X => "x",
            AddNetwork::Reddit => "reddit",
            AddNetwork::Mastodon => "mastodon",
            _ => return usage("--oauth connects x, reddit or mastodon accounts"),
        };
        return crate::oauth_cmd::add_with_oauth(desk, network, base_url, handle, user_id, oauth_args).await;
    }
    let handle_of = |what: &str| -> std::result::Result<String, String> {
        handle.clone().filter(|h| !h.trim().is_empty()).ok_or_else(|| format!("a {what} account needs --handle"))
    };
    let account = match network {
        AddNetwork::Rss => {
            let Some(url) = base_url else { return usage("a feed needs its address: accounts add rss --base-url URL") };
            desk.connect_feed(&url, name.as_deref(), channel.as_deref()).await?
        }
        AddNetwork::Mastodon => {
            let Some(url) = base_url else { return usage("a Mastodon account needs its instance: --base-url https://...") };
            let handle = match handle_of("Mastodon") {
                Ok(h) => h,
                Err(m) => return usage(&m),
            };
            desk.connect_mastodon(&url, &handle, read_token()?).await?
        }
        AddNetwork::X => {
            let handle = match handle_of("X") {
                Ok(h) => h,
                Err(m) => return usage(&m),
            };
            let Some(user_id) = user_id else { return usage("an X account needs its numeric user id: --user-id ID") };
            let api = base_url.unwrap_or_else(|| X_API.to_string());
            desk.connect_with_token("x", &api, &handle, Some(&user_id), read_token()?).await?
        }
        AddNetwork::Reddit => {
            let handle = match handle_of("Reddit") {
                Ok(h) => h,
                Err(m) => return usage(&m),
            };
            let api = base_url.unwrap_or_else(|| REDDIT_API.to_string());
            desk.connect_with_token("reddit", &api, &handle, None, read_token()?).await?
        }
        AddNetwork::Bluesky => {
            let handle = match handle_of("Bluesky") {
                Ok(h) => h,
                Err(m) => return usage(&m),
            };
            let pds = base_url.unwrap_or_else(|| BLUESKY_PDS.to_string());
            desk.connect_bluesky(&pds, &handle, read_token()?).await?
        }
    };
    match account.secret_ref {
        Some(_) => println!("connected #{}: {} {} ({}); the secret is in the OS keychain", account.id, account.network, account.name, account.base_url),
        None => println!("connected #{}: {} {} ({})", account.id, account.network, account.name, account.base_url),
    }
    Ok(ExitCode::SUCCESS)
}

/// `queries list`: each query, then where its search stands on each account.
async fn list_queries(desk: &Desk) -> Result<ExitCode> {
    let departments = desk.store().departments().await?;
    let accounts = desk.accounts().await?;
    let searches = desk.store().listening_searches().await?;
    for q in desk.store().listening_queries().await? {
        let dept = q.department_id.and_then(|d| departments.iter().find(|x| x.id == d)).map(|d| d.slug.as_str()).unwrap_or("-");
        println!(
            "#{:<4} {:<20} → {:<18} {:>6} matches  {}{}",
            q.id,
            q.name,
            dept,
            q.matches,
            q.query,
            q.tag.as_deref().map(|t| format!("  tag {t}")).unwrap_or_default()
        );
        for s in searches.iter().filter(|s| s.query_id == q.id) {
            let Some(a) = accounts.iter().find(|a| a.id == s.account_id) else { continue };
            let last = s.last_search_at.map(switchboard_core::time::to_rfc3339).unwrap_or_else(|| "never".into());
            println!(
                "      searched on {} {} as {:?}: {} posts found, last search {}{}",
                a.network,
                a.name,
                s.search,
                s.posts_found,
                last,
                s.last_error.as_deref().map(|e| format!("  last error: {e}")).unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A refusal of how the command was used: the reason on stderr, exit 2.
fn usage(message: &str) -> Result<ExitCode> {
    eprintln!("switchboard: {message}");
    Ok(ExitCode::from(BAD_USAGE))
}

/// Sends what waits in the outbox; exit 1 if anything failed.
async fn send_all(desk: &Desk) -> Result<ExitCode> {
    let mut failed = false;
    for sent in desk.send_pending_replies().await? {
        match sent {
            Ok(item) => println!(
                "reply #{} sent as {}{}",
                item.id,
                item.external_id.unwrap_or_default(),
                item.url.map(|u| format!(" ({u})")).unwrap_or_default()
            ),
            Err(e) => {
                failed = true;
                eprintln!("{}", e.message);
            }
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The access token: from SWITCHBOARD_TOKEN or standard input, never from the
/// command line (other users see that in the process list).
fn read_token() -> Result<switchboard_vault::Secret> {
    let token = match std::env::var("SWITCHBOARD_TOKEN") {
        Ok(t) if !t.trim().is_empty() => t,
        _ => {
            if std::io::stdin().is_terminal() {
                eprintln!("paste the access token, then Enter:");
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).context("cannot read the token")?;
            line
        }
    };
    let token = token.trim();
    if token.is_empty() {
        bail!("no access token given (standard input or SWITCHBOARD_TOKEN)");
    }
    Ok(switchboard_vault::Secret::new(token))
}
