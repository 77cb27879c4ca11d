//! The runtime a generated gateway owns, and the call pipeline.
//!
//! A typed call goes through [`Runtime::call`] (synchronous operations) or
//! [`Runtime::enter_async`] then [`AsyncCall::run`] (asynchronous ones). On the way it:
//!
//! - takes the fast path when the operation is hot (ZAPH): no shared heat counter, no creation
//!   check beyond the state being there;
//! - otherwise counts heat and creates the interface's state if needed (LIGS);
//! - borrows the state so that unloading cannot take it while the call runs (LUGS);
//! - catches a panic of the core function and returns it as an error;
//! - enforces the operation's `timeout` ([`crate::mdoe`] says how, for each kind);
//! - counts the call per thread, timing one call in [`SAMPLE_EVERY`].
//!
//! Results of `cacheable` operations are looked up around that pipeline, with
//! [`Runtime::cache_key`] then [`Runtime::cached`] or [`Runtime::cached_async`].

use crate::descriptor::{OperationDescriptor, Registry};
use crate::error::{GatewayError, OpResult};
use crate::ftpms::FreeTier;
use crate::lmms::counters::{Counters, Outcome};
use crate::lmms::{Config, Heat, Module};
use crate::mdoe::cache::{CacheKey, ResultCaches};
use crate::mdoe::timeout;
use crate::param_codec::{ParamsKey, encode_params};
use crate::state::InterfaceState;
use futures_util::FutureExt;
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use crate::lmms::counters::SAMPLE_EVERY;

/// The runtime of one gateway: configuration, heat, counters and maintenance state. The
/// interface state itself lives in the generated gateway's [`Module`]s.
#[derive(Debug)]
pub struct Runtime {
    registry: &'static Registry,
    pub(crate) config: Config,
    pub(crate) heat: Box<[Heat]>,
    pub(crate) counters: Counters,
    /// Advanced by each maintenance; calls stamp their module with it.
    pub(crate) epoch: AtomicU64,
    pub(crate) maintenance: Mutex<crate::lmms::maintenance::History>,
    pub(crate) free_tier: FreeTier,
    pub(crate) caches: ResultCaches,
    pub(crate) extensions: crate::mdoe::registration::Extensions,
}

impl Runtime {
    /// A runtime for the operations of `registry`.
    pub fn new(registry: &'static Registry, config: Config) -> Self {
        Self {
            registry,
            heat: registry
                .operations()
                .iter()
                .map(|_| Heat::default())
                .collect(),
            counters: Counters::new(registry.operations().len()),
            epoch: AtomicU64::new(1),
            maintenance: Mutex::default(),
            free_tier: FreeTier::new(config.free_tier.clone()),
            caches: ResultCaches::new(
                registry.operations(),
                registry.interfaces.len(),
                config.result_cache.clone(),
            ),
            extensions: Default::default(),
            config,
        }
    }

    /// The registry this runtime serves.
    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    /// Free-tier protection.
    pub fn free_tier(&self) -> &FreeTier {
        &self.free_tier
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether `op` is on the fast path.
    pub fn is_hot(&self, op: &OperationDescriptor) -> bool {
        self.heat.get(op.id).is_some_and(Heat::is_hot)
    }

    /// Runs a synchronous core function of `op` with `module`'s state.
    #[inline]
    pub fn call<S: InterfaceState, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        f: impl FnOnce(&S) -> OpResult<T>,
    ) -> Result<T, GatewayError> {
        self.free_tier.check(op)?;
        let heat = self.heat_of(op)?;
        let epoch = self.epoch.load(Ordering::Relaxed);
        let fast = self.config.fast_path && heat.is_hot();
        if !fast {
            self.warm(op, heat);
        }
        let start = Counters::sample_start();
        let began = op.timeout.map(|_| self.config.clock.now());
        // The read lock keeps the state from being unloaded while the core function runs.
        let guard = module.read(epoch);
        let outcome = match guard.as_deref() {
            Some(state) => catch_unwind(AssertUnwindSafe(|| f(state))),
            None => {
                drop(guard);
                let state = module.load_sync(epoch, self.config.clock.now())?;
                let guard = module.read(epoch);
                match guard.as_deref() {
                    Some(state) => catch_unwind(AssertUnwindSafe(|| f(state))),
                    // Unloaded again in between (a zero grace period): use the state just made.
                    None => catch_unwind(AssertUnwindSafe(|| f(&state))),
                }
            }
        };
        let overran = match (op.timeout, began) {
            (Some(limit), Some(began)) => self.config.clock.now().saturating_sub(began) > limit,
            _ => false,
        };
        self.finish(op, fast, start, outcome, overran)
    }

    /// The result-cache key of a call of `op` with its decoded `params`; `None` when the
    /// operation is not `cacheable`, caching is off, or a parameter has no JSON form (such a
    /// call is not cached). Read it before the call: it names the interface's generation the
    /// call started in.
    #[inline]
    pub fn cache_key<P: ParamsKey>(
        &self,
        op: &'static OperationDescriptor,
        params: &P,
    ) -> Option<CacheKey> {
        self.caches.key(op, || encode_params(op, params))
    }

    /// The cached result of `key` if there is a valid one, otherwise `compute`'s (cached
    /// when it succeeds). Concurrent calls with the same key compute once. Free-tier
    /// protection applies to cached results too.
    pub fn cached<T: Clone + Send + Sync + 'static>(
        &self,
        op: &'static OperationDescriptor,
        key: Option<CacheKey>,
        compute: impl FnOnce() -> Result<T, GatewayError>,
    ) -> Result<T, GatewayError> {
        let (Some(key), Some(slot)) = (key, self.caches.slot(op.id)) else {
            return compute();
        };
        self.free_tier.check(op)?;
        let now = self.config.clock.now();
        slot.get_or_compute(key, now, self.caches.config.capacity, compute)
    }

    /// [`Runtime::cached`] for asynchronous operations.
    pub async fn cached_async<T: Clone + Send + Sync + 'static>(
        &self,
        op: &'static OperationDescriptor,
        key: Option<CacheKey>,
        compute: impl Future<Output = Result<T, GatewayError>>,
    ) -> Result<T, GatewayError> {
        let (Some(key), Some(slot)) = (key, self.caches.slot(op.id)) else {
            return compute.await;
        };
        self.free_tier.check(op)?;
        let now = self.config.clock.now();
        slot.get_or_compute_async(key, now, self.caches.config.capacity, compute)
            .await
    }

    /// Starts an asynchronous call of `op`: creates `module`'s state if needed (asynchronously)
    /// and holds it for the call.
    pub async fn enter_async<S: InterfaceState>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
    ) -> Result<AsyncCall<'_, S>, GatewayError> {
        self.free_tier.check(op)?;
        let heat = self.heat_of(op)?;
        let fast = self.config.fast_path && heat.is_hot();
        if !fast {
            self.warm(op, heat);
        }
        let epoch = self.epoch.load(Ordering::Relaxed);
        let state = match module.shared(epoch) {
            Some(state) => state,
            None => module.load_async(epoch, self.config.clock.now()).await?,
        };
        Ok(AsyncCall {
            runtime: self,
            op,
            state,
            fast,
            start: Counters::sample_start(),
        })
    }

    #[inline]
    fn heat_of(&self, op: &'static OperationDescriptor) -> Result<&Heat, GatewayError> {
        self.heat
            .get(op.id)
            .ok_or_else(|| GatewayError::InitFailed {
                interface: op.interface,
                error: format!(
                    "`{}` is not in this runtime's registry; regenerate the gateway",
                    op.name
                )
                .into(),
            })
    }

    #[cold]
    fn warm(&self, op: &'static OperationDescriptor, heat: &Heat) {
        if heat.warm(self.config.fast_path_threshold, self.config.fast_path) {
            tracing::debug!(operation = op.name, "fast path established");
        }
    }

    fn finish<T>(
        &self,
        op: &'static OperationDescriptor,
        fast: bool,
        start: Option<Instant>,
        outcome: std::thread::Result<OpResult<T>>,
        overran: bool,
    ) -> Result<T, GatewayError> {
        self.caches.after_call(op.id, op.interface_index);
        let result = match (overran, op.timeout) {
            (true, Some(after)) => Err(GatewayError::Timeout {
                operation: op.name,
                after,
            }),
            _ => into_result(op, outcome),
        };
        let outcome = Outcome {
            fast,
            failed: result.is_err(),
            latency: start.map(|start| start.elapsed()),
        };
        self.counters.record(op.id, outcome);
        result
    }
}

/// An asynchronous call in progress, holding its interface's state.
#[derive(Debug)]
pub struct AsyncCall<'rt, S> {
    runtime: &'rt Runtime,
    op: &'static OperationDescriptor,
    state: Arc<S>,
    fast: bool,
    start: Option<Instant>,
}

impl<S> AsyncCall<'_, S> {
    /// Runs the core function; a panic while creating or polling its future becomes
    /// [`GatewayError::Panicked`], and a future still pending at the operation's timeout is
    /// dropped and becomes [`GatewayError::Timeout`].
    pub async fn run<'c, T, F, Fut>(&'c self, f: F) -> Result<T, GatewayError>
    where
        F: FnOnce(&'c S) -> Fut,
        Fut: Future<Output = OpResult<T>>,
    {
        let state = &*self.state;
        let mut overran = false;
        let outcome = match catch_unwind(AssertUnwindSafe(|| f(state))) {
            Ok(future) => {
                let future = AssertUnwindSafe(future).catch_unwind();
                match self.op.timeout {
                    None => future.await,
                    Some(limit) => match timeout::race(future, limit).await {
                        Some(outcome) => outcome,
                        None => {
                            overran = true;
                            Ok(Err(crate::OperationError::msg("timed out")))
                        }
                    },
                }
            }
            Err(payload) => Err(payload),
        };
        self.runtime
            .finish(self.op, self.fast, self.start, outcome, overran)
    }
}

fn into_result<T>(
    op: &'static OperationDescriptor,
    outcome: std::thread::Result<OpResult<T>>,
) -> Result<T, GatewayError> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(GatewayError::OperationFailed {
            operation: op.name,
            error,
        }),
        Err(payload) => Err(GatewayError::Panicked {
            operation: op.name,
            message: panic_message(payload.as_ref()),
        }),
    }
}

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned())
}
