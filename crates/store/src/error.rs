//! Store errors, classified by what the caller can do about them.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    NotFound(String),
    /// The input is wrong (bad URL, unknown member, empty note...).
    #[error("{0}")]
    Invalid(String),
    /// Someone else changed the row first (version check failed).
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be reached or opened.
    #[error("{0}")]
    Unavailable(String),
    /// Writing output (an export) failed.
    #[error("cannot write: {0}")]
    Output(#[from] std::io::Error),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// A short machine-readable code for front ends.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound(_) => "not_found",
            StoreError::Invalid(_) => "invalid",
            StoreError::Conflict(_) => "conflict",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Output(_) => "unavailable",
            StoreError::Db(_) => "internal",
        }
    }
}
