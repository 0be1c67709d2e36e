//! The Reports, Board and Alerts tabs' commands (`ui/src/lib/reports_api.ts`):
//! the team report over a period with its filters, the cases behind one of
//! its numbers, the report as CSV (returned, or saved in the Downloads
//! folder), the executive board for this desk's member (no handles for an
//! executive), and the early-warning alerts to list, acknowledge and
//! resolve. Each is a thin, checked call into [`Desk`]; errors cross as
//! `{code, message}`.

use switchboard_core::alert::{Alert, AlertStatus};
use switchboard_core::case::CaseSummary;
use switchboard_core::report::{BoardView, Report, ReportQuery};
use switchboard_engine::report_files::to_csv;
use switchboard_engine::DeskError;
use tauri::{AppHandle, Manager, State};

use crate::commands::Workspace;

type Reply<T> = Result<T, DeskError>;

fn unavailable(message: impl Into<String>) -> DeskError {
    DeskError { code: "unavailable", message: message.into() }
}

/// Longest note kept when resolving an alert (characters).
const MAX_NOTE: usize = 2000;

/// The breakdowns a drill-down may narrow to.
const DIMENSIONS: [&str; 5] = ["org", "channel", "department", "topic", "member"];
/// Longest slice key accepted (a topic, handle or account).
const MAX_KEY: usize = 256;

#[tauri::command]
pub async fn report(ws: State<'_, Workspace>, query: ReportQuery) -> Reply<Report> {
    ws.desk()?.report(&query).await
}

/// The executive board as this desk's member may see it.
#[tauri::command]
pub async fn board(ws: State<'_, Workspace>) -> Reply<BoardView> {
    let desk = ws.desk()?;
    desk.board(desk.me().role).await
}

/// The slice a drill-down narrows to, as the engine's `KIND:KEY`.
fn slice_key(dimension: Option<&str>, key: Option<&str>) -> Reply<Option<String>> {
    match (dimension, key) {
        (None, None) => Ok(None),
        (Some(d), Some(k)) => {
            if !DIMENSIONS.contains(&d) {
                return Err(DeskError::invalid(format!("no report breakdown {d:?} (org, channel, department, topic or member)")));
            }
            if k.chars().count() > MAX_KEY || k.chars().any(char::is_control) {
                return Err(DeskError::invalid("a breakdown key is one short line of text"));
            }
            Ok(Some(format!("{d}:{k}")))
        }
        _ => Err(DeskError::invalid("a drill-down names both the breakdown and its key, or neither")),
    }
}

/// The cases behind one number: `metric` of the whole report, or of the
/// slice `key` of `dimension`.
#[tauri::command]
pub async fn report_cases(
    ws: State<'_, Workspace>,
    query: ReportQuery,
    metric: String,
    dimension: Option<String>,
    key: Option<String>,
) -> Reply<Vec<CaseSummary>> {
    let slice = slice_key(dimension.as_deref(), key.as_deref())?;
    ws.desk()?.report_cases(&query, metric.trim(), slice.as_deref()).await
}

/// Alerts, newest first; `status` (open, acknowledged, resolved) or all.
#[tauri::command]
pub async fn alerts(ws: State<'_, Workspace>, status: Option<String>) -> Reply<Vec<Alert>> {
    let desk = ws.desk()?;
    let status = match status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(AlertStatus::parse(s).ok_or_else(|| DeskError::invalid(format!("no alert status {s:?} (open, acknowledged or resolved)")))?),
    };
    // The engine leaves the example posts out for a member who may not read cases.
    desk.list_alerts(status).await
}

#[tauri::command]
pub async fn acknowledge_alert(ws: State<'_, Workspace>, id: i64) -> Reply<Alert> {
    let desk = ws.desk()?;
    desk.acknowledge(id).await
}

/// Resolves an alert with an optional note (one paragraph of plain text).
#[tauri::command]
pub async fn resolve_alert(ws: State<'_, Workspace>, id: i64, note: Option<String>) -> Reply<Alert> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if let Some(n) = &note {
        if n.chars().count() > MAX_NOTE {
            return Err(DeskError::invalid(format!("a resolution note is at most {MAX_NOTE} characters")));
        }
        if n.chars().any(|c| c.is_control() && c != '\n') {
            return Err(DeskError::invalid("a resolution note is plain text"));
        }
    }
    let desk = ws.desk()?;
    desk.resolve(id, note.as_deref()).await
}

/// The report as CSV (the same the Export button saves).
#[tauri::command]
pub async fn report_csv(ws: State<'_, Workspace>, query: ReportQuery) -> Reply<String> {
    let r = ws.desk()?.report(&query).await?;
    to_csv(&r)
}

/// Saves the report's CSV in the Downloads folder (else the home folder)
/// under a name that does not overwrite an earlier one; returns its path.
#[tauri::command]
pub async fn save_report_csv(app: AppHandle, ws: State<'_, Workspace>, query: ReportQuery) -> Reply<String> {
    let r = ws.desk()?.report(&query).await?;
    let csv = to_csv(&r)?;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| unavailable(format!("no folder to save the report in: {e}")))?;
    std::fs::create_dir_all(&dir).map_err(|e| unavailable(format!("cannot create {}: {e}", dir.display())))?;
    let stamp = switchboard_core::time::now_ms() / 1000;
    for n in 0..100 {
        let name = if n == 0 { format!("switchboard-report-{stamp}.csv") } else { format!("switchboard-report-{stamp}-{n}.csv") };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(csv.as_bytes())
                    .map_err(|e| unavailable(format!("cannot write {}: {e}", path.display())))?;
                return Ok(path.display().to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(unavailable(format!("cannot write {}: {e}", path.display()))),
        }
    }
    Err(unavailable("too many reports saved this second"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drill_down_keys() {
        assert_eq!(slice_key(None, None).unwrap(), None);
        assert_eq!(slice_key(Some("department"), Some("3")).unwrap().as_deref(), Some("department:3"));
        assert_eq!(slice_key(Some("topic"), Some("")).unwrap().as_deref(), Some("topic:"));
        assert!(slice_key(Some("people"), Some("x")).is_err());
        assert!(slice_key(Some("topic"), None).is_err());
        assert!(slice_key(Some("topic"), Some("a\nb")).is_err());
    }
}
