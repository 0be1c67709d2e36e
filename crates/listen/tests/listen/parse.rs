use switchboard_listen::{parse, Cmp, ErrorKind, Expr, MAX_CHARS, MAX_DEPTH};

/// The canonical form, which shows the structure the parser chose.
fn canon(q: &str) -> String {
    parse(q)
        .unwrap_or_else(|e| panic!("{q:?} should parse: {e}"))
        .to_string()
}

fn err(q: &str) -> (usize, String) {
    let e = parse(q).expect_err(&format!("{q:?} should be rejected"));
    (e.position, e.to_string())
}

#[test]
fn precedence_is_not_then_and_then_or() {
    assert_eq!(
        canon("a OR b c"),
        "a OR b AND c",
        "AND binds tighter than OR"
    );
    assert_eq!(
        canon("(a OR b) c"),
        "(a OR b) AND c",
        "parentheses keep the OR together"
    );
    assert_eq!(canon("NOT a b"), "NOT a AND b", "NOT binds tightest");
    assert_eq!(canon("NOT (a b)"), "NOT (a AND b)");
    assert_eq!(canon("a OR NOT b OR c"), "a OR NOT b OR c");
    let q = parse("a OR b c").unwrap();
    let Expr::Or(items) = q.expr() else {
        panic!("top should be OR: {q:?}")
    };
    assert!(
        matches!(&items[1], Expr::And(v) if v.len() == 2),
        "b c is one AND: {items:?}"
    );
}

#[test]
fn implicit_and_and_flattening() {
    assert_eq!(canon("a b c"), "a AND b AND c");
    assert_eq!(canon("a AND b c"), "a AND b AND c");
    assert_eq!(
        canon("(a b) (c)"),
        "a AND b AND c",
        "nested ANDs flatten, (c) is c"
    );
    assert_eq!(canon("((a OR (b OR c)))"), "a OR b OR c");
    assert_eq!(
        canon("a NOT b"),
        "a AND NOT b",
        "NOT after a term means AND NOT"
    );
}

#[test]
fn minus_negates() {
    assert_eq!(canon("lumen -refund"), "lumen AND NOT refund");
    assert_eq!(canon("-\"lost bag\" x"), "NOT \"lost bag\" AND x");
    assert_eq!(canon("x -(a OR b)"), "x AND NOT (a OR b)");
    assert_eq!(canon("x -author:bot"), "x AND NOT author:bot");
    assert_eq!(canon("--a"), "NOT NOT a");
    assert_eq!(
        canon("e-mail"),
        "\"e mail\"",
        "a - inside a word is punctuation"
    );
}

#[test]
fn words_and_phrases_are_normalised() {
    assert_eq!(canon("Lumen"), "lumen");
    assert_eq!(canon("\"Lost   BAG\""), "\"lost bag\"");
    assert_eq!(canon("“curly quotes”"), "\"curly quotes\"");
    assert_eq!(
        canon("#Outage @LumenAir bag*"),
        "#outage AND @lumenair AND bag*"
    );
    assert_eq!(
        canon("don't"),
        "\"don t\"",
        "punctuation splits a word into a phrase"
    );
    assert_eq!(
        canon("and or not"),
        "and AND or AND not",
        "lower-case keywords are words"
    );
    assert_eq!(canon("\"AND\""), "and", "a quoted keyword is a word");
    assert_eq!(canon("CAFÉ"), "café");
    assert_eq!(
        canon("cafe\u{301}"),
        "café",
        "NFC: e + combining acute is é"
    );
    assert_eq!(
        canon("https://lumen.example/x"),
        "\"https lumen example x\"",
        "a link is text"
    );
}

#[test]
fn fields() {
    assert_eq!(canon("author:@LumenAir"), "author:lumenair");
    assert_eq!(
        canon("AUTHOR:jo"),
        "author:jo",
        "field names are case-insensitive"
    );
    assert_eq!(canon("lang:pt_BR"), "lang:pt-br");
    assert_eq!(canon("channel:Twitter"), "channel:x");
    assert_eq!(canon("followers:>1000"), "followers:>1000");
    assert_eq!(canon("followers:>=10k"), "followers:>=10000");
    assert_eq!(canon("followers:<1.5m"), "followers:<1500000");
    assert_eq!(canon("followers:=5"), "followers:5");
    assert_eq!(
        parse("followers:<=7").unwrap().expr(),
        &Expr::Followers(Cmp::Le, 7)
    );
    assert_eq!(
        canon("(author:a OR author:b) -lang:de followers:>100"),
        "(author:a OR author:b) AND NOT lang:de AND followers:>100"
    );
}

#[test]
fn errors_name_the_position() {
    assert_eq!(
        err("a (b OR c"),
        (2, "expected ) to close the ( at column 3".into())
    );
    assert_eq!(
        err("((a)"),
        (0, "expected ) to close the ( at column 1".into())
    );
    assert_eq!(
        err("a foo:bar"),
        (
            2,
            "unknown field 'foo:' at column 3; fields are author, lang, channel, followers".into()
        )
    );
    assert_eq!(err(""), (0, "empty query".into()));
    assert_eq!(err("   "), (0, "empty query".into()));
    assert_eq!(
        err("lumen a NOT"),
        (8, "NOT needs something to negate at column 9".into())
    );
    assert_eq!(
        err("a NOT )"),
        (2, "NOT needs something to negate at column 3".into())
    );
    assert_eq!(
        err("x \"lost bag"),
        (
            2,
            "unterminated quote: the \" at column 3 is never closed".into()
        )
    );
    assert_eq!(
        err("a OR"),
        (2, "OR needs a term on each side at column 3".into())
    );
    assert_eq!(
        err("OR a"),
        (0, "OR needs a term on each side at column 1".into())
    );
    assert_eq!(
        err("a AND OR b"),
        (2, "AND needs a term on each side at column 3".into())
    );
    assert_eq!(
        err("a)"),
        (1, "unexpected ) at column 2; there is no ( to close".into())
    );
    assert_eq!(
        err("a ()"),
        (2, "empty ( ) at column 3; put a term inside".into())
    );
    assert_eq!(
        err("a !!!"),
        (
            2,
            "'!!!' at column 3 has no letters or digits to search for".into()
        )
    );
    assert_eq!(
        err("a - b"),
        (
            2,
            "'-' at column 3 has no letters or digits to search for".into()
        )
    );
    assert_eq!(
        err("x \"\""),
        (
            2,
            "'\"\"' at column 3 has no letters or digits to search for".into()
        )
    );
    assert_eq!(
        err("followers:>lots"),
        (10, "bad number '>lots' for followers: at column 11; write e.g. followers:>1000 or followers:>=10k".into())
    );
    assert_eq!(
        err("followers:1.5").0,
        10,
        "a fraction without k/m is not a count"
    );
    assert_eq!(
        err("followers:>").1,
        "followers: at column 1 needs a value, e.g. followers:>1000"
    );
    assert_eq!(
        err("a author:").1,
        "author: at column 3 needs a value, e.g. author:lumen"
    );
    assert_eq!(err("author:@").0, 0);
    assert_eq!(
        err("lang:english"),
        (
            5,
            "bad language code 'english' at column 6; write a code like en or pt-BR".into()
        )
    );
}

#[test]
fn positions_count_characters_not_bytes() {
    // "café " is 5 characters but 6 bytes.
    assert_eq!(err("café (x").0, 5, "the ( is the 6th character");
    assert!(
        err("é ü foo:x").1.contains("column 5"),
        "columns count characters"
    );
}

#[test]
fn limits() {
    let long = "a ".repeat(MAX_CHARS);
    let e = parse(&long).expect_err("over the length limit");
    assert_eq!(
        e.kind,
        ErrorKind::TooLong {
            length: MAX_CHARS * 2,
            limit: MAX_CHARS
        }
    );
    assert!(e.position < long.chars().count());

    let deep = format!(
        "{}a{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let e = parse(&deep).expect_err("too deep");
    assert_eq!(e.kind, ErrorKind::TooDeep { limit: MAX_DEPTH });
    assert_eq!(e.position, MAX_DEPTH, "the first ( past the limit");

    let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(canon(&ok), "a", "exactly the limit is fine");

    let nots = "NOT ".repeat(900) + "a";
    assert_eq!(
        parse(&nots).unwrap_err().kind,
        ErrorKind::TooDeep { limit: MAX_DEPTH }
    );
    let minuses = "-".repeat(3000) + "a";
    assert_eq!(
        parse(&minuses).unwrap_err().kind,
        ErrorKind::TooDeep { limit: MAX_DEPTH }
    );
    let opens = "(".repeat(3999);
    assert_eq!(
        parse(&opens).unwrap_err().kind,
        ErrorKind::TooDeep { limit: MAX_DEPTH }
    );

    let wide = "a OR ".repeat(700) + "a";
    assert!(
        parse(&wide).is_ok(),
        "a long flat query is fine: {}",
        wide.len()
    );
}

#[test]
fn from_str_parses() {
    let q: switchboard_listen::Query = "a b".parse().unwrap();
    assert_eq!(q, parse("a AND b").unwrap());
}
