//! Learning from labels on generated posts: quiet complaints the lexicon
//! misses, deterministic training, models to bytes and back, the analyzer's
//! fallbacks and triage.

use switchboard_understand::hash::SplitMix;
use switchboard_understand::{train, Analyzer, Example, Model, ModelError, Params};

const OPENERS: &[&str] = &["@airline", "hey @airline", "", "@help_desk", "@airline why"];
const BODIES: &[(&str, &str, &str)] = &[
    ("still waiting for my bag at the carousel", "negative", "lost luggage"),
    ("where is my suitcase, it never arrived", "negative", "lost luggage"),
    ("3rd time calling, no answer", "negative", "customer service"),
    ("on hold for an hour and nobody picks up", "negative", "customer service"),
    ("flight delayed again, sitting at the gate", "negative", "late flight"),
    ("two hours late and counting", "negative", "late flight"),
    ("thanks so much, the crew was wonderful", "positive", "praise"),
    ("great flight, smooth landing, love it", "positive", "praise"),
    ("what time does boarding start for the morning flight", "neutral", "question"),
    ("do you fly to Lisbon in the summer", "neutral", "question"),
];
const TAILS: &[&str] = &["", " today", " please", " #travel", " https://t.co/x1", "!"];

fn generate(n: usize, seed: u64) -> Vec<(String, &'static str, &'static str)> {
    let mut r = SplitMix(seed);
    (0..n)
        .map(|_| {
            let (b, s, t) = BODIES[r.below(BODIES.len())];
            (format!("{} {}{}", OPENERS[r.below(OPENERS.len())], b, TAILS[r.below(TAILS.len())]), s, t)
        })
        .collect()
}

fn examples(data: &[(String, &str, &str)], topic: bool) -> Vec<Example> {
    data.iter().map(|(t, s, c)| Example { text: t.clone(), label: if topic { c } else { s }.to_string() }).collect()
}

#[test]
fn a_quiet_complaint_is_negative_once_the_team_has_labelled_some() {
    let lexicon_only = Analyzer::default();
    assert_ne!(lexicon_only.analyze("still waiting for my bag").sentiment, "negative", "the lexicon alone misses it");

    let data = generate(400, 1);
    let sent = train("sentiment", &examples(&data, false), &Params::default()).expect("enough labels");
    let topic = train("topic", &examples(&data, true), &Params::default()).expect("enough labels");
    let a = Analyzer::new(Some(sent.clone()), Some(topic.clone()));
    let r = a.analyze("still waiting for my bag");
    assert_eq!(r.sentiment, "negative", "learned from the labels: {r:?}");
    assert!(r.sentiment_score < 0.0 && r.sentiment_confidence > 0.5, "{r:?}");
    assert_eq!(r.topic, Some("lost luggage"), "{r:?}");
    assert_eq!(a.analyze("3rd time calling, no answer").sentiment, "negative");
    assert_eq!(a.analyze("thanks, wonderful crew").sentiment, "positive");
    assert_eq!(a.sentiment_version(), sent.version);
    assert_eq!(a.topic_version(), topic.version);
    assert_eq!(r.language, "en");
}

#[test]
fn training_is_deterministic_and_ignores_example_order() {
    let data = generate(200, 2);
    let a = train("sentiment", &examples(&data, false), &Params::default()).unwrap();
    let b = train("sentiment", &examples(&data, false), &Params::default()).unwrap();
    assert_eq!(a, b, "same labels, same model");
    let mut reversed = examples(&data, false);
    reversed.reverse();
    let c = train("sentiment", &reversed, &Params::default()).unwrap();
    assert_eq!(a.version, c.version, "the version names the set of examples");
    assert_eq!(a.to_bytes(), c.to_bytes(), "and the weights do not depend on their order");
    let other = train("sentiment", &examples(&generate(200, 3), false), &Params::default()).unwrap();
    assert_ne!(a.version, other.version, "other labels, another version");
}

#[test]
fn models_round_trip_through_bytes_and_bad_bytes_are_refused() {
    let m = train("topic", &examples(&generate(200, 4), true), &Params::default()).unwrap();
    let bytes = m.to_bytes();
    let back = Model::from_bytes(&bytes).expect("its own bytes");
    assert_eq!(back, m);
    assert!(bytes.len() < 2_000_000, "only the non-zero rows are saved: {} bytes", bytes.len());
    for bad in [&b""[..], b"not a model", &bytes[..bytes.len() / 2]] {
        assert!(matches!(Model::from_bytes(bad), Err(ModelError::Bytes(_))), "refused, no panic");
    }
}

#[test]
fn too_few_labels_keep_the_fallbacks() {
    let few = examples(&generate(5, 5), false);
    assert!(matches!(train("sentiment", &few, &Params::default()), Err(ModelError::TooFew { .. })));
    let one_class: Vec<Example> = (0..50).map(|i| Example { text: format!("post {i}"), label: "negative".into() }).collect();
    assert!(train("sentiment", &one_class, &Params::default()).is_err(), "one value teaches nothing");

    let a = Analyzer::default();
    let r = a.analyze("Thank you, the crew was great!");
    assert_eq!(r.sentiment, "positive", "the lexicon: {r:?}");
    assert_eq!(r.topic, Some("praise"), "the keyword rules: {r:?}");
    let r = a.analyze("the lounge opens at nine");
    assert_eq!(r.topic, None, "no rule fires: triage, not a guess");
    for odd in ["", " ", "🙂", "@", "\u{0}", &"a".repeat(100_000)] {
        let _ = a.analyze(odd);
    }
}

#[test]
fn sentiment_labels_are_cleaned_and_topic_labels_kept() {
    let data = generate(200, 6);
    let shouted: Vec<Example> = data.iter().map(|(t, s, _)| Example { text: t.clone(), label: format!(" {} ", s.to_uppercase()) }).collect();
    let m = train("sentiment", &shouted, &Params::default()).unwrap();
    assert_eq!(m.classes, vec!["negative", "neutral", "positive"]);
    let t = train("topic", &examples(&data, true), &Params::default()).unwrap();
    assert!(t.classes.contains(&"lost luggage".to_string()));
}
