//! API Gateway and function URL events to [`HttpRequest`]s, and [`HttpResponse`]s back to the
//! response format each expects, through the `aws_lambda_events` types.

use super::http::{HttpRequest, HttpResponse, strip_stage};
use super::kind::EventKind;
use aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyResponse, ApiGatewayV2httpRequest,
    ApiGatewayV2httpResponse,
};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::lambda_function_urls::{
    LambdaFunctionUrlRequest, LambdaFunctionUrlResponse,
};
use base64::Engine;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// Why an HTTP event could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed {kind} event: {reason}")]
pub struct MalformedEvent {
    /// The kind of event it looked like.
    pub kind: &'static str,
    /// What was wrong.
    pub reason: String,
}

fn malformed(kind: EventKind, reason: impl ToString) -> MalformedEvent {
    MalformedEvent {
        kind: kind.name(),
        reason: reason.to_string(),
    }
}

fn body(body: Option<String>, base64: bool, kind: EventKind) -> Result<Vec<u8>, MalformedEvent> {
    let body = body.unwrap_or_default();
    if base64 {
        base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| malformed(kind, format!("the body is marked base64 but is not: {e}")))
    } else {
        Ok(body.into_bytes())
    }
}

/// Reads an HTTP event of `kind` (REST API, HTTP API or function URL).
pub fn request(kind: EventKind, event: Value) -> Result<HttpRequest, MalformedEvent> {
    match kind {
        EventKind::RestApi => {
            let event: ApiGatewayProxyRequest =
                serde_json::from_value(event).map_err(|e| malformed(kind, e))?;
            let path = event.path.unwrap_or_default();
            Ok(HttpRequest {
                method: event.http_method.to_string(),
                path: strip_stage(&path, event.request_context.stage.as_deref()),
                body: body(event.body, event.is_base64_encoded, kind)?,
            })
        }
        EventKind::HttpApi => {
            let event: ApiGatewayV2httpRequest =
                serde_json::from_value(event).map_err(|e| malformed(kind, e))?;
            let path = event.raw_path.unwrap_or_default();
            Ok(HttpRequest {
                method: event.request_context.http.method.to_string(),
                path: strip_stage(&path, event.request_context.stage.as_deref()),
                body: body(event.body, event.is_base64_encoded, kind)?,
            })
        }
        EventKind::FunctionUrl => {
            let event: LambdaFunctionUrlRequest =
                serde_json::from_value(event).map_err(|e| malformed(kind, e))?;
            let method = event
                .request_context
                .http
                .method
                .unwrap_or_default()
                .to_ascii_uppercase();
            Ok(HttpRequest {
                method,
                path: strip_stage(&event.raw_path.unwrap_or_default(), None),
                body: body(event.body, event.is_base64_encoded, kind)?,
            })
        }
        _ => Err(malformed(kind, "not an HTTP event")),
    }
}

fn headers(response: &HttpResponse) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in &response.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers
}

/// The response of `kind` carrying `response`, as the JSON Lambda returns.
pub fn response(kind: EventKind, response: &HttpResponse) -> Value {
    let status = i64::from(response.status);
    let text = response.body_text();
    let encoded = match kind {
        EventKind::RestApi => {
            let mut out = ApiGatewayProxyResponse::default();
            out.status_code = status;
            out.headers = headers(response);
            out.body = Some(Body::Text(text));
            serde_json::to_value(out)
        }
        EventKind::FunctionUrl => {
            let mut out = LambdaFunctionUrlResponse::default();
            out.status_code = status;
            out.headers = headers(response);
            out.body = Some(text);
            serde_json::to_value(out)
        }
        _ => {
            let mut out = ApiGatewayV2httpResponse::default();
            out.status_code = status;
            out.headers = headers(response);
            out.body = Some(Body::Text(text));
            serde_json::to_value(out)
        }
    };
    encoded.unwrap_or_default()
}
