//! A few worked cases whose figures are known by hand: next-response time,
//! resolution from the close event, a hand-over between departments, the
//! backlog, drill-down to the cases behind a number, and the board, which
//! names nobody for an executive. SQLite and PostgreSQL.

use switchboard_core::case::CaseStatus;
use switchboard_core::desk::Role;
use switchboard_core::report::ReportQuery;
use switchboard_core::view::InboxQuery;
use switchboard_engine::Desk;
use switchboard_import::{import_file, ImportOptions, Layout, Preset};
use switchboard_store::testing;

// t0 = 2017-10-31T10:00:00Z. Case A: asked, answered after 100 s, asked again,
// answered 300 s later. Case B: nobody answered. Case C: answered after 60 s.
const CSV: &str = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
4,brand,False,Tue Oct 31 10:08:20 +0000 2017,@cust_a fixed,,3
3,cust_a,True,Tue Oct 31 10:03:20 +0000 2017,@brand still no,,2
2,brand,False,Tue Oct 31 10:01:40 +0000 2017,@cust_a looking,,1
1,cust_a,True,Tue Oct 31 10:00:00 +0000 2017,@brand my order,,
5,cust_b,True,Tue Oct 31 10:16:40 +0000 2017,@brand hello?,,
7,brand,False,Tue Oct 31 10:34:20 +0000 2017,@cust_c sure,,6
6,cust_c,True,Tue Oct 31 10:33:20 +0000 2017,@brand refund,,
";

#[tokio::test]
async fn worked_cases_board_and_drill_down() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.csv");
    std::fs::write(&file, CSV).unwrap();
    for db in testing::stores().await {
        let backend = db.store.backend().as_str();
        let opts = ImportOptions { layout: Layout::preset(Preset::Twcs), labels: Vec::new(), batch: switchboard_import::run::BATCH };
        import_file(&db.store, &file, &opts, |_| {}).await.unwrap();
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let all = ReportQuery::default();
        let case_of = |author: &'static str| {
            let desk = desk.clone();
            async move {
                desk.inbox(InboxQuery { limit: 100, ..Default::default() }).await.unwrap().items.into_iter().find(|c| c.author == author).unwrap()
            }
        };
        let a = case_of("cust_a").await;
        let b = case_of("cust_b").await;
        let departments = desk.store().departments().await.unwrap();
        desk.move_to(a.id, Some(departments[0].id), None).await.unwrap();
        desk.move_to(a.id, Some(departments[2].id), None).await.unwrap();
        desk.set_status(a.id, CaseStatus::Resolved, None).await.unwrap();
        let closed_at = desk.store().case_events(a.id).await.unwrap().iter().rev().find(|e| e.summary == "status set to resolved").unwrap().at;

        let r = desk.report(&all).await.unwrap();
        assert_eq!((r.cases, r.answered, r.unanswered), (3, 2, 1), "{backend}");
        assert_eq!((r.posts_in, r.posts_out), (4, 3), "{backend}");
        assert_eq!(r.median_frt_s, Some(60.0), "{backend}: nearest-rank median of [60, 100] is the lower");
        assert_eq!(r.p90_frt_s, Some(100.0), "{backend}");
        assert_eq!((r.median_nrt_s, r.p90_nrt_s), (Some(300.0), Some(300.0)), "{backend}: 10:03:20 → 10:08:20");
        let t0 = 1_509_444_000_000i64;
        assert_eq!(r.median_resolution_s, Some((closed_at - t0) as f64 / 1000.0), "{backend}: first customer post to the close");
        assert_eq!(r.resolved, 1);
        assert_eq!(r.backlog, 1, "{backend}: only B waits for a reply after its last customer post");
        assert_eq!(r.handed_over_share, Some(1.0 / 3.0), "{backend}: A went through two departments");
        assert_eq!(r.orgs["brand"].answered, 2, "{backend}");
        assert_eq!(r.trend.iter().map(|p| p.posts_in).sum::<i64>(), 4, "{backend}: the trend holds every customer post");
        assert_eq!(r.trend.iter().map(|p| p.answered).sum::<i64>(), 2, "{backend}");
        assert!(r.influential.iter().any(|x| x.handle == "cust_a"), "{backend}: {:?}", r.influential);

        let period = ReportQuery { from: Some(t0 + 1_000), to: Some(t0 + 2_100_000), ..Default::default() };
        let r = desk.report(&period).await.unwrap();
        assert_eq!(r.cases, 2, "{backend}: A started before the period");
        let none = desk.report(&ReportQuery { topic: Some("nothing like it".into()), ..Default::default() }).await.unwrap();
        assert_eq!(none.cases, 0);
        let bad = desk.report(&ReportQuery { from: Some(10), to: Some(5), ..Default::default() }).await.unwrap_err();
        assert_eq!(bad.code, "invalid");

        let backlog = desk.report_cases(&all, "backlog", None).await.unwrap();
        assert_eq!(backlog.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b.id], "{backend}");
        let answered = desk.report_cases(&all, "answered", Some("org:brand")).await.unwrap();
        assert_eq!(answered.len(), 2, "{backend}");
        assert_eq!(desk.report_cases(&all, "handed_over", None).await.unwrap()[0].id, a.id);
        assert_eq!(desk.report_cases(&all, "bogus", None).await.unwrap_err().code, "invalid");
        assert_eq!(desk.report_cases(&all, "cases", Some("nokind")).await.unwrap_err().code, "invalid");

        let exec = desk.board(Role::Executive).await.unwrap();
        assert!(exec.influential.is_none(), "{backend}: an executive sees no handles");
        let json = serde_json::to_string(&exec).unwrap();
        for handle in ["cust_a", "cust_b", "cust_c", "brand"] {
            assert!(!json.contains(handle), "{backend}: the executive board names {handle}: {json}");
        }
        assert_eq!(exec.volume.len(), 48, "{backend}: 48 hourly buckets");
        assert_eq!(exec.volume.iter().map(|p| p.posts_in).sum::<i64>(), 4, "{backend}");
        assert_eq!(exec.volume.iter().map(|p| p.answered).sum::<i64>(), 2, "{backend}");
        assert_eq!(exec.sentiment.total(), 4);
        assert_eq!(exec.open_cases, 2, "{backend}: B and C are not resolved");
        assert_eq!(exec.departments.iter().map(|d| d.open).sum::<i64>(), 2);
        let lead = desk.board(Role::Lead).await.unwrap();
        assert!(lead.influential.is_some_and(|v| !v.is_empty()), "{backend}: a lead sees who wrote in");
    }
}
