//! Maintenance: noticing use, cooling heat, and unloading idle modules (LUGS).
//!
//! A Lambda execution environment is frozen between invocations, so nothing runs in the
//! background there: entry points call [`maintain_if_due`] at the start of an invocation. A
//! long-running server can also start a [`Reaper`](super::Reaper) thread.

use super::module::{AnyModule, Kept, UnloadCheck};
use crate::runtime::Runtime;
use serde::Serialize;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// What one maintenance did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MaintenanceReport {
    /// When it ran, in seconds since the runtime's clock origin.
    pub at_s: f64,
    /// Modules unloaded.
    pub unloaded: Vec<&'static str>,
    /// Loaded modules kept, and the first protection that kept each.
    pub kept: Vec<(&'static str, Kept)>,
    /// Operations that joined the fast path since the last maintenance.
    pub became_hot: Vec<&'static str>,
    /// Operations that left it.
    pub cooled_down: Vec<&'static str>,
}

/// Maintenance so far, for stats.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    pub runs: u64,
    pub unloads: u64,
    pub last_at: Option<Duration>,
    pub last: Option<MaintenanceReport>,
}

/// Runs maintenance now over `modules`.
pub fn maintain(runtime: &Runtime, modules: &[&dyn AnyModule]) -> MaintenanceReport {
    let config = &runtime.config;
    let now = config.clock.now();
    let mut report = MaintenanceReport {
        at_s: now.as_secs_f64(),
        ..MaintenanceReport::default()
    };
    // Calls from now on stamp the new epoch; the previous one is the interval just ended.
    let previous = runtime.epoch.fetch_add(1, Ordering::SeqCst);
    for module in modules {
        module.observe_use(previous, now);
    }
    let registry = runtime.registry();
    if config.unloading {
        let candidates: Vec<&&dyn AnyModule> = modules
            .iter()
            .filter(|m| m.has_state() && m.is_loaded())
            .collect();
        let mut loaded = candidates.len();
        for module in candidates {
            let name = module.descriptor().name;
            let hot = config.hot_path_protection
                && registry
                    .operations_of(name)
                    .any(|op| runtime.heat.get(op.id).is_some_and(|h| h.is_hot()));
            let check = UnloadCheck {
                now,
                hot,
                grace_period: config.grace_period,
                loaded,
                min_resident: config.min_resident,
            };
            match module.try_unload(check) {
                Ok(()) => {
                    loaded -= 1;
                    report.unloaded.push(name);
                }
                Err(reason) => report.kept.push((name, reason)),
            }
        }
    }
    if !report.unloaded.is_empty() && config.release_memory {
        super::memory::release_free_memory();
    }
    // Heat cools after the unload checks, so an operation hot during the interval just ended
    // still protects its module this time.
    for (op, heat) in registry.operations().iter().zip(runtime.heat.iter()) {
        let fast_calls = runtime.counters.total(op.id).fast_calls;
        match heat.decay(fast_calls, config.fast_path_threshold, config.fast_path) {
            Some(true) => report.became_hot.push(op.name),
            Some(false) => report.cooled_down.push(op.name),
            None => {}
        }
    }
    let mut history = runtime
        .maintenance
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    history.runs += 1;
    history.unloads += report.unloaded.len() as u64;
    history.last_at = Some(now);
    history.last = Some(report.clone());
    report
}

/// Runs maintenance if at least `interval` passed since the last one (or there was none).
pub fn maintain_if_due(
    runtime: &Runtime,
    modules: &[&dyn AnyModule],
    interval: Duration,
) -> Option<MaintenanceReport> {
    let now = runtime.config.clock.now();
    let last = runtime
        .maintenance
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .last_at;
    let due = last.is_none_or(|last| now.saturating_sub(last) >= interval);
    due.then(|| maintain(runtime, modules))
}
