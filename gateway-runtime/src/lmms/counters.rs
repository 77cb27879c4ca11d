//! Per-operation call counters, kept per thread so that counting never contends.
//!
//! Each thread that calls into a runtime gets its own block of counters, written only by that
//! thread (a plain load and store, no atomic read-modify-write) and read by snapshots from any
//! thread. A thread-local tick decides which calls are timed: one in [`SAMPLE_EVERY`], so the
//! clock is not read on every call.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// One call in this many (per thread) is timed for latency statistics.
pub const SAMPLE_EVERY: u32 = 32;

/// The counters of one operation on one thread.
#[derive(Debug, Default)]
pub(crate) struct OpCounters {
    pub calls: AtomicU64,
    pub fast_calls: AtomicU64,
    pub errors: AtomicU64,
    pub sampled: AtomicU64,
    pub latency_ns: AtomicU64,
    pub latency_max_ns: AtomicU64,
}

/// Adds to a counter only this thread writes.
#[inline]
fn add(counter: &AtomicU64, n: u64) {
    counter.store(
        counter.load(Ordering::Relaxed).wrapping_add(n),
        Ordering::Relaxed,
    );
}

#[derive(Debug)]
pub(crate) struct ThreadCounters {
    ops: Box<[OpCounters]>,
}

/// Every thread's counters of one runtime.
#[derive(Debug)]
pub(crate) struct Counters {
    id: u64,
    operations: usize,
    threads: Mutex<Vec<Arc<ThreadCounters>>>,
}

thread_local! {
    static LOCAL: RefCell<Vec<(u64, Arc<ThreadCounters>)>> = const { RefCell::new(Vec::new()) };
    static TICK: Cell<u32> = const { Cell::new(0) };
}

/// The outcome of one call, as counted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    pub fast: bool,
    pub failed: bool,
    pub latency: Option<Duration>,
}

impl Counters {
    pub fn new(operations: usize) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            operations,
            threads: Mutex::new(Vec::new()),
        }
    }

    /// The start time of this call if it is one of the timed ones.
    #[inline]
    pub fn sample_start() -> Option<Instant> {
        let tick = TICK.try_with(|tick| {
            let n = tick.get();
            tick.set(n.wrapping_add(1));
            n
        });
        match tick {
            Ok(n) if n % SAMPLE_EVERY == 0 => Some(Instant::now()),
            _ => None,
        }
    }

    /// Counts one call of operation `op` on this thread.
    #[inline]
    pub fn record(&self, op: usize, outcome: Outcome) {
        let counted = LOCAL.try_with(|local| {
            if let Ok(local) = local.try_borrow()
                && let Some((_, block)) = local.iter().find(|(id, _)| *id == self.id)
            {
                count(block, op, outcome);
                return true;
            }
            false
        });
        if counted != Ok(true) {
            self.record_slow(op, outcome);
        }
    }

    #[cold]
    fn record_slow(&self, op: usize, outcome: Outcome) {
        let block = Arc::new(ThreadCounters {
            ops: (0..self.operations)
                .map(|_| OpCounters::default())
                .collect(),
        });
        count(&block, op, outcome);
        self.threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(block.clone());
        let _ = LOCAL.try_with(|local| {
            if let Ok(mut local) = local.try_borrow_mut() {
                // Forget blocks of runtimes that are gone (only this thread still holds them).
                local.retain(|(_, block)| Arc::strong_count(block) > 1);
                local.push((self.id, block));
            }
        });
    }

    /// The sum over every thread of operation `op`'s counters.
    pub fn total(&self, op: usize) -> OpTotals {
        let threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        let mut totals = OpTotals::default();
        for block in threads.iter() {
            let Some(c) = block.ops.get(op) else { continue };
            totals.calls += c.calls.load(Ordering::Relaxed);
            totals.fast_calls += c.fast_calls.load(Ordering::Relaxed);
            totals.errors += c.errors.load(Ordering::Relaxed);
            totals.sampled += c.sampled.load(Ordering::Relaxed);
            totals.latency_ns += c.latency_ns.load(Ordering::Relaxed);
            totals.latency_max_ns = totals
                .latency_max_ns
                .max(c.latency_max_ns.load(Ordering::Relaxed));
        }
        totals
    }
}

fn count(block: &ThreadCounters, op: usize, outcome: Outcome) {
    let Some(c) = block.ops.get(op) else { return };
    add(&c.calls, 1);
    if outcome.fast {
        add(&c.fast_calls, 1);
    }
    if outcome.failed {
        add(&c.errors, 1);
    }
    if let Some(latency) = outcome.latency {
        let ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        add(&c.sampled, 1);
        add(&c.latency_ns, ns);
        if ns > c.latency_max_ns.load(Ordering::Relaxed) {
            c.latency_max_ns.store(ns, Ordering::Relaxed);
        }
    }
}

/// An operation's counters summed over threads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct OpTotals {
    pub calls: u64,
    pub fast_calls: u64,
    pub errors: u64,
    pub sampled: u64,
    pub latency_ns: u64,
    pub latency_max_ns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_many_threads_add_up() {
        let counters = Arc::new(Counters::new(2));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let counters = counters.clone();
                std::thread::spawn(move || {
                    for i in 0..1000 {
                        let outcome = Outcome {
                            fast: i % 2 == 0,
                            failed: i % 10 == 0,
                            latency: None,
                        };
                        counters.record(1, outcome);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let totals = counters.total(1);
        assert_eq!(
            (totals.calls, totals.fast_calls, totals.errors),
            (4000, 2000, 400)
        );
        assert_eq!(counters.total(0), OpTotals::default());
    }

    #[test]
    fn one_call_in_so_many_is_timed() {
        let timed = (0..SAMPLE_EVERY * 4)
            .filter(|_| Counters::sample_start().is_some())
            .count();
        assert_eq!(timed, 4);
    }
}
