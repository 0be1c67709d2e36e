//! Suggesting a template for a case and rendering it.

use switchboard_rules::{defaults, Playbook, Vars};

use crate::facts;

#[test]
fn a_template_is_suggested_by_topic_then_intent_then_text() {
    let book = Playbook::parse(
        r#"
[[template]]
slug = "bag"
topics = ["Lost luggage"]
department = "contact-centre"
text = "Sorry {first_name}"

[[template]]
slug = "refund"
intents = ["refund request"]
match = "refund OR chargeback"
approval = "Legal"
text = "Refunds: {case_number}"
"#,
    )
    .unwrap();
    assert_eq!(book.suggest(&facts()).map(|t| t.slug.as_str()), Some("bag"));
    let mut f = facts();
    f.topic = Some("other".into());
    f.intent = Some("refund_request".into());
    let t = book.suggest(&f).unwrap();
    assert_eq!((t.slug.as_str(), t.approval_required(), t.approval.as_deref()), ("refund", true, Some("legal")));
    f.intent = None;
    assert_eq!(book.suggest(&f).map(|t| t.slug.as_str()), Some("refund"), "the text says refund");
    f.text = "hello".into();
    assert!(book.suggest(&f).is_none());
    // The defaults suggest for the demo's outage with nothing predicted.
    let mut outage = switchboard_rules::CaseFacts { text: "fibre down since 7am".into(), channel: "x".into(), ..Default::default() };
    outage.status = "new".into();
    assert_eq!(defaults::playbook().suggest(&outage).map(|t| t.slug.as_str()), Some("outage-update"));
}

#[test]
fn rendering_fills_variables_and_falls_back_when_one_is_missing() {
    let book = Playbook::parse(
        "[[template]]\nslug = \"t\"\ntext = \"{handle} Hi {first_name} ({customer_name}), case {case_number}. {{not a var}} - {agent_name}\"\n",
    )
    .unwrap();
    let t = book.get("t").unwrap();
    let full = Vars { customer_name: Some("Harriet Cole".into()), handle: Some("harriet_cole".into()), case_number: Some(42), agent_name: Some("Ana".into()) };
    assert_eq!(t.render(&full), "@harriet_cole Hi Harriet (Harriet Cole), case #42. {not a var} - Ana");
    assert_eq!(t.render(&Vars::default()), "there Hi there (there), case your case. {not a var} - the team");
    // Values are plain text, never expanded again.
    let sneaky = Vars { customer_name: Some("{agent_name} <b>x</b>".into()), ..Default::default() };
    assert!(t.render(&sneaky).contains("({agent_name} <b>x</b>)"));
    // Rendering arbitrary text never panics, whatever the braces.
    for text in ["{", "}", "{{", "{customer_name", "é{handle}ü", "{}{}}{"] {
        let _ = switchboard_rules::playbook::render(text, &full);
    }
}
