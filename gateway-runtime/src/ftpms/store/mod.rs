//! Where usage is kept: in memory (the default), in a file (local runs), or in Redis (shared
//! by every instance, so counts survive cold starts and add up across concurrent instances).

mod file;
mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use file::FileStore;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

use super::config::{FREE_TIER_FILE, FREE_TIER_STORE, STORES, Vars, error};
#[cfg(feature = "redis")]
use super::config::{FREE_TIER_REDIS_KEY, FREE_TIER_REDIS_URL};
use super::usage::{Month, Usage};
use crate::lmms::ConfigError;
use std::fmt::Debug;
use std::sync::Arc;

/// A place to keep monthly usage. Additions must be atomic: concurrent instances may add to
/// the same month at once.
pub trait UsageStore: Send + Sync + Debug {
    /// A short name for reports: `memory`, `file`, `redis`.
    fn name(&self) -> &'static str;

    /// The usage of `month` so far.
    fn load(&self, month: Month) -> Result<Usage, StoreError>;

    /// Adds `delta` to `month` and returns the month's usage after the addition.
    fn add(&self, month: Month, delta: Usage) -> Result<Usage, StoreError>;
}

/// Why a store could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {store} usage store failed: {message}")]
pub struct StoreError {
    /// The store's name.
    pub store: &'static str,
    /// What happened.
    pub message: String,
}

/// The store `FREE_TIER_STORE` names, configured by the other variables.
pub(crate) fn from_vars(kind: &str, vars: &Vars) -> Result<Arc<dyn UsageStore>, ConfigError> {
    match kind.trim().to_ascii_lowercase().as_str() {
        "memory" => Ok(Arc::new(MemoryStore::default())),
        "file" => {
            let path = vars.get(FREE_TIER_FILE).unwrap_or(".gateway-usage.json");
            if path.trim().is_empty() {
                return Err(error(
                    FREE_TIER_FILE,
                    path,
                    "a file path, such as .gateway-usage.json",
                ));
            }
            Ok(Arc::new(FileStore::new(path)))
        }
        "redis" => redis_store(vars),
        _ => Err(error(FREE_TIER_STORE, kind, STORES)),
    }
}

#[cfg(feature = "redis")]
fn redis_store(vars: &Vars) -> Result<Arc<dyn UsageStore>, ConfigError> {
    let url = vars
        .get(FREE_TIER_REDIS_URL)
        .unwrap_or("redis://127.0.0.1:6379");
    let key = vars.get(FREE_TIER_REDIS_KEY).unwrap_or("gateway:usage");
    if key.trim().is_empty() {
        return Err(error(
            FREE_TIER_REDIS_KEY,
            key,
            "a key prefix, such as gateway:usage",
        ));
    }
    let store = RedisStore::new(url, key).map_err(|_| {
        error(
            FREE_TIER_REDIS_URL,
            url,
            "a Redis URL, such as redis://127.0.0.1:6379",
        )
    })?;
    Ok(Arc::new(store))
}

#[cfg(not(feature = "redis"))]
fn redis_store(_: &Vars) -> Result<Arc<dyn UsageStore>, ConfigError> {
    Err(error(
        FREE_TIER_STORE,
        "redis",
        "memory or file: this build of gateway-runtime has no Redis support (enable its `redis` feature)",
    ))
}
