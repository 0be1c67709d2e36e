//! The audit trail: every audited change appends a hash-chained entry in its
//! own transaction; the table refuses edits; `verify_audit` names the first
//! entry altered or deleted by someone who got past the trigger.

use switchboard_core::case::CaseStatus;
use switchboard_store::audit::{AuditProblem, GENESIS};
use switchboard_store::ingest::Ingestor;
use switchboard_store::testing::stores;
use switchboard_store::{Backend, Store};

use crate::support::*;

/// Two cases, a few changes on them and a config save: a small chain.
async fn some_changes(s: &Store) -> (i64, i64) {
    Ingestor::new(s, "import", "t.csv")
        .write(&[inbound("1", "ana", 0, None, "help"), inbound("2", "bo", 1, None, "refund?")])
        .await
        .unwrap();
    let (a, b) = (s.case_of_post("x", "1").await.unwrap(), s.case_of_post("x", "2").await.unwrap());
    s.add_note(a, "called back", "mei").await.unwrap();
    s.set_status(a, CaseStatus::Open, "mei", None).await.unwrap();
    s.tag_case(b, "billing", "kofi").await.unwrap();
    s.save_config("rules", "# no rules yet\n", "lead").await.unwrap();
    s.add_note(b, "second note", "kofi").await.unwrap();
    (a, b)
}

/// Lets the test edit the log as an administrator would: past the trigger.
async fn disable_guard(s: &Store) {
    let sql = match s.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    };
    sqlx::raw_sql(sql).execute(s.pool()).await.unwrap();
}

#[tokio::test]
async fn a_clean_log_verifies_and_lists_by_subject() {
    for db in stores().await {
        let s = &db.store;
        let empty = s.verify_audit().await.unwrap();
        assert!(empty.intact(), "{}", db.url);
        assert_eq!((empty.entries, empty.head.as_str()), (0, GENESIS), "{}", db.url);

        let (a, _) = some_changes(s).await;
        let report = s.verify_audit().await.unwrap();
        assert!(report.intact(), "{}: {:?}", db.url, report.broken);
        assert_eq!(report.entries, 6, "{}: batch, note, status, tag, config, note", db.url);

        let log = s.audit_log(None, 100).await.unwrap();
        let seqs: Vec<i64> = log.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![6, 5, 4, 3, 2, 1], "{}", db.url);
        assert_eq!(log[0].hash, report.head, "{}", db.url);
        assert_eq!(log[5].prev_hash, GENESIS, "{}", db.url);
        assert_eq!(log[5].action, "ingest.batch", "{}", db.url);
        assert!(log.iter().any(|e| e.action == "config.saved" && e.subject == "config:rules"), "{}", db.url);

        let on_a: Vec<String> = s.audit_log(Some(&format!("case:{a}")), 10).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(on_a, vec!["case.status_changed", "case.note"], "{}", db.url);
        assert!(s.audit_log(None, 0).await.is_err(), "{}: a zero limit is refused", db.url);
    }
}

#[tokio::test]
async fn editing_the_log_is_refused() {
    for db in stores().await {
        let s = &db.store;
        some_changes(s).await;
        let update = sqlx::query("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2").execute(s.pool()).await;
        assert!(update.unwrap_err().to_string().contains("append-only"), "{}", db.url);
        let delete = sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(s.pool()).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"), "{}", db.url);
        assert!(s.verify_audit().await.unwrap().intact(), "{}", db.url);
    }
}

#[tokio::test]
async fn an_altered_row_is_named() {
    for db in stores().await {
        let s = &db.store;
        some_changes(s).await;
        disable_guard(s).await;
        sqlx::query("UPDATE audit_log SET payload = REPLACE(payload, 'called back', 'never called') WHERE seq = 2")
            .execute(s.pool())
            .await
            .unwrap();
        let report = s.verify_audit().await.unwrap();
        let broken = report.broken.expect("the altered row is found");
        assert_eq!(broken.seq, 2, "{}", db.url);
        assert!(matches!(broken.problem, AuditProblem::HashMismatch { .. }), "{}: {:?}", db.url, broken.problem);
        let entry = broken.entry.unwrap();
        assert_eq!((entry.actor.as_str(), entry.action.as_str()), ("mei", "case.note"), "{}", db.url);
        assert_eq!(report.entries, 1, "{}: one entry holds before it", db.url);

        // Rewriting the hash too only moves the break to the next entry's link.
        let rehashed = entry.computed_hash();
        sqlx::query("UPDATE audit_log SET hash = $1 WHERE seq = 2").bind(rehashed).execute(s.pool()).await.unwrap();
        let broken = s.verify_audit().await.unwrap().broken.unwrap();
        assert_eq!(broken.seq, 3, "{}", db.url);
        assert!(matches!(broken.problem, AuditProblem::PrevMismatch { .. }), "{}: {:?}", db.url, broken.problem);
    }
}

#[tokio::test]
async fn deleted_rows_are_named() {
    for db in stores().await {
        let s = &db.store;
        some_changes(s).await;
        disable_guard(s).await;
        sqlx::query("DELETE FROM audit_log WHERE seq = 6").execute(s.pool()).await.unwrap();
        let broken = s.verify_audit().await.unwrap().broken.unwrap();
        assert!(matches!(broken.problem, AuditProblem::HeadMismatch { head_seq: 6, last_seq: 5, .. }), "{}: {:?}", db.url, broken.problem);

        sqlx::query("DELETE FROM audit_log WHERE seq IN (3, 4)").execute(s.pool()).await.unwrap();
        let broken = s.verify_audit().await.unwrap().broken.unwrap();
        assert_eq!(broken.seq, 5, "{}: the entry after the gap", db.url);
        assert_eq!(broken.problem, AuditProblem::Missing { from: 3, to: 4 }, "{}", db.url);
        assert!(broken.problem.to_string().contains("deleted"), "{}", db.url);
    }
}

#[tokio::test]
async fn two_desks_writing_at_once_keep_one_linear_chain() {
    for db in stores().await {
        if db.store.backend() != Backend::Postgres {
            continue;
        }
        let (a, b) = some_changes(&db.store).await;
        let other = Store::connect(&db.url).await.unwrap();
        let desk = |s: Store, case_id: i64, who: &'static str| async move {
            for i in 0..200 {
                s.add_note(case_id, &format!("note {i}"), who).await.unwrap();
            }
        };
        let (x, y) = tokio::join!(tokio::spawn(desk(db.store.clone(), a, "mei")), tokio::spawn(desk(other.clone(), b, "kofi")));
        x.unwrap();
        y.unwrap();
        let report = db.store.verify_audit().await.unwrap();
        assert!(report.intact(), "{}: {:?}", db.url, report.broken);
        assert_eq!(report.entries, 6 + 400, "{}", db.url);
        other.close().await;
    }
}
