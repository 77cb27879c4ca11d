//! LMMS: lazy interface state (LIGS), heat and the fast path (ZAPH), safe unloading (LUGS).
//!
//! - A [`Module`] holds one interface's state. The first call that needs it creates it
//!   (once, even when threads race); maintenance may unload it when the five protections
//!   allow, and the next call creates it again.
//! - [`Heat`] counts an operation's cold-path calls; past the threshold the operation takes
//!   the fast path, and hot modules stay loaded under hot-path protection.
//! - [`maintain`] notices use, cools heat and unloads; [`Reaper`] runs it in the background.
//! - [`Config`] comes from the seed's environment variables or a builder; [`Clock`] is
//!   injectable so tests never sleep.

pub mod clock;
pub mod config;
pub(crate) mod counters;
mod heat;
pub mod maintenance;
pub mod memory;
pub mod module;
pub mod preload;
pub mod reaper;
pub mod stats;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, ConfigError};
pub use heat::Heat;
pub use maintenance::{MaintenanceReport, maintain, maintain_if_due};
pub use module::{AnyModule, Kept, Module, ModuleSnapshot, UnloadCheck};
pub use preload::{preload, preload_async};
pub use reaper::{Maintain, Reaper};
pub use stats::{Latency, MaintenanceStats, OperationStats, Stats, snapshot};
