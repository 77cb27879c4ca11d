//! The `example-service` binary, run as a process. `invoke` with operations: one JSON line per
//! call on stdout, error lines and exit status 1 for failed calls (later calls still run), exit
//! status 2 for usage errors; `invoke --event` with a fixture event file or standard input;
//! `list`; usage and help; LOGGING events on stderr; CONFIG reading `SERVICE_*` environment
//! variables.

mod common;

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Output, Stdio};

use common::{events_dir, service};

fn run(args: &[&str]) -> Output {
    service().args(args).output().unwrap()
}

/// `example-service invoke ARGS...`.
fn invoke(args: &[&str]) -> Output {
    service().arg("invoke").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Stdout as one JSON value per line.
fn json_lines(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"))
        })
        .collect()
}

#[test]
fn the_documented_job_sets_then_gets_a_greeting() {
    let output = invoke(&[
        "CACHE.set",
        r#"{"key":"greeting","value":"hello"}"#,
        "CACHE.get",
        r#"{"key":"greeting"}"#,
    ]);
    assert_eq!(stdout(&output), "null\n\"hello\"\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn state_carries_over_and_operations_may_omit_their_parameters() {
    let output = invoke(&[
        "CACHE.set",
        r#"{"key": "a", "value": [1, 2]}"#,
        "CACHE.get",
        r#"{"key": "a"}"#,
        "CACHE.get",
        r#"{"key": "b"}"#,
        "CACHE.stats",
        "CACHE.clear",
    ]);
    assert_eq!(
        json_lines(&output),
        [
            Value::Null,
            json!([1, 2]),
            Value::Null,
            json!({"entries": 1, "hits": 1, "misses": 1, "expirations": 0}),
            json!(1),
        ]
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_failing_call_prints_an_error_line_and_later_calls_still_run() {
    let output = invoke(&[
        "CACHE.set",
        r#"{"key":"k","value":1,"ttl":0}"#,
        "CACHE.nope",
        "CACHE.set",
        r#"{"key":"k","value":2}"#,
        "CACHE.get",
        r#"{"key":"k"}"#,
    ]);
    assert_eq!(
        json_lines(&output),
        [
            json!({"error": {
                "kind": "operation_failed",
                "message": "`CACHE.set` failed: ttl for `k` must be a positive number of seconds, got 0",
            }}),
            json!({"error": {
                "kind": "unknown_operation",
                "message": "unknown operation `CACHE.nope`; \
                    CACHE has: get, set, delete, exists, clear, stats, get_batch, set_batch",
            }}),
            Value::Null,
            json!(2),
        ]
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn invalid_json_parameters_give_an_invalid_json_line() {
    let output = invoke(&[
        "CACHE.get",
        "{key: 1}",
        "CACHE.set",
        r#"{"key":"k","value":true}"#,
    ]);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["error"]["kind"], json!("invalid_json"));
    let message = lines[0]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the parameters of CACHE.get are not valid JSON: key must be a string"),
        "{message}"
    );
    assert_eq!(lines[1], Value::Null);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn invalid_parameters_give_an_invalid_params_line() {
    let output = invoke(&["CACHE.get", "[1]"]);
    assert_eq!(
        json_lines(&output),
        [json!({"error": {
            "kind": "invalid_params",
            "message": "invalid parameters for `CACHE.get`: \
                expected an object of named parameters, found a list of 1 items",
        }})]
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn no_command_prints_the_examples_and_exits_2() {
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let errors = stderr(&output);
    assert!(
        errors.starts_with("error: no command given (and AWS_LAMBDA_RUNTIME_API is not set"),
        "{errors}"
    );
    assert!(errors.contains("example-service serve\n"), "{errors}");
    assert!(
        errors.contains("example-service invoke --event event.json"),
        "{errors}"
    );
}

#[test]
fn help_lists_the_commands_and_examples() {
    for flag in ["--help", "-h", "help"] {
        let output = run(&[flag]);
        assert_eq!(output.status.code(), Some(0), "{flag}");
        let help = stdout(&output);
        assert!(
            help.contains("Usage: example-service [COMMAND]"),
            "{flag}: {help}"
        );
        for command in ["serve", "invoke", "list", "lambda"] {
            assert!(help.contains(&format!("\n  {command} ")), "{flag}: {help}");
        }
        assert!(
            help.contains("Examples:\n  example-service serve"),
            "{help}"
        );
    }
    let version = run(&["--version"]);
    assert_eq!(
        stdout(&version),
        format!("example-service {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_commands_and_missing_calls_are_usage_errors() {
    let output = run(&["bogus"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: unrecognized subcommand 'bogus'"));
    let output = run(&["invoke"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Usage: example-service invoke <CALL>..."),
        "{}",
        stderr(&output)
    );
}

#[test]
fn list_prints_every_operation_one_per_line() {
    let output = run(&["list"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "CACHE.get",
            "CACHE.set",
            "CACHE.delete",
            "CACHE.exists",
            "CACHE.clear",
            "CACHE.stats",
            "CACHE.get_batch",
            "CACHE.set_batch",
            "LOGGING.info",
            "LOGGING.warning",
            "LOGGING.error",
            "LOGGING.debug",
            "HTTP_CLIENT.get",
            "HTTP_CLIENT.post",
            "CONFIG.get",
            "CONFIG.set",
            "CONFIG.reload",
            // Registered at runtime (src/extensions.rs).
            "CACHE.get_or_compute",
        ]
    );
    assert!(
        text.lines()
            .any(|line| line.starts_with("CACHE.delete") && line.ends_with("Removes an entry.")),
        "{text}"
    );
}

#[test]
fn a_first_argument_that_is_not_an_operation_is_a_usage_error() {
    let output = invoke(&["hello", r#"{"key":"k"}"#]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "", "no call runs");
    let errors = stderr(&output);
    assert!(
        errors.starts_with(
            "error: `hello` is not an operation; write INTERFACE.operation, e.g. CACHE.get"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("Usage: example-service invoke INTERFACE.operation"),
        "{errors}"
    );
}

#[test]
fn a_stray_argument_after_the_parameters_is_a_usage_error_before_any_call_runs() {
    let output = invoke(&[
        "LOGGING.info",
        r#"{"message":"should not be logged"}"#,
        r#"{"extra":1}"#,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let errors = stderr(&output);
    assert!(
        errors.starts_with(r#"error: `{"extra":1}` is not an operation"#),
        "{errors}"
    );
    assert!(!errors.contains("should not be logged"), "{errors}");
}

#[test]
fn logging_events_go_to_stderr_and_print_null() {
    let output = invoke(&[
        "LOGGING.warning",
        r#"{"message":"disk almost full","fields":{"free_mb":12}}"#,
        "LOGGING.debug",
        r#"{"message":"hidden at the default level"}"#,
    ]);
    assert_eq!(stdout(&output), "null\nnull\n");
    assert_eq!(output.status.code(), Some(0));
    let errors = stderr(&output);
    assert!(errors.contains("WARN"), "{errors}");
    assert!(errors.contains("disk almost full"), "{errors}");
    // The fields travel as one `fields` value holding their JSON text.
    assert!(errors.contains(r#"fields="{\"free_mb\":12}""#), "{errors}");
    assert!(!errors.contains("hidden at the default level"), "{errors}");
}

#[test]
fn config_reads_service_environment_variables() {
    let output = service()
        .env("SERVICE_REGION", "\"eu-west-1\"")
        .env("SERVICE_LIMIT", "42")
        .args([
            "invoke",
            "CONFIG.get",
            r#"{"key":"region"}"#,
            "CONFIG.reload",
            "CONFIG.get",
            r#"{"key":"limit"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], json!("eu-west-1"));
    // Every SERVICE_* variable counts, and the test's environment may hold others.
    assert!(
        lines[1].as_i64().is_some_and(|count| count >= 2),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], json!(42), "a JSON number stays a number");
}

#[test]
fn config_reload_counts_only_service_variables_and_drops_overrides() {
    let output = service()
        .env_clear()
        .env("SERVICE_REGION", "eu-west-1")
        .env("SERVICE_FLAGS", r#"{"beta": true}"#)
        .env("SERVICE_", "no key, ignored")
        .env("REGION", "not a service variable")
        .args([
            "invoke",
            "CONFIG.get",
            r#"{"key":"region"}"#,
            "CONFIG.get",
            r#"{"key":"flags"}"#,
            "CONFIG.set",
            r#"{"key":"region","value":"us-east-1"}"#,
            "CONFIG.get",
            r#"{"key":"region"}"#,
            "CONFIG.reload",
            "CONFIG.get",
            r#"{"key":"region"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(
        json_lines(&output),
        [
            json!("eu-west-1"),
            json!({"beta": true}),
            Value::Null,
            json!("us-east-1"),
            json!(2),
            json!("eu-west-1"),
        ]
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn an_invalid_lmms_variable_is_a_clear_error_not_a_default() {
    let output = service()
        .env("UNLOAD_GRACE_PERIOD", "soon")
        .args(["invoke", "CACHE.stats"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output).trim_end(),
        "error: invalid gateway configuration: UNLOAD_GRACE_PERIOD=\"soon\" is not valid: expected a number of seconds, such as 30 or 0.5"
    );
}

#[test]
fn invoke_event_runs_one_fixture_event_through_the_router() {
    let path = events_dir().join("apigw_rest_health.json");
    let output = invoke(&["--event", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["statusCode"], 200);
    let body: Value = serde_json::from_str(lines[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["cold_start"], true);
}

#[test]
fn invoke_event_reads_standard_input_for_a_dash() {
    let mut child = service()
        .args(["invoke", "--event", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let event = std::fs::read(events_dir().join("direct_cache_stats.json")).unwrap();
    child.stdin.take().unwrap().write_all(&event).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        json_lines(&output),
        [json!({"entries": 0, "hits": 0, "misses": 0, "expirations": 0})]
    );
}

#[test]
fn invoke_event_reports_an_event_the_router_cannot_handle() {
    let path = events_dir().join("unknown_sqs.json");
    let output = invoke(&["--event", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    assert_eq!(lines[0]["errorType"], "InvocationError");
    assert!(
        lines[0]["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("unknown event: expected an API Gateway"),
        "{lines:?}"
    );
}

#[test]
fn invoke_event_with_a_missing_or_invalid_file_is_a_usage_error() {
    let output = invoke(&["--event", "no/such/event.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: cannot read the event no/such/event.json: "),
        "{}",
        stderr(&output)
    );

    let dir = std::env::temp_dir().join(format!("example-service-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, r#"{"interface": "CACHE", "operat"#).unwrap();
    let output = invoke(&["--event", truncated.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert!(
        errors.contains("truncated.json: EOF while parsing"),
        "{errors}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn an_event_and_calls_together_are_a_usage_error() {
    let path = events_dir().join("direct_cache_stats.json");
    let output = invoke(&["--event", path.to_str().unwrap(), "CACHE.stats"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot be used with"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_reports_the_free_tier_from_the_configured_store() {
    let dir = std::env::temp_dir().join(format!("example-service-usage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("usage.json");
    let with_store = |args: &[&str]| {
        service()
            .env("FREE_TIER_STORE", "file")
            .env("FREE_TIER_FILE", &file)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .args(args)
            .output()
            .unwrap()
    };
    let event = events_dir().join("direct_cache_stats.json");
    for _ in 0..2 {
        let output = with_store(&["invoke", "--event", event.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let text = with_store(&["usage"]);
    let report = stdout(&text);
    assert!(report.starts_with("free tier, "), "{report}");
    assert!(
        report.contains("(usage kept in the file store)"),
        "{report}"
    );
    assert!(report.contains("requests    2 of 1000000"), "{report}");
    assert!(report.contains("billed at 256 MB"), "{report}");
    let json = with_store(&["usage", "--format", "json"]);
    std::fs::remove_dir_all(&dir).unwrap();
    let report: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["requests"], 2);
    assert_eq!(report["store"], "file");
    assert_eq!(report["level"], "normal");
    assert!(report["gb_seconds"].as_f64().unwrap() > 0.0);
}
