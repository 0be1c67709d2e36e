//! `switchboard alerts`: early-warning alerts. Lists the stored alerts (after
//! judging any hours completed since the last run), replays the whole history
//! with the thresholds in force or a draft file (a dry run, or `--write` to
//! replace the stored alerts), acknowledges and resolves alerts, and shows or
//! saves the thresholds file.
//!
//! JSON output is a list of alerts as the app receives them (instants in
//! milliseconds since the epoch) with `started` and `ended` added in RFC 3339.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use switchboard_core::alert::{Alert, AlertStatus};
use switchboard_core::time::to_rfc3339;
use switchboard_engine::Desk;
use switchboard_monitor::Thresholds;

#[derive(clap::Args, Debug, Clone)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AlertsArgs {
    #[command(subcommand)]
    what: Option<AlertsWhat>,
    /// json or table.
    #[arg(long, default_value = "table")]
    format: String,
    /// Judge the whole history again with the same code (a dry run unless --write).
    #[arg(long)]
    replay: bool,
    /// With --replay: a draft thresholds file to try instead of the one in force.
    #[arg(long, requires = "replay")]
    thresholds: Option<PathBuf>,
    /// With --replay: replace the stored alerts (and their acknowledgements) with the replay's.
    #[arg(long, requires = "replay")]
    write: bool,
    /// Only alerts with this status: open, acknowledged or resolved.
    #[arg(long)]
    status: Option<String>,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum AlertsWhat {
    /// Mark an alert as seen (in your name).
    Ack { id: i64 },
    /// Close an alert, with an optional note.
    Resolve {
        id: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// Who acknowledged or resolved an alert, and when.
    Log { id: i64 },
    /// The thresholds file: show the one in force, check or save a draft.
    Thresholds {
        #[command(subcommand)]
        what: ThresholdsWhat,
    },
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum ThresholdsWhat {
    Show,
    Check { file: PathBuf },
    Save { file: PathBuf },
}

fn read(file: &PathBuf) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn status_of(s: &str) -> Result<AlertStatus> {
    AlertStatus::parse(s.trim()).with_context(|| format!("unknown status {s:?}: use open, acknowledged or resolved"))
}

pub async fn run(desk: &Desk, args: AlertsArgs) -> Result<ExitCode> {
    match args.what {
        Some(AlertsWhat::Ack { id }) => print_one(&desk.acknowledge(id).await?),
        Some(AlertsWhat::Resolve { id, note }) => print_one(&desk.resolve(id, note.as_deref()).await?),
        Some(AlertsWhat::Log { id }) => {
            for e in desk.alert_log(id).await? {
                println!("{}  {:<12} {}{}", to_rfc3339(e.at), e.status.as_str(), e.actor, e.note.map(|n| format!("  {n:?}")).unwrap_or_default());
            }
        }
        Some(AlertsWhat::Thresholds { what: ThresholdsWhat::Show }) => print!("{}", desk.thresholds_text().await?),
        Some(AlertsWhat::Thresholds { what: ThresholdsWhat::Check { file } }) => {
            let t = Thresholds::from_toml(&read(&file)?)?;
            println!("{} reads: min_count {}, cooldown {} h, low ratio {} z {}", file.display(), t.min_count, t.cooldown_hours, t.low.ratio, t.low.z);
        }
        Some(AlertsWhat::Thresholds { what: ThresholdsWhat::Save { file } }) => {
            let v = desk.save_thresholds(&read(&file)?).await?;
            println!("saved thresholds version {} (by {})", v.version, v.saved_by);
        }
        None => {
            let status = args.status.as_deref().map(status_of).transpose()?;
            let alerts = if args.replay {
                let t = match &args.thresholds {
                    Some(f) => Thresholds::from_toml(&read(f)?)?,
                    None => desk.thresholds().await?,
                };
                let all = desk.replay(&t, args.write).await?;
                all.into_iter().filter(|a| status.is_none_or(|s| a.status == s)).collect()
            } else {
                desk.detect().await?;
                desk.list_alerts(status).await?
            };
            match args.format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&alerts.iter().map(json).collect::<Vec<_>>())?),
                "table" => table(&alerts),
                other => bail!("unknown format {other:?}: use json or table"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn json(a: &Alert) -> serde_json::Value {
    let mut v = serde_json::to_value(a).expect("an alert serialises");
    v["started"] = to_rfc3339(a.started_at).into();
    v["ended"] = a.ended_at.map(to_rfc3339).into();
    v
}

fn print_one(a: &Alert) {
    table(std::slice::from_ref(a));
}

/// One line per alert; text from posts is never printed here (scope names are quoted).
fn table(alerts: &[Alert]) {
    if alerts.is_empty() {
        println!("no alerts");
        return;
    }
    println!("{:>5}  {:<14} {:<28} {:<20} {:>5}  {:<8} {:>8} {:>8} {:>6}  status", "id", "kind", "scope", "started", "hours", "severity", "observed", "expected", "ratio");
    for a in alerts {
        let scope: String = format!("{:?}", a.scope).chars().take(28).collect();
        println!(
            "{:>5}  {:<14} {:<28} {:<20} {:>5}  {:<8} {:>8.0} {:>8.1} {:>6.1}  {}",
            a.id,
            a.kind.as_str(),
            scope,
            to_rfc3339(a.started_at),
            a.hours,
            a.severity.as_str(),
            a.observed,
            a.expected,
            a.ratio,
            a.status.as_str()
        );
    }
}
