//! OFB, operation fusion and batching: calls of an operation that has a batch partner in the
//! manifest (`batch: cache_get_batch`) are fused into calls of that partner.
//!
//! Two ways in:
//!
//! - [`execute_batch`]: a list of calls in, one result per call out, in input order. Runs of
//!   consecutive fusable calls become batch calls, chunked by the partner's `max_size`.
//! - [`Coalescer`]: concurrent calls awaited together (at a join point) are gathered into one
//!   batch call, with no timer window.
//!
//! **Order.** Calls run in input order. A run of consecutive fusable calls of the same operation
//! becomes one batch call (or one per `max_size` items, in order), made where the run's first
//! call stands, with the items in their input order. No call moves past a call of another
//! operation, nor past a call of the same operation that cannot be fused (one with an optional
//! parameter set, for example), so effects are exactly those of running the calls one by one,
//! as long as the batch operation applies its items in order. Calls that fail before running
//! (an unknown operation, invalid parameters) have no effects and do not break a run.
//! A run (or a last chunk) of one call runs as that call of the single operation.
//!
//! **Errors are per call.** A call with invalid parameters gets its own `invalid_params` error
//! and is left out of the batch; the others are fused without it. When a batch call fails as a
//! whole, each call of that chunk gets a [`GatewayError::BatchFailed`](crate::GatewayError)
//! and the other chunks are unaffected. Failed chunks are not retried call by call: a batch
//! operation may have applied part of its items, and running them again could apply them twice.

mod call;
mod coalesce;
mod execute;
mod fusion;

pub use call::{BatchCall, BatchResult};
pub use coalesce::Coalescer;
pub use execute::execute_batch;
