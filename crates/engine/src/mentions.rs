//! Mentions: an internal note naming a member with `@handle` notifies them
//! ([`Desk::notifications`], [`Desk::mark_read`]). The note and its
//! notifications are written together. A handle that names no member is
//! left as text; a member named twice is notified once; the author is never
//! notified of their own note, nor is a member who may not read cases (the
//! executive viewer).

use switchboard_core::permission::{allows, Permission};
use switchboard_core::presence::{mentioned_handles, Notification};

use crate::{Desk, DeskError};

impl Desk {
    /// Writes an internal note on the case with a notification for each
    /// member it mentions (the caller checked the permission).
    pub(crate) async fn write_note(&self, case_id: i64, body: &str) -> Result<(), DeskError> {
        let handles = mentioned_handles(body);
        let mut notify = Vec::new();
        if !handles.is_empty() {
            let members = self.store().members().await?;
            for handle in &handles {
                let Some(m) = members.iter().find(|m| m.handle.eq_ignore_ascii_case(handle)) else { continue };
                if m.id != self.me().id && allows(m.role, Permission::ViewCases) {
                    notify.push(m.id);
                }
            }
        }
        Ok(self.store().add_note_mentioning(case_id, body, &self.me().handle, &notify).await?)
    }

    /// This desk's member's notifications, newest first; only the unread with `unread_only`.
    pub async fn notifications(&self, unread_only: bool) -> Result<Vec<Notification>, DeskError> {
        Ok(self.store().notifications(self.me().id, unread_only).await?)
    }

    /// Marks one of this member's notifications read (another member's is `not_found`).
    pub async fn mark_read(&self, id: i64) -> Result<(), DeskError> {
        Ok(self.store().mark_notification_read(self.me().id, id).await?)
    }
}
