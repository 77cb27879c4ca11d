//! ZAPH: heat per operation and the fast-path set.
//!
//! Heat is counted with one shared atomic only on the cold path, so an operation stops
//! touching it once hot: a hot operation's calls do not contend on a shared cache line. At
//! each maintenance the heat halves and the fast-path calls of the interval are added back
//! (from the per-thread call counters), so an operation that goes quiet cools down and leaves
//! the fast path.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The heat of one operation.
#[derive(Debug, Default)]
pub struct Heat {
    heat: AtomicU64,
    hot: AtomicBool,
    /// Fast-path calls counted at the last maintenance, to find the interval's calls.
    fast_seen: AtomicU64,
}

impl Heat {
    /// Whether the operation is on the fast path.
    #[inline]
    pub fn is_hot(&self) -> bool {
        self.hot.load(Ordering::Relaxed)
    }

    /// Counts a cold-path call; returns whether it made the operation hot.
    pub fn warm(&self, threshold: u64, fast_path: bool) -> bool {
        let heat = self.heat.fetch_add(1, Ordering::Relaxed) + 1;
        if fast_path && heat >= threshold && !self.hot.swap(true, Ordering::Relaxed) {
            return true;
        }
        false
    }

    /// The current heat.
    pub fn heat(&self) -> u64 {
        self.heat.load(Ordering::Relaxed)
    }

    /// Halves the heat, adds the fast-path calls made since the last call, and recomputes
    /// hotness. Returns `Some(hot)` when hotness changed.
    pub fn decay(&self, fast_calls_total: u64, threshold: u64, fast_path: bool) -> Option<bool> {
        let previous = self.fast_seen.swap(fast_calls_total, Ordering::Relaxed);
        let recent = fast_calls_total.saturating_sub(previous);
        let heat = self.heat.load(Ordering::Relaxed) / 2 + recent;
        self.heat.store(heat, Ordering::Relaxed);
        let hot = fast_path && heat >= threshold;
        let was = self.hot.swap(hot, Ordering::Relaxed);
        (was != hot).then_some(hot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_up_then_cools_down() {
        let heat = Heat::default();
        for _ in 0..9 {
            assert!(!heat.warm(10, true));
        }
        assert!(heat.warm(10, true), "the tenth call makes it hot");
        assert!(heat.is_hot());
        // Busy on the fast path: 10 fast calls since the last maintenance keep it hot.
        assert_eq!(heat.decay(10, 10, true), None);
        // Quiet: 15 -> 7, below the threshold.
        assert_eq!(heat.decay(10, 10, true), Some(false));
        assert!(!heat.is_hot());
    }

    #[test]
    fn no_fast_path_when_disabled() {
        let heat = Heat::default();
        for _ in 0..100 {
            assert!(!heat.warm(10, false));
        }
        assert!(!heat.is_hot());
    }
}
