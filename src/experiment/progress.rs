//! Progress and cancellation shared between an experiment and whoever watches it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Units done out of a total, and a cancel flag the experiment checks between trials.
///
/// All fields are atomics, so the experiment's worker threads and a UI thread can share one
/// `Progress` (usually in an `Arc`) without locks.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Sets the number of units the whole experiment will do and resets `done`.
    pub fn start(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub fn add_done(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Share done, in [0, 1] (0 before the total is known).
    pub fn fraction(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            0.0
        } else {
            (self.done() as f64 / total as f64).min(1.0)
        }
    }

    /// Asks the experiment to stop after the trials already running.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}
