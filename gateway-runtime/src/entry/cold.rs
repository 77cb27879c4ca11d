//! Cold starts: the first invocation of an execution environment.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Tells whether an invocation is the environment's first, counting provisioned concurrency
/// (initialised ahead of any request) as warm, and how long the environment's init took
/// before it (billed with a cold start's first invocation).
#[derive(Debug)]
pub struct ColdStart {
    pending: AtomicBool,
    init_started: Instant,
}

impl ColdStart {
    /// Reads `AWS_LAMBDA_INITIALIZATION_TYPE`: `provisioned-concurrency` means no cold start.
    pub fn from_env() -> Self {
        let initialization = std::env::var("AWS_LAMBDA_INITIALIZATION_TYPE").unwrap_or_default();
        Self::new(initialization != "provisioned-concurrency")
    }

    /// Whether the first invocation will be cold.
    pub fn new(first_is_cold: bool) -> Self {
        Self {
            pending: AtomicBool::new(first_is_cold),
            init_started: Instant::now(),
        }
    }

    /// Counts init from `at` (the process's start) rather than from this tracker's creation.
    pub fn init_started_at(mut self, at: Instant) -> Self {
        self.init_started = at;
        self
    }

    /// How long init has taken so far: from its start until now.
    pub fn init_elapsed(&self) -> Duration {
        self.init_started.elapsed()
    }

    /// Whether the invocation starting now is a cold start (true once at most).
    pub fn begin(&self) -> bool {
        self.pending.swap(false, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::ColdStart;

    #[test]
    fn only_the_first_invocation_is_cold() {
        let cold = ColdStart::new(true);
        assert!(cold.begin());
        assert!(!cold.begin());
        let provisioned = ColdStart::new(false);
        assert!(!provisioned.begin());
    }
}
