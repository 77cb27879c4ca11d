//! The interfaces' state types and core functions.
//!
//! State types are public (callers see them in results such as [`cache::CacheStats`]); the
//! core functions are not, so other crates reach them only through the gateway.

pub mod cache;
pub mod config;
pub mod http_client;
pub mod logging;
