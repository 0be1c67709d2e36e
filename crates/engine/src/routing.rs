//! Listening queries at work: every incoming post is checked against the
//! enabled queries (locally, so results are exact whatever a network's search
//! returned); a match routes the post's case to the query's department when
//! the case has none yet, with an event naming the query.

use switchboard_core::post::NewPost;
use switchboard_listen::{parse, PostFacts, Query};
use switchboard_store::listening::ListeningQuery;
use switchboard_store::Store;

use crate::error::DeskError;
use crate::Desk;

/// The actor named on routing events.
const ROUTER: &str = "listening";

impl Desk {
    /// Saves a listening query after checking it; a malformed one is refused
    /// with the column of the problem. `department` is a slug (`pr`, `legal`...).
    pub async fn add_listening_query(&self, name: &str, query: &str, department: Option<&str>) -> Result<ListeningQuery, DeskError> {
        let parsed = parse(query).map_err(|e| DeskError::invalid(format!("the query {query:?} does not read: {e}")))?;
        let department_id = match department {
            Some(slug) => Some(self.store().department_by_slug(slug).await.map_err(|_| DeskError::invalid(format!("no department {slug:?}")))?.id),
            None => None,
        };
        Ok(self.store().upsert_listening_query(name, &parsed.to_string(), department_id).await?)
    }
}

/// Checks freshly stored posts against the enabled queries and routes their
/// cases. Returns how many cases were routed.
pub async fn route_posts(store: &Store, posts: &[NewPost]) -> Result<usize, DeskError> {
    let queries: Vec<(ListeningQuery, Query)> = store
        .listening_queries()
        .await?
        .into_iter()
        .filter(|q| q.enabled)
        .filter_map(|q| parse(&q.query).ok().map(|parsed| (q, parsed)))
        .collect();
    if queries.is_empty() {
        return Ok(0);
    }
    let mut routed = 0;
    for post in posts {
        let facts = PostFacts::new(post.text.clone(), &post.author, &post.channel)
            .with_author_name(post.author_name.as_deref())
            .with_followers(post.author_followers);
        for (q, parsed) in &queries {
            if !parsed.matches(&facts) {
                continue;
            }
            store.count_listening_matches(q.id, 1).await?;
            let Some(department) = q.department_id else { continue };
            let Ok(case_id) = store.case_of_post(&post.channel, &post.external_id).await else { continue };
            let case = store.case_summary(case_id).await?;
            if case.department_id.is_none() {
                // Conditional on the version just read: a person's move wins.
                if store.move_to(case_id, Some(department), &format!("{ROUTER}:{}", q.name), Some(case.version)).await.is_ok() {
                    routed += 1;
                }
            }
        }
    }
    Ok(routed)
}
