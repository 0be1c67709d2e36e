//! `switchboard case …`: a second desk's moves from the command line — a
//! note, a hand-off with its reason, an assignment — land on the case's
//! timeline; a hand-off without a reason is refused with the reason why.

use crate::cmd;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn notes_hand_offs_and_assignments_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    cmd(&db).arg("demo").assert().success();
    let inbox = cmd(&db).args(["inbox", "--department", "contact-centre", "--limit", "1"]).output().unwrap();
    let text = stdout(&inbox);
    let row = text.lines().find(|l| l.starts_with('#')).unwrap_or_default();
    let case: String = row.trim_start_matches('#').chars().take_while(|c| c.is_ascii_digit()).collect();
    assert!(!case.is_empty(), "a contact-centre case in {text:?}");

    cmd(&db).args(["case", "note", &case, "Called back, @kofi please check the refund"]).assert().success();
    let out = cmd(&db).args(["case", "handoff", &case, "--to", "legal", "--reason", " "]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the reason is required"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cmd(&db).args(["case", "handoff", &case, "--to", "legal", "--reason", "Threatens to sue"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("handed off from Contact centre to Legal"), "{}", stdout(&out));
    // Kofi first (the rules may have given it to him already: then nothing changes), then nobody.
    cmd(&db).args(["case", "assign", &case, "kofi"]).assert().success();
    cmd(&db).args(["case", "assign", &case, "--nobody"]).assert().success();

    let shown = stdout(&cmd(&db).args(["case", "show", &case]).output().unwrap());
    assert!(shown.contains("department Legal") && shown.contains("assignee -"), "{shown}");
    // Event lines start with their time; a note's or a reason's text follows indented.
    let kinds: Vec<&str> = shown
        .lines()
        .filter(|l| l.split_whitespace().next().is_some_and(|t| t.ends_with('Z')))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    let note = kinds.iter().rposition(|k| *k == "note").expect("the note");
    assert_eq!(kinds.get(note + 1), Some(&"handed_off"), "{shown}");
    assert!(kinds[note + 2..].iter().all(|k| *k == "assigned") && shown.trim_end().ends_with("unassigned"), "{shown}");
    assert!(shown.contains("Threatens to sue"), "{shown}");
    let json: serde_json::Value = serde_json::from_slice(&cmd(&db).args(["case", "show", &case, "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(json["case"]["department"], "Legal");
}
