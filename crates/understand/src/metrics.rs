//! Accuracy and macro-F1 over predicted and true labels, for evaluations.

/// Accuracy and macro-F1 (mean of per-class F1 over the classes present in
/// the truth or the predictions).
pub fn scores(truth: &[&str], predicted: &[&str]) -> (f64, f64) {
    assert_eq!(truth.len(), predicted.len(), "one prediction per truth");
    if truth.is_empty() {
        return (0.0, 0.0);
    }
    let mut classes: Vec<&str> = truth.iter().chain(predicted).copied().collect();
    classes.sort();
    classes.dedup();
    let correct = truth.iter().zip(predicted).filter(|(t, p)| t == p).count();
    let mut f1_sum = 0.0;
    for c in &classes {
        let tp = truth.iter().zip(predicted).filter(|(t, p)| *t == c && *p == c).count() as f64;
        let fp = truth.iter().zip(predicted).filter(|(t, p)| *t != c && *p == c).count() as f64;
        let fn_ = truth.iter().zip(predicted).filter(|(t, p)| *t == c && *p != c).count() as f64;
        let f1 = if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fn_) };
        f1_sum += f1;
    }
    (correct as f64 / truth.len() as f64, f1_sum / classes.len() as f64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn perfect_and_mixed() {
        assert_eq!(super::scores(&["a", "b"], &["a", "b"]), (1.0, 1.0));
        let (acc, f1) = super::scores(&["a", "a", "b", "b"], &["a", "a", "a", "b"]);
        assert_eq!(acc, 0.75);
        assert!((f1 - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
    }
}
