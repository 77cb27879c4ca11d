//! CloudWatch Embedded Metric Format: one JSON line per invocation, which CloudWatch Logs turns
//! into metrics (duration, cold start, errors per operation) without an API call.

use crate::ftpms::UsageReport;
use serde::Serialize;
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
        self.emit_line(emf_line(metrics));
    }

    /// Writes one line.
    pub fn emit_line(&self, line: String) {
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

/// The Embedded Metric Format line of free-tier usage: requests and GB-seconds used this month,
/// the percentages used and projected (of the limit nearest to being reached), and the level
/// (0 normal, 1 warn, 2 throttle, 3 block), with no dimension.
pub fn free_tier_line(namespace: &str, report: &UsageReport) -> String {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    serde_json::json!({
        "_aws": {
            "Timestamp": timestamp,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [[]],
                "Metrics": [
                    {"Name": "FreeTierRequests", "Unit": "Count"},
                    {"Name": "FreeTierGbSeconds", "Unit": "None"},
                    {"Name": "FreeTierUsedPercent", "Unit": "Percent"},
                    {"Name": "FreeTierProjectedPercent", "Unit": "Percent"},
                    {"Name": "FreeTierLevel", "Unit": "None"}
                ]
            }]
        },
        "FreeTierRequests": report.requests,
        "FreeTierGbSeconds": report.gb_seconds,
        "FreeTierUsedPercent": report.used_percent.max(),
        "FreeTierProjectedPercent": report.projected_percent.max(),
        "FreeTierLevel": report.level.number(),
        "FreeTierMonth": report.month,
    })
    .to_string()
}

/// The Embedded Metric Format line of one invocation.
pub fn emf_line(metrics: InvocationMetrics<'_>) -> String {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let line = EmfLine {
        aws: Metadata {
            timestamp,
            cloud_watch_metrics: [Directive {
                namespace: metrics.namespace,
                dimensions: [["Operation"]],
                metrics: METRICS,
            }],
        },
        operation: metrics.operation,
        duration: metrics.duration.as_secs_f64() * 1000.0,
        cold_start: u8::from(metrics.cold_start),
        errors: u8::from(metrics.error),
    };
    // Only strings, numbers and fixed keys: serialising cannot fail.
    serde_json::to_string(&line).unwrap_or_default()
}

/// The metrics every line declares.
const METRICS: [Metric; 3] = [
    Metric {
        name: "Duration",
        unit: "Milliseconds",
    },
    Metric {
        name: "ColdStart",
        unit: "Count",
    },
    Metric {
        name: "Errors",
        unit: "Count",
    },
];

/// One line: the `_aws` metadata, then the dimension and metric values at the top level.
#[derive(Serialize)]
struct EmfLine<'a> {
    #[serde(rename = "_aws")]
    aws: Metadata<'a>,
    #[serde(rename = "Operation")]
    operation: &'a str,
    #[serde(rename = "Duration")]
    duration: f64,
    #[serde(rename = "ColdStart")]
    cold_start: u8,
    #[serde(rename = "Errors")]
    errors: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata<'a> {
    timestamp: u64,
    #[serde(rename = "CloudWatchMetrics")]
    cloud_watch_metrics: [Directive<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Directive<'a> {
    namespace: &'a str,
    dimensions: [[&'static str; 1]; 1],
    metrics: [Metric; 3],
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "PascalCase")]
struct Metric {
    name: &'static str,
    unit: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn a_line_is_embedded_metric_format() {
        let line = emf_line(InvocationMetrics {
            namespace: "svc",
            operation: "CACHE.get",
            duration: Duration::from_micros(1500),
            cold_start: true,
            error: false,
        });
        let mut value: Value = serde_json::from_str(&line).unwrap();
        assert!(value["_aws"]["Timestamp"].as_u64().unwrap() > 1_700_000_000_000);
        value["_aws"]["Timestamp"] = json!(0);
        assert_eq!(
            value,
            json!({
                "_aws": {
                    "Timestamp": 0,
                    "CloudWatchMetrics": [{
                        "Namespace": "svc",
                        "Dimensions": [["Operation"]],
                        "Metrics": [
                            {"Name": "Duration", "Unit": "Milliseconds"},
                            {"Name": "ColdStart", "Unit": "Count"},
                            {"Name": "Errors", "Unit": "Count"}
                        ]
                    }]
                },
                "Operation": "CACHE.get",
                "Duration": 1.5,
                "ColdStart": 1,
                "Errors": 0
            })
        );
    }
}
