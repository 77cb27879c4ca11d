//! The guard: records each invocation's usage, keeps the protection level, and answers, for
//! every call, whether it may run.
//!
//! The level is decided when usage changes (at the end of an invocation) and when the shared
//! store is read again (at the start of one, at most every `refresh_interval`), never on the
//! call path: a call reads one atomic byte.

use super::config::FreeTierConfig;
use super::projection::{Level, Standing, standing};
use super::usage::{Month, Usage};
use crate::descriptor::{OperationDescriptor, Priority};
use crate::error::GatewayError;
use serde::Serialize;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Free-tier protection of one gateway.
#[derive(Debug)]
pub struct FreeTier {
    config: FreeTierConfig,
    /// The level calls are judged by: the computed level, unless protection is off or
    /// overridden (then at most `Warn`).
    gate: AtomicU8,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    month: Month,
    /// The month's usage as the store last reported it.
    shared: Usage,
    /// Usage recorded while the store failed, added to it when it answers again.
    pending: Usage,
    /// The store's error, while it fails.
    degraded: Option<String>,
    level: Level,
    refreshed_at: Option<Instant>,
}

/// A level change, as [`FreeTier::record`] and [`FreeTier::refresh`] report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelChange {
    /// The level before.
    pub from: Level,
    /// The level now.
    pub to: Level,
}

impl FreeTier {
    /// A guard with `config`; nothing is read from the store until the first invocation.
    pub fn new(config: FreeTierConfig) -> Self {
        if config.override_protection {
            tracing::warn!(
                target: "gateway::free_tier",
                "FREE_TIER_OVERRIDE is set: free-tier protection is lifted; calls are neither throttled nor blocked"
            );
        }
        let month = Month::of(config.clock.now());
        Self {
            config,
            gate: AtomicU8::new(Level::Normal.number()),
            state: Mutex::new(State {
                month,
                shared: Usage::default(),
                pending: Usage::default(),
                degraded: None,
                level: Level::Normal,
                refreshed_at: None,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FreeTierConfig {
        &self.config
    }

    /// Whether `op` may run now: non-critical operations are refused while the level is
    /// throttle (with a retry hint) or block.
    #[inline]
    pub fn check(&self, op: &'static OperationDescriptor) -> Result<(), GatewayError> {
        let gate = self.gate.load(Ordering::Relaxed);
        if gate < Level::Throttle.number() {
            return Ok(());
        }
        self.refuse(op, Level::from_number(gate))
    }

    #[cold]
    fn refuse(&self, op: &'static OperationDescriptor, level: Level) -> Result<(), GatewayError> {
        if op.priority == Priority::Critical {
            return Ok(());
        }
        let report = self.report();
        let reason = format!(
            "the free tier is {:.0}% used ({:.0}% projected at month end); {} starts at {:.0}%",
            report.used_percent.max(),
            report.projected_percent.max(),
            level.name(),
            match level {
                Level::Block => self.config.block,
                _ => self.config.throttle,
            } * 100.0
        );
        Err(match level {
            Level::Block => GatewayError::Blocked {
                operation: op.name,
                reason,
            },
            _ => GatewayError::Throttled {
                operation: op.name,
                retry_after: self.config.retry_after,
                reason,
            },
        })
    }

    /// Reads the store again if `refresh_interval` passed since the last read (at the start of
    /// an invocation), to learn what other instances used.
    pub fn refresh_if_due(&self) -> Option<LevelChange> {
        let due = self
            .lock()
            .refreshed_at
            .is_none_or(|at| at.elapsed() >= self.config.refresh_interval);
        if due { self.refresh() } else { None }
    }

    /// Reads the store again now.
    pub fn refresh(&self) -> Option<LevelChange> {
        let mut state = self.lock();
        self.roll_over(&mut state);
        match self.config.store.load(state.month) {
            Ok(shared) => {
                state.shared = shared;
                self.recovered(&mut state);
            }
            Err(error) => self.failed(&mut state, error.to_string()),
        }
        state.refreshed_at = Some(Instant::now());
        self.decide(&mut state)
    }

    /// Records one invocation that took `duration` (and `init` before it, on a cold start).
    pub fn record(&self, duration: Duration, init: Option<Duration>) -> Option<LevelChange> {
        let delta = Usage::invocation(self.config.memory_mb, duration, init);
        let mut state = self.lock();
        self.roll_over(&mut state);
        // Usage kept while the store failed goes in with this addition.
        let addition = delta.plus(state.pending);
        match self.config.store.add(state.month, addition) {
            Ok(total) => {
                state.shared = total;
                state.pending = Usage::default();
                self.recovered(&mut state);
            }
            Err(error) => {
                state.pending = addition;
                self.failed(&mut state, error.to_string());
            }
        }
        self.decide(&mut state)
    }

    /// Where usage stands now.
    pub fn report(&self) -> UsageReport {
        let state = self.lock();
        let used = state.shared.plus(state.pending);
        let standing = standing(used, self.config.clock.now(), &self.config);
        UsageReport::new(&self.config, &state, used, &standing)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts counting afresh when the month changed.
    fn roll_over(&self, state: &mut State) {
        let month = Month::of(self.config.clock.now());
        if month != state.month {
            if state.pending.requests > 0 {
                tracing::warn!(
                    target: "gateway::free_tier",
                    month = %state.month,
                    requests = state.pending.requests,
                    "usage recorded while the store failed is dropped at the end of its month"
                );
            }
            state.month = month;
            state.shared = Usage::default();
            state.pending = Usage::default();
        }
    }

    fn failed(&self, state: &mut State, error: String) {
        if state.degraded.is_none() {
            tracing::warn!(
                target: "gateway::free_tier",
                %error,
                "the usage store failed; protection goes on from this instance's own estimate"
            );
        }
        state.degraded = Some(error);
    }

    fn recovered(&self, state: &mut State) {
        if state.degraded.take().is_some() {
            tracing::info!(target: "gateway::free_tier", "the usage store answers again");
        }
    }

    /// Decides the level from the usage in `state`, and the gate from the level.
    fn decide(&self, state: &mut State) -> Option<LevelChange> {
        let used = state.shared.plus(state.pending);
        let standing = standing(used, self.config.clock.now(), &self.config);
        let level = standing.level;
        let lifted = !self.config.protection || self.config.override_protection;
        let gate = if lifted {
            level.min(Level::Warn)
        } else {
            level
        };
        self.gate.store(gate.number(), Ordering::Relaxed);
        let from = std::mem::replace(&mut state.level, level);
        if from == level {
            return None;
        }
        let percent = standing.fraction * 100.0;
        match (level, lifted) {
            (Level::Normal, _) => tracing::info!(
                target: "gateway::free_tier",
                percent,
                "free-tier use is back below the warning threshold"
            ),
            (Level::Throttle | Level::Block, true) => tracing::warn!(
                target: "gateway::free_tier",
                level = level.name(),
                percent,
                override_protection = self.config.override_protection,
                "free-tier use reached a protection level, but protection is lifted: calls run"
            ),
            _ => tracing::warn!(
                target: "gateway::free_tier",
                level = level.name(),
                percent,
                "free-tier use reached a protection level"
            ),
        }
        Some(LevelChange { from, to: level })
    }
}

/// Two figures, one per limit.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PerLimit {
    /// For the requests limit.
    pub requests: f64,
    /// For the GB-seconds limit.
    pub gb_seconds: f64,
}

impl PerLimit {
    /// The higher of the two.
    pub fn max(self) -> f64 {
        self.requests.max(self.gb_seconds)
    }
}

/// Where free-tier usage stands: `/stats`, the usage report, metric lines.
#[derive(Debug, Clone, Serialize)]
pub struct UsageReport {
    /// `2026-11`.
    pub month: String,
    /// Requests so far this month.
    pub requests: u64,
    /// GB-seconds so far this month.
    pub gb_seconds: f64,
    /// The monthly limits.
    pub limits: PerLimit,
    /// Month-end projection.
    pub projected: PerLimit,
    /// Percent of each limit used.
    pub used_percent: PerLimit,
    /// Percent of each limit projected.
    pub projected_percent: PerLimit,
    /// The level usage is at.
    pub level: Level,
    /// Whether calls are refused at that level (protection on and not overridden).
    pub enforced: bool,
    /// Whether the operator's override is on.
    pub override_protection: bool,
    /// `actual`, `projected` or `both`.
    pub basis: &'static str,
    /// The memory invocations are billed for, in MB.
    pub memory_mb: u64,
    /// Where usage is kept.
    pub store: &'static str,
    /// The store's error while it fails (usage is then this instance's estimate).
    pub degraded: Option<String>,
}

impl UsageReport {
    fn new(config: &FreeTierConfig, state: &State, used: Usage, standing: &Standing) -> Self {
        let percent = |(requests, gb_seconds): (f64, f64)| PerLimit {
            requests: requests * 100.0,
            gb_seconds: gb_seconds * 100.0,
        };
        Self {
            month: state.month.to_string(),
            requests: used.requests,
            gb_seconds: used.gb_seconds(),
            limits: PerLimit {
                requests: config.requests as f64,
                gb_seconds: config.gb_seconds,
            },
            projected: PerLimit {
                requests: standing.projected.0 * config.requests as f64,
                gb_seconds: standing.projected.1 * config.gb_seconds,
            },
            used_percent: percent(standing.used),
            projected_percent: percent(standing.projected),
            level: standing.level,
            enforced: config.protection && !config.override_protection,
            override_protection: config.override_protection,
            basis: match config.basis {
                super::config::Basis::Actual => "actual",
                super::config::Basis::Projected => "projected",
                super::config::Basis::Both => "both",
            },
            memory_mb: config.memory_mb,
            store: config.store.name(),
            degraded: state.degraded.clone(),
        }
    }
}
