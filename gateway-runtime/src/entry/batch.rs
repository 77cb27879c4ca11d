//! Batches from outside: `POST /batch` and direct invokes with a list of calls, run through
//! [`Service::execute_batch`] so that fusable calls are fused.
//!
//! A batch is a list of calls, or `{"calls": [...]}`; each call is
//! `{"interface", "operation", "params"}`. The answer is `{"results": [...]}`, one entry per
//! call in order: `{"result": ...}` or `{"error": {...}}` as a single call would answer it.
//! Calls of internal operations answer exactly as calls of operations that do not exist.

use super::errors;
use super::router::EventRouter;
use crate::ofb::BatchCall;
use crate::service::Service;
use serde_json::{Value, json};

/// The calls of a batch body, or why it is not one.
pub(super) fn calls_of(
    body: Value,
    limit: usize,
) -> Result<Vec<Value>, (u16, &'static str, String)> {
    let calls = match body {
        Value::Array(calls) => calls,
        Value::Object(mut object) => match object.remove("calls") {
            Some(Value::Array(calls)) => calls,
            _ => return Err((400, "invalid_request", expected())),
        },
        _ => return Err((400, "invalid_request", expected())),
    };
    if calls.len() > limit {
        let message = format!(
            "the batch holds {} calls; at most {limit} are taken at once: split it",
            calls.len()
        );
        return Err((413, "payload_too_large", message));
    }
    Ok(calls)
}

fn expected() -> String {
    "expected a list of calls, or {\"calls\": [...]}, each {\"interface\": ..., \"operation\": ..., \"params\": {...}}".into()
}

impl<S: Service> EventRouter<S> {
    /// Runs a batch of calls (already taken out of the body) and returns `{"results": [...]}`.
    pub(super) async fn run_batch(&self, calls: Vec<Value>, request_id: &str) -> Value {
        let mut results: Vec<Value> = vec![Value::Null; calls.len()];
        let mut accepted = Vec::new();
        let mut positions = Vec::new();
        for (index, call) in calls.into_iter().enumerate() {
            match serde_json::from_value::<BatchCall>(call) {
                Err(error) => {
                    let message = format!(
                        "call {index} is not {{\"interface\", \"operation\", \"params\"}}: {error}"
                    );
                    results[index] =
                        errors::plain(400, "invalid_request", message, request_id).body;
                }
                Ok(call) if self.public(&call.interface, &call.operation).is_none() => {
                    let error = self.unknown_publicly(&call.interface, &call.operation, request_id);
                    results[index] = error.body;
                }
                Ok(call) => {
                    positions.push(index);
                    accepted.push(call);
                }
            }
        }
        let outcomes = self.service().execute_batch(accepted).await;
        for (index, outcome) in positions.into_iter().zip(outcomes) {
            results[index] = match outcome {
                Ok(result) => json!({ "result": result }),
                Err(error) => errors::from_gateway(&error, request_id).body,
            };
        }
        json!({ "results": results })
    }
}
