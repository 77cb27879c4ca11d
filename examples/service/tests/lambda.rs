//! The service binary on the real `lambda_runtime` loop, offline: a Runtime API simulator on
//! loopback hands it the fixture events as invocations, and each response (or invocation
//! error) is checked as Lambda would record it. Also its log output: JSON lines with the cold
//! start flag, and one Embedded Metric Format line per invocation.

mod common;

use common::{Running, event, service};
use lambda_simulator::{InvocationStatus, Simulator};
use serde_json::{Value, json};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);

/// A simulator and the service binary polling it.
async fn start(extra_env: &[(&str, &str)]) -> (Simulator, Running) {
    let simulator = Simulator::builder()
        .function_name("example-service")
        .build()
        .await
        .expect("the Runtime API simulator starts on loopback");
    let mut command = service();
    command.envs(simulator.lambda_env_vars());
    command.envs(extra_env.iter().copied());
    let running = Running::spawn(command);
    (simulator, running)
}

/// Invokes the function with `payload` and returns the final state.
async fn invoke(simulator: &Simulator, payload: Value) -> lambda_simulator::InvocationState {
    let id = simulator.enqueue_payload(payload).await;
    simulator
        .wait_for_invocation_complete(&id, TIMEOUT)
        .await
        .expect("the invocation completes")
}

/// The response payload of a successful invocation.
async fn response(simulator: &Simulator, payload: Value) -> Value {
    let state = invoke(simulator, payload).await;
    assert_eq!(state.status, InvocationStatus::Success, "{:?}", state.error);
    state.response.expect("a response").payload
}

/// The parsed body of an HTTP response payload.
fn body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().expect("a text body")).unwrap()
}

/// Stdout lines that are JSON objects.
fn json_lines(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(Value::is_object)
        .collect()
}

#[tokio::test]
async fn every_fixture_event_is_answered_through_the_runtime_loop() {
    let (simulator, running) = start(&[]).await;

    let health = response(&simulator, event("apigw_rest_health")).await;
    assert_eq!(health["statusCode"], 200);
    assert_eq!(body(&health)["cold_start"], true);
    assert_eq!(body(&health)["status"], "ok");

    let set = response(&simulator, event("apigw_rest_cache_set")).await;
    assert_eq!((&set["statusCode"], body(&set)), (&json!(200), Value::Null));
    let get = response(&simulator, event("apigw_http_cache_get")).await;
    assert_eq!(body(&get), json!("hello"));
    let exists = response(&simulator, event("function_url_invoke")).await;
    assert_eq!(body(&exists), json!(true));
    let operations = response(&simulator, event("apigw_http_operations")).await;
    assert!(body(&operations)["operations"].is_array());

    let stats = response(&simulator, event("direct_cache_stats")).await;
    assert_eq!(stats["entries"], 1);
    let internal = response(&simulator, event("direct_internal")).await;
    assert_eq!(internal["error"]["kind"], "unknown_operation");

    assert_eq!(
        response(&simulator, event("eventbridge_log")).await,
        Value::Null
    );
    assert_eq!(
        response(&simulator, event("eventbridge_scheduled")).await,
        json!(1)
    );
    let unrouted = response(&simulator, event("eventbridge_unrouted")).await;
    assert_eq!(unrouted["error"]["kind"], "no_route");

    let health = response(&simulator, event("apigw_rest_health")).await;
    assert_eq!(body(&health)["cold_start"], false);

    let (stdout, _) = running.stop();
    let lines = json_lines(&stdout);
    let metrics: Vec<&Value> = lines
        .iter()
        .filter(|l| l.get("_aws").is_some() && l.get("Operation").is_some())
        .collect();
    assert!(
        lines.iter().any(|l| l.get("FreeTierLevel").is_some()),
        "a free-tier metric line too: {stdout:#?}"
    );
    assert_eq!(
        metrics.len(),
        11,
        "one metric line per invocation: {stdout:#?}"
    );
    assert_eq!(metrics[0]["ColdStart"], 1);
    assert_eq!(metrics[0]["Operation"], "GET /health");
    assert_eq!(metrics[1]["Operation"], "CACHE.set");
    assert!(metrics[1..].iter().all(|m| m["ColdStart"] == 0));
    assert_eq!(
        metrics[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "example-service"
    );

    let invocations: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "invocation")
        .collect();
    assert_eq!(invocations.len(), 11, "{stdout:#?}");
    let first = &invocations[0]["fields"];
    assert_eq!(first["cold_start"], true);
    assert_eq!(first["kind"], "apigw_rest");
    assert_eq!(first["status"], 200);
    assert!(
        first["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(invocations[1]["fields"]["cold_start"], false);
    assert_eq!(invocations[8]["fields"]["kind"], "eventbridge");
}

#[tokio::test]
async fn bad_events_are_invocation_errors_and_the_function_keeps_serving() {
    let (simulator, _running) = start(&[]).await;
    let bad = [
        (event("unknown_sqs"), "unknown event"),
        (event("bad_apigw_http_base64"), "malformed apigw_http event"),
        (event("bad_apigw_rest_shape"), "malformed apigw_rest event"),
        (json!(42), "unknown event"),
    ];
    for (payload, expected) in bad {
        let state = invoke(&simulator, payload).await;
        assert_eq!(state.status, InvocationStatus::Error);
        let error = state.error.expect("an error");
        assert!(
            error.error_message.starts_with(expected),
            "{}",
            error.error_message
        );
    }
    // A failing EventBridge target fails its invocation, so EventBridge can retry it.
    let mut log = event("eventbridge_log");
    log["detail"] = json!({});
    assert_eq!(
        invoke(&simulator, log).await.status,
        InvocationStatus::Error
    );

    let health = response(&simulator, event("apigw_rest_health")).await;
    assert_eq!(health["statusCode"], 200);
}

#[tokio::test]
async fn provisioned_concurrency_is_not_a_cold_start_and_metrics_can_be_switched_off() {
    let env = [
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency"),
        ("GATEWAY_EMF", "off"),
    ];
    let (simulator, running) = start(&env).await;
    let health = response(&simulator, event("apigw_rest_health")).await;
    assert_eq!(body(&health)["cold_start"], false);
    let (stdout, _) = running.stop();
    let lines = json_lines(&stdout);
    assert!(lines.iter().all(|l| l.get("_aws").is_none()), "{stdout:#?}");
    let invocation = lines
        .iter()
        .find(|l| l["fields"]["message"] == "invocation")
        .expect("the invocation is still logged");
    assert_eq!(invocation["fields"]["cold_start"], false);
}
