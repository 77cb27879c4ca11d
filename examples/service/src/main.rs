//! `example-service`: runs operations of the gateway from the command line.
//!
//! ```text
//! example-service CACHE.set '{"key": "greeting", "value": "hello"}' CACHE.get '{"key": "greeting"}'
//! ```
//!
//! Each operation runs in order on one gateway (so state carries over from one to the next)
//! and prints one JSON line: its result, or `{"error": {"kind": ..., "message": ...}}`. The
//! exit status is 1 when any call failed, 2 for a usage error or an invalid configuration
//! (the seed's LMMS environment variables, such as `UNLOAD_GRACE_PERIOD`, are read).

use example_service::gateway::{Gateway, REGISTRY};
use gateway_runtime::{Config, GatewayError};
use serde_json::{Value, json};
use std::process::ExitCode;

const USAGE: &str =
    "usage: example-service INTERFACE.operation ['{JSON params}'] [INTERFACE.operation ...]
       example-service --list

Runs each operation in order on one gateway and prints one JSON line per call.
Set RUST_LOG (e.g. RUST_LOG=debug) to see LOGGING events on stderr.";

/// One call from the command line.
struct Call {
    interface: String,
    operation: String,
    params: Result<Value, String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return if args.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    if args == ["--list"] {
        for op in REGISTRY.operations {
            println!("{:<20} {}", op.name, op.description);
        }
        return ExitCode::SUCCESS;
    }
    let calls = match parse(&args) {
        Ok(calls) => calls,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The seed's LMMS variables (LAZY_LOADING_ENABLED, UNLOAD_GRACE_PERIOD, ...) configure it.
    let gateway = match Config::from_env()
        .map_err(GatewayError::from)
        .and_then(Gateway::start)
    {
        Ok(gateway) => gateway,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for call in calls {
        let outcome = match call.params {
            Ok(params) => gateway
                .execute_operation(&call.interface, &call.operation, params)
                .await
                .map_err(|e| json!({"error": {"kind": e.kind(), "message": e.to_string()}})),
            Err(message) => Err(json!({"error": {"kind": "invalid_json", "message": message}})),
        };
        match outcome {
            Ok(value) => println!("{value}"),
            Err(error) => {
                failed = true;
                println!("{error}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `CACHE.get '{"key": "k"}' LOGGING.info '{"message": "hi"}' CACHE.stats`.
fn parse(args: &[String]) -> Result<Vec<Call>, String> {
    let mut calls = Vec::new();
    let mut args = args.iter().peekable();
    while let Some(name) = args.next() {
        let Some((interface, operation)) = name.split_once('.') else {
            return Err(format!(
                "`{name}` is not an operation; write INTERFACE.operation, e.g. CACHE.get"
            ));
        };
        let params = match args.next_if(|next| !looks_like_operation(next)) {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| format!("the parameters of {name} are not valid JSON: {e}")),
            None => Ok(Value::Null),
        };
        calls.push(Call {
            interface: interface.to_owned(),
            operation: operation.to_owned(),
            params,
        });
    }
    Ok(calls)
}

/// `CACHE.get`, as opposed to a JSON document.
fn looks_like_operation(arg: &str) -> bool {
    arg.split_once('.').is_some_and(|(interface, operation)| {
        !interface.is_empty()
            && interface
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && operation
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}
