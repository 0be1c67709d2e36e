//! The OAuth flows end to end on loopback: a test authorization server
//! (tests/support/auth_server.rs) for X and Reddit, and mastodon-mock for
//! Mastodon's app registration and code flow.

#[path = "../support/auth_server.rs"]
mod auth_server;

// X and Reddit against the test authorization server, and every refusal.
mod flows;
// Mastodon against mastodon-mock.
mod mastodon;
