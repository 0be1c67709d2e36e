//! The credential vault: the secrets a connector needs (access and refresh
//! tokens, app passwords, client secrets) live in the operating system's
//! keychain — the Secret Service (GNOME Keyring, KWallet) with the kernel
//! keyring as a cache on Linux, the Keychain on macOS, the Credential Manager
//! on Windows — never in the database, a log, an export or an error message.
//!
//! The database keeps only a [`SecretRef`]: the name under which the keychain
//! holds the secret. A [`Secret`] prints as `***` and is wiped from memory
//! when dropped.

use std::fmt;

use zeroize::Zeroizing;

/// The keychain "service" every Switchboard secret is filed under.
pub const SERVICE: &str = "app.switchboard.desk";

/// A secret value. Debug and Display never show it; `expose` is the one way
/// out, for the moment it goes into a request header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a secret is kept: safe to store, log and show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretRef(String);

impl SecretRef {
    /// `account` names the connected account (e.g. `bluesky:lumen.example`),
    /// `kind` the secret (`app-password`, `access-token`, `refresh-token`).
    pub fn new(account: &str, kind: &str) -> Result<Self, VaultError> {
        let valid = |s: &str| !s.is_empty() && s.len() <= 200 && !s.chars().any(char::is_control);
        if !valid(account) || !valid(kind) {
            return Err(VaultError::Invalid("a secret's account and kind must be non-empty printable names".into()));
        }
        Ok(SecretRef(format!("{account}/{kind}")))
    }
    pub fn parse(stored: &str) -> Result<Self, VaultError> {
        match stored.split_once('/') {
            Some((account, kind)) => SecretRef::new(account, kind),
            None => Err(VaultError::Invalid(format!("{stored:?} is not a secret reference"))),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// No keychain to talk to (no session bus, a locked keyring...).
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the OS keychain refused: {0}")]
    Keychain(String),
}

/// The OS keychain, filed under `service` ([`SERVICE`] in the app; tests use
/// their own so they never touch real credentials).
#[derive(Debug, Clone)]
pub struct Vault {
    service: String,
}

impl Default for Vault {
    fn default() -> Self {
        Vault::new(SERVICE)
    }
}

impl Vault {
    pub fn new(service: &str) -> Self {
        Vault { service: service.to_string() }
    }

    fn entry(&self, r: &SecretRef) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, r.as_str()).map_err(|e| from_keyring(e, r))
    }

    /// Stores (or replaces) the secret.
    pub fn put(&self, r: &SecretRef, secret: &Secret) -> Result<(), VaultError> {
        self.entry(r)?.set_password(secret.expose()).map_err(|e| from_keyring(e, r))
    }

    /// The secret, or `None` when the keychain has none under that name.
    pub fn get(&self, r: &SecretRef) -> Result<Option<Secret>, VaultError> {
        match self.entry(r)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(from_keyring(e, r)),
        }
    }

    /// Forgets the secret; forgetting one that is not there is no error.
    pub fn delete(&self, r: &SecretRef) -> Result<(), VaultError> {
        match self.entry(r)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(from_keyring(e, r)),
        }
    }
}

/// Turns a keychain failure into plain words. keyring's errors carry no
/// secret (only service and user names and platform messages).
fn from_keyring(e: keyring::Error, r: &SecretRef) -> VaultError {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            VaultError::Unavailable(format!("{inner} (while reaching {r})"))
        }
        keyring::Error::TooLong(what, max) => VaultError::Invalid(format!("{what} is longer than the keychain allows ({max})")),
        keyring::Error::Invalid(what, why) => VaultError::Invalid(format!("{what}: {why}")),
        other => VaultError::Keychain(format!("{other} (for {r})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("hunter2-token");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2-token");
    }

    #[test]
    fn references_are_names_not_secrets() {
        let r = SecretRef::new("bluesky:lumen.example", "app-password").unwrap();
        assert_eq!(r.as_str(), "bluesky:lumen.example/app-password");
        assert_eq!(SecretRef::parse(r.as_str()).unwrap(), r);
        assert!(SecretRef::new("", "x").is_err());
        assert!(SecretRef::new("a\nb", "x").is_err());
        assert!(SecretRef::parse("nothing").is_err());
    }
}
