//! Who is who, at the desk: import the organisation's customers, review the
//! suggested links, link, unlink and merge by hand, and undo any of it. Every
//! change is signed by the desk's member; links made on an exact handle are
//! signed [`AUTO_ACTOR`]. [`Desk::link_new_authors`] is what pollers and
//! importers call after new posts arrive.

use std::path::Path;

use switchboard_core::permission::Permission;
use switchboard_store::identity::csv_import::CustomerImportReport;
use switchboard_store::identity::matching::MatchReport;
use switchboard_store::identity::{CustomerListItem, IdentityEntry, LinkSuggestion};

use crate::error::DeskError;
use crate::Desk;

/// The actor of links made automatically on an exact handle.
pub const AUTO_ACTOR: &str = "identity";

impl Desk {
    /// Imports customers from a CSV file (layout: `switchboard_store::identity::csv_import`).
    pub async fn import_customers(&self, path: &Path) -> Result<CustomerImportReport, DeskError> {
        self.require(Permission::ManageCustomers)?;
        let file = std::fs::File::open(path)
            .map_err(|e| DeskError { code: "not_found", message: format!("cannot read {}: {e}", path.display()) })?;
        Ok(self.store().import_customers(std::io::BufReader::new(file), AUTO_ACTOR).await?)
    }

    pub async fn customers(&self, search: Option<&str>, limit: i64) -> Result<Vec<CustomerListItem>, DeskError> {
        self.require(Permission::ViewCustomers)?;
        Ok(self.store().customers(search.filter(|s| !s.trim().is_empty()), limit).await?)
    }

    /// The review queue (`pending` by default), strongest evidence first.
    pub async fn link_suggestions(&self, status: Option<&str>) -> Result<Vec<LinkSuggestion>, DeskError> {
        self.require(Permission::ViewCustomers)?;
        Ok(self.store().link_suggestions(status, 500).await?)
    }

    /// Accepts a suggestion; returns the identity log entry (none if already linked so).
    pub async fn accept_suggestion(&self, id: i64) -> Result<Option<i64>, DeskError> {
        self.require(Permission::EditIdentity)?;
        Ok(self.store().accept_suggestion(id, &self.me().handle).await?)
    }

    pub async fn reject_suggestion(&self, id: i64) -> Result<(), DeskError> {
        self.require(Permission::EditIdentity)?;
        Ok(self.store().reject_suggestion(id, &self.me().handle).await?)
    }

    /// Links an author to a customer by hand.
    pub async fn link(&self, author_id: i64, customer_id: i64) -> Result<Option<i64>, DeskError> {
        self.require(Permission::EditIdentity)?;
        Ok(self.store().link_author_to(author_id, customer_id, &self.me().handle).await?)
    }

    /// Links by names, as a person types them: the author's handle on a
    /// channel, and the customer's reference (or `#id`).
    pub async fn link_handle(&self, channel: &str, handle: &str, customer: &str) -> Result<Option<i64>, DeskError> {
        let author = self.store().author_by_handle(channel, handle).await?;
        let customer = self.store().customer_by_ref(customer).await?;
        self.link(author, customer).await
    }

    pub async fn unlink(&self, author_id: i64) -> Result<i64, DeskError> {
        self.require(Permission::EditIdentity)?;
        Ok(self.store().unlink_author(author_id, &self.me().handle).await?)
    }

    pub async fn unlink_handle(&self, channel: &str, handle: &str) -> Result<i64, DeskError> {
        let author = self.store().author_by_handle(channel, handle).await?;
        self.unlink(author).await
    }

    /// Merges `other` into `survivor` (ids); returns the log entry.
    pub async fn merge_customers(&self, survivor: i64, other: i64) -> Result<i64, DeskError> {
        self.require(Permission::ManageCustomers)?;
        Ok(self.store().merge_customers(survivor, other, &self.me().handle).await?)
    }

    /// Undoes the given identity change, or the newest one not yet undone.
    pub async fn undo_identity(&self, entry: Option<i64>) -> Result<IdentityEntry, DeskError> {
        self.require(Permission::EditIdentity)?;
        Ok(self.store().undo_identity(entry, &self.me().handle).await?)
    }

    pub async fn identity_log(&self, limit: i64) -> Result<Vec<IdentityEntry>, DeskError> {
        self.require(Permission::ViewCustomers)?;
        Ok(self.store().identity_log(limit).await?)
    }

    /// Links the authors that arrived since the last call on an exact handle
    /// and queues suggestions for the rest; cheap when none arrived. Call it
    /// after every poll and import.
    pub async fn link_new_authors(&self) -> Result<MatchReport, DeskError> {
        Ok(self.store().link_new_authors(AUTO_ACTOR).await?)
    }
}
