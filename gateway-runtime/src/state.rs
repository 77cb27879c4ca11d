//! Interface state: what an interface owns (a cache store, an HTTP client) and how it is made.

use crate::descriptor::InterfaceDescriptor;
use crate::error::BoxError;
use std::future::Future;

/// State owned by an interface and handed to its core functions as `&Self`.
///
/// The runtime creates it on the first call that needs it (or at start-up for interfaces the
/// manifest marks `preload`, and for critical ones under `PRELOAD_CRITICAL_MODULES`), exactly
/// once even when threads race, and may unload it when idle (see `Config`); the next call
/// creates it again.
///
/// Implement it by hand, or derive it with `#[derive(Interface)]`:
///
/// ```
/// use gateway_runtime::{BoxError, InitContext, InterfaceState};
/// use std::collections::HashMap;
/// use std::sync::Mutex;
///
/// #[derive(Default)]
/// pub struct Counter(Mutex<HashMap<String, u64>>);
///
/// impl InterfaceState for Counter {
///     fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
///         Ok(Self::default())
///     }
///
///     fn holds_unsaved_data(&self) -> bool {
///         !self.0.lock().unwrap().is_empty()
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is an interface's state in the manifest, but does not implement `InterfaceState`",
    label = "declared as `state:` under `$interfaces`",
    note = "implement `gateway_runtime::InterfaceState` for `{Self}`, or `#[derive(Interface)]` it"
)]
pub trait InterfaceState: Send + Sync + Sized + 'static {
    /// Whether this is real state (only `()` says no): stateless interfaces are not modules
    /// to load or unload.
    const STATEFUL: bool = true;

    /// Creates the state for a synchronous operation (or at preload). An error fails the
    /// call that needed it; the next call tries again.
    fn init(ctx: &InitContext<'_>) -> Result<Self, BoxError>;

    /// Creates the state for an asynchronous operation; by default, [`InterfaceState::init`].
    fn init_async<'a>(
        ctx: &'a InitContext<'_>,
    ) -> impl Future<Output = Result<Self, BoxError>> + Send + 'a {
        let created = Self::init(ctx);
        async move { created }
    }

    /// Whether unloading now would lose data (protection 2 of LUGS); by default, no.
    fn holds_unsaved_data(&self) -> bool {
        false
    }

    /// A rough estimate of the memory the state holds, in bytes, for stats; by default 0.
    fn approx_memory(&self) -> usize {
        0
    }
}

/// Interfaces without state use `()`.
impl InterfaceState for () {
    const STATEFUL: bool = false;

    fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
        Ok(())
    }
}

/// What an interface's state is told when it is created.
#[derive(Debug)]
#[non_exhaustive]
pub struct InitContext<'a> {
    /// The interface whose state is created.
    pub interface: &'a InterfaceDescriptor,
}

impl<'a> InitContext<'a> {
    /// A context for creating `interface`'s state (the runtime makes these; tests and
    /// benchmarks that create state by hand can too).
    pub fn new(interface: &'a InterfaceDescriptor) -> Self {
        Self { interface }
    }

    /// The error for a state that can only be created asynchronously, asked for synchronously.
    pub fn needs_async(&self) -> BoxError {
        format!(
            "the state of `{}` is created asynchronously: call it from an async operation, or start the gateway with `start_async`",
            self.interface.name
        )
        .into()
    }
}
