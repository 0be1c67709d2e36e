//! Listening: one poll of a connected account, with the cursor contract kept.
//! Posts are stored (idempotently) and committed first; only then does the
//! account's cursor move. A crash in between re-fetches what was stored and
//! stores nothing twice; a failure keeps the cursor and records the error in
//! plain words for the app to show.

use switchboard_connectors::{Connector, ConnectorError, Cursor};
use switchboard_core::time::now_ms;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::Store;

use crate::error::DeskError;

/// Pages one poll may follow before it yields to other accounts.
const MAX_PAGES: usize = 20;

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PollOutcome {
    pub fetched: usize,
    pub stored: usize,
    pub new_cases: usize,
    pub pages: usize,
    /// Cases a listening query routed to its department.
    pub routed: usize,
}

/// Polls `account_id` through `connector` until it has nothing more (or
/// [`MAX_PAGES`]), storing each page before saving the cursor after it.
/// `every_ms` sets when the next poll is due.
pub async fn poll_account(store: &Store, account_id: i64, connector: &dyn Connector, every_ms: i64) -> Result<PollOutcome, DeskError> {
    let account = store.account(account_id).await?;
    let (_, saved) = store.account_state(account_id).await?;
    let mut cursor = saved.map(Cursor::new);
    let mut outcome = PollOutcome::default();
    let mut ingestor = Ingestor::new(store, &format!("connector:{}", account.network), &account.name);
    loop {
        let page = match connector.poll(cursor.as_ref()).await {
            Ok(page) => page,
            Err(e) => {
                let next = match &e {
                    ConnectorError::RateLimited { retry_at } => *retry_at,
                    _ => now_ms() + every_ms,
                };
                store.record_poll_error(account_id, &e.to_string(), Some(next)).await?;
                return Err(DeskError { code: e.code(), message: format!("{} {}: {e}", account.network, account.name) });
            }
        };
        let batch: Vec<IngestPost> = page
            .posts
            .into_iter()
            .map(|f| IngestPost { post: f.post, conversation: f.conversation })
            .collect();
        outcome.fetched += batch.len();
        let written = ingestor.write(&batch).await?;
        let posts: Vec<_> = batch.into_iter().map(|p| p.post).collect();
        outcome.routed += crate::routing::route_posts(store, &posts).await?;
        outcome.stored += written.inserted;
        outcome.new_cases += written.new_cases;
        outcome.pages += 1;
        // The posts are committed: now, and only now, the cursor may move.
        let more = page.more && outcome.pages < MAX_PAGES;
        let next_poll = if more { None } else { Some(now_ms() + every_ms) };
        store
            .record_poll(account_id, page.next_cursor.as_ref().map(Cursor::as_str), written.inserted as i64, next_poll)
            .await?;
        if let Some(c) = page.next_cursor {
            cursor = Some(c);
        }
        if !more {
            return Ok(outcome);
        }
    }
}
