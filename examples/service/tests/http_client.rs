//! HTTP_CLIENT.get and HTTP_CLIENT.post against a real HTTP server on loopback (wiremock),
//! through both the typed wrappers (`Gateway::http_get`, `Gateway::http_post`) and the dynamic
//! path (`Gateway::execute_operation`): responses, headers and bodies sent and received,
//! non-2xx statuses, and the failures (invalid header, connection refused, invalid URL).

use example_service::gateway::Gateway;
use example_service::interfaces::http_client::HttpResponse;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// A loopback port nothing listens on: bound, read, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

#[tokio::test]
async fn get_returns_status_body_json_and_headers_and_sends_custom_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/7"))
        .and(header("x-request-id", "abc-123"))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 7, "tags": ["a", "b"]}))
                .insert_header("x-served-by", "wiremock"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = Gateway::new()
        .http_get(
            format!("{}/items/7", server.uri()),
            Some(headers(&[
                ("x-request-id", "abc-123"),
                ("accept", "application/json"),
            ])),
        )
        .await
        .unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(response.json, Some(json!({"id": 7, "tags": ["a", "b"]})));
    assert_eq!(
        serde_json::from_str::<Value>(&response.body).unwrap(),
        json!({"id": 7, "tags": ["a", "b"]})
    );
    assert_eq!(response.headers["x-served-by"], "wiremock");
    assert_eq!(response.headers["content-type"], "application/json");
    assert_eq!(
        response.headers["content-length"],
        response.body.len().to_string()
    );
}

#[tokio::test]
async fn get_without_headers_sends_the_service_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .and(header(
            "user-agent",
            concat!("example-service/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let response = Gateway::new()
        .http_get(format!("{}/", server.uri()), None)
        .await
        .unwrap();

    assert_eq!(response.status, 204);
    assert_eq!(response.body, "");
    assert_eq!(response.json, None);
}

#[tokio::test]
async fn repeated_response_headers_keep_the_last_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .append_header("x-multi", "first")
                .append_header("x-multi", "second"),
        )
        .mount(&server)
        .await;

    let response = Gateway::new().http_get(server.uri(), None).await.unwrap();

    assert_eq!(response.headers["x-multi"], "second");
}

#[tokio::test]
async fn get_through_execute_operation_returns_the_response_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .and(header("x-token", "s3cret"))
        .respond_with(ResponseTemplate::new(200).set_body_string("pong"))
        .expect(1)
        .mount(&server)
        .await;

    let result = Gateway::new()
        .execute_operation(
            "HTTP_CLIENT",
            "get",
            json!({"url": format!("{}/ping", server.uri()), "headers": {"x-token": "s3cret"}}),
        )
        .await
        .unwrap();

    // The dynamic path returns the same response the typed path does, encoded as JSON.
    let response: HttpResponse = serde_json::from_value(result.clone()).unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "pong");
    assert_eq!(result["json"], Value::Null, "a text body has no JSON");
    assert_eq!(result["headers"]["content-length"], json!("4"));
}

#[tokio::test]
async fn get_through_execute_operation_defaults_headers_when_absent_or_null() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1, 2, 3])))
        .expect(2)
        .mount(&server)
        .await;
    let gateway = Gateway::new();

    for params in [
        json!({"url": server.uri()}),
        json!({"url": server.uri(), "headers": null}),
    ] {
        let result = gateway
            .execute_operation("HTTP_CLIENT", "get", params)
            .await
            .unwrap();
        assert_eq!(result["status"], json!(200));
        assert_eq!(result["json"], json!([1, 2, 3]));
    }
}

#[tokio::test]
async fn post_sends_the_json_body_and_headers() {
    let server = MockServer::start().await;
    let order = json!({"item": "book", "quantity": 2, "gift": true, "note": null});
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(&order))
        .and(header("content-type", "application/json"))
        .and(header("x-idempotency-key", "k-1"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 99})))
        .expect(1)
        .mount(&server)
        .await;

    let response = Gateway::new()
        .http_post(
            format!("{}/orders", server.uri()),
            order.clone(),
            Some(headers(&[("x-idempotency-key", "k-1")])),
        )
        .await
        .unwrap();

    assert_eq!(response.status, 201);
    assert_eq!(response.json, Some(json!({"id": 99})));
}

#[tokio::test]
async fn post_through_execute_operation_sends_the_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .and(body_json(json!(["a", 1, {"b": [true]}])))
        .respond_with(ResponseTemplate::new(202).set_body_string("queued"))
        .expect(1)
        .mount(&server)
        .await;

    let result = Gateway::new()
        .execute_operation(
            "HTTP_CLIENT",
            "post",
            json!({"url": format!("{}/events", server.uri()), "body": ["a", 1, {"b": [true]}]}),
        )
        .await
        .unwrap();

    assert_eq!(result["status"], json!(202));
    assert_eq!(result["body"], json!("queued"));
}

#[tokio::test]
async fn post_of_a_null_body_sends_json_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(Value::Null))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    // `body` is required, so an explicit null is a value to send, not an omission.
    let result = Gateway::new()
        .execute_operation(
            "HTTP_CLIENT",
            "post",
            json!({"url": server.uri(), "body": null}),
        )
        .await
        .unwrap();

    assert_eq!(result["status"], json!(200));
}

#[tokio::test]
async fn non_2xx_statuses_are_responses_not_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/broken"))
        .respond_with(ResponseTemplate::new(503).set_body_string("try later"))
        .mount(&server)
        .await;
    let gateway = Gateway::new();

    let not_found = gateway
        .http_get(format!("{}/missing", server.uri()), None)
        .await
        .unwrap();
    assert_eq!(not_found.status, 404);
    assert_eq!(not_found.json, Some(json!({"error": "not found"})));

    let unavailable = gateway
        .execute_operation(
            "HTTP_CLIENT",
            "post",
            json!({"url": format!("{}/broken", server.uri()), "body": {}}),
        )
        .await
        .unwrap();
    assert_eq!(unavailable["status"], json!(503));
    assert_eq!(unavailable["body"], json!("try later"));
}

#[tokio::test]
async fn an_invalid_header_name_fails_without_sending_anything() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let gateway = Gateway::new();

    let error = gateway
        .http_get(server.uri(), Some(headers(&[("bad header", "v")])))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert_eq!(
        error.to_string(),
        "`HTTP_CLIENT.get` failed: invalid header `bad header`"
    );

    let error = gateway
        .execute_operation(
            "HTTP_CLIENT",
            "post",
            json!({"url": server.uri(), "body": 1, "headers": {"x-ok": "1", "bad:name": "v"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert_eq!(
        error.to_string(),
        "`HTTP_CLIENT.post` failed: invalid header `bad:name`"
    );
}

#[tokio::test]
async fn an_invalid_header_value_names_the_header() {
    let error = Gateway::new()
        .http_get(
            "http://127.0.0.1:9/",
            Some(headers(&[("x-multiline", "a\nb")])),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert_eq!(
        error.to_string(),
        "`HTTP_CLIENT.get` failed: invalid header `x-multiline`"
    );
}

#[tokio::test]
async fn a_refused_connection_fails_promptly() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let gateway = Gateway::new();
    let started = Instant::now();

    let error = gateway.http_get(url.as_str(), None).await.unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), "operation_failed");
    // The message carries the causes, down to the refused connection.
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "`HTTP_CLIENT.get` failed: error sending request for url ({url}): "
        )),
        "{message}"
    );
    assert!(
        message.to_lowercase().contains("connection refused"),
        "{message}"
    );

    let error = gateway
        .execute_operation("HTTP_CLIENT", "post", json!({"url": url, "body": {}}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert!(error.to_string().contains(&url), "{error}");
}

#[tokio::test]
async fn an_invalid_url_is_an_operation_failure() {
    let gateway = Gateway::new();

    let error = gateway.http_get("not a url", None).await.unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert_eq!(
        error.to_string(),
        "`HTTP_CLIENT.get` failed: builder error: relative URL without a base"
    );

    let error = gateway
        .execute_operation(
            "HTTP_CLIENT",
            "post",
            json!({"url": "not a url", "body": 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "operation_failed");
    assert_eq!(
        error.to_string(),
        "`HTTP_CLIENT.post` failed: builder error: relative URL without a base"
    );
}

#[tokio::test]
async fn ill_typed_parameters_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let error = Gateway::new()
        .execute_operation(
            "HTTP_CLIENT",
            "post",
            json!({"url": server.uri(), "headers": {"x-n": 5}}),
        )
        .await
        .unwrap_err();

    assert_eq!(error.kind(), "invalid_params");
    assert_eq!(
        error.to_string(),
        "invalid parameters for `HTTP_CLIENT.post`: missing required parameter `body` (any); \
         parameter `headers.x-n`: expected string, found integer 5"
    );
}
