//! [`Desk`]: one person's seat at the case log. It holds the store and the
//! member this desk acts as; every action is recorded in that member's name.

use switchboard_core::case::CaseStatus;
use switchboard_core::desk::{Member, Role};
use switchboard_core::permission::Permission;
use switchboard_core::view::{CaseDetail, InboxPage, InboxQuery, WorkspaceInfo};
use switchboard_store::Store;

use crate::error::DeskError;

/// The setting that remembers which member this desk is.
const ME_SETTING: &str = "desk.member";

#[derive(Clone)]
pub struct Desk {
    store: Store,
    pub(crate) me: Member,
    vault: switchboard_vault::Vault,
    /// Not signed in on a workspace that asks for it (see `signin`).
    pub(crate) anonymous: bool,
    /// Where the workspace came from (see `profile`).
    pub(crate) source: crate::profile::Source,
}

impl Desk {
    /// Opens the workspace at `url` (or the environment's, or the default
    /// SQLite file), migrating it, and the member this desk acts as.
    /// Without `url`, the desk's profile may name a team workspace; who the
    /// desk acts as follows its sign-in there (see `profile` and `signin`).
    pub async fn open(url: Option<&str>) -> Result<Desk, DeskError> {
        let vault = switchboard_vault::Vault::default();
        let profile = crate::profile::Profile::load()?;
        let (url, source) = crate::profile::workspace_url(url, &profile, &vault)?;
        let store = Store::connect(&url).await?;
        let (me, anonymous) = crate::signin::identity(&store, &profile).await?;
        Ok(Desk { store, me, vault, anonymous, source })
    }

    /// A desk on `store` acting as the member remembered in the workspace
    /// (tests, benchmarks, several desks in one process); no sign-in.
    pub async fn with_store(store: Store) -> Result<Desk, DeskError> {
        let me = desk_member(&store).await?;
        Ok(Desk { store, me, vault: switchboard_vault::Vault::default(), anonymous: false, source: crate::signin::STORE_SOURCE })
    }

    /// The same desk keeping secrets under another keychain service (tests).
    pub fn with_vault(mut self, vault: switchboard_vault::Vault) -> Self {
        self.vault = vault;
        self
    }

    pub fn vault(&self) -> &switchboard_vault::Vault {
        &self.vault
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn me(&self) -> &Member {
        &self.me
    }

    pub async fn workspace_info(&self) -> Result<WorkspaceInfo, DeskError> {
        let case_count = self.store.case_count().await?;
        Ok(WorkspaceInfo {
            empty: case_count == 0,
            backend: self.store.backend().as_str().to_string(),
            location: self.store.location().to_string(),
            me: (!self.anonymous).then(|| self.me.clone()),
            departments: self.store.departments().await?,
            members: self.store.members().await?,
            channels: self.store.channels().await?,
            case_count,
        })
    }

    /// Fills an empty workspace with the demo; refuses to touch real work.
    pub async fn load_demo(&self) -> Result<WorkspaceInfo, DeskError> {
        self.require(Permission::ManageWorkspace)?;
        if self.store.case_count().await? > 0 {
            return Err(DeskError::invalid("the demo workspace only loads into an empty workspace"));
        }
        crate::demo::load(&self.store, switchboard_core::time::now_ms()).await?;
        // Understood and triaged like any new posts: the first screen shows
        // priorities with their reasons and the playbook's suggestions.
        self.process_new().await?;
        self.workspace_info().await
    }

    /// The inbox (not for an executive viewer: cases hold personal details).
    pub async fn inbox(&self, q: InboxQuery) -> Result<InboxPage, DeskError> {
        self.require(Permission::ViewCases)?;
        Ok(self.store.inbox(&q).await?)
    }

    /// One case with its posts, events and the playbook's suggestion (any
    /// department's: reading is not scoped; not for an executive viewer).
    pub async fn case_detail(&self, case_id: i64) -> Result<CaseDetail, DeskError> {
        self.require(Permission::ViewCases)?;
        self.detail(case_id).await
    }

    /// The case as an action left it (the action was checked).
    /// After a person moved, handed off, assigned or re-statused a case: the
    /// team's `case_updated` rules run on it (a department that needs
    /// approval, say) and its priority is refreshed. The change itself is
    /// committed already; a rule that cannot run does not undo it (the
    /// team's rules are checked when saved, so this is a database failure,
    /// which the next action or tick meets again).
    async fn after_change(&self, case_id: i64) {
        let _ = self.case_updated(case_id, switchboard_core::time::now_ms()).await;
    }

    async fn detail(&self, case_id: i64) -> Result<CaseDetail, DeskError> {
        let mut detail = self.store.case_detail(case_id).await?;
        // The playbook's suggestion; a case view never fails for want of one.
        detail.suggestion = self.suggested_reply(case_id).await.ok().flatten();
        Ok(detail)
    }

    /// Assigns the case (or unassigns it with `None`). With `expected_version`
    /// the change only happens if nobody changed the case since that version.
    /// Claiming a case for oneself, or releasing one's own, is working it;
    /// assigning it to anyone else (or taking it from them) is a lead's.
    pub async fn assign(&self, case_id: i64, member_id: Option<i64>, expected_version: Option<i64>) -> Result<CaseDetail, DeskError> {
        let own = match member_id {
            Some(m) => m == self.me.id,
            None => self.store.case_summary(case_id).await?.assignee_id.is_none_or(|a| a == self.me.id),
        };
        let p = if own { Permission::WorkCase } else { Permission::AssignCase };
        self.require_on_case(p, case_id).await?;
        self.store.assign(case_id, member_id, &self.me.handle, expected_version).await?;
        self.after_change(case_id).await;
        self.detail(case_id).await
    }

    /// Hands the case to another department (scoped for an agent by where it is now).
    pub async fn move_to(&self, case_id: i64, department_id: Option<i64>, expected_version: Option<i64>) -> Result<CaseDetail, DeskError> {
        self.require_on_case(Permission::MoveCase, case_id).await?;
        self.store.move_to(case_id, department_id, &self.me.handle, expected_version).await?;
        self.after_change(case_id).await;
        self.detail(case_id).await
    }

    /// Hands the case to another department with a reason (on the timeline
    /// as a hand-off); the same permission as moving it.
    pub async fn hand_off(&self, case_id: i64, department_id: i64, reason: &str, expected_version: Option<i64>) -> Result<CaseDetail, DeskError> {
        self.require_on_case(Permission::MoveCase, case_id).await?;
        self.store.hand_off(case_id, department_id, reason, &self.me.handle, expected_version).await?;
        self.after_change(case_id).await;
        self.detail(case_id).await
    }

    pub async fn set_status(&self, case_id: i64, status: CaseStatus, expected_version: Option<i64>) -> Result<CaseDetail, DeskError> {
        self.require_on_case(Permission::WorkCase, case_id).await?;
        self.store.set_status(case_id, status, &self.me.handle, expected_version).await?;
        self.after_change(case_id).await;
        self.detail(case_id).await
    }

    pub async fn add_note(&self, case_id: i64, body: String) -> Result<CaseDetail, DeskError> {
        self.require_on_case(Permission::WorkCase, case_id).await?;
        // With a notification for each member it @mentions (see `mentions`).
        self.write_note(case_id, &body).await?;
        self.detail(case_id).await
    }

    /// Adds a member (an existing handle is returned as it is): an admin's.
    pub async fn add_member(&self, handle: &str, name: &str, role: Role, department_id: Option<i64>) -> Result<Member, DeskError> {
        self.require(Permission::ManageMembers)?;
        Ok(self.store.upsert_member(handle, name, role, department_id).await?)
    }
}

/// The member this desk acts as: remembered in the workspace, else the
/// member named after the login, created on first open.
pub(crate) async fn desk_member(store: &Store) -> Result<Member, DeskError> {
    if let Some(id) = store.setting(ME_SETTING).await?.and_then(|v| v.parse::<i64>().ok()) {
        if let Ok(m) = store.member(id).await {
            return Ok(m);
        }
    }
    let login = std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty() && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or_else(|| "me".to_string());
    let handle = if login == "root" { "me".to_string() } else { login };
    let mut name: Vec<char> = handle.chars().collect();
    if let Some(c) = name.first_mut() {
        *c = c.to_ascii_uppercase();
    }
    let name: String = if handle == "me" { "Me".to_string() } else { name.into_iter().collect() };
    // The first person in a workspace owns it; later ones start as agents
    // (an existing member with this handle is taken as it is).
    let role = if store.members().await?.is_empty() { Role::Admin } else { Role::Agent };
    let me = store.upsert_member(&handle, &name, role, None).await?;
    store.set_setting(ME_SETTING, &me.id.to_string()).await?;
    Ok(me)
}
