//! CACHE: a key-value store with an optional time-to-live per entry, kept in this process's
//! memory (the default) or in Redis, shared by every instance of the service.
//!
//! The backend is chosen when the state is created, from `CACHE_BACKEND` and the
//! `CACHE_REDIS_*` variables ([`config`] lists them). Both backends answer every operation the
//! same way; where they differ:
//!
//! - **Data and unloading.** The in-memory store holds data while it has entries, which keeps
//!   it from being unloaded. The Redis store holds none in the process: unloading it only
//!   closes its connections.
//! - **Failures.** The in-memory store cannot fail; the Redis store answers
//!   [`CacheError::Backend`] when Redis is unreachable, too slow or refuses a command, within
//!   `CACHE_REDIS_TIMEOUT_MS`, and works again at the next call once Redis is back.
//! - **Stats.** `hits` and `misses` count this process's reads with either. `entries` counts
//!   the keys under the prefix in Redis. `expirations` counts entries found expired and removed
//!   by this process, so it is always 0 with Redis, which expires keys itself and does not say
//!   which.

pub mod config;
mod memory;
mod redis;

use self::config::CacheConfig;
use self::memory::MemoryStore;
use self::redis::RedisStore;
use gateway_runtime::{BoxError, InitContext, Interface, Value, operation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The clock the in-memory store reads; tests replace it to expire entries without sleeping.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// The state of the CACHE interface: the chosen backend and this process's read counters.
#[derive(Interface)]
#[interface(init = CacheStore::open, holds_data = CacheStore::holds_data, memory = CacheStore::approx_bytes)]
pub struct CacheStore {
    backend: Backend,
    hits: AtomicU64,
    misses: AtomicU64,
}

enum Backend {
    Memory(MemoryStore),
    Redis(RedisStore),
}

impl CacheStore {
    /// The store the environment asks for (`CACHE_BACKEND`, ...); an invalid variable is an
    /// error naming it, which the runtime reports as the interface's init failure.
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Self::from_config(&CacheConfig::from_env()?)?)
    }

    /// A store on the backend `config` names. A Redis store opens no connection yet, so this
    /// fails only for a URL the Redis client cannot parse.
    pub fn from_config(config: &CacheConfig) -> Result<Self, config::CacheConfigError> {
        let backend = match config {
            CacheConfig::Memory => Backend::Memory(MemoryStore::new(Arc::new(Instant::now))),
            CacheConfig::Redis(redis) => Backend::Redis(RedisStore::new(redis)?),
        };
        Ok(Self::with_backend(backend))
    }

    /// An empty in-memory store reading time from `clock`.
    pub fn with_clock(clock: Clock) -> Self {
        Self::with_backend(Backend::Memory(MemoryStore::new(clock)))
    }

    fn with_backend(backend: Backend) -> Self {
        Self {
            backend,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Whether the entries live in Redis rather than in this process.
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    /// The number of entries held in this process's memory, expired ones included until they
    /// are next touched. Always 0 with Redis, whose entries live in Redis (`CACHE.stats` counts
    /// those).
    pub fn len(&self) -> usize {
        match &self.backend {
            Backend::Memory(memory) => memory.len(),
            Backend::Redis(_) => 0,
        }
    }

    /// Whether this process holds no entry (always true with Redis).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Unloading would lose data only while the in-memory store has entries.
    fn holds_data(&self) -> bool {
        !self.is_empty()
    }

    fn approx_bytes(&self) -> usize {
        match &self.backend {
            Backend::Memory(memory) => memory.approx_bytes(),
            Backend::Redis(redis) => redis.approx_bytes(),
        }
    }

    fn count_read(&self, found: bool) {
        let counter = if found { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Why a cache operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// A TTL of zero or less.
    #[error("ttl for `{key}` must be a positive number of seconds, got {seconds}")]
    InvalidTtl {
        /// The key being written.
        key: String,
        /// The TTL given.
        seconds: i64,
    },
    /// The Redis backend failed: unreachable, too slow, or refusing a command. The message
    /// says which, where, and what to check.
    #[error("{0}")]
    Backend(String),
}

/// One entry of `cache_set_batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheEntry {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Value,
    /// Seconds until it expires; never when absent.
    #[serde(default)]
    pub ttl: Option<i64>,
}

/// What `cache_stats` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CacheStats {
    /// Entries held now (with Redis: keys under the prefix, whoever wrote them).
    pub entries: usize,
    /// Reads by this process that found a live entry.
    pub hits: u64,
    /// Reads by this process that found nothing or an expired entry.
    pub misses: u64,
    /// Entries this process found expired and removed (always 0 with Redis, which expires
    /// keys itself).
    pub expirations: u64,
}

/// An entry whose TTL was checked: positive seconds, or none.
struct ValidEntry {
    key: String,
    value: Value,
    ttl: Option<u64>,
}

/// `ttl` as positive seconds, or the error for `key`; checked before any backend is touched.
fn checked_ttl(key: &str, ttl: Option<i64>) -> Result<Option<u64>, CacheError> {
    match ttl {
        None => Ok(None),
        Some(seconds) => u64::try_from(seconds)
            .ok()
            .filter(|s| *s > 0)
            .map(Some)
            .ok_or_else(|| CacheError::InvalidTtl {
                key: key.to_owned(),
                seconds,
            }),
    }
}

#[operation(CACHE.get)]
fn get_value(store: &CacheStore, key: &str, default: Value) -> Result<Value, CacheError> {
    let found = match &store.backend {
        Backend::Memory(memory) => memory.get(key),
        Backend::Redis(redis) => redis.get(key)?,
    };
    store.count_read(found.is_some());
    Ok(found.unwrap_or(default))
}

#[operation(CACHE.set)]
fn set_value(
    store: &CacheStore,
    key: String,
    value: Value,
    ttl: Option<i64>,
) -> Result<(), CacheError> {
    let ttl = checked_ttl(&key, ttl)?;
    match &store.backend {
        Backend::Memory(memory) => memory.set(key, value, ttl),
        Backend::Redis(redis) => redis.set(&key, &value, ttl)?,
    }
    Ok(())
}

#[operation(CACHE.delete)]
fn delete_value(store: &CacheStore, key: &str) -> Result<bool, CacheError> {
    match &store.backend {
        Backend::Memory(memory) => Ok(memory.delete(key)),
        Backend::Redis(redis) => redis.delete(key),
    }
}

#[operation(CACHE.exists)]
fn exists(store: &CacheStore, key: &str) -> Result<bool, CacheError> {
    match &store.backend {
        Backend::Memory(memory) => Ok(memory.get(key).is_some()),
        Backend::Redis(redis) => redis.exists(key),
    }
}

#[operation(CACHE.clear)]
fn clear(store: &CacheStore) -> Result<i64, CacheError> {
    let removed = match &store.backend {
        Backend::Memory(memory) => memory.clear(),
        Backend::Redis(redis) => redis.clear()?,
    };
    Ok(i64::try_from(removed).unwrap_or(i64::MAX))
}

#[operation(CACHE.stats)]
fn stats(store: &CacheStore) -> Result<CacheStats, CacheError> {
    let (entries, expirations) = match &store.backend {
        Backend::Memory(memory) => (memory.len(), memory.expirations()),
        Backend::Redis(redis) => (redis.count()?, 0),
    };
    Ok(CacheStats {
        entries,
        hits: store.hits.load(Ordering::Relaxed),
        misses: store.misses.load(Ordering::Relaxed),
        expirations,
    })
}

#[operation(CACHE.get_batch)]
fn get_batch(store: &CacheStore, keys: &[String]) -> Result<Vec<Value>, CacheError> {
    let found: Vec<Option<Value>> = match &store.backend {
        Backend::Memory(memory) => memory.get_many(keys),
        Backend::Redis(redis) => redis.get_batch(keys)?,
    };
    Ok(found
        .into_iter()
        .map(|value| {
            store.count_read(value.is_some());
            value.unwrap_or(Value::Null)
        })
        .collect())
}

#[operation(CACHE.set_batch)]
fn set_batch(store: &CacheStore, entries: Vec<CacheEntry>) -> Result<(), CacheError> {
    // Check every TTL first, so a bad entry leaves the store untouched.
    let entries = entries
        .into_iter()
        .map(|entry| {
            Ok(ValidEntry {
                ttl: checked_ttl(&entry.key, entry.ttl)?,
                key: entry.key,
                value: entry.value,
            })
        })
        .collect::<Result<Vec<_>, CacheError>>()?;
    match &store.backend {
        Backend::Memory(memory) => memory.set_batch(entries),
        Backend::Redis(redis) => redis.set_batch(&entries)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests;
