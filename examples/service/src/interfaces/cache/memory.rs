//! The in-memory backend: a map in this process, with an optional expiry per entry.

use super::{Clock, ValidEntry};
use gateway_runtime::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// Entries in this process's memory. Expired entries are removed when next touched.
pub(super) struct MemoryStore {
    entries: RwLock<HashMap<String, Entry>>,
    clock: Clock,
    expirations: AtomicU64,
}

struct Entry {
    value: Value,
    expires_at: Option<Instant>,
}

impl MemoryStore {
    /// An empty store reading time from `clock`.
    pub(super) fn new(clock: Clock) -> Self {
        Self {
            entries: RwLock::default(),
            clock,
            expirations: AtomicU64::new(0),
        }
    }

    /// The number of entries, expired ones included until they are next touched.
    pub(super) fn len(&self) -> usize {
        self.read().len()
    }

    /// Keys and JSON text of the values, plus a fixed overhead per entry: an estimate.
    pub(super) fn approx_bytes(&self) -> usize {
        self.read()
            .iter()
            .map(|(key, entry)| 64 + key.len() + entry.value.to_string().len())
            .sum()
    }

    /// Entries removed because they expired.
    pub(super) fn expirations(&self) -> u64 {
        self.expirations.load(Ordering::Relaxed)
    }

    /// The live value of `key`, removing it if it expired.
    pub(super) fn get(&self, key: &str) -> Option<Value> {
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

    /// The live values of `keys`, in order, under one clock read and one read lock; expired
    /// entries met on the way are then removed as [`MemoryStore::get`] would.
    pub(super) fn get_many(&self, keys: &[String]) -> Vec<Option<Value>> {
        let now = (self.clock)();
        let mut expired = false;
        let found = {
            let entries = self.read();
            keys.iter()
                .map(|key| match entries.get(key.as_str()) {
                    Some(entry) if entry.expires_at.is_none_or(|at| now < at) => {
                        Some(entry.value.clone())
                    }
                    Some(_) => {
                        expired = true;
                        None
                    }
                    None => None,
                })
                .collect()
        };
        if expired {
            for key in keys {
                // `get` removes the entry if it is still expired.
                let _ = self.get(key);
            }
        }
        found
    }

    /// Stores `value` under `key`, for `ttl` when given (already checked to be positive).
    pub(super) fn set(&self, key: String, value: Value, ttl: Option<u64>) {
        // A TTL too long for the clock to represent never comes: the entry never expires.
        let expires_at =
            ttl.and_then(|seconds| (self.clock)().checked_add(Duration::from_secs(seconds)));
        self.write().insert(key, Entry { value, expires_at });
    }

    /// Stores every entry.
    pub(super) fn set_batch(&self, entries: Vec<ValidEntry>) {
        for entry in entries {
            self.set(entry.key, entry.value, entry.ttl);
        }
    }

    /// Removes `key`; whether there was an entry.
    pub(super) fn delete(&self, key: &str) -> bool {
        self.write().remove(key).is_some()
    }

    /// Removes every entry; how many there were.
    pub(super) fn clear(&self) -> usize {
        let mut entries = self.write();
        let count = entries.len();
        entries.clear();
        count
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Entry>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Entry>> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }
}
