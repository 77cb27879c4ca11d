//! The event router on arbitrary payloads: JSON text as a Lambda event, the same bytes as a
//! local HTTP request (`METHOD PATH` line, then the body), and the example service's fixture
//! events mutated (types flipped, keys dropped, huge strings, deep nesting, invalid base64,
//! odd paths, methods and stages).
//!
//! Never a panic; an answer is never a 500 (the core functions cannot fail); a failed
//! invocation says why.

#![no_main]

use arbitrary::Unstructured;
use gateway_fuzz::gateway::Gateway;
use gateway_fuzz::{block_on, events, json};
use gateway_runtime::Value;
use gateway_runtime::entry::cold::ColdStart;
use gateway_runtime::entry::{EventRouter, HttpRequest, RouterOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let router = EventRouter::with_cold_start(
        Arc::new(Gateway::new()),
        RouterOptions::new("fuzz", "0"),
        ColdStart::new(true),
    );
    if let Some(event) = json::from_text(data) {
        handle_event(&router, event);
    } else if let Ok(event) = events::mutated(&mut Unstructured::new(data)) {
        handle_event(&router, event);
    }
    let response = block_on(router.handle_http(http_request(data), "fuzz-request"));
    assert_ne!(response.status, 500, "{:?}", response.body);
    let _ = response.body_text();
});

fn handle_event(router: &EventRouter<Gateway>, event: Value) {
    match block_on(router.handle_event(event, "fuzz-request")) {
        Ok(answer) => {
            if let Some(status) = answer.get("statusCode").and_then(Value::as_i64) {
                assert_ne!(status, 500, "{answer}");
            }
            let _ = answer.to_string();
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

/// `METHOD PATH\n` then the body; without a newline, the bytes are a POST body to `/KV/get`.
fn http_request(data: &[u8]) -> HttpRequest {
    let split = data.iter().position(|&b| b == b'\n');
    let (method, path, body) = match split {
        Some(end) => {
            let line = String::from_utf8_lossy(&data[..end]);
            let (method, path) = line.split_once(' ').unwrap_or((&line, "/"));
            (method.to_owned(), path.to_owned(), data[end + 1..].to_vec())
        }
        None => ("POST".to_owned(), "/KV/get".to_owned(), data.to_vec()),
    };
    let mut request = HttpRequest::default();
    request.method = method;
    request.path = path;
    request.body = body;
    request
}
