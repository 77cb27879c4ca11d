//! FTPMS, free-tier protection: usage tracked as AWS bills it, projected to month end, and
//! calls refused inside dispatch before the Lambda free tier runs out.
//!
//! Each invocation adds one request and its GB-seconds (the configured memory × the billed
//! duration, rounded up to the millisecond, init included on cold starts) to the calendar
//! month in UTC. From the month's use so far and its projection (see [`projection`]), a level
//! is decided: **warn** at 75% (logged once on entering it), **throttle** at 85% (non-critical
//! operations refused with a retry hint: HTTP 429), **block** at 95% (only `priority:
//! critical` operations run: HTTP 503). Limits, thresholds and the basis (actual, projected or
//! both) are configuration; `FREE_TIER_OVERRIDE` lifts protection in an emergency, and says so
//! in the log.
//!
//! Usage lives in a [`UsageStore`]: in memory by default (each execution environment then
//! counts only its own invocations, from zero at every cold start: an estimate), in a file for
//! local runs, or in Redis (feature `redis`), shared by every instance. When the store fails,
//! the guard goes on from its own estimate, logs a warning, and adds what it counted to the
//! store when it answers again; a store failure never fails a call by itself.

mod clock;
pub mod config;
mod guard;
pub mod projection;
pub mod store;
mod usage;

pub use clock::{ManualWallClock, SystemWallClock, WallClock};
pub use config::{Basis, FreeTierConfig};
pub use guard::{FreeTier, LevelChange, PerLimit, UsageReport};
pub use projection::Level;
#[cfg(feature = "redis")]
pub use store::RedisStore;
pub use store::{FileStore, MemoryStore, StoreError, UsageStore};
pub use usage::{MB_MS_PER_GB_SECOND, Month, Usage};
