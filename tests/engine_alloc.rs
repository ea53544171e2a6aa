//! The training hot path allocates nothing: a step between epoch ends (forward, backward,
//! optimizer, divergence check) runs on buffers built once per session.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use reluscope::engine::{OptimizerKind, Session, TrainConfig};

/// Counts allocations made by the thread that turned counting on (the test harness's own
/// threads are left out).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn steps_between_epoch_ends_do_not_allocate() {
    for (optimizer, activation, momentum, clip) in [
        (OptimizerKind::Sgd, "relu", 0.9, 0.0),
        (OptimizerKind::Adam, "prelu", 0.0, 1.0),
        (OptimizerKind::Rmsprop, "tanh", 0.0, 0.5),
    ] {
        let mut s = Session::new(TrainConfig {
            optimizer,
            activation: activation.parse().unwrap(),
            momentum,
            clip,
            l1: 1e-4,
            l2: 1e-3,
            ..TrainConfig::default()
        })
        .unwrap();
        let steps = s.steps_per_epoch() - 1;
        // The first step of the epoch shuffles in place; the last one would run the health
        // pass, which builds its report.
        let n = allocations(|| {
            for _ in 0..steps {
                assert!(!s.step().epoch_ended);
            }
        });
        assert_eq!(
            n, 0,
            "{optimizer} {activation}: {n} allocations in {steps} steps"
        );
        // The counter does see allocations.
        assert!(allocations(|| drop(std::hint::black_box(vec![0u8; 16]))) > 0);
    }
}
