//! `switchboard case …`: one case from the command line — show it with its
//! timeline, add an internal note, hand it to another department with a
//! reason, assign it. What a second desk does in a script or a test, through
//! the same engine calls (and permissions) as the app.

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Subcommand;
use switchboard_core::view::CaseDetail;
use switchboard_engine::Desk;

use crate::terminal::{clean, clean_lines};

#[derive(Subcommand)]
pub enum CaseWhat {
    /// The case, its posts and its timeline (`--json` for the whole detail).
    Show {
        case: i64,
        #[arg(long)]
        json: bool,
    },
    /// Add an internal note (never sent to the customer); `@handle` mentions a member.
    Note { case: i64, text: String },
    /// Hand the case to another department, saying why (shown on the timeline).
    Handoff {
        case: i64,
        /// The department's slug or name.
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
    /// Assign the case to a member by handle, or to nobody with `--nobody`.
    Assign {
        case: i64,
        handle: Option<String>,
        #[arg(long, conflicts_with = "handle")]
        nobody: bool,
    },
}

pub async fn run(desk: &Desk, what: CaseWhat) -> Result<ExitCode> {
    let detail = match what {
        CaseWhat::Show { case, json } => {
            let d = desk.case_detail(case).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                print_case(&d);
            }
            return Ok(ExitCode::SUCCESS);
        }
        CaseWhat::Note { case, text } => desk.add_note(case, text).await?,
        CaseWhat::Handoff { case, to, reason } => {
            let dept = desk.store().department_by_slug(&to).await?;
            desk.hand_off(case, dept.id, &reason, None).await?
        }
        CaseWhat::Assign { case, handle, nobody } => {
            let member = match (handle, nobody) {
                (Some(h), false) => {
                    let members = desk.store().members().await?;
                    match members.into_iter().find(|m| m.handle == h) {
                        Some(m) => Some(m.id),
                        None => bail!("no member with the handle {h:?}"),
                    }
                }
                (None, true) => None,
                _ => bail!("name a member's handle, or --nobody"),
            };
            desk.assign(case, member, None).await?
        }
    };
    let last = detail.events.last().map(|e| clean(&e.summary)).unwrap_or_default();
    println!("case #{} (version {}): {last}", detail.case.id, detail.case.version);
    Ok(ExitCode::SUCCESS)
}

fn print_case(d: &CaseDetail) {
    let c = &d.case;
    println!(
        "case #{}  {}  {}  department {}  assignee {}  version {}",
        c.id,
        c.channel,
        c.status.as_str(),
        clean(c.department.as_deref().unwrap_or("-")),
        clean(c.assignee.as_deref().unwrap_or("-")),
        c.version
    );
    for e in &d.events {
        let at = switchboard_core::time::to_rfc3339(e.at);
        println!("  {at}  {:<14} {:<10} {}", e.kind.as_str(), clean(&e.actor), clean(&e.summary));
        for line in e.body.as_deref().map(clean_lines).into_iter().flatten() {
            println!("      {line}");
        }
    }
}
