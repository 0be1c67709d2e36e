//! `switchboard`: the scriptable face of the desk.
//!
//! ```text
//! switchboard [--db URL] import FILE --preset twcs|airline|jsonl [--label FIELD=COL]...
//! switchboard [--db URL] import FILE --map text=COL,external_id=COL,created_at=COL,author=COL,... [--channel NAME]
//! switchboard [--db URL] export posts|cases [--format csv|jsonl] [--out FILE]
//! switchboard [--db URL] inbox [--status S] [--department SLUG] [--search TEXT] [--triage] [--limit N]
//! switchboard [--db URL] demo
//! switchboard [--db URL] info
//! switchboard [--db URL] accounts add rss|mastodon|x|reddit|bluesky --base-url URL [--handle H] [--user-id ID]
//!                                     [--channel C] [--name N] [--oauth]   (secret on stdin or in SWITCHBOARD_TOKEN)
//! switchboard [--db URL] accounts [list]
//! switchboard [--db URL] poll [--once] [--account ID]   (each account's new posts, then its listening searches)
//! switchboard [--db URL] reply CASE --text TEXT [--direct]   (or: reply CASE TEXT)
//! switchboard [--db URL] send
//! switchboard [--db URL] queries add NAME QUERY [--department SLUG] [--tag TAG] | queries list   (alias: listen)
//! switchboard [--db URL] case show|note|handoff|assign CASE ...   (handoff CASE --to SLUG --reason TEXT)
//! switchboard [--db URL] serve [--lease-secs N] [--round-ms N] [--poll-ms N] [--once] | leases
//! switchboard workspace [connect URL [--password-stdin] | local] | signin HANDLE | signout | whoami | members passphrase HANDLE
//! switchboard [--db URL] audit verify | audit log [--subject case:12] [--limit N] [--format table|json]
//! switchboard [--db URL] approvals [list [--json]] | approvals approve ID [--edit TEXT] | approvals reject ID --comment TEXT
//! switchboard [--db URL] presence [list [--json]] | presence view|draft CASE [--hold SECS] | presence online|clear
//! ```
//! Older spellings still work: `connect feed URL [--name N] [--channel C]`,
//! `connect mastodon URL --handle H`, `connect x --handle H --user-id ID [--api URL]`,
//! `connect reddit --handle H [--api URL]`, `accounts`, `listen add|list`.
//!
//! Exit codes: 0 done; 1 failed; 2 bad usage; 3 import finished but rejected rows.

mod alerts_cmd;
mod approvals_cmd;
mod audit_cmd;
mod case_cmd;
mod commands;
mod customers_cmd;
mod members_cmd;
mod oauth_cmd;
mod presence_cmd;
mod report_cmd;
mod serve_cmd;
mod signals;
mod team_cmd;
mod terminal;
mod workspace_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "switchboard", version, about = "Switchboard: the social customer care desk, from the command line")]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: switchboard.db in the data folder).
    #[arg(long, global = true, env = "SWITCHBOARD_DATABASE_URL", hide_env_values = true)]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bring past posts in; each conversation becomes a case. Importing twice adds nothing.
    Import {
        file: PathBuf,
        /// A known layout: twcs (Customer Support on Twitter), airline (Twitter US Airline Sentiment), jsonl.
        #[arg(long, conflicts_with = "map")]
        preset: Option<String>,
        /// Any CSV: FIELD=COLUMN pairs, e.g. text=body,external_id=id,created_at=date,author=user.
        /// Fields: external_id, text, created_at, author (required); author_name, followers, reply_to,
        /// inbound (True/False), direction (inbound/outbound), account.
        #[arg(long)]
        map: Option<String>,
        /// The channel the posts belong to (for --map and jsonl rows without one).
        #[arg(long)]
        channel: Option<String>,
        /// Record a column as the team's judgement: FIELD=COLUMN, e.g. sentiment=airline_sentiment.
        #[arg(long = "label")]
        labels: Vec<String>,
    },
    /// Write posts or cases to stdout or a file.
    Export {
        what: ExportWhat,
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the top of the inbox: priority first, then the longest waiting.
    Inbox {
        #[arg(long)]
        status: Option<String>,
        /// Department slug (contact-centre, marketing, pr, legal, sales, hr, investor-relations) or `unrouted`.
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        search: Option<String>,
        /// Only the triage queue: cases whose topic the model could not tell and nobody has set.
        #[arg(long)]
        triage: bool,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// The team report over a period: metrics per account, channel, department,
    /// topic and member, as JSON, CSV or a printable HTML page.
    Report(report_cmd::ReportArgs),
    /// Early-warning alerts (spikes in volume and negative posts): list,
    /// replay over the history, acknowledge, resolve, thresholds.
    Alerts(alerts_cmd::AlertsArgs),
    /// The hash-chained audit trail: verify the chain, list the latest entries.
    Audit {
        #[command(subcommand)]
        what: audit_cmd::AuditWhat,
    },
    /// Fill an empty workspace with the demo.
    Demo,
    /// Where the workspace is and what it holds.
    Info,
    /// Connect something to listen to (for now an RSS or Atom feed: reviews, news, blogs).
    Connect {
        #[command(subcommand)]
        what: ConnectWhat,
    },
    /// Routing rules (TOML): show, check, dry-run over past cases, save, history.
    Rules {
        #[command(subcommand)]
        what: team_cmd::ConfigWhat,
    },
    /// The playbook of response templates (TOML): show, check, save, history.
    Playbook {
        #[command(subcommand)]
        what: team_cmd::ConfigWhat,
    },
    /// SLA policies with business hours and holidays (TOML): show, check, save, history.
    Sla {
        #[command(subcommand)]
        what: team_cmd::ConfigWhat,
    },
    /// Apply the rules to cases with new customer posts, refresh SLA clocks.
    Triage,
    /// The playbook's suggested response for a case.
    Suggest { case: i64 },
    /// Claim an unassigned case for this desk's member (of two desks claiming
    /// at once, one wins; the other is told who).
    Claim { case: i64 },
    /// One case: show it, add a note, hand it off with a reason, assign it.
    Case {
        #[command(subcommand)]
        what: case_cmd::CaseWhat,
    },
    /// Customer records and their social handles: import, review the
    /// suggested links, link, unlink, merge, undo.
    Customers {
        #[command(subcommand)]
        what: customers_cmd::CustomersWhat,
    },
    /// Connected accounts and feeds: add one, or list them with their last
    /// poll and last error (`accounts` alone lists).
    Accounts {
        #[command(subcommand)]
        what: Option<AccountsWhat>,
    },
    /// Poll every connected account once (or one) and print what came in,
    /// then send the listening queries that are due to each account's network search.
    Poll {
        #[arg(long)]
        account: Option<i64>,
        /// Poll once and return (what `poll` always does; for scripts that say so).
        #[arg(long)]
        once: bool,
    },
    /// Answer a case in-media: the reply is stored in the outbox, then sent
    /// through the account the customer wrote to, in the same thread.
    Reply {
        case: i64,
        /// The reply (or give it with --text).
        #[arg(value_name = "TEXT", required_unless_present = "text_flag", conflicts_with = "text_flag")]
        text: Option<String>,
        /// The reply.
        #[arg(long = "text", id = "text_flag", value_name = "TEXT")]
        text_flag: Option<String>,
        /// Send it as a direct (private) message.
        #[arg(long)]
        direct: bool,
        /// The playbook template it was drafted from (its slug): a template
        /// that needs approval makes the reply wait in the approver's queue.
        #[arg(long, value_name = "SLUG")]
        template: Option<String>,
    },
    /// Send the replies waiting in the outbox (and finish any a crash interrupted).
    Send,
    /// Replies waiting for a department's approval (legal, PR, investor
    /// relations): list them, approve (optionally edited, then sent), reject with a comment.
    Approvals {
        #[command(subcommand)]
        what: Option<approvals_cmd::ApprovalsWhat>,
    },
    /// Work without a window until SIGINT/SIGTERM: poll the accounts, run the
    /// searches, rules, SLA clocks and outbox, each under a lease shared with
    /// other workers and desks (one process per account at a time).
    Serve(serve_cmd::ServeArgs),
    /// Who holds which lease (accounts, outbox, SLA clocks) and for how long.
    Leases,
    /// Listening queries: boolean searches checked on every incoming post and
    /// sent to each network's search where it has one.
    #[command(alias = "listen")]
    Queries {
        #[command(subcommand)]
        what: QueriesWhat,
    },
    /// The people who work the desk: add one with a role, list them.
    Members {
        #[command(subcommand)]
        what: members_cmd::MembersWhat,
    },
    /// Which member the desk (the app on this workspace) acts as.
    Desk {
        #[command(subcommand)]
        what: members_cmd::DeskWhat,
    },
    /// Presence: who else is online or on a case; say this member views or drafts on one.
    Presence {
        #[command(subcommand)]
        what: Option<presence_cmd::PresenceWhat>,
    },
    /// Which workspace this desk opens: `workspace` shows it, `workspace
    /// connect URL` a team PostgreSQL (password in the OS keychain), `workspace local` the local file.
    Workspace {
        #[command(subcommand)]
        what: Option<workspace_cmd::WorkspaceWhat>,
    },
    /// Sign this desk in as a member (the passphrase on standard input); the desk remembers it.
    Signin(workspace_cmd::SigninArgs),
    /// Sign this desk out of the workspace it opens.
    Signout,
    /// Who this desk acts as.
    Whoami,
}

#[derive(Subcommand)]
enum QueriesWhat {
    /// Add (or replace) a query, e.g. `queries add Outages '(outage OR "no signal") -resolved' --department pr --tag outage`.
    Add {
        name: String,
        query: String,
        /// Route matching cases that have no department yet to this one.
        #[arg(long)]
        department: Option<String>,
        /// Put this tag on the cases of matching posts.
        #[arg(long)]
        tag: Option<String>,
    },
    /// The queries, with how many posts each matched and where their network searches stand.
    List,
}

#[derive(Subcommand)]
enum AccountsWhat {
    /// Connect an account (or a feed). The secret (an access token; for
    /// Bluesky an app password) is read from standard input or
    /// SWITCHBOARD_TOKEN, checked with the network and kept in the OS keychain.
    Add {
        network: AddNetwork,
        /// The feed's address (rss), the instance (mastodon), or the API
        /// (x: https://api.x.com, reddit: https://oauth.reddit.com, bluesky: https://bsky.social by default).
        #[arg(long)]
        base_url: Option<String>,
        /// The organisation's handle (mastodon, x, reddit, bluesky).
        #[arg(long)]
        handle: Option<String>,
        /// X: the account's numeric user id.
        #[arg(long)]
        user_id: Option<String>,
        /// rss: the channel its posts belong to, e.g. reviews or news (default: rss).
        #[arg(long)]
        channel: Option<String>,
        /// rss: how the desk calls it (default: the address's host and path).
        #[arg(long)]
        name: Option<String>,
        /// Sign in through the network's OAuth page in a browser instead of
        /// pasting a token.
        #[arg(long)]
        oauth: bool,
        #[command(flatten)]
        oauth_args: Box<oauth_cmd::OAuthArgs>,
    },
    /// The accounts, with their last poll and last error.
    List,
}

/// The networks `accounts add` connects.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AddNetwork {
    #[value(alias = "feed")]
    Rss,
    Mastodon,
    X,
    Reddit,
    Bluesky,
}

#[derive(Subcommand)]
enum ConnectWhat {
    /// An RSS or Atom feed; its entries become posts (and cases).
    Feed {
        url: String,
        /// How the desk calls it (default: the address's host and path).
        #[arg(long)]
        name: Option<String>,
        /// The channel its posts belong to, e.g. reviews or news (default: rss).
        #[arg(long)]
        channel: Option<String>,
    },
    /// An X account (API v2), with an OAuth 2.0 user access token read from
    /// standard input (or SWITCHBOARD_TOKEN); it is kept in the OS keychain.
    X {
        /// The organisation's handle.
        #[arg(long)]
        handle: String,
        /// Its numeric user id.
        #[arg(long)]
        user_id: String,
        #[arg(long, default_value = "https://api.x.com")]
        api: String,
    },
    /// A Reddit account, with an OAuth access token read from standard input
    /// (or SWITCHBOARD_TOKEN); it is kept in the OS keychain.
    Reddit {
        /// The account's username.
        #[arg(long)]
        handle: String,
        #[arg(long, default_value = "https://oauth.reddit.com")]
        api: String,
    },
    /// A Mastodon account, with an access token read from standard input
    /// (or SWITCHBOARD_TOKEN); it is kept in the OS keychain.
    Mastodon {
        /// The instance, e.g. https://mastodon.social
        url: String,
        /// The organisation's handle there.
        #[arg(long)]
        handle: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportWhat {
    Posts,
    Cases,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchboard: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("switchboard: {e:#}");
            ExitCode::FAILURE
        }
    }
}
