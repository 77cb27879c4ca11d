//! Interface state: what an interface owns (a cache store, an HTTP client) and how it is made.

use crate::descriptor::InterfaceDescriptor;
use crate::error::BoxError;
use std::any::Any;

/// State owned by an interface and handed to its core functions as `&Self`.
///
/// The runtime creates it on the first call that needs it (or at start-up for interfaces
/// marked `preload`), exactly once even when threads race, and owns it afterwards.
///
/// ```
/// use gateway_runtime::{InitContext, InterfaceState, BoxError};
/// use std::sync::Mutex;
///
/// #[derive(Default)]
/// pub struct Counter(Mutex<u64>);
///
/// impl InterfaceState for Counter {
///     fn init(_: &InitContext<'_>) -> Result<Self, BoxError> {
///         Ok(Self::default())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is an interface's state in the manifest, but does not implement `InterfaceState`",
    label = "declared as `state:` under `$interfaces`",
    note = "implement `gateway_runtime::InterfaceState` for `{Self}`: `fn init(_: &InitContext<'_>) -> Result<Self, BoxError>`"
)]
pub trait InterfaceState: Send + Sync + Sized + 'static {
    /// Creates the state. An error fails the call that needed it; the next call tries again.
    fn init(ctx: &InitContext<'_>) -> Result<Self, BoxError>;
}

/// Interfaces without state use `()`.
impl InterfaceState for () {
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

/// Type-erased state, as the runtime stores it.
pub type AnyState = Box<dyn Any + Send + Sync>;

/// A function that creates an interface's state; generated tables hold [`state_init::<S>`].
pub type StateInit = fn(&InitContext<'_>) -> Result<AnyState, BoxError>;

/// Creates `S` and erases its type.
pub fn state_init<S: InterfaceState>(ctx: &InitContext<'_>) -> Result<AnyState, BoxError> {
    Ok(Box::new(S::init(ctx)?))
}
