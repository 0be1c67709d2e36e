//! The running desk, shared by the desktop app and the `switchboard` command.
//!
//! [`Desk`] opens the workspace (a SQLite file in the platform data folder by
//! default, or the database named by `--db` / `SWITCHBOARD_DATABASE_URL`),
//! knows which member this desk acts as, and offers the operations the
//! screens call: the inbox, the case view, and the actions on a case, each of
//! which returns the case as it now stands. [`demo`] fills an empty workspace
//! with a realistic one.

pub mod access;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod collision;
pub mod connections;
pub mod demo;
pub mod desk;
pub mod error;
pub mod identity;
pub mod listen;
pub mod live;
pub mod location;
pub mod mentions;
pub mod oauth;
pub mod pipeline;
pub mod presence;
pub mod profile;
pub mod replies;
pub mod report_files;
pub mod reports;
pub mod routing;
pub mod searches;
pub mod signin;
pub mod triage;
pub mod understand;
pub mod worker;

pub use desk::Desk;
pub use error::DeskError;
