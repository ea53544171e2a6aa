//! Death detection on constructed networks, the health counters, and divergence.

use reluscope::activation::Activation;
use reluscope::engine::Loss;
use reluscope::engine::init::rng_from_seed;
use reluscope::engine::network::Network;
use reluscope::engine::{
    BiasInit, DatasetKind, Health, Init, ModelFile, NeuronState, Session, TrainConfig,
};

/// A 2-8-8-1 network with every hidden bias set to `bias`.
fn net_with_bias(act: Activation, bias: f64) -> Network {
    let mut net = Network::new(
        2,
        &[8, 8],
        act,
        Activation::Sigmoid,
        Loss::Bce,
        Init::HeNormal,
        BiasInit::Constant(bias),
        &mut rng_from_seed(7),
    )
    .unwrap();
    let out = net.layers.len() - 1;
    net.layers[out].bias = vec![0.0];
    net
}

fn session_from(net: Network) -> Session {
    let model = ModelFile::plane(
        vec![
            reluscope::engine::Feature::X1,
            reluscope::engine::Feature::X2,
        ],
        net,
    );
    Session::from_model(TrainConfig::default(), model).unwrap()
}

#[test]
fn large_negative_bias_kills_every_relu() {
    let s = session_from(net_with_bias(Activation::Relu, -100.0));
    let h = s.health();
    assert_eq!((h.alive, h.dead, h.saturated), (0, 16, 0));
    assert!(h.output_constant && h.born_dead);
    assert_eq!(h.born_dead_neurons, 16);
    for n in h.neurons.iter().flatten() {
        assert_eq!(n.state, NeuronState::Dead);
        assert_eq!(n.activation_rate, 0.0);
        assert_eq!(n.mean_abs_grad, 0.0);
        // Measured before any training: dead from birth, for no epoch yet.
        assert_eq!(n.epochs_dead, 0);
    }
    // Every hidden output is exactly zero, and no gradient reaches the hidden weights.
    assert_eq!(h.layers[0].sparsity, 1.0);
    assert_eq!(h.layers[1].sparsity, 1.0);
    assert_eq!(h.layers[0].grad_norm, 0.0);
}

#[test]
fn dead_network_stays_dead_under_training() {
    let mut s = session_from(net_with_bias(Activation::Relu, -100.0));
    for _ in 0..s.steps_per_epoch() * 3 {
        s.step();
    }
    let h = s.health();
    assert_eq!(h.dead, 16);
    assert_eq!((h.deaths, h.revivals), (0, 0));
    assert!(h.neurons.iter().flatten().all(|n| n.epochs_dead == 3));
}

/// Every hidden ReLU active on every input of the plane: large positive biases, and positive
/// weights into the second layer (whose inputs are then all positive).
fn all_active() -> Network {
    let mut net = net_with_bias(Activation::Relu, 100.0);
    net.layers[1].weights.iter_mut().for_each(|w| *w = w.abs());
    net
}

#[test]
fn large_positive_bias_leaves_every_relu_alive() {
    let s = session_from(all_active());
    let h = s.health();
    assert_eq!((h.alive, h.dead, h.saturated), (16, 0, 0));
    assert!(!h.output_constant && !h.born_dead);
    assert!(h.neurons.iter().flatten().all(|n| n.activation_rate == 1.0));
    assert_eq!(h.layers[0].sparsity, 0.0);
}

#[test]
fn leaky_relu_is_never_dead() {
    for slope in [0.01, 0.2] {
        let act = Activation::LeakyRelu { slope };
        let s = session_from(net_with_bias(act, -100.0));
        let h = s.health();
        assert_eq!(h.dead, 0, "slope {slope}");
        assert!(h.neurons.iter().flatten().all(|n| n.activation_rate == 1.0));
        // A slope below the threshold means little gradient: saturated, not dead.
        let want = if slope < 0.05 {
            NeuronState::Saturated
        } else {
            NeuronState::Alive
        };
        assert!(
            h.neurons.iter().flatten().all(|n| n.state == want),
            "slope {slope}"
        );
    }
}

#[test]
fn saturated_tanh_is_saturated() {
    // tanh'(z) ≈ 4e-7 at z ≈ 8: tiny but nonzero. (Far enough out, f64 rounds tanh to ±1 and
    // f' to exactly 0, and the neuron is then dead in fact: no gradient can flow.)
    let mut net = net_with_bias(Activation::Tanh, 8.0);
    // Small weights keep every z near 8 over the whole plane (|x| ≤ 6).
    net.layers[0]
        .weights
        .iter_mut()
        .for_each(|w| *w = w.clamp(-0.1, 0.1));
    net.layers[1]
        .weights
        .iter_mut()
        .for_each(|w| *w = w.abs() * 0.1);
    let s = session_from(net);
    let h = s.health();
    assert_eq!((h.alive, h.dead, h.saturated), (0, 0, 16));
    assert!(h.neurons.iter().flatten().all(|n| n.activation_rate == 1.0));
}

#[test]
fn deaths_and_revivals_are_counted_between_passes() {
    let alive = all_active();
    let dead = net_with_bias(Activation::Relu, -100.0);
    let xs: Vec<f64> = (0..20).map(|i| i as f64 * 0.3 - 3.0).collect();
    let ys: Vec<f64> = (0..10).map(|i| f64::from(i % 2)).collect();
    let (h0, _) = Health::measure(&alive, &xs, &ys, 0.05, &Health::default());
    assert_eq!((h0.deaths, h0.born_dead_neurons), (0, 0));
    let (h1, _) = Health::measure(&dead, &xs, &ys, 0.05, &h0);
    assert_eq!((h1.deaths, h1.revivals, h1.dead), (16, 0, 16));
    let (h2, _) = Health::measure(&dead, &xs, &ys, 0.05, &h1);
    assert_eq!(h2.deaths, 16);
    assert!(h2.neurons.iter().flatten().all(|n| n.epochs_dead == 2));
    let (h3, _) = Health::measure(&alive, &xs, &ys, 0.05, &h2);
    assert_eq!((h3.deaths, h3.revivals, h3.dead), (16, 16, 0));
    assert!(h3.neurons.iter().flatten().all(|n| n.epochs_dead == 0));
}

#[test]
fn high_learning_rate_kills_relus_during_training() {
    let config = TrainConfig {
        lr: 3.0,
        dataset: DatasetKind::Spiral,
        ..TrainConfig::default()
    };
    let mut s = Session::new(config).unwrap();
    let before = s.health().dead;
    for _ in 0..s.steps_per_epoch() * 5 {
        if s.step().diverged {
            break;
        }
    }
    let h = s.health();
    assert!(h.dead > before, "dead {before} -> {}", h.dead);
    assert!(h.deaths as usize >= h.dead - before);
}

#[test]
fn divergence_stops_training_without_panicking() {
    let config = TrainConfig {
        lr: 1e6,
        dataset: DatasetKind::Plane,
        ..TrainConfig::default()
    };
    let mut s = Session::new(config).unwrap();
    let mut report = s.step();
    for _ in 0..10_000 {
        if report.diverged {
            break;
        }
        report = s.step();
    }
    assert!(report.diverged && s.diverged());
    let steps = s.step_count();
    let again = s.step();
    assert!(again.diverged);
    assert_eq!(s.step_count(), steps, "a diverged session does not step");
    // The state stays readable.
    let _ = s.predict(0.0, 0.0);
    let _ = s.health();
}

#[test]
fn non_finite_weights_are_diverged_from_the_start() {
    let mut net = net_with_bias(Activation::Relu, 0.1);
    net.layers[0].weights[0] = f64::NAN;
    let s = session_from(net);
    assert!(s.diverged());
    let err = s.model().to_json().unwrap_err().to_string();
    assert!(err.contains("non-finite"), "{err}");
}

#[test]
fn a_nan_logit_from_finite_weights_is_divergence() {
    // Finite but huge weights overflow to +inf and -inf in one sum: the logit is NaN on part of
    // the plane. BCE's cap at 100 must not hide that as a finite loss.
    let net = Network {
        layers: vec![reluscope::engine::Layer {
            fan_in: 2,
            fan_out: 1,
            weights: vec![1e308, -1e308],
            bias: vec![0.0],
            activation: Activation::Sigmoid,
        }],
        loss: Loss::Bce,
    };
    let s = session_from(net);
    assert!(s.train_loss().is_nan(), "{}", s.train_loss());
    assert!(s.diverged());
}

/// A run where ReLUs die and come back: spiral at a high learning rate.
fn churning() -> Session {
    Session::new(TrainConfig {
        lr: 1.0,
        dataset: DatasetKind::Spiral,
        ..TrainConfig::default()
    })
    .unwrap()
}

#[test]
fn on_demand_passes_do_not_change_the_counters() {
    let (mut quiet, mut watched) = (churning(), churning());
    for _ in 0..quiet.steps_per_epoch() * 10 {
        quiet.step();
        let r = watched.step();
        if !r.epoch_ended {
            // As `reluscope train --report-every 1` does.
            watched.refresh();
        }
    }
    let (a, b) = (quiet.health(), watched.health());
    assert!(a.deaths > 0 && a.revivals > 0, "{a:?}");
    assert_eq!(a, b);
    // An on-demand pass just before an epoch end counts from the last epoch end, exactly as
    // the epoch-end pass then does.
    for _ in 0..quiet.steps_per_epoch() - 1 {
        quiet.step();
    }
    let mut at_end = quiet.clone();
    at_end.step();
    quiet.refresh();
    let mid = quiet.health().clone();
    let end = at_end.health();
    assert_eq!(mid.passes, 12);
    assert_eq!(end.passes, 12);
    // The same counters either way: the on-demand pass counted from the last epoch end, as
    // the epoch-end pass did, and neither changed what the other counts.
    assert_eq!(
        (mid.deaths, mid.revivals, mid.born_dead),
        (end.deaths, end.revivals, end.born_dead)
    );
}

#[test]
fn divergence_is_not_counted_as_deaths() {
    let mut s = Session::new(TrainConfig {
        lr: 1e6,
        dataset: DatasetKind::Plane,
        ..TrainConfig::default()
    })
    .unwrap();
    let before = s.health().clone();
    let mut report = s.step();
    while !report.diverged {
        assert!(report.step < 10_000);
        report = s.step();
    }
    assert_eq!(report.epoch, 0, "diverges within the first epoch");
    let h = s.health();
    assert!(h.dead > before.dead, "the wreck shows as dead: {h:?}");
    assert_eq!(
        h.deaths, 0,
        "no epoch ended, and a diverged pass counts no deaths"
    );
}
