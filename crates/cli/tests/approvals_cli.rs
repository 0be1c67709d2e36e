//! `switchboard approvals` end to end on the demo workspace (SQLite, always
//! runs): an agent's reply from the legal template waits; the agent may not
//! see the queue; legal's approver lists it, a rejection needs a comment,
//! rejects one and approves another (sending then fails against a closed
//! port, which is reported and leaves the reply in the outbox).

use assert_cmd::Command;
use switchboard_core::view::InboxQuery;
use switchboard_store::Store;

fn sb(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").env("USER", "boss").arg("--db").arg(format!("sqlite://{}", db.display()));
    c
}

fn run(c: &mut Command) -> (i32, String) {
    let out = c.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Makes the workspace's desk act as `handle` (what `desk as` does).
async fn act_as(store: &Store, handle: &str) {
    let m = store.members().await.unwrap().into_iter().find(|m| m.handle == handle).unwrap();
    store.set_setting("desk.member", &m.id.to_string()).await.unwrap();
}

#[tokio::test]
async fn approvers_list_reject_and_approve_replies_agents_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (code, out) = run(sb(&db).arg("demo"));
    assert_eq!(code, 0, "{out}");
    let store = Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    for ch in store.channels().await.unwrap() {
        store.upsert_account(&ch, &format!("lumen-{ch}"), "http://127.0.0.1:9", &serde_json::json!({}), None).await.unwrap();
    }
    let cc = store.department_by_slug("contact-centre").await.unwrap();
    let q = InboxQuery { department_id: Some(cc.id), limit: 100, ..Default::default() };
    let case = store.inbox(&q).await.unwrap().items.into_iter().find(|c| c.assignee_id.is_none()).unwrap().id.to_string();

    act_as(&store, "ana").await;
    let reply = |text: &str| {
        let mut c = sb(&db);
        c.args(["reply", &case, "--text", text, "--template", "legal-holding"]);
        c
    };
    let (code, out) = run(&mut reply("We take this seriously."));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("waits for approval by Legal"), "{out}");
    let first = store.case_replies(case.parse().unwrap()).await.unwrap().last().unwrap().id;
    assert_eq!(run(&mut reply("Second draft.")).0, 0);
    let second = first + 1;
    let (code, out) = run(sb(&db).args(["approvals", "list"]));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("ana (agent) may not approve replies"), "{out}");

    act_as(&store, "tom").await;
    let (code, out) = run(sb(&db).args(["approvals"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("reply #{first} on case #{case} for Legal (template legal-holding), by ana")), "{out}");
    assert!(out.contains("We take this seriously."), "{out}");
    let (code, out) = run(sb(&db).args(["approvals", "reject", &first.to_string()]));
    assert_eq!(code, 2, "a rejection needs --comment: {out}");
    let (code, out) = run(sb(&db).args(["approvals", "reject", &first.to_string(), "--comment", "Use the holding text"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rejected"), "{out}");
    let (code, out) = run(sb(&db).args(["approvals", "approve", &first.to_string()]));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("already rejected by tom"), "{out}");
    let (code, out) = run(sb(&db).args(["approvals", "approve", &second.to_string(), "--edit", "Edited by legal."]));
    assert_eq!(code, 1, "sending to a closed port fails: {out}");
    assert!(out.contains("approved with your edit; sending failed"), "{out}");
    let (code, out) = run(sb(&db).args(["approvals", "list", "--json"]));
    assert_eq!((code, out.trim()), (0, "[]"), "{out}");
    let sent = store.outbox_item(second).await.unwrap();
    assert_eq!(sent.body, "Edited by legal.");
}
