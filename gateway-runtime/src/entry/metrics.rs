//! CloudWatch Embedded Metric Format: one JSON line per invocation, which CloudWatch Logs turns
//! into metrics (duration, cold start, errors per operation) without an API call.

use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where metric lines go.
#[derive(Debug, Clone, Default)]
pub enum MetricsSink {
    /// Nowhere: metrics are off.
    #[default]
    Off,
    /// Standard output, where Lambda's log capture picks them up.
    Stdout,
    /// A buffer (for tests).
    Buffer(Arc<Mutex<Vec<String>>>),
}

/// One invocation, as a metric line reports it.
#[derive(Debug, Clone, Copy)]
pub struct InvocationMetrics<'a> {
    /// The service's name: the metrics namespace.
    pub namespace: &'a str,
    /// The operation (`CACHE.get`) or the route (`GET /health`).
    pub operation: &'a str,
    /// How long the invocation took.
    pub duration: Duration,
    /// Whether it was a cold start.
    pub cold_start: bool,
    /// Whether it failed.
    pub error: bool,
}

impl MetricsSink {
    /// Writes one line for `metrics`.
    pub fn emit(&self, metrics: InvocationMetrics<'_>) {
        if matches!(self, MetricsSink::Off) {
            return;
        }
        let line = emf_line(metrics);
        match self {
            MetricsSink::Off => {}
            MetricsSink::Stdout => {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{line}");
            }
            MetricsSink::Buffer(lines) => lines
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(line),
        }
    }
}

/// The Embedded Metric Format line of one invocation.
pub fn emf_line(metrics: InvocationMetrics<'_>) -> String {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    json!({
        "_aws": {
            "Timestamp": timestamp,
            "CloudWatchMetrics": [{
                "Namespace": metrics.namespace,
                "Dimensions": [["Operation"]],
                "Metrics": [
                    {"Name": "Duration", "Unit": "Milliseconds"},
                    {"Name": "ColdStart", "Unit": "Count"},
                    {"Name": "Errors", "Unit": "Count"}
                ]
            }]
        },
        "Operation": metrics.operation,
        "Duration": metrics.duration.as_secs_f64() * 1000.0,
        "ColdStart": u8::from(metrics.cold_start),
        "Errors": u8::from(metrics.error)
    })
    .to_string()
}
