//! Cold-start topics: keyword rules over a small default taxonomy, used until
//! the organisation has labelled enough posts for a learned topic model.
//! A rule fires on a word or a two-word phrase; the topic with the most hits
//! wins, with a confidence that grows with the hits and drops on a tie.

use crate::hash::{combine, hash_str, HashMap64};
use crate::tokenize::Tokens;

/// (topic, keywords); a keyword with a space is a two-word phrase.
pub const DEFAULT_TAXONOMY: &[(&str, &[&str])] = &[
    ("lost luggage", &["bag", "bags", "luggage", "baggage", "suitcase", "suitcases", "lost bag", "missing bag"]),
    ("late flight", &["delay", "delayed", "delays", "late", "tarmac", "still waiting", "hours late"]),
    ("cancelled flight", &["cancelled", "canceled", "cancellation", "cancel"]),
    ("billing", &["refund", "charged", "charge", "bill", "billing", "invoice", "fee", "fees", "overcharged", "payment"]),
    ("outage", &["outage", "down", "offline", "no signal", "not working", "no internet", "no service", "broken"]),
    ("praise", &["thank", "thanks", "thx", "love", "awesome", "amazing", "great", "best", "kudos"]),
    ("sales lead", &["pricing", "quote", "buy", "purchase", "upgrade", "interested", "how much", "sign up", "subscribe"]),
    ("crisis", &["lawsuit", "sue", "injured", "injury", "fire", "crash", "emergency", "boycott", "scandal", "lawyer", "unsafe"]),
];

pub struct TopicRules {
    names: Vec<&'static str>,
    words: HashMap64<usize>,
    phrases: HashMap64<usize>,
}

impl Default for TopicRules {
    fn default() -> Self {
        let mut words = HashMap64::default();
        let mut phrases = HashMap64::default();
        for (t, (_, keys)) in DEFAULT_TAXONOMY.iter().enumerate() {
            for k in *keys {
                match k.split_once(' ') {
                    Some((a, b)) => {
                        phrases.insert(combine(hash_str(a), hash_str(b)), t);
                    }
                    None => {
                        words.insert(hash_str(k), t);
                    }
                }
            }
        }
        TopicRules { names: DEFAULT_TAXONOMY.iter().map(|(n, _)| *n).collect(), words, phrases }
    }
}

impl TopicRules {
    pub fn topics(&self) -> &[&'static str] {
        &self.names
    }

    /// The best topic and its confidence, or None when no rule fires.
    pub fn classify(&self, toks: &Tokens) -> Option<(&'static str, f32)> {
        let mut hits = [0u32; 16];
        let mut prev: Option<u64> = None;
        for t in &toks.list {
            if let Some(&i) = self.words.get(&t.hash) {
                hits[i] += 1;
            }
            if let Some(p) = prev {
                if let Some(&i) = self.phrases.get(&combine(p, t.hash)) {
                    hits[i] += 1;
                }
            }
            prev = if t.clause_end { None } else { Some(t.hash) };
        }
        let (best, &n) = hits.iter().enumerate().max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
        if n == 0 {
            return None;
        }
        let tied = hits.iter().filter(|&&h| h == n).count() > 1;
        let mut conf = match n {
            1 => 0.6,
            2 => 0.8,
            _ => 0.9,
        };
        if tied {
            conf *= 0.6;
        }
        Some((self.names[best], conf))
    }
}
