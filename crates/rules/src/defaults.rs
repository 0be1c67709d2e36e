//! The rule set, playbook and SLA policies a workspace starts with, written
//! for the tiger team's departments (contact-centre, marketing, pr, legal,
//! sales, hr, investor-relations). They are ordinary files
//! (`crates/rules/defaults/*.toml`), used until the team saves its own.

use crate::{Playbook, RuleSet, SlaConfig};

pub const RULES: &str = include_str!("../defaults/rules.toml");
pub const PLAYBOOK: &str = include_str!("../defaults/playbook.toml");
pub const SLA: &str = include_str!("../defaults/sla.toml");

/// The departments the defaults are written for.
pub const DEPARTMENTS: [&str; 7] = ["contact-centre", "marketing", "pr", "legal", "sales", "hr", "investor-relations"];

pub fn rules() -> RuleSet {
    RuleSet::parse(RULES).expect("the default rules read (checked by the tests)")
}
pub fn playbook() -> Playbook {
    Playbook::parse(PLAYBOOK).expect("the default playbook reads (checked by the tests)")
}
pub fn sla() -> SlaConfig {
    SlaConfig::parse(SLA).expect("the default SLA policies read (checked by the tests)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_and_name_only_what_exists() {
        let (rules, playbook, sla) = (rules(), playbook(), sla());
        assert!(rules.rules.len() >= 8);
        rules.check_references(&DEPARTMENTS, &sla.policy_names(), &playbook.slugs()).unwrap();
        for p in &sla.policies {
            assert!(sla.calendar(&p.calendar).is_some(), "{}", p.name);
            for d in &p.departments {
                assert!(DEPARTMENTS.contains(&d.as_str()), "{d}");
            }
        }
        for t in &playbook.templates {
            for d in t.department.iter().chain(t.approval.iter()) {
                assert!(DEPARTMENTS.contains(&d.as_str()), "{d}");
            }
        }
    }
}
