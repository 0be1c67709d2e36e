//! `switchboard approvals`: the approver's queue of replies waiting for a
//! department's approval (`list`, the default), `approve ID [--edit TEXT]`
//! (the reply is then sent at once; if sending fails it stays in the outbox
//! for `switchboard send`) and `reject ID --comment TEXT` (back to its
//! author, never sent). ID is the reply's number. Texts are printed with
//! control characters replaced.

use std::process::ExitCode;

use anyhow::Result;
use switchboard_core::approval::ApprovalQueueItem;
use switchboard_core::time::to_rfc3339;
use switchboard_engine::Desk;

use crate::terminal::clean;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum ApprovalsWhat {
    /// The replies waiting for this member's decision, oldest first.
    List {
        /// Print JSON instead of a list.
        #[arg(long)]
        json: bool,
    },
    /// Approve a waiting reply (optionally with an edited text) and send it.
    Approve {
        /// The reply's number (as `approvals list` shows it).
        id: i64,
        /// Send this text instead (the original is kept on the record).
        #[arg(long, value_name = "TEXT")]
        edit: Option<String>,
    },
    /// Reject a waiting reply; the comment goes back to its author.
    Reject {
        id: i64,
        #[arg(long, value_name = "TEXT")]
        comment: String,
    },
}


fn print_item(i: &ApprovalQueueItem) {
    let a = &i.approval;
    println!(
        "reply #{} on case #{} for {} ({}), by {} at {}",
        a.reply_id,
        a.case_id,
        clean(&a.approver_name),
        clean(&a.reason),
        clean(&a.requested_by),
        to_rfc3339(a.requested_at)
    );
    let kind = if i.direct { "direct message" } else { "public reply" };
    println!("  {kind} on {} to {}: {}", clean(&i.channel), clean(&i.author), clean(&i.body));
}

pub async fn run(desk: &Desk, what: Option<ApprovalsWhat>) -> Result<ExitCode> {
    match what.unwrap_or(ApprovalsWhat::List { json: false }) {
        ApprovalsWhat::List { json } => {
            let queue = desk.approval_queue().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&queue)?);
            } else if queue.is_empty() {
                println!("no replies wait for your approval");
            } else {
                queue.iter().for_each(print_item);
            }
            Ok(ExitCode::SUCCESS)
        }
        ApprovalsWhat::Approve { id, edit } => {
            let item = desk.approve_reply(id, edit.as_deref()).await?;
            let how = if edit.is_some() { "approved with your edit" } else { "approved" };
            match desk.send_reply_now(item.id).await {
                Ok(sent) => {
                    let at = sent.url.or(sent.external_id).map(|u| format!(": {}", clean(&u))).unwrap_or_default();
                    println!("reply #{id} {how} and sent{at}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("reply #{id} {how}; sending failed: {} (it waits in the outbox: `switchboard send` retries)", clean(&e.message));
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        ApprovalsWhat::Reject { id, comment } => {
            desk.reject_reply(id, &comment).await?;
            println!("reply #{id} rejected; it goes back to its author with your comment");
            Ok(ExitCode::SUCCESS)
        }
    }
}
