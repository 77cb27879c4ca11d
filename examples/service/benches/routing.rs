//! What the event router adds: each kind of Lambda event routed and dispatched in process, from
//! the parsed payload `lambda_runtime` hands the handler to the response payload, beside the
//! same operation called by name (`execute_operation`) in the same run.
//!
//! Run: `cargo bench -p example-service --bench routing`. The fixture events are the ones in
//! `tests/events/`; the gateway is warm (CACHE loaded, `greeting` set), as after a first call.

use divan::{Bencher, black_box};
use example_service::gateway::Gateway;
use gateway_runtime::Config;
use gateway_runtime::entry::cold::ColdStart;
use gateway_runtime::entry::metrics::{InvocationMetrics, emf_line};
use gateway_runtime::entry::{EventRouter, RouterOptions};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

fn main() {
    divan::main();
}

fn event(name: &str) -> Value {
    let path = format!("{}/tests/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A router over a warm gateway, on a current-thread runtime as in the Lambda binary.
fn warm() -> (EventRouter<Gateway>, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let gateway = runtime
        .block_on(Gateway::start_async(Config::default()))
        .unwrap();
    gateway.cache_set("greeting", json!("hello"), None).unwrap();
    let options = RouterOptions::new("bench", "0");
    let router = EventRouter::with_cold_start(Arc::new(gateway), options, ColdStart::new(false));
    (router, runtime)
}

/// Routes and dispatches `name` (cloned outside the timing, as the handler owns its payload).
fn route(bencher: Bencher, name: &str) {
    let (router, runtime) = warm();
    let event = event(name);
    let check = runtime.block_on(router.handle_event(event.clone(), "bench"));
    assert!(check.is_ok(), "{name}: {check:?}");
    bencher
        .with_inputs(|| event.clone())
        .bench_local_values(|event| {
            black_box(
                runtime
                    .block_on(router.handle_event(event, "bench"))
                    .unwrap(),
            )
        });
}

/// The baseline: the operation the API Gateway events reach, called by name with parsed
/// parameters.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn baseline_execute_operation(bencher: Bencher) {
    let (router, runtime) = warm();
    let gateway = router.service().clone();
    bencher
        .with_inputs(|| json!({"key": "greeting"}))
        .bench_local_values(|params| {
            black_box(runtime.block_on(gateway.execute_operation("CACHE", "get", params)))
        });
}

/// API Gateway HTTP API (payload 2.0): POST /dev/CACHE/get with a base64 body.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn apigw_http_cache_get(bencher: Bencher) {
    route(bencher, "apigw_http_cache_get");
}

/// The same event from its bytes: parsing the payload and writing the response included.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn apigw_http_cache_get_from_bytes(bencher: Bencher) {
    let (router, runtime) = warm();
    let bytes = serde_json::to_vec(&event("apigw_http_cache_get")).unwrap();
    bencher.bench_local(|| {
        let event: Value = serde_json::from_slice(black_box(&bytes)).unwrap();
        let response = runtime
            .block_on(router.handle_event(event, "bench"))
            .unwrap();
        black_box(serde_json::to_vec(&response).unwrap())
    });
}

/// API Gateway REST API (payload 1.0): POST /prod/CACHE/set.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn apigw_rest_cache_set(bencher: Bencher) {
    route(bencher, "apigw_rest_cache_set");
}

/// API Gateway REST API: GET /prod/health.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn apigw_rest_health(bencher: Bencher) {
    route(bencher, "apigw_rest_health");
}

/// Function URL: POST /invoke with `CACHE.exists`.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn function_url_invoke(bencher: Bencher) {
    route(bencher, "function_url_invoke");
}

/// EventBridge: `example.service` / `Log`, the detail as LOGGING.info's parameters.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn eventbridge_log(bencher: Bencher) {
    route(bencher, "eventbridge_log");
}

/// Direct invoke: `CACHE.stats`.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn direct_cache_stats(bencher: Bencher) {
    route(bencher, "direct_cache_stats");
}

/// One Embedded Metric Format line (when metrics are on, each invocation writes one).
#[divan::bench(sample_count = 200, sample_size = 100)]
fn emf_metric_line(bencher: Bencher) {
    bencher.bench_local(|| {
        black_box(emf_line(InvocationMetrics {
            namespace: "bench",
            operation: black_box("CACHE.get"),
            duration: Duration::from_micros(12),
            cold_start: false,
            error: false,
        }))
    });
}
