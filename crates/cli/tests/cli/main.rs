//! The `switchboard` command as a script uses it: exit codes, messages, and
//! what import and export leave behind (on SQLite; the store suites cover
//! PostgreSQL).

use std::io::Write;

use assert_cmd::Command;

// Connecting and polling a feed over loopback HTTP.
mod feeds;
// A Mastodon account end to end, and its token nowhere but the keychain.
mod secrets;
// Killed mid-poll and mid-send: nothing lost, nothing twice.
mod kills;
// The spellings: accounts add|list, poll --once, reply --text, queries.
mod spellings;
// Roles: an agent desk refused what only a lead or admin may do.
mod roles;
// One case from the command line: note, hand-off, assignment.
mod case;
// Live updates from another process on the same SQLite file.
mod live_sqlite;

/// Whether the OS keychain is here for tests: scripts/test.sh runs them in a
/// private keychain session and says so; under CI without it, fail.
pub(crate) fn keychain_here() -> bool {
    if std::env::var_os("SWITCHBOARD_TEST_KEYCHAIN").is_some() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!("CI must run the keychain tests: run them through scripts/test.sh");
    }
    eprintln!("skipping: no test keychain (run through scripts/test.sh)");
    false
}

pub(crate) fn cmd(db: &std::path::Path) -> Command {
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
    // The triage queue: the demo cases whose topic the model could not tell.
    let count = |args: &[&str]| -> i64 {
        let out = cmd(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().parse().unwrap()
    };
    let (queue, all) = (count(&["inbox", "--triage"]), count(&["inbox"]));
    assert!(queue > 0 && queue < all, "{queue} of {all}");
    let bad_db = Command::cargo_bin("switchboard").unwrap().args(["--db", "mysql://x", "info"]).output().unwrap();
    assert_eq!(bad_db.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_db.stderr).contains("unsupported database URL"));
}

#[test]
fn a_closed_pipe_ends_an_export_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    // More than a pipe holds (64 KiB), so the writer meets the closed end.
    let csv = dir.path().join("many.csv");
    let mut rows = String::from("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n");
    for i in 1..=3000 {
        rows.push_str(&format!("{i},c{i},True,Tue Oct 31 22:10:47 +0000 2017,@brand my order {i} never arrived and nobody answers,,\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    cmd(&db).arg("import").arg(&csv).args(["--preset", "twcs"]).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("switchboard");
    for (what, format) in [("posts", "jsonl"), ("posts", "csv"), ("cases", "jsonl"), ("cases", "csv")] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "'{}' --db 'sqlite://{}' export {what} --format {format} | head -1 >/dev/null; echo done",
                bin.display(),
                db.display()
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.trim().is_empty(), "export {what} --format {format}: {stderr}");
    }
}

#[test]
fn an_import_killed_midway_completes_on_the_next_run_with_nothing_lost_or_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let file = dir.path().join("big.csv");
    // 60,000 tweets in 20,000 threads of three, newest first as in the corpus.
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(w, "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id").unwrap();
    for t in 0..20_000u64 {
        let (a, b, c) = (t * 3 + 1, t * 3 + 2, t * 3 + 3);
        let at = 1_500_000_000 + t * 10;
        writeln!(w, "{c},c{t},True,{},\"@brand thanks, that worked\",,{b}", at + 3).unwrap();
        writeln!(w, "{b},brand,False,{},@c{t} try restarting it,{c},{a}", at + 2).unwrap();
        writeln!(w, "{a},c{t},True,{},@brand my router is down,{b},", at).unwrap();
    }
    drop(w);

    let bin = assert_cmd::cargo::cargo_bin("switchboard");
    let mut child = std::process::Command::new(&bin)
        .arg("--db")
        .arg(format!("sqlite://{}", db.display()))
        .args(["import"])
        .arg(&file)
        .args(["--preset", "twcs"])
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some batches are committed but before the end. (A large
    // WAL file is no proof: a batch not yet committed spills into it too.)
    let committed = || -> i64 {
        let out = cmd(&db).arg("info").output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).ok().and_then(|v| v["posts"].as_i64()).unwrap_or(0)
    };
    let mut killed_midway = false;
    for _ in 0..400 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import finished before it could be killed ({status}); make the file bigger");
        }
        if !std::fs::exists(&db).unwrap_or(false) {
            continue;
        }
        if committed() > 0 {
            child.kill().unwrap();
            child.wait().unwrap();
            killed_midway = true;
            break;
        }
    }
    assert!(killed_midway, "the import was killed while it was writing");

    let out = cmd(&db).args(["import"]).arg(&file).args(["--preset", "twcs"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(" 0 already present"), "the first run had committed some batches: {stdout}");

    let cases = cmd(&db).args(["export", "cases", "--format", "jsonl"]).output().unwrap();
    let cases: Vec<serde_json::Value> =
        String::from_utf8(cases.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(cases.len(), 20_000, "one case per thread, none split or doubled");
    assert!(
        cases.iter().all(|c| c["post_count"] == 3 && c["first_response_s"] == 2 && c["status"] == "open"),
        "every case whole and its derived state right: {:?}",
        cases.iter().find(|c| c["post_count"] != 3 || c["first_response_s"] != 2 || c["status"] != "open")
    );
    let posts = cmd(&db).args(["export", "posts", "--format", "csv"]).output().unwrap();
    assert_eq!(String::from_utf8(posts.stdout).unwrap().lines().count(), 60_001, "every tweet once (+ header)");
}
// Team workspace and sign-in: two desks on one PostgreSQL, passwords in the keychain.
mod signin;
