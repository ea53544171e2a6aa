//! One optimizer step on a tiny network against values computed by hand from PyTorch's update
//! rules (torch.optim.SGD / Adam / RMSprop, clip_grad_norm_).
//!
//! The network is one linear neuron y = 0.5·x1 − 0.3·x2 + 0.1 with MSE, one sample
//! x = (1, 2), target 1: z = 0, dL/dz = 2(z − 1) = −2, so the gradient is
//! dW = (−2, −4), db = −2.

use reluscope::activation::Activation;
use reluscope::engine::network::{Gradients, Layer, Network, Scratch};
use reluscope::engine::{Loss, Optimizer, OptimizerKind, OptimizerSettings};

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

fn settings(kind: OptimizerKind, lr: f64) -> OptimizerSettings {
    OptimizerSettings {
        kind,
        lr,
        momentum: 0.0,
        nesterov: false,
        l1: 0.0,
        l2: 0.0,
        clip: 0.0,
    }
}

/// Runs `steps` steps and returns (w1, w2, b).
fn run(net: &mut Network, s: OptimizerSettings, steps: usize) -> (f64, f64, f64) {
    let mut opt = Optimizer::new(s, net);
    let mut g = Gradients::zeros(net);
    let mut sc = Scratch::new(net);
    for _ in 0..steps {
        net.batch_gradient(&X, &Y, &[0], &mut g, &mut sc, |_, _| {});
        opt.step(net, &mut g);
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
    let s = OptimizerSettings {
        l2: 0.01,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 1), (0.5 + 0.1995, -0.3 + 0.4003, 0.3));
}

#[test]
fn sgd_l1_adds_sign_of_weights() {
    // g_w ← g_w + λ·sign(w): (−2 + 0.5, −4 − 0.5) = (−1.5, −4.5).
    let s = OptimizerSettings {
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
    let s = OptimizerSettings {
        momentum: 0.9,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 2), (0.84, 0.38, 0.44));
}

#[test]
fn sgd_nesterov_first_step() {
    // buf = g; d = g + μ·buf = 1.9·g; p −= 0.1·1.9·g.
    let s = OptimizerSettings {
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
    let s = OptimizerSettings {
        clip: 1.0,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    let c = 1.0 / (24f64.sqrt() + 1e-6);
    close(
        run(&mut tiny(), s, 1),
        (0.5 + 0.2 * c, -0.3 + 0.4 * c, 0.1 + 0.2 * c),
    );
    // A threshold above the norm leaves the gradient alone.
    let s = OptimizerSettings {
        clip: 10.0,
        ..settings(OptimizerKind::Sgd, 0.1)
    };
    close(run(&mut tiny(), s, 1), (0.7, 0.1, 0.3));
}

#[test]
fn changing_kind_resets_state_but_lr_change_keeps_momentum() {
    let net = tiny();
    let mut opt = Optimizer::new(
        OptimizerSettings {
            momentum: 0.9,
            ..settings(OptimizerKind::Sgd, 0.1)
        },
        &net,
    );
    let mut n = net.clone();
    let mut g = Gradients::zeros(&n);
    n.batch_gradient(&X, &Y, &[0], &mut g, &mut Scratch::new(&n), |_, _| {});
    opt.step(&mut n, &mut g);
    assert_eq!(opt.steps(), 1);
    opt.set(OptimizerSettings {
        lr: 0.05,
        ..opt.settings
    });
    assert_eq!(opt.steps(), 1);
    opt.set(settings(OptimizerKind::Adam, 0.05));
    assert_eq!(opt.steps(), 0);
}
