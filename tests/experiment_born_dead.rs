//! The born-dead experiment against theory: the single-point estimate matches the closed form
//! 1 − (1 − 2^−N)^L, the probability rises with depth and falls with width, RAI lowers it, and a
//! seed gives the same numbers on one and on two threads.

use reluscope::engine::{BiasInit, Init};
use reluscope::experiment::{
    BornDeadConfig, BornDeadReport, Progress, born_dead, single_point_dead_probability,
    wilson_interval,
};

fn run(config: &BornDeadConfig) -> BornDeadReport {
    born_dead::run(config, &Progress::new()).unwrap()
}

/// Small domains keep the debug-build test fast; the single-point estimate does not depend on
/// the domain at all (x0's fate is decided by x0 alone).
fn config(widths: &[usize], depths: &[usize], trials: u64) -> BornDeadConfig {
    BornDeadConfig {
        widths: widths.to_vec(),
        depths: depths.to_vec(),
        trials,
        points: Some(48),
        seed: 7,
        ..BornDeadConfig::default()
    }
}

#[test]
fn single_point_estimate_agrees_with_the_closed_form() {
    // The cell, with the reported 95% interval.
    let r = run(&config(&[4], &[10], 4000));
    let cell = &r.cells[0];
    let p = single_point_dead_probability(4, 10);
    assert!((cell.closed_form - p).abs() < 1e-15);
    assert!(
        cell.point_dead.contains(p),
        "{p} outside {:?}",
        cell.point_dead
    );
    // Many cells at once: a 99.9% interval (z = 3.29), so that chance alone fails about one run
    // in a hundred rather than one in three.
    let r = run(&config(&[1, 2, 3, 5], &[1, 2, 4, 8], 3000));
    for c in &r.cells {
        let (lo, hi) = wilson_interval(c.point_dead.successes, c.point_dead.trials, 3.29);
        assert!(
            (lo..=hi).contains(&c.closed_form),
            "width {} depth {}: closed form {} outside [{lo}, {hi}] (estimate {})",
            c.width,
            c.depth,
            c.closed_form,
            c.point_dead.estimate
        );
        // Constant over the plane implies an all-zero layer at x0 (zero biases).
        assert!(c.born_dead.successes <= c.point_dead.successes);
    }
}

#[test]
fn probability_rises_with_depth_and_falls_with_width() {
    let r = run(&config(&[2, 3, 5], &[2, 5, 12], 600));
    let p = |w: usize, d: usize| {
        r.cells
            .iter()
            .find(|c| c.width == w && c.depth == d)
            .unwrap()
            .born_dead
    };
    for w in [2, 3] {
        for (d1, d2) in [(2, 5), (5, 12)] {
            let (a, b) = (p(w, d1), p(w, d2));
            assert!(a.high < b.low, "width {w}: depth {d1} {a:?} vs {d2} {b:?}");
        }
    }
    for d in [5, 12] {
        for (w1, w2) in [(2, 3), (3, 5)] {
            let (a, b) = (p(w1, d), p(w2, d));
            assert!(a.low > b.high, "depth {d}: width {w1} {a:?} vs {w2} {b:?}");
        }
    }
    // The dead share grows with depth too.
    assert!(r.cells[0].dead_share < r.cells[1].dead_share);
    assert!(r.cells[1].dead_share < r.cells[2].dead_share);
}

#[test]
fn rai_lowers_the_probability() {
    let symmetric = run(&config(&[2, 3], &[6], 600));
    let rai = run(&BornDeadConfig {
        init: Init::Rai,
        bias: BiasInit::Scheme,
        ..config(&[2, 3], &[6], 600)
    });
    assert!(rai.domain.contains("grid"), "{}", rai.domain);
    for (s, r) in symmetric.cells.iter().zip(&rai.cells) {
        assert!(
            r.born_dead.high < s.born_dead.low,
            "width {}: RAI {:?} vs he-normal {:?}",
            s.width,
            r.born_dead,
            s.born_dead
        );
        assert!(r.point_dead.high < s.point_dead.low);
        assert!(r.dead_share < s.dead_share);
    }
}

#[test]
fn same_seed_same_numbers_on_one_and_two_threads() {
    let cases = [
        config(&[2, 4], &[3, 7], 300),
        BornDeadConfig {
            init: Init::Rai,
            bias: BiasInit::Scheme,
            inputs: 3,
            ..config(&[3], &[4], 200)
        },
    ];
    for c in cases {
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run(&c))
        };
        let one = on(1);
        assert_eq!(one, on(2));
        assert_eq!(one, on(2), "a second two-thread run differs");
        // A different seed gives different networks.
        let other = run(&BornDeadConfig {
            seed: 8,
            ..c.clone()
        });
        assert_ne!(one.cells, other.cells);
    }
}

#[test]
fn progress_counts_every_trial() {
    let p = Progress::new();
    born_dead::run(&config(&[2, 3], &[3], 150), &p).unwrap();
    assert_eq!((p.done(), p.total()), (300, 300));
    assert_eq!(p.fraction(), 1.0);
}
