use switchboard_listen::{parse, PostFacts};

fn post(text: &str) -> PostFacts {
    PostFacts::new(text, "@Jo_Smith", "bluesky")
}

fn hits(q: &str, p: &PostFacts) -> bool {
    parse(q).unwrap_or_else(|e| panic!("{q:?}: {e}")).matches(p)
}

#[test]
fn words_match_on_word_boundaries() {
    let p = post("My BAG is lost; baggage claim closed.");
    assert!(hits("bag", &p), "case-insensitive word");
    assert!(!hits("bagg", &p), "no partial words");
    assert!(hits("bag*", &p));
    assert!(hits("baggag*", &p));
    assert!(!hits("lug*", &p));
    assert!(hits("lost", &p), "punctuation ends a word");
    assert!(!hits("claims", &p));
    assert!(!hits("bag", &post("baggage only")), "bag is not baggage");
    assert!(hits("bag*", &post("baggage only")));
}

#[test]
fn phrases_match_consecutive_words() {
    let p = post("The lost, BAG arrived; my bag was lost");
    assert!(
        hits("\"lost bag\"", &p),
        "punctuation between words is ignored"
    );
    assert!(hits("\"bag was lost\"", &p));
    assert!(!hits("\"lost arrived\"", &p), "not consecutive");
    assert!(hits("\"lost ba*\"", &p), "prefix inside a phrase");
    assert!(
        hits("e-mail", &post("send an E mail")),
        "e-mail is the phrase e mail"
    );
    assert!(
        !hits("\"bag lost\"", &post("bag")),
        "a phrase longer than the text"
    );
}

#[test]
fn boolean_structure() {
    let p = post("refund for my delayed flight");
    assert!(hits("refund OR cancel", &p));
    assert!(hits("refund delayed", &p));
    assert!(!hits("refund -delayed", &p));
    assert!(hits("(cancel OR refund) flight NOT lounge", &p));
    assert!(
        !hits("cancel OR refund lounge", &p),
        "cancel OR (refund AND lounge)"
    );
    assert!(hits("NOT NOT refund", &p));
}

#[test]
fn unicode() {
    let p = post("Le CAFÉ est fermé à São Paulo. Straße!");
    assert!(hits("café", &p));
    assert!(
        hits("cafe\u{301}", &p),
        "decomposed query matches composed text"
    );
    assert!(
        hits("café", &post("cafe\u{301} au lait")),
        "composed query matches decomposed text"
    );
    assert!(!hits("cafe", &p), "accents are significant");
    assert!(hits("\"são paulo\"", &p));
    assert!(hits("straße", &p));
    assert!(hits("fermé", &p));
    assert!(hits("ferm*", &p));
    assert!(
        hits("नमस्ते", &post("नमस्ते दोस्तों")),
        "combining marks stay inside a word"
    );
    assert!(hits("東京", &post("東京 delay")));
}

#[test]
fn hashtags_and_mentions() {
    let p = post("@LumenAir #Outage again, see #status-page");
    assert!(hits("#outage", &p));
    assert!(hits("outage", &p), "a plain word finds the hashtag too");
    assert!(hits("@lumenair", &p));
    assert!(hits("lumenair", &p));
    assert!(hits("#status", &p));
    assert!(hits("#out*", &p));
    assert!(!hits("#again", &p), "#again needs the hashtag");
    assert!(!hits("#lumenair", &p), "a mention is not a hashtag");
    assert!(!hits("@outage", &p));
    assert!(
        !hits("#x", &post("a#x")),
        "# inside a word is not a hashtag"
    );
}

#[test]
fn author_channel_lang_followers() {
    let p = PostFacts::new("hello", "@Jo_Smith", "Twitter")
        .with_author_name(Some("Jo Smith"))
        .with_language(Some("pt_BR"))
        .with_followers(Some(12_000));
    assert!(hits("author:jo_smith", &p));
    assert!(hits("author:@JO_SMITH", &p));
    assert!(!hits("author:jo", &p), "handles match whole");
    assert!(!hits("author:smith", &p), "not the display name");
    assert!(hits("channel:x", &p), "twitter is x");
    assert!(hits("channel:twitter", &p));
    assert!(!hits("channel:bluesky", &p));
    assert!(
        hits("lang:pt", &p),
        "primary language matches a regional post"
    );
    assert!(hits("lang:pt-br", &p));
    assert!(!hits("lang:pt-pt", &p));
    assert!(hits("followers:>10k", &p));
    assert!(hits("followers:>=12000", &p));
    assert!(hits("followers:12000", &p));
    assert!(!hits("followers:>12000", &p));
    assert!(hits("followers:<1m", &p));
    assert!(hits("followers:<=12000 followers:>=12000", &p));
}

#[test]
fn unknown_language_or_followers_do_not_match() {
    let p = post("hello");
    assert!(!hits("lang:en", &p), "unknown language fails lang:");
    assert!(hits("NOT lang:en", &p), "and so passes NOT lang:");
    assert!(!hits("followers:>0", &p));
    assert!(
        !hits("followers:<1000000", &p),
        "unknown is not small either"
    );
    assert!(hits("-followers:>0", &p));
}

#[test]
fn one_post_many_queries() {
    let p = post("Flight LA123 delayed, bag lost #fail");
    let queries: Vec<_> = ["delayed", "bag*", "\"bag lost\"", "#fail", "refund"]
        .iter()
        .map(|q| parse(q).unwrap())
        .collect();
    let matched: Vec<bool> = queries.iter().map(|q| q.matches(&p)).collect();
    assert_eq!(matched, [true, true, true, true, false]);
}
