//! The benchmark cases, shared by the criterion benches and the side-by-side run against
//! PyTorch (`benches/vs_torch.py`), so both time exactly the same work.

#![allow(dead_code)]

use std::hint::black_box;
use std::sync::Arc;

use rand::RngExt;
use reluscope::activation::Activation;
use reluscope::engine::network::{Gradients, Network, Scratch};
use reluscope::engine::{
    BiasInit, CsvData, DatasetKind, Init, Loss, Optimizer, Session, TrainConfig, rng_from_seed,
};

/// A case: its name (as `vs_torch.py` knows it), samples per iteration, the network's
/// parameters (weights and biases), and one iteration.
pub struct Case {
    pub name: &'static str,
    pub samples: u64,
    pub params: u64,
    pub run: Box<dyn FnMut()>,
}

/// Weights and biases of a network, output layer included.
pub fn params(net: &Network) -> u64 {
    net.hidden()
        .iter()
        .chain([net.output_layer()])
        .map(|l| (l.weights.len() + l.bias.len()) as u64)
        .sum()
}

/// A session whose training set has exactly `n` points (twice as many circle points are
/// generated; half are held out), trained with `batch_size` (0 = full batch).
pub fn session_with(n: usize, batch_size: usize) -> Session {
    let mut rng = rng_from_seed(1);
    let mut text = String::from("x1,x2,label\n");
    while text.lines().count() <= 2 * n {
        for p in DatasetKind::Circle.generate(0.0, 3, &mut rng) {
            text.push_str(&format!("{},{},{}\n", p.x1, p.x2, p.label));
        }
    }
    let text: String = text
        .lines()
        .take(2 * n + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    let csv = CsvData::parse("circle.csv", &text).unwrap();
    let config = TrainConfig {
        csv: Some(Arc::new(csv)),
        batch_size,
        ..TrainConfig::default()
    };
    let s = Session::new(config).unwrap();
    assert_eq!(s.dataset().train.len(), n);
    s
}

/// One epoch of the default run (2-8-8-1 ReLU, 250 training points, batch 10, SGD), its
/// health pass and the test loss (read every epoch, as the explorer's chart does).
pub fn epoch_default() -> Case {
    let mut s = Session::new(TrainConfig::default()).unwrap();
    let steps = s.steps_per_epoch();
    Case {
        name: "epoch_2-8-8-1_b10",
        samples: s.dataset().train.len() as u64,
        params: params(s.network()),
        run: Box::new(move || {
            for _ in 0..steps {
                black_box(s.step());
            }
            black_box(s.test_loss());
        }),
    }
}

/// Random inputs in [-1, 1] and 0/1 labels (the sign of the first two inputs' product).
fn data(inputs: usize, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = rng_from_seed(7);
    let xs: Vec<f64> = (0..n * inputs)
        .map(|_| rng.random::<f64>() * 2.0 - 1.0)
        .collect();
    let ys = (0..n)
        .map(|r| f64::from(xs[r * inputs] * xs[r * inputs + inputs.min(2) - 1] > 0.0))
        .collect();
    (xs, ys)
}

/// One SGD step (forward, BCE, backward, update) of a ReLU network `inputs`-`hidden`-1 on a
/// mini-batch of `batch` samples, cycling through 1,000 samples.
pub fn step(name: &'static str, inputs: usize, hidden: &[usize], batch: usize) -> Case {
    step_classes(name, inputs, hidden, 0, batch)
}

/// [`step`] with `classes` > 0: one linear output per class and softmax cross-entropy, the
/// class decided by the first input (as vs_torch.py's case).
pub fn step_classes(
    name: &'static str,
    inputs: usize,
    hidden: &[usize],
    classes: usize,
    batch: usize,
) -> Case {
    let pool = 1000.max(batch);
    let (outputs, out_act, loss) = if classes > 0 {
        (classes, Activation::Linear, Loss::CrossEntropy)
    } else {
        (1, Activation::Sigmoid, Loss::Bce)
    };
    let mut net = Network::with_outputs(
        inputs,
        hidden,
        outputs,
        Activation::Relu,
        out_act,
        loss,
        Init::HeNormal,
        BiasInit::Constant(0.1),
        &mut rng_from_seed(3),
    )
    .unwrap();
    let settings = TrainConfig {
        lr: 0.03,
        ..TrainConfig::default()
    };
    let mut opt = Optimizer::new(settings.optimizer, &net);
    let mut grads = Gradients::zeros(&net);
    let mut scratch = Scratch::new(&net);
    let (xs, mut ys) = data(inputs, pool);
    if classes > 0 {
        for (y, x) in ys.iter_mut().zip(xs.chunks_exact(inputs)) {
            *y = (((x[0] + 1.0) / 2.0 * classes as f64) as usize).min(classes - 1) as f64;
        }
    }
    let mut rows: Vec<usize> = (0..batch).collect();
    Case {
        name,
        samples: batch as u64,
        params: params(&net),
        run: Box::new(move || {
            let loss = net.batch_gradient(&xs, &ys, &rows, &mut grads, &mut scratch, |_, _| {});
            black_box(opt.step(&settings, &mut net, &mut grads));
            black_box(loss);
            for r in &mut rows {
                *r = (*r + batch) % pool;
            }
        }),
    }
}

/// The 2-8-8-1 network's full-batch step on `n` samples.
pub fn full_batch(name: &'static str, n: usize) -> Case {
    step(name, 2, &[8, 8], n)
}

/// One health pass over 500 training samples (neuron states, rates, sparsity, quartiles,
/// training loss), without the test loss.
pub fn health_500() -> Case {
    let mut s = session_with(500, 10);
    Case {
        name: "health_500",
        samples: 500,
        params: params(s.network()),
        run: Box::new(move || s.refresh()),
    }
}

/// Every case `vs_torch.py` compares, in its order. 64-64-32-10 at batch 32 is the digits
/// network; 64-64-32-1 the same shape with one output.
pub fn all() -> Vec<Case> {
    vec![
        epoch_default(),
        step("step_64x8_b10", 2, &[64; 8], 10),
        step_classes("step_64-64-32-10_b32", 64, &[64, 32], 10, 32),
        step("step_64-64-32-1_b32", 64, &[64, 32], 32),
        full_batch("full_250", 250),
        full_batch("full_500", 500),
        full_batch("full_1000", 1000),
        full_batch("full_10000", 10_000),
        health_500(),
    ]
}
