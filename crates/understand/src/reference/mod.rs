//! The straightforward tokenizer, lexicon scorer and feature extractor as
//! they were before the fast path (one lookup per token, byte-wise
//! tokenizing); tests check that the fast path gives exactly their output.

pub mod features;
pub mod language;
pub mod lexicon;
pub mod tokenize;

/// Logits as they were summed before the fixed-size fast path.
pub fn logits_plain(weights: &[f32], classes: usize, bits: u8, feats: &[(u64, f32)], out: &mut [f32]) {
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

#[cfg(test)]
mod tests {
    use crate::features::{Extractor, FeatureParams};
    use crate::hash::SplitMix;
    use crate::lexicon::vader;
    use crate::tokenize::{Tokenizer, Tokens};

    const WORDS: &[&str] = &[
        "still", "waiting", "for", "my", "bag", "NOT", "not", "good", "very", "GREAT", "but", "terrible", "don't", "don’t",
        "never", "nobody", "barely", "kinda", "hate", "love", ":(", ":)", "<3", ":-)", "xD", ":D", "😡", "😍", "👍🏽", "#fail",
        "#Travel", "@united", "@AmericanAir.", "https://t.co/abc", "HTTP://X.Y", "www.x.com", "1234", "3rd", "!!", "?", "...",
        "wasn't", "ÉCOLE", "straße", "İstanbul", "Здравствуйте", "日本語", "a#b", "#'x", "'quoted'", "no.", "help!", "why?!",
        "Cancelled", "Flightled", "thx", "lol", "&amp;", "\u{200d}\u{fe0f}", "a\0b", "ok,", "(sad)", "x", "-", "😂😂", "’",
    ];
    const SPACES: &[&str] = &[" ", " ", " ", "  ", "\t", "\n", "\u{b}", "\u{a0}", "\u{3000}", "\u{1c}", "\u{2003}", ""];

    fn generated(n: usize) -> Vec<String> {
        let mut r = SplitMix(99);
        (0..n)
            .map(|_| {
                let mut s = String::new();
                for _ in 0..r.below(24) {
                    s.push_str(WORDS[r.below(WORDS.len())]);
                    s.push_str(SPACES[r.below(SPACES.len())]);
                }
                s
            })
            .collect()
    }

    /// The `text` column of a CSV under /work/shared/data, when it is there.
    fn shared_texts(name: &str) -> Vec<String> {
        let path = format!("/work/shared/data/{name}");
        let Ok(mut r) = csv::Reader::from_path(&path) else { return Vec::new() };
        let col = r.headers().ok().and_then(|h| h.iter().position(|c| c == "text")).unwrap_or(0);
        r.records().filter_map(|x| x.ok()).filter_map(|x| x.get(col).map(str::to_string)).collect()
    }

    /// Tokens, lexicon scores and features of the fast path equal the
    /// straightforward path's, bit for bit.
    #[test]
    fn the_fast_path_reads_posts_exactly_as_the_straightforward_one() {
        let mut texts = generated(600);
        texts.extend(shared_texts("airline-dev.csv"));
        texts.extend(shared_texts("twcs-sample.csv").into_iter().take(5000));
        let (lex, old_lex) = (vader(), super::lexicon::Lexicon::parse(include_str!("../../data/vader_lexicon.tsv")));
        let (tk, old_tk) = (Tokenizer::default(), super::tokenize::Tokenizer::default());
        let (ex, old_ex) = (Extractor::default(), super::features::Extractor::default());
        let (mut t, mut old_t) = (Tokens::default(), super::tokenize::Tokens::default());
        let (mut f, mut old_f) = (Vec::new(), Vec::new());
        let params = [FeatureParams::default(), FeatureParams { char_ngrams: true, bits: 16, ..FeatureParams::default() }];
        for text in &texts {
            tk.tokenize(text, |h| lex.entry(h), &mut t);
            old_tk.tokenize(text, |h| old_lex.is_emoticon(h), &mut old_t);
            let got: Vec<_> = t.list.iter().map(|x| (x.hash, format!("{:?}", x.kind), x.caps, x.clause_end)).collect();
            let want: Vec<_> = old_t.list.iter().map(|x| (x.hash, format!("{:?}", x.kind), x.caps, x.clause_end)).collect();
            assert_eq!(got, want, "tokens of {text:?}");
            assert_eq!((t.exclaims, t.questions, t.mixed_caps), (old_t.exclaims, old_t.questions, old_t.mixed_caps), "{text:?}");
            let (s, old_s) = (lex.score(&t), old_lex.score(&old_t));
            assert_eq!((s.compound.to_bits(), s.pos.to_bits(), s.neg.to_bits(), s.hits), (old_s.compound.to_bits(), old_s.pos.to_bits(), old_s.neg.to_bits(), old_s.hits), "lexicon score of {text:?}");
            for p in &params {
                ex.extract(text, &t, &s, p, &mut f);
                old_ex.extract(text, &old_t, &old_s, p, &mut old_f);
                let bits = |v: &[(u64, f32)]| v.iter().map(|(h, x)| (*h, x.to_bits())).collect::<Vec<_>>();
                assert_eq!(bits(&f), bits(&old_f), "features of {text:?}");
            }
        }
        assert_eq!(lex.len(), old_lex.valence.len());
        let (lang, old_lang) = (crate::language::LanguageDetector::default(), super::language::LanguageDetector { detector: whatlang::Detector::new(), thorough: false });
        let mut buf = String::new();
        for text in &texts {
            assert_eq!(lang.detect(text, &mut buf), old_lang.detect(text, &mut buf), "language of {text:?}");
        }
        assert!(texts.len() >= 600);
        eprintln!("{} texts read alike", texts.len());
    }

    /// Models of 2 to 17 classes give the same logits, bit for bit, as the plain sum.
    #[test]
    fn fixed_size_logits_equal_the_plain_sum() {
        let texts = generated(400);
        let mut scratch = crate::Scratch::default();
        for classes in [2usize, 3, 5, 10, 16, 17] {
            let examples: Vec<crate::Example> = texts.iter().enumerate().map(|(i, t)| crate::Example { text: format!("{t} w{}", i % classes), label: format!("c{}", i % classes) }).collect();
            let m = crate::train("topic", &examples, &crate::Params::for_field("topic")).expect("a model");
            assert_eq!(m.classes.len(), classes);
            let (mut got, mut want) = (vec![0f32; classes], vec![0f32; classes]);
            for t in &texts {
                let feats = scratch.features(t, &m.params.features).to_vec();
                crate::linear::logits_hashed(&m.weights, classes, m.params.features.bits, &feats, &mut got);
                super::logits_plain(&m.weights, classes, m.params.features.bits, &feats, &mut want);
                assert_eq!(got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), "{classes} classes, {t:?}");
            }
        }
    }
}
