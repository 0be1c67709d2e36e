//! Files with mistakes: each error names the file, the line and the rule,
//! template or policy, and says what is wrong. Nothing panics.

use switchboard_rules::{Playbook, RuleSet, SlaConfig};

#[test]
fn a_bad_rules_file_is_refused_with_line_and_rule() {
    // (file, line, words the message must contain)
    let table: &[(&str, usize, &str)] = &[
        ("[[rule]]\nname = \"A\"\nthen = [{ tag = \"x\" }\n", 3, ""),
        ("[[rule]]\nname = \"A\"\nwhen = { topc = \"x\" }\nthen = [{ tag = \"x\" }]\n", 3, "unknown condition `topc`"),
        ("[[rule]]\nname = \"A\"\nthen = [{ tag = \"x\" }]\n\n[[rule]]\nname = \"B\"\nthen = [{ rout = \"pr\" }]\n", 7, "unknown action `rout`"),
        ("[[rule]]\nname = \"A\"\nwhen = { followers = \">lots\" }\nthen = [{ tag = \"x\" }]\n", 3, "followers"),
        ("[[rule]]\nname = \"A\"\nwhen = { text = 'delay AND (x OR' }\nthen = [{ tag = \"x\" }]\n", 3, "does not read"),
        ("[[rule]]\nname = \"A\"\non = \"tuesday\"\nthen = [{ tag = \"x\" }]\n", 3, "unknown event"),
        ("[[rule]]\nname = \"A\"\nthen = []\n", 3, "at least one action"),
        ("[[rule]]\nname = \"A\"\nthen = [{ tag = \"x\", route = \"pr\" }]\n", 3, "one key"),
        ("[[rule]]\nname = \"A\"\nthen = [{ priority = \"lots\" }]\n", 3, "priority"),
        ("[[rule]]\nname = \"A\"\nthen = [{ tag = \"x\" }]\n[[rule]]\nname = \"A\"\nthen = [{ tag = \"x\" }]\n", 5, "unique"),
        ("[[rule]]\nname = \"A\"\nstopp = true\nthen = [{ tag = \"x\" }]\n", 3, "stopp"),
        ("[[rule]]\nname = \"A\"\nwhen = { business_hours = \"yes\" }\nthen = [{ tag = \"x\" }]\n", 3, "true or false"),
    ];
    for &(src, line, words) in table {
        let err = RuleSet::parse(src).expect_err(src);
        assert_eq!(err.file, "rules");
        assert_eq!(err.line, Some(line), "{src}\n→ {err}");
        assert!(err.to_string().contains(words), "{src}\n→ {err}");
        if words.contains("unknown condition") {
            assert!(err.to_string().contains("rule \"A\""), "{err}");
        }
    }
    let rules = RuleSet::parse("[[rule]]\nname = \"A\"\nthen = [{ route = \"space\" }]\n").unwrap();
    let err = rules.check_references(&["pr"], &[], &[]).unwrap_err();
    assert!(err.to_string().contains("\"space\", which is not a department"), "{err}");
}

#[test]
fn bad_playbook_and_sla_files_are_refused_with_line_and_name() {
    let table: &[(&str, usize, &str)] = &[
        ("[[template]]\nslug = \"a\"\ntext = \"Hi {nmae}\"\n", 3, "unknown variable {nmae}"),
        ("[[template]]\nslug = \"a\"\ntext = \"Hi {customer_name\"\n", 3, "without its"),
        ("[[template]]\nslug = \"a b\"\ntext = \"x\"\n", 2, "slug"),
        ("[[template]]\nslug = \"a\"\nmatch = \"(x\"\ntext = \"x\"\n", 3, "does not read"),
        ("[[template]]\nslug = \"a\"\n", 1, "text"),
    ];
    for &(src, line, words) in table {
        let err = Playbook::parse(src).expect_err(src);
        assert_eq!((err.file, err.line), ("playbook", Some(line)), "{src}\n→ {err}");
        assert!(err.to_string().contains(words), "{src}\n→ {err}");
    }
    let table: &[(&str, &str)] = &[
        ("[[calendar]]\nname = \"c\"\nhours = { mon = \"9-5\" }\n", "hours for mon"),
        ("[[calendar]]\nname = \"c\"\nhours = { funday = \"09:00-17:00\" }\n", "unknown day"),
        ("[[calendar]]\nname = \"c\"\nhours = {}\n", "open on no day"),
        ("[[calendar]]\nname = \"c\"\nhours = { mon = \"09:00-17:00\" }\nholidays = [\"25/12/2026\"]\n", "YYYY-MM-DD"),
        ("[[policy]]\nname = \"p\"\nfirst_response = \"soon\"\nresolution = \"1d\"\n", "first_response"),
        ("[[policy]]\nname = \"p\"\ncalendar = \"nope\"\nfirst_response = \"1h\"\nresolution = \"1d\"\n", "not defined"),
        ("[[policy]]\nname = \"p\"\nfirst_response = \"1h\"\nresolution = \"1d\"\nnear_breach = \"150%\"\n", "percentage"),
    ];
    for &(src, words) in table {
        let err = SlaConfig::parse(src).expect_err(src);
        assert_eq!(err.file, "sla");
        assert!(err.line.is_some() && err.to_string().contains(words), "{src}\n→ {err}");
    }
}
