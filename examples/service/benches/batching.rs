//! N single `CACHE.get`s against one fused batch, for N = 3, 8 and 100, on the in-memory cache
//! (with object values, and with short string values) and on Redis over loopback, in one run.
//!
//! Run: `cargo bench -p example-service --bench batching` (the Redis rows need `redis-server`
//! installed; the bench starts its own on a free loopback port and skips them without it).
//!
//! Each row reads N present keys:
//! - `singles_typed`: N calls of `gateway.cache_get(key, None)`;
//! - `batch_typed`: one `gateway.cache_get_batch(keys)`, the batch partner's own wrapper;
//! - `singles_dynamic`: N `execute_operation("CACHE", "get", ...)`;
//! - `execute_batch`: one `execute_batch` of the N calls, which fuses them into `get_batch`
//!   (chunks of `max_size` 100);
//! - `coalesced`: N calls through a coalescer, awaited together with `join_all`.

use divan::{Bencher, black_box};
use example_service::gateway::Gateway;
use futures_util::future::join_all;
use gateway_runtime::ofb::BatchCall;
use serde_json::{Value, json};
use std::sync::OnceLock;

const SIZES: [usize; 3] = [3, 8, 100];

/// The gateway whose CACHE uses Redis, when redis-server is installed.
static REDIS: OnceLock<Option<&'static Gateway>> = OnceLock::new();
static MEMORY: OnceLock<Gateway> = OnceLock::new();
static MEMORY_SMALL: OnceLock<Gateway> = OnceLock::new();

fn main() {
    // Kept here, so that the server is stopped when the benchmarks are done.
    let _server = start_redis_gateway();
    divan::main();
}

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("key-{i}")).collect()
}

/// A gateway with every key of the largest size present, its CACHE state created; each value
/// an object holding a 32-byte string.
fn filled(gateway: Gateway) -> Gateway {
    for key in keys(100) {
        gateway
            .cache_set(key, json!({"payload": "x".repeat(32)}), None)
            .unwrap();
    }
    gateway
}

/// Starts redis-server and creates the Redis-backed gateway's CACHE state, before any thread
/// exists: the backend is chosen from the environment when the state is created.
#[allow(unsafe_code)]
fn start_redis_gateway() -> Option<testkit::RedisServer> {
    let Some(redis) = testkit::RedisServer::start() else {
        eprintln!("redis-server is not installed: the redis rows are skipped");
        REDIS.get_or_init(|| None);
        return None;
    };
    // SAFETY: nothing else runs yet (divan starts after this function), so no thread reads
    // the environment while it changes.
    unsafe {
        std::env::set_var("CACHE_BACKEND", "redis");
        std::env::set_var("CACHE_REDIS_URL", redis.url());
    }
    let gateway = filled(Gateway::new());
    // SAFETY: as above.
    unsafe {
        std::env::remove_var("CACHE_BACKEND");
        std::env::remove_var("CACHE_REDIS_URL");
    }
    let gateway: &'static Gateway = Box::leak(Box::new(gateway));
    REDIS.get_or_init(|| Some(gateway));
    Some(redis)
}

fn memory() -> &'static Gateway {
    MEMORY.get_or_init(|| filled(Gateway::new()))
}

/// The same keys with short string values, where copying a value costs little.
fn memory_small() -> &'static Gateway {
    MEMORY_SMALL.get_or_init(|| {
        let gateway = Gateway::new();
        for (i, key) in keys(100).into_iter().enumerate() {
            gateway
                .cache_set(key, json!(format!("v{i}")), None)
                .unwrap();
        }
        gateway
    })
}

fn redis() -> Option<&'static Gateway> {
    REDIS.get().copied().flatten()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn singles_typed(bencher: Bencher, gateway: &Gateway, n: usize) {
    let keys = keys(n);
    bencher.bench_local(|| {
        for key in &keys {
            black_box(gateway.cache_get(key.as_str(), None).unwrap());
        }
    });
}

fn batch_typed(bencher: Bencher, gateway: &Gateway, n: usize) {
    let keys = keys(n);
    bencher
        .with_inputs(|| keys.clone())
        .bench_local_values(|keys| black_box(gateway.cache_get_batch(keys).unwrap()));
}

fn singles_dynamic(bencher: Bencher, gateway: &Gateway, n: usize) {
    let runtime = runtime();
    let params: Vec<Value> = keys(n).into_iter().map(|k| json!({ "key": k })).collect();
    bencher
        .with_inputs(|| params.clone())
        .bench_local_values(|params| {
            runtime.block_on(async {
                for params in params {
                    black_box(
                        gateway
                            .execute_operation("CACHE", "get", params)
                            .await
                            .unwrap(),
                    );
                }
            })
        });
}

fn execute_batch(bencher: Bencher, gateway: &Gateway, n: usize) {
    let runtime = runtime();
    let calls: Vec<BatchCall> = keys(n)
        .into_iter()
        .map(|k| BatchCall::new("CACHE", "get", json!({ "key": k })))
        .collect();
    bencher
        .with_inputs(|| calls.clone())
        .bench_local_values(|calls| black_box(runtime.block_on(gateway.execute_batch(calls))));
}

fn coalesced(bencher: Bencher, gateway: &Gateway, n: usize) {
    let runtime = runtime();
    let params: Vec<Value> = keys(n).into_iter().map(|k| json!({ "key": k })).collect();
    bencher
        .with_inputs(|| params.clone())
        .bench_local_values(|params| {
            let calls = gateway.coalescer();
            runtime.block_on(async {
                let futures = params.into_iter().map(|p| calls.call("CACHE", "get", p));
                black_box(join_all(futures).await)
            })
        });
}

mod memory_cache {
    use super::*;

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn singles_typed(bencher: Bencher, n: usize) {
        super::singles_typed(bencher, memory(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn batch_typed(bencher: Bencher, n: usize) {
        super::batch_typed(bencher, memory(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn singles_dynamic(bencher: Bencher, n: usize) {
        super::singles_dynamic(bencher, memory(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn execute_batch(bencher: Bencher, n: usize) {
        super::execute_batch(bencher, memory(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn coalesced(bencher: Bencher, n: usize) {
        super::coalesced(bencher, memory(), n);
    }
}

mod memory_small_values {
    use super::*;

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn singles_typed(bencher: Bencher, n: usize) {
        super::singles_typed(bencher, memory_small(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn batch_typed(bencher: Bencher, n: usize) {
        super::batch_typed(bencher, memory_small(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn singles_dynamic(bencher: Bencher, n: usize) {
        super::singles_dynamic(bencher, memory_small(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn execute_batch(bencher: Bencher, n: usize) {
        super::execute_batch(bencher, memory_small(), n);
    }

    #[divan::bench(args = SIZES, sample_count = 200)]
    fn coalesced(bencher: Bencher, n: usize) {
        super::coalesced(bencher, memory_small(), n);
    }
}

mod redis_cache {
    use super::*;

    #[divan::bench(args = SIZES, sample_count = 100)]
    fn singles_typed(bencher: Bencher, n: usize) {
        if let Some(gateway) = redis() {
            super::singles_typed(bencher, gateway, n);
        }
    }

    #[divan::bench(args = SIZES, sample_count = 100)]
    fn batch_typed(bencher: Bencher, n: usize) {
        if let Some(gateway) = redis() {
            super::batch_typed(bencher, gateway, n);
        }
    }

    #[divan::bench(args = SIZES, sample_count = 100)]
    fn singles_dynamic(bencher: Bencher, n: usize) {
        if let Some(gateway) = redis() {
            super::singles_dynamic(bencher, gateway, n);
        }
    }

    #[divan::bench(args = SIZES, sample_count = 100)]
    fn execute_batch(bencher: Bencher, n: usize) {
        if let Some(gateway) = redis() {
            super::execute_batch(bencher, gateway, n);
        }
    }

    #[divan::bench(args = SIZES, sample_count = 100)]
    fn coalesced(bencher: Bencher, n: usize) {
        if let Some(gateway) = redis() {
            super::coalesced(bencher, gateway, n);
        }
    }
}
