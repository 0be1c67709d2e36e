//! Leases on each backend: two stores (two pools, as two processes have)
//! racing for one lease get exactly one holder every round; a lease held is
//! refused to the other until it expires, then the other takes it and the
//! old holder's renewal fails; releasing frees it at once.

use switchboard_store::testing::fresh_urls;
use switchboard_store::Store;

const T0: i64 = 1_800_000_000_000;
const TTL: i64 = 2_000;
const ROUNDS: i64 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_pools_racing_for_one_lease_get_one_holder_each_round() {
    for (url, _dir) in fresh_urls().await {
        let a = Store::connect(&url).await.unwrap();
        let b = Store::connect(&url).await.unwrap();
        let mut wins = [0, 0];
        for round in 0..ROUNDS {
            // Every round starts after the last round's lease expired.
            let now = T0 + round * 10 * TTL;
            let name = "account:1";
            let (ga, gb) = tokio::join!(
                tokio::spawn({
                    let a = a.clone();
                    async move { a.acquire_lease(name, "worker-a", now, TTL).await }
                }),
                tokio::spawn({
                    let b = b.clone();
                    async move { b.acquire_lease(name, "worker-b", now, TTL).await }
                }),
            );
            let (ga, gb) = (ga.unwrap().unwrap(), gb.unwrap().unwrap());
            assert!(ga ^ gb, "{url}: round {round}: exactly one holder (a {ga}, b {gb})");
            let lease = a.lease(name).await.unwrap().expect("the lease row");
            let winner = if ga { "worker-a" } else { "worker-b" };
            assert_eq!(lease.holder, winner, "{url}: round {round}: the row names the winner");
            wins[usize::from(gb)] += 1;
        }
        assert_eq!(wins[0] + wins[1], ROUNDS, "{url}");
        eprintln!("{url}: worker-a won {} rounds, worker-b {}", wins[0], wins[1]);
        a.close().await;
        b.close().await;
    }
}

#[tokio::test]
async fn a_held_lease_is_refused_until_it_expires_and_release_frees_it() {
    for (url, _dir) in fresh_urls().await {
        let a = Store::connect(&url).await.unwrap();
        let b = Store::connect(&url).await.unwrap();
        assert!(a.acquire_lease("outbox", "a", T0, TTL).await.unwrap(), "{url}: free, so taken");
        assert!(a.acquire_lease("outbox", "a", T0 + 500, TTL).await.unwrap(), "{url}: the holder takes it again (renews)");
        assert!(!b.acquire_lease("outbox", "b", T0 + 1_000, TTL).await.unwrap(), "{url}: held, refused");
        assert!(a.renew_lease("outbox", "a", T0 + 1_500, TTL).await.unwrap(), "{url}: renewed to T0+3500");
        assert!(!b.acquire_lease("outbox", "b", T0 + 3_499, TTL).await.unwrap(), "{url}: renewed, still refused");
        let held = a.lease("outbox").await.unwrap().unwrap();
        assert_eq!((held.holder.as_str(), held.acquired_at, held.expires_at), ("a", T0, T0 + 3_500), "{url}");

        // The holder stops renewing (it died): at expiry the other takes over.
        assert!(b.acquire_lease("outbox", "b", T0 + 3_500, TTL).await.unwrap(), "{url}: expired, taken over");
        assert!(!a.renew_lease("outbox", "a", T0 + 3_600, TTL).await.unwrap(), "{url}: the old holder's renewal fails");
        assert!(!a.acquire_lease("outbox", "a", T0 + 3_600, TTL).await.unwrap(), "{url}: nor can it take it back");
        assert!(!a.release_lease("outbox", "a").await.unwrap(), "{url}: it cannot release what it lost");
        let held = b.lease("outbox").await.unwrap().unwrap();
        assert_eq!((held.holder.as_str(), held.acquired_at), ("b", T0 + 3_500), "{url}");

        // Releasing frees it before its expiry.
        assert!(b.release_lease("outbox", "b").await.unwrap(), "{url}");
        assert!(b.lease("outbox").await.unwrap().is_none(), "{url}");
        assert!(a.acquire_lease("outbox", "a", T0 + 3_700, TTL).await.unwrap(), "{url}: free again");

        // A clean stop gives up everything a holder has; listing shows the rest.
        assert!(a.acquire_lease("sla", "a", T0 + 3_700, TTL).await.unwrap());
        assert!(b.acquire_lease("account:7", "b", T0 + 3_700, TTL).await.unwrap());
        assert_eq!(a.release_leases_of("a").await.unwrap(), 2, "{url}");
        let names: Vec<_> = b.leases().await.unwrap().into_iter().map(|l| (l.name, l.holder)).collect();
        assert_eq!(names, vec![("account:7".to_string(), "b".to_string())], "{url}");

        // The database's clock, which workers on several hosts share.
        let (db_now, here) = (a.clock_ms().await.unwrap(), switchboard_core::time::now_ms());
        assert!((db_now - here).abs() < 60_000, "{url}: the database's clock reads {db_now}, this host's {here}");

        // Nonsense is refused in words, never a panic.
        assert!(a.acquire_lease("", "a", T0, TTL).await.is_err(), "{url}");
        assert!(a.acquire_lease("sla", "a", T0, 0).await.is_err(), "{url}");
    }
}
