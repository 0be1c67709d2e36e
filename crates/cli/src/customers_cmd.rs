//! `switchboard customers ...`: the organisation's customers and who is
//! behind each social handle. Import the customer file, list customers,
//! review suggested links, link, unlink and merge by hand, and undo any of
//! it. Names and handles are printed with control characters replaced, so a
//! hostile name cannot drive the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use switchboard_engine::Desk;

/// Exit code of an import that finished but refused some lines.
const REFUSED_LINES: u8 = 3;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum CustomersWhat {
    /// Import customers from CSV: customer_ref (or id), name, emails (split by ;),
    /// phone, value_tier, lifetime_value, and handles either as a `handles` column
    /// (twitter:@foo;bluesky:foo.bsky.social;mastodon:foo@inst) or one column per
    /// network (twitter, bluesky, mastodon, ...). A known customer_ref updates.
    Import { file: PathBuf },
    /// List customers (not merged away), by name.
    List {
        /// Only those whose name, reference or email contains this.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// The review queue: links suggested on weaker evidence, strongest first.
    Suggestions {
        /// pending (default), accepted or rejected.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Accept a suggestion: link its author to its customer.
    Accept { id: i64 },
    /// Reject a suggestion: the pair is not suggested again.
    Reject { id: i64 },
    /// Link an author (by handle) to a customer (by reference, or #ID).
    Link {
        handle: String,
        customer: String,
        /// The author's network: twitter (or x), bluesky, mastodon, reddit...
        #[arg(long)]
        channel: String,
    },
    /// Remove an author's link to its customer.
    Unlink {
        handle: String,
        #[arg(long)]
        channel: String,
    },
    /// Merge customer OTHER into SURVIVOR (references or #ID): authors,
    /// handles and emails move over; OTHER is hidden, and undo brings it back.
    Merge { survivor: String, other: String },
    /// Undo an identity change (the newest not yet undone, or ENTRY from `customers log`).
    Undo { entry: Option<i64> },
    /// The identity changes, newest first.
    Log {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Link authors that arrived since the last pass (exact handles) and
    /// queue suggestions for the rest.
    Match,
}

/// Runs one `customers` subcommand.
pub async fn run(desk: &Desk, what: CustomersWhat) -> Result<ExitCode> {
    match what {
        CustomersWhat::Import { file } => {
            let r = desk.import_customers(&file).await?;
            for e in &r.errors {
                eprintln!("{}: {}", file.display(), plain(&e.to_string()));
            }
            println!(
                "{} rows read: {} customers added, {} updated, {} handles, {} refused; {} authors linked, {} suggestions to review",
                r.rows,
                r.created,
                r.updated,
                r.handles,
                r.errors.len(),
                r.matched.linked,
                r.matched.suggested
            );
            Ok(if r.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(REFUSED_LINES) })
        }
        CustomersWhat::List { search, limit, json } => {
            let list = desk.customers(search.as_deref(), limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for c in list {
                    let value = c.lifetime_value.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
                    println!(
                        "#{}\t{}\t{}\ttier {}\tvalue {}\t{} authors\t{}",
                        c.id,
                        plain(c.customer_ref.as_deref().unwrap_or("-")),
                        plain(&c.name),
                        plain(c.value_tier.as_deref().unwrap_or("-")),
                        value,
                        c.authors,
                        plain(&c.handles.join(" "))
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Suggestions { status, json } => {
            let list = desk.link_suggestions(status.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for s in list {
                    println!(
                        "{}\t{:.1}\t{}:{} ({})\t→ #{} {}\t{}",
                        s.id,
                        s.score,
                        plain(&s.channel),
                        plain(&s.handle),
                        plain(s.display_name.as_deref().unwrap_or("-")),
                        s.customer_id,
                        plain(&s.customer_name),
                        plain(&s.evidence)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Accept { id } => {
            print_entry(desk.accept_suggestion(id).await?, "already linked so");
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Reject { id } => {
            desk.reject_suggestion(id).await?;
            println!("suggestion {id} rejected");
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Link { handle, customer, channel } => {
            print_entry(desk.link_handle(&channel, &handle, &customer).await?, "already linked so");
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Unlink { handle, channel } => {
            print_entry(Some(desk.unlink_handle(&channel, &handle).await?), "");
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Merge { survivor, other } => {
            let (s, o) = (desk.store().customer_by_ref(&survivor).await?, desk.store().customer_by_ref(&other).await?);
            print_entry(Some(desk.merge_customers(s, o).await?), "");
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Undo { entry } => {
            let e = desk.undo_identity(entry).await?;
            println!("undid #{}: {}", e.id, plain(&e.summary));
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Log { limit } => {
            for e in desk.identity_log(limit).await? {
                let undone = if e.undone { " (undone)" } else { "" };
                println!("#{}\t{}\t{}\t{}{}", e.id, plain(&e.actor), e.action, plain(&e.summary), undone);
            }
            Ok(ExitCode::SUCCESS)
        }
        CustomersWhat::Match => {
            let r = desk.link_new_authors().await?;
            println!("{} new authors checked: {} linked, {} suggestions to review", r.authors_checked, r.linked, r.suggested);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_entry(entry: Option<i64>, nothing: &str) {
    match entry {
        Some(id) => println!("done (identity change #{id}; `switchboard customers undo {id}` reverses it)"),
        None => println!("nothing to do: {nothing}"),
    }
}

/// The text with control characters (terminal escapes, newlines) replaced.
fn plain(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(super::plain("Ann\u{1b}[2J\nLee"), "Ann?[2J?Lee");
    }
}
