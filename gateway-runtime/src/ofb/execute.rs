//! `execute_batch`: many calls in, one result per call out, runs of fusable calls fused.

use super::call::{BatchCall, BatchResult};
use super::fusion::{Fusion, Item};
use crate::descriptor::OperationDescriptor;
use crate::error::GatewayError;
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
                let mut items = items.into_iter().peekable();
                while items.peek().is_some() {
                    let (indices, chunk): (Vec<usize>, Vec<Value>) =
                        items.by_ref().take(fusion.max_size).unzip();
                    let outcomes = fusion.run(service, chunk).await;
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
        // Calls of one operation usually come in runs: reuse the last run's fusion.
        let fusion = match steps.last() {
            Some(Step::Fused { fusion, .. }) if fusion.single.id == op.id => Some(*fusion),
            _ => Fusion::of(service, op),
        };
        let Some(fusion) = fusion else {
            steps.push(Step::Single {
                index,
                op,
                params: call.params,
            });
            continue;
        };
        match fusion.item(call.params) {
            Item::Fused(item) => match steps.last_mut() {
                Some(Step::Fused { fusion: run, items }) if run.single.id == op.id => {
                    items.push((index, item));
                }
                _ => steps.push(Step::Fused {
                    fusion,
                    items: vec![(index, item)],
                }),
            },
            Item::Single(params) => steps.push(Step::Single { index, op, params }),
            Item::Invalid(problems) => {
                results[index] = Some(Err(GatewayError::InvalidParams {
                    operation: op.name,
                    problems,
                }));
            }
        }
    }
    steps
}
