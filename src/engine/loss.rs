//! Losses, as batch means exactly as PyTorch's `BCELoss`, `MSELoss` and `CrossEntropyLoss`
//! (reduction 'mean').
//!
//! Softmax cross-entropy works on one logit per class, as `CrossEntropyLoss` on a linear
//! layer's output: the loss of a sample is log Σ exp(z_j − m) − (z_y − m) with m = max z (the
//! log-softmax PyTorch computes), its gradient softmax(z) − onehot(y).
//!
//! Binary cross-entropy is computed from the output logit z, never from a rounded
//! probability: −log σ(z) = softplus(−z) and −log(1 − σ(z)) = softplus(z). Each term is capped at
//! 100, as `BCELoss` clamps its logs to ≥ −100. So the value equals `BCELoss(sigmoid(z), y)` for
//! every z where σ(z) is not rounded to exactly 0 or 1 in f64 (|z| ≲ 36.7), and beyond that it
//! keeps going (up to the same cap of 100) where PyTorch's rounded σ would jump straight to 100.
//! The gradient with respect to the logit is (σ(z) − y)/B, which is what autograd gives through
//! sigmoid and BCELoss whenever σ(z)(1−σ(z)) ≥ 1e-12, and which never vanishes at saturation.

use std::fmt;
use std::str::FromStr;

use crate::activation::{Activation, sigmoid};

use super::error::EngineError;

/// PyTorch's BCELoss clamps log(p) and log(1−p) to at least this.
pub const BCE_LOG_FLOOR: f64 = -100.0;

/// The loss attached to the output layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loss {
    /// Binary cross-entropy on a sigmoid output, labels 0/1.
    Bce,
    /// Mean squared error on a linear (or tanh) output.
    Mse,
    /// Softmax cross-entropy on one linear output per class, labels the class index.
    CrossEntropy,
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Loss::Bce => "bce",
            Loss::Mse => "mse",
            Loss::CrossEntropy => "cross-entropy",
        }
    }

    /// The loss of one sample from its output pre-activations `z` (one value, or one per class
    /// for cross-entropy).
    #[inline]
    pub fn row_loss(self, z: &[f64], output: &Activation, y: f64) -> f64 {
        match self {
            Loss::CrossEntropy => cross_entropy(z, y, 0.0, &mut []),
            _ => self.sample_loss(z[0], output, y),
        }
    }

    /// The loss of one sample and d loss / d z times `scale`, into `dz` (as long as `z`).
    #[inline]
    pub fn row_loss_grad(
        self,
        z: &[f64],
        output: &Activation,
        y: f64,
        scale: f64,
        dz: &mut [f64],
    ) -> f64 {
        match self {
            Loss::CrossEntropy => cross_entropy(z, y, scale, dz),
            _ => {
                let (l, g) = self.loss_and_grad(z[0], output, y);
                dz[0] = g * scale;
                l
            }
        }
    }

    /// The loss of one sample given the output pre-activation `z`, the output layer's
    /// activation and the target.
    #[inline]
    pub fn sample_loss(self, z: f64, output: &Activation, y: f64) -> f64 {
        match self {
            Loss::Bce => {
                // `min` would turn a NaN logit into the cap of 100 and hide the divergence; an
                // infinite one means the network overflowed, which is divergence too.
                if !z.is_finite() {
                    return f64::NAN;
                }
                // softplus(±z) share ln(1 + e^{−|z|}): one exp and one log1p, not two of each.
                let tail = libm::log1p(libm::exp(-z.abs()));
                let neg_log_p = ((-z).max(0.0) + tail).min(-BCE_LOG_FLOOR);
                let neg_log_q = (z.max(0.0) + tail).min(-BCE_LOG_FLOOR);
                y * neg_log_p + (1.0 - y) * neg_log_q
            }
            Loss::Mse => {
                let d = output.value(z) - y;
                d * d
            }
            Loss::CrossEntropy => cross_entropy(&[z], y, 0.0, &mut []),
        }
    }

    /// The sample loss and d(loss)/dz together, sharing one exp and one log for BCE; equal
    /// bit for bit to [`Loss::sample_loss`] and [`Loss::dloss_dz`].
    #[inline]
    pub fn loss_and_grad(self, z: f64, output: &Activation, y: f64) -> (f64, f64) {
        match self {
            Loss::Bce => {
                if !z.is_finite() {
                    return (f64::NAN, f64::NAN);
                }
                // softplus(±z) = max(±z, 0) + ln(1 + e^{−|z|}); σ(z) from the same e^{−|z|}.
                // libm, not the platform's exp/log1p, so a seed trains the same everywhere.
                let e = libm::exp(-z.abs());
                let tail = libm::log1p(e);
                let neg_log_p = ((-z).max(0.0) + tail).min(-BCE_LOG_FLOOR);
                let neg_log_q = (z.max(0.0) + tail).min(-BCE_LOG_FLOOR);
                let p = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                (y * neg_log_p + (1.0 - y) * neg_log_q, p - y)
            }
            Loss::Mse => {
                let d = output.value(z) - y;
                (d * d, 2.0 * d * output.derivative(z))
            }
            Loss::CrossEntropy => {
                let mut g = [0.0];
                let l = cross_entropy(&[z], y, 1.0, &mut g);
                (l, g[0])
            }
        }
    }

    /// d(sample loss)/dz for the output pre-activation `z` (divide by the batch size for the
    /// batch mean).
    #[inline]
    pub fn dloss_dz(self, z: f64, output: &Activation, y: f64) -> f64 {
        match self {
            Loss::Bce if !z.is_finite() => f64::NAN,
            Loss::Bce => sigmoid(z) - y,
            Loss::Mse => 2.0 * (output.value(z) - y) * output.derivative(z),
            Loss::CrossEntropy => self.loss_and_grad(z, output, y).1,
        }
    }
}

/// Softmax cross-entropy of logits `z` against class `y` (its index as a number), as
/// `CrossEntropyLoss`: log Σ exp(z_j − m) − (z_y − m), m = max z. With `dz` as long as `z`,
/// also writes (softmax(z) − onehot(y)) · `scale` there. NaN for a non-finite logit or a class
/// out of range (divergence, never a panic).
#[inline]
fn cross_entropy(z: &[f64], y: f64, scale: f64, dz: &mut [f64]) -> f64 {
    let k = z.len();
    let m = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let class = y as usize;
    if !m.is_finite() || z.iter().any(|v| !v.is_finite()) || y < 0.0 || class >= k {
        dz.iter_mut().for_each(|g| *g = f64::NAN);
        return f64::NAN;
    }
    // libm, so that a seed trains the same everywhere.
    let sum: f64 = z.iter().map(|&v| libm::exp(v - m)).sum();
    let log_sum = libm::log(sum);
    if dz.len() == k {
        for (j, (g, &v)) in dz.iter_mut().zip(z).enumerate() {
            let p = libm::exp(v - m) / sum;
            *g = (p - if j == class { 1.0 } else { 0.0 }) * scale;
        }
    }
    log_sum - (z[class] - m)
}

/// Softmax of logits `z` into `p` (same length): the class probabilities.
pub fn softmax(z: &[f64], p: &mut [f64]) {
    let m = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let mut sum = 0.0;
    for (q, &v) in p.iter_mut().zip(z) {
        *q = libm::exp(v - m);
        sum += *q;
    }
    for q in p.iter_mut() {
        *q /= sum;
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Loss {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bce" => Ok(Loss::Bce),
            "mse" => Ok(Loss::Mse),
            "cross-entropy" | "cross_entropy" | "crossentropy" | "ce" => Ok(Loss::CrossEntropy),
            _ => Err(EngineError::invalid(format!(
                "unknown loss '{s}'; valid: bce, mse, cross-entropy"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_entropy_by_hand_and_by_finite_differences() {
        let z = [1.0, -0.5, 2.0];
        // log(e^1 + e^-0.5 + e^2) − 2, worked out by hand.
        let want = (1f64.exp() + (-0.5f64).exp() + 2f64.exp()).ln() - 2.0;
        let mut g = [0.0; 3];
        let l = cross_entropy(&z, 2.0, 0.5, &mut g);
        assert!((l - want).abs() < 1e-15, "{l} vs {want}");
        for j in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (z, z);
            up[j] += h;
            down[j] -= h;
            let fd = (cross_entropy(&up, 2.0, 0.0, &mut [])
                - cross_entropy(&down, 2.0, 0.0, &mut []))
                / (2.0 * h);
            assert!(
                (g[j] - 0.5 * fd).abs() < 1e-9,
                "{j}: {} vs {}",
                g[j],
                0.5 * fd
            );
        }
        assert!(g.iter().sum::<f64>().abs() < 1e-15);
        // Huge logits: the max is subtracted, nothing overflows.
        let l = cross_entropy(&[1000.0, 0.0], 1.0, 1.0, &mut g[..2]);
        assert_eq!((l, g[0], g[1]), (1000.0, 1.0, -1.0));
        assert!(cross_entropy(&[f64::NAN, 0.0], 0.0, 1.0, &mut g[..2]).is_nan() && g[1].is_nan());
        assert!(cross_entropy(&[0.0, 0.0], 2.0, 1.0, &mut []).is_nan());
        let mut p = [0.0; 3];
        softmax(&z, &mut p);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15 && p[2] > p[0] && p[0] > p[1]);
        assert_eq!("cross-entropy".parse::<Loss>().unwrap(), Loss::CrossEntropy);
    }

    /// PyTorch's BCELoss on the rounded probability, for comparison.
    fn torch_bce(p: f64, y: f64) -> f64 {
        -(y * p.ln().max(BCE_LOG_FLOOR) + (1.0 - y) * (1.0 - p).ln().max(BCE_LOG_FLOOR))
    }

    #[test]
    fn bce_matches_torch_where_sigmoid_is_not_rounded() {
        for z in [-30.0, -5.0, -0.3, 0.0, 0.7, 4.0, 20.0] {
            for y in [0.0, 1.0, 0.25] {
                let ours = Loss::Bce.sample_loss(z, &Activation::Sigmoid, y);
                let theirs = torch_bce(sigmoid(z), y);
                // 1 − σ(z) loses digits to cancellation on PyTorch's path for large z (about
                // 1e-16/(1 − σ) relative), so allow for its error, not ours.
                let tol = 1e-7 * (1.0 + theirs.abs());
                assert!((ours - theirs).abs() <= tol, "{z} {y}: {ours} vs {theirs}");
            }
        }
        // Far beyond, both are capped at 100 and stay finite.
        assert_eq!(
            Loss::Bce.sample_loss(1000.0, &Activation::Sigmoid, 0.0),
            100.0
        );
        assert_eq!(
            Loss::Bce.sample_loss(-1000.0, &Activation::Sigmoid, 1.0),
            100.0
        );
        assert_eq!(
            Loss::Bce.sample_loss(1000.0, &Activation::Sigmoid, 1.0),
            0.0
        );
    }

    #[test]
    fn fused_loss_and_grad_equal_the_separate_ones() {
        for (loss, act) in [
            (Loss::Bce, Activation::Sigmoid),
            (Loss::Mse, Activation::Linear),
            (Loss::Mse, Activation::Tanh),
        ] {
            for z in [-800.0, -37.0, -3.0, -0.0, 0.0, 1e-9, 0.5, 36.0, 900.0] {
                for y in [0.0, 1.0, 0.3] {
                    let (l, g) = loss.loss_and_grad(z, &act, y);
                    assert_eq!(
                        l.to_bits(),
                        loss.sample_loss(z, &act, y).to_bits(),
                        "{z} {y}"
                    );
                    assert_eq!(g.to_bits(), loss.dloss_dz(z, &act, y).to_bits(), "{z} {y}");
                }
            }
        }
    }

    #[test]
    fn a_nan_or_infinite_logit_gives_a_nan_loss() {
        // The cap at 100 must not swallow a NaN or an overflowed logit: divergence is detected
        // from the loss.
        for y in [0.0, 1.0] {
            for z in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                assert!(Loss::Bce.sample_loss(z, &Activation::Sigmoid, y).is_nan());
                let (l, g) = Loss::Bce.loss_and_grad(z, &Activation::Sigmoid, y);
                assert!(l.is_nan() && g.is_nan());
                assert!(Loss::Bce.dloss_dz(z, &Activation::Sigmoid, y).is_nan());
            }
            assert!(
                Loss::Mse
                    .sample_loss(f64::NAN, &Activation::Linear, y)
                    .is_nan()
            );
        }
    }

    #[test]
    fn gradients_are_finite_differences() {
        let h = 1e-6;
        for (loss, act) in [
            (Loss::Bce, Activation::Sigmoid),
            (Loss::Mse, Activation::Linear),
            (Loss::Mse, Activation::Tanh),
        ] {
            for z in [-3.0, -0.5, 0.2, 2.5] {
                for y in [0.0, 1.0, 0.3] {
                    let num = (loss.sample_loss(z + h, &act, y) - loss.sample_loss(z - h, &act, y))
                        / (2.0 * h);
                    let ana = loss.dloss_dz(z, &act, y);
                    assert!((num - ana).abs() < 1e-7, "{loss} {z} {y}: {num} vs {ana}");
                }
            }
        }
    }
}
