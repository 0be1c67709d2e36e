//! The audit trail as the desk offers it: check the whole hash chain
//! ([`Desk::verify_audit`]) and read its latest entries, optionally about one
//! subject such as `case:12` ([`Desk::audit_log`]). Appending happens in the
//! store, inside the transaction of each audited change.

use switchboard_core::permission::Permission;
use switchboard_store::audit::{AuditRecord, AuditReport};

use crate::{Desk, DeskError};

impl Desk {
    /// Walks the chain and names the first broken entry, if any.
    pub async fn verify_audit(&self) -> Result<AuditReport, DeskError> {
        self.require(Permission::ViewAudit)?;
        Ok(self.store().verify_audit().await?)
    }

    /// The latest `limit` entries, newest first; only `subject`'s when given.
    pub async fn audit_log(&self, subject: Option<&str>, limit: i64) -> Result<Vec<AuditRecord>, DeskError> {
        self.require(Permission::ViewAudit)?;
        Ok(self.store().audit_log(subject, limit).await?)
    }
}
