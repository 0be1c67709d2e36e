//! The error every front end receives: a code it can act on and a message a
//! person can read. It crosses to the UI as `{"code": ..., "message": ...}`.

use serde::Serialize;
use switchboard_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct DeskError {
    /// `not_found`, `invalid`, `conflict`, `unavailable`, `internal`, or
    /// `forbidden` (this desk's member's role does not allow the command;
    /// see `access`).
    pub code: &'static str,
    pub message: String,
}

impl DeskError {
    pub fn invalid(message: impl Into<String>) -> Self {
        DeskError { code: "invalid", message: message.into() }
    }
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        DeskError { code: e.code(), message: e.to_string() }
    }
}
