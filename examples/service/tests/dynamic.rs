//! The dynamic path (`Gateway::execute_operation`) on the reference manifest: the CACHE
//! round trip, TTL and batch validation, LOGGING and CONFIG operations, internal operations,
//! unknown names and ill-formed parameters. Errors are checked by kind and exact message.

use example_service::gateway::Gateway;
use serde_json::{Value, json};

/// Runs one operation on `gateway` and returns its result, panicking with the error otherwise.
async fn call(gateway: &Gateway, interface: &str, operation: &str, params: Value) -> Value {
    match gateway
        .execute_operation(interface, operation, params)
        .await
    {
        Ok(value) => value,
        Err(error) => panic!("{interface}.{operation} failed: {error}"),
    }
}

/// Runs one operation that must fail and returns `(kind, message)`.
async fn fail(
    gateway: &Gateway,
    interface: &str,
    operation: &str,
    params: Value,
) -> (String, String) {
    match gateway
        .execute_operation(interface, operation, params)
        .await
    {
        Ok(value) => panic!("{interface}.{operation} succeeded with {value}"),
        Err(error) => (error.kind().to_owned(), error.to_string()),
    }
}

#[tokio::test]
async fn cache_round_trip() {
    let gateway = Gateway::new();

    let stored = json!({"name": "Ada", "langs": ["en", "fr"], "age": 36});
    assert_eq!(
        call(
            &gateway,
            "CACHE",
            "set",
            json!({"key": "user:1", "value": stored})
        )
        .await,
        Value::Null
    );
    assert_eq!(
        call(
            &gateway,
            "CACHE",
            "set",
            json!({"key": "n", "value": 5, "ttl": 60})
        )
        .await,
        Value::Null
    );
    assert_eq!(
        call(&gateway, "CACHE", "get", json!({"key": "user:1"})).await,
        stored
    );
    assert_eq!(
        call(&gateway, "CACHE", "get", json!({"key": "n"})).await,
        json!(5)
    );
    assert_eq!(
        call(&gateway, "CACHE", "get", json!({"key": "absent"})).await,
        Value::Null
    );
    assert_eq!(
        call(
            &gateway,
            "CACHE",
            "get",
            json!({"key": "absent", "default": "fallback"})
        )
        .await,
        json!("fallback")
    );
    assert_eq!(
        call(&gateway, "CACHE", "exists", json!({"key": "user:1"})).await,
        json!(true)
    );
    assert_eq!(
        call(&gateway, "CACHE", "exists", json!({"key": "absent"})).await,
        json!(false)
    );

    // Setting again replaces the value.
    call(&gateway, "CACHE", "set", json!({"key": "n", "value": [6]})).await;
    assert_eq!(
        call(&gateway, "CACHE", "get", json!({"key": "n"})).await,
        json!([6])
    );

    assert_eq!(
        call(&gateway, "CACHE", "delete", json!({"key": "user:1"})).await,
        json!(true)
    );
    assert_eq!(
        call(&gateway, "CACHE", "delete", json!({"key": "user:1"})).await,
        json!(false)
    );
    assert_eq!(
        call(&gateway, "CACHE", "exists", json!({"key": "user:1"})).await,
        json!(false)
    );

    // Four gets: user:1, n, n found (3 hits); absent twice (2 misses). `exists` counts neither.
    assert_eq!(
        call(&gateway, "CACHE", "stats", Value::Null).await,
        json!({"entries": 1, "hits": 3, "misses": 2, "expirations": 0})
    );

    call(&gateway, "CACHE", "set", json!({"key": "m", "value": true})).await;
    assert_eq!(call(&gateway, "CACHE", "clear", json!({})).await, json!(2));
    assert_eq!(
        call(&gateway, "CACHE", "clear", Value::Null).await,
        json!(0)
    );
    assert_eq!(
        call(&gateway, "CACHE", "exists", json!({"key": "n"})).await,
        json!(false)
    );
    assert_eq!(
        call(&gateway, "CACHE", "stats", json!({})).await["entries"],
        json!(0)
    );
}

#[tokio::test]
async fn typed_and_dynamic_paths_share_one_gateway_state() {
    let gateway = Gateway::new();
    gateway.cache_set("shared", "typed", None).unwrap();
    assert_eq!(
        call(&gateway, "CACHE", "get", json!({"key": "shared"})).await,
        json!("typed")
    );
    call(
        &gateway,
        "CACHE",
        "set",
        json!({"key": "shared", "value": "dynamic"}),
    )
    .await;
    assert_eq!(gateway.cache_get("shared", None).unwrap(), json!("dynamic"));

    // Another gateway has a store of its own.
    assert_eq!(
        call(&Gateway::new(), "CACHE", "get", json!({"key": "shared"})).await,
        Value::Null
    );
}

#[tokio::test]
async fn a_non_positive_ttl_fails_naming_the_key() {
    let gateway = Gateway::new();

    for ttl in [0, -30] {
        let (kind, message) = fail(
            &gateway,
            "CACHE",
            "set",
            json!({"key": "session:9", "value": 1, "ttl": ttl}),
        )
        .await;
        assert_eq!(kind, "operation_failed");
        assert_eq!(
            message,
            format!(
                "`CACHE.set` failed: ttl for `session:9` must be a positive number of seconds, got {ttl}"
            )
        );
    }
    assert_eq!(
        call(&gateway, "CACHE", "exists", json!({"key": "session:9"})).await,
        json!(false)
    );

    // `null` for an optional parameter means "omitted": no TTL, the entry never expires.
    call(
        &gateway,
        "CACHE",
        "set",
        json!({"key": "session:9", "value": 1, "ttl": null}),
    )
    .await;
    assert_eq!(
        call(&gateway, "CACHE", "get", json!({"key": "session:9"})).await,
        json!(1)
    );
}

#[tokio::test]
async fn a_ttl_that_is_not_an_int_is_invalid_params() {
    let gateway = Gateway::new();
    let cases = [
        (json!("60"), "expected int, found string \"60\""),
        (json!(1.5), "expected int, found number 1.5"),
        (
            json!(u64::MAX),
            "expected int, found 18446744073709551615, which is out of range for int (i64)",
        ),
    ];
    for (ttl, problem) in cases {
        let (kind, message) = fail(
            &gateway,
            "CACHE",
            "set",
            json!({"key": "k", "value": 1, "ttl": ttl}),
        )
        .await;
        assert_eq!(kind, "invalid_params");
        assert_eq!(
            message,
            format!("invalid parameters for `CACHE.set`: parameter `ttl`: {problem}")
        );
    }
}

#[tokio::test]
async fn set_batch_stores_every_entry_and_get_batch_keeps_order() {
    let gateway = Gateway::new();
    let entries = json!([
        {"key": "a", "value": 1},
        {"key": "b", "value": {"nested": [true]}, "ttl": 300},
        {"key": "c", "value": null, "ttl": null},
    ]);
    assert_eq!(
        call(&gateway, "CACHE", "set_batch", json!({"entries": entries})).await,
        Value::Null
    );

    assert_eq!(
        call(
            &gateway,
            "CACHE",
            "get_batch",
            json!({"keys": ["b", "missing", "a", "a", "c", "other"]})
        )
        .await,
        json!([{"nested": [true]}, null, 1, 1, null, null])
    );
    assert_eq!(
        call(&gateway, "CACHE", "get_batch", json!({"keys": []})).await,
        json!([])
    );
    // A stored null is still an entry.
    assert_eq!(
        call(&gateway, "CACHE", "exists", json!({"key": "c"})).await,
        json!(true)
    );
}

#[tokio::test]
async fn set_batch_with_an_ill_typed_entry_names_its_path_and_writes_nothing() {
    let gateway = Gateway::new();
    let (kind, message) = fail(
        &gateway,
        "CACHE",
        "set_batch",
        json!({"entries": [{"key": "a", "value": 1}, {"key": "b", "value": 2, "ttl": "x"}]}),
    )
    .await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `CACHE.set_batch`: parameter `entries[1].ttl`: \
         invalid type: string \"x\", expected i64"
    );
    assert_eq!(
        call(&gateway, "CACHE", "get_batch", json!({"keys": ["a", "b"]})).await,
        json!([null, null])
    );
}

#[tokio::test]
async fn set_batch_with_an_unknown_entry_field_names_it() {
    let gateway = Gateway::new();
    let (kind, message) = fail(
        &gateway,
        "CACHE",
        "set_batch",
        json!({"entries": [{"key": "a", "value": 1}, {"key": "b", "value": 2, "expires": 5}]}),
    )
    .await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `CACHE.set_batch`: parameter `entries[1].expires`: \
         unknown field `expires`, expected one of `key`, `value`, `ttl`"
    );
}

#[tokio::test]
async fn set_batch_with_a_non_positive_ttl_names_the_key_and_writes_nothing() {
    let gateway = Gateway::new();
    let (kind, message) = fail(
        &gateway,
        "CACHE",
        "set_batch",
        json!({"entries": [
            {"key": "a", "value": 1, "ttl": 10},
            {"key": "b", "value": 2, "ttl": -1},
            {"key": "c", "value": 3, "ttl": 0},
        ]}),
    )
    .await;
    assert_eq!(kind, "operation_failed");
    assert_eq!(
        message,
        "`CACHE.set_batch` failed: ttl for `b` must be a positive number of seconds, got -1"
    );
    assert_eq!(
        call(
            &gateway,
            "CACHE",
            "get_batch",
            json!({"keys": ["a", "b", "c"]})
        )
        .await,
        json!([null, null, null])
    );
}

#[tokio::test]
async fn get_batch_with_a_non_string_key_names_its_index() {
    let (kind, message) = fail(
        &Gateway::new(),
        "CACHE",
        "get_batch",
        json!({"keys": ["a", 2, "c", null]}),
    )
    .await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `CACHE.get_batch`: \
         parameter `keys[1]`: expected string, found integer 2; \
         parameter `keys[3]`: expected string, found null"
    );
}

#[tokio::test]
async fn logging_operations_return_null() {
    let gateway = Gateway::new();
    for operation in ["info", "warning", "error", "debug"] {
        assert_eq!(
            call(&gateway, "LOGGING", operation, json!({"message": "hello"})).await,
            Value::Null,
            "LOGGING.{operation}"
        );
        assert_eq!(
            call(
                &gateway,
                "LOGGING",
                operation,
                json!({"message": "with fields", "fields": {"user": 1, "tags": ["x"]}})
            )
            .await,
            Value::Null,
            "LOGGING.{operation} with fields"
        );
    }
}

#[tokio::test]
async fn logging_fields_must_be_a_dict() {
    let (kind, message) = fail(
        &Gateway::new(),
        "LOGGING",
        "info",
        json!({"message": "m", "fields": ["not", "a", "dict"]}),
    )
    .await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `LOGGING.info`: parameter `fields`: expected dict, found a list of 3 items"
    );
}

#[tokio::test]
async fn config_get_returns_the_default_for_an_absent_key() {
    let gateway = Gateway::new();
    let key = "dynamic_test_key_that_no_environment_sets";
    assert_eq!(
        call(&gateway, "CONFIG", "get", json!({"key": key})).await,
        Value::Null
    );
    assert_eq!(
        call(
            &gateway,
            "CONFIG",
            "get",
            json!({"key": key, "default": {"port": 8080}})
        )
        .await,
        json!({"port": 8080})
    );
}

#[tokio::test]
async fn internal_operations_are_callable_through_execute_operation() {
    // `visibility: internal` only keeps CONFIG.set and CONFIG.reload from external entry
    // points; inside the process the dynamic path serves them.
    let gateway = Gateway::new();
    let key = "dynamic_test_override";
    assert_eq!(
        call(
            &gateway,
            "CONFIG",
            "set",
            json!({"key": key, "value": [1, "two"]})
        )
        .await,
        Value::Null
    );
    assert_eq!(
        call(
            &gateway,
            "CONFIG",
            "get",
            json!({"key": key, "default": "unused"})
        )
        .await,
        json!([1, "two"])
    );
    assert_eq!(gateway.config_get(key, None).unwrap(), json!([1, "two"]));

    // A reload replaces every value with the environment's, dropping the override.
    let count = call(&gateway, "CONFIG", "reload", Value::Null).await;
    assert!(count.as_i64().is_some_and(|n| n >= 0), "{count}");
    assert_eq!(
        call(
            &gateway,
            "CONFIG",
            "get",
            json!({"key": key, "default": "gone"})
        )
        .await,
        json!("gone")
    );
}

#[tokio::test]
async fn unknown_interfaces_and_operations_are_errors_with_suggestions() {
    let gateway = Gateway::new();

    let (kind, message) = fail(&gateway, "CACHEE", "get", json!({"key": "k"})).await;
    assert_eq!(kind, "unknown_interface");
    assert_eq!(
        message,
        "unknown interface `CACHEE` (did you mean `CACHE`?); available: CACHE, LOGGING, HTTP_CLIENT, CONFIG"
    );

    let (kind, message) = fail(&gateway, "CACHE", "gett", json!({"key": "k"})).await;
    assert_eq!(kind, "unknown_operation");
    assert_eq!(
        message,
        "unknown operation `CACHE.gett` (did you mean `get`?); \
         CACHE has: get, set, delete, exists, clear, stats, get_batch, set_batch"
    );

    // Names are case-sensitive.
    let (kind, _) = fail(&gateway, "cache", "get", json!({"key": "k"})).await;
    assert_eq!(kind, "unknown_interface");
    let (kind, message) = fail(&gateway, "CONFIG", "GET", json!({"key": "k"})).await;
    assert_eq!(kind, "unknown_operation");
    assert!(
        message.ends_with("; CONFIG has: get, set, reload"),
        "{message}"
    );
}

#[tokio::test]
async fn parameters_that_are_not_an_object_are_invalid_params() {
    let gateway = Gateway::new();
    let cases = [
        (json!(["k"]), "a list of 1 items"),
        (json!("k"), "string \"k\""),
        (json!(3), "integer 3"),
        (json!(true), "boolean true"),
    ];
    for (params, found) in cases {
        let (kind, message) = fail(&gateway, "CACHE", "get", params).await;
        assert_eq!(kind, "invalid_params");
        assert_eq!(
            message,
            format!(
                "invalid parameters for `CACHE.get`: expected an object of named parameters, found {found}"
            )
        );
    }
    // Even an operation without parameters refuses a non-object.
    let (kind, _) = fail(&gateway, "CACHE", "stats", json!([])).await;
    assert_eq!(kind, "invalid_params");
}

#[tokio::test]
async fn every_parameter_problem_is_reported_at_once() {
    let (kind, message) = fail(
        &Gateway::new(),
        "CACHE",
        "set",
        json!({"key": 7, "vlaue": 1, "ttl": "soon"}),
    )
    .await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `CACHE.set`: \
         unexpected parameter `vlaue` (did you mean `value`?); expected: key, value, ttl; \
         parameter `key`: expected string, found integer 7; \
         missing required parameter `value` (any); \
         parameter `ttl`: expected int, found string \"soon\""
    );

    // `null` stands for "no parameters", so required ones are missing.
    let (kind, message) = fail(&Gateway::new(), "CACHE", "get", Value::Null).await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `CACHE.get`: missing required parameter `key` (string)"
    );

    let (kind, message) = fail(&Gateway::new(), "CACHE", "clear", json!({"all": true})).await;
    assert_eq!(kind, "invalid_params");
    assert_eq!(
        message,
        "invalid parameters for `CACHE.clear`: unexpected parameter `all`; expected: no parameters"
    );
}
