//! HTTP requests and responses as the router sees them, whichever way they arrived (an API
//! Gateway or function URL event, or the local server).

use super::errors::ErrorResponse;
use serde_json::Value;

/// An HTTP request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, without the API Gateway stage.
    pub path: String,
    /// The body, decoded from base64 if the event said it was encoded.
    pub body: Vec<u8>,
}

/// An HTTP response: always JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// The status.
    pub status: u16,
    /// Extra headers (`Retry-After`, `Allow`); `Content-Type` is always `application/json`.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Value,
}

impl HttpResponse {
    /// A 200 with `body`.
    pub fn ok(body: Value) -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            body,
        }
    }

    /// The body as text.
    pub fn body_text(&self) -> String {
        self.body.to_string()
    }
}

impl From<ErrorResponse> for HttpResponse {
    fn from(error: ErrorResponse) -> Self {
        let mut headers = Vec::new();
        if let Some(seconds) = error.retry_after {
            headers.push(("retry-after", seconds.to_string()));
        }
        Self {
            status: error.status,
            headers,
            body: error.body,
        }
    }
}

/// The path without the API Gateway stage (`/prod/health` with stage `prod` is `/health`);
/// `$default` stages and paths that do not start with the stage are left as they are.
pub fn strip_stage(path: &str, stage: Option<&str>) -> String {
    let path = if path.is_empty() { "/" } else { path };
    match stage {
        Some(stage) if !stage.is_empty() && stage != "$default" => {
            let prefix = format!("/{stage}");
            match path.strip_prefix(&prefix) {
                Some("") => "/".to_owned(),
                Some(rest) if rest.starts_with('/') => rest.to_owned(),
                _ => path.to_owned(),
            }
        }
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::strip_stage;

    #[test]
    fn stages_are_stripped_only_as_a_whole_segment() {
        assert_eq!(strip_stage("/prod/health", Some("prod")), "/health");
        assert_eq!(strip_stage("/prod", Some("prod")), "/");
        assert_eq!(
            strip_stage("/production/health", Some("prod")),
            "/production/health"
        );
        assert_eq!(strip_stage("/health", Some("$default")), "/health");
        assert_eq!(strip_stage("/health", None), "/health");
        assert_eq!(strip_stage("", None), "/");
    }
}
