//! Operations registered at runtime: validated like manifest entries, listed, counted,
//! callable on the dynamic path with their metadata enforced.

use super::gateway::Gateway;
use super::{gateway_with, runs};
use gateway_runtime::mdoe::{OperationSpec, ParamSpec, RegistrationError};
use gateway_runtime::{Config, GatewayError, Service};
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::time::Duration;

#[derive(Deserialize)]
struct SquarePlus {
    tag: String,
    n: i64,
    plus: i64,
}

fn square_plus_spec() -> OperationSpec {
    OperationSpec::new("square_plus", "SQUARES", "square_plus")
        .describe("n² + plus, through the manifest's `square`.")
        .param(ParamSpec::new("tag", "string").required())
        .param(ParamSpec::new("n", "int").required())
        .param(ParamSpec::new("plus", "int").default_value(json!(1)))
        .returns("int")
}

fn register_square_plus(gateway: &Gateway) {
    gateway
        .runtime()
        .register(square_plus_spec(), |gateway: &Gateway, p: SquarePlus| {
            Ok::<_, GatewayError>(gateway.square(&p.tag, p.n, None)? + p.plus)
        })
        .unwrap();
}

#[tokio::test]
async fn a_registered_operation_is_listed_counted_and_callable_by_name() {
    let (gateway, _) = gateway_with(Config::default());
    register_square_plus(&gateway);

    let result = gateway
        .execute_operation(
            "SQUARES",
            "square_plus",
            json!({"tag": "registered", "n": 3}),
        )
        .await;
    assert_eq!(result.unwrap(), json!(10), "the default `plus: 1` applies");
    let op = Service::resolve(&gateway, "SQUARES", "square_plus").expect("resolvable");
    assert!(op.is_registered() && op.line == 0);
    let result = Service::call(
        &gateway,
        op,
        json!({"tag": "registered", "n": 3, "plus": 5}),
    );
    assert_eq!(result.await.unwrap(), json!(14));

    let listed: Vec<&str> = Service::operations(&gateway)
        .iter()
        .map(|op| op.name)
        .collect();
    assert_eq!(listed.last(), Some(&"SQUARES.square_plus"));
    let schema = serde_json::to_value(op.schema()).unwrap();
    assert_eq!(schema["required"], json!(["tag", "n"]));
    assert_eq!(schema["properties"]["plus"]["default"], json!(1));

    let stats = gateway.stats();
    let counted = stats
        .operations
        .iter()
        .find(|o| o.operation == "SQUARES.square_plus")
        .unwrap();
    assert!(counted.registered);
    assert_eq!((counted.calls, counted.errors), (2, 0));
}

#[tokio::test]
async fn its_parameters_are_checked_and_its_failures_typed() {
    let (gateway, _) = gateway_with(Config::default());
    register_square_plus(&gateway);
    let error = gateway
        .execute_operation("SQUARES", "square_plus", json!({"n": "three", "extra": 1}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid_params");
    let message = error.to_string();
    for expected in ["`tag`", "`n`", "`extra`"] {
        assert!(message.contains(expected), "{message}");
    }

    let failing = OperationSpec::new("squares_fail", "SQUARES", "refuse").returns("int");
    gateway
        .runtime()
        .register(failing, |_: &Gateway, _: Value| -> Result<i64, String> {
            Err("refused".into())
        })
        .unwrap();
    let error = gateway
        .execute_operation("SQUARES", "refuse", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "`SQUARES.refuse` failed: refused");

    let panicking = OperationSpec::new("squares_panic", "SQUARES", "panic").returns("int");
    gateway
        .runtime()
        .register(
            panicking,
            |_: &Gateway, _: Value| -> Result<i64, Infallible> { panic!("handler bug") },
        )
        .unwrap();
    let error = gateway
        .execute_operation("SQUARES", "panic", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "panicked");
}

#[tokio::test]
async fn its_cache_and_timeout_are_enforced() {
    let (gateway, _) = gateway_with(Config::default());
    let cached = OperationSpec::new("squares_cube", "SQUARES", "cube")
        .param(ParamSpec::new("n", "int").required())
        .returns("int")
        .cacheable(Some(Duration::from_secs(60)));
    gateway
        .runtime()
        .register(cached, |_: &Gateway, p: Value| -> Result<i64, Infallible> {
            super::ran("registered-cube");
            let n = p["n"].as_i64().unwrap_or_default();
            Ok(n * n * n)
        })
        .unwrap();
    for _ in 0..3 {
        let result = gateway
            .execute_operation("SQUARES", "cube", json!({"n": 2}))
            .await;
        assert_eq!(result.unwrap(), json!(8));
    }
    assert_eq!(runs("registered-cube"), 1);
    // A write of SQUARES makes it stale like the manifest's cached operations.
    gateway.record("registered").unwrap();
    gateway
        .execute_operation("SQUARES", "cube", json!({"n": 2}))
        .await
        .unwrap();
    assert_eq!(runs("registered-cube"), 2);

    let slow = OperationSpec::from_json(
        "slow_sleep",
        json!({"interface": "SLOW", "operation": "sleep", "async": true, "timeout": "20ms"}),
    )
    .unwrap();
    gateway
        .runtime()
        .register_async(slow, |_: &Gateway, _: Value| {
            Box::pin(async {
                std::future::pending::<()>().await;
                Ok::<(), Infallible>(())
            })
        })
        .unwrap();
    let error = gateway
        .execute_operation("SLOW", "sleep", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "`SLOW.sleep` timed out after 20 ms");
}

#[test]
fn a_name_that_exists_is_refused() {
    let (gateway, _) = gateway_with(Config::default());
    let taken = OperationSpec::new("square", "SQUARES", "square");
    let error = register_plain(&gateway, taken);
    assert_eq!(
        error.to_string(),
        "cannot register `square`: `square` already exists (declared in tests/mdoe/operations.yaml:9) \
         (choose another wrapper name); `operation`: `SQUARES.square` already exists as `square` \
         (declared in tests/mdoe/operations.yaml:9) (choose another operation name)"
    );
    register_square_plus(&gateway);
    let again = register_plain(&gateway, square_plus_spec());
    assert!(
        again
            .to_string()
            .contains("already exists (registered at runtime)"),
        "{again}"
    );
}

fn register_plain(gateway: &Gateway, spec: OperationSpec) -> RegistrationError {
    gateway
        .runtime()
        .register(spec, |_: &Gateway, _: Value| Ok::<_, Infallible>(()))
        .unwrap_err()
}

#[test]
fn invalid_metadata_is_refused_with_every_problem() {
    let (gateway, _) = gateway_with(Config::default());
    let spec = OperationSpec::from_json(
        "Bad-Name",
        json!({
            "interface": "squares",
            "operation": "type",
            "parameters": [
                {"name": "n", "type": "integr"},
                {"name": "n", "type": "int", "required": true, "default": 1},
                {"name": "flag", "type": "bool", "default": "yes"},
                {"name": "user", "type": "crate::User"}
            ],
            "returns": "none",
            "visibility": "pubic",
            "timeout": 0,
            "async": true
        }),
    )
    .unwrap();
    let error = register_plain(&gateway, spec);
    let fields: Vec<&str> = error.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "",
            "interface",
            "operation",
            "parameters[0].type",
            "parameters[1].name",
            "parameters[1].default",
            "parameters[2].default",
            "parameters[3].type",
            "timeout",
            "visibility",
            "async",
        ]
    );
    let message = error.to_string();
    for expected in [
        "`Bad-Name` is not a valid wrapper name: expected a snake_case identifier",
        "`squares` is not a valid interface name: expected a SCREAMING_SNAKE_CASE identifier",
        "`type` cannot be an operation name: it is a Rust keyword",
        "unknown type `integr`; expected one of: string, int, float, bool, any, dict, list, none, list<T>, map<T>, optional<T> (did you mean `integer`?)",
        "parameter `n` is declared twice",
        "a required parameter cannot have a default",
        "the default string \"yes\" is not a `bool`",
        "`crate::User` is a Rust type, which a registered operation cannot use",
        "a timeout must be longer than 0",
        "`pubic` is not one of: public, internal (did you mean `public`?)",
        "the entry says `async: true` but was registered with `register`",
    ] {
        assert!(
            message.contains(expected),
            "missing {expected:?} in:\n{message}"
        );
    }
    assert!(Service::resolve(&gateway, "squares", "type").is_none());
}

#[test]
fn data_with_unknown_keys_or_bad_values_is_refused_naming_the_key() {
    let error = OperationSpec::from_json(
        "square_twice",
        json!({"interface": "SQUARES", "operation": "twice", "paramters": []}),
    )
    .unwrap_err();
    assert_eq!(error.problems[0].field, "paramters");
    assert!(
        error
            .to_string()
            .contains("unknown field `paramters`, expected one of"),
        "{error}"
    );
    let error = OperationSpec::from_json(
        "square_twice",
        json!({"interface": "SQUARES", "operation": "twice", "timeout": "soon"}),
    )
    .unwrap_err();
    assert_eq!(error.problems[0].field, "timeout");
    assert!(
        error.to_string().contains("write it like 500ms, 10s or 2m"),
        "{error}"
    );
}
