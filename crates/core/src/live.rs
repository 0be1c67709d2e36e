//! Live updates: what one desk hears when a case changes on any desk (a post
//! arrives, a case is moved, assigned, noted, answered, a draft is started).
//! The store sends these over PostgreSQL LISTEN/NOTIFY, or in-process on
//! SQLite; the app forwards each to its window as a `case-changed` event.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The `kind` of an event for posts that arrived in bulk (import, connectors):
/// `cases` lists every case opened or grown by the batch.
pub const POSTS_ARRIVED: &str = "posts_arrived";
/// The `kind` of an event saying some events may have been missed (the
/// listener fell behind or its connection dropped): refresh everything shown.
pub const RESYNC: &str = "resync";
/// The `kind` of an event saying who is on a case changed (a desk started or
/// stopped viewing or drafting, came online or left): `case_id` the case (0
/// for none), `cases` every case the change touched. Not a change to a case.
pub const PRESENCE: &str = "presence";
/// The `kind` of an event saying a note on `case_id` mentioned someone:
/// desks look up their own unread notifications. Not a change to a case.
pub const MENTION: &str = "mention";

/// One change to a case, as the other desks hear of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct LiveEvent {
    /// The case changed (0 for a resync; the first case for posts that arrived).
    #[ts(type = "number")]
    pub case_id: i64,
    /// The case's version after the change (0 when not one case's change).
    #[ts(type = "number")]
    pub version: i64,
    /// The case event's kind (`assigned`, `note`, ...), [`POSTS_ARRIVED`] or [`RESYNC`].
    pub kind: String,
    /// Who made the change (a member's handle, `import`, a connector).
    pub actor: String,
    /// When, in milliseconds since the epoch.
    #[ts(type = "number")]
    pub at: i64,
    /// For [`POSTS_ARRIVED`]: every case the batch opened or grew.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(type = "Array<number>", optional)]
    pub cases: Vec<i64>,
}

impl LiveEvent {
    /// A resync: the listener may have missed events.
    pub fn resync(at: i64) -> LiveEvent {
        LiveEvent { case_id: 0, version: 0, kind: RESYNC.to_string(), actor: String::new(), at, cases: Vec::new() }
    }
    /// Whether a screen showing case `case_id` should refresh.
    pub fn affects(&self, case_id: i64) -> bool {
        if self.kind == PRESENCE || self.kind == MENTION {
            return false;
        }
        self.kind == RESYNC || self.case_id == case_id || self.cases.contains(&case_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_and_say_what_they_affect() {
        let ev = LiveEvent { case_id: 7, version: 3, kind: "note".into(), actor: "ana".into(), at: 1, cases: vec![] };
        let text = serde_json::to_string(&ev).unwrap();
        assert!(!text.contains("cases"), "{text}");
        assert_eq!(serde_json::from_str::<LiveEvent>(&text).unwrap(), ev);
        assert!(ev.affects(7) && !ev.affects(8));
        let batch = LiveEvent { kind: POSTS_ARRIVED.into(), cases: vec![7, 9], ..ev.clone() };
        assert!(batch.affects(9));
        assert!(LiveEvent::resync(2).affects(123));
    }
}
