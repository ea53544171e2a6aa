//! One optimizer step on a tiny network against values computed by hand from PyTorch's update
//! rules (torch.optim.SGD / Adam / RMSprop, clip_grad_norm_).
//!
//! The network is one linear neuron y = 0.5·x1 − 0.3·x2 + 0.1 with MSE, one sample
//! x = (1, 2), target 1: z = 0, dL/dz = 2(z − 1) = −2, so the gradient is
//! dW = (−2, −4), db = −2.

use reluscope::activation::Activation;
use reluscope::engine::network::{Gradients, Layer, Network, Scratch};
use reluscope::engine::{Loss, Optimizer, OptimizerKind, TrainConfig};

fn tiny() -> Network {
    Network {
        layers: vec![Layer {
            fan_in: 2,
            fan_out: 1,
            weights: vec![0.5, -0.3],
            bias: vec![0.1],
            activation: Activation::Linear,
        }],
        loss: Loss::Mse,
    }
}

const X: [f64; 2] = [1.0, 2.0];
const Y: [f64; 1] = [1.0];

/// The optimizer settings of a run: `kind` at `lr`, nothing else on.
fn settings(kind: OptimizerKind, lr: f64) -> TrainConfig {
    TrainConfig {
        optimizer: kind,
        lr,
        ..TrainConfig::default()
    }
}

/// Runs `steps` steps and returns (w1, w2, b).
fn run(net: &mut Network, s: TrainConfig, steps: usize) -> (f64, f64, f64) {
    let mut opt = Optimizer::new(s.optimizer, net);
    let mut g = Gradients::zeros(net);
    let mut sc = Scratch::new(net);
    for _ in 0..steps {
        net.batch_gradient(&X, &Y, &[0], &mut g, &mut sc, |_, _| {});
        opt.step(&s, net, &mut g);
    }
    let l = &net.layers[0];
    (l.weights[0], l.weights[1], l.bias[0])
}

fn close(got: (f64, f64, f64), want: (f64, f64, f64)) {
    let ok = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
    assert!(
        ok(got.0, want.0) && ok(got.1, want.1) && ok(got.2, want.2),
        "{got:?} vs {want:?}"
    );
}

#[test]
fn gradient_of_the_tiny_network() {
    let net = tiny();
    let mut g = Gradients::zeros(&net);
    let loss = net.batch_gradient(&X, &Y, &[0], &mut g, &mut Scratch::new(&net), |_, _| {});
    assert_eq!(loss, 1.0);
    assert_eq!(g.layers[0].weights, vec![-2.0, -4.0]);
    assert_eq!(g.layers[0].bias, vec![-2.0]);
}

#[test]
fn sgd_plain() {
    // p ← p − lr·g
    close(
        run(&mut tiny(), settings(OptimizerKind::Sgd, 0.1), 1),
        (0.7, 0.1, 0.3),
    );
}

#[test]
fn sgd_weight_decay_is_weights_only() {
    // g_w ← g_w + λ·w: (−2 + 0.01·0.5, −4 + 0.01·(−0.3)) = (−1.995, −4.003); bias unchanged.
    let s = TrainConfig {
        l2: 0.01,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 1), (0.5 + 0.1995, -0.3 + 0.4003, 0.3));
}

#[test]
fn sgd_l1_adds_sign_of_weights() {
    // g_w ← g_w + λ·sign(w): (−2 + 0.5, −4 − 0.5) = (−1.5, −4.5).
    let s = TrainConfig {
        l1: 0.5,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 1), (0.5 + 0.15, -0.3 + 0.45, 0.3));
}

#[test]
fn sgd_momentum_two_steps() {
    // Step 1: buf = g = (−2, −4 | −2); p = (0.7, 0.1 | 0.3).
    // Step 2: z = 0.7 + 0.2 + 0.3 = 1.2, dL/dz = 0.4, g = (0.4, 0.8 | 0.4);
    //         buf = 0.9·buf + g = (−1.4, −2.8 | −1.4); p −= 0.1·buf.
    let s = TrainConfig {
        momentum: 0.9,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 2), (0.84, 0.38, 0.44));
}

#[test]
fn sgd_nesterov_first_step() {
    // buf = g; d = g + μ·buf = 1.9·g; p −= 0.1·1.9·g.
    let s = TrainConfig {
        momentum: 0.9,
        nesterov: true,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(
        run(&mut tiny(), s, 1),
        (0.5 + 0.38, -0.3 + 0.76, 0.1 + 0.38),
    );
}

#[test]
fn sgd_weight_decay_enters_the_momentum_buffer() {
    // Step 1: d_w = g_w + 0.1·w = (−1.95, −4.03), buf = d; p = (0.695, 0.103 | 0.3).
    // Step 2: z = 0.695 + 0.206 + 0.3 = 1.201, dL/dz = 0.402, g = (0.402, 0.804 | 0.402);
    //   d_w = g_w + 0.1·w = (0.4715, 0.8143); buf_w = 0.9·(−1.95, −4.03) + d_w
    //   = (−1.2835, −2.8127); buf_b = 0.9·(−2) + 0.402 = −1.398; p −= 0.1·buf.
    // (Decay added after the momentum would give buf_w = (−1.398, −2.796) + 0.1·w instead.)
    let s = TrainConfig {
        momentum: 0.9,
        l2: 0.1,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 2), (0.82335, 0.38427, 0.4398));
}

#[test]
fn sgd_nesterov_two_steps() {
    // Step 1: buf = g = (−2, −4 | −2); d = g + 0.9·buf = 1.9·g; p = (0.88, 0.46 | 0.48).
    // Step 2: z = 0.88 + 0.92 + 0.48 = 2.28, dL/dz = 2.56, g = (2.56, 5.12 | 2.56);
    //   buf = 0.9·buf + g = (0.76, 1.52 | 0.76); d = g + 0.9·buf = (3.244, 6.488 | 3.244);
    //   p −= 0.1·d.
    let s = TrainConfig {
        momentum: 0.9,
        nesterov: true,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 2), (0.5556, -0.1888, 0.1556));
}

#[test]
fn adam_first_step_is_lr_times_sign() {
    // m = 0.1·g, v = 0.001·g², bias corrections 0.1 and 0.001:
    // p −= (lr/0.1)·m / (√v/√0.001 + ε) = lr·g/(|g| + ε).
    let lr = 0.01;
    let step = |g: f64| lr * g / (g.abs() + 1e-8);
    close(
        run(&mut tiny(), settings(OptimizerKind::Adam, lr), 1),
        (0.5 - step(-2.0), -0.3 - step(-4.0), 0.1 - step(-2.0)),
    );
}

#[test]
fn adam_second_step_uses_bias_correction() {
    // Step 1 as above with lr = 0.01: p = (0.51, −0.29, 0.11) up to ε.
    // Step 2: z = 0.51 − 0.58 + 0.11 = 0.04, dL/dz = −1.92, g = (−1.92, −3.84 | −1.92).
    // m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·g1² + 0.001·g2²;
    // p −= (lr/(1 − 0.9²))·m / (√v/√(1 − 0.999²) + ε).
    let lr = 0.01;
    let mut net = tiny();
    let got = run(&mut net, settings(OptimizerKind::Adam, lr), 2);
    let p1 = |p: f64, g: f64| p - lr * g / (g.abs() + 1e-8);
    let (w1, w2, b) = (p1(0.5, -2.0), p1(-0.3, -4.0), p1(0.1, -2.0));
    let dz = 2.0 * (w1 * 1.0 + w2 * 2.0 + b - 1.0);
    let p2 = |p: f64, g1: f64, g2: f64| {
        let m = 0.9 * (0.1 * g1) + 0.1 * g2;
        let v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2;
        p - (lr / (1.0 - 0.81)) * m / (v.sqrt() / (1.0 - 0.998001f64).sqrt() + 1e-8)
    };
    let want = (p2(w1, -2.0, dz), p2(w2, -4.0, 2.0 * dz), p2(b, -2.0, dz));
    let ok = |a: f64, b: f64| (a - b).abs() <= 1e-12;
    assert!(
        ok(got.0, want.0) && ok(got.1, want.1) && ok(got.2, want.2),
        "{got:?} vs {want:?}"
    );
}

#[test]
fn rmsprop_first_step() {
    // v = 0.01·g²; p −= lr·g/(√v + ε) = lr·g/(0.1·|g| + ε).
    let lr = 0.01;
    let step = |g: f64| lr * g / (0.1 * g.abs() + 1e-8);
    close(
        run(&mut tiny(), settings(OptimizerKind::Rmsprop, lr), 1),
        (0.5 - step(-2.0), -0.3 - step(-4.0), 0.1 - step(-2.0)),
    );
}

#[test]
fn clipping_scales_by_max_norm_over_norm_plus_eps() {
    // ‖g‖ = √(4 + 16 + 4) = √24 > 1: g ← g·1/(√24 + 1e-6).
    let s = TrainConfig {
        clip: 1.0,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    let c = 1.0 / (24f64.sqrt() + 1e-6);
    close(
        run(&mut tiny(), s, 1),
        (0.5 + 0.2 * c, -0.3 + 0.4 * c, 0.1 + 0.2 * c),
    );
    // A threshold above the norm leaves the gradient alone.
    let s = TrainConfig {
        clip: 10.0,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 1), (0.7, 0.1, 0.3));
}

#[test]
fn changing_kind_resets_state_but_lr_change_keeps_momentum() {
    let net = tiny();
    let s = TrainConfig {
        momentum: 0.9,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    let mut opt = Optimizer::new(s.optimizer, &net);
    let mut n = net.clone();
    let mut g = Gradients::zeros(&n);
    n.batch_gradient(&X, &Y, &[0], &mut g, &mut Scratch::new(&n), |_, _| {});
    opt.step(&s, &mut n, &mut g);
    assert_eq!(opt.steps(), 1);
    // A new lr is read by the next step; the state stays.
    n.batch_gradient(&X, &Y, &[0], &mut g, &mut Scratch::new(&n), |_, _| {});
    opt.step(
        &TrainConfig {
            lr: 0.05,
            ..s.clone()
        },
        &mut n,
        &mut g,
    );
    assert_eq!(opt.steps(), 2);
    opt.set_kind(OptimizerKind::Adam);
    assert_eq!(opt.steps(), 0);
}

/// PyTorch's update rules written out from torch/optim/sgd.py, adam.py, rmsprop.py (single
/// tensor, foreach=False) and torch.nn.utils.clip_grad_norm_, one flat tensor at a time, to run
/// alongside the engine for many steps with every option on.
mod reference {
    use super::*;

    /// One parameter tensor: its values, its gradient, whether it is a weight matrix (L1/L2
    /// apply), and its state.
    pub struct Tensor {
        pub p: Vec<f64>,
        pub g: Vec<f64>,
        pub is_weight: bool,
        buf: Option<Vec<f64>>,
        exp_avg: Vec<f64>,
        exp_avg_sq: Vec<f64>,
    }

    pub struct Torch {
        pub s: TrainConfig,
        pub tensors: Vec<Tensor>,
        step: u32,
    }

    /// The network's parameters as tensors: per layer weights, bias, then a PReLU slope.
    pub fn tensors(net: &Network) -> Vec<(Vec<f64>, bool)> {
        let mut out = Vec::new();
        for l in &net.layers {
            out.push((l.weights.clone(), true));
            out.push((l.bias.clone(), false));
            if let Activation::Prelu { a } = l.activation {
                out.push((vec![a], false));
            }
        }
        out
    }

    pub fn grads(g: &Gradients, net: &Network) -> Vec<Vec<f64>> {
        let mut out = Vec::new();
        for (gl, l) in g.layers.iter().zip(&net.layers) {
            out.push(gl.weights.clone());
            out.push(gl.bias.clone());
            if let Activation::Prelu { .. } = l.activation {
                out.push(vec![gl.slope]);
            }
        }
        out
    }

    pub fn write_back(ts: &[Tensor], net: &mut Network) {
        let mut it = ts.iter();
        for l in &mut net.layers {
            l.weights.clone_from(&it.next().unwrap().p);
            l.bias.clone_from(&it.next().unwrap().p);
            if let Activation::Prelu { a } = &mut l.activation {
                *a = it.next().unwrap().p[0];
            }
        }
    }

    impl Torch {
        pub fn new(s: TrainConfig, net: &Network) -> Torch {
            let tensors = tensors(net)
                .into_iter()
                .map(|(p, is_weight)| Tensor {
                    g: vec![0.0; p.len()],
                    exp_avg: vec![0.0; p.len()],
                    exp_avg_sq: vec![0.0; p.len()],
                    buf: None,
                    p,
                    is_weight,
                })
                .collect();
            Torch {
                s,
                tensors,
                step: 0,
            }
        }

        // Indexing keeps each line next to the PyTorch statement it transcribes.
        #[allow(clippy::needless_range_loop)]
        pub fn step(&mut self) {
            let s = &self.s;
            // loss + l1·Σ|w| → backward adds l1·sign(w) (torch.sign) to the weights' grads.
            for t in self.tensors.iter_mut().filter(|t| t.is_weight) {
                for (g, &p) in t.g.iter_mut().zip(&t.p) {
                    *g += s.l1
                        * if p > 0.0 {
                            1.0
                        } else if p < 0.0 {
                            -1.0
                        } else {
                            0.0
                        };
                }
            }
            if s.clip > 0.0 {
                // total_norm = ‖(‖g₁‖, ‖g₂‖, …)‖ over every parameter, biases and slopes too.
                let norms: Vec<f64> = self
                    .tensors
                    .iter()
                    .map(|t| t.g.iter().map(|x| x * x).sum::<f64>().sqrt())
                    .collect();
                let total = norms.iter().map(|x| x * x).sum::<f64>().sqrt();
                let coef = (s.clip / (total + 1e-6)).min(1.0);
                for t in &mut self.tensors {
                    t.g.iter_mut().for_each(|g| *g *= coef);
                }
            }
            self.step += 1;
            let step = f64::from(self.step);
            for t in &mut self.tensors {
                let wd = if t.is_weight { s.l2 } else { 0.0 };
                // grad = grad.add(param, alpha=weight_decay)
                let grad: Vec<f64> = t.g.iter().zip(&t.p).map(|(g, p)| g + wd * p).collect();
                match s.optimizer {
                    OptimizerKind::Sgd => {
                        let mut d = grad.clone();
                        if s.momentum != 0.0 {
                            let buf = match t.buf.take() {
                                // buf = torch.clone(grad).detach()
                                None => grad.clone(),
                                // buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                                Some(b) => b
                                    .iter()
                                    .zip(&grad)
                                    .map(|(b, g)| b * s.momentum + g)
                                    .collect(),
                            };
                            d = if s.nesterov {
                                grad.iter()
                                    .zip(&buf)
                                    .map(|(g, b)| g + s.momentum * b)
                                    .collect()
                            } else {
                                buf.clone()
                            };
                            t.buf = Some(buf);
                        }
                        for (p, d) in t.p.iter_mut().zip(&d) {
                            *p += -s.lr * d;
                        }
                    }
                    OptimizerKind::Adam => {
                        let (b1, b2) = (0.9f64, 0.999f64);
                        let bc1 = 1.0 - libm::pow(b1, step);
                        let bc2 = 1.0 - libm::pow(b2, step);
                        let step_size = s.lr / bc1;
                        let bc2_sqrt = bc2.sqrt();
                        for i in 0..t.p.len() {
                            t.exp_avg[i] += (1.0 - b1) * (grad[i] - t.exp_avg[i]);
                            t.exp_avg_sq[i] = t.exp_avg_sq[i] * b2 + (1.0 - b2) * grad[i] * grad[i];
                            let denom = t.exp_avg_sq[i].sqrt() / bc2_sqrt + 1e-8;
                            t.p[i] += -step_size * t.exp_avg[i] / denom;
                        }
                    }
                    OptimizerKind::Rmsprop => {
                        let alpha = 0.99;
                        for i in 0..t.p.len() {
                            t.exp_avg_sq[i] =
                                t.exp_avg_sq[i] * alpha + (1.0 - alpha) * grad[i] * grad[i];
                            let avg = t.exp_avg_sq[i].sqrt() + 1e-8;
                            t.p[i] += -s.lr * grad[i] / avg;
                        }
                    }
                }
            }
        }
    }
}

/// Runs the engine and the reference side by side for `steps` mini-batches of 3 out of 8
/// samples, each on its own copy of the network, and compares every parameter after each step.
fn against_reference(s: TrainConfig, hidden_act: Activation, loss: Loss, out: Activation) {
    use reluscope::engine::init::rng_from_seed;
    use reluscope::engine::{BiasInit, Init};
    let mut net = Network::new(
        3,
        &[4, 3],
        hidden_act,
        out,
        loss,
        Init::XavierNormal,
        BiasInit::Scheme,
        &mut rng_from_seed(11),
    )
    .unwrap();
    let xs: Vec<f64> = (0..24).map(|i| ((i * 7 % 11) as f64 - 5.0) / 3.0).collect();
    let ys: Vec<f64> = (0..8).map(|i| f64::from(i % 3 == 0)).collect();
    let mut torch_net = net.clone();
    let mut torch = reference::Torch::new(s.clone(), &torch_net);
    let mut opt = Optimizer::new(s.optimizer, &net);
    let mut g = Gradients::zeros(&net);
    let mut sc = Scratch::new(&net);
    for step in 0..40 {
        let rows = [step % 8, (step * 3 + 1) % 8, (step * 5 + 2) % 8];
        net.batch_gradient(&xs, &ys, &rows, &mut g, &mut sc, |_, _| {});
        opt.step(&s, &mut net, &mut g);
        let mut tg = Gradients::zeros(&torch_net);
        torch_net.batch_gradient(&xs, &ys, &rows, &mut tg, &mut sc, |_, _| {});
        for (t, g) in torch
            .tensors
            .iter_mut()
            .zip(reference::grads(&tg, &torch_net))
        {
            t.g = g;
        }
        torch.step();
        reference::write_back(&torch.tensors, &mut torch_net);
        let ours = reference::tensors(&net);
        let theirs = reference::tensors(&torch_net);
        for (k, ((a, _), (b, _))) in ours.iter().zip(&theirs).enumerate() {
            for (x, y) in a.iter().zip(b) {
                // Bit for bit, except that the clipped norm sums in another order.
                let tol = if s.clip > 0.0 {
                    1e-12 * (1.0 + y.abs())
                } else {
                    0.0
                };
                assert!(
                    (x - y).abs() <= tol,
                    "{s:?} step {step} tensor {k}: {x} vs {y}"
                );
            }
        }
    }
    // The slope is learned (it moved), and it was never regularized: checked above.
    if let Activation::Prelu { a } = hidden_act {
        assert_ne!(net.layers[0].activation.param("a"), Some(a));
    }
}

#[test]
fn many_steps_match_the_pytorch_rules_with_every_option() {
    let prelu: Activation = "prelu:a=0.2".parse().unwrap();
    let base = TrainConfig {
        l1: 0.003,
        l2: 0.02,
        ..settings(OptimizerKind::Sgd, 0.05)
    };
    let cases = [
        base.clone(),
        TrainConfig {
            momentum: 0.9,
            ..base.clone()
        },
        TrainConfig {
            momentum: 0.8,
            nesterov: true,
            clip: 0.3,
            ..base.clone()
        },
        TrainConfig {
            lr: 0.01,
            ..TrainConfig {
                optimizer: OptimizerKind::Adam,
                ..base.clone()
            }
        },
        TrainConfig {
            optimizer: OptimizerKind::Adam,
            lr: 0.01,
            clip: 0.2,
            ..base.clone()
        },
        TrainConfig {
            optimizer: OptimizerKind::Rmsprop,
            lr: 0.003,
            ..base.clone()
        },
        TrainConfig {
            optimizer: OptimizerKind::Rmsprop,
            lr: 0.003,
            clip: 0.1,
            l1: 0.0,
            ..base.clone()
        },
    ];
    for s in cases {
        against_reference(s.clone(), prelu, Loss::Bce, Activation::Sigmoid);
        against_reference(s, Activation::Tanh, Loss::Mse, Activation::Tanh);
    }
}
