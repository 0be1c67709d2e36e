//! The straightforward version kept to check the fast one against (tests only).


use crate::hash::{hash_str, HashMap64};
use super::tokenize::{Kind, Tokens};


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

pub struct Lexicon {
    pub valence: HashMap64<f32>,
    emoticons: HashMap64<()>,
    boosters: HashMap64<f32>,
    negations: HashMap64<()>,
    but: u64,
}

fn word_hash(w: &str) -> u64 {
    let lower: String = w.chars().filter(|c| *c != '\'').flat_map(|c| c.to_lowercase()).collect();
    hash_str(&lower)
}

impl Lexicon {
    /// Parses `token<TAB>valence` lines; bad lines are skipped.
    pub fn parse(text: &str) -> Lexicon {
        let mut valence = HashMap64::default();
        let mut emoticons = HashMap64::default();
        for line in text.lines() {
            let mut cols = line.split('\t');
            let (Some(tok), Some(v)) = (cols.next(), cols.next()) else { continue };
            let Ok(v) = v.trim().parse::<f32>() else { continue };
            if tok.is_empty() {
                continue;
            }
            if tok.chars().all(|c| c.is_alphanumeric() || c == '\'') {
                valence.insert(word_hash(tok), v);
            } else {
                let h = hash_str(&tok.to_ascii_lowercase());
                valence.insert(h, v);
                emoticons.insert(h, ());
            }
        }
        for (e, v) in EMOJI {
            if let Some(c) = e.chars().next() {
                let mut buf = [0u8; 4];
                valence.insert(hash_str(c.encode_utf8(&mut buf)), *v);
            }
        }
        let boosters = BOOST_UP.iter().map(|w| (word_hash(w), B_INCR)).chain(BOOST_DOWN.iter().map(|w| (word_hash(w), B_DECR))).collect();
        let negations = NEGATIONS.iter().map(|w| (word_hash(w), ())).collect();
        Lexicon { valence, emoticons, boosters, negations, but: word_hash("but") }
    }

    pub fn is_emoticon(&self, h: u64) -> bool {
        self.emoticons.contains_key(&h)
    }
    /// Scores the tokens of one post.
    pub fn score(&self, toks: &Tokens) -> LexScore {
        let list = &toks.list;
        let but_at = list.iter().position(|t| t.hash == self.but);
        let mut out = LexScore::default();
        let mut sum = 0.0f32;
        for (i, t) in list.iter().enumerate() {
            if !matches!(t.kind, Kind::Word | Kind::Hashtag | Kind::Emoticon | Kind::Emoji) {
                continue;
            }
            if self.boosters.contains_key(&t.hash) {
                continue;
            }
            let Some(mut v) = self.valence.get(&t.hash).copied() else { continue };
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
                if let Some(b) = self.boosters.get(&p.hash) {
                    let mut s = b * v.signum();
                    if p.caps && toks.mixed_caps {
                        s += C_INCR * v.signum();
                    }
                    v += s * [1.0, 0.95, 0.9][back - 1];
                }
                if self.negations.contains_key(&p.hash) {
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

