//! Early warning, as pure logic: no I/O, no clock.
//!
//! - [`series`]: inbound posts counted per hour and per scope (`all`,
//!   `topic:<t>`, `channel:<c>`, `account:<a>`), with the negative ones apart.
//! - [`baseline`]: what an hour should hold — the same hour of the day over
//!   the previous days (and the same weekday when weeks of history exist), or
//!   a trailing mean when history is short — with a robust spread.
//! - [`thresholds`]: the team's tunable numbers, read from TOML.
//! - [`incidents`]: the scan that turns hours above the baseline into
//!   [`Incident`]s with a severity, one per burst (a cooldown merges bursts).
//!
//! The same [`scan`] runs live (from where it stopped, with the incidents
//! still open) and over a whole history (from the first hour, with none), so
//! both give the same alerts.

pub mod baseline;
pub mod incidents;
pub mod series;
pub mod thresholds;

pub use baseline::{evaluate, Evaluation};
pub use incidents::{scan, Incident};
pub use series::{hour_of, hour_start, HourRow, Series};
pub use thresholds::{Level, Thresholds, ThresholdsError};
