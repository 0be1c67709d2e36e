//! Bringing past posts into Switchboard and taking the case log out.
//!
//! An import reads a file in one of the known [`Layout`]s (the "Customer
//! Support on Twitter" CSV, the "Twitter US Airline Sentiment" CSV, our JSONL,
//! or any CSV described by `--map`), normalises each row into a post, groups
//! reply chains into conversations ([`threads`]), and writes everything through
//! the store's idempotent ingestor. Bad rows never stop an import: each is
//! reported with its line number and reason ([`BadRow`]) and the good rows land.
//! [`export`] writes posts and cases as CSV or JSONL.

pub mod csv_rows;
pub mod export;
pub mod jsonl;
pub mod layout;
pub mod run;
pub mod threads;

pub use layout::{Layout, Preset};
pub use run::{import_file, BadRow, ImportOptions, ImportReport, Progress};
