use proptest::prelude::*;
use switchboard_listen::{parse, MAX_CHARS};

/// Pieces of the language, so random queries are often almost valid.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\"".to_string()),
        Just("“".to_string()),
        Just("AND".to_string()),
        Just("OR".to_string()),
        Just("NOT".to_string()),
        Just("-".to_string()),
        Just("*".to_string()),
        Just(":".to_string()),
        Just("#".to_string()),
        Just("@".to_string()),
        Just("author:".to_string()),
        Just("lang:".to_string()),
        Just("channel:".to_string()),
        Just("followers:".to_string()),
        Just("followers:>".to_string()),
        Just("foo:".to_string()),
        Just(">=".to_string()),
        Just("1.5k".to_string()),
        Just("https://".to_string()),
        "[a-zA-Z]{1,6}",
        "[0-9]{1,4}",
        "[éßİΣ東\u{301}_'.!]{1,3}",
        Just(" ".to_string()),
        Just(" ".to_string()),
    ]
}

fn tokenish() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|ps| ps.concat())
}

/// Either the query parses and its canonical form parses back to it, or the
/// error points inside the input.
fn check(q: &str) -> Result<(), TestCaseError> {
    let len = q.chars().count();
    match parse(q) {
        Ok(parsed) => {
            let shown = parsed.to_string();
            if shown.chars().count() <= MAX_CHARS {
                let again = parse(&shown).map_err(|e| {
                    TestCaseError::fail(format!("{q:?} printed as {shown:?}, which fails: {e}"))
                })?;
                prop_assert_eq!(&again, &parsed, "{:?} printed as {:?}", q, shown);
                prop_assert_eq!(again.to_string(), shown, "canonical text is stable");
            }
        }
        Err(e) => {
            prop_assert!(
                e.position < len.max(1),
                "error position {} outside {:?} ({} chars): {}",
                e.position,
                q,
                len,
                e
            );
            prop_assert!(e.to_string().len() < 300, "a message is one line: {e}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(q in any::<String>()) {
        check(&q)?;
    }

    #[test]
    fn language_shaped_strings_never_panic(q in tokenish()) {
        check(&q)?;
    }

    #[test]
    fn deep_and_long_inputs(n in 0usize..5000, which in 0u8..4) {
        let q = match which {
            0 => "(".repeat(n),
            1 => "NOT ".repeat(n / 4) + "x",
            2 => "-".repeat(n) + "x",
            _ => "\"".repeat(n),
        };
        check(&q)?;
    }
}
