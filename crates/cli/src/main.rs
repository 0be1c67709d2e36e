//! `switchboard`: the scriptable face of the desk.
//!
//! ```text
//! switchboard [--db URL] import FILE --preset twcs|airline|jsonl [--label FIELD=COL]...
//! switchboard [--db URL] import FILE --map text=COL,external_id=COL,created_at=COL,author=COL,... [--channel NAME]
//! switchboard [--db URL] export posts|cases [--format csv|jsonl] [--out FILE]
//! switchboard [--db URL] inbox [--status S] [--department SLUG] [--search TEXT] [--limit N]
//! switchboard [--db URL] demo
//! switchboard [--db URL] info
//! switchboard [--db URL] connect feed URL [--name NAME] [--channel NAME]
//! switchboard [--db URL] accounts
//! switchboard [--db URL] poll [--account ID]
//! switchboard [--db URL] connect mastodon URL --handle NAME   (token on stdin or in SWITCHBOARD_TOKEN)
//! switchboard [--db URL] connect x --handle NAME --user-id ID | connect reddit --handle NAME   (same)
//! switchboard [--db URL] reply CASE TEXT [--direct]
//! switchboard [--db URL] send
//! switchboard [--db URL] listen add NAME QUERY [--department SLUG] | listen list
//! ```
//! Exit codes: 0 done; 1 failed; 2 bad usage; 3 import finished but rejected rows.

mod commands;

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
        #[arg(long, default_value_t = 20)]
        limit: i64,
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
    /// The connected accounts and feeds, with their last poll and last error.
    Accounts,
    /// Poll connected accounts now (all enabled ones, or one).
    Poll {
        #[arg(long)]
        account: Option<i64>,
    },
    /// Answer a case in-media: the reply is stored, then sent through the
    /// account the customer wrote to, in the same thread.
    Reply {
        case: i64,
        text: String,
        /// Send it as a direct (private) message.
        #[arg(long)]
        direct: bool,
    },
    /// Send the replies waiting in the outbox (and finish any a crash interrupted).
    Send,
    /// Listening queries: boolean searches checked on every incoming post.
    Listen {
        #[command(subcommand)]
        what: ListenWhat,
    },
}

#[derive(Subcommand)]
enum ListenWhat {
    /// Add (or replace) a query, e.g. `listen add Outages '(outage OR "no signal") -resolved' --department pr`.
    Add {
        name: String,
        query: String,
        /// Route matching cases that have no department yet to this one.
        #[arg(long)]
        department: Option<String>,
    },
    /// The queries, with how many posts each matched.
    List,
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
