//! Checkpoints put a run back exactly, and the timeline keeps its budget however long the run.

use reluscope::engine::checkpoint::{BUDGET, DENSE_EPOCHS};
use reluscope::engine::{DatasetKind, OptimizerKind, Session, Timeline, TrainConfig};

fn train_epochs(s: &mut Session, epochs: u64) {
    while s.epoch() < epochs && !s.diverged() {
        s.step();
    }
}

fn bits(s: &Session) -> Vec<u64> {
    s.network()
        .layers
        .iter()
        .flat_map(|l| l.weights.iter().chain(&l.bias))
        .map(|v| v.to_bits())
        .collect()
}

fn configs() -> Vec<TrainConfig> {
    vec![
        // Mini-batches, shuffled, Adam: the optimizer moments and the shuffle stream matter.
        TrainConfig {
            optimizer: OptimizerKind::Adam,
            lr: 0.01,
            batch_size: 7,
            ..TrainConfig::default()
        },
        // Full batch: the next step reuses the health pass's gradient.
        TrainConfig {
            batch_size: 0,
            momentum: 0.9,
            ..TrainConfig::default()
        },
        // dying-high-lr: neurons die, the counters carry on.
        TrainConfig {
            lr: 2.5,
            batch_size: 30,
            clip: 10.0,
            ..TrainConfig::default()
        },
    ]
}

#[test]
fn restoring_a_checkpoint_trains_on_bit_for_bit() {
    for cfg in configs() {
        let mut straight = Session::new(cfg.clone()).unwrap();
        train_epochs(&mut straight, 12);
        let cp = straight.checkpoint();
        train_epochs(&mut straight, 30);

        // Another session of the same run, elsewhere in it, put back at epoch 12.
        let mut other = Session::new(cfg.clone()).unwrap();
        train_epochs(&mut other, 20);
        other.restore(&cp).unwrap();
        assert_eq!(other.epoch(), 12);
        train_epochs(&mut other, 30);
        assert_eq!(bits(&other), bits(&straight), "{cfg:?}");
        assert_eq!(other.step_count(), straight.step_count());
        assert_eq!(other.health(), straight.health());
        assert_eq!(
            other.train_loss().to_bits(),
            straight.train_loss().to_bits()
        );
    }
}

#[test]
fn a_view_only_moment_shows_but_does_not_restore() {
    let mut s = Session::new(TrainConfig::default()).unwrap();
    train_epochs(&mut s, 3);
    let cp = s.checkpoint().view_only();
    train_epochs(&mut s, 5);
    assert!(s.restore(&cp).is_err());
    assert_eq!(s.epoch(), 5, "a refused restore changes nothing");
    assert!(s.show(&cp));
    assert_eq!(s.network(), cp.network());
    let other = Session::new(TrainConfig {
        hidden: vec![3],
        ..TrainConfig::default()
    })
    .unwrap();
    let mut s2 = Session::new(TrainConfig::default()).unwrap();
    assert!(!s2.show(&other.checkpoint()));
    assert!(s2.restore(&other.checkpoint()).is_err());
}

/// The largest network: 8 hidden layers of 64 on the 64 inputs of digits, with Adam.
fn largest() -> Session {
    Session::new(TrainConfig {
        dataset: DatasetKind::Digits,
        hidden: vec![64; 8],
        optimizer: OptimizerKind::Adam,
        lr: 0.001,
        batch_size: 32,
        ..TrainConfig::default()
    })
    .unwrap()
}

#[test]
fn the_largest_network_keeps_every_early_epoch_within_the_budget() {
    let s = largest();
    let cp = s.checkpoint();
    let (full, view) = (cp.bytes(), cp.clone().view_only().bytes());
    // The parameters alone: 64·64 + 7·64·64 + 64·10 weights and 8·64 + 10 biases, f64.
    let params = (8 * 64 * 64 + 640 + 522) * 8;
    assert!(view >= params && view < params + 64 * 1024, "{view}");
    // Adam's two moments, the epoch order and the health on top.
    assert!(
        full >= 3 * params && full < 3 * params + 128 * 1024,
        "{full}"
    );
    eprintln!("8x64 + Adam on digits: {view} bytes to view, {full} to resume");
    // Every epoch of the first 100 (a resumable one every 10th) fits with room to spare.
    let dense = 90 * view + 11 * full;
    assert!(dense < BUDGET * 3 / 4, "{dense} of {BUDGET}");

    // A run of 3000 epochs under the real budget: the first 100 all kept, then thinned.
    let mut t = Timeline::default();
    for e in 0..3000u64 {
        let mut c = cp.clone();
        set_epoch(&mut c, e);
        t.push(c);
        assert!(t.bytes() <= BUDGET, "epoch {e}: {}", t.bytes());
    }
    for e in 0..=DENSE_EPOCHS {
        assert!(t.at(e).is_some(), "epoch {e} kept");
    }
    let tail = t
        .entries()
        .iter()
        .filter(|c| c.epoch() > DENSE_EPOCHS)
        .count();
    assert!(tail >= 10, "{tail}");
    eprintln!(
        "after 3000 epochs: {} moments ({tail} after epoch 100), {} bytes of {BUDGET}",
        t.len(),
        t.bytes()
    );
}

#[test]
fn a_long_run_stays_within_its_budget_and_spans_the_run() {
    // The policy on the real checkpoints of a small run, under a budget that holds ~60 of
    // them, over 5000 epochs (the same moment pushed again with its epoch advanced).
    let mut s = Session::new(TrainConfig::default()).unwrap();
    train_epochs(&mut s, 1);
    let cp = s.checkpoint();
    let budget = 60 * cp.bytes();
    let mut t = Timeline::new(budget);
    let mut most = 0;
    for e in 0..5000u64 {
        let mut c = cp.clone();
        set_epoch(&mut c, e);
        t.push(c);
        assert!(t.bytes() <= budget, "epoch {e}: {} > {budget}", t.bytes());
        most = most.max(t.len());
        let kept: Vec<u64> = t.entries().iter().map(|c| c.epoch()).collect();
        assert_eq!(kept.first(), Some(&0), "the start stays");
        assert_eq!(kept.last(), Some(&e), "the newest is kept");
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert!(t.entries().last().unwrap().resumable());
        // Every moment is shown or resumable from one before it.
        assert!(t.resumable_before(e / 2).is_some());
    }
    assert!(most >= 40, "the budget is used: {most}");
    let kept: Vec<u64> = t.entries().iter().map(|c| c.epoch()).collect();
    assert!(kept.iter().filter(|&&e| e > 2500).count() >= 5, "{kept:?}");

    // With the real budget a small network keeps every one of the first 100 epochs.
    let mut t = Timeline::default();
    for e in 0..2000u64 {
        let mut c = cp.clone();
        set_epoch(&mut c, e);
        t.push(c);
    }
    assert!(t.bytes() <= BUDGET);
    for e in 0..=DENSE_EPOCHS {
        assert!(t.at(e).is_some(), "epoch {e} kept");
    }
}

/// The same moment as if taken at another epoch (the policy looks at epochs only).
fn set_epoch(c: &mut reluscope::engine::Checkpoint, e: u64) {
    c.set_epoch_for_tests(e);
}
