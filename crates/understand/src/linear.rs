//! A multinomial logistic regression over hashed features, trained with
//! Adagrad on the log loss, class-balanced (each class weighs as much as the
//! others in total, which is what macro-F1 rewards), with a small L2 penalty.
//! Training is deterministic: a fixed seed orders the examples in each epoch.

use serde::{Deserialize, Serialize};

use crate::hash::SplitMix;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    pub epochs: u32,
    pub learning_rate: f32,
    pub l2: f32,
    pub balanced: bool,
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams { epochs: 20, learning_rate: 0.1, l2: 1e-5, balanced: true, seed: 20261127 }
    }
}

/// Logits for each class, written into `out` (len = classes).
#[inline]
pub fn logits(weights: &[f32], classes: usize, feats: &[(u32, f32)], out: &mut [f32]) {
    out.iter_mut().for_each(|x| *x = 0.0);
    for &(i, v) in feats {
        let base = i as usize * classes;
        if let Some(row) = weights.get(base..base + classes) {
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
    }
}

/// Turns logits into probabilities in place.
#[inline]
pub fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    if sum > 0.0 {
        x.iter_mut().for_each(|v| *v /= sum);
    }
}

/// Logits for hashed features (see [`crate::features::row`]) in a `2^bits`-row table.
#[inline]
pub fn logits_hashed(weights: &[f32], classes: usize, bits: u8, feats: &[(u64, f32)], out: &mut [f32]) {
    match classes {
        2 => return logits_fixed::<2>(weights, classes, bits, feats, out),
        3 => return logits_fixed::<3>(weights, classes, bits, feats, out),
        4..=8 => return logits_fixed::<8>(weights, classes, bits, feats, out),
        9..=16 => return logits_fixed::<16>(weights, classes, bits, feats, out),
        _ => {}
    }
    out.iter_mut().for_each(|x| *x = 0.0);
    for &(h, v) in feats {
        let base = crate::features::row(h, bits) as usize * classes;
        if let Some(row) = weights.get(base..base + classes) {
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
    }
}

/// [`logits_hashed`] for at most `K` classes, summed in registers (the same
/// additions in the same order, so the same results).
#[inline]
fn logits_fixed<const K: usize>(weights: &[f32], classes: usize, bits: u8, feats: &[(u64, f32)], out: &mut [f32]) {
    debug_assert!(classes <= K && out.len() == classes);
    let k = classes.min(K).min(out.len());
    let mut acc = [0f32; K];
    for &(h, v) in feats {
        let base = crate::features::row(h, bits) as usize * classes;
        if let Some(row) = weights.get(base..base + k) {
            for (o, w) in acc.iter_mut().zip(row) {
                *o += w * v;
            }
        }
    }
    out[..k].copy_from_slice(&acc[..k]);
}

/// Trains weights (`rows * classes`) on (features, class) examples.
pub fn fit(examples: &[(Vec<(u32, f32)>, usize)], classes: usize, rows: usize, p: &TrainParams) -> Vec<f32> {
    let mut w = vec![0f32; rows * classes];
    let mut g2 = vec![0f32; rows * classes];
    let mut counts = vec![0usize; classes];
    for (_, y) in examples {
        counts[*y] += 1;
    }
    let n = examples.len().max(1) as f32;
    let class_weight: Vec<f32> = counts
        .iter()
        .map(|&c| if p.balanced && c > 0 { n / (classes as f32 * c as f32) } else { 1.0 })
        .collect();
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = SplitMix(p.seed);
    let mut prob = vec![0f32; classes];
    for _ in 0..p.epochs {
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        for &e in &order {
            let (feats, y) = &examples[e];
            logits(&w, classes, feats, &mut prob);
            softmax(&mut prob);
            let cw = class_weight[*y];
            for &(i, v) in feats {
                let base = i as usize * classes;
                if base + classes > w.len() {
                    continue;
                }
                for k in 0..classes {
                    let target = if k == *y { 1.0 } else { 0.0 };
                    let g = cw * (prob[k] - target) * v + p.l2 * w[base + k];
                    if g == 0.0 {
                        continue;
                    }
                    g2[base + k] += g * g;
                    w[base + k] -= p.learning_rate * g / (g2[base + k].sqrt() + 1e-6);
                }
            }
        }
    }
    w
}
