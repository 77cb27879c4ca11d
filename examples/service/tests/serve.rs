//! `example-service serve`, driven over loopback by a real HTTP client: the routes, the error
//! statuses, bad requests of every kind (truncated JSON, wrong methods, unknown routes, huge
//! bodies with and without a length, garbage bytes, a stalled client), and the server still
//! answering after each.

mod common;

use common::{Running, service};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A started `serve` on a free loopback port.
struct Server {
    running: Running,
    addr: SocketAddr,
    client: Client,
}

impl Server {
    fn start(env: &[(&str, &str)]) -> Self {
        let mut command = service();
        command
            .args(["serve", "--port", "0"])
            .envs(env.iter().copied());
        let running = Running::spawn(command);
        let line = running.wait_for_stderr("listening on http://", Duration::from_secs(30));
        let addr = line["listening on http://".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|e| panic!("no address in {line:?}: {e}"));
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            running,
            addr,
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// Asserts the server still answers `/health`.
    async fn assert_healthy(&mut self) {
        assert!(self.running.is_running(), "the server exited");
        let (status, body) = self.get("/health").await;
        assert_eq!((status, &body["status"]), (StatusCode::OK, &json!("ok")));
    }
}

#[tokio::test]
async fn serve_answers_the_routes() {
    let server = Server::start(&[]);
    let (status, health) = server.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        health["cold_start"], true,
        "the first request is the cold start"
    );
    assert_eq!(health["service"], "example-service");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(server.get("/health").await.1["cold_start"], false);

    let set = json!({"key": "greeting", "value": "hello"}).to_string();
    assert_eq!(
        server.post("/CACHE/set", set).await,
        (StatusCode::OK, Value::Null)
    );
    let get = json!({"interface": "CACHE", "operation": "get", "params": {"key": "greeting"}});
    assert_eq!(
        server.post("/invoke", get.to_string()).await,
        (StatusCode::OK, json!("hello"))
    );
    // An empty body is no parameters.
    assert_eq!(server.post("/CACHE/stats", "").await.1["entries"], json!(1));

    let (status, operations) = server.get("/operations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(operations["operations"].as_array().unwrap().len() >= 10);
    let (status, stats) = server.get("/stats").await;
    assert_eq!(status, StatusCode::OK);
    assert!(stats["modules"].is_array(), "{stats}");

    // One invocation line per request on stderr, the first one the cold start.
    let (_, stderr) = server.running.stop();
    let lines: Vec<&String> = stderr.iter().filter(|l| l.contains("invocation")).collect();
    assert_eq!(lines.len(), 7, "{stderr:#?}");
    assert!(lines[0].contains("cold_start=true"), "{}", lines[0]);
    assert!(
        lines[0].contains("operation=\"GET /health\""),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("cold_start=false"), "{}", lines[1]);
    assert!(lines[2].contains("operation=\"CACHE.set\""), "{}", lines[2]);
    assert!(lines[2].contains("status=200"), "{}", lines[2]);
}

#[tokio::test]
async fn bad_requests_get_the_right_status_and_the_server_keeps_answering() {
    let mut server = Server::start(&[("GATEWAY_MAX_BODY_BYTES", "65536")]);
    let cases: [(&str, &str, &str, StatusCode, &str); 7] = [
        (
            "POST",
            "/CACHE/get",
            r#"{"key": "k""#,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            "POST",
            "/CACHE/get",
            r#"{"key": 7}"#,
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "POST",
            "/CACHE/nope",
            "{}",
            StatusCode::NOT_FOUND,
            "unknown_operation",
        ),
        (
            "POST",
            "/CONFIG/reload",
            "{}",
            StatusCode::NOT_FOUND,
            "unknown_operation",
        ),
        (
            "GET",
            "/CACHE/get",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "GET",
            "/no/such/route",
            "",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "PATCH",
            "/health",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (method, path, body, expected, kind) in cases {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = server
            .client
            .request(method.clone(), server.url(path))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["kind"], kind, "{method} {path}: {body}");
        server.assert_healthy().await;
    }
    let (status, body) = server
        .post("/CACHE/set", r#"{"key":"k","value":1,"ttl":0}"#)
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.to_string().contains("ttl"), "{body}");
    server.assert_healthy().await;
}

#[tokio::test]
async fn huge_bodies_get_413_with_or_without_a_length() {
    let mut server = Server::start(&[("GATEWAY_MAX_BODY_BYTES", "65536")]);
    // Declared by Content-Length: refused before the body is read.
    let (status, body) = server.post("/CACHE/get", vec![b' '; 1 << 20]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["kind"], "payload_too_large");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("65536 bytes"),
        "{body}"
    );
    server.assert_healthy().await;

    // Streamed in chunks with no length: cut off at the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..32).map(|_| Ok(vec![b' '; 8192])).collect();
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let (status, _) = server.post("/CACHE/get", stream).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    server.assert_healthy().await;
}

#[tokio::test]
async fn garbage_and_stalled_connections_do_not_stop_the_server() {
    let mut server = Server::start(&[]);
    // Not HTTP at all: answered with 400 (or closed), never a crash.
    let mut garbage = TcpStream::connect(server.addr).unwrap();
    garbage
        .write_all(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        .unwrap();
    garbage
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = garbage.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    server.assert_healthy().await;

    // A client that sends half its headers and stalls holds no one else up.
    let mut stalled = TcpStream::connect(server.addr).unwrap();
    stalled
        .write_all(b"POST /CACHE/get HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // And one that promises a body and never sends it.
    let mut silent = TcpStream::connect(server.addr).unwrap();
    silent
        .write_all(b"POST /CACHE/get HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    for _ in 0..3 {
        server.assert_healthy().await;
    }
    drop((stalled, silent));
    server.assert_healthy().await;
}

#[test]
fn an_invalid_body_limit_is_a_clear_error() {
    let output = service()
        .args(["serve", "--port", "0"])
        .env("GATEWAY_MAX_BODY_BYTES", "1MB")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "error: GATEWAY_MAX_BODY_BYTES=\"1MB\" is not valid: expected a number of bytes, such as 1048576"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = service().args(["serve", "--port", &port]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_operation_registered_at_runtime_is_served_and_listed() {
    let server = Server::start(&[]);
    let body = json!({
        "key": "answer",
        "compute": {"interface": "CONFIG", "operation": "get", "params": {"key": "missing", "default": 42}},
        "ttl": 60
    });
    let (status, first) = server.post("/CACHE/get_or_compute", body.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first, json!({"value": 42, "computed": true}));
    let (_, second) = server.post("/CACHE/get_or_compute", body.to_string()).await;
    assert_eq!(second, json!({"value": 42, "computed": false}));

    let (status, invalid) = server
        .post("/CACHE/get_or_compute", json!({"key": 1}).to_string())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{invalid}");
    assert_eq!(invalid["error"]["kind"], "invalid_params");

    let (_, listed) = server.get("/operations").await;
    let registered = listed["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op["path"] == "/CACHE/get_or_compute")
        .expect("listed with the manifest's operations");
    assert_eq!(registered["params"]["required"], json!(["key", "compute"]));
    let (_, stats) = server.get("/stats").await;
    let counted = stats["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op["operation"] == "CACHE.get_or_compute")
        .unwrap();
    assert_eq!(
        (counted["calls"].as_u64(), counted["registered"].as_bool()),
        (Some(2), Some(true))
    );
    server.running.stop();
}
