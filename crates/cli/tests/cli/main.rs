//! The `switchboard` command as a script uses it: exit codes, messages, and
//! what import and export leave behind (on SQLite; the store suites cover
//! PostgreSQL).

use std::io::Write;

use assert_cmd::Command;

fn cmd(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").arg("--db").arg(format!("sqlite://{}", db.display()));
    c
}

const CSV: &str = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,brand,False,Tue Oct 31 22:10:47 +0000 2017,@c1 sorry to hear that,,2
2,c1,True,Tue Oct 31 22:00:00 +0000 2017,@brand my order is late,1,
3,c2,True,not a date,@brand hello,,
4,c3,True,Tue Oct 31 22:20:00 +0000 2017,\"@brand unterminated,,
5,c4,True,Tue Oct 31 22:30:00 +0000 2017,@brand fine,,
";

#[test]
fn import_reports_bad_rows_exits_3_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let file = dir.path().join("t.csv");
    std::fs::File::create(&file).unwrap().write_all(CSV.as_bytes()).unwrap();

    let out = cmd(&db).args(["import"]).arg(&file).args(["--preset", "twcs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "rejected rows give exit code 3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("t.csv: line 4: bad date in created_at"), "{stderr}");
    assert!(stderr.contains("t.csv: line 5: unterminated quote"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 posts imported") && stdout.contains("2 new cases") && stdout.contains("2 rejected"), "{stdout}");

    let out = cmd(&db).args(["import"]).arg(&file).args(["--preset", "twcs"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 posts imported, 3 already present, 0 new cases"), "{stdout}");

    let out = cmd(&db).args(["export", "cases", "--format", "jsonl"]).output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    let answered = lines.iter().find(|c| c["post_count"] == 2).unwrap();
    assert_eq!(answered["first_response_s"], 647, "22:00:00 → 22:10:47");
    assert_eq!(answered["status"], "pending");
}

#[test]
fn export_to_a_file_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    cmd(&db).arg("demo").assert().success();
    let out_file = dir.path().join("posts.csv");
    cmd(&db).args(["export", "posts", "--format", "csv", "--out"]).arg(&out_file).assert().success();
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.starts_with("case_id,channel,external_id,direction,author"), "{}", &text[..80]);
    assert!(text.lines().count() > 40);

    let bad = cmd(&db).args(["export", "posts", "--format", "xml"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown format \"xml\""));
    let missing = cmd(&db).args(["import", "/nonexistent.csv", "--preset", "twcs"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent.csv"));
    let no_layout = cmd(&db).args(["import", "x.csv"]).output().unwrap();
    assert!(String::from_utf8_lossy(&no_layout.stderr).contains("--preset"));
    let out = cmd(&db).args(["inbox", "--department", "pr", "--limit", "3"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("PR / Communications"));
    let bad_db = Command::cargo_bin("switchboard").unwrap().args(["--db", "mysql://x", "info"]).output().unwrap();
    assert_eq!(bad_db.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_db.stderr).contains("unsupported database URL"));
}

#[test]
fn a_closed_pipe_ends_an_export_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    cmd(&db).arg("demo").assert().success();
    let bin = assert_cmd::cargo::cargo_bin("switchboard");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' --db 'sqlite://{}' export posts --format jsonl | head -1 >/dev/null; echo done", bin.display(), db.display()))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Broken pipe"), "{}", String::from_utf8_lossy(&out.stderr));
}
