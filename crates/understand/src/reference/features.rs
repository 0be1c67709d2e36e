//! The straightforward version kept to check the fast one against (tests only).

use crate::features::FeatureParams;

use crate::hash::{combine, hash_str, HashMap64};
use super::lexicon::LexScore;
use super::tokenize::{Kind, Tokens};

const NS_BIGRAM: u64 = 0x6269_6772_616d;
const NS_NEG: u64 = 0x6e65_6761_7465;
const NS_CHAR: u64 = 0x6368_6172;

/// Precomputed hashes the extractor compares tokens with.
pub struct Extractor {
    negations: HashMap64<()>,
    start: u64,
}

impl Default for Extractor {
    fn default() -> Self {
        let negations = ["not", "no", "never", "dont", "didnt", "doesnt", "cant", "cannot", "wont", "isnt", "wasnt", "arent", "havent", "hasnt", "nothing", "nobody"]
            .iter()
            .map(|w| (hash_str(w), ()))
            .collect();
        Extractor { negations, start: hash_str("<s>") }
    }
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
            if self.negations.contains_key(&t.hash) {
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
