//! Which kind of event a Lambda payload is, read from a few top-level keys.

use serde_json::Value;

/// The kinds of event the router handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// API Gateway REST API (payload format 1.0).
    RestApi,
    /// API Gateway HTTP API (payload format 2.0).
    HttpApi,
    /// A Lambda function URL (payload format 2.0, `*.lambda-url.*` domain).
    FunctionUrl,
    /// EventBridge (or CloudWatch Events): `source`, `detail-type`, `detail`.
    EventBridge,
    /// A direct invoke: `{"interface", "operation", "params"}`.
    Direct,
    /// A direct invoke of a batch: a list of such calls, or `{"calls": [...]}`.
    DirectBatch,
    /// None of these.
    Unknown,
}

impl EventKind {
    /// A short name for logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::RestApi => "apigw_rest",
            EventKind::HttpApi => "apigw_http",
            EventKind::FunctionUrl => "function_url",
            EventKind::EventBridge => "eventbridge",
            EventKind::Direct => "direct",
            EventKind::DirectBatch => "direct_batch",
            EventKind::Unknown => "unknown",
        }
    }
}

/// Classifies an event by probing its keys, without decoding it as every type in turn.
pub fn probe(event: &Value) -> EventKind {
    let object = match event {
        Value::Object(object) => object,
        Value::Array(_) => return EventKind::DirectBatch,
        _ => return EventKind::Unknown,
    };
    if let Some(context) = object.get("requestContext").and_then(Value::as_object) {
        if object.get("version").and_then(Value::as_str) == Some("2.0") {
            let domain = context
                .get("domainName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            return if domain.contains(".lambda-url.") {
                EventKind::FunctionUrl
            } else {
                EventKind::HttpApi
            };
        }
        if object.contains_key("httpMethod") {
            return EventKind::RestApi;
        }
        return EventKind::Unknown;
    }
    if object.contains_key("detail-type") && object.contains_key("source") {
        return EventKind::EventBridge;
    }
    if object.contains_key("interface") && object.contains_key("operation") {
        return EventKind::Direct;
    }
    if object.len() == 1 && object.get("calls").is_some_and(Value::is_array) {
        return EventKind::DirectBatch;
    }
    EventKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn probes_each_kind() {
        let rest =
            json!({"httpMethod": "GET", "path": "/health", "requestContext": {"stage": "prod"}});
        let http = json!({"version": "2.0", "rawPath": "/health", "requestContext": {"domainName": "abc.execute-api.eu-west-1.amazonaws.com"}});
        let url = json!({"version": "2.0", "rawPath": "/", "requestContext": {"domainName": "abc.lambda-url.eu-west-1.on.aws"}});
        let bridge =
            json!({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}});
        let direct = json!({"interface": "CACHE", "operation": "get", "params": {"key": "k"}});
        assert_eq!(probe(&rest), EventKind::RestApi);
        assert_eq!(probe(&http), EventKind::HttpApi);
        assert_eq!(probe(&url), EventKind::FunctionUrl);
        assert_eq!(probe(&bridge), EventKind::EventBridge);
        assert_eq!(probe(&direct), EventKind::Direct);
        assert_eq!(probe(&json!([direct.clone()])), EventKind::DirectBatch);
        assert_eq!(probe(&json!({"calls": []})), EventKind::DirectBatch);
        for other in [
            json!("x"),
            json!({"requestContext": {}}),
            json!({"source": "x"}),
            json!({}),
        ] {
            assert_eq!(probe(&other), EventKind::Unknown, "{other}");
        }
    }
}
