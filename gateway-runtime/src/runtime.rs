//! The runtime a generated gateway owns: interface state and the call pipeline.
//!
//! Generated code calls [`Runtime::enter`] to get a [`Call`] (which creates the interface's
//! state on first use), then [`Call::run`] or [`Call::run_async`] to run the core function
//! with panics caught and errors converted.

use crate::descriptor::{OperationDescriptor, Registry};
use crate::error::{GatewayError, OpResult};
use crate::state::{AnyState, InitContext};
use futures_util::FutureExt;
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Owns the state of every interface of one gateway.
#[derive(Debug)]
pub struct Runtime {
    registry: &'static Registry,
    slots: Box<[Slot]>,
}

#[derive(Debug, Default)]
struct Slot {
    state: OnceLock<AnyState>,
    /// Serialises creation so racing first calls create the state once.
    init: Mutex<()>,
}

impl Runtime {
    /// A runtime for the operations of `registry`; no state is created yet.
    pub fn new(registry: &'static Registry) -> Self {
        Self {
            registry,
            slots: registry
                .interfaces
                .iter()
                .map(|_| Slot::default())
                .collect(),
        }
    }

    /// The registry this runtime serves.
    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    /// Creates the state of every interface marked `preload`.
    pub fn preload(&self) -> Result<(), GatewayError> {
        for index in 0..self.slots.len() {
            if self.registry.interfaces[index].preload {
                self.state_of(index)?;
            }
        }
        Ok(())
    }

    /// Whether the state of the interface at `index` exists.
    pub fn is_loaded(&self, index: usize) -> bool {
        self.slots
            .get(index)
            .is_some_and(|slot| slot.state.get().is_some())
    }

    /// Starts a call of `op`, creating its interface's state if this is the first use.
    pub fn enter<S: Any>(
        &self,
        op: &'static OperationDescriptor,
    ) -> Result<Call<'_, S>, GatewayError> {
        let state = self.state_of(op.interface_index)?;
        match state.downcast_ref::<S>() {
            Some(state) => Ok(Call { op, state }),
            None => Err(GatewayError::InitFailed {
                interface: op.interface,
                error: format!(
                    "the state of `{}` is not a `{}`; the generated gateway and the runtime disagree",
                    op.interface,
                    std::any::type_name::<S>()
                )
                .into(),
            }),
        }
    }

    /// Runs a synchronous core function: [`Runtime::enter`] then [`Call::run`].
    pub fn invoke<S: Any, T>(
        &self,
        op: &'static OperationDescriptor,
        f: impl FnOnce(&S) -> OpResult<T>,
    ) -> Result<T, GatewayError> {
        self.enter(op)?.run(f)
    }

    fn state_of(&self, index: usize) -> Result<&(dyn Any + Send + Sync), GatewayError> {
        let (Some(slot), Some(interface)) =
            (self.slots.get(index), self.registry.interfaces.get(index))
        else {
            return Err(GatewayError::InitFailed {
                interface: "?",
                error: format!("the registry has no interface #{index}; regenerate the gateway")
                    .into(),
            });
        };
        if let Some(state) = slot.state.get() {
            return Ok(state.as_ref());
        }
        let _guard = slot.init.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = slot.state.get() {
            return Ok(state.as_ref());
        }
        let ctx = InitContext { interface };
        let created = catch_unwind(AssertUnwindSafe(|| (interface.init)(&ctx)))
            .unwrap_or_else(|payload| Err(panic_message(payload.as_ref()).into()))
            .map_err(|error| GatewayError::InitFailed {
                interface: interface.name,
                error,
            })?;
        Ok(slot.state.get_or_init(|| created).as_ref())
    }
}

/// One call in progress: the operation and its interface's state.
#[derive(Debug)]
pub struct Call<'rt, S> {
    op: &'static OperationDescriptor,
    state: &'rt S,
}

impl<'rt, S> Call<'rt, S> {
    /// The operation being called.
    pub fn operation(&self) -> &'static OperationDescriptor {
        self.op
    }

    /// The interface's state.
    pub fn state(&self) -> &'rt S {
        self.state
    }

    /// Runs a synchronous core function; a panic becomes [`GatewayError::Panicked`].
    pub fn run<T>(self, f: impl FnOnce(&S) -> OpResult<T>) -> Result<T, GatewayError> {
        let state = self.state;
        let outcome = catch_unwind(AssertUnwindSafe(|| f(state)));
        self.finish(outcome)
    }

    /// Runs an asynchronous core function; a panic while creating or polling its future
    /// becomes [`GatewayError::Panicked`].
    pub async fn run_async<T, F, Fut>(&self, f: F) -> Result<T, GatewayError>
    where
        F: FnOnce(&'rt S) -> Fut,
        Fut: Future<Output = OpResult<T>>,
    {
        let state = self.state;
        let outcome = match catch_unwind(AssertUnwindSafe(|| f(state))) {
            Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
            Err(payload) => Err(payload),
        };
        self.finish(outcome)
    }

    fn finish<T>(&self, outcome: std::thread::Result<OpResult<T>>) -> Result<T, GatewayError> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(GatewayError::OperationFailed {
                operation: self.op.name,
                error,
            }),
            Err(payload) => Err(GatewayError::Panicked {
                operation: self.op.name,
                message: panic_message(payload.as_ref()),
            }),
        }
    }
}

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned())
}
