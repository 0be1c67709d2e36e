//! The case view's understanding commands: an agent corrects a post's
//! sentiment or topic (a label the models learn from), and the playbook's
//! suggested reply for a case, and claiming a case. Errors cross as `{code, message}`.

use switchboard_core::view::{CaseDetail, SuggestionView};
use switchboard_engine::DeskError;
use tauri::State;

use crate::commands::Workspace;

/// The sentiments an agent can set.
const SENTIMENTS: [&str; 3] = ["negative", "neutral", "positive"];
/// Longest topic accepted.
const MAX_TOPIC: usize = 64;

/// Checks a correction and returns the field and value as they are stored.
fn check_correction(field: &str, value: &str) -> Result<(&'static str, String), DeskError> {
    let value = value.trim();
    match field.trim() {
        "sentiment" => {
            let v = value.to_lowercase();
            match SENTIMENTS.iter().find(|s| **s == v) {
                Some(s) => Ok(("sentiment", s.to_string())),
                None => Err(DeskError::invalid(format!("a sentiment is negative, neutral or positive, not {value:?}"))),
            }
        }
        "topic" => {
            // Topics are short names ("lost luggage"), kept as written.
            let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if v.is_empty() {
                return Err(DeskError::invalid("a topic is needed"));
            }
            if v.chars().count() > MAX_TOPIC {
                return Err(DeskError::invalid(format!("a topic is at most {MAX_TOPIC} characters")));
            }
            if v.chars().any(char::is_control) {
                return Err(DeskError::invalid("a topic is one line of text"));
            }
            Ok(("topic", v))
        }
        "language" => Err(DeskError::invalid("the language is detected, not learned; it cannot be corrected")),
        other => Err(DeskError::invalid(format!("only sentiment and topic can be corrected, not {other:?}"))),
    }
}

/// Records an agent's correction of a post's sentiment or topic and returns
/// the case as it is now (the post shows the label). The post must belong to
/// the case.
#[tauri::command]
pub async fn correct_prediction(
    ws: State<'_, Workspace>,
    case_id: i64,
    post_id: i64,
    field: String,
    value: String,
) -> Result<CaseDetail, DeskError> {
    let (field, value) = check_correction(&field, &value)?;
    let desk = ws.desk()?;
    let before = desk.case_detail(case_id).await?;
    if !before.posts.iter().any(|p| p.id == post_id) {
        return Err(DeskError { code: "not_found", message: format!("no post #{post_id} in case #{case_id}") });
    }
    desk.correct(post_id, field, &value).await?;
    desk.case_detail(case_id).await
}

/// The playbook's reply for a case, rendered for its customer (none when no
/// template matches).
#[tauri::command]
pub async fn suggested_reply(ws: State<'_, Workspace>, case_id: i64) -> Result<Option<SuggestionView>, DeskError> {
    let desk = ws.desk()?;
    desk.suggested_reply(case_id).await
}

/// Claims an unassigned case for this desk's member; of two desks claiming
/// at once the other gets a `conflict` naming who won.
#[tauri::command]
pub async fn claim_case(ws: State<'_, Workspace>, case_id: i64) -> Result<CaseDetail, DeskError> {
    ws.desk()?.claim(case_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_are_checked_before_the_desk_is_asked() {
        assert_eq!(check_correction("sentiment", " Negative ").unwrap(), ("sentiment", "negative".to_string()));
        assert_eq!(check_correction("topic", " lost   luggage ").unwrap(), ("topic", "lost luggage".to_string()));
        assert_eq!(check_correction("sentiment", "angry").unwrap_err().code, "invalid");
        assert_eq!(check_correction("topic", "  ").unwrap_err().code, "invalid");
        assert_eq!(check_correction("topic", "a\u{0}b").unwrap_err().code, "invalid");
        assert_eq!(check_correction("topic", &"a".repeat(65)).unwrap_err().code, "invalid");
        assert_eq!(check_correction("language", "fr").unwrap_err().code, "invalid");
        assert_eq!(check_correction("priority", "1").unwrap_err().code, "invalid");
    }
}
