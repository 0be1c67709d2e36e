//! Live updates at the desk: the changes every desk makes (posts arriving,
//! cases moved, assigned, noted, answered, drafts started), heard as they
//! commit, so the inbox and an open case refresh without a reload.

use switchboard_store::live::LiveStream;

use crate::{Desk, DeskError};

impl Desk {
    /// Listens for every case change made from now on, on this desk or any
    /// other on the same workspace (PostgreSQL LISTEN/NOTIFY; in-process on SQLite).
    pub async fn subscribe(&self) -> Result<LiveStream, DeskError> {
        Ok(self.store().subscribe().await?)
    }
}
