//! Checkpoints put a run back exactly, and the timeline keeps its budget however long the run.

use reluscope::engine::{OptimizerKind, Session, TrainConfig};

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
