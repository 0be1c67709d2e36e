//! Several processes opening one new SQLite workspace at the same moment
//! (the app and a CLI run, two CLI runs) all end up with a migrated store:
//! SQLite has no migration lock, so a loser of the race looks again.

use switchboard_store::Store;

#[tokio::test]
async fn stores_opened_at_once_on_a_new_sqlite_file_all_migrate() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join(format!("w{round}.db")).display());
        let opens = (0..4).map(|_| {
            let url = url.clone();
            tokio::spawn(async move { Store::connect(&url).await.map(|_| ()) })
        });
        for open in opens.collect::<Vec<_>>() {
            let done = open.await.unwrap();
            assert!(done.is_ok(), "round {round}: {done:?}");
        }
        let store = Store::connect(&url).await.unwrap();
        assert!(!store.departments().await.unwrap().is_empty(), "round {round}: the tiger team is there once");
    }
}
