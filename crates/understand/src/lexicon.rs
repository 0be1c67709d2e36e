//! A VADER-style lexicon scorer over the tokenizer's hashes.
//!
//! The lexicon is VADER's (C.J. Hutto, MIT licence; `data/LICENSE-VADER.txt`),
//! bundled in `data/vader_lexicon.tsv`. The rules follow VADER's: words in
//! capitals among lowercase ones are stronger, boosters ("very", "barely")
//! in the three words before change a word, a negation in the three words
//! before (within the clause) flips it, "but" weakens what came before and
//! strengthens what follows, and `!`/`?` add emphasis. The compound score is
//! `sum / sqrt(sum² + 15)` in [-1, 1]. A few emoji carry valence too.
//!
//! Lookups are by token hash, one per token (an [`Entry`] holds the valence
//! and every flag the rules ask about), so scoring a post allocates nothing.

use std::sync::OnceLock;

use crate::hash::{hash_str, HashMap64};
use crate::tokenize::{Kind, Tokens};

static VADER: &str = include_str!("../data/vader_lexicon.tsv");

const B_INCR: f32 = 0.293;
const B_DECR: f32 = -0.293;
const C_INCR: f32 = 0.733;
const NEGATION_SCALAR: f32 = -0.74;
const ALPHA: f32 = 15.0;

const NEGATIONS: &[&str] = &[
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "isnt",
    "mightnt", "mustnt", "neither", "neednt", "never", "none", "nope", "nor", "not", "nothing", "nowhere", "oughtnt",
    "shant", "shouldnt", "uhuh", "wasnt", "werent", "without", "wont", "wouldnt", "rarely", "seldom", "despite",
];

const BOOST_UP: &[&str] = &[
    "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably", "decidedly", "deeply", "effing",
    "enormous", "enormously", "entirely", "especially", "exceptional", "exceptionally", "extreme", "extremely",
    "fabulously", "flipping", "flippin", "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully",
    "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible", "incredibly",
    "intensely", "major", "majorly", "more", "most", "particularly", "purely", "quite", "really", "remarkably", "so",
    "substantially", "thoroughly", "total", "totally", "tremendous", "tremendously", "uber", "unbelievably", "unusually",
    "utter", "utterly", "very",
];
const BOOST_DOWN: &[&str] = &[
    "almost", "barely", "hardly", "kinda", "kindof", "less", "little", "marginal", "marginally", "occasional",
    "occasionally", "partly", "scarce", "scarcely", "slight", "slightly", "somewhat", "sorta", "sortof",
];

/// Emoji valences (VADER scores emoji through their descriptions; these are
/// the common ones people send to brands).
const EMOJI: &[(&str, f32)] = &[
    ("😀", 2.0), ("😁", 2.0), ("😂", 1.5), ("🤣", 1.5), ("😃", 2.0), ("😄", 2.0), ("😊", 2.0), ("😍", 3.0),
    ("🥰", 3.0), ("😘", 2.0), ("🙂", 1.0), ("😉", 1.0), ("👍", 1.8), ("👏", 1.8), ("🙌", 2.0), ("🎉", 2.0),
    ("❤", 2.5), ("💕", 2.5), ("💙", 2.0), ("😎", 1.5), ("✨", 1.0), ("🙏", 1.0), ("😞", -2.0), ("😢", -2.0),
    ("😭", -2.5), ("😡", -3.0), ("😠", -2.5), ("🤬", -3.0), ("😤", -2.0), ("👎", -2.0), ("😒", -1.5),
    ("🙄", -1.5), ("😩", -2.0), ("😫", -2.0), ("💩", -2.0), ("😑", -1.0), ("😐", -0.5), ("😕", -1.2),
    ("☹", -2.0), ("🙁", -1.5), ("😖", -2.0), ("😣", -1.8),
];

/// What the lexicon makes of one post.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LexScore {
    /// VADER's compound score in [-1, 1].
    pub compound: f32,
    /// Sums of positive and (absolute) negative valences.
    pub pos: f32,
    pub neg: f32,
    /// Words the lexicon knew.
    pub hits: u32,
}

impl LexScore {
    /// VADER's usual reading: ≥ 0.05 positive, ≤ -0.05 negative.
    pub fn label(&self) -> &'static str {
        if self.compound >= 0.05 {
            "positive"
        } else if self.compound <= -0.05 {
            "negative"
        } else {
            "neutral"
        }
    }
}

/// Everything known about one token hash, found with a single lookup.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Entry {
    /// The valence, when `flags` has [`VALENCE`].
    pub valence: f32,
    /// The booster's strength, when `flags` has [`BOOSTER`].
    pub boost: f32,
    pub flags: u8,
}

/// The lexicon gives the token a valence.
pub const VALENCE: u8 = 1;
/// A punctuation emoticon such as `:(`.
pub const EMOTICON: u8 = 2;
/// A booster ("very", "barely").
pub const BOOSTER: u8 = 4;
/// One of VADER's negations.
pub const NEGATION: u8 = 8;
/// The word "but".
pub const BUT: u8 = 16;
/// One of the feature extractor's negations ([`crate::features::NEGATION_WORDS`]).
pub const FEATURE_NEGATION: u8 = 32;

pub struct Lexicon {
    entries: HashMap64<Entry>,
    /// One bit per [`FILTER_BITS`]-bit hash prefix: clear means the hash is
    /// surely not in `entries`, so most words (not in the lexicon) cost one
    /// look at an 8 KiB bit set instead of a probe of the table.
    filter: Vec<u64>,
    valences: usize,
}

const FILTER_BITS: u32 = 16;

#[inline]
fn filter_slot(h: u64) -> (usize, u64) {
    let i = (h >> (64 - FILTER_BITS)) as usize;
    (i / 64, 1 << (i % 64))
}

/// The bundled lexicon, parsed once per process.
pub fn vader() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::parse(VADER))
}

fn word_hash(w: &str) -> u64 {
    let lower: String = w.chars().filter(|c| *c != '\'').flat_map(|c| c.to_lowercase()).collect();
    hash_str(&lower)
}

impl Lexicon {
    /// Parses `token<TAB>valence` lines; bad lines are skipped. The boosters,
    /// negations and "but" of VADER's rules, and the feature extractor's
    /// negations, are flagged in the same table.
    pub fn parse(text: &str) -> Lexicon {
        let mut entries: HashMap64<Entry> = HashMap64::default();
        let set_valence = |entries: &mut HashMap64<Entry>, h: u64, v: f32, flags: u8| {
            let e = entries.entry(h).or_default();
            e.valence = v;
            e.flags |= VALENCE | flags;
        };
        for line in text.lines() {
            let mut cols = line.split('\t');
            let (Some(tok), Some(v)) = (cols.next(), cols.next()) else { continue };
            let Ok(v) = v.trim().parse::<f32>() else { continue };
            if tok.is_empty() {
                continue;
            }
            if tok.chars().all(|c| c.is_alphanumeric() || c == '\'') {
                set_valence(&mut entries, word_hash(tok), v, 0);
            } else {
                set_valence(&mut entries, hash_str(&tok.to_ascii_lowercase()), v, EMOTICON);
            }
        }
        for (e, v) in EMOJI {
            if let Some(c) = e.chars().next() {
                let mut buf = [0u8; 4];
                set_valence(&mut entries, hash_str(c.encode_utf8(&mut buf)), *v, 0);
            }
        }
        for (w, b) in BOOST_UP.iter().map(|w| (w, B_INCR)).chain(BOOST_DOWN.iter().map(|w| (w, B_DECR))) {
            let e = entries.entry(word_hash(w)).or_default();
            e.boost = b;
            e.flags |= BOOSTER;
        }
        for w in NEGATIONS {
            entries.entry(word_hash(w)).or_default().flags |= NEGATION;
        }
        entries.entry(word_hash("but")).or_default().flags |= BUT;
        for w in crate::features::NEGATION_WORDS {
            entries.entry(hash_str(w)).or_default().flags |= FEATURE_NEGATION;
        }
        let valences = entries.values().filter(|e| e.flags & VALENCE != 0).count();
        let mut filter = vec![0u64; (1 << FILTER_BITS) / 64];
        for &h in entries.keys() {
            let (w, b) = filter_slot(h);
            filter[w] |= b;
        }
        Lexicon { entries, filter, valences }
    }

    /// What the lexicon knows of a token hash (empty when nothing).
    #[inline]
    pub fn entry(&self, h: u64) -> Entry {
        let (w, b) = filter_slot(h);
        if self.filter[w] & b == 0 {
            return Entry::default();
        }
        self.entries.get(&h).copied().unwrap_or_default()
    }
    pub fn is_emoticon(&self, h: u64) -> bool {
        self.entry(h).flags & EMOTICON != 0
    }
    pub fn valence(&self, h: u64) -> Option<f32> {
        let e = self.entry(h);
        (e.flags & VALENCE != 0).then_some(e.valence)
    }
    pub fn len(&self) -> usize {
        self.valences
    }
    pub fn is_empty(&self) -> bool {
        self.valences == 0
    }

    /// Scores the tokens of one post (read with this lexicon's entries).
    pub fn score(&self, toks: &Tokens) -> LexScore {
        let list = &toks.list;
        let but_at = list.iter().position(|t| t.entry.flags & BUT != 0);
        let mut out = LexScore::default();
        let mut sum = 0.0f32;
        for (i, t) in list.iter().enumerate() {
            if t.entry.flags & (BOOSTER | VALENCE) != VALENCE || !matches!(t.kind, Kind::Word | Kind::Hashtag | Kind::Emoticon | Kind::Emoji) {
                continue;
            }
            let mut v = t.entry.valence;
            out.hits += 1;
            if t.caps && toks.mixed_caps {
                v += C_INCR * v.signum();
            }
            let mut negated = false;
            for back in 1..=3usize.min(i) {
                let p = &list[i - back];
                if p.clause_end {
                    break;
                }
                if p.entry.flags & BOOSTER != 0 {
                    let mut s = p.entry.boost * v.signum();
                    if p.caps && toks.mixed_caps {
                        s += C_INCR * v.signum();
                    }
                    v += s * [1.0, 0.95, 0.9][back - 1];
                }
                if p.entry.flags & NEGATION != 0 {
                    negated = true;
                }
            }
            if negated {
                v *= NEGATION_SCALAR;
            }
            if let Some(b) = but_at {
                if i < b {
                    v *= 0.5;
                } else if i > b {
                    v *= 1.5;
                }
            }
            if v > 0.0 {
                out.pos += v + 1.0;
            } else if v < 0.0 {
                out.neg += 1.0 - v;
            }
            sum += v;
        }
        if sum != 0.0 {
            let e = toks.exclaims.min(4) as f32 * 0.292;
            let q = match toks.questions {
                0 | 1 => 0.0,
                n @ 2..=3 => n as f32 * 0.18,
                _ => 0.96,
            };
            sum += (e + q) * sum.signum();
        }
        out.compound = (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::Tokenizer;

    fn compound(text: &str) -> f32 {
        let lex = vader();
        let mut t = Tokens::default();
        Tokenizer::default().tokenize(text, |h| lex.entry(h), &mut t);
        lex.score(&t).compound
    }

    #[test]
    fn the_bundled_lexicon_loads() {
        assert!(vader().len() > 7000, "VADER has about 7,500 entries");
    }

    #[test]
    fn hand_written_examples_read_as_people_would() {
        assert!(compound("I love this airline, great crew!") > 0.5);
        assert!(compound("worst service ever, I hate this") < -0.5);
        assert!(compound("the flight leaves at 9") .abs() < 0.05, "no sentiment words");
        assert!(compound("this is not good") < 0.0, "negation flips good");
        assert!(compound("very good") > compound("good"), "boosters strengthen");
        assert!(compound("GOOD service") > compound("good service") - 1e-6);
        assert!(compound("thanks :)") > compound("thanks"), "emoticons count");
        assert!(compound("great 😡😡") < compound("great"), "emoji count");
        assert!(compound("good but terrible") < 0.0, "what follows but weighs more");
    }

    #[test]
    fn lexicon_alone_misses_quiet_complaints() {
        // Why the learned model exists: no angry word, yet a complaint.
        assert!(compound("still waiting for my bag").abs() < 0.05);
    }
}
