//! The early-warning thresholds a team tunes: a readable TOML file
//! (`defaults/thresholds.toml` shows every key with its default). Missing
//! keys keep their default; unknown keys and impossible values are refused
//! with a message naming them.

use serde::{Deserialize, Serialize};
use switchboard_core::alert::Severity;

/// The default file, with comments.
pub const DEFAULT_TOML: &str = include_str!("../defaults/thresholds.toml");

#[derive(Debug, thiserror::Error)]
pub enum ThresholdsError {
    #[error("the thresholds do not read: {0}")]
    Syntax(String),
    #[error("{0}")]
    Invalid(String),
}

/// What one severity needs: both the ratio to the baseline and the distance above it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub ratio: f64,
    pub z: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub baseline_days: u32,
    pub min_days: u32,
    pub fallback_hours: u32,
    pub baseline_weeks: u32,
    pub min_weeks: u32,
    pub min_history_hours: u32,
    pub min_count: u32,
    pub continue_z: f64,
    pub quiet_hours: u32,
    pub cooldown_hours: u32,
    pub low: Level,
    pub medium: Level,
    pub high: Level,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            baseline_days: 7,
            min_days: 2,
            fallback_hours: 24,
            baseline_weeks: 4,
            min_weeks: 2,
            min_history_hours: 24,
            min_count: 12,
            continue_z: 2.0,
            quiet_hours: 2,
            cooldown_hours: 6,
            low: Level { ratio: 1.5, z: 4.0 },
            medium: Level { ratio: 2.0, z: 5.5 },
            high: Level { ratio: 3.0, z: 7.0 },
        }
    }
}

impl Thresholds {
    /// Reads and checks a thresholds file.
    pub fn from_toml(text: &str) -> Result<Thresholds, ThresholdsError> {
        let t: Thresholds = toml::from_str(text).map_err(|e| ThresholdsError::Syntax(e.to_string()))?;
        t.check()?;
        Ok(t)
    }

    /// The thresholds as TOML (no comments).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("thresholds serialise")
    }

    pub fn check(&self) -> Result<(), ThresholdsError> {
        let bad = |m: &str| Err(ThresholdsError::Invalid(m.to_string()));
        if self.baseline_days == 0 || self.baseline_days > 60 {
            return bad("baseline_days must be between 1 and 60");
        }
        if self.min_days == 0 || self.min_days > self.baseline_days {
            return bad("min_days must be between 1 and baseline_days");
        }
        if self.fallback_hours == 0 || self.fallback_hours > 24 * 14 {
            return bad("fallback_hours must be between 1 and 336");
        }
        // baseline_weeks = 0 leaves the weekday out.
        if self.baseline_weeks > 12 || (self.baseline_weeks > 0 && self.min_weeks > self.baseline_weeks) {
            return bad("baseline_weeks must be at most 12 and min_weeks at most baseline_weeks");
        }
        if self.min_count == 0 {
            return bad("min_count must be at least 1");
        }
        if self.quiet_hours == 0 {
            return bad("quiet_hours must be at least 1");
        }
        for (name, l) in [("low", self.low), ("medium", self.medium), ("high", self.high)] {
            if !(l.ratio.is_finite() && l.ratio >= 1.0 && l.z.is_finite() && l.z > 0.0) {
                return Err(ThresholdsError::Invalid(format!("[{name}] needs ratio >= 1 and z > 0")));
            }
        }
        if !(self.continue_z.is_finite() && self.continue_z >= 0.0 && self.continue_z <= self.low.z) {
            return bad("continue_z must be between 0 and low.z");
        }
        if self.medium.ratio < self.low.ratio || self.medium.z < self.low.z || self.high.ratio < self.medium.ratio || self.high.z < self.medium.z {
            return bad("the levels must grow: low <= medium <= high in both ratio and z");
        }
        Ok(())
    }

    /// The severity an hour earns, if any.
    pub fn severity(&self, ratio: f64, z: f64) -> Option<Severity> {
        let meets = |l: Level| ratio >= l.ratio && z >= l.z;
        if meets(self.high) {
            Some(Severity::High)
        } else if meets(self.medium) {
            Some(Severity::Medium)
        } else if meets(self.low) {
            Some(Severity::Low)
        } else {
            None
        }
    }

    /// History the scan needs before the first hour it judges.
    pub fn lookback_hours(&self) -> i64 {
        let days = 24 * self.baseline_days as i64;
        let weeks = 24 * 7 * self.baseline_weeks as i64;
        days.max(weeks).max(self.fallback_hours as i64).max(self.min_history_hours as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_the_default() {
        assert_eq!(Thresholds::from_toml(DEFAULT_TOML).unwrap(), Thresholds::default());
    }

    #[test]
    fn missing_keys_keep_defaults_and_bad_ones_are_named() {
        let t = Thresholds::from_toml("min_count = 20\n[high]\nratio = 5.0\nz = 10.0\n").unwrap();
        assert_eq!(t.min_count, 20);
        assert_eq!(t.high.ratio, 5.0);
        assert_eq!(t.low, Thresholds::default().low);
        let e = Thresholds::from_toml("min_cuont = 3").unwrap_err().to_string();
        assert!(e.contains("min_cuont"), "{e}");
        let e = Thresholds::from_toml("quiet_hours = 0").unwrap_err().to_string();
        assert!(e.contains("quiet_hours"), "{e}");
        assert!(Thresholds::from_toml("[medium]\nratio = 1.2\nz = 6.0").is_err(), "medium below low is refused");
        assert!(Thresholds::from_toml("baseline_weeks = 0").is_ok(), "the weekday can be left out");
        assert!(Thresholds::from_toml("baseline_weeks = 1\nmin_weeks = 2").is_err());
    }

    #[test]
    fn severity_needs_both_ratio_and_z() {
        let t = Thresholds::default();
        assert_eq!(t.severity(1.4, 50.0), None);
        assert_eq!(t.severity(10.0, 3.0), None);
        assert_eq!(t.severity(1.6, 4.5), Some(Severity::Low));
        assert_eq!(t.severity(2.5, 6.0), Some(Severity::Medium));
        assert_eq!(t.severity(3.5, 7.5), Some(Severity::High));
        assert_eq!(t.severity(3.5, 6.0), Some(Severity::Medium));
    }
}
