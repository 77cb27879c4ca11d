//! The calls generated code makes to run an operation's core function: the typed wrappers
//! hand over their parameter tuple ([`Runtime::call_core`] and its `_cached` and `_async`
//! forms), the dynamic path its JSON parameters ([`JsonCall`]), and both the core function as
//! a function item, so each operation's call is one line that the compiler checks against
//! these few generic functions once for all operations.
//!
//! Each runs the core function through [`Runtime::call`] (or [`Runtime::enter_async`] when it
//! is `async`), and the `_cached` ones through the result cache of a `cacheable` operation, so
//! both paths get the same behaviour.

use crate::descriptor::OperationDescriptor;
use crate::error::{GatewayError, OpResult};
use crate::lmms::Module;
use crate::param_codec::{Params, ParamsKey};
use crate::params::{decode_params, encode_result};
use crate::runtime::Runtime;
use crate::state::InterfaceState;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

impl Runtime {
    /// Runs `core` with `params` and `module`'s state: a typed wrapper's call.
    pub fn call_core<S: InterfaceState, P, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        params: P,
        core: impl FnOnce(&S, P) -> OpResult<T>,
    ) -> Result<T, GatewayError> {
        self.call(module, op, |state| core(state, params))
    }

    /// [`Runtime::call_core`] through the result cache of a `cacheable` operation: the key is
    /// derived from `params`.
    pub fn call_core_cached<S, P, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        params: P,
        core: impl FnOnce(&S, P) -> OpResult<T>,
    ) -> Result<T, GatewayError>
    where
        S: InterfaceState,
        P: ParamsKey,
        T: Clone + Send + Sync + 'static,
    {
        let key = self.cache_key(op, &params);
        self.cached(op, key, || self.call_core(module, op, params, core))
    }

    /// [`Runtime::call_core`] for a core function that is `async`: state is created
    /// asynchronously if need be, and the timeout races the core function's future.
    pub async fn call_core_async<S: InterfaceState, P, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        params: P,
        core: impl AsyncFnOnce(&S, P) -> OpResult<T>,
    ) -> Result<T, GatewayError> {
        let call = self.enter_async(module, op).await?;
        call.run(|state| core(state, params)).await
    }

    /// [`Runtime::call_core_async`] through the result cache of a `cacheable` operation.
    pub async fn call_core_async_cached<S, P, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        params: P,
        core: impl AsyncFnOnce(&S, P) -> OpResult<T>,
    ) -> Result<T, GatewayError>
    where
        S: InterfaceState,
        P: ParamsKey,
        T: Clone + Send + Sync + 'static,
    {
        let key = self.cache_key(op, &params);
        self.cached_async(op, key, self.call_core_async(module, op, params, core))
            .await
    }

    /// The dynamic path's call of `op` with JSON `params` and `module`'s state, to run with
    /// [`JsonCall::run`] or [`JsonCall::cached`].
    pub fn json_call<'r, 'v, S>(
        &'r self,
        module: &'r Module<S>,
        op: &'static OperationDescriptor,
        params: &'v mut Value,
    ) -> JsonCall<'r, 'v, S> {
        JsonCall {
            runtime: self,
            module,
            op,
            params,
        }
    }
}

/// A dynamic call about to run: JSON parameters, the operation and its module's state. Its
/// methods take the core function, decode the parameters for it, run it and encode its result.
pub struct JsonCall<'r, 'v, S> {
    runtime: &'r Runtime,
    module: &'r Module<S>,
    op: &'static OperationDescriptor,
    params: &'v mut Value,
}

impl<S> fmt::Debug for JsonCall<'_, '_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonCall")
            .field("operation", &self.op.name)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

// The bounds are on the methods, so that a state type that is not an `InterfaceState` is
// reported with that trait's message, not as a method that exists but cannot be called.
impl<'v, S> JsonCall<'_, 'v, S> {
    /// Decodes the parameters for `core`, runs it through [`Runtime::call_core`] and encodes
    /// its result.
    pub fn run<P, T>(self, core: impl FnOnce(&S, P) -> OpResult<T>) -> Result<Value, GatewayError>
    where
        S: InterfaceState,
        P: Params<'v>,
        T: Serialize + 'static,
    {
        let params = decode_params(self.op, self.params)?;
        let result = self.runtime.call_core(self.module, self.op, params, core);
        encode_result(self.op, result)
    }

    /// [`JsonCall::run`] through the result cache of a `cacheable` operation, which it shares
    /// with the typed wrapper.
    pub fn cached<P, T>(
        self,
        core: impl FnOnce(&S, P) -> OpResult<T>,
    ) -> Result<Value, GatewayError>
    where
        S: InterfaceState,
        P: Params<'v> + ParamsKey,
        T: Serialize + Clone + Send + Sync + 'static,
    {
        let params = decode_params(self.op, self.params)?;
        let result = self
            .runtime
            .call_core_cached(self.module, self.op, params, core);
        encode_result(self.op, result)
    }

    /// [`JsonCall::run`] for a core function that is `async`.
    pub async fn run_async<P, T>(
        self,
        core: impl AsyncFnOnce(&S, P) -> OpResult<T>,
    ) -> Result<Value, GatewayError>
    where
        S: InterfaceState,
        P: Params<'v>,
        T: Serialize + 'static,
    {
        let params = decode_params(self.op, self.params)?;
        let result = self
            .runtime
            .call_core_async(self.module, self.op, params, core);
        encode_result(self.op, result.await)
    }

    /// [`JsonCall::run_async`] through the result cache of a `cacheable` operation.
    pub async fn cached_async<P, T>(
        self,
        core: impl AsyncFnOnce(&S, P) -> OpResult<T>,
    ) -> Result<Value, GatewayError>
    where
        S: InterfaceState,
        P: Params<'v> + ParamsKey,
        T: Serialize + Clone + Send + Sync + 'static,
    {
        let params = decode_params(self.op, self.params)?;
        let result = (self.runtime).call_core_async_cached(self.module, self.op, params, core);
        encode_result(self.op, result.await)
    }
}
