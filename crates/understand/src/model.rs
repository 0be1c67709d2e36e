//! A trained model for one field (`sentiment`, `topic`, or any other the team
//! labels): its classes, feature and training parameters, weights, and a
//! version that names exactly what it learned from (a hash of the examples
//! and the parameters), so every prediction can say which model made it.
//! Models go to bytes (postcard, only the non-zero weight rows) and back;
//! bytes that are not a model give an error, never a panic.

use serde::{Deserialize, Serialize};

use crate::features::FeatureParams;
use crate::hash::{combine, hash_str};
use crate::linear::{self, TrainParams};
use crate::Scratch;

/// Bumped whenever features or the byte layout change incompatibly.
pub const FORMAT: u32 = 1;

/// One labelled post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    pub label: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("too few labels to learn {field}: {have} usable, {need} needed across at least two values")]
    TooFew { field: String, have: usize, need: usize },
    #[error("not a saved model: {0}")]
    Bytes(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub features: FeatureParams,
    pub train: TrainParams,
    /// Fewest usable examples to train at all.
    pub min_examples: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params { features: FeatureParams::default(), train: TrainParams::default(), min_examples: 20 }
    }
}

impl Params {
    /// The defaults for a field. Topics use a 2^16-row table (as good as
    /// 2^18 on the airline validation split, and a quarter of the memory for
    /// their many classes). Character n-grams lifted topic macro-F1 by about
    /// 0.02–0.03 there but made topic scoring about three times slower, so
    /// they stay off; sentiment lost F1 with them.
    pub fn for_field(field: &str) -> Params {
        let mut p = Params::default();
        if field != "sentiment" {
            p.features.bits = 16;
        }
        p
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub field: String,
    pub version: String,
    pub classes: Vec<String>,
    pub params: Params,
    /// How many examples it learned from.
    pub trained_on: usize,
    pub(crate) weights: Vec<f32>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    format: u32,
    field: String,
    version: String,
    classes: Vec<String>,
    params: Params,
    trained_on: u64,
    rows: Vec<u32>,
    values: Vec<f32>,
}

/// How a field's labels are cleaned before learning: sentiment values are
/// lower-cased ("Negative" is "negative"); others keep the team's spelling.
pub fn clean_label(field: &str, label: &str) -> Option<String> {
    let l = label.trim();
    if l.is_empty() {
        return None;
    }
    Some(if field == "sentiment" { l.to_lowercase() } else { l.to_string() })
}

/// Learns `field` from the examples. The result depends only on the set of
/// examples and the parameters, not on their order.
pub fn train(field: &str, examples: &[Example], params: &Params) -> Result<Model, ModelError> {
    let mut clean: Vec<(&str, String)> = examples
        .iter()
        .filter(|e| !e.text.trim().is_empty())
        .filter_map(|e| clean_label(field, &e.label).map(|l| (e.text.as_str(), l)))
        .collect();
    clean.sort();
    clean.dedup();
    let mut classes: Vec<String> = clean.iter().map(|(_, l)| l.clone()).collect();
    classes.sort();
    classes.dedup();
    if clean.len() < params.min_examples.max(2) || classes.len() < 2 {
        return Err(ModelError::TooFew { field: field.to_string(), have: clean.len(), need: params.min_examples.max(2) });
    }
    let mut h = combine(hash_str(field), FORMAT as u64);
    h = combine(h, hash_str(&format!("{params:?}")));
    for (t, l) in &clean {
        h = combine(h, combine(hash_str(t), hash_str(l)));
    }
    let version = format!("{field}-{h:016x}");
    let mut scratch = Scratch::default();
    let data: Vec<(Vec<(u32, f32)>, usize)> = clean
        .iter()
        .map(|(t, l)| {
            let bits = params.features.bits;
            let feats = scratch.features(t, &params.features).iter().map(|&(h, v)| (crate::features::row(h, bits), v)).collect();
            (feats, classes.binary_search(l).unwrap_or(0))
        })
        .collect();
    let rows = 1usize << params.features.bits;
    let weights = linear::fit(&data, classes.len(), rows, &params.train);
    Ok(Model { field: field.to_string(), version, classes, params: *params, trained_on: clean.len(), weights })
}

impl Model {
    /// Class probabilities for the features, written into `out`.
    pub(crate) fn probabilities(&self, feats: &[(u64, f32)], out: &mut Vec<f32>) {
        out.clear();
        out.resize(self.classes.len(), 0.0);
        linear::logits_hashed(&self.weights, self.classes.len(), self.params.features.bits, feats, out);
        linear::softmax(out);
    }

    /// Asks the CPU to start loading the weight rows of these features, so
    /// that the rows of both models arrive together instead of one cache
    /// miss after another (the tables are megabytes; a post touches ~50 rows).
    #[inline]
    pub(crate) fn prefetch(&self, feats: &[(u64, f32)]) {
        let k = self.classes.len();
        let bits = self.params.features.bits;
        for &(h, _) in feats {
            let base = crate::features::row(h, bits) as usize * k;
            if let Some(row) = self.weights.get(base..base + k) {
                prefetch(row.as_ptr());
                prefetch(row[k - 1..].as_ptr());
            }
        }
    }

    /// The most likely class of `text` and its probability.
    pub fn predict(&self, text: &str) -> (&str, f32) {
        let mut s = Scratch::default();
        let feats = s.features(text, &self.params.features).to_vec();
        let mut p = Vec::new();
        self.probabilities(&feats, &mut p);
        let (i, &best) = p.iter().enumerate().fold((0, &0.0), |a, b| if b.1 > a.1 { b } else { a });
        (&self.classes[i], best)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let k = self.classes.len();
        let mut rows = Vec::new();
        let mut values = Vec::new();
        for (r, chunk) in self.weights.chunks(k).enumerate() {
            if chunk.iter().any(|w| *w != 0.0) {
                rows.push(r as u32);
                values.extend_from_slice(chunk);
            }
        }
        let saved = Saved {
            format: FORMAT,
            field: self.field.clone(),
            version: self.version.clone(),
            classes: self.classes.clone(),
            params: self.params,
            trained_on: self.trained_on as u64,
            rows,
            values,
        };
        postcard::to_allocvec(&saved).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let s: Saved = postcard::from_bytes(bytes).map_err(|e| ModelError::Bytes(e.to_string()))?;
        if s.format != FORMAT {
            return Err(ModelError::Bytes(format!("format {} (this build reads {FORMAT})", s.format)));
        }
        let k = s.classes.len();
        let bits = s.params.features.bits;
        if k < 2 || !(8..=24).contains(&bits) || s.values.len() != s.rows.len() * k {
            return Err(ModelError::Bytes("inconsistent sizes".into()));
        }
        let rows = 1usize << bits;
        let mut weights = vec![0f32; rows * k];
        for (i, &r) in s.rows.iter().enumerate() {
            let r = r as usize;
            if r >= rows {
                return Err(ModelError::Bytes("weight row out of range".into()));
            }
            weights[r * k..r * k + k].copy_from_slice(&s.values[i * k..i * k + k]);
        }
        Ok(Model {
            field: s.field,
            version: s.version,
            classes: s.classes,
            params: s.params,
            trained_on: s.trained_on as usize,
            weights,
        })
    }
}

/// A hint to load the cache line holding `p`; it never faults and changes no result.
#[inline(always)]
fn prefetch(p: *const f32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing into the program and cannot fault,
    // whatever the address; `p` points into a live slice anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
