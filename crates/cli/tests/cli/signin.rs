//! Team workspace and sign-in from the command line: two desks (two profile
//! folders) on one PostgreSQL, each signed in as its own member, keep their
//! identities; a wrong passphrase is refused; a desk not signed in may change
//! nothing; the profile never holds the database password; a workspace that
//! does not answer is refused before the profile changes. On SQLite the desk
//! stays single-person (`desk as`), and signing in works too.

use std::path::Path;

use assert_cmd::Command;

use crate::keychain_here;

/// The `switchboard` command of one desk: its own profile folder and data folder.
fn desk(home: &Path) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL")
        .env("SWITCHBOARD_CONFIG_DIR", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"));
    c
}

fn run(home: &Path, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut c = desk(home);
    c.args(args);
    c.write_stdin(stdin.unwrap_or(""));
    let out = c.output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn ok(home: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let (success, stdout, stderr) = run(home, args, stdin);
    assert!(success, "switchboard {args:?} failed: {stderr}");
    stdout
}

/// The actors of the case's events (`case show --json`).
fn actors(home: &Path, case: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&ok(home, &["case", "show", case, "--json"], None)).unwrap();
    json["events"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap_or("").to_string()).collect()
}

/// A fresh PostgreSQL database, or None (skipped) outside CI when none is configured.
async fn fresh_pg() -> Option<String> {
    switchboard_store::testing::fresh_urls().await.into_iter().map(|(u, _)| u).find(|u| u.starts_with("postgres"))
}

#[test]
fn two_desks_on_one_team_database_keep_their_own_members() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = rt.block_on(fresh_pg()) else { return };
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b, c) = (a.path(), b.path(), c.path());

    // Desk A connects (the profile remembers the team workspace) and sets it up.
    let out = ok(a, &["workspace", "connect", &url], None);
    assert!(out.contains("now opens the team workspace"), "{out}");
    assert!(ok(a, &["workspace"], None).contains("team workspace: postgres://"));
    ok(a, &["demo"], None);
    ok(a, &["members", "add", "bo", "--role", "lead"], None);
    ok(a, &["members", "add", "cleo", "--role", "lead", "--name", "Cleo Lead"], None);
    let admin = ok(a, &["whoami"], None);
    let admin_handle = admin.split_whitespace().next().unwrap().to_string();
    // Not someone else's first: the admin would lock themself out.
    let (success, _, stderr) = run(a, &["members", "passphrase", "cleo"], Some("cleo-pass-123\n"));
    assert!(!success && stderr.contains("set your own passphrase first"), "{stderr}");
    ok(a, &["members", "passphrase", &admin_handle], Some("admin-pass-123\n"));
    ok(a, &["members", "passphrase", "cleo"], Some("cleo-pass-123\n"));
    ok(a, &["members", "passphrase", "bo"], Some("bo-pass-1234\n"));
    let (success, _, stderr) = run(a, &["members", "passphrase", "bo"], Some("short\n"));
    assert!(!success && stderr.contains("at least 8 characters"), "{stderr}");

    // A signs in as cleo; B (another profile, the URL given) as bo.
    assert!(ok(a, &["signin", "cleo", "--passphrase-stdin"], Some("cleo-pass-123\n")).contains("signed in as cleo"));
    let (success, _, stderr) = run(b, &["--db", &url, "signin", "bo"], Some("cleo-pass-123\n"));
    assert!(!success && stderr.contains("wrong handle or passphrase"), "a wrong passphrase: {stderr}");
    let (success, _, stderr) = run(b, &["--db", &url, "signin", "nobody-here"], Some("whatever-123\n"));
    assert!(!success && stderr.contains("wrong handle or passphrase"), "an unknown handle: {stderr}");
    ok(b, &["--db", &url, "signin", "bo"], Some("bo-pass-1234\n"));
    assert!(ok(a, &["whoami"], None).starts_with("cleo "), "desk A is cleo");
    assert!(ok(b, &["--db", &url, "whoami"], None).starts_with("bo "), "desk B is bo");

    // Each desk's changes are in its own member's name, whichever ran last.
    ok(a, &["case", "note", "1", "from cleo's desk"], None);
    ok(b, &["--db", &url, "case", "note", "1", "from bo's desk"], None);
    ok(a, &["case", "note", "1", "cleo again"], None);
    let who = actors(a, "1");
    assert_eq!(who.iter().rev().take(3).cloned().collect::<Vec<_>>(), ["cleo", "bo", "cleo"], "{who:?}");

    // A desk that never signed in reads no case and changes nothing.
    assert!(ok(c, &["--db", &url, "whoami"], None).starts_with("nobody"));
    for args in [&["case", "note", "1", "sneaky"][..], &["claim", "2"], &["inbox"]] {
        let mut full = vec!["--db", url.as_str()];
        full.extend_from_slice(args);
        let (success, _, stderr) = run(c, &full, None);
        assert!(!success && stderr.contains("sign in first"), "{args:?}: {stderr}");
    }
    let (success, _, stderr) = run(c, &["--db", &url, "desk", "as", "bo"], None);
    assert!(!success && stderr.contains("asks desks to sign in"), "{stderr}");
    assert!(!actors(a, "1").iter().any(|x| x == "nobody"));

    // Resetting bo's passphrase ends desk B's session; signing out ends A's.
    ok(a, &["signin", &admin_handle], Some("admin-pass-123\n"));
    ok(a, &["members", "passphrase", "bo"], Some("bo-new-pass-1\n"));
    assert!(ok(b, &["--db", &url, "whoami"], None).starts_with("nobody"), "B's session ended with the reset");
    ok(a, &["signout"], None);
    assert!(ok(a, &["whoami"], None).starts_with("nobody"));

    // The sign-ins (and the refusals) are on the audit trail, and the chain holds.
    ok(a, &["signin", &admin_handle], Some("admin-pass-123\n"));
    let log = ok(a, &["audit", "log", "--limit", "200"], None);
    for action in ["member.passphrase_set", "member.signed_in", "member.sign_in_refused", "member.signed_out"] {
        assert!(log.contains(action), "{action} missing:\n{log}");
    }
    ok(a, &["audit", "verify"], None);
    // The profile holds the URL and a session token, no passphrase.
    let profile = std::fs::read_to_string(a.join("config/desk.toml")).unwrap();
    assert!(!profile.contains("pass-123") && !profile.contains("pass-1234"), "{profile}");

    // Back to the local file: the admin of an empty local workspace again.
    ok(a, &["workspace", "local"], None);
    assert!(ok(a, &["workspace"], None).starts_with("local workspace: "));
}

#[test]
fn the_team_database_password_stays_in_the_keychain() {
    if !keychain_here() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = rt.block_on(fresh_pg()) else { return };
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // The test server trusts loopback, so any password gets in: what matters is where it is kept.
    const PASSWORD: &str = "Db-pa55word-XY";
    let with_password = url.replacen("postgres://postgres@", &format!("postgres://postgres:{PASSWORD}@"), 1);
    assert_ne!(with_password, url, "the test URL has the expected form: {url}");
    let out = ok(home, &["workspace", "connect", &with_password], None);
    assert!(!out.contains(PASSWORD), "{out}");
    let profile = std::fs::read_to_string(home.join("config/desk.toml")).unwrap();
    assert!(!profile.contains(PASSWORD), "the password is in the profile:\n{profile}");
    assert!(profile.contains("team_password = true"), "{profile}");
    // Opening the workspace puts it back from the keychain.
    let shown = ok(home, &["workspace"], None);
    assert!(shown.contains("team workspace: postgres://postgres@") && !shown.contains(PASSWORD), "{shown}");
    // Given on standard input instead.
    ok(home, &["workspace", "connect", &url, "--password-stdin"], Some(&format!("{PASSWORD}\n")));
    let profile = std::fs::read_to_string(home.join("config/desk.toml")).unwrap();
    assert!(!profile.contains(PASSWORD) && profile.contains("team_password = true"), "{profile}");
    ok(home, &["whoami"], None);
    ok(home, &["workspace", "local"], None);
}

#[test]
fn a_workspace_that_does_not_answer_is_refused_and_nothing_changes() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // Port 1 on loopback: nothing listens there.
    let (success, _, stderr) = run(home, &["workspace", "connect", "postgres://sb@127.0.0.1:1/team"], None);
    assert!(!success && stderr.contains("could not connect to the team workspace"), "{stderr}");
    assert!(!home.join("config/desk.toml").exists(), "the profile was written");
    let (success, _, stderr) = run(home, &["workspace", "connect", "sqlite:///tmp/x.db"], None);
    assert!(!success && stderr.contains("a team workspace is a PostgreSQL database"), "{stderr}");
    assert!(ok(home, &["workspace"], None).starts_with("local workspace: "));
}

#[test]
fn a_local_workspace_stays_single_person_and_may_sign_in() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let db = format!("sqlite://{}", home.join("w.db").display());
    ok(home, &["--db", &db, "demo"], None);
    let me = ok(home, &["--db", &db, "whoami"], None);
    assert!(me.contains(", admin") && !me.contains("signed in"), "the first member owns a local workspace: {me}");
    ok(home, &["--db", &db, "members", "passphrase", "ana"], Some("ana-pass-123\n"));
    // Passphrases do not lock a local desk: it still acts as its member.
    assert!(ok(home, &["--db", &db, "whoami"], None).contains(", admin"));
    let (success, _, stderr) = run(home, &["--db", &db, "signin", "ana"], Some("not-her-pass\n"));
    assert!(!success && stderr.contains("wrong handle or passphrase"), "{stderr}");
    ok(home, &["--db", &db, "signin", "ana"], Some("ana-pass-123\n"));
    assert!(ok(home, &["--db", &db, "whoami"], None).starts_with("ana (Ana Ruiz), agent, signed in"));
    // `desk as` still chooses the member on a local workspace (and wins over the sign-in).
    let (success, _, stderr) = run(home, &["--db", &db, "members", "add", "zed", "--role", "lead"], None);
    assert!(!success && stderr.contains("may not manage members"), "ana is an agent: {stderr}");
    ok(home, &["--db", &db, "desk", "as", "ana"], None);
    assert!(ok(home, &["--db", &db, "whoami"], None).starts_with("ana (Ana Ruiz), agent"));
    ok(home, &["--db", &db, "signout"], None);
}
