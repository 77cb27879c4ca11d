//! The dynamic path's calls of operations that do not await: JSON parameters are decoded into
//! the operation's parameter struct, and the core function runs through [`Runtime::call`]
//! (and the result cache, for `cacheable` operations).
//!
//! The generated `dispatch` functions hand the core function over as a function item, so an
//! operation's arm is one call of one of these, which the compiler checks once for all.

use crate::descriptor::OperationDescriptor;
use crate::error::{GatewayError, OpResult};
use crate::lmms::Module;
use crate::param_codec::{Params, ParamsKey};
use crate::params::decode_params;
use crate::runtime::Runtime;
use crate::state::InterfaceState;
use serde_json::Value;

impl Runtime {
    /// Decodes `params` for `op` and runs `core` with them and `module`'s state.
    pub fn call_json<'v, S: InterfaceState, P: Params<'v>, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        params: &'v mut Value,
        core: impl FnOnce(&S, P) -> OpResult<T>,
    ) -> Result<T, GatewayError> {
        let params = decode_params(op, params)?;
        self.call(module, op, |state| core(state, params))
    }

    /// [`Runtime::call_json`] through the result cache of a `cacheable` operation.
    pub fn call_json_cached<'v, S, P, T>(
        &self,
        module: &Module<S>,
        op: &'static OperationDescriptor,
        params: &'v mut Value,
        core: impl FnOnce(&S, P) -> OpResult<T>,
    ) -> Result<T, GatewayError>
    where
        S: InterfaceState,
        P: Params<'v> + ParamsKey,
        T: Clone + Send + Sync + 'static,
    {
        let params = decode_params(op, params)?;
        let key = self.cache_key(op, &params);
        self.cached(op, key, || {
            self.call(module, op, |state| core(state, params))
        })
    }
}
