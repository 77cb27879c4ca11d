//! An optional background thread that runs maintenance, for long-running servers.

use super::maintenance::MaintenanceReport;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// Something that can run its maintenance: generated gateways implement it.
pub trait Maintain: Send + Sync {
    /// Runs maintenance now.
    fn maintain(&self) -> MaintenanceReport;
}

impl<T: Maintain + ?Sized> Maintain for Arc<T> {
    fn maintain(&self) -> MaintenanceReport {
        (**self).maintain()
    }
}

impl<T: Maintain + ?Sized> Maintain for &T {
    fn maintain(&self) -> MaintenanceReport {
        (**self).maintain()
    }
}

/// A thread running maintenance every interval; stops when dropped.
#[derive(Debug)]
pub struct Reaper {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Reaper {
    /// Starts maintaining `target` every `interval`.
    pub fn spawn(target: impl Maintain + 'static, interval: Duration) -> std::io::Result<Self> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = stop.clone();
        let thread = std::thread::Builder::new().name("gateway-reaper".into()).spawn(move || {
            let (lock, condvar) = &*signal;
            let mut stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
            while !*stopped {
                let (guard, timeout) = condvar
                    .wait_timeout(stopped, interval)
                    .unwrap_or_else(PoisonError::into_inner);
                stopped = guard;
                if timeout.timed_out() && !*stopped {
                    drop(stopped);
                    let report = target.maintain();
                    if !report.unloaded.is_empty() {
                        tracing::debug!(unloaded = ?report.unloaded, "reaper unloaded idle modules");
                    }
                    stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
                }
            }
        })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let (lock, condvar) = &*self.stop;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        condvar.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        self.shutdown();
    }
}
