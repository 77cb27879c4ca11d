//! The calendar clock usage is counted by, injectable so tests can cross month boundaries.

use chrono::{DateTime, Duration as Span, Utc};
use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};

/// Wall-clock time in UTC.
pub trait WallClock: Send + Sync + Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A wall clock set by hand; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualWallClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualWallClock {
    /// A clock showing `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Span) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl WallClock for ManualWallClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
