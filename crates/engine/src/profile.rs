//! The desk's local profile: what this machine's desk remembers that must not
//! live in a shared workspace database — which team workspace it opens, and
//! per workspace which member it is signed in as (with the session token
//! that proves it). A TOML file, `desk.toml`, in `$SWITCHBOARD_CONFIG_DIR`
//! or else the platform's config folder (`$XDG_CONFIG_HOME/switchboard`),
//! written with owner-only permissions.
//!
//! The team workspace's URL is kept without its password; the password lives
//! in the OS keychain (the vault) under `workspace:URL/database-password`.
//!
//! Which workspace a desk opens: `--db URL` or `SWITCHBOARD_DATABASE_URL`,
//! else the profile's team URL (the password from the keychain put back in),
//! else the local SQLite file ([`crate::location`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use switchboard_vault::{Secret, SecretRef, Vault};

use crate::error::DeskError;
use crate::location::{database_url, DATABASE_URL_VAR};

/// The environment variable naming the folder of `desk.toml` (tests, several desks on one machine).
pub const CONFIG_DIR_VAR: &str = "SWITCHBOARD_CONFIG_DIR";
const FILE: &str = "desk.toml";

/// What `desk.toml` holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The team workspace (PostgreSQL) URL, without a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_url: Option<String>,
    /// Whether the keychain holds the team workspace's password.
    #[serde(default)]
    pub team_password: bool,
    /// Per workspace (its location: a SQLite path, or the URL without password),
    /// the member this desk signed in as.
    #[serde(default)]
    pub signed_in: BTreeMap<String, SignedIn>,
}

/// One remembered sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub handle: String,
    pub member_id: i64,
    /// The session token (the workspace keeps only its hash).
    pub session: String,
}

/// Where a desk's workspace came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--db` or `SWITCHBOARD_DATABASE_URL`.
    Given,
    /// The profile's team workspace.
    Team,
    /// The local SQLite file.
    Local,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Given => "given",
            Source::Team => "team",
            Source::Local => "local",
        }
    }
}

fn unavailable(message: impl Into<String>) -> DeskError {
    DeskError { code: "unavailable", message: message.into() }
}

fn internal(message: impl Into<String>) -> DeskError {
    DeskError { code: "internal", message: message.into() }
}

/// The folder of `desk.toml`.
pub fn config_dir() -> PathBuf {
    match std::env::var_os(CONFIG_DIR_VAR).filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("switchboard"),
    }
}

pub fn profile_path() -> PathBuf {
    config_dir().join(FILE)
}

impl Profile {
    /// The profile, or an empty one when there is none yet.
    pub fn load() -> Result<Profile, DeskError> {
        let path = profile_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Profile::default()),
            Err(e) => return Err(unavailable(format!("cannot read the desk profile {}: {e}", path.display()))),
        };
        toml::from_str(&text).map_err(|e| DeskError::invalid(format!("the desk profile {} does not read: {e}", path.display())))
    }

    /// Writes the profile (owner-only), replacing the file in one step.
    pub fn save(&self) -> Result<(), DeskError> {
        let path = profile_path();
        let fail = |e: std::io::Error| unavailable(format!("cannot write the desk profile {}: {e}", path.display()));
        let dir = config_dir();
        std::fs::create_dir_all(&dir).map_err(fail)?;
        let text = toml::to_string(self).map_err(|e| internal(format!("cannot write the desk profile: {e}")))?;
        let tmp = dir.join(format!(".{FILE}.{}", std::process::id()));
        write_private(&tmp, &text).map_err(fail)?;
        std::fs::rename(&tmp, &path).map_err(fail)
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// The URL without its password, and the password (percent-decoded) if it had one.
pub fn split_password(url: &str) -> Result<(String, Option<Secret>), DeskError> {
    let mut parsed = url::Url::parse(url).map_err(|e| {
        DeskError::invalid(format!("{} is not a database URL: {e}", switchboard_store::redact_url(url)))
    })?;
    let mut password = parsed
        .password()
        .map(|p| Secret::new(percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned()));
    if password.is_some() {
        parsed.set_password(None).map_err(|()| DeskError::invalid("this URL cannot carry a password"))?;
    }
    // `?password=...` is a password too: taken out of the URL the same way.
    let pairs: Vec<(String, String)> = parsed.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case("password")) {
        let mut kept = Vec::new();
        for (k, v) in pairs {
            if k.eq_ignore_ascii_case("password") {
                password = password.or(Some(Secret::new(v)));
            } else {
                kept.push((k, v));
            }
        }
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Ok((parsed.to_string(), password))
}

/// The URL with `password` put in (percent-encoded as URLs need).
pub fn with_password(url: &str, password: &Secret) -> Result<String, DeskError> {
    let mut parsed = url::Url::parse(url).map_err(|e| DeskError::invalid(format!("{url} is not a database URL: {e}")))?;
    parsed.set_password(Some(password.expose())).map_err(|()| DeskError::invalid("this URL cannot carry a password"))?;
    Ok(parsed.to_string())
}

/// Where the keychain keeps the password of the team workspace at `url` (without password).
pub fn password_ref(url: &str) -> Result<SecretRef, DeskError> {
    SecretRef::new(&format!("workspace:{url}"), "database-password").map_err(|e| DeskError::invalid(e.to_string()))
}

/// The URL this desk opens and where it came from: `given` (`--db`), else
/// `SWITCHBOARD_DATABASE_URL`, else the profile's team workspace (its
/// password from the keychain), else the local SQLite file.
pub fn workspace_url(given: Option<&str>, profile: &Profile, vault: &Vault) -> Result<(String, Source), DeskError> {
    let from_env = std::env::var(DATABASE_URL_VAR).ok().filter(|u| !u.is_empty());
    if let Some(url) = given.filter(|u| !u.is_empty()).map(str::to_string).or(from_env) {
        return Ok((url, Source::Given));
    }
    if let Some(team) = &profile.team_url {
        if !profile.team_password {
            return Ok((team.clone(), Source::Team));
        }
        let secret = vault.get(&password_ref(team)?).map_err(|e| {
            unavailable(format!("the team workspace's password is not in the keychain: {e}"))
        })?;
        let Some(secret) = secret else {
            return Err(unavailable(
                "the keychain has no password for the team workspace: connect again (`switchboard workspace connect URL`, or Settings)",
            ));
        };
        return Ok((with_password(team, &secret)?, Source::Team));
    }
    Ok((database_url(None), Source::Local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_comes_out_of_the_url_and_goes_back_in() {
        let (url, pw) = split_password("postgres://ana:p%40ss%2Fw@db.example:5432/team?sslmode=require").unwrap();
        assert_eq!(url, "postgres://ana@db.example:5432/team?sslmode=require");
        assert_eq!(pw.unwrap().expose(), "p@ss/w");
        let back = with_password(&url, &Secret::new("p@ss/w")).unwrap();
        assert_eq!(back, "postgres://ana:p%40ss%2Fw@db.example:5432/team?sslmode=require");
        let (same, none) = split_password("postgres://ana@db.example/team").unwrap();
        assert_eq!(same, "postgres://ana@db.example/team");
        assert!(none.is_none());
        assert!(split_password("not a url").is_err());
        // A password in the query comes out too, the other parameters stay.
        let (url, pw) = split_password("postgres://ana@db.example/team?password=s%26cret&sslmode=require").unwrap();
        assert_eq!(url, "postgres://ana@db.example/team?sslmode=require");
        assert_eq!(pw.unwrap().expose(), "s&cret");
        let (url, _) = split_password("postgres://ana@db.example/team?PASSWORD=x").unwrap();
        assert_eq!(url, "postgres://ana@db.example/team");
    }
}
