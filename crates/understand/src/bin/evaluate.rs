//! Evaluates the learned sentiment and topic models on a labelled airline CSV
//! (the Twitter US Airline Sentiment columns: tweet_id, airline_sentiment,
//! negativereason, text).
//!
//! `evaluate PATH [--sweep]`: de-duplicates tweet_id, splits 80/20 stratified
//! by sentiment with seed 42, learns from the train part's labels, predicts
//! the test part and prints accuracy and macro-F1 for sentiment (3 classes)
//! and topic (negativereason on negative tweets, with and without "Can't
//! Tell"), next to the VADER-only baseline, and how often language detection
//! on a shorter prefix agrees with the default one. `--sweep` compares feature and
//! training choices on a validation split of the train part only (seed 7),
//! never on the test part.

use std::collections::HashMap;
use std::time::Instant;

use switchboard_understand::features::FeatureParams;
use switchboard_understand::hash::SplitMix;
use switchboard_understand::lexicon::vader;
use switchboard_understand::metrics::scores;
use switchboard_understand::tokenize::{Tokenizer, Tokens};
use switchboard_understand::{train, Analyzer, Example, Model, Params};

struct Row {
    text: String,
    sentiment: String,
    reason: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: evaluate PATH/airline.csv [--sweep]");
        std::process::exit(2);
    };
    let rows = match read(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let (train_rows, test_rows) = split(&rows, 0.2, 42);
    println!("{} tweets after de-duplication: {} train, {} test (stratified by sentiment, seed 42)", rows.len(), train_rows.len(), test_rows.len());
    if args.iter().any(|a| a == "--sweep") {
        sweep(&train_rows);
    }
    evaluate(&train_rows, &test_rows);
    language_prefixes(&rows);
}

/// How often language detection on a shorter cleaned prefix (faster) gives
/// the same answer as on the default 64 characters, over all the texts.
fn language_prefixes(rows: &[Row]) {
    use switchboard_understand::language::{LanguageDetector, PREFIX};
    let mut buf = String::new();
    let base = LanguageDetector::default();
    let want: Vec<&str> = rows.iter().map(|r| base.detect(&r.text, &mut buf)).collect();
    let english = want.iter().filter(|l| **l == "en").count();
    print!("language on {} posts ({english} en at {PREFIX} chars); same answer with a shorter prefix:", rows.len());
    for chars in [56, 48, 40, 32] {
        let d = LanguageDetector::default().with_prefix(chars);
        let same = rows.iter().zip(&want).filter(|(r, w)| d.detect(&r.text, &mut buf) == **w).count();
        print!(" {chars} chars {:.4}", same as f64 / rows.len().max(1) as f64);
    }
    println!();
}

fn read(path: &str) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let mut r = csv::Reader::from_path(path)?;
    let h = r.headers()?.clone();
    let col = |name: &str| h.iter().position(|c| c == name).ok_or_else(|| format!("no column {name}"));
    let (id, s, n, t) = (col("tweet_id")?, col("airline_sentiment")?, col("negativereason")?, col("text")?);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let (Some(i), Some(s), Some(t)) = (rec.get(id), rec.get(s), rec.get(t)) else { continue };
        if !seen.insert(i.to_string()) {
            continue;
        }
        out.push(Row { text: t.to_string(), sentiment: s.to_string(), reason: rec.get(n).unwrap_or("").to_string() });
    }
    Ok(out)
}

/// Stratified by sentiment: `share` of each class goes to the second part.
fn split(rows: &[Row], share: f64, seed: u64) -> (Vec<&Row>, Vec<&Row>) {
    let mut by: HashMap<&str, Vec<&Row>> = HashMap::new();
    for r in rows {
        by.entry(&r.sentiment).or_default().push(r);
    }
    let mut keys: Vec<&str> = by.keys().copied().collect();
    keys.sort();
    let mut rng = SplitMix(seed);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for k in keys {
        let mut v = by.remove(k).unwrap_or_default();
        for i in (1..v.len()).rev() {
            let j = rng.below(i + 1);
            v.swap(i, j);
        }
        let n = (v.len() as f64 * share).round() as usize;
        b.extend(v.drain(..n));
        a.extend(v);
    }
    (a, b)
}

fn sentiment_examples(rows: &[&Row]) -> Vec<Example> {
    rows.iter().map(|r| Example { text: r.text.clone(), label: r.sentiment.clone() }).collect()
}

fn topic_examples(rows: &[&Row], with_cant_tell: bool) -> Vec<Example> {
    rows.iter()
        .filter(|r| r.sentiment == "negative" && !r.reason.is_empty() && (with_cant_tell || r.reason != "Can't Tell"))
        .map(|r| Example { text: r.text.clone(), label: r.reason.clone() })
        .collect()
}

fn model_scores(m: &Model, test: &[Example]) -> (f64, f64) {
    let predicted: Vec<String> = test.iter().map(|e| m.predict(&e.text).0.to_string()).collect();
    let truth: Vec<&str> = test.iter().map(|e| e.label.as_str()).collect();
    let p: Vec<&str> = predicted.iter().map(|s| s.as_str()).collect();
    scores(&truth, &p)
}

fn evaluate(train_rows: &[&Row], test_rows: &[&Row]) {
    let (sp, tp) = (Params::for_field("sentiment"), Params::for_field("topic"));
    let t0 = Instant::now();
    let Ok(sent) = train("sentiment", &sentiment_examples(train_rows), &sp) else {
        eprintln!("too few sentiment labels to learn");
        return;
    };
    let sent_time = t0.elapsed();
    let t1 = Instant::now();
    let topic = train("topic", &topic_examples(train_rows, true), &tp).ok();
    let topic_time = t1.elapsed();
    println!("trained sentiment on {} posts in {:.0} ms ({}), topic on {} posts in {:.0} ms", sent.trained_on, sent_time.as_secs_f64() * 1e3, sent.version, topic.as_ref().map_or(0, |m| m.trained_on), topic_time.as_secs_f64() * 1e3);

    // Sentiment: learned model vs VADER alone.
    let test_sent = sentiment_examples(test_rows);
    let (acc, f1) = model_scores(&sent, &test_sent);
    let lex = vader();
    let tk = Tokenizer::default();
    let mut toks = Tokens::default();
    let vader_pred: Vec<&str> = test_sent
        .iter()
        .map(|e| {
            tk.tokenize(&e.text, |h| lex.entry(h), &mut toks);
            lex.score(&toks).label()
        })
        .collect();
    let truth: Vec<&str> = test_sent.iter().map(|e| e.label.as_str()).collect();
    let (vacc, vf1) = scores(&truth, &vader_pred);
    println!("sentiment (3 classes, {} test posts): learned accuracy {acc:.3} macro-F1 {f1:.3} | VADER-only accuracy {vacc:.3} macro-F1 {vf1:.3}", test_sent.len());

    // Topic: negativereason on the negative test tweets.
    if let Some(topic) = &topic {
        let test_topic = topic_examples(test_rows, true);
        let (acc, f1) = model_scores(topic, &test_topic);
        println!("topic (negativereason, {} classes incl. Can't Tell, {} test posts): accuracy {acc:.3} macro-F1 {f1:.3}", topic.classes.len(), test_topic.len());
        let analyzer = Analyzer::new(Some(sent.clone()), Some(topic.clone()));
        for threshold in [0.4f32, 0.5, 0.6] {
            let mut a = Analyzer::new(Some(sent.clone()), Some(topic.clone()));
            a.topic_threshold = threshold;
            let (mut given, mut right) = (0, 0);
            for e in &test_topic {
                if let (Some(t), _) = a.topic(&e.text) {
                    given += 1;
                    right += (t == e.label) as usize;
                }
            }
            println!("  threshold {threshold:.1}: topic given for {:.1}% (rest to triage), accuracy on those {:.3}", 100.0 * given as f64 / test_topic.len().max(1) as f64, right as f64 / given.max(1) as f64);
        }
        drop(analyzer);
    }
    if let Ok(topic) = train("topic", &topic_examples(train_rows, false), &tp) {
        let test_topic = topic_examples(test_rows, false);
        let (acc, f1) = model_scores(&topic, &test_topic);
        println!("topic (negativereason, {} classes without Can't Tell, {} test posts): accuracy {acc:.3} macro-F1 {f1:.3}", topic.classes.len(), test_topic.len());
    }
}

/// Compares choices on a validation split of the train part (never the test part).
fn sweep(train_rows: &[&Row]) {
    let owned: Vec<Row> = train_rows.iter().map(|r| Row { text: r.text.clone(), sentiment: r.sentiment.clone(), reason: r.reason.clone() }).collect();
    let (fit, val) = split(&owned, 0.2, 7);
    let base = Params::default();
    let f = base.features;
    let variants: Vec<(&str, Params)> = vec![
        ("unigrams only", Params { features: FeatureParams { bigrams: false, lexicon: false, negation: false, ..f }, ..base }),
        ("+ bigrams", Params { features: FeatureParams { lexicon: false, negation: false, ..f }, ..base }),
        ("+ lexicon features", Params { features: FeatureParams { negation: false, ..f }, ..base }),
        ("+ negation marks (default: lr 0.1, 20 epochs)", base),
        ("default, unbalanced", Params { train: switchboard_understand::linear::TrainParams { balanced: false, ..base.train }, ..base }),
        ("default + char 3-5-grams", Params { features: FeatureParams { char_ngrams: true, ..f }, ..base }),
        ("default, 2^16 rows", Params { features: FeatureParams { bits: 16, ..f }, ..base }),
        ("default, 6 epochs", Params { train: switchboard_understand::linear::TrainParams { epochs: 6, ..base.train }, ..base }),
        ("default, 24 epochs", Params { train: switchboard_understand::linear::TrainParams { epochs: 24, ..base.train }, ..base }),
        ("default, lr 0.2", Params { train: switchboard_understand::linear::TrainParams { learning_rate: 0.2, ..base.train }, ..base }),
        ("default, lr 0.8", Params { train: switchboard_understand::linear::TrainParams { learning_rate: 0.8, ..base.train }, ..base }),
        ("default, lr 0.2, l2 1e-4", Params { train: switchboard_understand::linear::TrainParams { learning_rate: 0.2, l2: 1e-4, ..base.train }, ..base }),
        ("default, lr 0.2, l2 3e-4", Params { train: switchboard_understand::linear::TrainParams { learning_rate: 0.2, l2: 3e-4, ..base.train }, ..base }),
        ("lr 0.05, 30 epochs", Params { train: switchboard_understand::linear::TrainParams { learning_rate: 0.05, epochs: 30, ..base.train }, ..base }),
        ("lr 0.1, 30 epochs", Params { train: switchboard_understand::linear::TrainParams { learning_rate: 0.1, epochs: 30, ..base.train }, ..base }),
        ("default, l2 1e-4", Params { train: switchboard_understand::linear::TrainParams { l2: 1e-4, ..base.train }, ..base }),
    ];
    println!("validation sweep ({} fit, {} validation, from the train part; seed 7):", fit.len(), val.len());
    for (name, p) in variants {
        let s = train("sentiment", &sentiment_examples(&fit), &p).map(|m| model_scores(&m, &sentiment_examples(&val)));
        let t = train("topic", &topic_examples(&fit, true), &p).map(|m| model_scores(&m, &topic_examples(&val, true)));
        match (s, t) {
            (Ok((sa, sf)), Ok((ta, tf))) => println!("  {name:<28} sentiment acc {sa:.3} F1 {sf:.3} | topic acc {ta:.3} F1 {tf:.3}"),
            _ => println!("  {name:<28} too few labels"),
        }
    }
}
