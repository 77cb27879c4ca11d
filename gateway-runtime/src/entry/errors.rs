//! Gateway errors as responses: a status and a JSON body
//! `{"error": {"kind", "message", "status", "request_id", ...}}`.
//!
//! Client errors say what was wrong. Server errors (status 500) say only what kind of failure
//! happened and the request id: the details (panic messages, paths, configuration values) go to
//! the log, never to the caller.

use crate::error::GatewayError;
use serde_json::{Value, json};

/// An error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: u16,
    /// `{"error": {...}}`.
    pub body: Value,
    /// Seconds for a `Retry-After` header (throttling).
    pub retry_after: Option<u64>,
}

/// An error response of `kind` with `message` and no details. The body repeats the status, for
/// callers that see no HTTP status (direct invokes).
pub fn plain(
    status: u16,
    kind: &str,
    message: impl Into<String>,
    request_id: &str,
) -> ErrorResponse {
    ErrorResponse {
        status,
        body: json!({"error": {
            "kind": kind,
            "message": message.into(),
            "status": status,
            "request_id": request_id,
        }}),
        retry_after: None,
    }
}

/// The 413 for a body larger than `limit` bytes.
pub fn too_large(limit: usize, request_id: &str) -> ErrorResponse {
    let message = format!(
        "the body is larger than {limit} bytes; send less, or raise GATEWAY_MAX_BODY_BYTES"
    );
    plain(413, "payload_too_large", message, request_id)
}

/// The response for `error`.
pub fn from_gateway(error: &GatewayError, request_id: &str) -> ErrorResponse {
    let kind = error.kind();
    match error {
        GatewayError::UnknownInterface { .. } | GatewayError::UnknownOperation { .. } => {
            plain(404, kind, error.to_string(), request_id)
        }
        GatewayError::InvalidParams { problems, .. } => {
            let mut response = plain(400, kind, error.to_string(), request_id);
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            response.body["error"]["problems"] = json!(problems);
            response
        }
        GatewayError::Timeout { .. } => plain(504, kind, error.to_string(), request_id),
        GatewayError::Throttled { retry_after, .. } => {
            let seconds = retry_after.as_secs().max(1);
            let mut response = plain(429, kind, error.to_string(), request_id);
            response.body["error"]["retry_after_s"] = json!(seconds);
            response.retry_after = Some(seconds);
            response
        }
        GatewayError::Blocked { .. } => plain(503, kind, error.to_string(), request_id),
        _ => {
            tracing::error!(request_id, kind, error = %error, "operation failed");
            plain(
                500,
                kind,
                "the operation failed; the service log has the details under this request id",
                request_id,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::OperationError;
    use std::time::Duration;

    #[test]
    fn statuses_and_no_leaks() {
        let failed = GatewayError::OperationFailed {
            operation: "CACHE.get",
            error: OperationError::msg("cannot open /etc/secret.db with PASSWORD=hunter2"),
        };
        let response = from_gateway(&failed, "r-1");
        assert_eq!(response.status, 500);
        let text = response.body.to_string();
        assert!(
            !text.contains("/etc") && !text.contains("hunter2"),
            "{text}"
        );
        assert_eq!(response.body["error"]["request_id"], "r-1");
        let panicked = GatewayError::Panicked {
            operation: "CACHE.get",
            message: "index out of bounds at src/x.rs:3".into(),
        };
        assert!(
            !from_gateway(&panicked, "r")
                .body
                .to_string()
                .contains("src/x.rs")
        );

        let throttled = GatewayError::Throttled {
            operation: "CACHE.get",
            retry_after: Duration::from_secs(60),
            reason: "free tier at 86%".into(),
        };
        let response = from_gateway(&throttled, "r");
        assert_eq!((response.status, response.retry_after), (429, Some(60)));
        let blocked = GatewayError::Blocked {
            operation: "CACHE.get",
            reason: "free tier at 96%".into(),
        };
        assert_eq!(from_gateway(&blocked, "r").status, 503);
        let timeout = GatewayError::Timeout {
            operation: "CACHE.get",
            after: Duration::from_secs(5),
        };
        assert_eq!(from_gateway(&timeout, "r").status, 504);
    }
}
