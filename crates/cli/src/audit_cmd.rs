//! `switchboard audit verify` and `switchboard audit log`: the hash-chained
//! audit trail. `verify` walks the whole chain and exits 0 with "N entries,
//! chain intact, head HASH", or 1 naming the first broken entry (seq, time,
//! actor, action, subject) and why. `log` prints the latest entries, newest
//! first, optionally only one subject's (`--subject case:12`), as a table or
//! JSON. Names and payloads are printed with control characters replaced.

use std::process::ExitCode;

use anyhow::{bail, Result};
use switchboard_core::time::to_rfc3339;
use switchboard_engine::Desk;
use switchboard_store::audit::AuditRecord;

use crate::terminal::clean;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum AuditWhat {
    /// Check the whole chain; name the first entry altered, unlinked or deleted.
    Verify,
    /// The latest entries, newest first.
    Log {
        /// Only entries about this subject, e.g. case:12, config:rules, alert:3.
        #[arg(long)]
        subject: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
}


fn describe(e: &AuditRecord) -> String {
    format!("#{} at {} by {}: {} on {}", e.seq, to_rfc3339(e.at), clean(&e.actor), clean(&e.action), clean(&e.subject))
}

pub async fn run(desk: &Desk, what: AuditWhat) -> Result<ExitCode> {
    match what {
        AuditWhat::Verify => {
            let report = desk.verify_audit().await?;
            match &report.broken {
                None => {
                    println!("{} entries, chain intact, head {}", report.entries, report.head);
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    let which = match &b.entry {
                        Some(e) => describe(e),
                        None => format!("#{}", b.seq),
                    };
                    println!("audit chain broken at entry {which}");
                    println!("  {}", b.problem);
                    println!("  {} entries before it hold (head {})", report.entries, report.head);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        AuditWhat::Log { subject, limit, format } => {
            let entries = desk.audit_log(subject.as_deref(), limit).await?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&entries)?),
                "table" => {
                    for e in &entries {
                        println!("{}  {}", describe(e), clean(&e.payload));
                    }
                }
                other => bail!("unknown format {other:?}: table or json"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
