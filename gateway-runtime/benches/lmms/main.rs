//! LMMS benchmarks: what a call costs on each path, against the core function called directly
//! and against the registry a Rust developer would write by hand.
//!
//! Run: `cargo bench -p gateway-runtime --bench lmms`. The free-tier guard's cost alone:
//! `cargo bench -p gateway-runtime --bench lmms -- free_tier typed_wrapper_fast_path direct_core_call`
//! (`free_tier_*` against `typed_wrapper_fast_path`, with the direct call as the baseline).

use divan::{Bencher, black_box};
use futures_util::FutureExt;
use gateway_runtime::ftpms::FreeTierConfig;
use gateway_runtime::{BoxError, Config, InitContext, Interface, Value, operation};
use serde_json::json;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

gateway_runtime::gateway!();

use gateway::{Gateway, OperationId};

fn main() {
    divan::main();
}

/// KV's state: a read-locked map, as a cache would be.
#[derive(Interface)]
#[interface(init = Kv::open)]
pub struct Kv(RwLock<HashMap<String, Value>>);

impl Kv {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Kv(RwLock::new(HashMap::from([(
            "k".to_owned(),
            json!(123),
        )]))))
    }
}

/// BIG's state: a few megabytes, for the cost of creating state again.
#[derive(Interface)]
#[interface(init = Big::open)]
pub struct Big(Vec<u8>);

impl Big {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Big(vec![1; 4 << 20]))
    }
}

#[operation(KV.get)]
fn get(kv: &Kv, key: &str) -> Value {
    kv.0.read()
        .unwrap()
        .get(key)
        .cloned()
        .unwrap_or(Value::Null)
}

#[operation(BIG.len)]
fn len(big: &Big) -> i64 {
    big.0.len() as i64
}

/// A gateway whose `KV.get` is hot (on the fast path) and whose KV state exists.
fn hot_gateway(config: Config) -> Gateway {
    let gateway = Gateway::with_config(config);
    for _ in 0..20 {
        gateway.kv_get("k").unwrap();
    }
    gateway
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn direct_core_call(bencher: Bencher) {
    let kv = Kv::open(&test_context()).unwrap();
    bencher.bench_local(|| black_box(get(black_box(&kv), black_box("k"))));
}

fn test_context() -> InitContext<'static> {
    InitContext::new(&gateway::REGISTRY.interfaces[0])
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn typed_wrapper_fast_path(bencher: Bencher) {
    let gateway = hot_gateway(Config::default());
    assert!(gateway.runtime().is_hot(OperationId::KvGet.descriptor()));
    bencher.bench_local(|| black_box(gateway.kv_get(black_box("k"))));
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn typed_wrapper_cold_path(bencher: Bencher) {
    let gateway = hot_gateway(Config::default().fast_path(false));
    bencher.bench_local(|| black_box(gateway.kv_get(black_box("k"))));
}

/// The free-tier guard's check alone, as every call makes it (the level is normal).
#[divan::bench(sample_count = 200, sample_size = 400)]
fn free_tier_check(bencher: Bencher) {
    let gateway = hot_gateway(Config::default());
    let op = OperationId::KvGet.descriptor();
    bencher.bench_local(|| black_box(gateway.runtime().free_tier().check(black_box(op))));
}

/// The hot typed call with free-tier protection turned off (`FREE_TIER_PROTECTION=false`).
/// Protection off still runs the guard's check (usage is tracked and the level can reach
/// warn), so against `typed_wrapper_fast_path` this shows what the setting changes, not
/// what the guard costs: for that, see `free_tier_guard_added_to_typed_call`.
#[divan::bench(sample_count = 200, sample_size = 400)]
fn free_tier_protection_off_typed_call(bencher: Bencher) {
    let gateway =
        hot_gateway(Config::default().free_tier(FreeTierConfig::default().protection(false)));
    bencher.bench_local(|| black_box(gateway.kv_get(black_box("k"))));
}

/// The hot typed call with the guard's check made a second time before it: against
/// `typed_wrapper_fast_path` (one check, inside the call), the difference is what one check
/// adds to a typed call in place, with the call's own code around it. The runtime has no way
/// to leave the check out, so the guard's cost is measured by adding one rather than removing
/// it.
#[divan::bench(sample_count = 200, sample_size = 400)]
fn free_tier_guard_added_to_typed_call(bencher: Bencher) {
    let gateway = hot_gateway(Config::default());
    let op = OperationId::KvGet.descriptor();
    bencher.bench_local(|| {
        let allowed = gateway.runtime().free_tier().check(black_box(op));
        black_box(allowed.and_then(|()| gateway.kv_get(black_box("k"))))
    });
}

/// Two threads calling the same hot operation: the cold path's shared heat counter bounces
/// between the cores; the fast path touches no shared counter.
#[divan::bench(sample_count = 200, sample_size = 400, threads = [2])]
fn typed_wrapper_fast_path_2_threads(bencher: Bencher) {
    let gateway = hot_gateway(Config::default());
    bencher.bench(|| black_box(gateway.kv_get(black_box("k"))));
}

#[divan::bench(sample_count = 200, sample_size = 400, threads = [2])]
fn typed_wrapper_cold_path_2_threads(bencher: Bencher) {
    let gateway = hot_gateway(Config::default().fast_path(false));
    bencher.bench(|| black_box(gateway.kv_get(black_box("k"))));
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn resolve_only(bencher: Bencher) {
    bencher.bench_local(|| black_box(gateway::resolve(black_box("KV"), black_box("get"))));
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn resolve_and_typed_dispatch(bencher: Bencher) {
    let gateway = hot_gateway(Config::default());
    bencher.bench_local(
        || match gateway::resolve(black_box("KV"), black_box("get")) {
            Ok(OperationId::KvGet) => black_box(gateway.kv_get(black_box("k"))),
            _ => unreachable!("KV.get resolves"),
        },
    );
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn execute_operation_fast_path(bencher: Bencher) {
    let gateway = hot_gateway(Config::default());
    bencher
        .with_inputs(|| json!({"key": "k"}))
        .bench_local_values(|params| {
            black_box(
                gateway
                    .execute_operation("KV", "get", params)
                    .now_or_never(),
            )
        });
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn execute_operation_cold_path(bencher: Bencher) {
    let gateway = hot_gateway(Config::default().fast_path(false));
    bencher
        .with_inputs(|| json!({"key": "k"}))
        .bench_local_values(|params| {
            black_box(
                gateway
                    .execute_operation("KV", "get", params)
                    .now_or_never(),
            )
        });
}

type Handler = Box<dyn Fn(&Value) -> Result<Value, String> + Send + Sync>;

/// The registry a Rust developer would write by hand: boxed closures over JSON in a HashMap.
fn handwritten_registry(kv: &'static Kv) -> HashMap<String, Handler> {
    let mut registry: HashMap<String, Handler> = HashMap::new();
    registry.insert(
        "KV.get".to_owned(),
        Box::new(move |params: &Value| {
            let key = params
                .get("key")
                .and_then(Value::as_str)
                .ok_or("missing key")?;
            Ok(get(kv, key))
        }),
    );
    registry
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn handwritten_hashmap_baseline(bencher: Bencher) {
    let kv: &'static Kv = Box::leak(Box::new(Kv::open(&test_context()).unwrap()));
    let registry = handwritten_registry(kv);
    bencher
        .with_inputs(|| json!({"key": "k"}))
        .bench_local_values(|params| {
            let name = format!("{}.{}", black_box("KV"), black_box("get"));
            let handler = registry
                .get(&name)
                .ok_or_else(|| "unknown operation".to_owned());
            black_box(handler.and_then(|handler| handler(&params)))
        });
}

/// Re-creating state after an unload: the 4 MB of BIG, with its memory given back to the
/// system at the unload (the default) or kept by the allocator.
#[divan::bench(sample_count = 200, sample_size = 1, args = [true, false])]
fn first_call_after_unload(bencher: Bencher, release_memory: bool) {
    let config = Config::default()
        .grace_period(Duration::ZERO)
        .min_resident(0)
        .hot_path_protection(false)
        .release_memory(release_memory);
    let gateway = Gateway::with_config(config);
    bencher
        .with_inputs(|| {
            gateway.big_len().unwrap();
            let report = gateway.maintain();
            assert_eq!(report.unloaded, ["BIG"]);
        })
        .bench_local_values(|()| black_box(gateway.big_len()));
}
