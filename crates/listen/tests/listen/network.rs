use switchboard_listen::{parse, Network, NetworkSearch};

fn search(q: &str, n: Network) -> NetworkSearch {
    parse(q)
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
        .to_network(n)
}

fn query(s: &str) -> NetworkSearch {
    NetworkSearch::Query(s.to_string())
}

#[test]
fn x_keeps_or_phrases_from_and_lang() {
    let x = Network::X;
    assert_eq!(search("lumen OR lumenair", x), query("lumen OR lumenair"));
    assert_eq!(
        search("\"lost bag\" author:@JoSmith", x),
        query("\"lost bag\" from:josmith")
    );
    assert_eq!(
        search("(delay OR cancel) flight lang:en", x),
        query("(delay OR cancel) flight lang:en")
    );
    assert_eq!(search("#Outage @lumenair", x), query("#outage @lumenair"));
    assert_eq!(
        search("lumen -refund", x),
        query("lumen"),
        "negations are dropped"
    );
    assert_eq!(search("lumen NOT (a OR b)", x), query("lumen"));
    assert_eq!(
        search("NOT NOT lumen", x),
        query("lumen"),
        "a double negation is positive"
    );
    assert_eq!(
        search("NOT (refund AND NOT lumen)", x),
        NetworkSearch::PollBroadly,
        "NOT refund OR lumen"
    );
    assert_eq!(search("bag* lost", x), query("lost"), "no wildcards on X");
    assert_eq!(
        search("\"lost bag*\"", x),
        query("lost"),
        "a phrase with a prefix keeps its plain words"
    );
    assert_eq!(
        search("lang:pt-BR lumen", x),
        query("lang:pt lumen"),
        "X knows primary languages"
    );
    assert_eq!(
        search("lang:en", x),
        NetworkSearch::PollBroadly,
        "lang: cannot stand alone on X"
    );
    assert_eq!(
        search("lang:en followers:>10", x),
        NetworkSearch::PollBroadly
    );
    assert_eq!(
        search("(lang:en OR a) b", x),
        query("(lang:en OR a) b"),
        "b stands alone"
    );
    assert_eq!(
        search("lang:en OR a", x),
        NetworkSearch::PollBroadly,
        "lang:en cannot stand alone, and dropped it is anything"
    );
    assert_eq!(
        search("a OR b*", x),
        NetworkSearch::PollBroadly,
        "b* could be anything"
    );
    assert_eq!(search("author:not.an.x.handle lumen", x), query("lumen"));
    assert_eq!(
        search("(a b) OR (c (d OR e))", x),
        query("(a b) OR (c (d OR e))")
    );
}

#[test]
fn channel_decides_per_network() {
    assert_eq!(
        search("channel:bluesky lumen", Network::X),
        NetworkSearch::NoMatches
    );
    assert_eq!(search("channel:twitter lumen", Network::X), query("lumen"));
    assert_eq!(
        search("-channel:x lumen", Network::X),
        NetworkSearch::NoMatches
    );
    assert_eq!(
        search("(channel:x a) OR (channel:bluesky b)", Network::X),
        query("a")
    );
    assert_eq!(
        search("(channel:x a) OR (channel:bluesky b)", Network::Bluesky),
        query("b")
    );
    assert_eq!(
        search("(channel:x a) OR (channel:bluesky b)", Network::Reddit),
        NetworkSearch::NoMatches
    );
}

#[test]
fn reddit_has_explicit_and_author_no_lang() {
    let r = Network::Reddit;
    assert_eq!(search("lumen delay", r), query("lumen AND delay"));
    assert_eq!(
        search("(lumen OR lumenair) \"lost bag\"", r),
        query("(lumen OR lumenair) AND \"lost bag\"")
    );
    assert_eq!(
        search("author:Jo_Smith lumen lang:en", r),
        query("author:jo_smith AND lumen")
    );
    assert_eq!(
        search("#outage @lumen", r),
        query("outage AND lumen"),
        "sigils dropped: plain words are wider"
    );
    assert_eq!(
        search("author:jo", r),
        NetworkSearch::PollBroadly,
        "too short for a Reddit name"
    );
}

#[test]
fn bluesky_is_plain_words() {
    let b = Network::Bluesky;
    assert_eq!(search("lumen delay", b), query("lumen delay"));
    assert_eq!(
        search("\"lost bag\" -refund", b),
        query("lost bag"),
        "a phrase becomes its words"
    );
    assert_eq!(
        search("lumen OR lumenair", b),
        NetworkSearch::PollBroadly,
        "no OR"
    );
    assert_eq!(
        search("(lumen delay) OR (lumen cancel)", b),
        query("lumen"),
        "what every branch needs"
    );
    assert_eq!(search("lumen (delay OR cancel)", b), query("lumen"));
    assert_eq!(search("#outage", b), query("outage"));
    assert_eq!(
        search("author:jo lang:en followers:>5", b),
        NetworkSearch::PollBroadly
    );
    assert_eq!(search("NOT lumen", b), NetworkSearch::PollBroadly);
}

#[test]
fn mastodon_prefers_the_hashtag_timeline() {
    let m = Network::Mastodon;
    assert_eq!(
        search("#Outage lumen", m),
        NetworkSearch::HashtagTimeline("outage".into())
    );
    assert_eq!(search("lumen delay", m), query("lumen delay"));
    assert_eq!(
        search("(#outage a) OR (#outage b)", m),
        NetworkSearch::HashtagTimeline("outage".into())
    );
    assert_eq!(search("#outage OR #down", m), NetworkSearch::PollBroadly);
    assert_eq!(
        search("@lumen delay", m),
        query("lumen delay"),
        "mentions become plain words"
    );
    assert_eq!(
        search("\"#outage now\"", m),
        query("outage now"),
        "a hashtag in a phrase is a plain word"
    );
}

#[test]
fn long_translations_fall_back() {
    let words: Vec<String> = (0..120).map(|i| format!("word{i}")).collect();
    let q = words.join(" OR ");
    assert_eq!(
        search(&q, Network::X),
        NetworkSearch::PollBroadly,
        "X queries stop at 512 characters"
    );
    assert_eq!(search(&q, Network::Reddit), NetworkSearch::PollBroadly);
}

#[test]
fn query_accessor() {
    assert_eq!(search("a", Network::X).query(), Some("a"));
    assert_eq!(search("NOT a", Network::X).query(), None);
}
