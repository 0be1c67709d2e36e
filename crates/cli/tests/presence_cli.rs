//! `switchboard presence` end to end on a demo workspace, on SQLite and (when
//! `SWITCHBOARD_TEST_PG_URL` is set) PostgreSQL: the command says this
//! member views, drafts or left a case, and lists who else is on the desk.

use assert_cmd::Command;
use switchboard_core::presence::{PresenceState, PRESENCE_TTL_MS};
use switchboard_store::presence::PresenceWrite;
use switchboard_store::testing::fresh_urls;
use switchboard_store::Store;

fn sb(url: &str) -> Command {
    let mut c = Command::cargo_bin("switchboard").unwrap();
    c.env_remove("SWITCHBOARD_DATABASE_URL").env("USER", "ana").arg("--db").arg(url);
    c
}

fn output(c: &mut Command) -> (i32, String) {
    let out = c.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Who is present (every member, this command's too), as (handle, state, case).
async fn present(store: &Store) -> Vec<(String, PresenceState, Option<i64>)> {
    let now = switchboard_core::time::now_ms();
    store.live_presence(now).await.unwrap().into_iter().map(|p| (p.handle, p.state, p.case_id)).collect()
}

#[tokio::test]
async fn the_command_sets_clears_and_lists_presence() {
    for (url, _dir) in fresh_urls().await {
        let (code, out) = output(sb(&url).arg("demo"));
        assert_eq!(code, 0, "{out}");
        let store = Store::connect(&url).await.unwrap();
        let me = String::from("ana");
        let case: i64 = sqlx::query_scalar("SELECT min(id) FROM cases").fetch_one(store.pool()).await.unwrap();

        let (code, out) = output(sb(&url).args(["presence", "view", &case.to_string()]));
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("ana is viewing on case #{case}")), "{out}");
        assert_eq!(present(&store).await, vec![(me.clone(), PresenceState::Viewing, Some(case))], "{url}");

        // A later command replaces what the earlier one said.
        let (code, out) = output(sb(&url).args(["presence", "draft", &case.to_string()]));
        assert_eq!(code, 0, "{out}");
        assert_eq!(present(&store).await, vec![(me.clone(), PresenceState::Drafting, Some(case))], "{url}");

        // Someone else on the desk (another desk session of kofi) is listed; oneself is not.
        let kofi = store.members().await.unwrap().into_iter().find(|m| m.handle == "kofi").unwrap();
        let now = switchboard_core::time::now_ms();
        let w = PresenceWrite {
            member_id: kofi.id,
            actor: "kofi",
            session: "app",
            state: Some(PresenceState::Viewing),
            case_id: Some(case),
            now,
            ttl_ms: PRESENCE_TTL_MS,
        };
        store.write_presence(w).await.unwrap();
        let (code, out) = output(sb(&url).args(["presence"]));
        assert_eq!(code, 0, "{out}");
        assert_eq!(out.trim(), format!("kofi\tviewing case #{case}"), "{url}");
        let (code, out) = output(sb(&url).args(["presence", "list", "--json"]));
        assert_eq!(code, 0, "{out}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["online"][0]["handle"], "kofi", "{out}");
        assert_eq!(v["cases"][0]["case_id"], case, "{out}");
        assert_eq!(v["cases"][0]["viewers"][0], "kofi", "{out}");

        // --hold heartbeats for the time given, then leaves.
        let (code, out) = output(sb(&url).args(["presence", "view", &case.to_string(), "--hold", "1"]));
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("ana left"), "{out}");
        let (code, out) = output(sb(&url).args(["presence", "online"]));
        assert_eq!(code, 0, "{out}");
        let (code, out) = output(sb(&url).args(["presence", "clear"]));
        assert_eq!(code, 0, "{out}");
        assert_eq!(present(&store).await, vec![("kofi".to_string(), PresenceState::Viewing, Some(case))], "{url}");

        // Bad input: a clear refusal, no panic.
        let (code, out) = output(sb(&url).args(["presence", "view", "987654"]));
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("987654"), "{out}");
        let (code, _) = output(sb(&url).args(["presence", "view", "twelve"]));
        assert_eq!(code, 2);
        store.close().await;
    }
}
