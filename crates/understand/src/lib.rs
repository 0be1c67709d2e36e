//! Understanding posts: sentiment, topic and language for every post, learned
//! from the team's own labels.
//!
//! - [`tokenize`]: the social-text tokenizer (hashes, no allocation per post,
//!   one lexicon lookup per token, shared by everything after it);
//! - [`lexicon`]: a VADER-style scorer over VADER's MIT lexicon — the
//!   sentiment used until the team has labelled enough posts;
//! - [`features`] and [`linear`]: hashed word/bigram features plus lexicon
//!   features, and a class-balanced multinomial logistic regression;
//! - [`model`]: [`train`] a [`Model`] for a field from [`Example`]s; its
//!   version names what it learned from; [`Model::to_bytes`] / `from_bytes`;
//! - [`topics`]: cold-start keyword rules over a small default taxonomy;
//! - [`language`]: `whichlang` (Latin script) or `whatlang` (other scripts)
//!   on a cleaned 64-character prefix, ISO 639-1 codes.
//!
//! One post is tokenized once; the sentiment and topic models share its
//! features, and both models' weight rows are prefetched together.
//!
//! [`Analyzer`] puts them together: `analyze(text)` gives an [`Analysis`]
//! with a confidence for each guess; a topic below the threshold is `None`,
//! which sends the post to triage instead of a guess.

pub mod features;
pub mod hash;
pub mod language;
pub mod lexicon;
pub mod linear;
pub mod metrics;
pub mod model;
pub mod tokenize;
pub mod topics;
#[cfg(test)]
mod reference;

use std::cell::RefCell;

pub use model::{train, Example, Model, ModelError, Params};

use features::{Extractor, FeatureParams};
use language::LanguageDetector;
use lexicon::{vader, LexScore};
use tokenize::{Tokenizer, Tokens};
use topics::TopicRules;

/// The version recorded for predictions made without a learned model.
pub const LEXICON_VERSION: &str = "lexicon-vader-1";
pub const RULES_VERSION: &str = "rules-1";
pub const LANGUAGE_VERSION: &str = "whichlang-0.1+whatlang-0.18-1";
/// Below this a topic is not given (the post goes to triage).
pub const TOPIC_THRESHOLD: f32 = 0.5;

/// Reusable buffers for one thread's analyses.
#[derive(Default)]
pub struct Scratch {
    tokens: Tokens,
    feats: Vec<(u64, f32)>,
    probs: Vec<f32>,
    text: String,
    lex: LexScore,
    /// The parameters `feats` were made with, for the text last read.
    feats_for: Option<FeatureParams>,
    tokenizer: Option<(Tokenizer, Extractor)>,
}

impl Scratch {
    /// Tokenizes and scores `text` with the lexicon.
    fn read(&mut self, text: &str) {
        let lex = vader();
        let (tk, _) = self.tokenizer.get_or_insert_with(|| (Tokenizer::default(), Extractor::default()));
        tk.tokenize(text, |h| lex.entry(h), &mut self.tokens);
        self.lex = lex.score(&self.tokens);
        self.feats_for = None;
    }

    /// The features of `text` (after [`Scratch::read`] or on its own).
    /// Feature hashes, mapped to a model's rows by [`features::row`].
    pub fn features(&mut self, text: &str, p: &FeatureParams) -> &[(u64, f32)] {
        self.read(text);
        self.fill_features(text, p);
        &self.feats
    }

    fn fill_features(&mut self, text: &str, p: &FeatureParams) {
        // The table size does not change the hashes: models of any size share them.
        let key = FeatureParams { bits: 0, ..*p };
        if self.feats_for == Some(key) {
            return;
        }
        self.feats_for = Some(key);
        let (_, ex) = self.tokenizer.get_or_insert_with(|| (Tokenizer::default(), Extractor::default()));
        ex.extract(text, &self.tokens, &self.lex, p, &mut self.feats);
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What the analyzer makes of one post.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Analysis<'a> {
    /// `negative`, `neutral` or `positive` (or the team's own sentiment values).
    pub sentiment: &'a str,
    /// From -1 (negative) to 1 (positive).
    pub sentiment_score: f32,
    pub sentiment_confidence: f32,
    /// None: not sure enough, send to triage.
    pub topic: Option<&'a str>,
    pub topic_confidence: f32,
    /// ISO 639-1 code, or `und`.
    pub language: &'static str,
}

pub struct Analyzer {
    sentiment: Option<Model>,
    topic: Option<Model>,
    rules: TopicRules,
    language: LanguageDetector,
    pub topic_threshold: f32,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(None, None)
    }
}

impl Analyzer {
    /// An analyzer with the learned models there are; without them it falls
    /// back to the lexicon (sentiment) and the keyword rules (topic).
    pub fn new(sentiment: Option<Model>, topic: Option<Model>) -> Self {
        Analyzer {
            sentiment,
            topic,
            rules: TopicRules::default(),
            language: LanguageDetector::default(),
            topic_threshold: TOPIC_THRESHOLD,
        }
    }

    pub fn sentiment_version(&self) -> &str {
        self.sentiment.as_ref().map_or(LEXICON_VERSION, |m| &m.version)
    }
    pub fn topic_version(&self) -> &str {
        self.topic.as_ref().map_or(RULES_VERSION, |m| &m.version)
    }
    pub fn language_version(&self) -> &str {
        LANGUAGE_VERSION
    }

    /// Sentiment, topic and language of one post.
    pub fn analyze(&self, text: &str) -> Analysis<'_> {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            s.read(text);
            self.prefetch(text, s);
            // Language first: its work hides the wait for the weight rows.
            let language = self.language.detect(text, &mut s.text);
            let (sentiment, sentiment_score, sentiment_confidence) = self.sentiment_of(text, s);
            let (topic, topic_confidence) = self.topic_of(text, s);
            Analysis { sentiment, sentiment_score, sentiment_confidence, topic, topic_confidence, language }
        })
    }

    /// Sentiment and topic without language (for callers that already know it).
    pub fn understand_only(&self, text: &str) -> ((&str, f32, f32), (Option<&str>, f32)) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            s.read(text);
            self.prefetch(text, s);
            let sentiment = self.sentiment_of(text, s);
            let topic = self.topic_of(text, s);
            (sentiment, topic)
        })
    }

    /// Sentiment only (for benchmarks and callers that need nothing else).
    pub fn sentiment(&self, text: &str) -> (&str, f32, f32) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.read(text);
            self.sentiment_of(text, &mut s)
        })
    }

    /// Topic only.
    pub fn topic(&self, text: &str) -> (Option<&str>, f32) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.read(text);
            self.topic_of(text, &mut s)
        })
    }

    /// Language only.
    pub fn language(&self, text: &str) -> &'static str {
        SCRATCH.with(|s| self.language.detect(text, &mut s.borrow_mut().text))
    }

    /// Starts loading both models' weight rows for `text` at once.
    fn prefetch(&self, text: &str, s: &mut Scratch) {
        for m in [&self.sentiment, &self.topic].into_iter().flatten() {
            s.fill_features(text, &m.params.features);
            m.prefetch(&s.feats);
        }
    }

    fn sentiment_of(&self, text: &str, s: &mut Scratch) -> (&str, f32, f32) {
        match &self.sentiment {
            Some(m) => {
                s.fill_features(text, &m.params.features);
                m.probabilities(&s.feats, &mut s.probs);
                let (best, conf) = argmax(&s.probs);
                let p = |name: &str| m.classes.iter().position(|c| c == name).map_or(0.0, |i| s.probs[i]);
                let score = (p("positive") - p("negative")).clamp(-1.0, 1.0);
                (&m.classes[best], score, conf)
            }
            None => {
                let c = s.lex.compound;
                // Confidence grows with the score's distance from the thresholds.
                let conf = if s.lex.hits == 0 { 0.4 } else { (0.5 + c.abs() / 2.0).min(1.0) };
                (s.lex.label(), c, conf)
            }
        }
    }

    fn topic_of(&self, text: &str, s: &mut Scratch) -> (Option<&str>, f32) {
        let (topic, conf) = match &self.topic {
            Some(m) => {
                s.fill_features(text, &m.params.features);
                m.probabilities(&s.feats, &mut s.probs);
                let (best, conf) = argmax(&s.probs);
                (Some(m.classes[best].as_str()), conf)
            }
            None => match self.rules.classify(&s.tokens) {
                Some((t, c)) => (Some(t), c),
                None => (None, 0.0),
            },
        };
        if conf < self.topic_threshold {
            (None, conf)
        } else {
            (topic, conf)
        }
    }
}

fn argmax(p: &[f32]) -> (usize, f32) {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, &v) in p.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    (best.0, best.1.max(0.0))
}
