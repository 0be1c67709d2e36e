//! What a case knows from its conversation: when it opened, when the
//! customer first wrote, when the organisation first answered (first-response
//! time for imported history), who the customer is, and whether the ball is
//! in the organisation's court. Facts accumulate post by post in any order
//! (files list replies before the posts they answer), and the summary is
//! derived, never stored twice.

use crate::case::CaseStatus;
use crate::post::Direction;
use crate::time::Millis;

/// Longest subject kept on a case row (the full text stays on the post).
pub const SUBJECT_CHARS: usize = 240;

#[derive(Debug, Clone, Default)]
pub struct ConversationFacts {
    posts: Vec<(Millis, Direction)>,
    /// Earliest inbound post: (time, author id, text).
    first_inbound: Option<(Millis, i64, String)>,
    /// Earliest post of any direction, for conversations the organisation started.
    first_any: Option<(Millis, i64, String)>,
    /// Earliest known organisation account: (time, account).
    account: Option<(Millis, String)>,
}

/// The derived state of a conversation, as the case row stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub opened_at: Millis,
    pub last_post_at: Millis,
    pub post_count: i64,
    pub first_customer_at: Option<Millis>,
    pub first_response_at: Option<Millis>,
    pub status: CaseStatus,
    pub author_id: i64,
    pub subject: String,
    pub account: Option<String>,
}

impl ConversationFacts {
    pub fn add(&mut self, at: Millis, direction: Direction, author_id: i64, text: &str, account: Option<&str>) {
        self.posts.push((at, direction));
        let earlier = |slot: &Option<(Millis, i64, String)>| slot.as_ref().is_none_or(|(t, _, _)| at < *t);
        if direction == Direction::Inbound && earlier(&self.first_inbound) {
            self.first_inbound = Some((at, author_id, subject_of(text)));
        }
        if earlier(&self.first_any) {
            self.first_any = Some((at, author_id, subject_of(text)));
        }
        if let Some(acc) = account.filter(|a| !a.is_empty()) {
            if self.account.as_ref().is_none_or(|(t, _)| at < *t) {
                self.account = Some((at, acc.to_string()));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    pub fn summary(&self) -> Option<ConversationSummary> {
        let (_, first_author, first_text) = self.first_any.as_ref()?;
        let opened_at = self.posts.iter().map(|p| p.0).min()?;
        // The latest post decides who waits; at equal times an outbound post counts as later.
        let &(last_post_at, last_dir) = self
            .posts
            .iter()
            .max_by_key(|(t, d)| (*t, *d == Direction::Outbound))?;
        let first_customer_at = self.first_inbound.as_ref().map(|f| f.0);
        let first_response_at = first_customer_at.and_then(|fc| {
            self.posts
                .iter()
                .filter(|(t, d)| *d == Direction::Outbound && *t >= fc)
                .map(|p| p.0)
                .min()
        });
        let (author_id, subject) = match &self.first_inbound {
            Some((_, a, s)) => (*a, s.clone()),
            None => (*first_author, first_text.clone()),
        };
        Some(ConversationSummary {
            opened_at,
            last_post_at,
            post_count: self.posts.len() as i64,
            first_customer_at,
            first_response_at,
            status: CaseStatus::from_conversation(first_response_at.is_some(), last_dir == Direction::Outbound),
            author_id,
            subject,
            account: self.account.as_ref().map(|a| a.1.clone()),
        })
    }
}

fn subject_of(text: &str) -> String {
    let mut s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = s.char_indices().nth(SUBJECT_CHARS) {
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;

    #[test]
    fn first_response_counts_from_the_first_customer_post_in_any_order() {
        let mut f = ConversationFacts::default();
        // A reply listed before the post it answers, as in exported files.
        f.add(2_000, Outbound, 9, "We're on it", Some("brand"));
        f.add(1_000, Inbound, 7, "My   bag\nis lost", None);
        f.add(3_000, Inbound, 7, "thanks", None);
        let s = f.summary().unwrap();
        assert_eq!(s.opened_at, 1_000);
        assert_eq!(s.first_customer_at, Some(1_000));
        assert_eq!(s.first_response_at, Some(2_000));
        assert_eq!(s.status, CaseStatus::Open, "the customer spoke last after an answer");
        assert_eq!(s.author_id, 7);
        assert_eq!(s.subject, "My bag is lost");
        assert_eq!(s.account.as_deref(), Some("brand"));
        assert_eq!(s.post_count, 3);
    }

    #[test]
    fn an_organisation_post_before_the_customer_is_not_a_response() {
        let mut f = ConversationFacts::default();
        f.add(1_000, Outbound, 9, "Announcing...", None);
        f.add(2_000, Inbound, 7, "question", None);
        let s = f.summary().unwrap();
        assert_eq!(s.first_response_at, None);
        assert_eq!(s.status, CaseStatus::New);
    }

    #[test]
    fn long_subjects_are_cut_on_a_character_boundary() {
        let mut f = ConversationFacts::default();
        f.add(1, Inbound, 1, &"é".repeat(500), None);
        let s = f.summary().unwrap();
        assert_eq!(s.subject.chars().count(), SUBJECT_CHARS + 1);
        assert_eq!(s.status, CaseStatus::New);
    }
}
