//! Listening queries at work: every incoming post is checked against the
//! enabled queries (locally, so results are exact whatever a network's search
//! returned); a match routes the post's case to the query's department when
//! the case has none yet, and puts the query's tag on the case, each with an
//! event naming the query.

use switchboard_core::permission::Permission;
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
    /// with the column of the problem. `department` is a slug (`pr`, `legal`...);
    /// `tag` is put on the cases its matches land in.
    pub async fn add_listening_query(
        &self,
        name: &str,
        query: &str,
        department: Option<&str>,
        tag: Option<&str>,
    ) -> Result<ListeningQuery, DeskError> {
        self.require(Permission::EditListening)?;
        let parsed = parse(query).map_err(|e| DeskError::invalid(format!("the query {query:?} does not read: {e}")))?;
        let department_id = match department {
            Some(slug) => Some(self.store().department_by_slug(slug).await.map_err(|_| DeskError::invalid(format!("no department {slug:?}")))?.id),
            None => None,
        };
        Ok(self.store().upsert_listening_query(name, &parsed.to_string(), department_id, tag).await?)
    }
}

/// What a listening query is checked against for one post.
pub fn facts_of(post: &NewPost) -> PostFacts {
    PostFacts::new(post.text.clone(), &post.author, &post.channel)
        .with_author_name(post.author_name.as_deref())
        .with_followers(post.author_followers)
}

/// Checks freshly stored posts against the enabled queries, routes their
/// cases and tags them. Returns how many cases were routed.
pub async fn route_posts(store: &Store, posts: &[NewPost]) -> Result<usize, DeskError> {
    Ok(route_and_tag(store, posts).await?.routed)
}

/// What checking posts against the listening queries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Routed {
    /// Cases moved to a query's department.
    pub routed: usize,
    /// Tags newly put on cases.
    pub tagged: usize,
}

/// [`route_posts`], also saying how many tags were put on cases.
pub async fn route_and_tag(store: &Store, posts: &[NewPost]) -> Result<Routed, DeskError> {
    let queries: Vec<(ListeningQuery, Query)> = store
        .listening_queries()
        .await?
        .into_iter()
        .filter(|q| q.enabled)
        .filter_map(|q| parse(&q.query).ok().map(|parsed| (q, parsed)))
        .collect();
    let mut done = Routed::default();
    if queries.is_empty() {
        return Ok(done);
    }
    for post in posts {
        let facts = facts_of(post);
        for (q, parsed) in &queries {
            if !parsed.matches(&facts) {
                continue;
            }
            store.count_listening_matches(q.id, 1).await?;
            // For the rules' `query = "name"` conditions.
            store.record_query_match(&post.channel, &post.external_id, q.id).await?;
            if q.department_id.is_none() && q.tag.is_none() {
                continue;
            }
            let Ok(case_id) = store.case_of_post(&post.channel, &post.external_id).await else { continue };
            let actor = format!("{ROUTER}:{}", q.name);
            if let Some(department) = q.department_id {
                let case = store.case_summary(case_id).await?;
                // Conditional on the version just read: a person's move wins.
                if case.department_id.is_none() && store.move_to(case_id, Some(department), &actor, Some(case.version)).await.is_ok() {
                    done.routed += 1;
                }
            }
            if let Some(tag) = &q.tag {
                if store.tag_case(case_id, tag, &actor).await? {
                    done.tagged += 1;
                }
            }
        }
    }
    Ok(done)
}
