//! Timeouts from `timeout:` metadata, on the typed and the dynamic path alike.
//!
//! - **Asynchronous operations** are raced against a timer ([futures-timer], which needs no
//!   particular executor). At the timeout the operation's future is dropped at the await
//!   point where it is suspended, like any cancelled future: its borrow of the interface's
//!   state ends (the module can be unloaded again), nothing keeps running, and the caller gets
//!   [`GatewayError::Timeout`](crate::GatewayError::Timeout). Changes the operation made
//!   before that await point stay; core functions should be cancel-safe at their awaits, as
//!   futures under `tokio::select!` must be.
//! - **Synchronous operations** cannot be interrupted safely (a thread cannot be stopped in
//!   the middle of a change), so they run to completion; one that ran past its timeout has
//!   its result discarded and returns [`GatewayError::Timeout`](crate::GatewayError::Timeout).
//!   Whatever it changed, it changed completely; the caller learns that the call overran,
//!   as with any timeout whose outcome is unknown. Durations are measured with the runtime's
//!   clock ([`Config::clock`](crate::Config::clock)), read only for operations that declare a
//!   timeout.
//!
//! [futures-timer]: https://docs.rs/futures-timer

use futures_util::future::{Either, select};
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

/// `future`'s output, or `None` when `limit` passes first (the future is then dropped).
pub(crate) async fn race<F: Future>(future: F, limit: Duration) -> Option<F::Output> {
    let future = pin!(future);
    let timer = futures_timer::Delay::new(limit);
    match select(future, timer).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}
