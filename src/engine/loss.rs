//! Losses, as batch means exactly as PyTorch's `BCELoss` and `MSELoss` (reduction 'mean').
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

use crate::activation::{Activation, sigmoid, softplus};

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
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Loss::Bce => "bce",
            Loss::Mse => "mse",
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
                let neg_log_p = softplus(-z).min(-BCE_LOG_FLOOR);
                let neg_log_q = softplus(z).min(-BCE_LOG_FLOOR);
                y * neg_log_p + (1.0 - y) * neg_log_q
            }
            Loss::Mse => {
                let d = output.value(z) - y;
                d * d
            }
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
        }
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
            _ => Err(EngineError::invalid(format!(
                "unknown loss '{s}'; valid: bce, mse"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
