//! `switchboard rules|playbook|sla|triage|suggest`: the team's routing rules,
//! response playbook and SLA policies as reviewable TOML files (show the one
//! in force, check a draft, dry-run it over past cases, save it as a new
//! version), and triage on demand.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use switchboard_core::time::{now_ms, to_rfc3339};
use switchboard_engine::Desk;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum ConfigWhat {
    /// Print the file in force (the team's saved version, or the defaults).
    Show,
    /// Check a draft file against this workspace without saving it.
    Check { file: PathBuf },
    /// Save a draft file as the new version in force (checked first).
    Save { file: PathBuf },
    /// Saved versions, newest first.
    History,
    /// Rules only: what a draft rule set would change on past cases, changing nothing.
    DryRun {
        file: PathBuf,
        /// How far back: e.g. 7d, 24h, 90m (default 30d).
        #[arg(long, default_value = "30d")]
        since: String,
        /// Most cases to look at.
        #[arg(long, default_value_t = 5000)]
        limit: i64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn read(file: &Path) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

/// `7d`, `24h`, `90m` in milliseconds.
fn span_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok().filter(|n| *n >= 0)?;
    let unit_ms = match unit {
        'd' => 86_400_000,
        'h' => 3_600_000,
        'm' => 60_000,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

/// Runs `rules|playbook|sla <what>`; `kind` is the file's kind.
pub async fn run(desk: &Desk, kind: &str, what: ConfigWhat) -> Result<ExitCode> {
    match what {
        ConfigWhat::Show => {
            print!("{}", desk.config_text(kind).await?);
        }
        ConfigWhat::Check { file } => {
            let text = read(&file)?;
            let result = match kind {
                "rules" => desk.check_rules(&text).await.map(|set| format!("{} rules", set.rules.len())),
                // Saving checks; checking alone reads the file the same way.
                "playbook" => switchboard_rules::Playbook::parse(&text).map(|p| format!("{} templates", p.templates.len())).map_err(|e| switchboard_engine::DeskError::invalid(e.to_string())),
                _ => switchboard_rules::SlaConfig::parse(&text).map(|s| format!("{} policies", s.policies.len())).map_err(|e| switchboard_engine::DeskError::invalid(e.to_string())),
            };
            match result {
                Ok(summary) => println!("{}: {summary}, OK", file.display()),
                Err(e) => {
                    eprintln!("switchboard: {}: {}", file.display(), e.message);
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        ConfigWhat::Save { file } => {
            let text = read(&file)?;
            let saved = match kind {
                "rules" => desk.save_rules(&text).await,
                "playbook" => desk.save_playbook(&text).await,
                _ => desk.save_sla(&text).await,
            };
            match saved {
                Ok(v) => println!("saved {kind} version {} by {}", v.version, v.saved_by),
                Err(e) => {
                    eprintln!("switchboard: {}: {}", file.display(), e.message);
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        ConfigWhat::History => {
            for v in desk.store().config_history(kind).await? {
                let mark = if v.active { "*" } else { " " };
                println!("{mark} v{}  {}  {}", v.version, to_rfc3339(v.saved_at), v.saved_by);
            }
        }
        ConfigWhat::DryRun { file, since, limit, json } => {
            if kind != "rules" {
                eprintln!("switchboard: only rules have a dry run");
                return Ok(ExitCode::from(2));
            }
            let Some(span) = span_ms(&since) else {
                eprintln!("switchboard: --since takes a span like 7d, 24h or 90m");
                return Ok(ExitCode::from(2));
            };
            let text = read(&file)?;
            let run = match desk.dry_run(&text, now_ms() - span, limit).await {
                Ok(run) => run,
                Err(e) => {
                    eprintln!("switchboard: {}: {}", file.display(), e.message);
                    return Ok(ExitCode::FAILURE);
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&run)?);
            } else {
                println!("{} cases looked at, {} would change", run.cases, run.changed);
                println!("{:<24} {:>8} {:>8}", "department", "before", "after");
                for d in &run.per_department {
                    println!("{:<24} {:>8} {:>8}", d.department, d.before, d.after);
                }
                for (rule, n) in &run.rules_fired {
                    println!("rule {rule:?} fires on {n} cases");
                }
                for e in &run.examples {
                    println!("  #{} {}: {}", e.case_id, e.rules.join(", "), e.actions.join("; "));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `switchboard triage`: applies the rules to cases with new customer posts,
/// then refreshes the SLA clocks and escalates what is about to be missed.
pub async fn triage(desk: &Desk) -> Result<ExitCode> {
    let now = now_ms();
    let report = desk.triage_new(now).await?;
    let tick = desk.sla_tick(now).await?;
    println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "triage": report, "sla": tick }))?);
    Ok(ExitCode::SUCCESS)
}

/// `switchboard suggest CASE`: the playbook's response for a case.
pub async fn suggest(desk: &Desk, case: i64) -> Result<ExitCode> {
    match desk.suggested_reply(case).await? {
        Some(s) => {
            let approval = match (&s.approval_required, &s.approver) {
                (true, Some(who)) => format!(" (needs approval by {who})"),
                (true, None) => " (needs approval)".into(),
                _ => String::new(),
            };
            println!("{} [{}]{approval}\n{}", s.name, s.template, s.text);
        }
        None => println!("no template matches case #{case}"),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spans() {
        assert_eq!(super::span_ms("7d"), Some(7 * 86_400_000));
        assert_eq!(super::span_ms("90m"), Some(90 * 60_000));
        assert_eq!(super::span_ms("x"), None);
        assert_eq!(super::span_ms(""), None);
        assert_eq!(super::span_ms("-3d"), None);
        assert_eq!(super::span_ms("é"), None);
    }
}
