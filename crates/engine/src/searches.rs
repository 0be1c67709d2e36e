//! Listening queries sent to the networks' own searches.
//!
//! Each enabled query is translated for the account's network
//! ([`Query::to_network`]); where that yields a search string, it is sent to
//! the network's search ([`Connector::search`]) with the cursor saved for that
//! (query, account). A network's search is a superset of what the query means,
//! so every result is re-checked locally and only the posts that match are
//! stored. The cursor contract is the one of a poll ([`crate::listen`]): the
//! kept posts are stored and committed, they are routed and tagged (as every
//! incoming post is, [`crate::routing`]), and only then does the search's
//! cursor move. A failure keeps the cursor and is recorded on the search in
//! plain words; a rate limit sets the next search to the network's reset.
//!
//! Queries the network cannot narrow (only negations, prefixes, follower
//! counts...) are not sent: the account's poll brings its posts and every
//! incoming post is checked locally anyway. A Mastodon query that asks for a
//! hashtag timeline is sent as `#tag`, which the Mastodon connector reads
//! from `GET /api/v1/timelines/tag/:tag`.

use serde::Serialize;
use switchboard_connectors::{Connector, ConnectorError, Cursor};
use switchboard_core::account::Account;
use switchboard_listen::{parse, Network, NetworkSearch, Query};
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::listening::ListeningQuery;
use switchboard_store::Store;

use crate::connections::connector_for;
use crate::error::DeskError;
use crate::routing::{facts_of, route_and_tag};
use crate::Desk;

/// How often a query's search runs on an account when nothing says otherwise.
pub const SEARCH_EVERY_MS: i64 = 5 * 60_000;

/// Pages one search may follow before it yields to the others.
const MAX_PAGES: usize = 5;

/// The network whose search an account of `network` (`x`, `reddit`...) reaches.
pub fn network_of(network: &str) -> Option<Network> {
    Network::ALL.into_iter().find(|n| n.channel() == network)
}

/// The search string to send for `query` on `network`, if its search can
/// narrow the query.
pub fn search_text(query: &Query, network: Network) -> Option<String> {
    match query.to_network(network) {
        NetworkSearch::Query(q) if !q.trim().is_empty() => Some(q),
        // The Mastodon connector reads a lone `#tag` from the tag's timeline.
        NetworkSearch::HashtagTimeline(tag) if !tag.trim().is_empty() => Some(format!("#{tag}")),
        _ => None,
    }
}

/// What searching did (on one account, or added up over several).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchOutcome {
    /// Searches sent (a failed one included).
    pub searches: usize,
    /// Searches that failed; their errors are in `errors` and on the search.
    pub failed: usize,
    /// Searches not due yet (rate limit or interval).
    pub not_due: usize,
    pub pages: usize,
    /// Posts the networks returned.
    pub fetched: usize,
    /// Of those, posts that matched the query locally.
    pub kept: usize,
    /// Of those, posts not stored before.
    pub stored: usize,
    pub new_cases: usize,
    /// Cases a query routed to its department.
    pub routed: usize,
    /// Tags put on cases.
    pub tagged: usize,
    /// Failures in plain words.
    pub errors: Vec<String>,
}

impl SearchOutcome {
    fn add(&mut self, o: SearchOutcome) {
        self.searches += o.searches;
        self.failed += o.failed;
        self.not_due += o.not_due;
        self.pages += o.pages;
        self.fetched += o.fetched;
        self.kept += o.kept;
        self.stored += o.stored;
        self.new_cases += o.new_cases;
        self.routed += o.routed;
        self.tagged += o.tagged;
        self.errors.extend(o.errors);
    }
}

/// One query to send: the stored query, parsed, and its translation.
struct Planned {
    query: ListeningQuery,
    parsed: Query,
    search: String,
}

/// The searches due on `account` at `now`, and how many are not due yet.
async fn plan(store: &Store, account: &Account, now: i64) -> Result<(Vec<Planned>, usize), DeskError> {
    let Some(network) = network_of(&account.network) else { return Ok((Vec::new(), 0)) };
    if !account.enabled {
        return Ok((Vec::new(), 0));
    }
    let mut due = Vec::new();
    let mut not_due = 0;
    for query in store.listening_queries().await?.into_iter().filter(|q| q.enabled) {
        let Ok(parsed) = parse(&query.query) else { continue };
        let Some(search) = search_text(&parsed, network) else { continue };
        let saved = store.listening_search(query.id, account.id).await?;
        // A query that now reads differently is searched at once.
        let waiting = saved.as_ref().is_some_and(|s| s.search == search && s.next_search_at.is_some_and(|t| t > now));
        if waiting {
            not_due += 1;
            continue;
        }
        due.push(Planned { query, parsed, search });
    }
    Ok((due, not_due))
}

/// Sends every enabled query that is due to `account`'s network search
/// through `connector`, keeping the local matches. A failing search is
/// recorded on it (and in the outcome) and does not stop the others; only a
/// failure of the workspace is an error.
pub async fn search_due(store: &Store, account: &Account, connector: &dyn Connector, now: i64) -> Result<SearchOutcome, DeskError> {
    let (due, not_due) = plan(store, account, now).await?;
    let mut outcome = SearchOutcome { not_due, ..SearchOutcome::default() };
    for p in &due {
        outcome.add(search_query(store, account, &p.query, &p.parsed, &p.search, connector, now).await?);
    }
    Ok(outcome)
}

/// Sends one query's `search` (its translation for the account's network)
/// and follows its pages, storing the posts that match `parsed` locally and
/// saving the cursor after each committed page.
pub async fn search_query(
    store: &Store,
    account: &Account,
    query: &ListeningQuery,
    parsed: &Query,
    search: &str,
    connector: &dyn Connector,
    now: i64,
) -> Result<SearchOutcome, DeskError> {
    let saved = store.listening_search(query.id, account.id).await?;
    let mut cursor = saved.as_ref().and_then(|s| s.cursor_for(search)).map(Cursor::new);
    let mut outcome = SearchOutcome { searches: 1, ..SearchOutcome::default() };
    let source = format!("the search {:?} on {} {}", query.name, account.network, account.name);
    let mut ingestor = Ingestor::new(store, &format!("connector:{}", account.network), &source);
    loop {
        let page = match connector.search(search, cursor.as_ref()).await {
            Ok(page) => page,
            Err(e) => {
                let next = match &e {
                    ConnectorError::RateLimited { retry_at } => *retry_at,
                    _ => now + SEARCH_EVERY_MS,
                };
                store.record_search_error(query.id, account.id, search, &e.to_string(), Some(next)).await?;
                outcome.failed += 1;
                outcome.errors.push(format!("{} {}: the search {:?}: {e}", account.network, account.name, query.name));
                return Ok(outcome);
            }
        };
        outcome.fetched += page.posts.len();
        // The network's search is wider than the query: keep the exact matches.
        let kept: Vec<IngestPost> = page
            .posts
            .into_iter()
            .filter(|f| parsed.matches(&facts_of(&f.post)))
            .map(|f| IngestPost { post: f.post, conversation: f.conversation })
            .collect();
        outcome.kept += kept.len();
        let mut stored = 0;
        if !kept.is_empty() {
            let written = ingestor.write(&kept).await?;
            stored = written.inserted;
            outcome.new_cases += written.new_cases;
            let posts: Vec<_> = kept.into_iter().map(|p| p.post).collect();
            let done = route_and_tag(store, &posts).await?;
            outcome.routed += done.routed;
            outcome.tagged += done.tagged;
        }
        outcome.stored += stored;
        outcome.pages += 1;
        // The posts are committed: now, and only now, the cursor may move.
        let more = page.more && outcome.pages < MAX_PAGES;
        let next = if more { None } else { Some(now + SEARCH_EVERY_MS) };
        store
            .record_search(query.id, account.id, search, page.next_cursor.as_ref().map(Cursor::as_str), stored as i64, next)
            .await?;
        if let Some(c) = page.next_cursor {
            cursor = Some(c);
        }
        if !more {
            return Ok(outcome);
        }
    }
}

impl Desk {
    /// Sends the queries due on one account to its network's search now.
    /// An account whose network has no search (a feed) does nothing.
    pub async fn search_account(&self, account_id: i64, now: i64) -> Result<SearchOutcome, DeskError> {
        let account = self.store().account(account_id).await?;
        let (due, not_due) = plan(self.store(), &account, now).await?;
        if due.is_empty() {
            return Ok(SearchOutcome { not_due, ..SearchOutcome::default() });
        }
        let (config, _) = self.store().account_state(account_id).await?;
        let connector = connector_for(&account, &config, self.vault())?;
        search_due(self.store(), &account, connector.as_ref(), now).await
    }

    /// Sends every due query to the search of every enabled account that has
    /// one. Failures are recorded on their search; an account whose connector
    /// cannot be built (its poll says why) is passed over. Returns how many
    /// new posts were stored.
    pub async fn run_searches(&self, now: i64) -> Result<usize, DeskError> {
        let mut stored = 0;
        for account in self.store().accounts().await? {
            if !account.enabled || network_of(&account.network).is_none() {
                continue;
            }
            if let Ok(outcome) = self.search_account(account.id, now).await {
                stored += outcome.stored;
            }
        }
        Ok(stored)
    }
}
