//! Translation of a query to each network's server-side search.
//!
//! A network's search only has to narrow what we fetch: every post it returns
//! is re-checked locally with [`Query::matches`]. So the translation must
//! return a *superset* of the local matches, never miss one. It is built by
//! relaxing the query to what the network can express:
//!
//! - The query is pushed into negation normal form (`NOT (a OR b)` becomes
//!   `NOT a AND NOT b`, `NOT NOT a` becomes `a`), then every negated term is
//!   dropped, i.e. replaced by "anything". A network's own negation could
//!   exclude a post we would keep when its tokeniser, stemming or URL matching
//!   finds a word we do not, so we never send one.
//! - A term the network cannot express (a prefix `bag*`, `followers:`, and on
//!   some networks `author:` or `lang:`) is also "anything".
//! - `channel:` is decided here: `channel:mastodon` is "nothing" on X.
//! - "anything" absorbs an `OR` and vanishes from an `AND`; "nothing" does the
//!   opposite. On a network without `OR`, a disjunction becomes the terms
//!   every branch requires (`(a b) OR (a c)` becomes `a`), often nothing.
//! - A phrase the network cannot express becomes the `AND` of its words.
//!
//! Dropping terms from an `AND` and adding branches to an `OR` only widen the
//! result, so the relaxed query is implied by the original (a property test
//! checks it on random queries and posts). If all that is left is "anything",
//! the network cannot narrow the search ([`NetworkSearch::PollBroadly`]).
//!
//! This is a superset as far as the network's search follows its documented
//! rules; a network whose tokeniser keeps `lumen.bsky.social` as one word will
//! not find `bsky` in it while we do. The rules per network are on
//! [`Network`].

use crate::ast::{Expr, Query, Text, Word};
use crate::words::Sigil;

/// A network with a search endpoint.
///
/// - **X**, API v2 `GET /2/tweets/search/recent` `query`: terms separated by a
///   space are ANDed (AND binds tighter than OR), `OR`, `-` negation,
///   parentheses, `"exact phrases"`, `#hashtag`, `@mention`, `from:handle`,
///   `lang:xx`. Keyword matching is tokenised on punctuation and symbols, so
///   `outage` also finds `#outage`. No wildcards, no follower counts. `lang:`
///   is not a standalone operator: the query needs some other term besides.
///   At most 512 characters.
/// - **Bluesky**, `app.bsky.feed.searchPosts` `q`: plain text search; every
///   word must appear. No OR, no phrases relied on, no operators used.
/// - **Mastodon**, `GET /api/v2/search?type=statuses` `q`: plain text, every
///   word must appear; a hashtag query is better served by the hashtag
///   timeline `GET /api/v1/timelines/tag/:hashtag`, which holds every public
///   post with the tag that the instance knows. Full-text search covers only
///   posts whose authors opted in to being searchable (and posts the account
///   interacted with), so it may miss posts a hashtag timeline has.
/// - **Reddit**, `GET /search` `q`: `AND`, `OR`, `NOT`, parentheses,
///   `"phrases"`, `author:name`. Words are stemmed (broader, which is fine).
///   No languages, no follower counts. At most 512 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    Bluesky,
    Mastodon,
    X,
    Reddit,
}

impl Network {
    pub const ALL: [Network; 4] = [
        Network::Bluesky,
        Network::Mastodon,
        Network::X,
        Network::Reddit,
    ];

    /// The channel name posts from this network carry (as `channel:` compares it).
    pub fn channel(self) -> &'static str {
        match self {
            Network::Bluesky => "bluesky",
            Network::Mastodon => "mastodon",
            Network::X => "x",
            Network::Reddit => "reddit",
        }
    }

    fn rules(self) -> Rules {
        match self {
            Network::X => Rules {
                network: self,
                or: true,
                phrases: true,
                keeps_sigil: |_| true,
                author: true,
                lang: true,
                max_chars: Some(512),
            },
            Network::Reddit => Rules {
                network: self,
                or: true,
                phrases: true,
                keeps_sigil: |_| false,
                author: true,
                lang: false,
                max_chars: Some(512),
            },
            Network::Bluesky => Rules {
                network: self,
                or: false,
                phrases: false,
                keeps_sigil: |_| false,
                author: false,
                lang: false,
                max_chars: None,
            },
            Network::Mastodon => Rules {
                network: self,
                or: false,
                phrases: false,
                keeps_sigil: |s| s == Sigil::Hash,
                author: false,
                lang: false,
                max_chars: None,
            },
        }
    }
}

/// What to ask a network for, so that every local match is among the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkSearch {
    /// Send this as the search endpoint's query (`q` / `query`).
    Query(String),
    /// Mastodon: read the timeline of this hashtag (without `#`); every match has it.
    HashtagTimeline(String),
    /// The network cannot narrow this query; poll broadly and filter locally.
    PollBroadly,
    /// No post from this network can match (e.g. `channel:` names another network).
    NoMatches,
}

impl NetworkSearch {
    /// The search string, if there is one.
    pub fn query(&self) -> Option<&str> {
        match self {
            NetworkSearch::Query(q) => Some(q),
            _ => None,
        }
    }
}

impl Query {
    /// The search to run on `network`; see [`Network`] for each one's rules.
    pub fn to_network(&self, network: Network) -> NetworkSearch {
        let rel = relax(self, network);
        render(&rel, network)
    }
}

struct Rules {
    network: Network,
    or: bool,
    phrases: bool,
    keeps_sigil: fn(Sigil) -> bool,
    author: bool,
    lang: bool,
    max_chars: Option<usize>,
}

/// A relaxed query: "anything", "nothing", or a positive expression of
/// `Text`, `Author` and `Lang` atoms under `And`/`Or`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rel {
    True,
    False,
    Expr(Expr),
}

/// The query relaxed to what `network` can express; implied by the query.
pub(crate) fn relax(q: &Query, network: Network) -> Rel {
    let mut rules = network.rules();
    let rel = relax_expr(&q.expr, true, &rules);
    if network == Network::X {
        if let Rel::Expr(e) = &rel {
            if !standalone(e) {
                // `lang:` alone is refused by X; without it the search is wider.
                rules.lang = false;
                return relax_expr(&q.expr, true, &rules);
            }
        }
    }
    rel
}

/// X: whether every way of satisfying `e` involves a standalone operator.
fn standalone(e: &Expr) -> bool {
    match e {
        Expr::Lang(_) => false,
        Expr::And(items) => items.iter().any(standalone),
        Expr::Or(items) => items.iter().all(standalone),
        _ => true,
    }
}

fn relax_expr(e: &Expr, positive: bool, rules: &Rules) -> Rel {
    let own_channel = |c: &str| c == rules.network.channel();
    if !positive {
        return match e {
            Expr::Channel(c) => {
                if own_channel(c) {
                    Rel::False
                } else {
                    Rel::True
                }
            }
            Expr::Not(inner) => relax_expr(inner, true, rules),
            Expr::And(items) => disj(
                items.iter().map(|i| relax_expr(i, false, rules)).collect(),
                rules,
            ),
            Expr::Or(items) => conj(items.iter().map(|i| relax_expr(i, false, rules)).collect()),
            // A negated word, author, language or count: dropped.
            _ => Rel::True,
        };
    }
    match e {
        Expr::Text(t) => relax_text(t, rules),
        Expr::Author(h) if rules.author && valid_handle(rules.network, h) => {
            Rel::Expr(Expr::Author(h.clone()))
        }
        Expr::Lang(l) if rules.lang => {
            // X knows primary languages; `lang:pt-br` asks X for `lang:pt`.
            let primary = l.split('-').next().unwrap_or(l);
            Rel::Expr(Expr::Lang(primary.to_string()))
        }
        Expr::Channel(c) => {
            if own_channel(c) {
                Rel::True
            } else {
                Rel::False
            }
        }
        Expr::Not(inner) => relax_expr(inner, false, rules),
        Expr::And(items) => conj(items.iter().map(|i| relax_expr(i, true, rules)).collect()),
        Expr::Or(items) => disj(
            items.iter().map(|i| relax_expr(i, true, rules)).collect(),
            rules,
        ),
        Expr::Author(_) | Expr::Lang(_) | Expr::Followers(..) => Rel::True,
    }
}

/// Whether the network's author operator can take this handle; one it cannot
/// is left to local matching rather than sent malformed.
fn valid_handle(network: Network, h: &str) -> bool {
    let ok =
        |c: char| c.is_ascii_alphanumeric() || c == '_' || (network == Network::Reddit && c == '-');
    let len = h.chars().count();
    let len_ok = match network {
        Network::X => (1..=15).contains(&len),
        Network::Reddit => (3..=20).contains(&len),
        _ => true,
    };
    len_ok && h.chars().all(ok)
}

fn relax_text(t: &Text, rules: &Rules) -> Rel {
    let plain = |w: &Word, keep_sigil: bool| -> Option<Word> {
        // No network has prefix search we can rely on.
        (!w.prefix).then(|| Word {
            sigil: w.sigil.filter(|&s| keep_sigil && (rules.keeps_sigil)(s)),
            text: w.text.clone(),
            prefix: false,
        })
    };
    if let [w] = t.words.as_slice() {
        return match plain(w, true) {
            Some(w) => Rel::Expr(Expr::Text(Text { words: vec![w] })),
            None => Rel::True,
        };
    }
    // Inside a phrase a sigil is left out: the plain word is wider.
    let words: Vec<Option<Word>> = t.words.iter().map(|w| plain(w, false)).collect();
    if rules.phrases && words.iter().all(Option::is_some) {
        return Rel::Expr(Expr::Text(Text {
            words: words.into_iter().flatten().collect(),
        }));
    }
    conj(
        words
            .into_iter()
            .flatten()
            .map(|w| Rel::Expr(Expr::Text(Text { words: vec![w] })))
            .collect(),
    )
}

/// `AND` of relaxed terms.
fn conj(items: Vec<Rel>) -> Rel {
    let mut terms: Vec<Expr> = Vec::new();
    for item in items {
        match item {
            Rel::False => return Rel::False,
            Rel::True => {}
            Rel::Expr(Expr::And(inner)) => terms.extend(inner),
            Rel::Expr(e) => terms.push(e),
        }
    }
    let mut unique: Vec<Expr> = Vec::with_capacity(terms.len());
    for t in terms {
        if !unique.contains(&t) {
            unique.push(t);
        }
    }
    match unique.len() {
        0 => Rel::True,
        1 => Rel::Expr(unique.pop().expect("one term")),
        _ => Rel::Expr(Expr::And(unique)),
    }
}

/// `OR` of relaxed terms; without `OR`, the terms every branch requires.
fn disj(items: Vec<Rel>, rules: &Rules) -> Rel {
    let mut branches: Vec<Expr> = Vec::new();
    for item in items {
        match item {
            Rel::True => return Rel::True,
            Rel::False => {}
            Rel::Expr(Expr::Or(inner)) => branches.extend(inner),
            Rel::Expr(e) => {
                if !branches.contains(&e) {
                    branches.push(e)
                }
            }
        }
    }
    match branches.len() {
        0 => return Rel::False,
        1 => return Rel::Expr(branches.pop().expect("one branch")),
        _ => {}
    }
    if rules.or {
        return Rel::Expr(Expr::Or(branches));
    }
    let conjuncts = |e: &Expr| -> Vec<Expr> {
        match e {
            Expr::And(items) => items.clone(),
            other => vec![other.clone()],
        }
    };
    let first = conjuncts(&branches[0]);
    let rest: Vec<Vec<Expr>> = branches[1..].iter().map(conjuncts).collect();
    let common = first
        .into_iter()
        .filter(|t| rest.iter().all(|r| r.contains(t)))
        .map(Rel::Expr)
        .collect();
    conj(common)
}

fn render(rel: &Rel, network: Network) -> NetworkSearch {
    let e = match rel {
        Rel::True => return NetworkSearch::PollBroadly,
        Rel::False => return NetworkSearch::NoMatches,
        Rel::Expr(e) => e,
    };
    if network == Network::Mastodon {
        let terms: &[Expr] = match e {
            Expr::And(items) => items,
            single => std::slice::from_ref(single),
        };
        let tag = terms.iter().find_map(|t| match t {
            Expr::Text(Text { words }) => match words.as_slice() {
                [Word {
                    sigil: Some(Sigil::Hash),
                    text,
                    ..
                }] => Some(text.clone()),
                _ => None,
            },
            _ => None,
        });
        if let Some(tag) = tag {
            return NetworkSearch::HashtagTimeline(tag);
        }
    }
    let mut out = String::new();
    write_rel(&mut out, e, network, false);
    match network.rules().max_chars {
        Some(max) if out.chars().count() > max => NetworkSearch::PollBroadly,
        _ => NetworkSearch::Query(out),
    }
}

fn write_rel(out: &mut String, e: &Expr, network: Network, nested: bool) {
    match e {
        Expr::Text(t) => {
            if let [w] = t.words.as_slice() {
                out.push_str(&w.to_string());
            } else {
                out.push('"');
                let words: Vec<String> = t.words.iter().map(|w| w.text.clone()).collect();
                out.push_str(&words.join(" "));
                out.push('"');
            }
        }
        Expr::Author(h) => {
            out.push_str(if network == Network::X {
                "from:"
            } else {
                "author:"
            });
            out.push_str(h);
        }
        Expr::Lang(l) => {
            out.push_str("lang:");
            out.push_str(l);
        }
        Expr::And(items) | Expr::Or(items) => {
            let sep = match (e, network) {
                (Expr::Or(_), _) => " OR ",
                (_, Network::Reddit) => " AND ",
                _ => " ",
            };
            if nested {
                out.push('(');
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                write_rel(out, item, network, true);
            }
            if nested {
                out.push(')');
            }
        }
        // Relaxed expressions hold no other nodes.
        Expr::Channel(_) | Expr::Followers(..) | Expr::Not(_) => {}
    }
}

#[cfg(test)]
mod tests {
    //! The superset property: whatever a post, if the query matches it, the
    //! relaxed query sent to the network matches it too (judged by our own
    //! matcher, which treats a plain word as at least as wide as a hashtag).

    use super::{relax, Network, Rel};
    use crate::matcher::{eval, PostFacts};
    use crate::parse;
    use proptest::prelude::*;

    fn rel_matches(rel: &Rel, post: &PostFacts) -> bool {
        match rel {
            Rel::True => true,
            Rel::False => false,
            Rel::Expr(e) => eval(e, post),
        }
    }

    fn atom() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "bag",
            "lost",
            "lumen",
            "#bag",
            "@lumen",
            "bag*",
            "lu*",
            "\"lost bag\"",
            "\"#bag lost\"",
            "\"lost ba*\"",
            "author:jo",
            "author:joanna",
            "lang:en",
            "lang:pt",
            "lang:pt-br",
            "channel:x",
            "channel:bluesky",
            "channel:mastodon",
            "channel:reddit",
            "followers:>10",
            "followers:<5",
        ])
        .prop_map(str::to_string)
    }

    fn query() -> impl Strategy<Value = String> {
        atom().prop_recursive(5, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4)
                    .prop_map(|v| format!("({})", v.join(" "))),
                prop::collection::vec(inner.clone(), 2..4)
                    .prop_map(|v| format!("({})", v.join(" OR "))),
                inner.clone().prop_map(|q| format!("NOT {q}")),
                inner.prop_map(|q| format!("-{q}")),
            ]
        })
    }

    fn post() -> impl Strategy<Value = (String, &'static str, Option<&'static str>, Option<i64>)> {
        let word = prop::sample::select(vec![
            "bag", "Bag", "#bag", "@bag", "baggage", "lost", "lost,", "lumen", "@Lumen", "#lumen",
            "luggage", "x",
        ]);
        (
            prop::collection::vec(word, 0..6).prop_map(|w| w.join(" ")),
            prop::sample::select(vec!["jo", "joanna", "ann"]),
            prop::sample::select(vec![
                None,
                Some("en"),
                Some("pt"),
                Some("pt-BR"),
                Some("de"),
            ]),
            prop::sample::select(vec![None, Some(0), Some(7), Some(100)]),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn relaxed_query_is_a_superset(q in query(), posts in prop::collection::vec(post(), 1..8)) {
            let parsed = parse(&q).map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
            for network in Network::ALL {
                let rel = relax(&parsed, network);
                for (text, author, lang, followers) in &posts {
                    let p = PostFacts::new(text.as_str(), author, network.channel())
                        .with_language(*lang)
                        .with_followers(*followers);
                    if parsed.matches(&p) {
                        prop_assert!(
                            rel_matches(&rel, &p),
                            "{network:?}: {q} matches {text:?} but its search {rel:?} does not"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn dropping_negations_keeps_a_superset() {
        let samples = [
            ("lumen -refund", "lumen refund please"),
            ("NOT (bag OR lost) lumen", "lumen bag"),
            ("lumen NOT channel:bluesky", "lumen"),
            ("(a OR NOT b) c", "b c"),
            ("NOT (a NOT b)", "b"),
        ];
        for (q, text) in samples {
            let parsed = parse(q).unwrap();
            for network in Network::ALL {
                let rel = relax(&parsed, network);
                let p = PostFacts::new(text, "jo", network.channel());
                let other = PostFacts::new("lumen refund bag lost a b c", "jo", network.channel());
                for post in [&p, &other] {
                    assert!(
                        !parsed.matches(post) || rel_matches(&rel, post),
                        "{network:?}: {q} matches {:?} but {rel:?} does not",
                        post.text()
                    );
                }
            }
        }
    }
}
