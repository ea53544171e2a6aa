//! The health figures computed when first read (the training loss and the z quartiles), and
//! the ReLU shortcut of the health pass: each equals the same figure computed from scratch.

use std::sync::Arc;

use reluscope::activation::Activation;
use reluscope::engine::network::Network;
use reluscope::engine::{CsvData, Health, NeuronState, Session, TrainConfig};

/// Every hidden neuron's pre-activations over the training set, computed here one sample at a
/// time with the same chain of fused multiply-adds as the engine (bias first, then the inputs
/// in order), so the values are the engine's bit for bit.
fn hidden_z(net: &Network, rows: &[f64]) -> Vec<Vec<Vec<f64>>> {
    let hidden = &net.layers[..net.layers.len() - 1];
    let mut out: Vec<Vec<Vec<f64>>> = hidden.iter().map(|l| vec![Vec::new(); l.fan_out]).collect();
    for x in rows.chunks_exact(net.inputs()) {
        let mut input = x.to_vec();
        for (l, layer) in hidden.iter().enumerate() {
            let z: Vec<f64> = (0..layer.fan_out)
                .map(|i| {
                    let w = layer.row(i);
                    (0..layer.fan_in).fold(layer.bias[i], |acc, p| input[p].mul_add(w[p], acc))
                })
                .collect();
            for (i, &v) in z.iter().enumerate() {
                out[l][i].push(v);
            }
            input = z.iter().map(|&v| layer.activation.value(v)).collect();
        }
    }
    out
}

/// `torch.quantile(values, q)` with linear interpolation, by sorting.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q;
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    let (a, b) = (v[lo], v[(lo + 1).min(v.len() - 1)]);
    // torch.lerp: exact at both ends.
    if frac < 0.5 {
        a + frac * (b - a)
    } else {
        b - (b - a) * (1.0 - frac)
    }
}

/// A two-input CSV of `n` rows (x1, x2 in about [-6, 6], a circle's labels), all of them for
/// training, so the session's inputs are the file's.
fn session_on(n: usize, hidden: Vec<usize>, activation: Activation) -> Session {
    let mut text = String::from("x1,x2,label\n");
    for i in 0..n {
        let (x1, x2) = (6.0 * (i as f64 * 0.37).sin(), 6.0 * (i as f64 * 1.13).cos());
        let label = u8::from(x1 * x1 + x2 * x2 < 16.0);
        text.push_str(&format!("{x1},{x2},{label}\n"));
    }
    let csv = CsvData::parse("figures.csv", &text).unwrap();
    Session::new(TrainConfig {
        csv: Some(Arc::new(csv)),
        train_fraction: 1.0,
        hidden,
        activation,
        lr: 0.3,
        ..TrainConfig::default()
    })
    .unwrap()
}

/// Checks `got` against the quartiles of `net`'s pre-activations over `rows`.
fn check_quartiles_of(net: &Network, rows: &[f64], got: &[Vec<(f64, f64)>]) {
    let z = hidden_z(net, rows);
    assert_eq!(got.len(), z.len());
    for (l, layer) in z.iter().enumerate() {
        for (i, values) in layer.iter().enumerate() {
            let (q1, q3) = got[l][i];
            let (w1, w3) = (quantile(values, 0.25), quantile(values, 0.75));
            assert_eq!(
                q1.to_bits(),
                w1.to_bits(),
                "layer {l} neuron {i}: q1 {q1} vs {w1}"
            );
            assert_eq!(
                q3.to_bits(),
                w3.to_bits(),
                "layer {l} neuron {i}: q3 {q3} vs {w3}"
            );
        }
    }
}

fn check_quartiles(s: &Session) {
    check_quartiles_of(s.network(), &s.dataset().train_rows, s.z_quartiles());
}

#[test]
fn quartiles_read_after_a_pass_are_torch_quantile_of_that_pass() {
    // 300 × 16 values are kept and selected when read; 2,100 × 128 are more than the pass
    // keeps, and are found with windows during the pass instead.
    for (n, hidden) in [(300, vec![8, 8]), (2100, vec![64, 64])] {
        let mut s = session_on(n, hidden, Activation::Relu);
        check_quartiles(&s);
        for _ in 0..3 * s.steps_per_epoch() {
            s.step();
        }
        // Read for the first time only after steps into the next epoch: still the quartiles
        // at the epoch's end, not those of the network now.
        let net = s.network().clone();
        s.step();
        assert_ne!(&net, s.network());
        check_quartiles_of(&net, &s.dataset().train_rows, s.z_quartiles());
    }
}

#[test]
fn the_training_loss_read_later_is_the_loss_at_the_pass() {
    for activation in [Activation::Relu, Activation::Tanh] {
        let mut s = session_on(300, vec![8, 8], activation);
        for _ in 0..2 * s.steps_per_epoch() {
            s.step();
        }
        // Measured from scratch at the same weights: the loss over the training set.
        let (_, loss) = Health::measure(
            s.network(),
            &s.dataset().train_rows,
            &s.dataset()
                .train
                .iter()
                .map(|p| p.label)
                .collect::<Vec<_>>(),
            0.05,
            &Health::default(),
        );
        let net = s.network().clone();
        // Read only after more steps: still the loss at the epoch's end.
        s.step();
        assert_ne!(&net, s.network());
        let got = s.train_loss();
        assert_eq!(
            got.to_bits(),
            loss.to_bits(),
            "{activation}: {got} vs {loss}"
        );
    }
}

#[test]
fn the_relu_shortcut_counts_as_the_general_pass_does() {
    // Leaky ReLU with slope 0 is ReLU through the general path (f'(z) and f(z) read).
    let relu = Activation::Relu;
    let general: Activation = "leaky-relu:slope=0".parse().unwrap();
    let mut s = session_on(300, vec![8, 6], relu);
    for _ in 0..2 * s.steps_per_epoch() {
        s.step();
    }
    let mut net = s.network().clone();
    let ys: Vec<f64> = s.dataset().train.iter().map(|p| p.label).collect();
    let rows = &s.dataset().train_rows;
    let (a, _) = Health::measure(&net, rows, &ys, 0.05, &Health::default());
    let hidden = net.layers.len() - 1;
    for layer in &mut net.layers[..hidden] {
        layer.activation = general;
    }
    let (b, _) = Health::measure(&net, rows, &ys, 0.05, &Health::default());
    assert_eq!(a, b);
    assert!(
        a.neurons
            .iter()
            .flatten()
            .any(|n| n.state == NeuronState::Alive)
    );
    assert!(a.layers[0].sparsity > 0.0 && a.layers[0].sparsity < 1.0);
}

#[test]
fn a_moment_shown_again_shows_its_own_quartiles_and_loss() {
    let mut s = session_on(300, vec![8, 8], Activation::Relu);
    for _ in 0..s.steps_per_epoch() {
        s.step();
    }
    let cp = s.checkpoint();
    let (q, loss) = (s.z_quartiles().clone(), s.train_loss());
    check_quartiles_of(cp.network(), &s.dataset().train_rows, cp.z_quartiles());
    for _ in 0..3 * s.steps_per_epoch() {
        s.step();
    }
    assert_ne!(s.z_quartiles(), &q);
    assert!(s.show(&cp));
    assert_eq!(s.z_quartiles(), &q);
    assert_eq!(s.train_loss().to_bits(), loss.to_bits());
}
