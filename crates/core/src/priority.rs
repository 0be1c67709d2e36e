//! The baseline priority of a case, before the understanding layer (sentiment,
//! topic, influence, customer value) refines it: a conversation nobody has
//! answered outranks one waiting on the customer, and waiting makes it rise.
//! The score is 0–100; higher is more urgent.

use crate::case::CaseStatus;

pub fn baseline(status: CaseStatus, followers: Option<i64>) -> f64 {
    let base = match status {
        CaseStatus::New => 60.0,
        CaseStatus::Open => 50.0,
        CaseStatus::Pending => 20.0,
        CaseStatus::Resolved => 0.0,
    };
    // Reach nudges the score: +0 for a handful of followers, up to +10 at a million.
    let reach = followers.unwrap_or(0).max(0) as f64;
    let bonus = (reach + 1.0).log10().min(6.0) / 6.0 * 10.0;
    if status == CaseStatus::Resolved {
        0.0
    } else {
        ((base + bonus) * 10.0).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unanswered_outranks_waiting_on_customer_and_reach_adds() {
        assert!(baseline(CaseStatus::New, None) > baseline(CaseStatus::Pending, None));
        assert!(baseline(CaseStatus::Open, Some(1_000_000)) > baseline(CaseStatus::Open, Some(10)));
        assert_eq!(baseline(CaseStatus::Resolved, Some(5_000_000)), 0.0);
    }
}
