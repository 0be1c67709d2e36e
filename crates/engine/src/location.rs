//! Where the workspace lives when nobody says: `switchboard.db` in the
//! platform's data folder (`$XDG_DATA_HOME/switchboard` on Linux).

use std::path::PathBuf;

/// The environment variable naming the database URL.
pub const DATABASE_URL_VAR: &str = "SWITCHBOARD_DATABASE_URL";

pub fn default_sqlite_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("switchboard")
        .join("switchboard.db")
}

/// The URL to open: the one given, else the environment's, else the default file.
pub fn database_url(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| std::env::var(DATABASE_URL_VAR).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| format!("sqlite://{}", default_sqlite_path().display()))
}
