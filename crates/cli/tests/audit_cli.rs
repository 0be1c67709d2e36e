//! `switchboard audit` end to end on a generated workspace (always runs): a
//! small CSV import and a note give a clean chain that `audit verify` passes;
//! after one row is altered by hand (past the append-only trigger, as an
//! administrator could), `audit verify` exits 1 naming that entry's seq.

use std::io::Write;

use assert_cmd::Command;

fn sb(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").env("USER", "ana").arg("--db").arg(format!("sqlite://{}", db.display()));
    c
}

fn write_csv(path: &std::path::Path) {
    let mut f = std::fs::File::create(path).unwrap();
    writeln!(f, "id,user,date,body").unwrap();
    for i in 0..30 {
        writeln!(f, "p{i},user{},2025-01-0{}T10:{:02}:00Z,my order {i} has not arrived", i % 7, 1 + i % 5, i).unwrap();
    }
}

fn stdout(c: &mut Command) -> (i32, String) {
    let out = c.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn audit_verify_passes_on_a_clean_log_and_names_an_altered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (db, file) = (dir.path().join("w.db"), dir.path().join("posts.csv"));
    write_csv(&file);
    sb(&db).arg("import").arg(&file).args(["--map", "external_id=id,author=user,created_at=date,text=body"]).assert().success();

    let (code, out) = stdout(sb(&db).args(["audit", "verify"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("chain intact, head "), "{out}");

    let (code, out) = stdout(sb(&db).args(["audit", "log", "--format", "json"]));
    assert_eq!(code, 0, "{out}");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(entries.iter().any(|e| e["action"] == "ingest.batch"), "{out}");
    let target = entries.last().unwrap()["seq"].as_i64().unwrap();
    let (code, out) = stdout(sb(&db).args(["audit", "log", "--subject", "case:1", "--limit", "0"]));
    assert_ne!(code, 0, "a zero limit is refused: {out}");

    // An administrator edits a row by hand, getting past the trigger.
    let store = switchboard_store::Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let refused = sqlx::query("UPDATE audit_log SET actor = 'nobody' WHERE seq = $1").bind(target).execute(store.pool()).await;
    assert!(refused.is_err(), "the trigger refuses the edit");
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update").execute(store.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'nobody' WHERE seq = $1").bind(target).execute(store.pool()).await.unwrap();
    store.close().await;

    let (code, out) = stdout(sb(&db).args(["audit", "verify"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("broken at entry #{target} ")), "{out}");
    assert!(out.contains("by nobody") && out.contains("row altered"), "{out}");
}
