//! The identity side of the case view: the author's influence score (from
//! followers, posts in the workspace and the share of their conversations
//! answered) and the customer's key and handles, plus the reasons either
//! stands out. Two small indexed queries; the inbox list is untouched.

use sqlx::Row;
use switchboard_core::influence::{influence, stands_out, Engagement, InfluenceInput};
use switchboard_core::view::{AuthorView, CustomerCard};

use crate::{Result, Store};

impl Store {
    /// Fills the influence and stand-out fields of the case view's cards.
    pub async fn fill_identity_cards(&self, author: &mut Option<AuthorView>, customer: &mut Option<CustomerCard>) -> Result<()> {
        let Some(a) = author.as_mut() else { return Ok(()) };
        let row = sqlx::query(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN first_response_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM cases WHERE author_id = $1",
        )
        .bind(a.id)
        .fetch_one(self.pool())
        .await?;
        let (cases, answered): (i64, i64) = (row.get(0), row.get(1));
        let score = influence(&InfluenceInput {
            followers: a.followers,
            engagement: Some(Engagement {
                posts: a.post_count,
                answered_share: (cases > 0).then(|| answered as f64 / cases as f64),
                reposts_per_post: None,
            }),
            reach: None,
        });
        let (tier, value) = customer.as_ref().map(|c| (c.value_tier.clone(), c.lifetime_value)).unwrap_or_default();
        let reasons = stands_out(Some(&score), a.followers, tier.as_deref(), value);
        if let Some(c) = customer.as_mut() {
            c.customer_ref = sqlx::query_scalar("SELECT customer_ref FROM customers WHERE id = $1").bind(c.id).fetch_optional(self.pool()).await?.flatten();
            c.handles = Some(self.customer_handles(c.id).await?);
            c.influence = Some(score.clone());
            c.stands_out = Some(reasons.clone());
        }
        a.influence = Some(score);
        a.stands_out = Some(reasons);
        Ok(())
    }
}
