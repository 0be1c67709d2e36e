//! Presence and mentions: who of the team is online, viewing a case or
//! drafting a reply on it (one row per desk session, kept alive by a
//! heartbeat and forgotten when it expires), and the notifications a member
//! gets when an internal note names them with `@handle`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How long a desk's presence lasts without a heartbeat, in milliseconds.
pub const PRESENCE_TTL_MS: i64 = 45_000;
/// How often a desk refreshes its presence, in milliseconds.
pub const HEARTBEAT_MS: i64 = 15_000;

/// What a desk session is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum PresenceState {
    /// The app is open; no case.
    Online,
    /// A case is open on the desk.
    Viewing,
    /// The reply box of a case has text.
    Drafting,
}

impl PresenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceState::Online => "online",
            PresenceState::Viewing => "viewing",
            PresenceState::Drafting => "drafting",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "online" => PresenceState::Online,
            "viewing" => PresenceState::Viewing,
            "drafting" => PresenceState::Drafting,
            _ => return None,
        })
    }
}

/// One member's presence (the strongest of their live desk sessions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Presence {
    #[ts(type = "number")]
    pub member_id: i64,
    pub handle: String,
    pub name: String,
    pub state: PresenceState,
    #[ts(type = "number | null")]
    pub case_id: Option<i64>,
    /// The last heartbeat, in milliseconds since the epoch.
    #[ts(type = "number")]
    pub seen_at: i64,
}

/// Who else is on one case, for an inbox row: handles of viewers and of
/// those drafting a reply (a drafter is not also listed as a viewer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CasePresence {
    #[ts(type = "number")]
    pub case_id: i64,
    pub viewers: Vec<String>,
    pub drafters: Vec<String>,
}

/// A notification for one member: someone mentioned them in a note on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Notification {
    #[ts(type = "number")]
    pub id: i64,
    /// `mention`.
    pub kind: String,
    #[ts(type = "number")]
    pub case_id: i64,
    /// Who mentioned them (a member's handle).
    pub actor: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub read_at: Option<i64>,
}

/// The handles a text mentions with `@handle`, in order, each once (compared
/// without regard to ASCII case). An `@` inside a word (`ana@example.com`)
/// is not a mention; a handle is letters, digits, `_`, `-` and inner `.`.
pub fn mentioned_handles(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i] == '@' && (i == 0 || !is_handle_char(chars[i - 1]) && chars[i - 1] != '@');
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && (is_handle_char(chars[j]) || chars[j] == '.') {
            j += 1;
        }
        let handle: String = chars[i + 1..j].iter().collect();
        let handle = handle.trim_end_matches('.').to_string();
        if !handle.is_empty() && !out.iter().any(|h| h.eq_ignore_ascii_case(&handle)) {
            out.push(handle);
        }
        i = j.max(i + 1);
    }
    out
}

fn is_handle_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_once_and_emails_are_not_mentions() {
        let text = "@kofi can you check? cc @Amara, @kofi. mail ana@example.com @ nobody @@x @mei.";
        assert_eq!(mentioned_handles(text), vec!["kofi", "Amara", "mei"]);
        assert_eq!(mentioned_handles("(@tom) and @j.doe!"), vec!["tom", "j.doe"]);
        assert!(mentioned_handles("no mentions <b>@</b>").is_empty());
    }

    #[test]
    fn states_round_trip() {
        for s in [PresenceState::Online, PresenceState::Viewing, PresenceState::Drafting] {
            assert_eq!(PresenceState::parse(s.as_str()), Some(s));
        }
        assert!(PresenceState::Drafting > PresenceState::Viewing && PresenceState::Viewing > PresenceState::Online);
        assert_eq!(PresenceState::parse("typing"), None);
    }
}
