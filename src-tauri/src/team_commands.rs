//! The Team tab's commands (`ui/src/lib/team_api.ts`): the rules, playbook
//! and SLA files (read, check, dry-run, save as the next version) and the
//! identity review queue (suggested links, the identity log with undo, the
//! customer list, merging). Each is a thin, validated call into [`Desk`];
//! errors cross as `{code, message}`. Who may do what is not checked yet.

use serde::Serialize;
use switchboard_engine::triage::DryRun;
use switchboard_engine::{Desk, DeskError};
use switchboard_store::identity::{CustomerListItem, IdentityEntry, LinkSuggestion};
use switchboard_store::rules::ConfigVersion;
use tauri::State;

use crate::commands::Workspace;

type Reply<T> = Result<T, DeskError>;

fn desk(ws: &Workspace) -> Reply<&Desk> {
    ws.desk()
}

/// The configuration files a team edits.
const KINDS: [&str; 4] = ["rules", "playbook", "sla", "alerts"];
/// Largest configuration file accepted (characters of TOML).
const MAX_TEXT: usize = 256 * 1024;
/// How far back a dry-run may look, in days.
const MAX_DAYS: i64 = 365;
/// Most cases one dry-run replays.
const DRY_RUN_CASES: i64 = 20_000;
/// Most identity log entries one call returns.
const MAX_LOG: i64 = 500;
/// Customers one search returns.
const CUSTOMERS: i64 = 100;
const DAY_MS: i64 = 24 * 3_600_000;

/// A configuration file as it stands: the saved version in force, or the
/// defaults (`version` null) when the team never saved one.
#[derive(Debug, Serialize)]
pub struct ConfigText {
    pub kind: String,
    pub text: String,
    pub version: Option<i64>,
    pub saved_by: Option<String>,
    pub saved_at: Option<i64>,
}

/// A saved version, without its text (the editor already holds it).
#[derive(Debug, Serialize)]
pub struct SavedConfig {
    pub kind: String,
    pub version: i64,
    pub saved_by: String,
    pub saved_at: i64,
}

impl From<ConfigVersion> for SavedConfig {
    fn from(v: ConfigVersion) -> Self {
        SavedConfig { kind: v.kind, version: v.version, saved_by: v.saved_by, saved_at: v.saved_at }
    }
}

/// A rule set that reads and names only what exists.
#[derive(Debug, Serialize)]
pub struct RulesCheck {
    /// Rule names, in order.
    pub rules: Vec<String>,
}

fn kind(kind: &str) -> Reply<&'static str> {
    KINDS
        .iter()
        .copied()
        .find(|k| *k == kind.trim())
        .ok_or_else(|| DeskError::invalid(format!("no configuration {kind:?} (rules, playbook, sla or alerts)")))
}

fn text(text: &str) -> Reply<()> {
    if text.trim().is_empty() {
        return Err(DeskError::invalid("the file is empty"));
    }
    if text.len() > MAX_TEXT {
        return Err(DeskError::invalid(format!("the file is longer than {} KB", MAX_TEXT / 1024)));
    }
    Ok(())
}

fn id(what: &str, id: i64) -> Reply<i64> {
    if id < 1 {
        return Err(DeskError::invalid(format!("{what} must be a positive id")));
    }
    Ok(id)
}

#[tauri::command]
pub async fn team_config_text(ws: State<'_, Workspace>, kind: String) -> Reply<ConfigText> {
    let kind = self::kind(&kind)?;
    let desk = self::desk(&ws)?;
    if let Some(v) = desk.store().active_config(kind).await? {
        return Ok(ConfigText { kind: kind.into(), text: v.text, version: Some(v.version), saved_by: Some(v.saved_by), saved_at: Some(v.saved_at) });
    }
    let text = if kind == "alerts" { desk.thresholds_text().await? } else { desk.config_text(kind).await? };
    Ok(ConfigText { kind: kind.into(), text, version: None, saved_by: None, saved_at: None })
}

#[tauri::command]
pub async fn check_rules(ws: State<'_, Workspace>, text: String) -> Reply<RulesCheck> {
    self::text(&text)?;
    let rules = desk(&ws)?.check_rules(&text).await?;
    Ok(RulesCheck { rules: rules.rules.iter().map(|r| r.name.clone()).collect() })
}

#[tauri::command]
pub async fn save_team_config(ws: State<'_, Workspace>, kind: String, text: String) -> Reply<SavedConfig> {
    let kind = self::kind(&kind)?;
    self::text(&text)?;
    let desk = self::desk(&ws)?;
    let saved = match kind {
        "rules" => desk.save_rules(&text).await?,
        "playbook" => desk.save_playbook(&text).await?,
        "alerts" => desk.save_thresholds(&text).await?,
        _ => desk.save_sla(&text).await?,
    };
    Ok(saved.into())
}

#[tauri::command]
pub async fn dry_run_rules(ws: State<'_, Workspace>, text: String, since_days: i64) -> Reply<DryRun> {
    self::text(&text)?;
    if !(1..=MAX_DAYS).contains(&since_days) {
        return Err(DeskError::invalid(format!("a dry-run looks back 1 to {MAX_DAYS} days")));
    }
    let since = switchboard_core::time::now_ms().saturating_sub(since_days * DAY_MS);
    desk(&ws)?.dry_run(&text, since, DRY_RUN_CASES).await
}

#[tauri::command]
pub async fn link_suggestions(ws: State<'_, Workspace>, status: Option<String>) -> Reply<Vec<LinkSuggestion>> {
    let status = status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = status {
        if !["pending", "accepted", "rejected"].contains(&s) {
            return Err(DeskError::invalid(format!("no suggestion status {s:?} (pending, accepted or rejected)")));
        }
    }
    desk(&ws)?.link_suggestions(status).await
}

#[tauri::command]
pub async fn accept_link_suggestion(ws: State<'_, Workspace>, id: i64) -> Reply<Option<i64>> {
    desk(&ws)?.accept_suggestion(self::id("the suggestion", id)?).await
}

#[tauri::command]
pub async fn reject_link_suggestion(ws: State<'_, Workspace>, id: i64) -> Reply<()> {
    desk(&ws)?.reject_suggestion(self::id("the suggestion", id)?).await
}

#[tauri::command]
pub async fn identity_log(ws: State<'_, Workspace>, limit: Option<i64>) -> Reply<Vec<IdentityEntry>> {
    let limit = limit.unwrap_or(50);
    if !(1..=MAX_LOG).contains(&limit) {
        return Err(DeskError::invalid(format!("the identity log shows 1 to {MAX_LOG} entries")));
    }
    desk(&ws)?.identity_log(limit).await
}

/// Undoes the given identity change, or the newest one not yet undone.
#[tauri::command]
pub async fn undo_identity(ws: State<'_, Workspace>, entry: Option<i64>) -> Reply<IdentityEntry> {
    let entry = entry.map(|e| self::id("the log entry", e)).transpose()?;
    desk(&ws)?.undo_identity(entry).await
}

#[tauri::command]
pub async fn customers(ws: State<'_, Workspace>, search: Option<String>) -> Reply<Vec<CustomerListItem>> {
    if search.as_ref().is_some_and(|s| s.len() > 200) {
        return Err(DeskError::invalid("a customer search is at most 200 characters"));
    }
    desk(&ws)?.customers(search.as_deref(), CUSTOMERS).await
}

/// Merges customer `other` into `survivor`; returns the identity log entry.
#[tauri::command]
pub async fn merge_customers(ws: State<'_, Workspace>, survivor: i64, other: i64) -> Reply<i64> {
    let (survivor, other) = (id("the surviving customer", survivor)?, id("the other customer", other)?);
    if survivor == other {
        return Err(DeskError::invalid("a customer cannot be merged into itself"));
    }
    desk(&ws)?.merge_customers(survivor, other).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_texts_are_checked_before_the_desk() {
        assert_eq!(kind(" rules").unwrap(), "rules");
        assert_eq!(kind("sla").unwrap(), "sla");
        assert_eq!(kind("alerts").unwrap(), "alerts");
        assert_eq!(kind("secrets").unwrap_err().code, "invalid");
        assert!(text("  \n").is_err());
        assert!(text(&"x".repeat(MAX_TEXT + 1)).is_err());
        assert!(text("[[rule]]").is_ok());
        assert!(id("x", 0).is_err());
        assert_eq!(id("x", 3).unwrap(), 3);
    }
}
