//! Member sign-in in the store: a passphrase hash per member, sessions known
//! only by their token's hash, a reset ending the member's sessions, and
//! every step on the audit trail.

use switchboard_core::desk::Role;
use switchboard_store::testing::stores;

#[tokio::test]
async fn passphrases_and_sessions_are_kept_and_audited() {
    for db in stores().await {
        let s = &db.store;
        assert!(!s.sign_in_enabled().await.unwrap(), "a new workspace has no passphrases");
        let ana = s.upsert_member("ana", "Ana", Role::Agent, None).await.unwrap();
        assert_eq!(s.member_passphrase_hash(ana.id).await.unwrap(), None);
        s.set_member_passphrase_hash(&ana, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", "admin").await.unwrap();
        assert!(s.sign_in_enabled().await.unwrap());
        assert!(s.member_passphrase_hash(ana.id).await.unwrap().unwrap().starts_with("$argon2id$"));

        s.open_member_session(&ana, "token-one", "desk-a").await.unwrap();
        s.open_member_session(&ana, "token-two", "desk-b").await.unwrap();
        assert_eq!(s.session_member("token-one").await.unwrap(), Some(ana.id));
        assert_eq!(s.session_member("nope").await.unwrap(), None);
        // Only the hash is stored.
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM member_sessions").fetch_all(s.pool()).await.unwrap();
        assert!(stored.iter().all(|t| t.len() == 64 && !t.contains("token")), "{stored:?}");

        assert!(s.close_member_session("token-one", &ana).await.unwrap());
        assert!(!s.close_member_session("token-one", &ana).await.unwrap(), "already closed");
        assert_eq!(s.session_member("token-one").await.unwrap(), None);
        // A reset ends the other desk's session too.
        s.set_member_passphrase_hash(&ana, "$argon2id$v=19$m=8,t=1,p=1$c2FsdDI$aGFzaDI", "admin").await.unwrap();
        assert_eq!(s.session_member("token-two").await.unwrap(), None);
        s.record_refused_sign_in("ana", Some(ana.id), "desk-a").await.unwrap();

        let actions: Vec<String> = s.audit_log(Some(&format!("member:{}", ana.id)), 50).await.unwrap().into_iter().map(|r| r.action).collect();
        for a in ["member.passphrase_set", "member.signed_in", "member.signed_out", "member.sign_in_refused"] {
            assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
        }
        assert!(s.verify_audit().await.unwrap().intact());
    }
}
