//! Optimizers with PyTorch's exact update rules (`torch.optim.SGD`, `Adam`, `RMSprop`, default
//! single-tensor code paths), L1/L2 regularization on weights only, and global-norm clipping.
//!
//! One step, in PyTorch terms, is:
//! ```text
//! loss = criterion(out, y) + l1 * sum(|w| for weights)   # L1 enters the gradient here
//! loss.backward()
//! clip_grad_norm_(params, clip)                           # if clip > 0
//! opt.step()   # with weight_decay = l2 on the weights' param group, 0 on biases and slopes
//! ```
//! so L1 is part of the clipped gradient, and L2 (PyTorch's `weight_decay`) is added inside the
//! optimizer after clipping. Biases and PReLU slopes are never regularized.

use crate::activation::Activation;

use super::config::{OptimizerKind, TrainConfig};
use super::network::{Gradients, Network};

/// Adam's β₁, β₂ and ε (PyTorch defaults).
pub const ADAM_BETAS: (f64, f64) = (0.9, 0.999);
pub const ADAM_EPS: f64 = 1e-8;
/// RMSprop's smoothing constant α and ε (PyTorch defaults).
pub const RMSPROP_ALPHA: f64 = 0.99;
pub const RMSPROP_EPS: f64 = 1e-8;
/// `clip_grad_norm_` adds this to the norm before dividing.
pub const CLIP_EPS: f64 = 1e-6;

/// Per-parameter state buffers, laid out like the network.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slots {
    pub(crate) first: Gradients,
    pub(crate) second: Gradients,
}

/// An optimizer's state (momentum buffers or moment estimates, step count). Its settings are
/// the run's own ([`TrainConfig`]'s optimizer, lr, momentum, nesterov, l1, l2, clip), read at
/// every step, so they exist in one place and a live change reaches the next step.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer {
    /// The kind this state belongs to: a change of kind starts afresh.
    pub(crate) kind: OptimizerKind,
    pub(crate) slots: Slots,
    /// Steps taken with the current kind (Adam's t).
    pub(crate) t: u64,
    /// Whether the momentum buffers hold anything yet (PyTorch starts them at the first grad).
    pub(crate) started: bool,
}

impl Optimizer {
    /// Memory held by the state buffers, in bytes (for the history's budget).
    pub fn state_bytes(&self) -> usize {
        self.slots.first.bytes() + self.slots.second.bytes()
    }

    pub fn new(kind: OptimizerKind, net: &Network) -> Optimizer {
        Optimizer {
            kind,
            slots: Slots {
                first: Gradients::zeros(net),
                second: Gradients::zeros(net),
            },
            t: 0,
            started: false,
        }
    }

    /// Changes the kind between steps: a different kind starts with fresh state, as a new
    /// PyTorch optimizer would. Momentum buffers survive a change of lr or momentum, which the
    /// next step simply reads.
    pub fn set_kind(&mut self, kind: OptimizerKind) {
        if kind != self.kind {
            self.reset();
            self.kind = kind;
        }
    }

    /// The kind its state is for.
    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    /// Forgets all state.
    pub fn reset(&mut self) {
        self.slots.first.clear();
        self.slots.second.clear();
        self.t = 0;
        self.started = false;
    }

    /// Steps taken since the state was last reset.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Applies one update to `net` from the data-loss gradient `grads` (modified in place: L1
    /// added, then clipped) with the settings of `s`. Returns the global gradient norm before
    /// clipping.
    pub fn step(&mut self, s: &TrainConfig, net: &mut Network, grads: &mut Gradients) -> f64 {
        self.set_kind(s.optimizer);
        if s.l1 != 0.0 {
            for (layer, g) in net.layers.iter().zip(grads.layers.iter_mut()) {
                for (gw, &w) in g.weights.iter_mut().zip(&layer.weights) {
                    *gw += s.l1 * sign(w);
                }
            }
        }
        let norm = grads.global_norm();
        if s.clip > 0.0 {
            let coef = s.clip / (norm + CLIP_EPS);
            if coef < 1.0 {
                grads.scale(coef);
            }
        }
        self.t += 1;
        let t = self.t;
        let first_step = !self.started;
        self.started = true;
        for (l, layer) in net.layers.iter_mut().enumerate() {
            let g = &grads.layers[l];
            let m = &mut self.slots.first.layers[l];
            let v = &mut self.slots.second.layers[l];
            update(
                s,
                t,
                first_step,
                &mut layer.weights,
                &g.weights,
                &mut m.weights,
                &mut v.weights,
                s.l2,
            );
            update(
                s,
                t,
                first_step,
                &mut layer.bias,
                &g.bias,
                &mut m.bias,
                &mut v.bias,
                0.0,
            );
            if let Activation::Prelu { a } = &mut layer.activation {
                update(
                    s,
                    t,
                    first_step,
                    std::slice::from_mut(a),
                    &[g.slope],
                    std::slice::from_mut(&mut m.slope),
                    std::slice::from_mut(&mut v.slope),
                    0.0,
                );
            }
        }
        norm
    }
}

/// torch.sign: −1, 0 or 1.
fn sign(w: f64) -> f64 {
    if w > 0.0 {
        1.0
    } else if w < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// One parameter group's update, exactly as PyTorch's single-tensor implementations.
#[allow(clippy::too_many_arguments)]
#[inline]
fn update(
    s: &TrainConfig,
    t: u64,
    first_step: bool,
    p: &mut [f64],
    g: &[f64],
    m: &mut [f64],
    v: &mut [f64],
    weight_decay: f64,
) {
    let lr = s.lr;
    match s.optimizer {
        OptimizerKind::Sgd => {
            let mu = s.momentum;
            for i in 0..p.len() {
                let mut d = g[i] + weight_decay * p[i];
                if mu != 0.0 {
                    // buf = d on the first step, else mu·buf + (1 − dampening)·d, dampening 0.
                    m[i] = if first_step { d } else { mu * m[i] + d };
                    d = if s.nesterov { d + mu * m[i] } else { m[i] };
                }
                p[i] -= lr * d;
            }
        }
        OptimizerKind::Adam => {
            let (b1, b2) = ADAM_BETAS;
            // PyTorch computes `beta ** step` with the C library's pow on Python floats. powi
            // rounds differently from step 5 on and its precision varies by platform; libm's
            // pow matches pow and is the same everywhere.
            let t = t as f64;
            let bc1 = 1.0 - libm::pow(b1, t);
            let bc2_sqrt = (1.0 - libm::pow(b2, t)).sqrt();
            let step_size = lr / bc1;
            for i in 0..p.len() {
                let d = g[i] + weight_decay * p[i];
                // exp_avg.lerp_(grad, 1 − β₁) and exp_avg_sq.mul_(β₂).addcmul_(grad, grad, 1 − β₂)
                m[i] += (d - m[i]) * (1.0 - b1);
                v[i] = v[i] * b2 + (1.0 - b2) * d * d;
                let denom = v[i].sqrt() / bc2_sqrt + ADAM_EPS;
                p[i] -= step_size * m[i] / denom;
            }
        }
        OptimizerKind::Rmsprop => {
            let alpha = RMSPROP_ALPHA;
            for i in 0..p.len() {
                let d = g[i] + weight_decay * p[i];
                // square_avg.mul_(α).addcmul_(grad, grad, 1 − α); avg = sqrt + eps
                v[i] = v[i] * alpha + (1.0 - alpha) * d * d;
                let avg = v[i].sqrt() + RMSPROP_EPS;
                p[i] -= lr * d / avg;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adam(lr: f64) -> TrainConfig {
        TrainConfig {
            optimizer: OptimizerKind::Adam,
            lr,
            ..TrainConfig::default()
        }
    }

    /// Adam's bias corrections at a later step, bit for bit as torch.optim.Adam computes them
    /// (`1 - beta ** step` on Python floats, i.e. C pow), from given moment estimates.
    #[test]
    fn adam_bias_correction_uses_pow_at_every_step() {
        for t in [1u64, 5, 7, 33, 1000, 123_457] {
            // p starts at 0 so the result is the step itself, every bit of it visible.
            let (m0, v0, g, p0, lr) = (0.3, 0.02, -0.7, 0.0, 0.01);
            let (mut p, mut m, mut v) = ([p0], [m0], [v0]);
            update(&adam(lr), t, false, &mut p, &[g], &mut m, &mut v, 0.0);
            let m1 = m0 + (g - m0) * (1.0 - 0.9);
            let v1 = v0 * 0.999 + (1.0 - 0.999) * g * g;
            let bc1 = 1.0 - libm::pow(0.9, t as f64);
            let bc2 = 1.0 - libm::pow(0.999, t as f64);
            let denom = v1.sqrt() / bc2.sqrt() + 1e-8;
            let want = p0 - (lr / bc1) * m1 / denom;
            assert_eq!((m[0], v[0]), (m1, v1), "t {t}");
            assert_eq!(p[0].to_bits(), want.to_bits(), "t {t}: {} vs {want}", p[0]);
        }
    }
}
