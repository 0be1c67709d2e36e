//! Identity on every backend: customers from CSV (bad lines reported, good
//! ones kept, re-import updates), links on exact handles, suggestions on
//! weaker evidence, link / unlink / merge with undo, and the case events and
//! influence they put on the case view.

use sqlx::Row;
use switchboard_core::case::CaseStatus;
use switchboard_store::identity::CASE_EVENT_KIND;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::testing::stores;
use switchboard_store::{Store, StoreError};

use crate::support::inbound;

fn on(channel: &str, id: &str, author: &str, name: Option<&str>, followers: Option<i64>) -> IngestPost {
    let mut p = inbound(id, author, 0, None, "where is my order?");
    p.post.channel = channel.into();
    p.post.author_name = name.map(str::to_string);
    p.post.author_followers = followers;
    p
}

async fn identity_events(s: &Store, case_id: i64) -> Vec<String> {
    sqlx::query("SELECT summary FROM case_events WHERE case_id = $1 AND kind = $2 ORDER BY id")
        .bind(case_id)
        .bind(CASE_EVENT_KIND)
        .fetch_all(s.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

async fn customer_of(s: &Store, author_id: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT customer_id FROM authors WHERE id = $1").bind(author_id).fetch_one(s.pool()).await.unwrap()
}

const CUSTOMERS: &str = "customer_ref,name,emails,phone,value_tier,lifetime_value,handles,bluesky\n\
    C-1,Harriet Cole,h@cole.example,+44 1,C,120,twitter:@Harriet_Cole,\n\
    C-2,Mo Rich,mo@rich.example,,A,\"2,500,000\",,@Mo.Rich.example\n\
    C-3,,nobody@x.example,,,,,\n\
    C-4,Bad Value,,,,lots,,\n\
    C-5,Ana Ruiz,ana@example.com,,B,300,,\n\
    C-6,Bob Stone,bob.stone@mail.example,,,,twitter:NewGuy,\n";

#[tokio::test]
async fn csv_rows_import_bad_lines_are_reported_and_a_reimport_updates() {
    for db in stores().await {
        let s = &db.store;
        let r = s.import_customers(CUSTOMERS.as_bytes(), "ana").await.unwrap();
        assert_eq!((r.rows, r.created, r.updated, r.handles), (6, 4, 0, 3), "{}: {r:?}", db.url);
        let bad: Vec<(u64, &str)> = r.errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
        assert_eq!(bad, vec![(4, "no name"), (5, "lifetime value \"lots\" is not an amount")], "{}", db.url);

        let list = s.customers(None, 100).await.unwrap();
        assert_eq!(list.len(), 4, "{}", db.url);
        let mo = list.iter().find(|c| c.customer_ref.as_deref() == Some("C-2")).unwrap();
        assert_eq!((mo.value_tier.as_deref(), mo.lifetime_value), (Some("A"), Some(2_500_000.0)));
        assert_eq!(mo.handles, vec!["bluesky:mo.rich.example".to_string()]);

        // The same file again, with a new tier, a new handle and one taken by another customer.
        let again = "customer_ref,name,value_tier,handles\nC-1,Harriet Cole,B,twitter:hcole\nC-5,Ana Ruiz,,twitter:harriet_cole\n";
        let r = s.import_customers(again.as_bytes(), "ana").await.unwrap();
        assert_eq!((r.created, r.updated, r.handles), (0, 2, 1), "{}: {r:?}", db.url);
        assert_eq!(r.errors.len(), 1, "{}", db.url);
        assert!(r.errors[0].line == 3 && r.errors[0].reason.contains("already belongs"), "{:?}", r.errors);
        let list = s.customers(None, 100).await.unwrap();
        assert_eq!(list.len(), 4, "{}: a re-import never duplicates", db.url);
        let h = list.iter().find(|c| c.customer_ref.as_deref() == Some("C-1")).unwrap();
        assert_eq!((h.value_tier.as_deref(), h.lifetime_value, h.emails.len()), (Some("B"), Some(120.0), 1), "{}: empty cells keep", db.url);
        assert_eq!(h.handles.len(), 2);
        assert_eq!(s.customers(Some("rich.EX"), 10).await.unwrap().len(), 1, "{}: search by email", db.url);
        assert!(matches!(s.import_customers("ref,email\n1,a@b\n".as_bytes(), "ana").await, Err(StoreError::Invalid(_))));
    }
}

#[tokio::test]
async fn exact_handles_link_at_import_and_as_authors_arrive() {
    for db in stores().await {
        let s = &db.store;
        let mut ing = Ingestor::new(s, "import", "t");
        ing.write(&[
            on("x", "1", "HARRIET_cole", Some("Harriet"), Some(75)),
            on("bluesky", "2", "mo.rich.example", None, Some(5_000_000)),
            on("x", "3", "stranger", None, None),
        ])
        .await
        .unwrap();
        let r = s.import_customers(CUSTOMERS.as_bytes(), "ana").await.unwrap();
        assert_eq!(r.matched.linked, 2, "{}: {r:?}", db.url);
        let harriet = s.author_by_handle("twitter", "@harriet_cole").await.unwrap();
        let c1 = s.customer_by_ref("C-1").await.unwrap();
        assert_eq!(customer_of(s, harriet).await, Some(c1), "{}: case and @ ignored, x is twitter", db.url);

        let case = s.case_of_post("x", "1").await.unwrap();
        assert_eq!(identity_events(s, case).await, vec!["linked automatically (same handle) to customer Harriet Cole"], "{}", db.url);

        // The famous small spender and the quiet big spender both stand out, each for its reason.
        let mo = s.case_detail(s.case_of_post("bluesky", "2").await.unwrap()).await.unwrap();
        let card = mo.customer.expect("Mo is linked");
        assert_eq!(card.customer_ref.as_deref(), Some("C-2"));
        let reasons: Vec<_> = card.stands_out.unwrap().into_iter().map(|r| r.reason).collect();
        assert_eq!(reasons, vec!["influence", "value"], "{}", db.url);
        let h = s.case_detail(case).await.unwrap();
        let a = h.author.unwrap();
        let i = a.influence.unwrap();
        assert!(i.score < 50 && i.explanation.starts_with("75 followers → "), "{}: {i:?}", db.url);
        assert!(a.stands_out.unwrap().is_empty(), "{}: a tier C customer with 75 followers does not stand out", db.url);

        // A new author with a known handle is linked on the next pass; nothing is redone after.
        Ingestor::new(s, "poll", "t").write(&[on("x", "4", "@newguy", None, None)]).await.unwrap();
        let r = s.link_new_authors("auto").await.unwrap();
        assert_eq!((r.authors_checked, r.linked), (1, 1), "{}", db.url);
        let newguy = s.author_by_handle("x", "NewGuy").await.unwrap();
        assert_eq!(customer_of(s, newguy).await, Some(s.customer_by_ref("C-6").await.unwrap()));
        assert_eq!(s.link_new_authors("auto").await.unwrap().authors_checked, 0, "{}", db.url);

        // Undoing an automatic link says the pair was wrong: it is not made again.
        let auto = s.identity_log(10).await.unwrap().into_iter().find(|e| e.summary.ends_with("Harriet Cole")).unwrap();
        s.undo_identity(Some(auto.id), "ana").await.unwrap();
        assert_eq!(customer_of(s, harriet).await, None, "{}", db.url);
        assert_eq!(s.match_all_authors("auto").await.unwrap().linked, 0, "{}", db.url);
    }
}

#[tokio::test]
async fn weaker_evidence_goes_to_the_review_queue() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "import", "t")
            .write(&[
                on("bluesky", "1", "ana.example.com", Some("Ana  RUIZ"), None),
                on("x", "2", "bstone", Some("Bob Stone"), None),
                on("x", "3", "other", Some("Someone Else"), None),
            ])
            .await
            .unwrap();
        let r = s.import_customers(CUSTOMERS.as_bytes(), "ana").await.unwrap();
        assert_eq!((r.matched.linked, r.matched.suggested), (0, 2), "{}: {r:?}", db.url);
        let queue = s.link_suggestions(None, 50).await.unwrap();
        let seen: Vec<(&str, f64)> = queue.iter().map(|q| (q.handle.as_str(), q.score)).collect();
        assert_eq!(seen, vec![("ana.example.com", 0.8), ("bstone", 0.5)], "{}: strongest first", db.url);
        assert_eq!(queue[0].evidence, "same name; email domain example.com in the handle");

        let entry = s.accept_suggestion(queue[0].id, "ana").await.unwrap();
        assert!(entry.is_some(), "{}", db.url);
        assert_eq!(customer_of(s, queue[0].author_id).await, Some(queue[0].customer_id));
        s.reject_suggestion(queue[1].id, "ana").await.unwrap();
        assert!(s.link_suggestions(None, 50).await.unwrap().is_empty(), "{}", db.url);
        assert_eq!(s.link_suggestions(Some("rejected"), 50).await.unwrap().len(), 1);
        assert!(matches!(s.reject_suggestion(queue[1].id, "ana").await, Err(StoreError::Invalid(_))), "{}: decided once", db.url);
        let again = s.match_all_authors("auto").await.unwrap();
        assert_eq!(again.suggested, 0, "{}: a rejected pair is not suggested again", db.url);
    }
}

#[tokio::test]
async fn link_unlink_and_merge_by_hand_each_undo() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "import", "t")
            .write(&[on("x", "1", "pat", None, None), on("x", "2", "pat_work", None, None), on("x", "3", "closed", None, None)])
            .await
            .unwrap();
        s.import_customers("customer_ref,name,emails,phone\nP1,Pat Lee,pat@a.example,\nP2,Pat Lee (work),pat@b.example,+1 555\n".as_bytes(), "ana")
            .await
            .unwrap();
        let (p1, p2) = (s.customer_by_ref("P1").await.unwrap(), s.customer_by_ref("P2").await.unwrap());
        let (pat, work, closed) = (
            s.author_by_handle("x", "pat").await.unwrap(),
            s.author_by_handle("x", "pat_work").await.unwrap(),
            s.author_by_handle("x", "closed").await.unwrap(),
        );
        let closed_case = s.case_of_post("x", "3").await.unwrap();
        s.set_status(closed_case, CaseStatus::Resolved, "ana", None).await.unwrap();

        // Link, then unlink, then undo the unlink: linked again.
        s.link_author_to(pat, p1, "ana").await.unwrap().unwrap();
        assert_eq!(s.link_author_to(pat, p1, "ana").await.unwrap(), None, "{}: linking twice records nothing", db.url);
        s.unlink_author(pat, "ana").await.unwrap();
        assert_eq!(customer_of(s, pat).await, None);
        assert_eq!(s.match_all_authors("auto").await.unwrap().linked, 0, "{}", db.url);
        let undone = s.undo_identity(None, "ana").await.unwrap();
        assert_eq!((undone.action.as_str(), undone.undone), ("unlink", true));
        assert_eq!(customer_of(s, pat).await, Some(p1), "{}: undo of an unlink relinks", db.url);
        let case = s.case_of_post("x", "1").await.unwrap();
        assert_eq!(
            identity_events(s, case).await,
            vec!["linked to customer Pat Lee", "unlinked from customer Pat Lee", "undid: unlinked from customer Pat Lee"],
            "{}",
            db.url
        );

        // A resolved case is left alone.
        s.link_author_to(closed, p2, "ana").await.unwrap();
        assert!(identity_events(s, closed_case).await.is_empty(), "{}", db.url);

        // Merge P2 into P1: the work handle's author moves, emails join, the phone fills in.
        s.link_author_to(work, p2, "ana").await.unwrap();
        let merge = s.merge_customers(p1, p2, "ana").await.unwrap();
        assert_eq!((customer_of(s, work).await, customer_of(s, closed).await), (Some(p1), Some(p1)), "{}", db.url);
        let list = s.customers(None, 10).await.unwrap();
        assert_eq!(list.len(), 1, "{}: the merged customer is hidden", db.url);
        assert_eq!(list[0].emails, vec!["pat@a.example".to_string(), "pat@b.example".to_string()]);
        assert_eq!((list[0].phone.as_deref(), list[0].authors), (Some("+1 555"), 3));
        assert!(matches!(s.link_author_to(pat, p2, "ana").await, Err(StoreError::Invalid(_))), "{}: not to a merged customer", db.url);

        // An older change touching the same people waits for the merge to be undone.
        let log = s.identity_log(10).await.unwrap();
        let link_closed = log.iter().find(|e| e.summary == "linked to customer Pat Lee (work)" && e.id < merge).unwrap().id;
        assert!(matches!(s.undo_identity(Some(link_closed), "ana").await, Err(StoreError::Conflict(_))), "{}", db.url);
        s.undo_identity(Some(merge), "ana").await.unwrap();
        assert_eq!((customer_of(s, work).await, customer_of(s, closed).await), (Some(p2), Some(p2)), "{}", db.url);
        let list = s.customers(None, 10).await.unwrap();
        assert_eq!(list.len(), 2, "{}", db.url);
        let p1_row = list.iter().find(|c| c.id == p1).unwrap();
        assert_eq!((p1_row.emails.len(), p1_row.phone.as_deref()), (1, None), "{}: the survivor is as before", db.url);
        assert!(matches!(s.undo_identity(Some(merge), "ana").await, Err(StoreError::Invalid(_))), "{}: undone once", db.url);

        // Undo the rest, newest first: the work author's link, then the closed one's.
        s.undo_identity(None, "ana").await.unwrap();
        assert_eq!(customer_of(s, work).await, None, "{}", db.url);
        s.undo_identity(None, "ana").await.unwrap();
        assert_eq!(customer_of(s, closed).await, None, "{}", db.url);
        assert!(matches!(s.undo_identity(Some(999_999), "ana").await, Err(StoreError::NotFound(_))));
        assert!(matches!(s.merge_customers(p1, p1, "ana").await, Err(StoreError::Invalid(_))));
        assert!(matches!(s.unlink_author(closed, "ana").await, Err(StoreError::Invalid(_))), "{}: not linked", db.url);
    }
}
