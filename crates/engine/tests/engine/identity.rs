//! Identity through the desk, on every backend: a customer file imported from
//! disk links the authors already in the workspace and those that arrive
//! later; the case view shows the customer with influence and value; links
//! made by hand are signed by the desk member and can be undone.

use switchboard_core::post::{Direction, NewPost};
use switchboard_engine::Desk;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;

fn post(channel: &str, id: &str, author: &str, followers: Option<i64>) -> IngestPost {
    IngestPost {
        post: NewPost {
            channel: channel.into(),
            external_id: id.into(),
            author: author.into(),
            author_name: None,
            author_followers: followers,
            direction: Direction::Inbound,
            text: "my parcel never came".into(),
            created_at: 1_700_000_000_000,
            reply_to: None,
            account: None,
            labels: Vec::new(),
        },
        conversation: None,
    }
}

#[tokio::test]
async fn customers_from_a_file_reach_the_case_view_and_changes_undo() {
    for db in stores().await {
        let desk = Desk::with_store(db.store.clone()).await.unwrap();
        let s = desk.store();
        Ingestor::new(s, "import", "t").write(&[post("x", "1", "@BigSpender", Some(75))]).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("customers.csv");
        std::fs::write(
            &file,
            "id,name,tier,ltv,twitter,mastodon\n\
             K1,<b>Quiet Spender</b>,A,2500000,bigspender,\n\
             K2,Famous Friend,C,40,,famous@social.example\n\
             K3,Broken,,-1,,\n",
        )
        .unwrap();
        let report = desk.import_customers(&file).await.unwrap();
        assert_eq!((report.created, report.errors.len(), report.matched.linked), (2, 1, 1), "{}: {report:?}", db.url);
        assert_eq!(report.errors[0].line, 4);
        assert_eq!(desk.import_customers(&dir.path().join("missing.csv")).await.unwrap_err().code, "not_found");

        let case = s.case_of_post("x", "1").await.unwrap();
        let card = desk.case_detail(case).await.unwrap().customer.expect("linked on the exact handle");
        assert_eq!(card.name, "<b>Quiet Spender</b>", "{}: names are kept as text", db.url);
        assert_eq!(card.stands_out.unwrap()[0].reason, "value");

        // A famous author arrives with a poll: linked by the next pass.
        Ingestor::new(s, "poll", "t").write(&[post("mastodon", "2", "Famous@social.example", Some(5_000_000))]).await.unwrap();
        assert_eq!(desk.link_new_authors().await.unwrap().linked, 1, "{}", db.url);
        let famous = desk.case_detail(s.case_of_post("mastodon", "2").await.unwrap()).await.unwrap();
        let reasons = famous.customer.unwrap().stands_out.unwrap();
        assert_eq!((reasons.len(), reasons[0].reason.as_str()), (1, "influence"), "{}: {reasons:?}", db.url);

        // By hand: unlink, undo; merge, undo. Signed by the desk member.
        desk.unlink_handle("twitter", "@bigspender").await.unwrap();
        assert!(desk.case_detail(case).await.unwrap().customer.is_none(), "{}", db.url);
        let undone = desk.undo_identity(None).await.unwrap();
        assert_eq!((undone.action.as_str(), undone.actor.as_str()), ("unlink", desk.me().handle.as_str()));
        assert!(desk.case_detail(case).await.unwrap().customer.is_some(), "{}", db.url);
        let (k1, k2) = (s.customer_by_ref("K1").await.unwrap(), s.customer_by_ref("K2").await.unwrap());
        desk.merge_customers(k1, k2).await.unwrap();
        assert_eq!(desk.customers(None, 10).await.unwrap().len(), 1, "{}", db.url);
        desk.undo_identity(None).await.unwrap();
        assert_eq!(desk.customers(Some("famous"), 10).await.unwrap().len(), 1, "{}", db.url);
        assert_eq!(desk.identity_log(10).await.unwrap().len(), 4, "{}: two auto-links, the unlink, the merge", db.url);
        assert!(desk.link_suggestions(None).await.unwrap().is_empty());
    }
}
