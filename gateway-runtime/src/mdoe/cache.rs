//! The result cache of `cacheable` operations.
//!
//! Each cacheable operation has its own bounded cache ([moka]), keyed by its parameters as
//! the operation decoded them (serialized to JSON, so `{"key": "a"}` and `{"key": "a",
//! "default": null}` are the same call) and by its interface's *generation*:
//!
//! - a result is kept for the operation's TTL (`cacheable: {ttl: 30s}`), or for
//!   [`CacheConfig::default_ttl`] when it is declared `cacheable: true`, measured with the
//!   runtime's clock (so tests never sleep), and at most [`CacheConfig::capacity`] results are
//!   kept per operation;
//! - concurrent misses of one key compute once: the other callers wait for that result
//!   (or share its error) instead of running the operation again;
//! - every call of a non-cacheable operation of the same interface (`cache_set` next to a
//!   cacheable `cache_get`) advances the generation when it ends, so later calls no longer
//!   see results cached before it: within one instance, a read that starts after a write
//!   has ended never returns a result from before that write. Other instances only notice
//!   the write when their own cached results expire, so keep TTLs short for state shared
//!   between instances;
//! - errors are never cached.

use super::config::CacheConfig;
use crate::descriptor::OperationDescriptor;
use crate::error::GatewayError;
use serde::Serialize;
use std::any::Any;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Identifies a cached result: the interface's generation and the parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    generation: u64,
    params: Box<str>,
}

/// A cached result and when it was stored (runtime clock).
#[derive(Clone)]
struct Cached<T> {
    value: T,
    stored_at: Duration,
}

type SyncCache<T> = moka::sync::Cache<CacheKey, Cached<T>>;
type AsyncCache<T> = moka::future::Cache<CacheKey, Cached<T>>;

/// The result cache of one operation, created on its first cached call.
#[derive(Default)]
pub(crate) struct Slot {
    /// `Some` when the operation is cacheable: how long results stay valid.
    ttl: Option<Duration>,
    cache: OnceLock<Erased>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("ttl", &self.ttl)
            .field("hits", &self.hits)
            .field("misses", &self.misses)
            .finish_non_exhaustive()
    }
}

impl Slot {
    /// The slot of `op`, with its TTL when it is cacheable.
    pub(crate) fn for_operation(op: &OperationDescriptor, config: &CacheConfig) -> Self {
        Self {
            ttl: op.cacheable.map(|ttl| ttl.unwrap_or(config.default_ttl)),
            ..Self::default()
        }
    }

    fn sync_cache<T: Clone + Send + Sync + 'static>(
        &self,
        ttl: Duration,
        capacity: u64,
    ) -> Option<&SyncCache<T>> {
        self.erased(|| {
            let cache = SyncCache::<T>::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build();
            let counted = cache.clone();
            Erased::new(cache, move || {
                counted.run_pending_tasks();
                counted.entry_count()
            })
        })
    }

    fn async_cache<T: Clone + Send + Sync + 'static>(
        &self,
        ttl: Duration,
        capacity: u64,
    ) -> Option<&AsyncCache<T>> {
        self.erased(|| {
            let cache = AsyncCache::<T>::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build();
            let counted = cache.clone();
            Erased::new(cache, move || counted.entry_count())
        })
    }

    /// The cache, made by `make` on first use, as the type `C` it must be.
    fn erased<C: Any>(&self, make: impl FnOnce() -> Erased) -> Option<&C> {
        self.cache.get_or_init(make).cache.downcast_ref()
    }
}

/// A [`SyncCache`] or an [`AsyncCache`] of an operation's result type, and how to count its
/// entries without knowing that type.
struct Erased {
    cache: Box<dyn Any + Send + Sync>,
    entries: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl Erased {
    fn new<C: Any + Send + Sync>(
        cache: C,
        entries: impl Fn() -> u64 + Send + Sync + 'static,
    ) -> Self {
        Self {
            cache: Box::new(cache),
            entries: Box::new(entries),
        }
    }
}

/// The result caches of a runtime's operations and the generations of its interfaces.
#[derive(Debug)]
pub(crate) struct ResultCaches {
    pub(crate) config: CacheConfig,
    slots: Box<[Slot]>,
    generations: Box<[AtomicU64]>,
    /// Per operation: calls of it end by advancing its interface's generation.
    invalidates: Box<[bool]>,
}

impl ResultCaches {
    /// The caches of `operations`, whose interfaces number `interfaces`.
    pub(crate) fn new(
        operations: &[OperationDescriptor],
        interfaces: usize,
        config: CacheConfig,
    ) -> Self {
        let cached_interface = |index: usize| {
            operations
                .iter()
                .any(|op| op.interface_index == index && op.cacheable.is_some())
        };
        Self {
            slots: operations
                .iter()
                .map(|op| Slot::for_operation(op, &config))
                .collect(),
            generations: (0..interfaces).map(|_| AtomicU64::new(0)).collect(),
            invalidates: operations
                .iter()
                .map(|op| op.cacheable.is_none() && cached_interface(op.interface_index))
                .collect(),
            config,
        }
    }

    /// Ends a call of operation `id`: a non-cacheable operation of an interface with cached
    /// results makes them stale.
    #[inline]
    pub(crate) fn after_call(&self, id: usize, interface: usize) {
        if self.invalidates.get(id).copied().unwrap_or(false)
            && let Some(generation) = self.generations.get(interface)
        {
            generation.fetch_add(1, Ordering::Release);
        }
    }

    /// The current generation of interface `index` (0 for interfaces not in the manifest).
    pub(crate) fn generation(&self, index: usize) -> u64 {
        self.generations
            .get(index)
            .map_or(0, |g| g.load(Ordering::Acquire))
    }

    /// Makes interface `index`'s cached results stale.
    pub(crate) fn bump(&self, index: usize) {
        if let Some(generation) = self.generations.get(index) {
            generation.fetch_add(1, Ordering::Release);
        }
    }

    /// The key of a call of `op` with `params`; `None` when its result is not cached.
    pub(crate) fn key(
        &self,
        op: &OperationDescriptor,
        params: impl FnOnce() -> Option<String>,
    ) -> Option<CacheKey> {
        self.slots.get(op.id)?.ttl?;
        key_with(
            &self.config,
            self.generations
                .get(op.interface_index)
                .map_or(0, |g| g.load(Ordering::Acquire)),
            params,
        )
    }

    pub(crate) fn slot(&self, id: usize) -> Option<&Slot> {
        self.slots.get(id)
    }

    /// Hits, misses and entries of each cacheable operation, for stats.
    pub(crate) fn stats(&self, operations: &[OperationDescriptor]) -> Vec<CacheStats> {
        operations
            .iter()
            .zip(self.slots.iter())
            .filter_map(|(op, slot)| slot.stats(op.name, self.config.capacity))
            .collect()
    }
}

/// The key of `params` in generation `generation`, if caching is on and they serialize.
pub(crate) fn key_with(
    config: &CacheConfig,
    generation: u64,
    params: impl FnOnce() -> Option<String>,
) -> Option<CacheKey> {
    if !config.enabled {
        return None;
    }
    let params = params()?.into_boxed_str();
    Some(CacheKey { generation, params })
}

impl Slot {
    /// The stats of this slot, if its operation is cacheable.
    pub(crate) fn stats(&self, operation: &'static str, capacity: u64) -> Option<CacheStats> {
        let ttl = self.ttl?;
        Some(CacheStats {
            operation,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.cache.get().map_or(0, |erased| (erased.entries)()),
            capacity,
            ttl_ms: ttl.as_millis() as u64,
        })
    }

    /// Runs `compute` unless a valid result for `key` is cached; concurrent misses of one
    /// key compute once. `now` is the runtime clock's time.
    pub(crate) fn get_or_compute<T: Clone + Send + Sync + 'static>(
        &self,
        key: CacheKey,
        now: Duration,
        capacity: u64,
        compute: impl FnOnce() -> Result<T, GatewayError>,
    ) -> Result<T, GatewayError> {
        let Some(ttl) = self.ttl else {
            return compute();
        };
        let Some(cache) = self.sync_cache::<T>(ttl, capacity) else {
            return compute();
        };
        if let Some(hit) = cache.get(&key) {
            if now.saturating_sub(hit.stored_at) < ttl {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(hit.value);
            }
            cache.invalidate(&key);
        }
        let mut ran = false;
        let result = cache.try_get_with(key, || {
            ran = true;
            compute().map(|value| Cached {
                value,
                stored_at: now,
            })
        });
        self.count(ran);
        result.map(|cached| cached.value).map_err(unshare)
    }

    /// [`Slot::get_or_compute`] for asynchronous operations.
    pub(crate) async fn get_or_compute_async<T: Clone + Send + Sync + 'static>(
        &self,
        key: CacheKey,
        now: Duration,
        capacity: u64,
        compute: impl Future<Output = Result<T, GatewayError>>,
    ) -> Result<T, GatewayError> {
        let Some(ttl) = self.ttl else {
            return compute.await;
        };
        let Some(cache) = self.async_cache::<T>(ttl, capacity) else {
            return compute.await;
        };
        if let Some(hit) = cache.get(&key).await {
            if now.saturating_sub(hit.stored_at) < ttl {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(hit.value);
            }
            cache.invalidate(&key).await;
        }
        let ran = std::sync::atomic::AtomicBool::new(false);
        let result = cache
            .try_get_with(key, async {
                ran.store(true, Ordering::Relaxed);
                compute.await.map(|value| Cached {
                    value,
                    stored_at: now,
                })
            })
            .await;
        self.count(ran.load(Ordering::Relaxed));
        result.map(|cached| cached.value).map_err(unshare)
    }

    fn count(&self, computed: bool) {
        let counter = if computed { &self.misses } else { &self.hits };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The error of a computation that other callers waited for: the first caller's own error
/// when it is the last holder, an equivalent one otherwise.
fn unshare(error: Arc<GatewayError>) -> GatewayError {
    Arc::try_unwrap(error).unwrap_or_else(|shared| shared.duplicate())
}

/// The result cache of one operation, as stats show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CacheStats {
    /// `CONFIG.get`.
    pub operation: &'static str,
    /// Calls answered from the cache (or by waiting for a concurrent miss of the same key).
    pub hits: u64,
    /// Calls that ran the operation.
    pub misses: u64,
    /// Results held now (approximate: evictions are applied lazily).
    pub entries: u64,
    /// The most results held.
    pub capacity: u64,
    /// How long a result stays valid, in milliseconds.
    pub ttl_ms: u64,
}
