//! MDOE: behaviour driven by operation metadata, and operations registered at runtime.
//!
//! - [`cache`]: results of `cacheable` operations, keyed by their parameters, with TTLs, a
//!   capacity bound and concurrent misses computed once;
//! - [`timeout`]: what `timeout` does to asynchronous and to synchronous operations;
//! - [`registration`]: operations added while the service runs, with the manifest's metadata
//!   and a closure as handler, validated like manifest entries.
//!
//! All of it applies on the typed and the dynamic path alike: generated wrappers and
//! `execute_operation` go through the same [`Runtime`](crate::Runtime) calls.

pub mod cache;
mod config;
pub mod registration;
pub mod timeout;

pub use cache::{CacheKey, CacheStats};
pub use config::{CacheConfig, RESULT_CACHE_CAPACITY, RESULT_CACHE_ENABLED, RESULT_CACHE_TTL};
pub use registration::{Cacheable, OperationSpec, ParamSpec, Problem, RegistrationError};
