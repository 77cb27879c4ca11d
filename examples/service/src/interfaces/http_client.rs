//! HTTP_CLIENT: outbound GET and POST over one connection pool, created on first use.

use gateway_runtime::{BoxError, InitContext, Interface, Value, operation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The state of the HTTP_CLIENT interface: a client with its connection pool and TLS setup.
/// It holds no data: unloading it closes idle connections, and the next call opens new ones.
#[derive(Debug, Interface)]
#[interface(init = HttpClient::open)]
pub struct HttpClient {
    client: reqwest::Client,
}

impl HttpClient {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        // Another part of the process may have installed a provider already; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("example-service/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client })
    }
}

/// A response as HTTP_CLIENT operations return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers (the last value of repeated ones).
    pub headers: BTreeMap<String, String>,
    /// The body as text.
    pub body: String,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
}

/// Why a request failed before a response arrived.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// A header name or value that HTTP does not allow.
    #[error("invalid header `{0}`")]
    InvalidHeader(String),
    /// The request failed (connection, timeout, invalid URL...).
    #[error(transparent)]
    Request(#[from] reqwest::Error),
}

fn with_headers(
    mut request: reqwest::RequestBuilder,
    headers: &BTreeMap<String, String>,
) -> Result<reqwest::RequestBuilder, HttpError> {
    for (name, value) in headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| HttpError::InvalidHeader(name.clone()))?;
        let value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| HttpError::InvalidHeader(name.to_string()))?;
        request = request.header(name, value);
    }
    Ok(request)
}

async fn into_response(response: reqwest::Response) -> Result<HttpResponse, HttpError> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
        .collect();
    let body = response.text().await?;
    let json = serde_json::from_str(&body).ok();
    Ok(HttpResponse {
        status,
        headers,
        body,
        json,
    })
}

#[operation(HTTP_CLIENT.get)]
async fn get(
    client: &HttpClient,
    url: &str,
    headers: BTreeMap<String, String>,
) -> Result<HttpResponse, HttpError> {
    let request = with_headers(client.client.get(url), &headers)?;
    into_response(request.send().await?).await
}

#[operation(HTTP_CLIENT.post)]
async fn post(
    client: &HttpClient,
    url: &str,
    body: Value,
    headers: BTreeMap<String, String>,
) -> Result<HttpResponse, HttpError> {
    let request = with_headers(client.client.post(url).json(&body), &headers)?;
    into_response(request.send().await?).await
}
