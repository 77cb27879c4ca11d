//! An example service built on the reference `operations.yaml`.
//!
//! The manifest declares the operations; `build.rs` generates the [`gateway`] module from it;
//! [`interfaces`] holds the core functions, each attached to its operation with
//! `#[operation]`. Callers use the typed wrappers (`Gateway::global()?.cache_get("k", None)`) or the
//! dynamic path (`gateway::execute_operation("CACHE", "get", json!({"key": "k"}))`); the
//! core functions themselves are private to this crate.

gateway_runtime::include_gateway!();

pub mod extensions;
pub mod interfaces;
