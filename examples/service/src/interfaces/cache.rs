//! CACHE: an in-memory key-value store with an optional time-to-live per entry.

use gateway_runtime::{BoxError, InitContext, Interface, Value, operation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// The clock the store reads; tests replace it to expire entries without sleeping.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// The state of the CACHE interface. It holds data while it has entries, which keeps it
/// from being unloaded.
#[derive(Interface)]
#[interface(init = CacheStore::open, holds_data = CacheStore::has_entries, memory = CacheStore::approx_bytes)]
pub struct CacheStore {
    entries: RwLock<HashMap<String, Entry>>,
    clock: Clock,
    hits: AtomicU64,
    misses: AtomicU64,
    expirations: AtomicU64,
}

struct Entry {
    value: Value,
    expires_at: Option<Instant>,
}

impl CacheStore {
    fn open(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(Self::with_clock(Arc::new(Instant::now)))
    }

    fn has_entries(&self) -> bool {
        !self.is_empty()
    }

    /// Keys and JSON text of the values, plus a fixed overhead per entry: an estimate.
    fn approx_bytes(&self) -> usize {
        self.read()
            .iter()
            .map(|(key, entry)| 64 + key.len() + entry.value.to_string().len())
            .sum()
    }

    /// An empty store reading time from `clock`.
    pub fn with_clock(clock: Clock) -> Self {
        Self {
            entries: RwLock::default(),
            clock,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            expirations: AtomicU64::new(0),
        }
    }

    /// The number of entries, expired ones included until they are next touched.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Entry>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Entry>> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The live value of `key`, removing it if it expired.
    fn lookup(&self, key: &str) -> Option<Value> {
        let now = (self.clock)();
        {
            let entries = self.read();
            match entries.get(key) {
                None => return None,
                Some(entry) if entry.expires_at.is_none_or(|at| now < at) => {
                    return Some(entry.value.clone());
                }
                Some(_) => {}
            }
        }
        let mut entries = self.write();
        if entries
            .get(key)
            .is_some_and(|e| e.expires_at.is_some_and(|at| now >= at))
        {
            entries.remove(key);
            self.expirations.fetch_add(1, Ordering::Relaxed);
        }
        None
    }

    fn insert(&self, key: String, value: Value, ttl: Option<i64>) -> Result<(), CacheError> {
        let expires_at = match ttl {
            None => None,
            Some(seconds) if seconds > 0 => {
                Some((self.clock)() + Duration::from_secs(seconds as u64))
            }
            Some(seconds) => return Err(CacheError::InvalidTtl { key, seconds }),
        };
        self.write().insert(key, Entry { value, expires_at });
        Ok(())
    }
}

/// Why a cache write was refused.
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
    /// Entries held now.
    pub entries: usize,
    /// Reads that found a live entry.
    pub hits: u64,
    /// Reads that found nothing or an expired entry.
    pub misses: u64,
    /// Entries removed because they expired.
    pub expirations: u64,
}

#[operation(CACHE.get)]
fn get_value(store: &CacheStore, key: &str, default: Value) -> Value {
    match store.lookup(key) {
        Some(value) => {
            store.hits.fetch_add(1, Ordering::Relaxed);
            value
        }
        None => {
            store.misses.fetch_add(1, Ordering::Relaxed);
            default
        }
    }
}

#[operation(CACHE.set)]
fn set_value(
    store: &CacheStore,
    key: String,
    value: Value,
    ttl: Option<i64>,
) -> Result<(), CacheError> {
    store.insert(key, value, ttl)
}

#[operation(CACHE.delete)]
fn delete_value(store: &CacheStore, key: &str) -> bool {
    store.write().remove(key).is_some()
}

#[operation(CACHE.exists)]
fn exists(store: &CacheStore, key: &str) -> bool {
    store.lookup(key).is_some()
}

#[operation(CACHE.clear)]
fn clear(store: &CacheStore) -> i64 {
    let mut entries = store.write();
    let count = entries.len();
    entries.clear();
    count as i64
}

#[operation(CACHE.stats)]
fn stats(store: &CacheStore) -> CacheStats {
    CacheStats {
        entries: store.len(),
        hits: store.hits.load(Ordering::Relaxed),
        misses: store.misses.load(Ordering::Relaxed),
        expirations: store.expirations.load(Ordering::Relaxed),
    }
}

#[operation(CACHE.get_batch)]
fn get_batch(store: &CacheStore, keys: &[String]) -> Vec<Value> {
    keys.iter()
        .map(|key| get_value(store, key, Value::Null))
        .collect()
}

#[operation(CACHE.set_batch)]
fn set_batch(store: &CacheStore, entries: Vec<CacheEntry>) -> Result<(), CacheError> {
    // Check every TTL first, so a bad entry leaves the store untouched.
    if let Some(bad) = entries.iter().find(|e| e.ttl.is_some_and(|t| t <= 0)) {
        return Err(CacheError::InvalidTtl {
            key: bad.key.clone(),
            seconds: bad.ttl.unwrap_or_default(),
        });
    }
    for entry in entries {
        store.insert(entry.key, entry.value, entry.ttl)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;

    /// A store whose clock moves only when told to.
    fn store_with_manual_clock() -> (CacheStore, Arc<Mutex<Instant>>) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let clock = now.clone();
        let store = CacheStore::with_clock(Arc::new(move || *clock.lock().unwrap()));
        (store, now)
    }

    #[test]
    fn entries_expire_after_their_ttl() {
        let (store, now) = store_with_manual_clock();
        set_value(&store, "k".into(), json!(1), Some(30)).unwrap();
        set_value(&store, "forever".into(), json!(2), None).unwrap();
        *now.lock().unwrap() += Duration::from_secs(29);
        assert_eq!(get_value(&store, "k", Value::Null), json!(1));
        *now.lock().unwrap() += Duration::from_secs(1);
        assert_eq!(get_value(&store, "k", json!("gone")), json!("gone"));
        assert!(!exists(&store, "k"));
        assert!(exists(&store, "forever"));
        let stats = stats(&store);
        assert_eq!(
            (stats.entries, stats.hits, stats.misses, stats.expirations),
            (1, 1, 1, 1)
        );
    }

    #[test]
    fn non_positive_ttls_are_refused() {
        let (store, _) = store_with_manual_clock();
        let error = set_value(&store, "k".into(), json!(1), Some(0)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ttl for `k` must be a positive number of seconds, got 0"
        );
        let batch = vec![
            CacheEntry {
                key: "a".into(),
                value: json!(1),
                ttl: None,
            },
            CacheEntry {
                key: "b".into(),
                value: json!(2),
                ttl: Some(-5),
            },
        ];
        assert!(set_batch(&store, batch).is_err());
        assert!(store.is_empty(), "a refused batch writes nothing");
    }
}
