//! The command line of a service binary: one binary, three ways to run it.
//!
//! ```text
//! service serve [--host 127.0.0.1] [--port 3000]   local HTTP through the router
//! service invoke --event event.json                one Lambda event through the router
//! service invoke CACHE.get '{"key": "k"}' ...      operations, in order, on one gateway
//! service list                                     the operations
//! service [lambda]                                 AWS Lambda (when AWS_LAMBDA_RUNTIME_API is set)
//! ```
//!
//! A service's `main` is one call: `gateway_runtime::entry::run(Gateway::start_async, name, version)`.

use super::cold::ColdStart;
use super::metrics::MetricsSink;
use super::router::{EventRouter, RouterOptions};
use crate::descriptor::Visibility;
use crate::error::GatewayError;
use crate::ftpms::UsageReport;
use crate::lmms::Config;
use crate::service::Service;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use serde_json::{Value, json};
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// The examples under `--help`, for the binary `name`.
fn examples(name: &str) -> String {
    [
        ("serve", "a local HTTP server on 127.0.0.1:3000"),
        (
            "invoke INTERFACE.operation '{\"param\": 1}' ...",
            "operations, in order, on one gateway",
        ),
        (
            "invoke --event event.json",
            "one Lambda event through the router",
        ),
        ("list", "the operations"),
        ("", "AWS Lambda, when AWS_LAMBDA_RUNTIME_API is set"),
    ]
    .iter()
    .fold(String::from("Examples:"), |text, (args, what)| {
        let command = format!("{name} {args}");
        format!("{text}\n  {}\n      {what}", command.trim_end())
    })
}

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves HTTP on a local address through the event router (the embedded default).
    Serve {
        /// The address to listen on.
        #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
        host: IpAddr,
        /// The port (0 picks a free one).
        #[arg(long, short, default_value_t = 3000)]
        port: u16,
    },
    /// Runs one Lambda event through the router, or operations given on the command line.
    Invoke {
        /// A file holding one Lambda event (`-` for standard input).
        #[arg(long, conflicts_with = "calls")]
        event: Option<PathBuf>,
        /// `INTERFACE.operation ['{JSON params}']`, repeated; each prints one JSON line.
        #[arg(required_unless_present = "event", value_name = "CALL")]
        calls: Vec<String>,
    },
    /// Lists the operations.
    List,
    /// Prints the free-tier usage report (from the configured usage store).
    Usage {
        /// `text` or `json`.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Serves invocations from the AWS Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`).
    Lambda,
}

/// Runs the service binary: parses the command line, reads the configuration from the
/// environment, starts the gateway with `start`, and runs the chosen way.
///
/// Exit status: 0 on success, 1 when an invocation failed, 2 for a usage or configuration error.
pub fn run<S, F, Fut>(start: F, name: &str, version: &str) -> ExitCode
where
    S: Service,
    F: FnOnce(Config) -> Fut,
    Fut: Future<Output = Result<S, GatewayError>>,
{
    let started = Instant::now();
    let command = Cli::command()
        .name(name.to_owned())
        .bin_name(name.to_owned())
        .version(version.to_owned())
        .after_help(examples(name))
        .about(format!(
            "{name}: one gateway, served locally, invoked once, or run on AWS Lambda"
        ));
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let on_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    let command = match cli.command {
        Some(command) => command,
        None if on_lambda => Command::Lambda,
        None => {
            eprintln!(
                "error: no command given (and AWS_LAMBDA_RUNTIME_API is not set, so this is not Lambda)\n\n{}\n\nSee `{name} --help`.",
                examples(name)
            );
            return ExitCode::from(2);
        }
    };
    let calls = match &command {
        Command::Invoke { calls, .. } => match parse_calls(calls) {
            Ok(calls) => calls,
            Err(message) => {
                eprintln!(
                    "error: {message}\n\nUsage: {name} invoke INTERFACE.operation ['{{JSON params}}'] [INTERFACE.operation ['{{JSON params}}']]..."
                );
                return ExitCode::from(2);
            }
        },
        _ => Vec::new(),
    };
    let lambda = matches!(command, Command::Lambda);
    init_tracing(lambda, matches!(command, Command::Serve { .. }));
    let options = match router_options(name, version, lambda) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = if matches!(command, Command::Serve { .. }) {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let service = match Config::from_env().map_err(GatewayError::from) {
            Ok(config) => start(config).await,
            Err(error) => Err(error),
        };
        let service = match service {
            Ok(service) => Arc::new(service),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        };
        let cold = ColdStart::from_env().init_started_at(started);
        let router = Arc::new(EventRouter::with_cold_start(service.clone(), options, cold));
        match command {
            Command::Serve { host, port } => serve(router, SocketAddr::new(host, port)).await,
            Command::Invoke {
                event: Some(path), ..
            } => invoke_event(&router, &path).await,
            Command::Invoke { .. } => invoke_calls(service.as_ref(), calls).await,
            Command::Usage { format } => {
                service.free_tier().refresh();
                let report = service.free_tier().report();
                match format.as_str() {
                    "json" => println!(
                        "{}",
                        serde_json::to_string_pretty(&report).unwrap_or_default()
                    ),
                    _ => print!("{}", usage_text(&report)),
                }
                ExitCode::SUCCESS
            }
            Command::List => {
                for op in service.operations() {
                    let internal = match op.visibility {
                        Visibility::Internal => "(internal) ",
                        Visibility::Public => "",
                    };
                    println!("{:<24} {internal}{}", op.name, op.description);
                }
                ExitCode::SUCCESS
            }
            Command::Lambda => match super::lambda::run(router).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: the Lambda runtime stopped: {error}");
                    ExitCode::FAILURE
                }
            },
        }
    })
}

/// The usage report for people.
fn usage_text(report: &UsageReport) -> String {
    let kept = match (report.store, &report.degraded) {
        (_, Some(error)) => format!(
            "the {} store failed ({error}): this instance's estimate",
            report.store
        ),
        ("memory", None) => "kept in memory: this instance's estimate".to_owned(),
        (store, None) => format!("kept in the {store} store"),
    };
    let enforcement = match (report.enforced, report.override_protection) {
        (true, _) => "enforced",
        (false, true) => "lifted by FREE_TIER_OVERRIDE",
        (false, false) => "off (FREE_TIER_PROTECTION=false)",
    };
    format!(
        "free tier, {month} (usage {kept})\n  \
         requests    {requests} of {request_limit} ({requests_pct:.2}%), projected {projected_requests:.0} ({projected_requests_pct:.2}%)\n  \
         GB-seconds  {gb:.3} of {gb_limit} ({gb_pct:.2}%), projected {projected_gb:.3} ({projected_gb_pct:.2}%)\n  \
         level       {level} (protection {enforcement}; basis: {basis}; billed at {memory} MB)\n",
        month = report.month,
        requests = report.requests,
        request_limit = report.limits.requests,
        requests_pct = report.used_percent.requests,
        projected_requests = report.projected.requests,
        projected_requests_pct = report.projected_percent.requests,
        gb = report.gb_seconds,
        gb_limit = report.limits.gb_seconds,
        gb_pct = report.used_percent.gb_seconds,
        projected_gb = report.projected.gb_seconds,
        projected_gb_pct = report.projected_percent.gb_seconds,
        level = report.level.name(),
        basis = report.basis,
        memory = report.memory_mb,
    )
}

fn init_tracing(lambda: bool, serving: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if lambda || serving {
        "info"
    } else {
        "info,gateway::invocation=off"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if lambda {
        // Structured JSON lines on Lambda, where CloudWatch Logs can query their fields.
        builder
            .json()
            .with_current_span(false)
            .with_writer(std::io::stdout)
            .try_init()
    } else {
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
        builder
            .with_writer(std::io::stderr)
            .with_ansi(ansi)
            .try_init()
    };
}

/// `GATEWAY_EMF` (Embedded Metric Format lines; on by default on Lambda, off elsewhere) and
/// `GATEWAY_MAX_BODY_BYTES`.
fn router_options(name: &str, version: &str, lambda: bool) -> Result<RouterOptions, String> {
    let mut options = RouterOptions::new(name, version);
    let emf = match std::env::var("GATEWAY_EMF") {
        Err(_) => lambda,
        Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            _ => {
                return Err(format!(
                    "GATEWAY_EMF={value:?} is not valid: expected true or false"
                ));
            }
        },
    };
    if emf {
        options = options.metrics(MetricsSink::Stdout);
    }
    if let Ok(value) = std::env::var("GATEWAY_MAX_BODY_BYTES") {
        let bytes = value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|b| *b > 0)
            .ok_or_else(|| format!("GATEWAY_MAX_BODY_BYTES={value:?} is not valid: expected a number of bytes, such as 1048576"))?;
        options = options.max_body_bytes(bytes);
    }
    Ok(options)
}

async fn serve<S: Service>(router: Arc<EventRouter<S>>, addr: SocketAddr) -> ExitCode {
    let (listener, local) = match super::serve::bind(addr).await {
        Ok(bound) => bound,
        Err(error) => {
            eprintln!("error: cannot listen on {addr}: {error}");
            return ExitCode::from(2);
        }
    };
    eprintln!(
        "listening on http://{local} (GET /health, /operations, /stats; POST /INTERFACE/operation); Ctrl-C stops"
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match super::serve::serve(router, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn invoke_event<S: Service>(router: &EventRouter<S>, path: &std::path::Path) -> ExitCode {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    let event: Value = match text
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(event) => event,
        Err(error) => {
            eprintln!("error: cannot read the event {}: {error}", path.display());
            return ExitCode::from(2);
        }
    };
    match router.handle_event(event, "local-invoke").await {
        Ok(response) => {
            println!("{response}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!(
                "{}",
                json!({"errorType": "InvocationError", "errorMessage": error.to_string()})
            );
            ExitCode::FAILURE
        }
    }
}

/// Runs `CACHE.get '{"key": "k"}' LOGGING.info '{"message": "hi"}' CACHE.stats`, in order. This
/// is the operator's way in: internal operations are reachable.
async fn invoke_calls<S: Service>(service: &S, calls: Vec<Call>) -> ExitCode {
    let mut failed = false;
    for (interface, operation, params) in calls {
        let outcome = match params {
            Err(message) => Err(json!({"error": {"kind": "invalid_json", "message": message}})),
            Ok(params) => match service.resolve(&interface, &operation) {
                None => {
                    let error = service.registry().unknown(&interface, &operation);
                    Err(json!({"error": {"kind": error.kind(), "message": error.to_string()}}))
                }
                Some(op) => service
                    .call(op, params)
                    .await
                    .map_err(|e| json!({"error": {"kind": e.kind(), "message": e.to_string()}})),
            },
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

type Call = (String, String, Result<Value, String>);

fn parse_calls(args: &[String]) -> Result<Vec<Call>, String> {
    let mut calls = Vec::new();
    let mut args = args.iter().peekable();
    while let Some(name) = args.next() {
        let Some((interface, operation)) =
            name.split_once('.').filter(|_| looks_like_operation(name))
        else {
            return Err(format!(
                "`{name}` is not an operation; write INTERFACE.operation, e.g. CACHE.get"
            ));
        };
        let params = match args.next_if(|next| !looks_like_operation(next)) {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| format!("the parameters of {name} are not valid JSON: {e}")),
            None => Ok(Value::Null),
        };
        calls.push((interface.to_owned(), operation.to_owned(), params));
    }
    Ok(calls)
}

/// `CACHE.get`, as opposed to a JSON document.
fn looks_like_operation(arg: &str) -> bool {
    arg.split_once('.').is_some_and(|(interface, operation)| {
        !interface.is_empty()
            && !operation.is_empty()
            && interface
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && operation
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_with_and_without_parameters() {
        let args: Vec<String> = [
            "CACHE.get",
            r#"{"key": "k"}"#,
            "CACHE.stats",
            "LOGGING.info",
            "{bad",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let calls = parse_calls(&args).unwrap();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[1].2, Ok(Value::Null));
        assert!(calls[2].2.as_ref().unwrap_err().contains("not valid JSON"));
        assert!(
            parse_calls(&["{}".to_owned()])
                .unwrap_err()
                .contains("is not an operation")
        );
    }
}
