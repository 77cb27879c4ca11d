//! The event router: one JSON payload in (any event kind), one response out.
//!
//! Routes, for API Gateway (REST and HTTP APIs), function URLs and the local server:
//!
//! | method | path | |
//! |---|---|---|
//! | GET | `/health` | status, version, cold start, loaded modules |
//! | GET | `/stats` | the runtime's stats |
//! | GET | `/operations` | the public operations with their parameter schemas |
//! | POST | `/invoke` | `{"interface", "operation", "params"}` |
//! | POST | `/batch` | a list of such calls, fused where possible ([`crate::ofb`]) |
//! | POST | `/{interface}/{operation}` | the parameters as the body |
//!
//! EventBridge events go to the operation their route in the manifest's `$events` names;
//! direct invokes (`{"interface", "operation", "params"}`) to the operation they name. Only
//! public operations can be reached: an internal one answers exactly like one that does not
//! exist.

use super::batch;
use super::cold::ColdStart;
use super::errors::{self, ErrorResponse};
use super::events;
use super::http::{HttpRequest, HttpResponse};
use super::kind::{EventKind, probe};
use super::metrics::{InvocationMetrics, MetricsSink, free_tier_line};
use crate::descriptor::{EventParams, OperationDescriptor, Visibility};
use crate::ftpms::LevelChange;
use crate::service::Service;
use crate::suggest::closest;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How the router behaves; [`run`](super::run) reads it from the environment.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RouterOptions {
    /// The service's name: the metrics namespace.
    pub service: String,
    /// The service's version, shown by `/health`.
    pub version: String,
    /// The largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// Where per-invocation metric lines go.
    pub metrics: MetricsSink,
    /// How often maintenance may run at the start of an invocation.
    pub maintenance_interval: Duration,
    /// The most calls one batch (`POST /batch`, a direct invoke of a list) may hold.
    pub max_batch_calls: usize,
}

impl RouterOptions {
    /// Defaults for a service: 1 MiB bodies, no metrics, maintenance at most once a second,
    /// batches of up to 1,000 calls.
    pub fn new(service: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            version: version.into(),
            max_body_bytes: 1 << 20,
            metrics: MetricsSink::Off,
            maintenance_interval: Duration::from_secs(1),
            max_batch_calls: 1000,
        }
    }

    /// Sets the metrics sink.
    pub fn metrics(mut self, sink: MetricsSink) -> Self {
        self.metrics = sink;
        self
    }

    /// Sets the body limit.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets the most calls one batch may hold.
    pub fn max_batch_calls(mut self, calls: usize) -> Self {
        self.max_batch_calls = calls;
        self
    }
}

/// Why an invocation failed as a whole (as opposed to answering with an error response).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvocationError {
    /// The payload is no event the router knows.
    #[error(
        "unknown event: expected an API Gateway (REST or HTTP API), function URL or EventBridge event, or a direct invoke {{\"interface\", \"operation\", \"params\"}}"
    )]
    UnknownEvent,
    /// An HTTP event that could not be read.
    #[error(transparent)]
    Malformed(#[from] events::MalformedEvent),
    /// An EventBridge event whose operation failed; failing the invocation lets EventBridge retry.
    #[error("the operation routed from the event failed: {0}")]
    EventFailed(String),
}

/// Routes events and HTTP requests to a [`Service`].
#[derive(Debug)]
pub struct EventRouter<S> {
    service: Arc<S>,
    options: RouterOptions,
    cold: ColdStart,
    /// The `/operations` answer, built on first request: the registry never changes.
    operations: OnceLock<Value>,
    /// When the last free-tier metric line was written.
    free_tier_emitted: Mutex<Option<Instant>>,
}

impl<S: Service> EventRouter<S> {
    /// A router over `service`; cold starts are read from the environment.
    pub fn new(service: Arc<S>, options: RouterOptions) -> Self {
        Self::with_cold_start(service, options, ColdStart::from_env())
    }

    /// A router with its cold-start tracker given.
    pub fn with_cold_start(service: Arc<S>, options: RouterOptions, cold: ColdStart) -> Self {
        Self {
            service,
            options,
            cold,
            operations: OnceLock::new(),
            free_tier_emitted: Mutex::new(None),
        }
    }

    /// The options.
    pub fn options(&self) -> &RouterOptions {
        &self.options
    }

    /// The service.
    pub fn service(&self) -> &Arc<S> {
        &self.service
    }

    /// Handles one Lambda payload and returns the response payload.
    pub async fn handle_event(
        &self,
        event: Value,
        request_id: &str,
    ) -> Result<Value, InvocationError> {
        let started = Instant::now();
        let cold_start = self.begin();
        let kind = probe(&event);
        let (result, label, status) = match kind {
            EventKind::RestApi | EventKind::HttpApi | EventKind::FunctionUrl => {
                match events::request(kind, event) {
                    Ok(request) => {
                        let (response, label) = self.route(request, request_id, cold_start).await;
                        let status = response.status;
                        (Ok(events::response(kind, &response)), label, status)
                    }
                    Err(error) => (Err(error.into()), labels::MALFORMED_EVENT, 400),
                }
            }
            EventKind::EventBridge => self.eventbridge(event, request_id).await,
            EventKind::Direct => {
                let (result, label, status) = self.direct(event, request_id).await;
                (Ok(result), label, status)
            }
            EventKind::DirectBatch => match batch::calls_of(event, self.options.max_batch_calls) {
                Ok(calls) => (
                    Ok(self.run_batch(calls, request_id).await),
                    labels::BATCH,
                    200,
                ),
                Err((status, kind, message)) => {
                    let body = errors::plain(status, kind, message, request_id).body;
                    (Ok(body), labels::BATCH, status)
                }
            },
            EventKind::Unknown => (
                Err(InvocationError::UnknownEvent),
                labels::UNKNOWN_EVENT,
                400,
            ),
        };
        self.finish(request_id, kind.name(), label, cold_start, started, status);
        result
    }

    /// Handles one HTTP request (the local server's way in).
    pub async fn handle_http(&self, request: HttpRequest, request_id: &str) -> HttpResponse {
        let started = Instant::now();
        let cold_start = self.begin();
        let (response, label) = self.route(request, request_id, cold_start).await;
        self.finish(
            request_id,
            "http",
            label,
            cold_start,
            started,
            response.status,
        );
        response
    }

    /// At the start of an invocation: maintenance and the shared usage if due; whether it is
    /// a cold start.
    fn begin(&self) -> bool {
        self.service
            .maintain_if_due(self.options.maintenance_interval);
        let cold = self.cold.begin();
        if let Some(change) = self.service.free_tier().refresh_if_due() {
            self.free_tier_metrics(Some(change));
        }
        cold
    }

    /// Writes the free-tier metric line when the level changed, or when a minute passed since
    /// the last one.
    fn free_tier_metrics(&self, change: Option<LevelChange>) {
        if matches!(self.options.metrics, MetricsSink::Off) {
            return;
        }
        let mut last = self
            .free_tier_emitted
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let due = last.is_none_or(|at| at.elapsed() >= Duration::from_secs(60));
        if change.is_some() || due {
            *last = Some(Instant::now());
            drop(last);
            let report = self.service.free_tier().report();
            self.options
                .metrics
                .emit_line(free_tier_line(&self.options.service, &report));
        }
    }

    fn finish(
        &self,
        request_id: &str,
        kind: &str,
        label: &'static str,
        cold_start: bool,
        started: Instant,
        status: u16,
    ) {
        let duration = started.elapsed();
        let failed = status >= 500;
        let init = cold_start.then(|| self.cold.init_elapsed().saturating_sub(duration));
        let change = self.service.free_tier().record(duration, init);
        self.free_tier_metrics(change);
        tracing::info!(
            target: "gateway::invocation",
            request_id,
            kind,
            operation = label,
            cold_start,
            status,
            duration_ms = duration.as_secs_f64() * 1000.0,
            "invocation"
        );
        self.options.metrics.emit(InvocationMetrics {
            namespace: &self.options.service,
            operation: label,
            duration,
            cold_start,
            error: failed,
        });
    }

    /// Routes one request; returns the response and the label its logs and metrics carry.
    async fn route(
        &self,
        request: HttpRequest,
        request_id: &str,
        cold_start: bool,
    ) -> (HttpResponse, &'static str) {
        if request.body.len() > self.options.max_body_bytes {
            let response = errors::too_large(self.options.max_body_bytes, request_id).into();
            return (response, labels::TOO_LARGE);
        }
        let segments: Vec<&str> = request.path.split('/').filter(|s| !s.is_empty()).collect();
        let method = request.method.as_str();
        match (method, segments.as_slice()) {
            ("GET", ["health"]) => (HttpResponse::ok(self.health(cold_start)), "GET /health"),
            ("GET", ["stats"]) => (
                HttpResponse::ok(self.service.stats().to_json()),
                "GET /stats",
            ),
            ("GET", ["operations"]) => (
                HttpResponse::ok(
                    self.operations
                        .get_or_init(|| self.list_operations())
                        .clone(),
                ),
                "GET /operations",
            ),
            ("POST", ["batch"]) => {
                let body = match json_body(&request.body, request_id) {
                    Ok(body) => body,
                    Err(error) => return (error.into(), labels::BATCH),
                };
                match batch::calls_of(body, self.options.max_batch_calls) {
                    Ok(calls) => {
                        let results = self.run_batch(calls, request_id).await;
                        (HttpResponse::ok(results), labels::BATCH)
                    }
                    Err((status, kind, message)) => {
                        let error = errors::plain(status, kind, message, request_id);
                        (error.into(), labels::BATCH)
                    }
                }
            }
            ("POST", ["invoke"]) => {
                let body = match json_body(&request.body, request_id) {
                    Ok(body) => body,
                    Err(error) => return (error.into(), "POST /invoke"),
                };
                let (Some(interface), Some(operation)) = (
                    body.get("interface").and_then(Value::as_str),
                    body.get("operation").and_then(Value::as_str),
                ) else {
                    let error = errors::plain(
                        400,
                        "invalid_request",
                        "expected {\"interface\": ..., \"operation\": ..., \"params\": {...}}",
                        request_id,
                    );
                    return (error.into(), "POST /invoke");
                };
                let params = body.get("params").cloned().unwrap_or(Value::Null);
                self.call_http(interface, operation, params, request_id)
                    .await
            }
            ("POST", [interface, operation]) => match json_body(&request.body, request_id) {
                Ok(params) => {
                    self.call_http(interface, operation, params, request_id)
                        .await
                }
                Err(error) => (error.into(), "POST /{interface}/{operation}"),
            },
            (_, ["health" | "stats" | "operations"]) => (
                method_not_allowed("GET", &request, request_id),
                labels::METHOD_NOT_ALLOWED,
            ),
            (_, ["invoke" | "batch"] | [_, _]) => (
                method_not_allowed("POST", &request, request_id),
                labels::METHOD_NOT_ALLOWED,
            ),
            _ => {
                let message = format!("no route for {} {}", request.method, request.path);
                let error = errors::plain(404, "not_found", message, request_id);
                (error.into(), labels::NO_ROUTE)
            }
        }
    }

    async fn call_http(
        &self,
        interface: &str,
        operation: &str,
        params: Value,
        request_id: &str,
    ) -> (HttpResponse, &'static str) {
        let (label, result) = self
            .call_public(interface, operation, params, request_id)
            .await;
        match result {
            Ok(result) => (HttpResponse::ok(result), label),
            Err(error) => (error.into(), label),
        }
    }

    /// Calls a public operation; internal ones are reported exactly like unknown ones. Returns
    /// the operation's name (or [`labels::UNKNOWN_OPERATION`]) with the outcome.
    async fn call_public(
        &self,
        interface: &str,
        operation: &str,
        params: Value,
        request_id: &str,
    ) -> (&'static str, Result<Value, ErrorResponse>) {
        match self.public(interface, operation) {
            Some(op) => {
                let result = self.service.call(op, params).await;
                let result = result.map_err(|error| errors::from_gateway(&error, request_id));
                (op.name, result)
            }
            None => {
                let error = self.unknown_publicly(interface, operation, request_id);
                (labels::UNKNOWN_OPERATION, Err(error))
            }
        }
    }

    pub(super) fn public(
        &self,
        interface: &str,
        operation: &str,
    ) -> Option<&'static OperationDescriptor> {
        self.service
            .resolve(interface, operation)
            .filter(|op| op.visibility == Visibility::Public)
    }

    /// The "unknown" error external callers see: suggestions among public operations only.
    pub(super) fn unknown_publicly(
        &self,
        interface: &str,
        operation: &str,
        request_id: &str,
    ) -> ErrorResponse {
        let public: Vec<&'static OperationDescriptor> = self
            .service
            .operations()
            .into_iter()
            .filter(|op| op.visibility == Visibility::Public)
            .collect();
        // In order of first appearance (operations registered at runtime come last).
        let mut interfaces: Vec<&'static str> = Vec::new();
        for op in &public {
            if !interfaces.contains(&op.interface) {
                interfaces.push(op.interface);
            }
        }
        if !interfaces.contains(&interface) {
            let message = format!(
                "unknown interface `{interface}`{}; available: {}",
                hint(closest(interface, interfaces.iter().copied())),
                interfaces.join(", ")
            );
            return errors::plain(404, "unknown_interface", message, request_id);
        }
        let operations: Vec<&'static str> = public
            .iter()
            .filter(|op| op.interface == interface)
            .map(|op| op.operation)
            .collect();
        let message = format!(
            "unknown operation `{interface}.{operation}`{}; {interface} has: {}",
            hint(closest(operation, operations.iter().copied())),
            operations.join(", ")
        );
        errors::plain(404, "unknown_operation", message, request_id)
    }

    fn health(&self, cold_start: bool) -> Value {
        let stats = self.service.stats();
        let loaded: Vec<&str> = stats
            .modules
            .iter()
            .filter(|m| m.loaded)
            .map(|m| m.interface)
            .collect();
        json!({
            "status": "ok",
            "service": self.options.service,
            "version": self.options.version,
            "cold_start": cold_start,
            "loaded_modules": loaded,
        })
    }

    fn list_operations(&self) -> Value {
        let operations: Vec<Value> = self
            .service
            .operations()
            .into_iter()
            .filter(|op| op.visibility == Visibility::Public)
            .map(|op| {
                let schema = serde_json::to_value(op.schema()).unwrap_or_default();
                json!({
                    "interface": op.interface,
                    "operation": op.operation,
                    "path": format!("/{}/{}", op.interface, op.operation),
                    "description": op.description,
                    "params": schema,
                    "returns": op.returns.to_string(),
                    "async": op.is_async,
                    "cacheable": op.cacheable.is_some(),
                    "timeout_ms": op.timeout.map(|t| t.as_millis() as u64),
                    "priority": format!("{:?}", op.priority).to_lowercase(),
                })
            })
            .collect();
        json!({"operations": operations})
    }

    async fn eventbridge(
        &self,
        mut event: Value,
        request_id: &str,
    ) -> (Result<Value, InvocationError>, &'static str, u16) {
        let source = event
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let detail_type = event
            .get("detail-type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let route = self
            .service
            .registry()
            .events
            .iter()
            .find(|route| route.matches(source, detail_type));
        let Some(route) = route else {
            tracing::warn!(
                request_id,
                source,
                detail_type,
                "no route for this EventBridge event"
            );
            let body = errors::plain(
                404,
                "no_route",
                format!("no `$events` route for source `{source}` and detail-type `{detail_type}`"),
                request_id,
            )
            .body;
            return (Ok(body), labels::NO_ROUTE, 404);
        };
        let params = match route.params {
            EventParams::Detail => event.get_mut("detail").map_or(Value::Null, Value::take),
            EventParams::Empty => Value::Null,
            EventParams::Fixed(json) => serde_json::from_str(json).unwrap_or(Value::Null),
        };
        let (interface, operation) = route
            .operation
            .split_once('.')
            .unwrap_or((route.operation, ""));
        let (label, result) = self
            .call_public(interface, operation, params, request_id)
            .await;
        match result {
            Ok(result) => (Ok(result), label, 200),
            Err(response) => {
                let message = response.body["error"]["message"]
                    .as_str()
                    .unwrap_or_default();
                let error = InvocationError::EventFailed(message.to_owned());
                (Err(error), label, response.status)
            }
        }
    }

    async fn direct(&self, mut event: Value, request_id: &str) -> (Value, &'static str, u16) {
        let params = event.get_mut("params").map_or(Value::Null, Value::take);
        let (Some(interface), Some(operation)) = (
            event.get("interface").and_then(Value::as_str),
            event.get("operation").and_then(Value::as_str),
        ) else {
            let error = errors::plain(
                400,
                "invalid_request",
                "a direct invoke is {\"interface\": \"CACHE\", \"operation\": \"get\", \"params\": {...}} with string names",
                request_id,
            );
            return (error.body, labels::MALFORMED_EVENT, 400);
        };
        let (label, result) = self
            .call_public(interface, operation, params, request_id)
            .await;
        match result {
            Ok(result) => (result, label, 200),
            Err(response) => (response.body, label, response.status),
        }
    }
}

/// Labels for invocations that reach no operation. Logs and metrics carry the operation's name
/// or one of these, never a path taken from the request: metric dimensions stay few (each
/// distinct one is a custom CloudWatch metric, billed).
mod labels {
    pub const TOO_LARGE: &str = "payload too large";
    pub const METHOD_NOT_ALLOWED: &str = "method not allowed";
    pub const NO_ROUTE: &str = "no route";
    pub const UNKNOWN_OPERATION: &str = "unknown operation";
    pub const MALFORMED_EVENT: &str = "malformed event";
    pub const UNKNOWN_EVENT: &str = "unknown event";
    pub const BATCH: &str = "batch";
}

fn hint(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

fn json_body(body: &[u8], request_id: &str) -> Result<Value, ErrorResponse> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|error| {
        errors::plain(
            400,
            "invalid_json",
            format!("the body is not valid JSON: {error}"),
            request_id,
        )
    })
}

fn method_not_allowed(
    allowed: &'static str,
    request: &HttpRequest,
    request_id: &str,
) -> HttpResponse {
    let mut response: HttpResponse = errors::plain(
        405,
        "method_not_allowed",
        format!(
            "{} is not allowed on {}; use {allowed}",
            request.method, request.path
        ),
        request_id,
    )
    .into();
    response.headers.push(("allow", allowed.to_owned()));
    response
}
