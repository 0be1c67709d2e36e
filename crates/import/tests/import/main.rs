//! Imports of every layout, on every backend (see switchboard_store::testing),
//! from files the tests write themselves.

use std::io::Write;
use std::path::PathBuf;

use switchboard_core::case::CaseStatus;
use switchboard_core::view::InboxQuery;
use switchboard_import::export::{export_posts, Format};
use switchboard_import::{import_file, ImportOptions, ImportReport, Layout, Preset};
use switchboard_store::testing::stores;
use switchboard_store::Store;

const TWCS_HEADER: &str = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n";

/// A twcs-layout excerpt: replies before the posts they answer, a quoted
/// multi-line text, a thread whose root is missing, and a lone tweet.
const TWCS: &str = "1,acmecare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand. DM us please.,2,3
2,115712,True,Tue Oct 31 22:11:45 +0000 2017,@acmecare and how do you propose we do that,,1
3,115712,True,Tue Oct 31 22:08:27 +0000 2017,\"@acmecare I sent several messages,
and no one is responding\",1,4
4,acmecare,False,Tue Oct 31 21:54:49 +0000 2017,@115712 Please send us a Private Message.,3,5
5,115712,True,Tue Oct 31 21:49:35 +0000 2017,@acmecare is the worst customer service,4,
6,115713,True,Tue Oct 31 22:30:00 +0000 2017,@acmecare thanks for the quick fix!,,
7,acmecare,False,Tue Oct 31 22:40:00 +0000 2017,@115714 Glad we could help,,99
";

fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    (dir, path)
}

fn opts(preset: Preset) -> ImportOptions {
    ImportOptions { layout: Layout::preset(preset), labels: Vec::new(), batch: 3 }
}

async fn import(store: &Store, path: &std::path::Path, o: &ImportOptions) -> ImportReport {
    import_file(store, path, o, |_| {}).await.unwrap()
}

#[tokio::test]
async fn twcs_threads_become_cases_and_a_second_import_adds_nothing() {
    let (_d, path) = file("twcs.csv", format!("{TWCS_HEADER}{TWCS}").as_bytes());
    for db in stores().await {
        let s = &db.store;
        // batch = 3 splits threads across transactions on purpose.
        let first = import(s, &path, &opts(Preset::Twcs)).await;
        assert_eq!((first.rows, first.inserted, first.new_cases), (7, 7, 3), "{}: {first:?}", db.url);
        assert!(first.rejected.is_empty(), "{}: {:?}", db.url, first.rejected);
        let again = import(s, &path, &opts(Preset::Twcs)).await;
        assert_eq!((again.inserted, again.duplicates, again.new_cases), (0, 7, 0), "{}", db.url);
        assert_eq!(s.post_count().await.unwrap(), 7, "{}: one copy of each tweet", db.url);

        let thread = s.case_summary(s.case_of_post("twitter", "2").await.unwrap()).await.unwrap();
        assert_eq!(s.case_of_post("twitter", "5").await.unwrap(), thread.id, "{}: 5..1 are one thread", db.url);
        assert_eq!(thread.post_count, 5, "{}", db.url);
        assert_eq!(thread.author, "115712", "{}", db.url);
        assert_eq!(thread.account.as_deref(), Some("acmecare"), "{}", db.url);
        // First customer post 21:49:35, first reply 21:54:49.
        assert_eq!(thread.first_response_at.unwrap() - thread.opened_at, 314_000, "{}", db.url);
        assert_eq!(thread.status, CaseStatus::Open, "{}: the customer wrote last", db.url);
        let detail = s.case_detail(thread.id).await.unwrap();
        assert!(detail.posts.iter().any(|p| p.text.contains("messages,\nand no one")), "{}: multi-line text kept", db.url);

        let lone = s.case_summary(s.case_of_post("twitter", "6").await.unwrap()).await.unwrap();
        assert_eq!((lone.status, lone.post_count), (CaseStatus::New, 1), "{}", db.url);
        let orphan = s.case_summary(s.case_of_post("twitter", "7").await.unwrap()).await.unwrap();
        assert_eq!(orphan.first_response_at, None, "{}: a reply to a missing tweet answers no customer here", db.url);
    }
}

#[tokio::test]
async fn a_continuation_file_joins_the_stored_conversation() {
    let (_d, first) = file("a.csv", format!("{TWCS_HEADER}5,115712,True,Tue Oct 31 21:49:35 +0000 2017,help,,\n").as_bytes());
    let (_e, second) = file(
        "b.csv",
        format!("{TWCS_HEADER}8,115712,True,Tue Oct 31 23:00:00 +0000 2017,hello?,,9\n9,acmecare,False,Tue Oct 31 22:00:00 +0000 2017,on it,8,5\n").as_bytes(),
    );
    for db in stores().await {
        let s = &db.store;
        import(s, &first, &opts(Preset::Twcs)).await;
        let r = import(s, &second, &opts(Preset::Twcs)).await;
        assert_eq!(r.new_cases, 0, "{}: both posts continue the stored thread", db.url);
        let c = s.case_summary(s.case_of_post("twitter", "8").await.unwrap()).await.unwrap();
        assert_eq!((c.post_count, c.status), (3, CaseStatus::Open), "{}", db.url);
    }
}

#[tokio::test]
async fn malformed_rows_are_reported_and_the_good_rows_land() {
    let mut bytes = TWCS_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"10,c1,True,Tue Oct 31 22:10:47 +0000 2017,good one,,\n"); // line 2
    bytes.extend_from_slice(b"11,c2,True,31/10/2017 22:10,bad date,,\n"); // line 3
    bytes.extend_from_slice(b"12,c3,True,Tue Oct 31 22:10:47 +0000 2017,,,\n"); // line 4: missing text
    bytes.extend_from_slice(b"13,c4,True,Tue Oct 31 22:10:47 +0000 2017,caf\xe9 latin-1,,\n"); // line 5
    bytes.extend_from_slice(b"14,c5,True,Tue Oct 31 22:10:47 +0000 2017,\"never closed,,\n"); // line 6
    bytes.extend_from_slice(b"15,c6,True,Tue Oct 31 22:10:47 +0000 2017,\"fine, quoted\",,\n"); // line 7
    bytes.extend_from_slice(b"16,c7,maybe,Tue Oct 31 22:10:47 +0000 2017,odd flag,,\n"); // line 8
    bytes.extend_from_slice(b"17,c8,True\n"); // line 9: too few columns
    bytes.extend_from_slice(b"18,c9,True,Tue Oct 31 22:10:47 +0000 2017,last good,,\n"); // line 10
    let (_d, path) = file("bad.csv", &bytes);
    for db in stores().await {
        let s = &db.store;
        let r = import(s, &path, &opts(Preset::Twcs)).await;
        let lines: Vec<u64> = r.rejected.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 8, 9], "{}: {:#?}", db.url, r.rejected);
        let reasons: Vec<&str> = r.rejected.iter().map(|b| b.reason.as_str()).collect();
        assert!(reasons[0].starts_with("bad date in created_at"), "{}", reasons[0]);
        assert_eq!(reasons[1], "missing text");
        assert_eq!(reasons[2], "invalid UTF-8 in column text");
        assert!(reasons[3].contains("unterminated quote"), "{}", reasons[3]);
        assert!(reasons[4].contains("bad inbound value"), "{}", reasons[4]);
        assert_eq!(reasons[5], "3 columns where the header has 7");
        assert_eq!(r.inserted, 3, "{}: rows 10, 15 and 18 land", db.url);
        for id in ["10", "15", "18"] {
            assert!(s.case_of_post("twitter", id).await.is_ok(), "{}: tweet {id} stored", db.url);
        }
    }
}

#[tokio::test]
async fn airline_keeps_one_post_per_tweet_and_records_labels() {
    let csv = "tweet_id,airline_sentiment,airline_sentiment_confidence,negativereason,negativereason_confidence,airline,airline_sentiment_gold,name,negativereason_gold,retweet_count,text,tweet_coord,tweet_created,tweet_location,user_timezone
100,negative,1.0,Lost Luggage,0.9,Skyways,,traveller1,,0,@Skyways where is my bag,,2015-02-24 11:35:52 -0800,,
101,positive,1.0,,,Skyways,,traveller2,,0,@Skyways great crew!,,2015-02-24 11:40:00 -0800,,
100,negative,0.6,Lost Luggage,0.5,Skyways,,traveller1,,0,@Skyways where is my bag,,2015-02-24 11:35:52 -0800,,
";
    let (_d, path) = file("airline.csv", csv.as_bytes());
    for db in stores().await {
        let s = &db.store;
        let mut o = opts(Preset::Airline);
        o.labels = vec![("sentiment".into(), "airline_sentiment".into()), ("topic".into(), "negativereason".into())];
        let r = import(s, &path, &o).await;
        assert_eq!((r.inserted, r.duplicates, r.labels), (2, 1, 3), "{}: {r:?}", db.url);
        let c = s.case_summary(s.case_of_post("twitter", "100").await.unwrap()).await.unwrap();
        assert_eq!((c.author.as_str(), c.account.as_deref()), ("traveller1", Some("Skyways")), "{}", db.url);
        let mut out = Vec::new();
        export_posts(s, Format::Csv, &mut out).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        let header = text.lines().next().unwrap();
        assert!(header.ends_with(",label_sentiment,label_topic"), "{header}");
        assert!(header.contains("sentiment,sentiment_score,topic,topic_confidence,language"), "{header}");
        assert!(text.lines().nth(1).unwrap().ends_with(",negative,Lost Luggage"), "{text}");
        assert!(text.lines().nth(2).unwrap().ends_with(",positive,"), "{text}");
    }
}

#[tokio::test]
async fn a_jsonl_export_imports_back_into_an_equal_case_log() {
    let (_d, path) = file("twcs.csv", format!("{TWCS_HEADER}{TWCS}").as_bytes());
    let mut dbs = stores().await;
    let target = dbs.pop().unwrap();
    for db in &dbs {
        let s = &db.store;
        import(s, &path, &opts(Preset::Twcs)).await;
        let mut out = Vec::new();
        export_posts(s, Format::Jsonl, &mut out).await.unwrap();
        let (_e, jsonl) = file("posts.jsonl", &out);
        let r = import(&target.store, &jsonl, &opts(Preset::Jsonl)).await;
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        assert_eq!((r.inserted, r.new_cases), (7, 3), "{} → {}", db.url, target.url);
        let page = target.store.inbox(&InboxQuery { limit: 10, ..Default::default() }).await.unwrap();
        let orig = s.inbox(&InboxQuery { limit: 10, ..Default::default() }).await.unwrap();
        let key = |p: &switchboard_core::view::InboxPage| {
            p.items.iter().map(|c| (c.author.clone(), c.post_count, c.first_response_at, c.status)).collect::<Vec<_>>()
        };
        assert_eq!(key(&page), key(&orig));
    }
}

#[tokio::test]
async fn any_csv_imports_with_a_map() {
    let csv = "id,when,who,body,parent,mine\na1,2026-11-01T10:00:00Z,ana,My order never came,,no\na2,2026-11-01T10:05:00Z,shop,Sorry! Checking now,a1,yes\n";
    let (_d, path) = file("any.csv", csv.as_bytes());
    for db in stores().await {
        let s = &db.store;
        // A yes/no column is no direction: each such row is refused with the reason.
        let wrong = Layout::from_map("external_id=id,created_at=when,author=who,text=body,direction=mine", "shopify").unwrap();
        let r = import(s, &path, &ImportOptions { layout: wrong, labels: Vec::new(), batch: 100 }).await;
        assert_eq!(r.rejected.len(), 2, "{}", db.url);
        assert!(r.rejected[0].reason.starts_with("bad direction \"no\""), "{}", r.rejected[0].reason);
        let layout =
            Layout::from_map("external_id=id,created_at=when,author=who,text=body,reply_to=parent", "shopify").unwrap();
        let r = import(s, &path, &ImportOptions { layout, labels: Vec::new(), batch: 100 }).await;
        assert_eq!((r.inserted, r.new_cases), (2, 1), "{}", db.url);
        let missing = Layout::from_map("text=body", "x").unwrap_err();
        assert!(missing.contains("external_id"), "{missing}");
        let bad_col = Layout::from_map("external_id=nope,created_at=when,author=who,text=body", "x")
            .unwrap()
            .bind(&["id".into(), "when".into(), "who".into(), "body".into()], &[])
            .unwrap_err();
        assert!(bad_col.contains("no column \"nope\""), "{bad_col}");
    }
}
