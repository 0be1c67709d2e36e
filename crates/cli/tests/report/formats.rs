//! `switchboard report` as a script uses it: the JSON keys the issue fixes,
//! CSV with one row per slice, a printable HTML page where hostile handles
//! stay text, and bad dates refused with exit code 2.

use assert_cmd::Command;

fn cmd(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").arg("--db").arg(format!("sqlite://{}", db.display()));
    c
}

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

/// A workspace whose organisation account has a hostile handle.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let file = dir.path().join("t.csv");
    let csv = format!(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,\"{HOSTILE}\",False,2017-10-31T10:01:40Z,@c1 on it,,2
2,c1,True,2017-10-31T10:00:00Z,\"<b>my</b> order, late\",1,
3,c2,True,2017-11-02T10:00:00Z,hello,,
4,=cmd,True,2017-11-03T10:00:00Z,hi,,
"
    );
    std::fs::write(&file, csv).unwrap();
    cmd(&db).arg("import").arg(&file).args(["--preset", "twcs"]).assert().success();
    (dir, db)
}

#[test]
fn json_has_the_stable_keys() {
    let (_dir, db) = workspace();
    let out = cmd(&db).args(["report", "--from", "2017-10-01", "--to", "2017-10-31", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["cases"], 1, "--to as a day covers that whole day: {j}");
    assert_eq!(j["answered"], 1);
    assert_eq!(j["median_frt_s"], 100.0);
    assert_eq!(j["p90_frt_s"], 100.0);
    let org = &j["orgs"][HOSTILE];
    assert_eq!((org["answered"].as_i64(), org["median_frt_s"].as_f64(), org["p90_frt_s"].as_f64()), (Some(1), Some(100.0), Some(100.0)), "{j}");

    let all = cmd(&db).args(["report", "--from", "2017-10-31T00:00:00Z"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!((j["cases"].as_i64(), j["unanswered"].as_i64()), (Some(3), Some(2)), "json is the default format: {j}");
}

#[test]
fn csv_has_a_row_per_slice() {
    let (_dir, db) = workspace();
    let out = cmd(&db).args(["report", "--format", "csv"]).output().unwrap();
    assert!(out.status.success());
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(r.headers().unwrap().get(0), Some("kind"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    for kind in ["total", "org", "channel", "department", "topic", "member"] {
        assert!(kinds.contains(&kind), "a {kind} row: {kinds:?}");
    }
    let total = rows.iter().find(|r| &r[0] == "total").unwrap();
    assert_eq!((&total[3], &total[4]), ("3", "1"), "cases and answered");
    let org = rows.iter().find(|r| &r[0] == "org").unwrap();
    assert_eq!(&org[1], HOSTILE, "the handle is a CSV value as it is");
}

#[test]
fn html_is_printable_and_escapes_everything() {
    let (dir, db) = workspace();
    let page = dir.path().join("report.html");
    cmd(&db).args(["report", "--format", "html", "--out"]).arg(&page).assert().success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@media print"), "a self-contained printable page");
    assert!(!html.contains("<img") && !html.contains("<b>my"), "no markup from the data");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "the hostile handle is shown as text");
    assert!(!html.contains("src=\"http") && !html.contains("<script"), "nothing loaded from elsewhere");
}

#[test]
fn bad_dates_and_formats_are_usage_errors() {
    let (_dir, db) = workspace();
    let out = cmd(&db).args(["report", "--from", "last tuesday"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from"), "the message names the option");
    let out = cmd(&db).args(["report", "--format", "pdf"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cmd(&db).args(["report", "--from", "2017-11-02", "--to", "2017-11-01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an empty period");
}
