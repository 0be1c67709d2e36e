//! Features for the learned models: hashed unigrams and bigrams (and, as an
//! option, character n-grams inside words), unigrams marked as negated when
//! a negation comes before them in the clause, and a few dense features from
//! the lexicon score. Features are 64-bit hashes until a model maps them to a
//! row of its `2^bits` weight table ([`row`]), so models of different sizes
//! share one extraction; hashes below [`DENSE`] are the bias and the dense
//! features, and keep their row.

use serde::{Deserialize, Serialize};

use crate::hash::{combine, hash_str};
use crate::lexicon::{LexScore, FEATURE_NEGATION};
use crate::tokenize::{Kind, Tokens};

/// Indices below this are the bias and the dense features.
pub const DENSE: u32 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// The weight table has `2^bits` rows.
    pub bits: u8,
    pub bigrams: bool,
    /// Character 3- to 5-grams inside words.
    pub char_ngrams: bool,
    /// Dense features from the lexicon score.
    pub lexicon: bool,
    /// Words after a negation in the same clause also count as `NOT_word`.
    pub negation: bool,
}

impl Default for FeatureParams {
    fn default() -> Self {
        FeatureParams { bits: 18, bigrams: true, char_ngrams: false, lexicon: true, negation: true }
    }
}

const NS_BIGRAM: u64 = 0x6269_6772_616d;
const NS_NEG: u64 = 0x6e65_6761_7465;
const NS_CHAR: u64 = 0x6368_6172;

/// Words after which (in the same clause) unigrams also count as negated.
/// The lexicon flags them ([`crate::lexicon::FEATURE_NEGATION`]), so the
/// tokenizer's one lookup per token tells the extractor too.
pub const NEGATION_WORDS: &[&str] = &["not", "no", "never", "dont", "didnt", "doesnt", "cant", "cannot", "wont", "isnt", "wasnt", "arent", "havent", "hasnt", "nothing", "nobody"];

/// Precomputed hashes the extractor compares tokens with.
pub struct Extractor {
    start: u64,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor { start: hash_str("<s>") }
    }
}

/// The weight row of feature hash `h` in a `2^bits`-row table.
#[inline]
pub fn row(h: u64, bits: u8) -> u32 {
    if h < DENSE as u64 {
        return h as u32;
    }
    let size = 1u64 << bits;
    DENSE + (((h & 0xffff_ffff) * (size - DENSE as u64)) >> 32) as u32
}

/// A feature hash that is never taken for a dense feature's.
#[inline]
fn hashed(h: u64) -> u64 {
    h | (1 << 63)
}

impl Extractor {
    /// Writes the features of one post into `out` (cleared first).
    pub fn extract(&self, text: &str, toks: &Tokens, lex: &LexScore, p: &FeatureParams, out: &mut Vec<(u64, f32)>) {
        out.clear();
        let mut prev = self.start;
        let mut negated = false;
        for t in &toks.list {
            out.push((hashed(t.hash), 1.0));
            if p.bigrams {
                out.push((hashed(combine(prev, t.hash ^ NS_BIGRAM)), 1.0));
            }
            if p.negation && negated && matches!(t.kind, Kind::Word | Kind::Hashtag) {
                out.push((hashed(combine(t.hash, NS_NEG)), 1.0));
            }
            if t.entry.flags & FEATURE_NEGATION != 0 {
                negated = true;
            }
            if t.clause_end {
                negated = false;
                prev = self.start;
            } else {
                prev = t.hash;
            }
        }
        if p.bigrams {
            out.push((hashed(combine(prev, self.start ^ NS_BIGRAM)), 1.0));
        }
        if p.char_ngrams {
            char_ngrams(text, out);
        }
        let n = out.len().max(1) as f32;
        let scale = 1.0 / n.sqrt();
        for f in out.iter_mut() {
            f.1 = scale;
        }
        out.push((0, 1.0));
        if p.lexicon {
            let c = lex.compound;
            out.push((1, c));
            out.push((2, c.max(0.0)));
            out.push((3, (-c).max(0.0)));
            out.push((4, if c >= 0.05 { 1.0 } else { 0.0 }));
            out.push((5, if c <= -0.05 { 1.0 } else { 0.0 }));
            out.push((6, (lex.pos / 4.0).min(2.0)));
            out.push((7, (lex.neg / 4.0).min(2.0)));
            out.push((8, if toks.exclaims > 0 { 1.0 } else { 0.0 }));
            out.push((9, if toks.questions > 0 { 1.0 } else { 0.0 }));
        }
    }
}

/// Character 3-, 4- and 5-grams of ASCII words, with the word's edges marked.
fn char_ngrams(text: &str, out: &mut Vec<(u64, f32)>) {
    let mut word = [0u8; 34];
    let mut len = 0usize;
    let emit = |word: &[u8], out: &mut Vec<(u64, f32)>| {
        for n in 3..=5usize {
            if word.len() < n {
                break;
            }
            for w in word.windows(n) {
                let mut h = NS_CHAR;
                for &b in w {
                    h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
                }
                out.push((hashed(crate::hash::avalanche(h)), 1.0));
            }
        }
    };
    for b in text.bytes().chain(std::iter::once(b' ')) {
        if b.is_ascii_alphabetic() {
            if len == 0 {
                word[0] = b'<';
                len = 1;
            }
            if len < word.len() - 1 {
                word[len] = b.to_ascii_lowercase();
                len += 1;
            }
        } else if len > 0 {
            word[len] = b'>';
            len += 1;
            if len > 4 {
                emit(&word[..len], out);
            }
            len = 0;
        }
    }
}
