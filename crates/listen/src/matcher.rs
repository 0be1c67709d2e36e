//! Local matching: whether one post satisfies a query.
//!
//! Every post that arrives is checked here, whatever the network's search
//! returned, so results are exact. [`PostFacts`] tokenises the text once;
//! matching many queries against the same post then costs only comparisons.

use crate::ast::{Expr, Query, Text, Word};
use crate::lexer::{normalise_channel, normalise_handle, normalise_lang};
use crate::words::{self, TextToken};

/// What a query can ask about a post, normalised and with its text
/// tokenised once.
#[derive(Debug, Clone)]
pub struct PostFacts {
    text: String,
    tokens: Vec<TextToken>,
    author_handle: String,
    author_name: Option<String>,
    channel: String,
    language: Option<String>,
    followers: Option<i64>,
}

impl PostFacts {
    /// A post's text, its author's handle (a leading `@` is ignored) and its
    /// channel (`bluesky`, `mastodon`, `x`, `reddit`…; `twitter` counts as `x`).
    /// Language and followers start unknown.
    pub fn new(text: impl Into<String>, author_handle: &str, channel: &str) -> Self {
        let text = text.into();
        PostFacts {
            tokens: words::tokenise(&text),
            text,
            author_handle: normalise_handle(author_handle),
            author_name: None,
            channel: normalise_channel(channel),
            language: None,
            followers: None,
        }
    }

    /// The author's display name. Kept for callers; `author:` matches the
    /// handle only, as the networks' own `from:`/`author:` do.
    pub fn with_author_name(mut self, name: Option<&str>) -> Self {
        self.author_name = name.map(str::to_string);
        self
    }

    /// The post's language (`en`, `pt-BR`, `pt_br`…); `None` when unknown.
    pub fn with_language(mut self, language: Option<&str>) -> Self {
        self.language = language.map(normalise_lang).filter(|l| !l.is_empty());
        self
    }

    /// The author's follower count; `None` when unknown.
    pub fn with_followers(mut self, followers: Option<i64>) -> Self {
        self.followers = followers;
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Lower-case, without a leading `@`.
    pub fn author_handle(&self) -> &str {
        &self.author_handle
    }

    pub fn author_name(&self) -> Option<&str> {
        self.author_name.as_deref()
    }

    /// Lower-case; `twitter` is `x`.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// Lower-case, subtags joined by `-`.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    pub fn followers(&self) -> Option<i64> {
        self.followers
    }
}

impl Query {
    /// Whether `post` satisfies this query.
    ///
    /// A field test on an unknown value (`lang:` without a language,
    /// `followers:` without a count) is false; `NOT` inverts it as usual.
    pub fn matches(&self, post: &PostFacts) -> bool {
        eval(&self.expr, post)
    }
}

pub(crate) fn eval(e: &Expr, post: &PostFacts) -> bool {
    match e {
        Expr::Text(t) => text_matches(t, &post.tokens),
        Expr::Author(a) => post.author_handle == *a,
        Expr::Lang(l) => post
            .language
            .as_deref()
            .is_some_and(|pl| lang_matches(l, pl)),
        Expr::Channel(c) => post.channel == *c,
        Expr::Followers(cmp, n) => post.followers.is_some_and(|f| cmp.holds(f, *n)),
        Expr::Not(inner) => !eval(inner, post),
        Expr::And(items) => items.iter().all(|i| eval(i, post)),
        Expr::Or(items) => items.iter().any(|i| eval(i, post)),
    }
}

/// `lang:pt` matches `pt` and `pt-br`; `lang:pt-br` matches only `pt-br`.
pub(crate) fn lang_matches(query: &str, post: &str) -> bool {
    post == query
        || post
            .strip_prefix(query)
            .is_some_and(|rest| rest.starts_with('-'))
}

/// A word matches a token with the same text (or, for `bag*`, any token
/// starting with it). A word without a sigil also matches hashtags and
/// mentions (`outage` finds `#outage`); `#outage` finds only the hashtag.
fn word_matches(w: &Word, t: &TextToken) -> bool {
    (w.sigil.is_none() || w.sigil == t.sigil)
        && if w.prefix {
            t.word.starts_with(&w.text)
        } else {
            t.word == w.text
        }
}

/// A phrase matches consecutive tokens; punctuation between them is ignored.
pub(crate) fn text_matches(t: &Text, tokens: &[TextToken]) -> bool {
    let n = t.words.len();
    n > 0
        && tokens.len() >= n
        && tokens.windows(n).any(|window| {
            t.words
                .iter()
                .zip(window)
                .all(|(w, tok)| word_matches(w, tok))
        })
}
