//! Introspection: a snapshot of modules, heat, the fast path, calls and maintenance.

use super::counters::OpTotals;
use super::maintenance::MaintenanceReport;
use super::module::{AnyModule, ModuleSnapshot};
use crate::runtime::Runtime;
use serde::Serialize;
use std::sync::PoisonError;

/// Everything the runtime knows about itself, as a value and as JSON (`/stats`).
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The manifest.
    pub manifest: &'static str,
    /// Interfaces with state, loaded or not.
    pub modules: Vec<ModuleSnapshot>,
    /// Every operation.
    pub operations: Vec<OperationStats>,
    /// The operations on the fast path.
    pub fast_path: Vec<&'static str>,
    /// Maintenance so far.
    pub maintenance: MaintenanceStats,
    /// Free-tier usage and protection.
    pub free_tier: crate::ftpms::UsageReport,
    /// The result cache of each `cacheable` operation.
    pub result_caches: Vec<crate::mdoe::CacheStats>,
}

/// One operation's counters.
#[derive(Debug, Clone, Serialize)]
pub struct OperationStats {
    /// `CACHE.get`.
    pub operation: &'static str,
    /// Its heat (calls, halved at each maintenance).
    pub heat: u64,
    /// Whether it is on the fast path.
    pub hot: bool,
    /// Calls, failed ones included.
    pub calls: u64,
    /// Calls that took the fast path.
    pub fast_calls: u64,
    /// Calls that returned an error.
    pub errors: u64,
    /// Latency of the timed calls (one in `SAMPLE_EVERY` per thread).
    pub latency: Latency,
    /// Registered at runtime rather than declared in the manifest (no heat, no fast path).
    pub registered: bool,
}

/// Latency of the timed calls of an operation.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Latency {
    /// How many calls were timed.
    pub sampled: u64,
    /// Their mean, in microseconds.
    pub mean_us: f64,
    /// The slowest, in microseconds.
    pub max_us: f64,
}

/// Maintenance so far.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MaintenanceStats {
    /// How many maintenances ran.
    pub runs: u64,
    /// How many modules they unloaded in all.
    pub unloads: u64,
    /// What the last one did.
    pub last: Option<MaintenanceReport>,
}

impl Stats {
    /// The snapshot as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Takes a snapshot of `runtime` and its `modules`.
pub fn snapshot(runtime: &Runtime, modules: &[&dyn AnyModule]) -> Stats {
    let registry = runtime.registry();
    let registered = runtime.extensions.all();
    let mut operations: Vec<OperationStats> = registry
        .operations()
        .iter()
        .zip(runtime.heat.iter())
        .map(|(op, heat)| OperationStats {
            heat: heat.heat(),
            hot: heat.is_hot(),
            ..operation_stats(op.name, runtime.counters.total(op.id))
        })
        .collect();
    operations.extend(registered.iter().map(|entry| OperationStats {
        registered: true,
        ..operation_stats(entry.descriptor.name, entry.counters.total(0))
    }));
    let mut result_caches = runtime.caches.stats(registry.operations());
    result_caches.extend(registered.iter().filter_map(|entry| {
        entry
            .slot
            .stats(entry.descriptor.name, runtime.caches.config.capacity)
    }));
    let history = runtime
        .maintenance
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    Stats {
        manifest: registry.manifest,
        modules: modules
            .iter()
            .filter(|m| m.has_state())
            .map(|m| m.snapshot())
            .collect(),
        fast_path: operations
            .iter()
            .filter(|o| o.hot)
            .map(|o| o.operation)
            .collect(),
        operations,
        maintenance: MaintenanceStats {
            runs: history.runs,
            unloads: history.unloads,
            last: history.last,
        },
        free_tier: runtime.free_tier().report(),
        result_caches,
    }
}

/// An operation's counters, without heat.
fn operation_stats(operation: &'static str, totals: OpTotals) -> OperationStats {
    let micros = |ns: u64| ns as f64 / 1000.0;
    OperationStats {
        operation,
        heat: 0,
        hot: false,
        calls: totals.calls,
        fast_calls: totals.fast_calls,
        errors: totals.errors,
        latency: Latency {
            sampled: totals.sampled,
            mean_us: if totals.sampled == 0 {
                0.0
            } else {
                micros(totals.latency_ns) / totals.sampled as f64
            },
            max_us: micros(totals.latency_max_ns),
        },
        registered: false,
    }
}
