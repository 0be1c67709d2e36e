//! Members signing in at a desk. Each member may have a passphrase, kept in
//! the workspace only as an Argon2id hash. Signing in checks it, opens a
//! session (the workspace keeps the token's hash, the desk's local profile
//! the token) and is audited; the desk then acts as that member until it
//! signs out or the member's passphrase is reset.
//!
//! Who a desk opened with [`Desk::open`] acts as:
//! 1. the member its profile says it signed in as on this workspace, while
//!    that session is open;
//! 2. else, on a team PostgreSQL where any member has a passphrase: nobody —
//!    every command that reads cases or changes anything is refused with
//!    `unauthenticated` ("sign in first");
//! 3. else (a local SQLite file, or a PostgreSQL nobody has set a passphrase
//!    on yet, being set up): the member remembered in the workspace or named
//!    after the login, the first one its admin, as before.
//!
//! [`connect_team`] and [`use_local`] choose the workspace the desk opens
//! (see [`crate::profile`]).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;
use switchboard_core::desk::{Member, Role};
use switchboard_core::permission::Permission;
use switchboard_store::{Backend, Store};
use switchboard_vault::{Secret, Vault};

use crate::profile::{self, Profile, SignedIn, Source};
use crate::{Desk, DeskError};

/// Shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE: usize = 8;
/// Longest passphrase accepted, in characters.
pub const MAX_PASSPHRASE: usize = 1024;

impl DeskError {
    /// The `unauthenticated` refusal: this desk is not signed in on a workspace that asks for it.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        DeskError { code: "unauthenticated", message: message.into() }
    }
}

/// The refusal every checked command gets on a desk that is not signed in.
pub(crate) fn sign_in_first() -> DeskError {
    DeskError::unauthenticated(
        "sign in first: this team workspace lets only signed-in members read cases or change anything \
         (`switchboard signin HANDLE`, or Settings in the app)",
    )
}

/// The stand-in member of a desk that is not signed in.
fn nobody() -> Member {
    Member { id: 0, handle: "nobody".into(), name: "Not signed in".into(), role: Role::Executive, department_id: None }
}

/// The passphrase as an Argon2id PHC string (random salt, the crate's default cost).
pub fn hash_passphrase(passphrase: &Secret) -> Result<String, DeskError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| DeskError { code: "internal", message: format!("cannot make a salt: {e}") })?;
    Argon2::default()
        .hash_password(passphrase.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DeskError { code: "internal", message: format!("cannot hash the passphrase: {e}") })
}

/// Whether `passphrase` is the one `hash` was made from.
pub fn verify_passphrase(passphrase: &Secret, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(passphrase.expose().as_bytes(), &h).is_ok())
}

/// The longest handle a sign-in is tried with.
const MAX_HANDLE: usize = 64;

fn check_passphrase(p: &Secret) -> Result<(), DeskError> {
    let n = p.expose().chars().count();
    if n < MIN_PASSPHRASE {
        return Err(DeskError::invalid(format!("a passphrase has at least {MIN_PASSPHRASE} characters")));
    }
    if n > MAX_PASSPHRASE {
        return Err(DeskError::invalid(format!("a passphrase has at most {MAX_PASSPHRASE} characters")));
    }
    Ok(())
}

/// What this desk is for the session table: the machine and the front end.
fn desk_label() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "this machine".into());
    let front = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "switchboard".into());
    format!("{host} ({front})")
}

fn new_token() -> String {
    rand::random::<[u8; 32]>().iter().map(|b| format!("{b:02x}")).collect()
}

/// Who a desk opened on `store` acts as, and whether it is signed out on a
/// workspace that asks for sign-in (see the module comment).
pub(crate) async fn identity(store: &Store, profile: &Profile) -> Result<(Member, bool), DeskError> {
    if let Some(s) = profile.signed_in.get(store.location()) {
        if store.session_member(&s.session).await? == Some(s.member_id) {
            if let Ok(m) = store.member(s.member_id).await {
                return Ok((m, false));
            }
        }
    }
    if store.backend() == Backend::Postgres && store.sign_in_enabled().await? {
        return Ok((nobody(), true));
    }
    Ok((crate::desk::desk_member(store).await?, false))
}

/// Forgets this desk's sign-in on the workspace at `location` (its profile only).
pub fn forget_sign_in(location: &str) -> Result<(), DeskError> {
    let mut p = Profile::load()?;
    if p.signed_in.remove(location).is_some() {
        p.save()?;
    }
    Ok(())
}

/// Where this desk stands, for `switchboard whoami` and the app's top bar and Settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeskStatus {
    /// `team` (the profile's team workspace), `local` (the SQLite file) or
    /// `given` (`--db` / `SWITCHBOARD_DATABASE_URL`).
    pub source: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Where the data lives, without any password.
    pub location: String,
    /// The profile's team workspace URL (without password), if any.
    pub team_url: Option<String>,
    /// The member this desk acts as; `None` when it must sign in first.
    pub me: Option<Member>,
    /// Whether this desk is signed in with a passphrase (not only acting as the local member).
    pub signed_in: bool,
    /// Whether the workspace asks desks to sign in (some member has a passphrase).
    pub sign_in_enabled: bool,
}

impl Desk {
    /// Whether this desk acts as nobody until someone signs in.
    pub fn needs_sign_in(&self) -> bool {
        self.anonymous
    }

    /// Where this desk stands.
    pub async fn desk_status(&self) -> Result<DeskStatus, DeskError> {
        let profile = Profile::load()?;
        let signed_in = profile
            .signed_in
            .get(self.store().location())
            .is_some_and(|s| !self.anonymous && s.member_id == self.me().id);
        Ok(DeskStatus {
            source: self.source.as_str(),
            backend: self.store().backend().as_str(),
            location: self.store().location().to_string(),
            team_url: profile.team_url.clone(),
            me: (!self.anonymous).then(|| self.me().clone()),
            signed_in,
            sign_in_enabled: self.store().sign_in_enabled().await?,
        })
    }

    /// Sets (or resets) `handle`'s passphrase: an admin's, or the member's
    /// own. Ends the member's open sessions. Setting one's own also signs
    /// this desk in. On a team PostgreSQL that has no passphrase yet, the
    /// first one set must be the setter's own, so the admin is never locked out.
    pub async fn set_passphrase(&self, handle: &str, passphrase: &Secret) -> Result<Member, DeskError> {
        if self.anonymous {
            return Err(sign_in_first());
        }
        let handle = handle.trim().trim_start_matches('@');
        let own = handle == self.me().handle;
        // The first passphrase of a team PostgreSQL turns signing in on for
        // every desk: an admin's step, so an agent cannot lock the admin out.
        let first_on_team = self.store().backend() == Backend::Postgres && !self.store().sign_in_enabled().await?;
        if !own || first_on_team {
            self.require(Permission::ManageMembers)?;
        }
        check_passphrase(passphrase)?;
        let member = self.member_by_handle(handle).await?;
        if !own && first_on_team {
            return Err(DeskError::invalid(format!(
                "set your own passphrase first (`switchboard members passphrase {}`): once a team workspace has one, desks must sign in",
                self.me().handle
            )));
        }
        let hash = hash_passphrase(passphrase)?;
        self.store().set_member_passphrase_hash(&member, &hash, &self.me().handle).await?;
        if own {
            self.remember_session(&member).await?;
        }
        Ok(member)
    }

    async fn member_by_handle(&self, handle: &str) -> Result<Member, DeskError> {
        self.store().members().await?.into_iter().find(|m| m.handle == handle).ok_or_else(|| DeskError {
            code: "not_found",
            message: format!("no member {handle:?}"),
        })
    }

    /// Opens a session for `member` and remembers it in this desk's profile.
    async fn remember_session(&self, member: &Member) -> Result<(), DeskError> {
        let token = new_token();
        self.store().open_member_session(member, &token, &desk_label()).await?;
        let mut p = Profile::load()?;
        p.signed_in.insert(
            self.store().location().to_string(),
            SignedIn { handle: member.handle.clone(), member_id: member.id, session: token },
        );
        p.save()
    }

    /// Signs this desk in as `handle` if `passphrase` is theirs; the desk
    /// remembers it (profile) and the returned desk acts as them. A wrong
    /// passphrase (or a member without one) is refused with
    /// `unauthenticated` and audited; the same words whichever it was.
    pub async fn sign_in(&self, handle: &str, passphrase: &Secret) -> Result<Desk, DeskError> {
        let handle = handle.trim().trim_start_matches('@');
        // Bounded before anything is hashed or recorded: a megabyte "passphrase"
        // or handle is refused at once (and the refusal logged, shortened).
        if handle.chars().count() > MAX_HANDLE || passphrase.expose().chars().count() > MAX_PASSPHRASE {
            let short: String = handle.chars().take(MAX_HANDLE).collect();
            self.store().record_refused_sign_in(&short, None, &desk_label()).await?;
            return Err(DeskError::unauthenticated(format!("wrong handle or passphrase for {short:?}")));
        }
        let member = self.store().members().await?.into_iter().find(|m| m.handle == handle);
        let hash = match &member {
            Some(m) => self.store().member_passphrase_hash(m.id).await?,
            None => None,
        };
        let ok = match &hash {
            Some(h) => verify_passphrase(passphrase, h),
            None => {
                // As long as a real check, so the time does not tell which handles exist.
                let _ = hash_passphrase(passphrase);
                false
            }
        };
        let (Some(member), true) = (member.clone(), ok) else {
            self.store().record_refused_sign_in(handle, member.map(|m| m.id), &desk_label()).await?;
            return Err(DeskError::unauthenticated(format!("wrong handle or passphrase for {handle:?}")));
        };
        self.remember_session(&member).await?;
        let mut desk = self.clone();
        desk.me = member;
        desk.anonymous = false;
        Ok(desk)
    }

    /// Signs this desk out: the session ends and the profile forgets it. The
    /// returned desk acts as whoever a desk that never signed in would.
    pub async fn sign_out(&self) -> Result<Desk, DeskError> {
        let mut p = Profile::load()?;
        if let Some(s) = p.signed_in.remove(self.store().location()) {
            if let Ok(m) = self.store().member(s.member_id).await {
                self.store().close_member_session(&s.session, &m).await?;
            }
            p.save()?;
        }
        let (me, anonymous) = identity(self.store(), &p).await?;
        let mut desk = self.clone();
        desk.me = me;
        desk.anonymous = anonymous;
        Ok(desk)
    }
}

/// Makes the team PostgreSQL at `url` the workspace this desk opens: checks
/// that it answers (and brings its tables up to date), then keeps the URL
/// without its password in the profile and the password (from `password`, or
/// the one in the URL) in the keychain. Returns the URL without password.
pub async fn connect_team(url: &str, password: Option<Secret>, vault: &Vault) -> Result<String, DeskError> {
    let url = url.trim();
    if Backend::from_url(url)? != Backend::Postgres {
        return Err(DeskError::invalid("a team workspace is a PostgreSQL database: postgres://USER@HOST:PORT/DATABASE"));
    }
    let (bare, in_url) = profile::split_password(url)?;
    let password = password.filter(|p| !p.expose().is_empty()).or(in_url);
    let full = match &password {
        Some(p) => profile::with_password(&bare, p)?,
        None => bare.clone(),
    };
    let store = Store::connect(&full).await.map_err(|e| DeskError {
        code: "unavailable",
        message: format!("could not connect to the team workspace: {e}"),
    })?;
    store.close().await;
    let keychain = |e: switchboard_vault::VaultError| DeskError {
        code: "unavailable",
        message: format!("cannot keep the password in the keychain: {e}"),
    };
    let mut p = Profile::load()?;
    // The keychain is touched only when there is a password to keep or one to forget.
    if let Some(secret) = &password {
        vault.put(&profile::password_ref(&bare)?, secret).map_err(keychain)?;
    }
    if let Some(old) = p.team_url.as_ref().filter(|_| p.team_password) {
        if password.is_none() || *old != bare {
            vault.delete(&profile::password_ref(old)?).map_err(keychain)?;
        }
    }
    p.team_url = Some(bare.clone());
    p.team_password = password.is_some();
    p.save()?;
    Ok(bare)
}

/// Makes the local SQLite file the workspace this desk opens again (the team
/// workspace's password leaves the keychain; sign-ins are kept).
pub fn use_local(vault: &Vault) -> Result<(), DeskError> {
    let mut p = Profile::load()?;
    if let Some(team) = p.team_url.take() {
        if p.team_password {
            vault
                .delete(&profile::password_ref(&team)?)
                .map_err(|e| DeskError { code: "unavailable", message: format!("cannot reach the keychain: {e}") })?;
        }
        p.team_password = false;
        p.save()?;
    }
    Ok(())
}

/// The source a desk opened through [`Desk::with_store`] reports.
pub(crate) const STORE_SOURCE: Source = Source::Given;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_is_kept_as_an_argon2id_hash_only() {
        let p = Secret::new("correct horse battery");
        let h = hash_passphrase(&p).unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert_ne!(h, hash_passphrase(&p).unwrap(), "a fresh salt each time");
        assert!(verify_passphrase(&p, &h));
        assert!(!verify_passphrase(&Secret::new("correct horse battery "), &h));
        assert!(!verify_passphrase(&p, "not a hash"));
        assert!(check_passphrase(&Secret::new("short")).is_err());
        assert!(check_passphrase(&Secret::new("long enough")).is_ok());
    }
}
