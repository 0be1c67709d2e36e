//! Roles from the command line: the desk acts as one member (`desk as`), and
//! the engine refuses what that member's role does not allow, with a plain
//! message and a non-zero exit; the refused change is not made.

use crate::cmd;

#[test]
fn an_agent_desk_cannot_save_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    // The first member (this login) owns the workspace and adds the team.
    cmd(&db).arg("demo").assert().success();
    let rules = dir.path().join("rules.toml");
    let out = cmd(&db).args(["rules", "show"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&rules, &out.stdout).unwrap();
    cmd(&db).args(["members", "add", "nia", "--role", "agent", "--department", "contact-centre"]).assert().success();
    cmd(&db).args(["desk", "as", "nia"]).assert().success();

    let out = cmd(&db).args(["rules", "save"]).arg(&rules).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim(), format!("switchboard: {}: nia (agent) may not edit the rules", rules.display()), "{stderr}");
    let history = cmd(&db).args(["rules", "history"]).output().unwrap();
    assert!(String::from_utf8_lossy(&history.stdout).trim().is_empty(), "nothing was saved");

    // Nor may an agent add members or export the cases.
    let out = cmd(&db).args(["members", "add", "zed", "--role", "admin"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nia (agent) may not manage members"));
    let out = cmd(&db).args(["export", "cases", "--format", "jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // What an agent does is allowed: the inbox.
    cmd(&db).args(["inbox", "--limit", "3"]).assert().success();
}
