//! `execute_batch`: many calls in, one result per call out, runs of fusable calls fused.

use super::call::{BatchCall, BatchResult};
use super::fusion::Fusion;
use crate::descriptor::OperationDescriptor;
use crate::error::GatewayError;
use crate::params::check_params;
use crate::service::Service;
use serde_json::Value;

/// What runs, in order.
enum Step {
    /// One call, as it is.
    Single {
        index: usize,
        op: &'static OperationDescriptor,
        params: Value,
    },
    /// A run of fusable calls of one operation: `(index, item)` in input order.
    Fused {
        fusion: Fusion,
        items: Vec<(usize, Value)>,
    },
}

/// Runs `calls` on `service` and returns one result per call, in input order; see the
/// [module documentation](super) for what is fused and what order is kept.
pub async fn execute_batch<S: Service + ?Sized>(
    service: &S,
    calls: Vec<BatchCall>,
) -> Vec<BatchResult> {
    let mut results: Vec<Option<BatchResult>> = (0..calls.len()).map(|_| None).collect();
    let steps = plan(service, calls, &mut results);
    for step in steps {
        match step {
            Step::Single { index, op, params } => {
                results[index] = Some(service.call(op, params).await);
            }
            Step::Fused { fusion, items } => {
                for chunk in items.chunks(fusion.max_size) {
                    let (indices, items): (Vec<usize>, Vec<Value>) = chunk.iter().cloned().unzip();
                    let outcomes = fusion.run(service, items).await;
                    for (index, outcome) in indices.into_iter().zip(outcomes) {
                        results[index] = Some(outcome);
                    }
                }
            }
        }
    }
    results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| {
                Err(GatewayError::StartFailed {
                    reason: "a batch call was left without a result; this is a gateway bug".into(),
                })
            })
        })
        .collect()
}

/// Resolves and checks every call, recording the failures in `results`, and groups the rest
/// into steps.
fn plan<S: Service + ?Sized>(
    service: &S,
    calls: Vec<BatchCall>,
    results: &mut [Option<BatchResult>],
) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (index, call) in calls.into_iter().enumerate() {
        let Some(op) = service.resolve(&call.interface, &call.operation) else {
            let error = service.registry().unknown(&call.interface, &call.operation);
            results[index] = Some(Err(error));
            continue;
        };
        let Some(fusion) = Fusion::of(service, op) else {
            steps.push(Step::Single {
                index,
                op,
                params: call.params,
            });
            continue;
        };
        let problems = check_params(op, &call.params);
        if !problems.is_empty() {
            results[index] = Some(Err(GatewayError::InvalidParams {
                operation: op.name,
                problems,
            }));
            continue;
        }
        match fusion.item(call.params) {
            Ok(item) => match steps.last_mut() {
                Some(Step::Fused { fusion: run, items }) if run.single.id == op.id => {
                    items.push((index, item));
                }
                _ => steps.push(Step::Fused {
                    fusion,
                    items: vec![(index, item)],
                }),
            },
            Err(params) => steps.push(Step::Single { index, op, params }),
        }
    }
    steps
}
