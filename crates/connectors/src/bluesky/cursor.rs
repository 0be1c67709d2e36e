//! The cursor of a newest-first Bluesky list (notifications, search).
//!
//! The lists are ordered by `sortAt` = min(indexed at, the post's own
//! `createdAt`), so a post written by a device whose clock runs behind can
//! appear *below* what was already seen. A plain "newer than the newest seen"
//! rule would miss it. So the cursor keeps a window: everything back to
//! `seen - MARGIN` is read again, and the URIs already handed over inside the
//! window (`recent`) are skipped; nothing is fetched twice, nothing delayed by
//! less than the margin is lost.
//!
//! With a saved `seen`, a poll walks older pages (`walk`, the server's
//! cursor) until it reaches the window's floor; every intermediate cursor is
//! safe to save. A first poll takes the newest page only.

use serde::{Deserialize, Serialize};

use crate::connector::Cursor;

/// How far below the newest seen item a list is read again.
pub const MARGIN_MS: i64 = 10 * 60_000;
/// Most URIs remembered in the window (a burst beyond it may re-fetch a
/// post, which the store ignores).
const MAX_RECENT: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCursor {
    /// Newest `sortAt` handed over (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<i64>,
    /// The server's cursor to the next older page, during a walk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<String>,
    /// Newest `sortAt` of the walk so far (the next `seen`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<i64>,
    /// URIs handed over inside the window, with their `sortAt`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<(String, i64)>,
}

impl ListCursor {
    pub fn load(cursor: Option<&Cursor>) -> Self {
        cursor.and_then(|c| serde_json::from_str(c.as_str()).ok()).unwrap_or_default()
    }

    pub fn save(&self) -> Cursor {
        Cursor(serde_json::to_string(self).expect("a cursor always serialises"))
    }

    /// Items older than this were handed over before (none on a first poll).
    pub fn floor(&self) -> Option<i64> {
        self.seen.map(|s| s - MARGIN_MS)
    }

    /// Takes one page, `(uri, sortAt)` newest first as the server sent it,
    /// and the server's cursor to older items. Returns the URIs to hand over
    /// and the cursor to save once they are committed.
    pub fn take_page(&self, page: &[(String, i64)], server_cursor: Option<String>) -> (Vec<String>, ListCursor) {
        let floor = self.floor();
        let mut next = self.clone();
        let mut fresh = Vec::new();
        for (uri, at) in page {
            let old = floor.is_some_and(|f| *at < f);
            if old || next.recent.iter().any(|(u, _)| u == uri) {
                continue;
            }
            fresh.push(uri.clone());
            next.recent.push((uri.clone(), *at));
            next.top = next.top.max(Some(*at));
        }
        let oldest = page.iter().map(|(_, at)| *at).min();
        let reached_floor = match (floor, oldest) {
            (Some(f), Some(o)) => o < f,
            _ => true, // a first poll, or an empty page: nothing older to walk
        };
        match server_cursor {
            Some(walk) if !reached_floor => next.walk = Some(walk),
            _ => {
                next.walk = None;
                next.seen = next.seen.max(next.top.take());
                let floor = next.floor();
                next.recent.retain(|(_, at)| floor.is_none_or(|f| *at >= f));
                if next.recent.len() > MAX_RECENT {
                    next.recent.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
                    next.recent.truncate(MAX_RECENT);
                }
            }
        }
        (fresh, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: &[(&str, i64)]) -> Vec<(String, i64)> {
        items.iter().map(|(u, t)| (u.to_string(), *t)).collect()
    }

    const T: i64 = 1_764_201_600_000;

    #[test]
    fn first_poll_takes_one_page_and_remembers_it() {
        let (fresh, c) = ListCursor::default().take_page(&page(&[("c", T + 3), ("b", T + 2), ("a", T + 1)]), Some("older".into()));
        assert_eq!(fresh, ["c", "b", "a"]);
        assert_eq!((c.seen, c.walk.as_deref()), (Some(T + 3), None));
        let (again, _) = c.take_page(&page(&[("c", T + 3), ("b", T + 2), ("a", T + 1)]), None);
        assert!(again.is_empty(), "nothing twice");
    }

    #[test]
    fn a_backdated_post_inside_the_margin_is_not_lost() {
        let (_, c) = ListCursor::default().take_page(&page(&[("b", T + 5_000), ("a", T)]), None);
        // "late" was written by a device 2 minutes behind: it sorts below b.
        let (fresh, c) = c.take_page(&page(&[("b", T + 5_000), ("late", T + 5_000 - 120_000), ("a", T)]), None);
        assert_eq!(fresh, ["late"]);
        assert_eq!(c.seen, Some(T + 5_000));
    }

    #[test]
    fn walks_down_to_the_floor_then_settles() {
        let (_, c) = ListCursor::default().take_page(&page(&[("a", T)]), None);
        let newer = T + MARGIN_MS * 3;
        let (fresh, c) = c.take_page(&page(&[("e", newer + 3), ("d", newer + 2)]), Some("p2".into()));
        assert_eq!(fresh, ["e", "d"]);
        assert_eq!((c.walk.as_deref(), c.seen), (Some("p2"), Some(T)), "walking: seen unchanged");
        let (fresh, c) = c.take_page(&page(&[("c", newer + 1), ("a", T), ("z", T - MARGIN_MS - 1)]), Some("p3".into()));
        assert_eq!(fresh, ["c"]);
        assert_eq!((c.walk, c.seen), (None, Some(newer + 3)), "reached the floor: settled");
        assert!(c.recent.iter().all(|(_, at)| *at >= newer + 3 - MARGIN_MS), "the window moved: {:?}", c.recent);
    }

    #[test]
    fn bad_or_missing_cursor_text_starts_afresh() {
        assert_eq!(ListCursor::load(Some(&Cursor::new("{not json"))), ListCursor::default());
        let c = ListCursor { seen: Some(T), ..Default::default() };
        assert_eq!(ListCursor::load(Some(&c.save())), c);
    }
}
