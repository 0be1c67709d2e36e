//! `switchboard alerts` end to end on a generated workspace (always runs):
//! a JSONL import with a steady stream and one burst of negative posts to one
//! account; the burst is listed as JSON with the documented keys, a replay
//! dry run agrees, an alert is acknowledged and resolved with a log, and a
//! bad thresholds file or status is refused with a message.

use std::io::Write;

use assert_cmd::Command;

fn sb(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").env("USER", "ana").arg("--db").arg(format!("sqlite://{}", db.display()));
    c
}

/// 20 posts an hour for 5 days (every third negative), then 40 extra negative posts to Acme in one hour.
fn write_stream(path: &std::path::Path) -> i64 {
    let t0 = 1_736_121_600; // 2025-01-06T00:00:00Z
    let mut f = std::fs::File::create(path).unwrap();
    let mut n = 0;
    let mut line = |at: i64, account: &str, negative: bool| {
        let sentiment = if negative { "negative" } else { "neutral" };
        let created = chrono::DateTime::from_timestamp(at, 0).unwrap().to_rfc3339();
        let v = serde_json::json!({"id": format!("s{n}"), "channel": "x", "author": format!("u{}", n % 50),
            "text": format!("<b>post</b> {n}"), "created_at": created, "account": account, "labels": {"sentiment": sentiment}});
        writeln!(f, "{v}").unwrap();
        n += 1;
    };
    for hour in 0..24 * 5 {
        for i in 0..20 {
            line(t0 + hour * 3600 + i * 170, ["Acme", "Globex"][(i % 2) as usize], i % 3 == 0);
        }
    }
    let burst = 24 * 4 + 10;
    for i in 0..40 {
        line(t0 + burst * 3600 + 60 + i * 80, "Acme", true);
    }
    (t0 + burst * 3600) * 1000
}

#[test]
fn alerts_are_listed_replayed_acknowledged_and_resolved_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (db, file) = (dir.path().join("w.db"), dir.path().join("s.jsonl"));
    let burst_at = write_stream(&file);
    sb(&db).arg("import").arg(&file).args(["--preset", "jsonl"]).assert().success();

    let out = sb(&db).args(["alerts", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let alerts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let acme = alerts
        .iter()
        .find(|a| a["kind"] == "negative_spike" && a["scope"] == "account:Acme")
        .unwrap_or_else(|| panic!("the Acme burst is listed: {alerts:#?}"));
    assert_eq!(acme["started_at"], burst_at, "since the burst's hour");
    assert_eq!(acme["started"], "2025-01-10T10:00:00Z", "RFC 3339 next to the milliseconds");
    assert_eq!(acme["severity"], "high");
    assert!(acme["observed"].as_f64().unwrap() >= 40.0 && acme["expected"].as_f64().unwrap() < 10.0, "{acme}");
    assert!(acme["examples"][0]["text"].as_str().unwrap().contains("<b>"), "post text is data, kept as it was written");
    assert!(alerts.iter().all(|a| a["scope"] != "account:Globex"), "the quiet account stays quiet: {alerts:#?}");

    // A replay dry run finds the same incidents and stores nothing new.
    let out = sb(&db).args(["alerts", "--replay", "--format", "json"]).output().unwrap();
    let replayed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let key = |a: &serde_json::Value| (a["kind"].to_string(), a["scope"].to_string(), a["started_at"].as_i64());
    let mut a: Vec<_> = alerts.iter().map(key).collect();
    let mut b: Vec<_> = replayed.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "live and replay agree");

    let id = acme["id"].as_i64().unwrap().to_string();
    sb(&db).args(["alerts", "ack", &id]).assert().success();
    sb(&db).args(["alerts", "resolve", &id, "--note", "handled"]).assert().success();
    let log = sb(&db).args(["alerts", "log", &id]).output().unwrap();
    let log = String::from_utf8(log.stdout).unwrap();
    assert!(log.contains("acknowledged") && log.contains("resolved") && log.contains("ana") && log.contains("handled"), "{log}");
    let table = String::from_utf8(sb(&db).args(["alerts", "--status", "resolved"]).output().unwrap().stdout).unwrap();
    assert!(table.contains("account:Acme") && table.contains("resolved"), "{table}");

    // Refusals say why.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "min_count = 0\n").unwrap();
    let out = sb(&db).args(["alerts", "thresholds", "save"]).arg(&bad).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("min_count"), "{out:?}");
    let out = sb(&db).args(["alerts", "--status", "snoozed"]).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("snoozed"), "{out:?}");
    let shown = String::from_utf8(sb(&db).args(["alerts", "thresholds", "show"]).output().unwrap().stdout).unwrap();
    assert!(shown.contains("cooldown_hours"), "the commented defaults: {shown}");
}
