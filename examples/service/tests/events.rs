//! The event router in process, on the fixture events in `tests/events/`: every kind of event
//! (API Gateway REST and HTTP APIs, function URLs, EventBridge, direct invokes), the routes, the
//! error statuses, cold starts, metric lines, and bad events that must be answered without
//! breaking the router.

mod common;

use common::event;
use example_service::gateway::Gateway;
use gateway_runtime::Config;
use gateway_runtime::entry::cold::ColdStart;
use gateway_runtime::entry::{
    EventRouter, HttpRequest, InvocationError, MetricsSink, RouterOptions,
};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// A router on a started gateway, collecting its metric lines.
async fn router(first_is_cold: bool) -> (EventRouter<Gateway>, Arc<Mutex<Vec<String>>>) {
    let gateway = Gateway::start_async(Config::default()).await.unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let options = RouterOptions::new("example-service", "9.9.9")
        .metrics(MetricsSink::Buffer(lines.clone()))
        .max_body_bytes(4096);
    let router =
        EventRouter::with_cold_start(Arc::new(gateway), options, ColdStart::new(first_is_cold));
    (router, lines)
}

/// An HTTP event's response: status, headers, and the body parsed as JSON.
async fn http(router: &EventRouter<Gateway>, event: Value) -> (u16, Value, Value) {
    let response = router.handle_event(event, "test-request").await.unwrap();
    let status = response["statusCode"].as_u64().unwrap() as u16;
    let body = response["body"].as_str().expect("a text body");
    let body = serde_json::from_str(body).expect("a JSON body");
    (status, body, response["headers"].clone())
}

/// An HTTP API (payload 2.0) event for `method path` with `body`.
fn http_api(method: &str, path: &str, body: Option<&str>) -> Value {
    let mut event = event("apigw_http_operations");
    event["rawPath"] = json!(path);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    event["body"] = json!(body);
    event
}

/// The metric lines of invocations (the free-tier lines left out), parsed.
fn invocation_lines(lines: &Mutex<Vec<String>>) -> Vec<Value> {
    lines
        .lock()
        .unwrap()
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line.get("Operation").is_some())
        .collect()
}

fn error_kind(body: &Value) -> &str {
    body["error"]["kind"]
        .as_str()
        .unwrap_or_else(|| panic!("no error kind in {body}"))
}

#[tokio::test]
async fn rest_api_events_are_routed_with_the_stage_stripped() {
    let (router, _) = router(true).await;
    let (status, body, headers) = http(&router, event("apigw_rest_health")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["service"], "example-service");
    assert_eq!(body["version"], "9.9.9");
    assert_eq!(body["cold_start"], true);
    assert_eq!(
        body["loaded_modules"],
        json!(["CONFIG"]),
        "CONFIG is preloaded"
    );
    assert_eq!(headers["content-type"], "application/json");

    let (status, body, _) = http(&router, event("apigw_rest_cache_set")).await;
    assert_eq!((status, body), (200, Value::Null));
    let (_, health, _) = http(&router, event("apigw_rest_health")).await;
    assert_eq!(health["cold_start"], false);
    assert_eq!(health["loaded_modules"], json!(["CACHE", "CONFIG"]));
}

#[tokio::test]
async fn http_api_events_decode_base64_bodies_and_strip_the_stage() {
    let (router, _) = router(true).await;
    router
        .handle_event(event("apigw_rest_cache_set"), "set")
        .await
        .unwrap();
    let (status, body, _) = http(&router, event("apigw_http_cache_get")).await;
    assert_eq!((status, body), (200, json!("hello")));
}

#[tokio::test]
async fn function_url_events_reach_invoke() {
    let (router, _) = router(true).await;
    let (status, body, _) = http(&router, event("function_url_invoke")).await;
    assert_eq!((status, body), (200, json!(false)));
    router
        .handle_event(event("apigw_rest_cache_set"), "set")
        .await
        .unwrap();
    let (status, body, _) = http(&router, event("function_url_invoke")).await;
    assert_eq!((status, body), (200, json!(true)));
}

#[tokio::test]
async fn operations_lists_public_operations_with_their_schemas() {
    let (router, _) = router(true).await;
    let (status, body, _) = http(&router, event("apigw_http_operations")).await;
    assert_eq!(status, 200);
    let operations = body["operations"].as_array().unwrap();
    let names: Vec<String> = operations
        .iter()
        .map(|op| {
            format!(
                "{}.{}",
                op["interface"].as_str().unwrap(),
                op["operation"].as_str().unwrap()
            )
        })
        .collect();
    assert!(names.contains(&"CACHE.get".to_owned()), "{names:?}");
    assert!(names.contains(&"CONFIG.get".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"CONFIG.set".to_owned()),
        "internal operations are not listed"
    );
    assert!(!names.contains(&"CONFIG.reload".to_owned()));
    let set = operations
        .iter()
        .find(|op| op["operation"] == "set" && op["interface"] == "CACHE")
        .unwrap();
    assert_eq!(set["path"], "/CACHE/set");
    assert_eq!(set["params"]["required"], json!(["key", "value"]));
    assert_eq!(set["params"]["additionalProperties"], false);
}

#[tokio::test]
async fn eventbridge_events_go_to_the_operation_of_their_route() {
    let (router, lines) = router(true).await;
    router
        .handle_event(event("apigw_rest_cache_set"), "set")
        .await
        .unwrap();
    // `aws.events` / `Scheduled Event` clears the cache, with no parameters.
    let cleared = router
        .handle_event(event("eventbridge_scheduled"), "tick")
        .await
        .unwrap();
    assert_eq!(cleared, json!(1));
    // `example.service` / `Log` passes the event's detail as LOGGING.info's parameters.
    let logged = router
        .handle_event(event("eventbridge_log"), "log")
        .await
        .unwrap();
    assert_eq!(logged, Value::Null);
    let operations: Vec<Value> = invocation_lines(&lines)
        .iter()
        .map(|line| line["Operation"].clone())
        .collect();
    assert_eq!(
        operations,
        [
            json!("CACHE.set"),
            json!("CACHE.clear"),
            json!("LOGGING.info")
        ]
    );
}

#[tokio::test]
async fn an_unrouted_eventbridge_event_is_answered_not_retried() {
    let (router, _) = router(true).await;
    let answer = router
        .handle_event(event("eventbridge_unrouted"), "r")
        .await
        .unwrap();
    assert_eq!(error_kind(&answer), "no_route");
    assert_eq!(
        answer["error"]["message"],
        "no `$events` route for source `aws.ec2` and detail-type `EC2 Instance State-change Notification`"
    );
}

#[tokio::test]
async fn an_eventbridge_event_whose_operation_fails_fails_the_invocation() {
    let (router, _) = router(true).await;
    let mut log = event("eventbridge_log");
    log["detail"] = json!({"text": "no message field"});
    let error = router.handle_event(log, "r").await.unwrap_err();
    assert!(
        matches!(error, InvocationError::EventFailed(_)),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("missing required parameter `message`"),
        "{error}"
    );
}

#[tokio::test]
async fn direct_invokes_reach_public_operations_only() {
    let (router, _) = router(true).await;
    let stats = router
        .handle_event(event("direct_cache_stats"), "r")
        .await
        .unwrap();
    assert_eq!(
        stats,
        json!({"entries": 0, "hits": 0, "misses": 0, "expirations": 0})
    );

    // CONFIG.reload is internal: answered exactly like CONFIG.nope, which does not exist.
    let internal = router
        .handle_event(event("direct_internal"), "r")
        .await
        .unwrap();
    let missing = router
        .handle_event(json!({"interface": "CONFIG", "operation": "nope"}), "r")
        .await
        .unwrap();
    assert_eq!(error_kind(&internal), "unknown_operation");
    assert_eq!(internal["error"]["status"], 404);
    assert_eq!(
        internal["error"]["message"],
        "unknown operation `CONFIG.reload`; CONFIG has: get"
    );
    assert_eq!(
        missing["error"]["message"],
        "unknown operation `CONFIG.nope`; CONFIG has: get"
    );

    let bad = router
        .handle_event(json!({"interface": 1, "operation": "get"}), "r")
        .await
        .unwrap();
    assert_eq!(error_kind(&bad), "invalid_request");
}

#[tokio::test]
async fn internal_operations_over_http_are_404_like_unknown_ones() {
    let (router, _) = router(true).await;
    let set = r#"{"key": "a", "value": 1}"#;
    let internal = http(&router, http_api("POST", "/CONFIG/set", Some(set))).await;
    let unknown = http(&router, http_api("POST", "/CONFIG/zet", Some(set))).await;
    assert_eq!((internal.0, unknown.0), (404, 404));
    assert_eq!(
        internal.1["error"]["message"],
        "unknown operation `CONFIG.set` (did you mean `get`?); CONFIG has: get"
    );
    let same_shape = unknown.1["error"]["message"]
        .as_str()
        .unwrap()
        .replace("zet", "set");
    assert_eq!(internal.1["error"]["message"], same_shape);
    assert_eq!(internal.1["error"]["kind"], unknown.1["error"]["kind"]);
    let (status, body, _) = http(&router, http_api("POST", "/CACHE/gte", Some("{}"))).await;
    assert_eq!(status, 404);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("(did you mean `get`?)"),
        "{body}"
    );
    let (status, body, _) = http(&router, http_api("POST", "/CACHEE/get", Some("{}"))).await;
    assert_eq!((status, error_kind(&body)), (404, "unknown_interface"));
}

#[tokio::test]
async fn client_errors_have_their_status_and_kind() {
    let (router, _) = router(true).await;
    let cases = [
        (
            http_api("POST", "/CACHE/get", Some(r#"{"key": 1}"#)),
            400,
            "invalid_params",
        ),
        (
            http_api("POST", "/CACHE/get", Some(r#"{"key": "k""#)),
            400,
            "invalid_json",
        ),
        (
            http_api("POST", "/CACHE/get", Some("[1, 2]")),
            400,
            "invalid_params",
        ),
        (
            http_api("POST", "/invoke", Some(r#"{"params": {}}"#)),
            400,
            "invalid_request",
        ),
        (
            http_api("POST", "/CACHE/get", Some(&"x".repeat(5000))),
            413,
            "payload_too_large",
        ),
        (http_api("GET", "/nowhere", None), 404, "not_found"),
        (http_api("GET", "/a/b/c", None), 404, "not_found"),
        (
            http_api("DELETE", "/CACHE/get", None),
            405,
            "method_not_allowed",
        ),
        (http_api("POST", "/health", None), 405, "method_not_allowed"),
    ];
    for (request, expected_status, expected_kind) in cases {
        let path = request["rawPath"].clone();
        let (status, body, _) = http(&router, request).await;
        assert_eq!(
            (status, error_kind(&body)),
            (expected_status, expected_kind),
            "{path}: {body}"
        );
        assert_eq!(body["error"]["status"], expected_status);
        assert_eq!(body["error"]["request_id"], "test-request");
    }
    let (_, body, _) = http(
        &router,
        http_api("POST", "/CACHE/get", Some(r#"{"key": 1}"#)),
    )
    .await;
    assert_eq!(
        body["error"]["problems"],
        json!(["parameter `key`: expected string, found integer 1"])
    );
}

#[tokio::test]
async fn wrong_methods_say_which_method_is_allowed() {
    let (router, _) = router(true).await;
    let (_, body, headers) = http(&router, http_api("GET", "/CACHE/get", None)).await;
    assert_eq!(headers["allow"], "POST");
    assert_eq!(
        body["error"]["message"],
        "GET is not allowed on /CACHE/get; use POST"
    );
    let (_, _, headers) = http(&router, http_api("PUT", "/stats", None)).await;
    assert_eq!(headers["allow"], "GET");
}

#[tokio::test]
async fn operation_failures_are_500_and_leak_nothing() {
    let (router, _) = router(true).await;
    let body = r#"{"key": "k", "value": 1, "ttl": 0}"#;
    let (status, body, _) = http(&router, http_api("POST", "/CACHE/set", Some(body))).await;
    assert_eq!(status, 500);
    assert_eq!(error_kind(&body), "operation_failed");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        !message.contains("ttl"),
        "the operation's own message stays in the log: {message}"
    );
}

#[tokio::test]
async fn bad_events_fail_the_invocation_and_the_router_keeps_answering() {
    let (router, _) = router(true).await;
    let cases = [
        (
            event("bad_apigw_http_base64"),
            "malformed apigw_http event: the body is marked base64 but is not",
        ),
        (
            event("bad_apigw_rest_shape"),
            "malformed apigw_rest event: invalid type: sequence",
        ),
        (
            event("unknown_sqs"),
            "unknown event: expected an API Gateway",
        ),
        (json!("just a string"), "unknown event"),
        (json!(null), "unknown event"),
        (
            json!({"requestContext": {}, "version": "1.0"}),
            "unknown event",
        ),
    ];
    for (bad, expected) in cases {
        let error = router.handle_event(bad.clone(), "r").await.unwrap_err();
        assert!(error.to_string().starts_with(expected), "{bad}: {error}");
    }
    let (status, body, _) = http(&router, event("apigw_rest_health")).await;
    assert_eq!((status, &body["status"]), (200, &json!("ok")));
    assert_eq!(
        body["cold_start"], false,
        "the first (bad) event was the cold start"
    );
}

#[tokio::test]
async fn each_invocation_writes_one_metric_line() {
    let (router, lines) = router(true).await;
    router
        .handle_event(event("apigw_rest_health"), "a")
        .await
        .unwrap();
    router
        .handle_event(event("direct_internal"), "b")
        .await
        .unwrap();
    let _ = router.handle_event(event("unknown_sqs"), "c").await;
    let request = HttpRequest {
        method: "POST".into(),
        path: "/CACHE/set".into(),
        body: br#"{"key": "k", "value": 1, "ttl": 0}"#.to_vec(),
    };
    assert_eq!(router.handle_http(request, "d").await.status, 500);
    let lines = invocation_lines(&lines);
    assert_eq!(lines.len(), 4);
    let summary: Vec<(Value, Value, Value)> = lines
        .iter()
        .map(|l| {
            (
                l["Operation"].clone(),
                l["ColdStart"].clone(),
                l["Errors"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!("GET /health"), json!(1), json!(0)),
            (json!("unknown operation"), json!(0), json!(0)),
            (json!("unknown event"), json!(0), json!(0)),
            (json!("CACHE.set"), json!(0), json!(1)),
        ]
    );
    let metadata = &lines[0]["_aws"];
    assert!(metadata["Timestamp"].as_u64().unwrap() > 1_700_000_000_000);
    let directive = &metadata["CloudWatchMetrics"][0];
    assert_eq!(directive["Namespace"], "example-service");
    assert_eq!(directive["Dimensions"], json!([["Operation"]]));
    assert_eq!(
        directive["Metrics"][0],
        json!({"Name": "Duration", "Unit": "Milliseconds"})
    );
    assert!(lines[0]["Duration"].as_f64().unwrap() >= 0.0);
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for() {
    let gateway = Arc::new(Gateway::start_async(Config::default()).await.unwrap());
    let options = RouterOptions::new("example-service", "1");
    assert!(matches!(options.metrics, MetricsSink::Off));
    let router = EventRouter::with_cold_start(gateway, options, ColdStart::new(true));
    router
        .handle_event(event("apigw_rest_health"), "a")
        .await
        .unwrap();
}

#[tokio::test]
async fn provisioned_concurrency_is_never_a_cold_start() {
    let (router, lines) = router(false).await;
    let (_, health, _) = http(&router, event("apigw_rest_health")).await;
    assert_eq!(health["cold_start"], false);
    let line = &invocation_lines(&lines)[0];
    assert_eq!(line["ColdStart"], 0);
}

#[tokio::test]
async fn stats_report_the_runtime() {
    let (router, _) = router(true).await;
    router
        .handle_event(event("direct_cache_stats"), "r")
        .await
        .unwrap();
    let (status, stats, _) = http(&router, http_api("GET", "/stats", None)).await;
    assert_eq!(status, 200);
    let modules = stats["modules"].as_array().unwrap();
    let cache = modules.iter().find(|m| m["interface"] == "CACHE").unwrap();
    assert_eq!(cache["loaded"], true, "{stats}");
}

/// How many times `operation` ran on the router's gateway.
fn calls_of(router: &EventRouter<Gateway>, operation: &str) -> u64 {
    let stats = router.service().stats();
    stats
        .operations
        .iter()
        .find(|op| op.operation == operation)
        .map_or(0, |op| op.calls)
}

#[tokio::test]
async fn post_batch_fuses_calls_and_answers_each_in_order() {
    let (router, _) = router(true).await;
    let calls = json!([
        {"interface": "CACHE", "operation": "set", "params": {"key": "a", "value": 1}},
        {"interface": "CACHE", "operation": "set", "params": {"key": "b", "value": 2}},
        {"interface": "CACHE", "operation": "get", "params": {"key": "a"}},
        {"interface": "CACHE", "operation": "get", "params": {"key": "b"}},
        {"interface": "CACHE", "operation": "get", "params": {"key": "c"}},
        {"interface": "CONFIG", "operation": "reload"},
        {"interface": "CACHE", "operation": "get", "params": {"key": 1}},
        {"interface": "CACHE"},
    ]);
    let (status, body, _) = http(
        &router,
        http_api("POST", "/batch", Some(&calls.to_string())),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    assert_eq!(
        results[..5],
        [
            json!({"result": null}),
            json!({"result": null}),
            json!({"result": 1}),
            json!({"result": 2}),
            json!({"result": null})
        ]
    );
    assert_eq!(
        results[5]["error"]["kind"], "unknown_operation",
        "internal is unknown outside"
    );
    assert_eq!(results[5]["error"]["status"], 404);
    assert_eq!(results[6]["error"]["kind"], "invalid_params");
    assert_eq!(results[7]["error"]["kind"], "invalid_request");
    assert!(
        results[7]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("call 7 is not"),
        "{}",
        results[7]
    );
    assert_eq!(calls_of(&router, "CACHE.set_batch"), 1);
    assert_eq!(calls_of(&router, "CACHE.get_batch"), 1);
    assert_eq!(calls_of(&router, "CACHE.get"), 0, "every get was fused");
}

#[tokio::test]
async fn a_batch_body_may_be_an_object_of_calls_and_bad_bodies_are_400() {
    let (router, _) = router(true).await;
    let body = json!({"calls": [{"interface": "CACHE", "operation": "stats"}]}).to_string();
    let (status, answer, _) = http(&router, http_api("POST", "/batch", Some(&body))).await;
    assert_eq!(
        (status, answer["results"][0]["result"]["entries"].clone()),
        (200, json!(0))
    );
    for bad in [r#"{"calls": 3}"#, r#""calls""#, r#"{"interface": "CACHE"}"#] {
        let (status, answer, _) = http(&router, http_api("POST", "/batch", Some(bad))).await;
        assert_eq!(
            (status, error_kind(&answer)),
            (400, "invalid_request"),
            "{bad}"
        );
    }
    let (status, _, headers) = http(&router, http_api("GET", "/batch", None)).await;
    assert_eq!((status, headers["allow"].clone()), (405, json!("POST")));
}

#[tokio::test]
async fn a_batch_over_the_call_limit_is_413() {
    let gateway = Arc::new(Gateway::start_async(Config::default()).await.unwrap());
    let options = RouterOptions::new("example-service", "1").max_batch_calls(2);
    let router = EventRouter::with_cold_start(gateway, options, ColdStart::new(false));
    let call = json!({"interface": "CACHE", "operation": "stats"});
    let body = json!([call, call, call]).to_string();
    let (status, answer, _) = http(&router, http_api("POST", "/batch", Some(&body))).await;
    assert_eq!((status, error_kind(&answer)), (413, "payload_too_large"));
    assert_eq!(
        answer["error"]["message"],
        "the batch holds 3 calls; at most 2 are taken at once: split it"
    );
}

#[tokio::test]
async fn a_direct_invoke_of_a_list_runs_as_a_batch() {
    let (router, _) = router(true).await;
    let event = json!([
        {"interface": "CACHE", "operation": "set", "params": {"key": "k", "value": "v"}},
        {"interface": "CACHE", "operation": "get", "params": {"key": "k"}},
    ]);
    let answer = router.handle_event(event, "r").await.unwrap();
    assert_eq!(
        answer,
        json!({"results": [{"result": null}, {"result": "v"}]})
    );
    let empty = router
        .handle_event(json!({"calls": []}), "r")
        .await
        .unwrap();
    assert_eq!(empty, json!({"results": []}));
    let odd = router.handle_event(json!([1, "two"]), "r").await.unwrap();
    assert_eq!(odd["results"][0]["error"]["kind"], "invalid_request");
    assert_eq!(odd["results"][1]["error"]["kind"], "invalid_request");
}

mod free_tier {
    use super::*;
    use gateway_runtime::ftpms::{Basis, FreeTierConfig};

    /// A router whose free tier allows `requests` a month, with the given levels, deciding on
    /// actual use.
    async fn limited(
        requests: u64,
        levels: (f64, f64, f64),
    ) -> (EventRouter<Gateway>, Arc<Mutex<Vec<String>>>) {
        let free_tier = FreeTierConfig::default()
            .limits(requests, 400_000.0)
            .levels(levels.0, levels.1, levels.2)
            .basis(Basis::Actual);
        let config = Config::default().free_tier(free_tier);
        let gateway = Gateway::start_async(config).await.unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let options =
            RouterOptions::new("example-service", "1").metrics(MetricsSink::Buffer(lines.clone()));
        (
            EventRouter::with_cold_start(Arc::new(gateway), options, ColdStart::new(false)),
            lines,
        )
    }

    fn get() -> Value {
        http_api("POST", "/CACHE/get", Some(r#"{"key": "k"}"#))
    }

    #[tokio::test]
    async fn throttled_calls_are_429_with_retry_after() {
        let (router, _) = limited(10, (0.1, 0.2, 0.9)).await;
        assert_eq!(http(&router, get()).await.0, 200);
        assert_eq!(http(&router, get()).await.0, 200);
        let (status, body, headers) = http(&router, get()).await;
        assert_eq!((status, error_kind(&body)), (429, "throttled"), "{body}");
        assert_eq!(headers["retry-after"], "60");
        assert_eq!(body["error"]["retry_after_s"], 60);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("the free tier is 20% used"),
            "{body}"
        );
        // LOGGING.error is critical: still served.
        let error = http_api(
            "POST",
            "/LOGGING/error",
            Some(r#"{"message": "disk full"}"#),
        );
        assert_eq!(http(&router, error).await.0, 200);
    }

    #[tokio::test]
    async fn blocked_calls_are_503_and_health_still_answers() {
        let (router, lines) = limited(3, (0.5, 0.9, 0.9)).await;
        for _ in 0..3 {
            http(&router, get()).await;
        }
        let (status, body, _) = http(&router, get()).await;
        assert_eq!((status, error_kind(&body)), (503, "blocked"), "{body}");
        let (status, health, _) = http(&router, event("apigw_rest_health")).await;
        assert_eq!((status, &health["status"]), (200, &json!("ok")));
        let (_, stats, _) = http(&router, http_api("GET", "/stats", None)).await;
        assert_eq!(stats["free_tier"]["level"], "block");
        // A free-tier metric line for each level change, with the level as a number.
        let levels: Vec<Value> = lines
            .lock()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|l| l.get("FreeTierLevel").is_some())
            .map(|l| l["FreeTierLevel"].clone())
            .collect();
        assert!(
            levels.contains(&json!(1)) && levels.contains(&json!(3)),
            "{levels:?}"
        );
    }
}
