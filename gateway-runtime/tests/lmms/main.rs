//! LMMS on a generated gateway: lazy state, the fast path, and each of the five protections
//! of unloading, with a manual clock so that no test sleeps for a grace period.

use gateway_runtime::{BoxError, Config, InitContext, Interface, Kept, ManualClock, operation};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

gateway_runtime::gateway!();

use gateway::Gateway;

/// STORE's state: holds data while it has entries.
#[derive(Default, Interface)]
#[interface(default, holds_data = Store::has_entries)]
pub struct Store(Mutex<HashMap<String, i64>>);

impl Store {
    fn has_entries(&self) -> bool {
        !self.0.lock().unwrap().is_empty()
    }
}

static GENERATION: AtomicI64 = AtomicI64::new(0);
static DROPPED: Mutex<Vec<i64>> = Mutex::new(Vec::new());

/// POOL's and PINNED's state: each creation gets a new generation; drops are recorded.
#[derive(Interface)]
#[interface(init = Pool::open, memory = Pool::bytes)]
pub struct Pool {
    generation: i64,
    buffer: Vec<u8>,
}

impl Pool {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Pool {
            generation: GENERATION.fetch_add(1, Ordering::SeqCst) + 1,
            buffer: vec![1; 4096],
        })
    }

    fn bytes(&self) -> usize {
        self.buffer.len()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        DROPPED.lock().unwrap().push(self.generation);
    }
}

fn dropped(generation: i64) -> bool {
    DROPPED.lock().unwrap().contains(&generation)
}

#[operation(STORE.put)]
fn put(store: &Store, key: String, value: i64) {
    store.0.lock().unwrap().insert(key, value);
}

#[operation(STORE.get)]
fn get(store: &Store, key: &str) -> Option<i64> {
    store.0.lock().unwrap().get(key).copied()
}

#[operation(STORE.clear)]
fn clear(store: &Store) {
    store.0.lock().unwrap().clear();
}

#[operation(POOL.touch)]
fn touch(pool: &Pool, hold_us: i64) -> Result<i64, String> {
    if hold_us > 0 {
        std::thread::sleep(Duration::from_micros(hold_us as u64));
    }
    if dropped(pool.generation) {
        return Err(format!(
            "generation {} used after it was dropped",
            pool.generation
        ));
    }
    Ok(pool.generation)
}

static RELEASE: tokio::sync::Notify = tokio::sync::Notify::const_new();

#[operation(POOL.wait)]
async fn wait(pool: &Pool) -> i64 {
    RELEASE.notified().await;
    pool.generation
}

#[operation(PINNED.touch)]
fn touch_pinned(pool: &Pool, hold_us: i64) -> Result<i64, String> {
    touch(pool, hold_us)
}

/// REMOTE's state, created by an async function, as a connection would be.
#[derive(Interface)]
#[interface(init_async = Remote::connect)]
pub struct Remote(String);

impl Remote {
    async fn connect(ctx: &InitContext<'_>) -> Result<Self, std::io::Error> {
        tokio::task::yield_now().await;
        Ok(Remote(format!("connected to {}", ctx.interface.name)))
    }
}

#[operation(REMOTE.ping)]
async fn ping(remote: &Remote) -> String {
    remote.0.clone()
}

#[operation(REMOTE.peek)]
fn peek(remote: &Remote) -> String {
    remote.0.clone()
}

#[operation(CLOCK.now)]
fn now() -> i64 {
    7
}

/// Unloading allowed as soon as every protection passes: no grace, no minimum, no hot-path
/// protection; each test turns one protection back on.
fn eager_unloading(clock: &ManualClock) -> Config {
    Config::default()
        .grace_period(Duration::ZERO)
        .min_resident(0)
        .hot_path_protection(false)
        .clock(Arc::new(clock.clone()))
}

fn kept(gateway: &Gateway, interface: &str) -> Option<Kept> {
    let report = gateway.maintain();
    assert!(
        !report.unloaded.contains(&interface)
            || !report.kept.iter().any(|(name, _)| *name == interface),
        "a module is unloaded or kept, not both"
    );
    report
        .kept
        .iter()
        .find(|(name, _)| *name == interface)
        .map(|(_, why)| *why)
}

fn loaded(gateway: &Gateway, interface: &str) -> bool {
    gateway
        .stats()
        .modules
        .iter()
        .any(|m| m.interface == interface && m.loaded)
}

#[test]
fn state_is_created_on_first_use_and_again_after_an_unload() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock));
    assert!(!loaded(&gateway, "POOL"));
    let first = gateway.pool_touch(None).unwrap();
    assert!(loaded(&gateway, "POOL"));
    assert_eq!(
        gateway.pool_touch(None).unwrap(),
        first,
        "the same state serves later calls"
    );
    assert_eq!(gateway.maintain().unloaded, ["POOL"]);
    assert!(
        !loaded(&gateway, "POOL") && dropped(first),
        "unloading drops the state"
    );
    let second = gateway.pool_touch(None).unwrap();
    assert_ne!(second, first, "the next call creates it again");
    let pool = gateway
        .stats()
        .modules
        .into_iter()
        .find(|m| m.interface == "POOL")
        .unwrap();
    assert_eq!((pool.loads, pool.reloads, pool.unloads), (2, 1, 1));
    assert_eq!(pool.memory_bytes, Some(4096));
    assert!(pool.init_us.is_some());
}

#[test]
fn protection_1_a_call_in_flight_keeps_its_module() {
    let clock = ManualClock::new();
    let gateway = Arc::new(Gateway::with_config(eager_unloading(&clock)));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let call = {
        let gateway = gateway.clone();
        runtime.spawn(async move { gateway.pool_wait().await })
    };
    while !loaded(&gateway, "POOL") {
        std::thread::yield_now();
    }
    assert_eq!(kept(&gateway, "POOL"), Some(Kept::InFlight));
    RELEASE.notify_one();
    let generation = runtime.block_on(call).unwrap().unwrap();
    assert!(!dropped(generation), "the call ran against live state");
    assert_eq!(kept(&gateway, "POOL"), None);
    assert!(!loaded(&gateway, "POOL") && dropped(generation));
}

#[test]
fn protection_2_data_that_would_be_lost_keeps_its_module() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock));
    gateway.store_put("k", 1).unwrap();
    assert_eq!(kept(&gateway, "STORE"), Some(Kept::HoldsData));
    assert_eq!(gateway.store_get("k").unwrap(), Some(1), "nothing was lost");
    gateway.store_clear().unwrap();
    assert_eq!(kept(&gateway, "STORE"), None);
    assert!(!loaded(&gateway, "STORE"));
}

#[test]
fn protection_2_unload_never_keeps_its_module() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock));
    let generation = gateway.pinned_touch(None).unwrap();
    for _ in 0..3 {
        assert_eq!(kept(&gateway, "PINNED"), Some(Kept::HoldsData));
    }
    assert_eq!(gateway.pinned_touch(None).unwrap(), generation);
}

#[test]
fn protection_3_a_hot_operation_keeps_its_module() {
    let clock = ManualClock::new();
    let config = eager_unloading(&clock)
        .hot_path_protection(true)
        .fast_path_threshold(5);
    let gateway = Gateway::with_config(config);
    for _ in 0..5 {
        gateway.pool_touch(None).unwrap();
    }
    assert_eq!(gateway.stats().fast_path, ["POOL.touch"]);
    assert_eq!(kept(&gateway, "POOL"), Some(Kept::Hot));
    // Quiet intervals cool it down (heat halves at each maintenance) until it unloads.
    let mut maintenances = 0;
    while loaded(&gateway, "POOL") {
        gateway.maintain();
        maintenances += 1;
        assert!(maintenances < 10, "it should cool down");
    }
    assert!(gateway.stats().fast_path.is_empty());
}

#[test]
fn without_hot_path_protection_hot_modules_unload() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock).fast_path_threshold(2));
    for _ in 0..3 {
        gateway.pool_touch(None).unwrap();
    }
    assert_eq!(gateway.stats().fast_path, ["POOL.touch"]);
    assert_eq!(kept(&gateway, "POOL"), None);
    assert!(!loaded(&gateway, "POOL"));
}

#[test]
fn protection_4_the_grace_period_keeps_a_recently_used_module() {
    let clock = ManualClock::new();
    let gateway =
        Gateway::with_config(eager_unloading(&clock).grace_period(Duration::from_secs(30)));
    gateway.pool_touch(None).unwrap();
    assert_eq!(kept(&gateway, "POOL"), Some(Kept::GracePeriod));
    clock.advance(Duration::from_secs(29));
    assert_eq!(kept(&gateway, "POOL"), Some(Kept::GracePeriod));
    // A use in between starts the grace period again.
    gateway.pool_touch(None).unwrap();
    clock.advance(Duration::from_secs(2));
    assert_eq!(kept(&gateway, "POOL"), Some(Kept::GracePeriod));
    clock.advance(Duration::from_secs(30));
    assert_eq!(kept(&gateway, "POOL"), None);
    assert!(!loaded(&gateway, "POOL"));
}

#[test]
fn protection_5_the_minimum_of_resident_modules_is_kept() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock).min_resident(1));
    gateway.pool_touch(None).unwrap();
    assert_eq!(kept(&gateway, "POOL"), Some(Kept::MinResident));
    gateway.pinned_touch(None).unwrap();
    // Two loaded, minimum one: POOL may go; PINNED stays for its own reason.
    let report = gateway.maintain();
    assert_eq!(report.unloaded, ["POOL"]);
    assert_eq!(report.kept, [("PINNED", Kept::HoldsData)]);
}

#[test]
fn the_seed_defaults_keep_everything_resident() {
    // MIN_RESIDENT_MODULES=8 and three modules: nothing unloads, whatever the clock says.
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(Config::default().clock(Arc::new(clock.clone())));
    gateway.pool_touch(None).unwrap();
    assert_eq!(
        kept(&gateway, "POOL"),
        Some(Kept::GracePeriod),
        "use is noticed at maintenance"
    );
    clock.advance(Duration::from_secs(3600));
    let report = gateway.maintain();
    assert!(report.unloaded.is_empty());
    assert_eq!(report.kept, [("POOL", Kept::MinResident)]);
}

#[test]
fn unloading_can_be_switched_off() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock).unloading(false));
    gateway.pool_touch(None).unwrap();
    let report = gateway.maintain();
    assert!(report.unloaded.is_empty() && report.kept.is_empty());
    assert!(loaded(&gateway, "POOL"));
}

#[test]
fn maintenance_runs_when_due() {
    let clock = ManualClock::new();
    let gateway = Gateway::with_config(eager_unloading(&clock));
    assert!(
        gateway.maintain_if_due(Duration::from_secs(1)).is_some(),
        "the first is always due"
    );
    assert!(gateway.maintain_if_due(Duration::from_secs(1)).is_none());
    clock.advance(Duration::from_secs(1));
    assert!(gateway.maintain_if_due(Duration::from_secs(1)).is_some());
    assert_eq!(gateway.stats().maintenance.runs, 2);
}

#[test]
fn preloading_follows_the_configuration() {
    // PINNED has a critical operation: PRELOAD_CRITICAL_MODULES (on by default) creates it.
    let default = Gateway::start(Config::default()).unwrap();
    assert!(loaded(&default, "PINNED") && !loaded(&default, "POOL"));
    let lazy = Gateway::start(Config::default().preload_critical(false)).unwrap();
    assert!(
        !loaded(&lazy, "PINNED"),
        "nothing is preloaded when critical preloading is off"
    );
    // REMOTE is created asynchronously, so a synchronous start cannot create everything.
    let error = Gateway::start(Config::default().lazy_loading(false)).unwrap_err();
    assert_eq!(error.kind(), "init_failed");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let eager = runtime
        .block_on(Gateway::start_async(Config::default().lazy_loading(false)))
        .unwrap();
    for interface in ["STORE", "POOL", "PINNED", "REMOTE"] {
        assert!(
            loaded(&eager, interface),
            "{interface} preloaded when lazy loading is off"
        );
    }
}

#[tokio::test]
async fn state_created_asynchronously_serves_async_and_then_sync_operations() {
    let gateway = Gateway::new();
    let error = gateway.remote_peek().unwrap_err();
    assert_eq!(
        error.to_string(),
        "interface `REMOTE` could not be initialised: the state of `REMOTE` is created asynchronously: \
         call it from an async operation, or start the gateway with `start_async`"
    );
    assert_eq!(gateway.remote_ping().await.unwrap(), "connected to REMOTE");
    assert_eq!(
        gateway.remote_peek().unwrap(),
        "connected to REMOTE",
        "once created, sync calls use it"
    );
    let remote = gateway
        .stats()
        .modules
        .into_iter()
        .find(|m| m.interface == "REMOTE")
        .unwrap();
    assert_eq!(remote.loads, 1);
}

#[test]
fn the_fast_path_is_taken_after_the_threshold_and_counted() {
    let gateway = Gateway::with_config(Config::default().fast_path_threshold(3));
    for _ in 0..10 {
        gateway.pool_touch(None).unwrap();
    }
    let stats = gateway.stats();
    let op = stats
        .operations
        .iter()
        .find(|o| o.operation == "POOL.touch")
        .unwrap();
    assert_eq!((op.calls, op.fast_calls, op.errors), (10, 7, 0));
    assert!(op.hot && op.latency.sampled >= 1);
    let disabled = Gateway::with_config(Config::default().fast_path(false));
    for _ in 0..10 {
        disabled.pool_touch(None).unwrap();
    }
    assert!(disabled.stats().fast_path.is_empty());
}

#[tokio::test]
async fn stats_are_json_ready_for_an_entry_point() {
    let gateway = Gateway::new();
    gateway
        .execute_operation("STORE", "put", json!({"key": "a", "value": 1}))
        .await
        .unwrap();
    let failed = gateway
        .execute_operation("STORE", "put", json!({"key": "a"}))
        .await;
    assert!(failed.is_err());
    let stats = gateway.stats().to_json();
    assert_eq!(stats["manifest"], "tests/lmms/operations.yaml");
    let put = stats["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation"] == "STORE.put")
        .unwrap();
    // The failed call never reached the core function: it is not counted as a call.
    assert_eq!(
        (put["calls"].as_u64(), put["errors"].as_u64()),
        (Some(1), Some(0))
    );
    assert!(
        stats["modules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["interface"] == "STORE" && m["loaded"] == true)
    );
}

#[test]
fn concurrent_calls_never_run_on_dropped_state_and_protected_data_survives() {
    let clock = ManualClock::new();
    let gateway = Arc::new(Gateway::with_config(eager_unloading(&clock)));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Everyone starts together, so that on a loaded machine the reaper cannot be left
    // waiting until the callers are done.
    let start = Arc::new(std::sync::Barrier::new(5));
    let unloaded = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let callers: Vec<_> = (0..4)
        .map(|thread| {
            let (gateway, start, unloaded) = (gateway.clone(), start.clone(), unloaded.clone());
            std::thread::spawn(move || {
                start.wait();
                for i in 0..400 {
                    let generation = gateway
                        .pool_touch(Some(50))
                        .expect("a call never sees dropped state");
                    assert!(generation > 0);
                    gateway.store_put(format!("{thread}-{i}"), i).unwrap();
                }
                // Unloading needs a moment without calls; on a loaded machine the loop above
                // may never leave one. Keep calling, with pauses, until unloads have happened
                // between calls (bounded: at most about 4 s).
                for _ in 0..20_000 {
                    if unloaded.load(Ordering::Relaxed) >= 2 {
                        break;
                    }
                    std::thread::sleep(Duration::from_micros(200));
                    let generation = gateway
                        .pool_touch(Some(50))
                        .expect("a call never sees dropped state");
                    assert!(generation > 0);
                }
            })
        })
        .collect();
    let reaper = {
        let (gateway, stop, start) = (gateway.clone(), stop.clone(), start.clone());
        let unloaded = unloaded.clone();
        std::thread::spawn(move || {
            let mut unloads = 0;
            start.wait();
            while !stop.load(Ordering::Relaxed) {
                unloads += gateway.maintain().unloaded.len();
                unloaded.store(unloads, Ordering::Relaxed);
            }
            unloads
        })
    };
    for caller in callers {
        caller.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let unloads = reaper.join().unwrap();
    assert!(
        unloads > 0,
        "the test only means something if unloads raced with calls"
    );
    for thread in 0..4 {
        for i in 0..400 {
            assert_eq!(
                gateway.store_get(format!("{thread}-{i}")).unwrap(),
                Some(i),
                "STORE lost {thread}-{i}"
            );
        }
    }
}

#[test]
fn the_reaper_thread_unloads_idle_modules() {
    let gateway = Arc::new(Gateway::with_config(
        Config::default()
            .grace_period(Duration::ZERO)
            .min_resident(0)
            .hot_path_protection(false),
    ));
    gateway.pool_touch(None).unwrap();
    let reaper = gateway_runtime::Reaper::spawn(gateway.clone(), Duration::from_millis(5)).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while loaded(&gateway, "POOL") {
        assert!(
            std::time::Instant::now() < deadline,
            "the reaper should unload POOL"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    reaper.stop();
}

#[tokio::test]
async fn the_service_trait_resolves_and_calls_only_this_gateways_operations() {
    use gateway_runtime::{OperationDescriptor, Service};
    let gateway = Gateway::new();
    let op = Service::resolve(&gateway, "STORE", "put").expect("STORE.put resolves");
    assert_eq!(op.name, "STORE.put");
    let result = gateway.call(op, json!({"key": "k", "value": 3})).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(Service::resolve(&gateway, "STORE", "nope").is_none());

    // A descriptor with a valid index from some other registry is not dispatched by its index.
    static FOREIGN: OperationDescriptor = OperationDescriptor::new(0, "OTHER.put", "other_put", 0);
    assert_eq!(op.id, FOREIGN.id, "STORE.put is the first operation");
    let error = gateway.call(&FOREIGN, json!({})).await.unwrap_err();
    assert_eq!(error.kind(), "unknown_interface", "{error}");
}
