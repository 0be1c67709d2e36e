use switchboard_store::customers::NewCustomer;
use switchboard_store::ingest::Ingestor;
use switchboard_store::testing::stores;

use crate::support::*;

#[tokio::test]
async fn export_rows_carry_case_state_and_labels() {
    for db in stores().await {
        let s = &db.store;
        let mut a = inbound("1", "ana", 0, None, "bag lost");
        a.post.labels = vec![("topic".into(), "lost luggage".into()), ("sentiment".into(), "negative".into())];
        Ingestor::new(s, "import", "t").write(&[a, outbound("2", 3, "1", "sorry")]).await.unwrap();
        let legal = s.department_by_slug("legal").await.unwrap();
        s.move_to(s.case_of_post("x", "1").await.unwrap(), Some(legal.id), "me", None).await.unwrap();

        let fields = s.label_fields().await.unwrap();
        assert_eq!(fields, vec!["sentiment".to_string(), "topic".to_string()], "{}", db.url);
        let mut rows = Vec::new();
        let n = s
            .export_posts(&fields, |p| {
                rows.push(p);
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(n, 2, "{}", db.url);
        assert_eq!(rows[0].department.as_deref(), Some("Legal"), "{}", db.url);
        assert_eq!(rows[0].status, "pending", "{}", db.url);
        assert_eq!(
            rows[0].labels,
            vec![("sentiment".into(), Some("negative".into())), ("topic".into(), Some("lost luggage".into()))],
            "{}",
            db.url
        );
        assert_eq!(rows[1].labels, vec![("sentiment".into(), None), ("topic".into(), None)], "{}", db.url);
        assert_eq!(rows[0].created_at, "2023-11-14T22:13:20Z", "{}", db.url);

        let mut cases = Vec::new();
        s.export_cases(|c| {
            cases.push(c);
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(cases.len(), 1, "{}", db.url);
        assert_eq!(cases[0].first_response_s, Some(180), "{}", db.url);
    }
}

#[tokio::test]
async fn a_linked_customer_shows_on_the_case() {
    for db in stores().await {
        let s = &db.store;
        Ingestor::new(s, "import", "t").write(&[inbound("1", "harriet", 0, None, "fibre down")]).await.unwrap();
        let cid = s
            .insert_customer(&NewCustomer {
                name: "Harriet Cole".into(),
                emails: vec!["h@cole.example".into()],
                phone: None,
                value_tier: Some("A".into()),
                lifetime_value: Some(48_200.0),
            })
            .await
            .unwrap();
        s.link_author("x", "harriet", cid).await.unwrap();
        assert!(s.link_author("x", "nobody", cid).await.is_err(), "{}", db.url);
        let d = s.case_detail(s.case_of_post("x", "1").await.unwrap()).await.unwrap();
        let card = d.customer.expect("linked customer");
        assert_eq!((card.name.as_str(), card.value_tier.as_deref(), card.lifetime_value), ("Harriet Cole", Some("A"), Some(48_200.0)), "{}", db.url);
        assert_eq!(card.emails, vec!["h@cole.example".to_string()], "{}", db.url);
    }
}
