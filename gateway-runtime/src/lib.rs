//! The runtime of a manifest-driven gateway.
//!
//! A service declares its operations in `operations.yaml`; `gateway-codegen` (from `build.rs`)
//! or the [`gateway!`] macro turns the manifest into a `gateway` module: typed wrappers such as
//! `Gateway::cache_get(&self, key, default)`, the dynamic entry `execute_operation(interface,
//! operation, params)`, the operation registry and per-interface routers. Core functions are
//! attached with [`#[operation]`](operation), which checks their signatures against the
//! manifest. This crate is what that generated code calls into.
//!
//! ```text
//! // src/lib.rs, with `gateway_codegen::Builder` in build.rs:
//! gateway_runtime::include_gateway!();
//!
//! #[gateway_runtime::operation(CACHE.get)]
//! fn get_value(store: &CacheStore, key: &str, default: Value) -> Value {
//!     store.get(key).unwrap_or(default)
//! }
//! ```

mod descriptor;
#[cfg(feature = "entry")]
pub mod entry;
mod error;
pub mod ftpms;
mod json_call;
pub mod lmms;
pub mod mdoe;
pub mod ofb;
mod operation_table;
mod param_codec;
mod params;
mod params_schema;
mod runtime;
mod service;
mod state;
mod suggest;
mod text;
mod type_grammar;

pub use descriptor::{
    EventParams, EventRoute, InterfaceDescriptor, OperationDescriptor, ParamDescriptor, Priority,
    Registry, TypeDesc, Visibility,
};
pub use error::{BoxError, GatewayError, OpResult, OperationError, ParamProblem};
pub use json_call::JsonCall;
pub use lmms::{
    AnyModule, Clock, Config, ConfigError, Kept, Maintain, MaintenanceReport, ManualClock, Module,
    Reaper, Stats, SystemClock,
};
pub use operation_table::{FORMAT as TABLE_FORMAT, OperationTable, SchemaFn};
pub use param_codec::{Encoder, FieldError, Fields, MAX_PARAMS, Params, ParamsKey, encode_params};
pub use params::{
    MAX_PARAMS_DEPTH, check_params, decode_params, describe, encode_result, json_literal,
};
pub use params_schema::schema_of;
pub use runtime::{AsyncCall, Runtime, SAMPLE_EVERY};
pub use service::Service;
pub use state::{InitContext, InterfaceState};
pub use text::Text;

/// Attaches a core function to the operation it implements, e.g. `#[operation(CACHE.get)]`.
///
/// The function's parameters must be the manifest's parameters in the manifest's order (plus,
/// optionally, a reference to the interface's state), with matching types; mismatches are
/// compile errors on the offending parameter. See the crate's README for the type mapping.
pub use gateway_macros::operation;

/// Generates the `gateway` module from a manifest, without a build script.
///
/// `gateway!()` reads `operations.yaml` found next to the calling file or in a parent folder
/// up to the crate root; `gateway!(manifest = "api/operations.yaml")` names the file, relative
/// to the calling file.
pub use gateway_macros::gateway;

/// Implements [`InterfaceState`] from attributes:
///
/// ```
/// use gateway_runtime::{BoxError, InitContext, Interface};
/// use std::sync::Mutex;
///
/// #[derive(Interface)]
/// #[interface(init = Store::open, holds_data = Store::dirty, memory = Store::bytes)]
/// pub struct Store {
///     entries: Mutex<Vec<String>>,
/// }
///
/// impl Store {
///     fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
///         Ok(Store { entries: Mutex::new(Vec::new()) })
///     }
///     fn dirty(&self) -> bool {
///         !self.entries.lock().unwrap().is_empty()
///     }
///     fn bytes(&self) -> usize {
///         self.entries.lock().unwrap().iter().map(String::len).sum()
///     }
/// }
/// ```
///
/// `init = path` creates the state (`fn(&InitContext) -> Result<Self, E>`), `init_async = path`
/// creates it asynchronously, `default` uses `Default`; `holds_data = path` (`fn(&Self) -> bool`)
/// says unloading would lose data; `memory = path` (`fn(&Self) -> usize`) estimates its bytes.
pub use gateway_macros::Interface;

/// A JSON value: what the dynamic path takes and returns, and the `any` type.
pub use serde_json::Value;

/// A JSON object: the `dict` type.
pub type Dict = serde_json::Map<String, Value>;

/// Declares the gateway module that `gateway_codegen::Builder` wrote in `build.rs`.
///
/// It includes `OUT_DIR/gateway.rs`, which is the line `pub mod gateway;` with the module's
/// file, `OUT_DIR/gateway_module.rs`, named by `#[path]`.
///
/// Invoke it at the crate root: `#[operation]` refers to the module as `crate::gateway`
/// unless told otherwise.
#[macro_export]
macro_rules! include_gateway {
    () => {
        include!(concat!(env!("OUT_DIR"), "/gateway.rs"));
    };
}

/// Items generated code needs but users should not name.
#[doc(hidden)]
pub mod __private {
    pub use futures_util::future::BoxFuture;
    pub use schemars;
    pub use serde;
    pub use serde_json;
}
