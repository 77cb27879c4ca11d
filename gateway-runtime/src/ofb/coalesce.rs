//! Coalescing: calls awaited together are gathered into one batch call, without a timer.
//!
//! The first call of a fusable operation to be polled leads a gathering: it yields to the
//! executor once, so that the calls awaited beside it (the other futures of the same `join`,
//! the other tasks ready to run) are polled and join the gathering; when the leader is polled
//! again it takes every call gathered so far and runs them as one batch. Each caller gets its
//! own result. Nothing waits on a clock: a call awaited alone costs one extra poll.

use super::call::BatchResult;
use super::fusion::{Fusion, Item};
use crate::error::GatewayError;
use crate::service::Service;
use futures_channel::oneshot;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

/// Gathers concurrent calls of fusable operations into batch calls of their partners.
///
/// Make one per unit of work (a Lambda invocation, a request) and call through it from the
/// futures you await together:
///
/// ```ignore
/// let calls = gateway.coalescer();
/// let (a, b, c) = futures::join!(
///     calls.call("CACHE", "get", json!({"key": "a"})),
///     calls.call("CACHE", "get", json!({"key": "b"})),
///     calls.call("CACHE", "get", json!({"key": "c"})),
/// ); // one CACHE.get_batch call
/// ```
///
/// Calls of operations without a batch partner, and calls that cannot be fused (an optional
/// parameter set), run as they are.
pub struct Coalescer<'s, S: ?Sized> {
    service: &'s S,
    /// Gatherings open now, by operation id.
    open: Mutex<HashMap<usize, Gathering>>,
}

/// The calls gathered for one operation so far.
struct Gathering {
    fusion: Fusion,
    items: Vec<Value>,
    replies: Vec<oneshot::Sender<BatchResult>>,
}

impl<S: ?Sized> std::fmt::Debug for Coalescer<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self.open.lock().map_or(0, |open| open.len());
        f.debug_struct("Coalescer").field("open", &open).finish()
    }
}

impl<'s, S: Service + ?Sized> Coalescer<'s, S> {
    /// A coalescer over `service`, with nothing gathered.
    pub fn new(service: &'s S) -> Self {
        Self {
            service,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Calls `interface.operation` with `params`, joining the calls of the same operation
    /// awaited at the same time.
    pub async fn call(&self, interface: &str, operation: &str, params: Value) -> BatchResult {
        let service = self.service;
        let Some(op) = service.resolve(interface, operation) else {
            return Err(service.registry().unknown(interface, operation));
        };
        let Some(fusion) = Fusion::of(service, op) else {
            return service.call(op, params).await;
        };
        let item = match fusion.item(params) {
            Item::Fused(item) => item,
            Item::Single(params) => return service.call(op, params).await,
            Item::Invalid(problems) => {
                return Err(GatewayError::InvalidParams {
                    operation: op.name,
                    problems,
                });
            }
        };
        let (reply, result) = oneshot::channel();
        let leads = self.join(fusion, item, reply);
        if leads {
            let mut lead = Lead {
                coalescer: self,
                op: op.id,
                done: false,
            };
            YieldOnce(false).await;
            let gathering = self.take(op.id);
            lead.done = true;
            if let Some(gathering) = gathering {
                run(service, gathering).await;
            }
        }
        result.await.unwrap_or_else(|_| {
            Err(fusion.failed("the call that led this batch was cancelled before running it"))
        })
    }

    /// Adds a call to the open gathering of its operation, opening one if there is none;
    /// true when this call opened it and so leads it.
    fn join(&self, fusion: Fusion, item: Value, reply: oneshot::Sender<BatchResult>) -> bool {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let leads = !open.contains_key(&fusion.single.id);
        let gathering = open.entry(fusion.single.id).or_insert_with(|| Gathering {
            fusion,
            items: Vec::new(),
            replies: Vec::new(),
        });
        gathering.items.push(item);
        gathering.replies.push(reply);
        leads
    }

    fn take(&self, op: usize) -> Option<Gathering> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.remove(&op)
    }
}

/// Runs a gathering in chunks and sends each call its result.
async fn run<S: Service + ?Sized>(service: &S, gathering: Gathering) {
    let Gathering {
        fusion,
        items,
        replies,
    } = gathering;
    let mut replies = replies.into_iter();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<Value> = items.by_ref().take(fusion.max_size).collect();
        for outcome in fusion.run(service, chunk).await {
            if let Some(reply) = replies.next() {
                // A caller that stopped waiting drops its receiver; nothing to tell it.
                let _ = reply.send(outcome);
            }
        }
    }
}

/// The leader of a gathering; if its call is dropped before it takes the gathering, the
/// gathering is closed, and each call in it learns that it was cancelled instead of waiting
/// forever.
struct Lead<'c, 's, S: ?Sized> {
    coalescer: &'c Coalescer<'s, S>,
    op: usize,
    done: bool,
}

impl<S: ?Sized> Drop for Lead<'_, '_, S> {
    fn drop(&mut self) {
        if !self.done {
            let mut open = self
                .coalescer
                .open
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // Dropping the gathering drops its reply senders: the waiting calls get an error.
            open.remove(&self.op);
        }
    }
}

/// Returns `Pending` once, after asking to be polled again: lets the futures and tasks that
/// are ready now run before the caller goes on.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
