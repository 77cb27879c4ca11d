//! What a call through the gateway costs, against the same work written by hand.
//!
//! Run: `cargo bench -p example-service --bench dispatch`. Compare the typed and dynamic
//! rows with `inline_lookup`, which does what `CACHE.get`'s core function does (a clock read
//! for the TTL, a read-locked `HashMap` probe, a clone of the value, a hit counter) without
//! the gateway; core functions are private to the crate, so the bench cannot call them.

use divan::{Bencher, black_box};
use example_service::gateway::{self, Gateway};
use futures_util::FutureExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

fn main() {
    divan::main();
}

fn warm_gateway() -> Gateway {
    let gateway = Gateway::new();
    gateway.cache_set("k", 123, None).unwrap();
    gateway
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn inline_lookup(bencher: Bencher) {
    let clock: Arc<dyn Fn() -> Instant + Send + Sync> = Arc::new(Instant::now);
    let map = RwLock::new(HashMap::from([(
        "k".to_owned(),
        (json!(123), None::<Instant>),
    )]));
    let hits = AtomicU64::new(0);
    bencher.bench_local(|| {
        let now = clock();
        let map = map.read().unwrap();
        let value = match map.get(black_box("k")) {
            Some((value, expires)) if expires.is_none_or(|at| now < at) => {
                hits.fetch_add(1, Ordering::Relaxed);
                value.clone()
            }
            _ => Value::Null,
        };
        black_box(value)
    });
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn typed_cache_get(bencher: Bencher) {
    let gateway = warm_gateway();
    bencher.bench_local(|| black_box(gateway.cache_get(black_box("k"), None)));
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn typed_cache_set(bencher: Bencher) {
    let gateway = warm_gateway();
    bencher.bench_local(|| black_box(gateway.cache_set(black_box("k"), 123, None)));
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn resolve_only(bencher: Bencher) {
    bencher.bench_local(|| black_box(gateway::resolve(black_box("CACHE"), black_box("get"))));
}

#[divan::bench(sample_count = 200, sample_size = 400)]
fn dynamic_cache_get(bencher: Bencher) {
    let gateway = warm_gateway();
    bencher
        .with_inputs(|| json!({"key": "k"}))
        .bench_local_values(|params| {
            // A synchronous operation's future is ready on its first poll.
            black_box(
                gateway
                    .execute_operation("CACHE", "get", params)
                    .now_or_never(),
            )
        });
}
