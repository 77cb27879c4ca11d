//! MDOE on a generated gateway: results of `cacheable` operations (reuse across the typed and
//! the dynamic path, TTLs on the runtime's clock, concurrent misses computed once, staleness
//! after a write, errors never cached, the capacity bound, switching it off), and `timeout`
//! on synchronous and asynchronous operations.

use gateway_runtime::lmms::ManualClock;
use gateway_runtime::mdoe::CacheConfig;
use gateway_runtime::{Config, GatewayError, Interface, operation};
use serde_json::json;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, LazyLock, Mutex};
use std::time::Duration;

gateway_runtime::gateway!();

use gateway::Gateway;

/// How many times SQUARES' operations really ran, per test (each passes its own tag).
static RUNS: LazyLock<Mutex<HashMap<String, u64>>> = LazyLock::new(Mutex::default);

fn ran(tag: &str) {
    *RUNS.lock().unwrap().entry(tag.to_owned()).or_default() += 1;
}

fn runs(tag: &str) -> u64 {
    RUNS.lock().unwrap().get(tag).copied().unwrap_or(0)
}

#[operation(SQUARES.square)]
fn square(tag: &str, n: i64, hold_ms: i64) -> i64 {
    ran(tag);
    if hold_ms > 0 {
        std::thread::sleep(Duration::from_millis(hold_ms as u64));
    }
    n * n
}

#[operation(SQUARES.square_async)]
async fn square_async(tag: &str, n: i64) -> i64 {
    ran(tag);
    tokio::task::yield_now().await;
    n * n
}

#[operation(SQUARES.fail)]
fn fail(tag: &str, n: i64) -> Result<i64, String> {
    ran(tag);
    Err(format!("no square for {n} today"))
}

#[operation(SQUARES.record)]
fn record(tag: &str) {
    let _ = tag;
}

#[operation(SLOW.elsewhere)]
fn elsewhere() {}

/// SLOW's state: completed synchronous calls, and asynchronous calls dropped unfinished.
#[derive(Default, Interface)]
#[interface(default)]
pub struct Slow {
    completed: AtomicU64,
    dropped: Arc<AtomicU64>,
}

thread_local! {
    /// The clock of the test running on this thread, which `work_sync` moves.
    static CLOCK: RefCell<Option<ManualClock>> = const { RefCell::new(None) };
}

#[operation(SLOW.work_sync)]
fn work_sync(slow: &Slow, advance_ms: i64) -> i64 {
    CLOCK.with(|clock| {
        if let Some(clock) = clock.borrow().as_ref() {
            clock.advance(Duration::from_millis(advance_ms as u64));
        }
    });
    slow.completed.fetch_add(1, Ordering::SeqCst) as i64 + 1
}

/// Counts itself as dropped unless defused.
struct DropCount(Option<Arc<AtomicU64>>);

impl Drop for DropCount {
    fn drop(&mut self) {
        if let Some(count) = self.0.take() {
            count.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[operation(SLOW.work_async)]
async fn work_async(slow: &Slow, forever: bool) -> i64 {
    let mut guard = DropCount(Some(slow.dropped.clone()));
    if forever {
        std::future::pending::<()>().await;
    }
    guard.0 = None;
    slow.dropped.load(Ordering::SeqCst) as i64
}

/// A gateway on a clock of its own, which this thread's `work_sync` calls move.
fn gateway_with(config: Config) -> (Gateway, ManualClock) {
    let clock = ManualClock::new();
    CLOCK.with(|c| *c.borrow_mut() = Some(clock.clone()));
    let gateway = Gateway::with_config(config.clock(Arc::new(clock.clone())));
    (gateway, clock)
}

fn cache_stats(gateway: &Gateway, operation: &str) -> gateway_runtime::mdoe::CacheStats {
    gateway
        .stats()
        .result_caches
        .into_iter()
        .find(|c| c.operation == operation)
        .expect("a cacheable operation has cache stats")
}

#[tokio::test]
async fn a_result_is_reused_by_the_typed_and_the_dynamic_path() {
    let (gateway, _) = gateway_with(Config::default());
    assert_eq!(gateway.square("reuse", 3, None).unwrap(), 9);
    assert_eq!(gateway.square("reuse", 3, None).unwrap(), 9);
    // The same parameters as decoded (an omitted default is the default): the same entry.
    for params in [
        json!({"tag": "reuse", "n": 3}),
        json!({"tag": "reuse", "n": 3, "hold_ms": 0}),
    ] {
        let result = gateway
            .execute_operation("SQUARES", "square", params)
            .await
            .unwrap();
        assert_eq!(result, json!(9));
    }
    assert_eq!(runs("reuse"), 1);
    assert_eq!(gateway.square("reuse", 4, None).unwrap(), 16);
    assert_eq!(runs("reuse"), 2);

    let stats = cache_stats(&gateway, "SQUARES.square");
    assert_eq!((stats.hits, stats.misses), (3, 2));
    assert_eq!(stats.entries, 2);
    assert_eq!(stats.ttl_ms, 10_000);
    assert_eq!(stats.capacity, CacheConfig::default().capacity);
    let json = gateway.stats().to_json();
    assert_eq!(json["result_caches"][0]["operation"], "SQUARES.square");
}

#[tokio::test]
async fn results_expire_after_their_ttl_on_the_runtimes_clock() {
    let (gateway, clock) = gateway_with(
        Config::default().result_cache(CacheConfig::default().default_ttl(Duration::from_secs(5))),
    );
    gateway.square("ttl", 2, None).unwrap();
    clock.advance(Duration::from_millis(9_999));
    gateway.square("ttl", 2, None).unwrap();
    assert_eq!(
        runs("ttl"),
        1,
        "still valid just before the manifest's 10 s"
    );
    clock.advance(Duration::from_millis(1));
    gateway.square("ttl", 2, None).unwrap();
    assert_eq!(runs("ttl"), 2, "computed again at 10 s");

    // `cacheable: true` takes the configured default TTL.
    assert_eq!(gateway.square_async("ttl-async", 2).await.unwrap(), 4);
    clock.advance(Duration::from_millis(4_999));
    assert_eq!(gateway.square_async("ttl-async", 2).await.unwrap(), 4);
    assert_eq!(runs("ttl-async"), 1);
    clock.advance(Duration::from_millis(1));
    assert_eq!(gateway.square_async("ttl-async", 2).await.unwrap(), 4);
    assert_eq!(runs("ttl-async"), 2);
    assert_eq!(cache_stats(&gateway, "SQUARES.square_async").ttl_ms, 5_000);
}

#[test]
fn concurrent_misses_of_one_key_compute_once() {
    let (gateway, _) = gateway_with(Config::default());
    let gateway = Arc::new(gateway);
    let start = Arc::new(Barrier::new(8));
    let callers: Vec<_> = (0..8)
        .map(|_| {
            let (gateway, start) = (gateway.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                gateway.square("concurrent", 5, Some(100)).unwrap()
            })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.join().unwrap(), 25);
    }
    assert_eq!(runs("concurrent"), 1);
    let stats = cache_stats(&gateway, "SQUARES.square");
    assert_eq!((stats.hits, stats.misses), (7, 1));
}

#[tokio::test]
async fn a_write_of_the_interface_makes_cached_results_stale() {
    let (gateway, _) = gateway_with(Config::default());
    gateway.square("write", 3, None).unwrap();
    gateway.elsewhere().unwrap();
    gateway.square("write", 3, None).unwrap();
    assert_eq!(runs("write"), 1, "another interface's call changes nothing");

    gateway.record("write").unwrap();
    gateway.square("write", 3, None).unwrap();
    assert_eq!(runs("write"), 2, "computed again after the write");
    gateway
        .execute_operation("SQUARES", "record", json!({"tag": "write"}))
        .await
        .unwrap();
    gateway
        .execute_operation("SQUARES", "square", json!({"tag": "write", "n": 3}))
        .await
        .unwrap();
    assert_eq!(runs("write"), 3, "the dynamic path too");
}

#[tokio::test]
async fn errors_are_never_cached() {
    let (gateway, _) = gateway_with(Config::default());
    for _ in 0..2 {
        match gateway.fail("errors", 1) {
            Err(GatewayError::OperationFailed { operation, error }) => {
                assert_eq!(operation, "SQUARES.fail");
                assert_eq!(error.to_string(), "no square for 1 today");
            }
            other => panic!("expected the operation's error, got {other:?}"),
        }
    }
    assert_eq!(runs("errors"), 2);
    assert_eq!(cache_stats(&gateway, "SQUARES.fail").entries, 0);
}

#[test]
fn the_cache_holds_at_most_its_capacity() {
    let (gateway, _) =
        gateway_with(Config::default().result_cache(CacheConfig::default().capacity(10)));
    for n in 0..200 {
        gateway.square("capacity", n, None).unwrap();
    }
    let stats = cache_stats(&gateway, "SQUARES.square");
    assert!(
        stats.entries > 0 && stats.entries <= 10,
        "{} entries",
        stats.entries
    );
    assert_eq!(stats.capacity, 10);
}

#[test]
fn caching_can_be_switched_off() {
    let config = Config::from_vars([("RESULT_CACHE_ENABLED", "false")]).unwrap();
    let (gateway, _) = gateway_with(config);
    gateway.square("off", 3, None).unwrap();
    gateway.square("off", 3, None).unwrap();
    assert_eq!(runs("off"), 2);
    let error = Config::from_vars([("RESULT_CACHE_CAPACITY", "lots")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "RESULT_CACHE_CAPACITY=\"lots\" is not valid: expected a whole number of entries of at least 1, such as 10000"
    );
}

#[tokio::test]
async fn a_synchronous_operation_past_its_timeout_completes_but_reports_a_timeout() {
    let (gateway, _) = gateway_with(Config::default());
    match gateway.work_sync(1_001) {
        Err(GatewayError::Timeout { operation, after }) => {
            assert_eq!(operation, "SLOW.work_sync");
            assert_eq!(after, Duration::from_secs(1));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // It ran to completion: the next call sees its change, and is within its timeout.
    assert_eq!(gateway.work_sync(1_000).unwrap(), 2);
    let error = gateway
        .execute_operation("SLOW", "work_sync", json!({"advance_ms": 5_000}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "timeout");
    assert_eq!(
        error.to_string(),
        "`SLOW.work_sync` timed out after 1000 ms"
    );
    let stats = gateway.stats();
    let work = stats
        .operations
        .iter()
        .find(|o| o.operation == "SLOW.work_sync")
        .unwrap();
    assert_eq!((work.calls, work.errors), (3, 2));
}

#[tokio::test]
async fn an_asynchronous_operation_past_its_timeout_is_dropped_and_its_state_released() {
    let config = Config::default()
        .grace_period(Duration::ZERO)
        .min_resident(0)
        .hot_path_protection(false);
    let (gateway, clock) = gateway_with(config);
    let error = gateway.work_async(true).await.unwrap_err();
    assert!(
        matches!(error, GatewayError::Timeout { operation: "SLOW.work_async", after } if after == Duration::from_millis(50)),
        "{error:?}"
    );
    // The future was dropped, not left running, and holds the state no more.
    assert_eq!(gateway.work_async(false).await.unwrap(), 1);
    let dynamic = gateway
        .execute_operation("SLOW", "work_async", json!({"forever": true}))
        .await
        .unwrap_err();
    assert_eq!(dynamic.kind(), "timeout");
    gateway.maintain();
    clock.advance(Duration::from_secs(1));
    gateway.maintain();
    let slow = gateway
        .stats()
        .modules
        .into_iter()
        .find(|m| m.interface == "SLOW")
        .unwrap();
    assert!(
        !slow.loaded && slow.unloads == 1,
        "nothing holds SLOW's state, so it unloads: {slow:?}"
    );
    assert_eq!(
        gateway.work_async(false).await.unwrap(),
        0,
        "fresh state after the reload"
    );
}

mod registration;
