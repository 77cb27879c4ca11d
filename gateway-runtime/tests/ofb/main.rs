//! OFB on a generated gateway: `execute_batch` fuses runs of calls into batch calls (order,
//! chunk boundaries, duplicates, the empty batch, interleaving, per-call and per-chunk
//! failures, keyed results), and a `Coalescer` gathers calls awaited together.
//! Every core function logs the call it received, so each test checks exactly which calls
//! the batch became.

use gateway_runtime::ofb::BatchCall;
use gateway_runtime::{Interface, Value, operation};
use serde_json::Map;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

gateway_runtime::gateway!();

use gateway::Gateway;

/// KV's state: the map, and the log of calls received.
#[derive(Default, Interface)]
#[interface(default)]
pub struct Kv {
    map: Mutex<HashMap<String, i64>>,
    log: Mutex<Vec<String>>,
}

impl Kv {
    fn record(&self, call: String) {
        self.log.lock().unwrap().push(call);
    }

    fn read(&self, key: &str) -> Option<i64> {
        self.map.lock().unwrap().get(key).copied()
    }
}

#[operation(KV.get)]
fn get(kv: &Kv, key: &str, default: Option<i64>) -> Value {
    kv.record(format!("get({key})"));
    kv.read(key).or(default).map_or(Value::Null, Value::from)
}

#[operation(KV.get_many)]
fn get_many(kv: &Kv, keys: Vec<String>) -> Result<Vec<Value>, String> {
    kv.record(format!("get_many[{}]", keys.join(",")));
    if keys.iter().any(|k| k == "boom") {
        return Err("the store refused the key `boom`".into());
    }
    Ok(keys
        .iter()
        .map(|k| kv.read(k).map_or(Value::Null, Value::from))
        .collect())
}

#[operation(KV.put)]
fn put(kv: &Kv, key: String, value: i64) {
    kv.record(format!("put({key})"));
    kv.map.lock().unwrap().insert(key, value);
}

#[operation(KV.put_many)]
fn put_many(kv: &Kv, entries: Vec<Map<String, Value>>) -> Result<(), String> {
    let keys: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.get("key").and_then(Value::as_str))
        .collect();
    kv.record(format!("put_many[{}]", keys.join(",")));
    let mut map = kv.map.lock().unwrap();
    for entry in &entries {
        let key = entry.get("key").and_then(Value::as_str);
        let value = entry.get("value").and_then(Value::as_i64);
        let (Some(key), Some(value)) = (key, value) else {
            return Err(format!("not an entry: {entry:?}"));
        };
        map.insert(key.to_owned(), value);
    }
    Ok(())
}

#[operation(KV.lookup)]
fn lookup(kv: &Kv, key: &str) -> Value {
    kv.record(format!("lookup({key})"));
    kv.read(key).map_or(Value::Null, Value::from)
}

#[operation(KV.lookup_many)]
fn lookup_many(kv: &Kv, keys: Vec<String>) -> BTreeMap<String, Value> {
    kv.record(format!("lookup_many[{}]", keys.join(",")));
    keys.into_iter()
        .filter_map(|k| kv.read(&k).map(|v| (k, Value::from(v))))
        .collect()
}

#[operation(KV.incr)]
fn incr(kv: &Kv, key: &str) -> i64 {
    kv.record(format!("incr({key})"));
    let mut map = kv.map.lock().unwrap();
    let value = map.entry(key.to_owned()).or_insert(0);
    *value += 1;
    *value
}

#[operation(KV.log)]
fn log(kv: &Kv) -> Vec<String> {
    std::mem::take(&mut *kv.log.lock().unwrap())
}

fn get_call(key: &str) -> BatchCall {
    BatchCall::new("KV", "get", json!({ "key": key }))
}

fn put_call(key: &str, value: i64) -> BatchCall {
    BatchCall::new("KV", "put", json!({ "key": key, "value": value }))
}

/// A gateway holding `a` = 1, `b` = 2, ... for `keys`, with its log cleared.
fn gateway_with(keys: &[&str]) -> Gateway {
    let gateway = Gateway::new();
    for (i, key) in keys.iter().enumerate() {
        gateway.kv_put(*key, i as i64 + 1).unwrap();
    }
    gateway.kv_log().unwrap();
    gateway
}

/// The results as JSON: `{"ok": value}` or `{"error": kind}`.
fn outcomes(results: Vec<Result<Value, gateway_runtime::GatewayError>>) -> Vec<Value> {
    results
        .into_iter()
        .map(|result| match result {
            Ok(value) => json!({ "ok": value }),
            Err(error) => json!({ "error": error.kind() }),
        })
        .collect()
}

#[tokio::test]
async fn a_run_of_gets_is_fused_and_chunked_by_max_size_in_order() {
    let gateway = gateway_with(&["a", "b", "c", "d", "e", "f", "g"]);
    let calls = ["a", "b", "c", "d", "e", "f", "g"].map(get_call).to_vec();
    let results = gateway.execute_batch(calls).await;
    assert_eq!(
        outcomes(results),
        (1..=7).map(|v| json!({ "ok": v })).collect::<Vec<_>>()
    );
    assert_eq!(
        gateway.kv_log().unwrap(),
        ["get_many[a,b,c]", "get_many[d,e,f]", "get(g)"],
        "chunks of max_size 3, the last one-call chunk as a single call"
    );
}

#[tokio::test]
async fn the_empty_batch_makes_no_call() {
    let gateway = gateway_with(&[]);
    assert!(gateway.execute_batch(Vec::new()).await.is_empty());
    assert!(gateway.kv_log().unwrap().is_empty());
}

#[tokio::test]
async fn duplicate_keys_each_get_their_result() {
    let gateway = gateway_with(&["a", "b"]);
    let calls = ["a", "a", "b"].map(get_call).to_vec();
    let results = outcomes(gateway.execute_batch(calls).await);
    assert_eq!(
        results,
        [json!({"ok": 1}), json!({"ok": 1}), json!({"ok": 2})]
    );
    assert_eq!(gateway.kv_log().unwrap(), ["get_many[a,a,b]"]);
}

#[tokio::test]
async fn interleaved_calls_keep_the_order_of_one_by_one_execution() {
    let gateway = gateway_with(&[]);
    let calls = vec![
        put_call("a", 1),
        put_call("b", 2),
        get_call("a"),
        BatchCall::new("KV", "incr", json!({"key": "a"})),
        get_call("a"),
        get_call("b"),
        put_call("c", 3),
        get_call("c"),
    ];
    let results = outcomes(gateway.execute_batch(calls).await);
    assert_eq!(
        results,
        [
            json!({"ok": null}),
            json!({"ok": null}),
            json!({"ok": 1}),
            json!({"ok": 2}),
            json!({"ok": 2}),
            json!({"ok": 2}),
            json!({"ok": null}),
            json!({"ok": 3}),
        ],
        "the get after incr sees the increment; the get of c sees the put before it"
    );
    assert_eq!(
        gateway.kv_log().unwrap(),
        [
            "put_many[a,b]",
            "get(a)",
            "incr(a)",
            "get_many[a,b]",
            "put(c)",
            "get(c)"
        ]
    );
}

#[tokio::test]
async fn a_call_that_cannot_be_fused_runs_alone_and_splits_the_run() {
    let gateway = gateway_with(&["a", "b", "c", "d"]);
    let calls = vec![
        get_call("a"),
        get_call("b"),
        BatchCall::new("KV", "get", json!({"key": "x", "default": 5})),
        get_call("c"),
        get_call("d"),
    ];
    let results = outcomes(gateway.execute_batch(calls).await);
    assert_eq!(results[2], json!({"ok": 5}), "its default applies");
    assert_eq!(
        gateway.kv_log().unwrap(),
        ["get_many[a,b]", "get(x)", "get_many[c,d]"]
    );
}

#[tokio::test]
async fn an_explicit_default_equal_to_the_declared_one_still_fuses() {
    let gateway = gateway_with(&["a", "b"]);
    let calls = vec![
        get_call("a"),
        BatchCall::new("KV", "get", json!({"key": "b", "default": null})),
    ];
    gateway.execute_batch(calls).await;
    assert_eq!(gateway.kv_log().unwrap(), ["get_many[a,b]"]);
}

/// Found by the `params` fuzz target: `{"key": "a", "value": 1, "7": null}` was accepted
/// alone (a `null` parameter is an omitted one) but refused in a batch as an unexpected
/// parameter `7`. Both paths now drop such `null`s first.
#[tokio::test]
async fn null_parameters_are_omitted_in_a_batch_as_they_are_alone() {
    let alone = gateway_with(&[]);
    let batched = gateway_with(&[]);
    let calls = vec![
        BatchCall::new("KV", "put", json!({"key": "a", "value": 1, "7": null})),
        BatchCall::new("KV", "put", json!({"key": "b", "value": 2})),
        BatchCall::new(
            "KV",
            "get",
            json!({"key": "a", "default": null, "junk": null}),
        ),
        BatchCall::new("KV", "get", json!({"key": "b", "junk": 1})),
    ];
    let mut one_by_one = Vec::new();
    for call in calls.clone() {
        let result = alone
            .execute_operation(&call.interface, &call.operation, call.params)
            .await;
        one_by_one.push(result);
    }
    let expected = [
        json!({"ok": null}),
        json!({"ok": null}),
        json!({"ok": 1}),
        json!({"error": "invalid_params"}),
    ];
    assert_eq!(outcomes(one_by_one), expected);
    assert_eq!(outcomes(batched.execute_batch(calls).await), expected);
}

#[tokio::test]
async fn invalid_and_unknown_calls_fail_alone_and_the_rest_is_still_fused() {
    let gateway = gateway_with(&["a", "b"]);
    let calls = vec![
        get_call("a"),
        BatchCall::new("KV", "get", json!({"key": 7})),
        BatchCall::new("KV", "gte", json!({"key": "a"})),
        BatchCall::new("NOPE", "get", Value::Null),
        get_call("b"),
    ];
    let results = outcomes(gateway.execute_batch(calls).await);
    assert_eq!(
        results,
        [
            json!({"ok": 1}),
            json!({"error": "invalid_params"}),
            json!({"error": "unknown_operation"}),
            json!({"error": "unknown_interface"}),
            json!({"ok": 2}),
        ]
    );
    assert_eq!(gateway.kv_log().unwrap(), ["get_many[a,b]"]);
}

#[tokio::test]
async fn a_failed_chunk_fails_only_its_own_calls() {
    let gateway = gateway_with(&["a", "b", "c", "d"]);
    let calls = ["a", "b", "boom", "c", "d"].map(get_call).to_vec();
    let results = gateway.execute_batch(calls).await;
    let message = results[0].as_ref().unwrap_err().to_string();
    assert_eq!(
        message,
        "`KV.get` was fused into `KV.get_many`, which failed: \
         `KV.get_many` failed: the store refused the key `boom`"
    );
    assert_eq!(
        outcomes(results),
        [
            json!({"error": "batch_failed"}),
            json!({"error": "batch_failed"}),
            json!({"error": "batch_failed"}),
            json!({"ok": 3}),
            json!({"ok": 4}),
        ]
    );
    assert_eq!(
        gateway.kv_log().unwrap(),
        ["get_many[a,b,boom]", "get_many[c,d]"],
        "a failed chunk is not retried call by call"
    );
}

#[tokio::test]
async fn keyed_results_are_found_by_key_and_absent_keys_are_null() {
    let gateway = gateway_with(&["x", "y"]);
    let calls = ["x", "zzz", "y", "x"]
        .map(|k| BatchCall::new("KV", "lookup", json!({ "key": k })))
        .to_vec();
    let results = outcomes(gateway.execute_batch(calls).await);
    assert_eq!(
        results,
        [
            json!({"ok": 1}),
            json!({"ok": null}),
            json!({"ok": 2}),
            json!({"ok": 1})
        ]
    );
    assert_eq!(gateway.kv_log().unwrap(), ["lookup_many[x,zzz,y,x]"]);
}

#[tokio::test]
async fn object_items_carry_every_parameter() {
    let gateway = gateway_with(&[]);
    let calls = vec![put_call("a", 10), put_call("b", 20), put_call("c", 30)];
    gateway.execute_batch(calls).await;
    assert_eq!(gateway.kv_log().unwrap(), ["put_many[a,b]", "put(c)"]);
    assert_eq!(gateway.kv_get("b", None).unwrap(), json!(20));
}

#[tokio::test]
async fn concurrent_callers_each_get_their_own_results() {
    let gateway = Arc::new(gateway_with(&[]));
    let mut tasks = Vec::new();
    for caller in 0..8i64 {
        let gateway = gateway.clone();
        tasks.push(tokio::spawn(async move {
            let key = |i: i64| format!("c{caller}-{i}");
            let puts = (0..10)
                .map(|i| put_call(&key(i), caller * 100 + i))
                .collect();
            gateway.execute_batch(puts).await;
            let gets = (0..10).map(|i| get_call(&key(i))).collect();
            outcomes(gateway.execute_batch(gets).await)
        }));
    }
    for (caller, task) in tasks.into_iter().enumerate() {
        let expected: Vec<Value> = (0..10)
            .map(|i| json!({ "ok": caller as i64 * 100 + i }))
            .collect();
        assert_eq!(task.await.unwrap(), expected, "caller {caller}");
    }
}

#[tokio::test]
async fn the_dynamic_path_free_function_reaches_the_process_wide_gateway() {
    let results = gateway::execute_batch(vec![BatchCall::new("KV", "incr", json!({"key": "g"}))])
        .await
        .unwrap();
    assert!(results[0].as_ref().is_ok_and(|v| v.as_i64().is_some()));
}

mod coalescing {
    use super::*;
    use futures_util::FutureExt;
    use futures_util::future::join_all;

    #[tokio::test]
    async fn calls_awaited_together_become_one_batch_call_per_operation() {
        let gateway = gateway_with(&["a", "b", "c", "x"]);
        let calls = gateway.coalescer();
        let (gets, lookups) = tokio::join!(
            join_all(["a", "b", "c", "a"].map(|k| calls.call("KV", "get", json!({ "key": k })))),
            join_all(["x", "y"].map(|k| calls.call("KV", "lookup", json!({ "key": k })))),
        );
        let gets: Vec<Value> = gets.into_iter().map(Result::unwrap).collect();
        let lookups: Vec<Value> = lookups.into_iter().map(Result::unwrap).collect();
        assert_eq!(gets, [json!(1), json!(2), json!(3), json!(1)]);
        assert_eq!(lookups, [json!(4), Value::Null]);
        let mut log = gateway.kv_log().unwrap();
        log.sort();
        assert_eq!(
            log,
            ["get(a)", "get_many[a,b,c]", "lookup_many[x,y]"],
            "four gets in chunks of 3 (the last alone), two lookups in one call"
        );
    }

    #[tokio::test]
    async fn a_call_awaited_alone_runs_as_itself() {
        let gateway = gateway_with(&["a"]);
        let calls = gateway.coalescer();
        assert_eq!(
            calls.call("KV", "get", json!({"key": "a"})).await.unwrap(),
            json!(1)
        );
        assert_eq!(
            calls.call("KV", "get", json!({"key": "a"})).await.unwrap(),
            json!(1)
        );
        assert_eq!(gateway.kv_log().unwrap(), ["get(a)", "get(a)"]);
    }

    #[tokio::test]
    async fn calls_without_a_partner_or_that_cannot_fuse_run_as_they_are() {
        let gateway = gateway_with(&["a", "b"]);
        let calls = gateway.coalescer();
        let (incr, get, other) = tokio::join!(
            calls.call("KV", "incr", json!({"key": "a"})),
            calls.call("KV", "get", json!({"key": "zz", "default": 9})),
            calls.call("KV", "get", json!({"key": "b"})),
        );
        assert_eq!(
            (incr.unwrap(), get.unwrap(), other.unwrap()),
            (json!(2), json!(9), json!(2))
        );
        let mut log = gateway.kv_log().unwrap();
        log.sort();
        assert_eq!(log, ["get(b)", "get(zz)", "incr(a)"]);
    }

    #[tokio::test]
    async fn bad_calls_fail_alone() {
        let gateway = gateway_with(&["a", "b"]);
        let calls = gateway.coalescer();
        let (a, bad, unknown, b) = tokio::join!(
            calls.call("KV", "get", json!({"key": "a"})),
            calls.call("KV", "get", json!({"key": ["a"]})),
            calls.call("KV", "nope", Value::Null),
            calls.call("KV", "get", json!({"key": "b"})),
        );
        assert_eq!((a.unwrap(), b.unwrap()), (json!(1), json!(2)));
        assert_eq!(bad.unwrap_err().kind(), "invalid_params");
        assert_eq!(unknown.unwrap_err().kind(), "unknown_operation");
        assert_eq!(gateway.kv_log().unwrap(), ["get_many[a,b]"]);
    }

    #[tokio::test]
    async fn a_failed_batch_fails_each_of_its_calls() {
        let gateway = gateway_with(&["a"]);
        let calls = gateway.coalescer();
        let results =
            join_all(["a", "boom"].map(|k| calls.call("KV", "get", json!({ "key": k })))).await;
        for result in results {
            assert_eq!(result.unwrap_err().kind(), "batch_failed");
        }
    }

    #[tokio::test]
    async fn when_the_leading_call_is_dropped_the_others_get_an_error_not_a_hang() {
        let gateway = gateway_with(&["a", "b"]);
        let calls = gateway.coalescer();
        let mut leader = Box::pin(calls.call("KV", "get", json!({"key": "a"})));
        let mut follower = Box::pin(calls.call("KV", "get", json!({"key": "b"})));
        assert!(
            (&mut leader).now_or_never().is_none(),
            "the leader yields once"
        );
        assert!(
            (&mut follower).now_or_never().is_none(),
            "the follower joins and waits"
        );
        drop(leader);
        let error = follower.await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "`KV.get` was fused into `KV.get_many`, which failed: \
             the call that led this batch was cancelled before running it"
        );
        // The coalescer is usable afterwards.
        assert_eq!(
            calls.call("KV", "get", json!({"key": "a"})).await.unwrap(),
            json!(1)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_from_tasks_spawned_together_are_gathered_too() {
        let gateway: &'static Gateway = Box::leak(Box::new(gateway_with(&["a", "b", "c"])));
        let calls: &'static _ = Box::leak(Box::new(gateway.coalescer()));
        let tasks: Vec<_> = ["a", "b", "c"]
            .map(|k| tokio::spawn(calls.call("KV", "get", json!({ "key": k }))))
            .into_iter()
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap().unwrap());
        }
        assert_eq!(results, [json!(1), json!(2), json!(3)]);
        // Tasks may start on either worker before the leader is polled again: every call is
        // answered, in one or more batch calls.
        let log = gateway.kv_log().unwrap();
        assert!(!log.is_empty() && log.len() <= 3, "{log:?}");
    }
}
