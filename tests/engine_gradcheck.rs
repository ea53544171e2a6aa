//! Backpropagation against central finite differences in f64, across activations, losses and
//! network shapes (relative error < 1e-6 per parameter tensor).

use rand::RngExt;
use reluscope::activation::{Activation, Kind};
use reluscope::engine::init::rng_from_seed;
use reluscope::engine::network::{Gradients, Network, Scratch};
use reluscope::engine::{BiasInit, DatasetKind, Feature, Init, Loss, Session, TrainConfig};

const H: f64 = 1e-5;

/// Random inputs and targets that suit the loss.
fn data(inputs: usize, n: usize, loss: Loss, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = rng_from_seed(seed);
    let xs = (0..n * inputs)
        .map(|_| rng.random::<f64>() * 4.0 - 2.0)
        .collect();
    let ys = (0..n)
        .map(|_| match loss {
            Loss::Bce => f64::from(rng.random::<bool>()),
            Loss::Mse => rng.random::<f64>() * 2.0 - 1.0,
            Loss::CrossEntropy => f64::from(rng.random_range(0..4u8)),
        })
        .collect();
    (xs, ys)
}

/// ‖a − b‖ / max(‖a‖ + ‖b‖, 1e-3): relative for ordinary gradients; for tiny ones (a deep
/// net's slope gradient can be 1e-8, below what a central difference resolves in f64: about
/// 1e-16·loss/h ≈ 1e-11) it becomes an absolute check at 1e-9.
fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let diff: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let scale: f64 = a.iter().chain(b).map(|x| x * x).sum::<f64>().sqrt();
    diff / scale.max(1e-3)
}

/// Numerical gradient of the mean loss for every parameter of `net`.
fn numeric(net: &Network, xs: &[f64], ys: &[f64]) -> Gradients {
    let mut g = Gradients::zeros(net);
    let mut s = Scratch::new(net);
    let mut probe = net.clone();
    let mut f = |p: &Network| p.mean_loss(xs, ys, &mut s);
    for l in 0..net.layers.len() {
        for k in 0..net.layers[l].weights.len() {
            let w = net.layers[l].weights[k];
            probe.layers[l].weights[k] = w + H;
            let up = f(&probe);
            probe.layers[l].weights[k] = w - H;
            let down = f(&probe);
            probe.layers[l].weights[k] = w;
            g.layers[l].weights[k] = (up - down) / (2.0 * H);
        }
        for k in 0..net.layers[l].bias.len() {
            let b = net.layers[l].bias[k];
            probe.layers[l].bias[k] = b + H;
            let up = f(&probe);
            probe.layers[l].bias[k] = b - H;
            let down = f(&probe);
            probe.layers[l].bias[k] = b;
            g.layers[l].bias[k] = (up - down) / (2.0 * H);
        }
        if let Activation::Prelu { a } = net.layers[l].activation {
            probe.layers[l].activation = Activation::Prelu { a: a + H };
            let up = f(&probe);
            probe.layers[l].activation = Activation::Prelu { a: a - H };
            let down = f(&probe);
            probe.layers[l].activation = Activation::Prelu { a };
            g.layers[l].slope = (up - down) / (2.0 * H);
        }
    }
    g
}

fn check(hidden: &[usize], act: Activation, loss: Loss, out: Activation, seed: u64) {
    let inputs = 3;
    let net = Network::new(
        inputs,
        hidden,
        act,
        out,
        loss,
        Init::XavierNormal,
        BiasInit::Scheme,
        &mut rng_from_seed(seed),
    )
    .unwrap();
    let (xs, ys) = data(inputs, 7, loss, seed + 100);
    let rows: Vec<usize> = (0..ys.len()).collect();
    check_rows(
        &net,
        &xs,
        &ys,
        &rows,
        &format!("{act} {loss}/{out} {hidden:?}"),
    );
}

/// Compares the analytic gradient of the mean loss over `rows` (a mini-batch, in any order)
/// with central differences of the mean loss over those samples alone.
fn check_rows(net: &Network, xs: &[f64], ys: &[f64], rows: &[usize], what: &str) {
    let d = net.inputs();
    let mut analytic = Gradients::zeros(net);
    let loss_value = net.batch_gradient(
        xs,
        ys,
        rows,
        &mut analytic,
        &mut Scratch::new(net),
        |_, _| {},
    );
    let bx: Vec<f64> = rows
        .iter()
        .flat_map(|&r| xs[r * d..(r + 1) * d].iter().copied())
        .collect();
    let by: Vec<f64> = rows.iter().map(|&r| ys[r]).collect();
    let mean = net.mean_loss(&bx, &by, &mut Scratch::new(net));
    assert!(
        (loss_value - mean).abs() < 1e-12,
        "{what}: {loss_value} vs {mean}"
    );
    let num = numeric(net, &bx, &by);
    for (l, (a, n)) in analytic.layers.iter().zip(&num.layers).enumerate() {
        let ctx = format!("{what} rows {rows:?} layer {l}");
        let ew = rel_err(&a.weights, &n.weights);
        let eb = rel_err(&a.bias, &n.bias);
        assert!(
            ew < 1e-6,
            "{ctx}: weights rel err {ew:e}\n{:?}\n{:?}",
            a.weights,
            n.weights
        );
        assert!(eb < 1e-6, "{ctx}: bias rel err {eb:e}");
        let es = rel_err(&[a.slope], &[n.slope]);
        assert!(
            es < 1e-6,
            "{ctx}: slope rel err {es:e} ({} vs {})",
            a.slope,
            n.slope
        );
    }
}

/// Activations whose derivative is continuous where random inputs land, plus the kinked ones
/// (kinks have measure zero, so random points avoid them).
fn activations() -> Vec<Activation> {
    let mut acts: Vec<Activation> = Kind::ALL.iter().map(|k| k.default_activation()).collect();
    acts.push("leaky-relu:slope=0.2".parse().unwrap());
    acts.push("prelu:a=-0.3".parse().unwrap());
    acts.push("elu:alpha=0.5".parse().unwrap());
    acts
}

#[test]
fn backprop_matches_finite_differences_for_every_activation() {
    for (i, act) in activations().into_iter().enumerate() {
        check(&[4, 3], act, Loss::Bce, Activation::Sigmoid, i as u64);
        check(&[5], act, Loss::Mse, Activation::Linear, 50 + i as u64);
        check(&[3, 2], act, Loss::Mse, Activation::Tanh, 100 + i as u64);
    }
}

#[test]
fn backprop_matches_finite_differences_across_shapes_and_losses() {
    let shapes: [&[usize]; 5] = [&[], &[1], &[6], &[3, 3, 3], &[2, 4, 3, 2, 2, 3, 2, 2]];
    for (i, hidden) in shapes.into_iter().enumerate() {
        for (loss, out) in [
            (Loss::Bce, Activation::Sigmoid),
            (Loss::Mse, Activation::Linear),
            (Loss::Mse, Activation::Tanh),
        ] {
            check(hidden, Activation::Tanh, loss, out, 200 + i as u64);
            check(hidden, "prelu".parse().unwrap(), loss, out, 300 + i as u64);
            check(
                hidden,
                Activation::Gelu {
                    approx: reluscope::activation::GeluApprox::None,
                },
                loss,
                out,
                400 + i as u64,
            );
        }
    }
}

#[test]
fn backprop_matches_for_batches_of_one_and_shuffled_subsets() {
    for (i, act) in activations().into_iter().enumerate() {
        for (loss, out) in [
            (Loss::Bce, Activation::Sigmoid),
            (Loss::Mse, Activation::Tanh),
        ] {
            let net = Network::new(
                3,
                &[4, 3],
                act,
                out,
                loss,
                Init::HeNormal,
                BiasInit::Scheme,
                &mut rng_from_seed(600 + i as u64),
            )
            .unwrap();
            let (xs, ys) = data(3, 9, loss, 700 + i as u64);
            for rows in [&[4][..], &[8], &[7, 0, 3], &[2, 2, 5]] {
                check_rows(&net, &xs, &ys, rows, &format!("{act} {loss}/{out}"));
            }
        }
    }
}

#[test]
fn backprop_matches_on_every_input_feature_after_training() {
    // The session's own network, trained a little (a learned PReLU slope, features beyond x1
    // and x2), on its own dataset's feature values.
    for (dataset, act) in [
        (DatasetKind::Spiral, "prelu"),
        (DatasetKind::MultiGauss, "leaky-relu:slope=0.1"),
    ] {
        let mut s = Session::new(TrainConfig {
            dataset,
            features: Feature::ALL.to_vec(),
            hidden: vec![6, 4],
            activation: act.parse().unwrap(),
            // x1² reaches 36: a small rate keeps the regression from diverging.
            lr: 0.003,
            ..TrainConfig::default()
        })
        .unwrap();
        for _ in 0..30 {
            s.step();
        }
        assert!(!s.diverged());
        let net = s.network();
        assert_eq!(net.inputs(), 7);
        let pts = &s.dataset().train[..12];
        let xs: Vec<f64> = pts
            .iter()
            .flat_map(|p| Feature::ALL.map(|f| f.value(p.x1, p.x2)))
            .collect();
        let ys: Vec<f64> = pts.iter().map(|p| p.label).collect();
        if act == "prelu" {
            assert_ne!(net.layers[0].activation.param("a"), Some(0.25));
        }
        check_rows(net, &xs, &ys, &[0, 5, 11, 3], &format!("{dataset} {act}"));
        check_rows(net, &xs, &ys, &[9], &format!("{dataset} {act}"));
    }
}

/// Softmax cross-entropy over 4 classes on a linear output layer of 4 neurons, through
/// hidden layers of several activations, and with no hidden layer at all.
#[test]
fn cross_entropy_gradients_match_finite_differences() {
    for (k, (hidden, act)) in [
        (vec![5, 4], Activation::Relu),
        (vec![6], Activation::Tanh),
        (vec![3, 3], Activation::LeakyRelu { slope: 0.1 }),
        (vec![4], Activation::Prelu { a: 0.25 }),
        (vec![], Activation::Relu),
    ]
    .into_iter()
    .enumerate()
    {
        let seed = 40 + k as u64;
        let net = Network::with_outputs(
            3,
            &hidden,
            4,
            act,
            Activation::Linear,
            Loss::CrossEntropy,
            Init::XavierNormal,
            BiasInit::Scheme,
            &mut rng_from_seed(seed),
        )
        .unwrap();
        let (xs, ys) = data(3, 9, Loss::CrossEntropy, seed + 100);
        let rows: Vec<usize> = (0..ys.len()).collect();
        check_rows(
            &net,
            &xs,
            &ys,
            &rows,
            &format!("{act} cross-entropy {hidden:?}"),
        );
        // A mini-batch in any order.
        check_rows(
            &net,
            &xs,
            &ys,
            &[7, 2, 5],
            &format!("{act} cross-entropy batch"),
        );
    }
}
