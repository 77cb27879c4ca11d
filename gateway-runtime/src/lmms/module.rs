//! LIGS and LUGS for one interface: its state, created on first use and unloaded when every
//! protection allows.
//!
//! The state lives behind a read-write lock. A synchronous call holds a read lock while the
//! core function runs; an asynchronous one holds a clone of the state's `Arc`. Unloading only
//! *tries* to take the write lock: if a synchronous call is in flight it fails at once, and
//! with the lock taken, an asynchronous call in flight shows as a second reference to the
//! `Arc`. So "no call in flight" is exact, unloading never waits for a call, and no call can
//! start while an unload decides. Creation is serialised by a separate lock, so racing first
//! calls create the state once.

use crate::descriptor::InterfaceDescriptor;
use crate::error::GatewayError;
use crate::state::{InitContext, InterfaceState};
use futures_util::future::BoxFuture;
use serde::Serialize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, TryLockError};
use std::time::Duration;

/// The state slot of one interface, owned by the generated gateway.
pub struct Module<S> {
    descriptor: &'static InterfaceDescriptor,
    state: RwLock<Option<Arc<S>>>,
    lock: Mutex<()>,
    async_lock: futures_util::lock::Mutex<()>,
    /// The maintenance epoch of the last call, compared before it is written.
    used_epoch: AtomicU64,
    info: Mutex<ModuleInfo>,
}

/// What a module remembers of its life, for LUGS and for stats.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleInfo {
    pub loads: u64,
    pub unloads: u64,
    pub last_init: Option<Duration>,
    pub loaded_at: Option<Duration>,
    pub last_use: Option<Duration>,
    pub last_kept: Option<Kept>,
}

/// Why maintenance kept a loaded module: the first of the five protections that held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// 1. A call in flight uses it.
    InFlight,
    /// 2. It holds data that unloading would lose (or the manifest says `unload: never`).
    HoldsData,
    /// 3. One of its operations is hot and hot-path protection is on.
    Hot,
    /// 4. It was used within the grace period.
    GracePeriod,
    /// 5. No more than the minimum number of modules is loaded.
    MinResident,
}

/// What maintenance needs to judge one module.
#[derive(Debug, Clone, Copy)]
pub struct UnloadCheck {
    /// Now, by the runtime's clock.
    pub now: Duration,
    /// Whether one of the module's operations is hot and hot-path protection is on.
    pub hot: bool,
    /// The grace period.
    pub grace_period: Duration,
    /// How many modules are loaded, this one included.
    pub loaded: usize,
    /// The minimum to keep.
    pub min_resident: usize,
}

/// A module, whatever its state type: what maintenance and stats use.
pub trait AnyModule: Send + Sync {
    /// The interface.
    fn descriptor(&self) -> &'static InterfaceDescriptor;
    /// Whether the interface has state at all (interfaces without it are not modules to
    /// load or unload).
    fn has_state(&self) -> bool;
    /// Whether its state exists.
    fn is_loaded(&self) -> bool;
    /// Creates the state now (preloading); a no-op when loaded.
    fn load(&self, epoch: u64, clock_now: Duration) -> Result<(), GatewayError>;
    /// [`AnyModule::load`], creating the state asynchronously.
    fn load_async(
        &self,
        epoch: u64,
        clock_now: Duration,
    ) -> BoxFuture<'_, Result<(), GatewayError>>;
    /// Notes, at maintenance `epoch`, whether the module was used in the last interval.
    fn observe_use(&self, previous_epoch: u64, now: Duration);
    /// Unloads the state if every protection allows; otherwise says which one kept it.
    fn try_unload(&self, check: UnloadCheck) -> Result<(), Kept>;
    /// A snapshot for stats.
    fn snapshot(&self) -> ModuleSnapshot;
}

/// A module as stats show it.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleSnapshot {
    /// The interface.
    pub interface: &'static str,
    /// Whether its state exists.
    pub loaded: bool,
    /// How many times the state was created.
    pub loads: u64,
    /// How many times it was created again after an unload.
    pub reloads: u64,
    /// How many times it was unloaded.
    pub unloads: u64,
    /// How long the last creation took, in microseconds.
    pub init_us: Option<u64>,
    /// When it was last used, in seconds since the runtime's clock origin (to the
    /// maintenance interval: use is noticed at maintenance).
    pub last_use_s: Option<f64>,
    /// The state's own estimate of the memory it holds, in bytes.
    pub memory_bytes: Option<usize>,
    /// Why the last maintenance kept it, if it did.
    pub kept: Option<Kept>,
}

impl<S: InterfaceState> Module<S> {
    /// An empty slot for `descriptor`'s state.
    pub fn new(descriptor: &'static InterfaceDescriptor) -> Self {
        Self {
            descriptor,
            state: RwLock::new(None),
            lock: Mutex::new(()),
            async_lock: futures_util::lock::Mutex::new(()),
            used_epoch: AtomicU64::new(0),
            info: Mutex::new(ModuleInfo::default()),
        }
    }

    /// Borrows the state if it exists, marking the module used in `epoch`; the module cannot
    /// be unloaded while the guard lives.
    #[inline]
    pub(crate) fn read(&self, epoch: u64) -> RwLockReadGuard<'_, Option<Arc<S>>> {
        let guard = self.state.read().unwrap_or_else(PoisonError::into_inner);
        if guard.is_some() {
            self.stamp(epoch);
        }
        guard
    }

    /// The state if it exists, as a reference of its own (for calls that outlive a lock).
    pub(crate) fn shared(&self, epoch: u64) -> Option<Arc<S>> {
        let state = self
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        self.stamp(epoch);
        Some(state)
    }

    #[inline]
    fn stamp(&self, epoch: u64) {
        if self.used_epoch.load(Ordering::Relaxed) != epoch {
            self.used_epoch.store(epoch, Ordering::Relaxed);
        }
    }

    /// The state, created now if it does not exist (synchronous creation).
    pub(crate) fn load_sync(&self, epoch: u64, now: Duration) -> Result<Arc<S>, GatewayError> {
        if let Some(state) = self.shared(epoch) {
            return Ok(state);
        }
        let _lock = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(state) = self.shared(epoch) {
            return Ok(state);
        }
        let started = std::time::Instant::now();
        let ctx = InitContext {
            interface: self.descriptor,
        };
        let created = catch_unwind(AssertUnwindSafe(|| S::init(&ctx)))
            .unwrap_or_else(|payload| Err(crate::runtime::panic_message(payload.as_ref()).into()));
        self.install(created, started.elapsed(), epoch, now)
    }

    /// The state, created now if it does not exist (asynchronous creation).
    pub(crate) async fn load_async(
        &self,
        epoch: u64,
        now: Duration,
    ) -> Result<Arc<S>, GatewayError> {
        if let Some(state) = self.shared(epoch) {
            return Ok(state);
        }
        let _lock = self.async_lock.lock().await;
        if let Some(state) = self.shared(epoch) {
            return Ok(state);
        }
        let started = std::time::Instant::now();
        let ctx = InitContext {
            interface: self.descriptor,
        };
        let created = match catch_unwind(AssertUnwindSafe(|| S::init_async(&ctx))) {
            Ok(future) => futures_util::FutureExt::catch_unwind(AssertUnwindSafe(future))
                .await
                .unwrap_or_else(|payload| {
                    Err(crate::runtime::panic_message(payload.as_ref()).into())
                }),
            Err(payload) => Err(crate::runtime::panic_message(payload.as_ref()).into()),
        };
        self.install(created, started.elapsed(), epoch, now)
    }

    fn install(
        &self,
        created: Result<S, crate::BoxError>,
        took: Duration,
        epoch: u64,
        now: Duration,
    ) -> Result<Arc<S>, GatewayError> {
        let state = Arc::new(created.map_err(|error| GatewayError::InitFailed {
            interface: self.descriptor.name,
            error,
        })?);
        {
            // A synchronous and an asynchronous first call may race through different locks:
            // the first to install wins and the other's state is dropped unused.
            let mut slot = self.state.write().unwrap_or_else(PoisonError::into_inner);
            if let Some(winner) = slot.as_ref() {
                return Ok(winner.clone());
            }
            *slot = Some(state.clone());
        }
        self.used_epoch.store(epoch, Ordering::Relaxed);
        let mut info = self.info();
        info.loads += 1;
        info.last_init = Some(took);
        info.loaded_at = Some(now);
        info.last_use = Some(now);
        info.last_kept = None;
        tracing::debug!(
            interface = self.descriptor.name,
            init_us = took.as_micros() as u64,
            "interface state created"
        );
        Ok(state)
    }

    fn info(&self) -> std::sync::MutexGuard<'_, ModuleInfo> {
        self.info.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the state holds data that unloading would lose.
    fn holds_data(&self, state: &S) -> bool {
        self.descriptor.never_unload
            || catch_unwind(AssertUnwindSafe(|| state.holds_unsaved_data())).unwrap_or(true)
    }
}

impl<S: InterfaceState> AnyModule for Module<S> {
    fn descriptor(&self) -> &'static InterfaceDescriptor {
        self.descriptor
    }

    fn has_state(&self) -> bool {
        S::STATEFUL
    }

    fn is_loaded(&self) -> bool {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    fn load(&self, epoch: u64, now: Duration) -> Result<(), GatewayError> {
        self.load_sync(epoch, now).map(drop)
    }

    fn load_async(&self, epoch: u64, now: Duration) -> BoxFuture<'_, Result<(), GatewayError>> {
        Box::pin(async move { Module::load_async(self, epoch, now).await.map(drop) })
    }

    fn observe_use(&self, previous_epoch: u64, now: Duration) {
        if self.used_epoch.load(Ordering::Relaxed) >= previous_epoch && self.is_loaded() {
            self.info().last_use = Some(now);
        }
    }

    fn try_unload(&self, check: UnloadCheck) -> Result<(), Kept> {
        let mut slot = match self.state.try_write() {
            Ok(slot) => slot,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // A synchronous call holds the state.
            Err(TryLockError::WouldBlock) => return self.keep(Kept::InFlight),
        };
        let Some(state) = slot.as_ref() else {
            return Ok(());
        };
        let kept = if Arc::strong_count(state) > 1 {
            // An asynchronous call holds the state.
            Some(Kept::InFlight)
        } else if self.holds_data(state) {
            Some(Kept::HoldsData)
        } else if check.hot {
            Some(Kept::Hot)
        } else if self
            .info()
            .last_use
            .is_some_and(|used| check.now.saturating_sub(used) < check.grace_period)
        {
            Some(Kept::GracePeriod)
        } else if check.loaded <= check.min_resident {
            Some(Kept::MinResident)
        } else {
            None
        };
        if let Some(reason) = kept {
            drop(slot);
            return self.keep(reason);
        }
        let state = slot.take();
        drop(slot);
        {
            let mut info = self.info();
            info.unloads += 1;
            info.loaded_at = None;
            info.last_kept = None;
        }
        tracing::debug!(interface = self.descriptor.name, "interface state unloaded");
        // Dropped here, outside the lock: closing connections or freeing memory may take time.
        drop(state);
        Ok(())
    }

    fn snapshot(&self) -> ModuleSnapshot {
        let state = self
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let memory = state.map(|state| state.approx_memory());
        let info = self.info().clone();
        ModuleSnapshot {
            interface: self.descriptor.name,
            loaded: memory.is_some(),
            loads: info.loads,
            reloads: info.loads.saturating_sub(1),
            unloads: info.unloads,
            init_us: info.last_init.map(|d| d.as_micros() as u64),
            last_use_s: info.last_use.map(|d| d.as_secs_f64()),
            memory_bytes: memory,
            kept: info.last_kept,
        }
    }
}

impl<S: InterfaceState> Module<S> {
    fn keep(&self, reason: Kept) -> Result<(), Kept> {
        self.info().last_kept = Some(reason);
        Err(reason)
    }
}

impl<S: InterfaceState> std::fmt::Debug for Module<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("interface", &self.descriptor.name)
            .field("loaded", &self.is_loaded())
            .finish_non_exhaustive()
    }
}
