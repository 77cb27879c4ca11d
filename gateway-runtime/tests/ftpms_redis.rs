//! The Redis usage store against a real redis-server on loopback: instances add up, counts
//! survive a cold start, concurrent additions are never lost, and an unavailable Redis degrades
//! to the local estimate (no call fails), which goes into Redis once it is back.

use chrono::{TimeZone, Utc};
use gateway_runtime::ftpms::{
    FreeTier, FreeTierConfig, ManualWallClock, Month, RedisStore, Usage, UsageStore,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn server() -> Option<testkit::RedisServer> {
    let server = testkit::RedisServer::start();
    if server.is_none() {
        eprintln!("skipped: redis-server is not installed");
    }
    server
}

fn guard(url: &str, clock: &ManualWallClock) -> FreeTier {
    let store = RedisStore::new(url, "test:usage").unwrap();
    FreeTier::new(
        FreeTierConfig::default()
            .store(Arc::new(store))
            .clock(Arc::new(clock.clone())),
    )
}

fn clock() -> ManualWallClock {
    ManualWallClock::new(Utc.with_ymd_and_hms(2026, 11, 15, 12, 0, 0).unwrap())
}

const NOVEMBER: Month = Month {
    year: 2026,
    month: 11,
};

#[test]
fn instances_add_up_and_a_cold_start_picks_the_count_up() {
    let Some(redis) = server() else { return };
    let clock = clock();
    let a = guard(&redis.url(), &clock);
    let b = guard(&redis.url(), &clock);
    for _ in 0..3 {
        a.record(Duration::from_millis(10), None);
        b.record(Duration::from_millis(10), None);
    }
    assert_eq!(
        b.report().requests,
        6,
        "each addition returns the shared total"
    );
    let cold = guard(&redis.url(), &clock);
    assert_eq!(
        cold.report().requests,
        0,
        "nothing read before the first invocation"
    );
    cold.refresh_if_due();
    assert_eq!(cold.report().requests, 6);
    assert_eq!(cold.report().store, "redis");
}

#[test]
fn concurrent_additions_are_never_lost() {
    let Some(redis) = server() else { return };
    let url = redis.url();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let store = RedisStore::new(&url, "test:concurrent").unwrap();
                for _ in 0..50 {
                    store
                        .add(
                            NOVEMBER,
                            Usage {
                                requests: 1,
                                mb_ms: 128,
                            },
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let store = RedisStore::new(&url, "test:concurrent").unwrap();
    assert_eq!(
        store.load(NOVEMBER).unwrap(),
        Usage {
            requests: 200,
            mb_ms: 200 * 128
        }
    );
}

#[test]
fn an_unavailable_redis_degrades_then_catches_up() {
    let Some(mut redis) = server() else { return };
    let clock = clock();
    let free_tier = guard(&redis.url(), &clock);
    free_tier.record(Duration::from_millis(1), None);
    redis.stop();
    let started = Instant::now();
    for _ in 0..4 {
        free_tier.record(Duration::from_millis(1), None);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no hang: {:?}",
        started.elapsed()
    );
    let report = free_tier.report();
    assert_eq!(report.requests, 5, "the local estimate goes on");
    let degraded = report.degraded.expect("degraded");
    assert!(
        degraded.starts_with("the redis usage store failed: Redis at redis://127.0.0.1:"),
        "{degraded}"
    );

    redis.restart();
    free_tier.record(Duration::from_millis(1), None);
    // The restarted server started empty (testkit's servers save nothing): the 4 kept
    // locally went in with the new one, and the first was lost with the server's data.
    let report = free_tier.report();
    assert_eq!((report.requests, report.degraded), (5, None));
    let store = RedisStore::new(&redis.url(), "test:usage").unwrap();
    assert_eq!(store.load(NOVEMBER).unwrap().requests, 5);
}
