//! Words: how post text and query words are cut into comparable tokens.
//!
//! Both sides go through the same steps, so a query word and the text it is
//! meant to find always agree: lower-case, Unicode NFC, then split into runs
//! of word characters (letters, digits, `_` and combining marks). A `#` or `@`
//! directly before a run, at the start of the text or after a non-word
//! character, is kept as the token's sigil (hashtag or mention). In query
//! words a `*` directly after a run marks a prefix.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The mark in front of a hashtag (`#outage`) or a mention (`@lumen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sigil {
    /// `#`: a hashtag.
    Hash,
    /// `@`: a mention.
    At,
}

impl Sigil {
    pub fn as_char(self) -> char {
        match self {
            Sigil::Hash => '#',
            Sigil::At => '@',
        }
    }

    fn from_char(c: char) -> Option<Sigil> {
        match c {
            '#' => Some(Sigil::Hash),
            '@' => Some(Sigil::At),
            _ => None,
        }
    }
}

/// One word of post text, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextToken {
    pub sigil: Option<Sigil>,
    pub word: String,
}

/// One piece of a split: the sigil, the word, and whether a `*` followed it.
pub(crate) struct Piece {
    pub sigil: Option<Sigil>,
    pub word: String,
    pub star: bool,
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c)
}

/// Lower-case and NFC-normalise, the form every comparison uses.
pub(crate) fn normalise(s: &str) -> String {
    s.to_lowercase().nfc().collect()
}

/// Split `s` (normalised here) into pieces. With `stars`, a `*` right after a
/// run is taken as a prefix mark; otherwise it is punctuation like any other.
pub(crate) fn split(s: &str, stars: bool) -> Vec<Piece> {
    let chars: Vec<char> = normalise(s).chars().collect();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word_char(chars[i]) {
            i += 1;
        }
        let sigil = if start >= 1 && (start == 1 || !is_word_char(chars[start - 2])) {
            Sigil::from_char(chars[start - 1])
        } else {
            None
        };
        let star = stars && i < chars.len() && chars[i] == '*';
        let word: String = chars[start..i].iter().collect();
        if star {
            i += 1;
        }
        pieces.push(Piece { sigil, word, star });
    }
    pieces
}

/// The tokens of a post's text.
pub(crate) fn tokenise(text: &str) -> Vec<TextToken> {
    split(text, false)
        .into_iter()
        .map(|p| TextToken {
            sigil: p.sigil,
            word: p.word,
        })
        .collect()
}
