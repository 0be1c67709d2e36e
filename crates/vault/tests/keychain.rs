//! The vault against the real OS keychain (Secret Service + kernel keyring on
//! Linux). scripts/test.sh runs `cargo test` inside `keyctl session` and
//! `dbus-run-session` with an unlocked GNOME Keyring and sets
//! SWITCHBOARD_TEST_KEYCHAIN=1; under CI without it this test fails rather
//! than skip, so the production keychain code is always exercised there.

use switchboard_vault::{Secret, SecretRef, Vault};

fn keychain_here() -> bool {
    if std::env::var_os("SWITCHBOARD_TEST_KEYCHAIN").is_some() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!("CI must run the keychain tests: run them through scripts/test.sh (SWITCHBOARD_TEST_KEYCHAIN unset)");
    }
    eprintln!("skipping: no test keychain (run through scripts/test.sh, or set SWITCHBOARD_TEST_KEYCHAIN=1 in a session with an unlocked keyring)");
    false
}

#[test]
fn secrets_round_trip_through_the_os_keychain() {
    if !keychain_here() {
        return;
    }
    // A service of its own, so the test never meets real credentials.
    let vault = Vault::new(&format!("app.switchboard.test.{}", std::process::id()));
    let r = SecretRef::new("mastodon:lumen@social.example", "access-token").unwrap();
    assert_eq!(vault.get(&r).unwrap(), None);

    vault.put(&r, &Secret::new("tok-123")).unwrap();
    // Every call opens its own keychain entry: an in-memory mock would have
    // forgotten the secret here, the real keychain has it.
    assert_eq!(vault.get(&r).unwrap().map(|s| s.expose().to_string()).as_deref(), Some("tok-123"));
    vault.put(&r, &Secret::new("tok-456")).unwrap();
    assert_eq!(vault.get(&r).unwrap().map(|s| s.expose().to_string()).as_deref(), Some("tok-456"), "replaced");

    let other = SecretRef::new("mastodon:lumen@social.example", "refresh-token").unwrap();
    assert_eq!(vault.get(&other).unwrap(), None, "secrets are kept apart by kind");

    vault.delete(&r).unwrap();
    assert_eq!(vault.get(&r).unwrap(), None);
    vault.delete(&r).unwrap();
}

#[test]
fn a_secret_is_visible_to_another_process_of_the_same_session() {
    if !keychain_here() {
        return;
    }
    let service = format!("app.switchboard.test.child.{}", std::process::id());
    let vault = Vault::new(&service);
    let r = SecretRef::new("x:lumenhelp", "refresh-token").unwrap();
    if std::env::var_os("SB_VAULT_CHILD").is_some() {
        return; // the child half runs below
    }
    vault.put(&r, &Secret::new("rt-789")).unwrap();
    // A fresh process (another desk, a worker) reads it from the keychain.
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["--exact", "child_reads_the_secret", "--nocapture"])
        .env("SB_VAULT_SERVICE", &service)
        .output()
        .unwrap();
    vault.delete(&r).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("child saw the secret"), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn child_reads_the_secret() {
    let Ok(service) = std::env::var("SB_VAULT_SERVICE") else { return };
    let r = SecretRef::new("x:lumenhelp", "refresh-token").unwrap();
    let got = Vault::new(&service).get(&r).unwrap();
    assert_eq!(got.as_ref().map(Secret::expose), Some("rt-789"));
    println!("child saw the secret");
}
