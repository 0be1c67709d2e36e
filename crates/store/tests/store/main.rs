//! The store's behaviour suite. Every test runs on each backend returned by
//! `testing::stores()`: a fresh SQLite file always, and a fresh PostgreSQL
//! database when SWITCHBOARD_TEST_PG_URL is set (always under CI).

mod support;

// Posts in, idempotently, grouped into cases by conversation.
mod ingest;
// The inbox: filters, order, pages; the case view.
mod inbox;
// Case actions: events, versions, conflicts.
mod actions;
// Export rows with labels; customers on the case view.
mod export;
// Connected accounts: cursor, counts, last error.
mod accounts;
// Listening queries' tags and search cursors; tags on cases.
mod listening;
// Identity: customers from CSV, links by handle, suggestions, undo.
mod identity;
// Models per field, predictions with their model version, corrections as labels.
mod models;
// The audit trail: hash chain, refused edits, verify naming the broken entry.
mod audit;
// Member sign-in: passphrase hashes, sessions by token hash, audited.
mod member_secrets;
