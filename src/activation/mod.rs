//! The math of every activation function: value and derivative. Metadata for the UI lives in
//! `info`, spec strings (`leaky-relu:slope=0.2`) in `spec`.
//!
//! Values and derivatives follow PyTorch's definitions. Where a function has a kink, the
//! derivative there is the one PyTorch's autograd returns (documented on each variant), so a
//! network trained here can be checked against one trained there.
//!
//! Transcendental functions come from `libm` (pure Rust), so results are bit-identical across
//! platforms. Every finite `f64` gives a finite value and derivative: no branch evaluates `exp`
//! of a large positive number where the result is used, and the few values whose exact result
//! lies beyond f64's range (selu above f64::MAX / 1.0507, prelu with |a| > 1 and softplus with a
//! tiny beta, far out) saturate at ±f64::MAX where PyTorch returns ±inf. Hard-swish above
//! f64::MAX / 6 returns x, its exact value, where PyTorch's x·6/6 overflows.

mod info;
mod spec;

pub use info::{Info, ParamSpec};
pub use spec::SpecError;

// The pure-Rust libm rather than the platform's: the same inputs give the same bits on every
// machine, so a seeded training run is reproducible everywhere.
use libm::{exp, tanh};

/// SELU's constants, exactly as `torch.nn.SELU` defines them.
pub const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
/// SELU's scale, exactly as `torch.nn.SELU` defines it.
pub const SELU_SCALE: f64 = 1.050_700_987_355_480_5;

const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
const GELU_TANH_COEF: f64 = 0.044_715;
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Which form of GELU: the exact one through erf, or PyTorch's `approximate='tanh'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeluApprox {
    None,
    Tanh,
}

/// An activation function with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Activation {
    #[default]
    /// max(0, x). Derivative 1 for x > 0, 0 for x ≤ 0 (relu'(0) = 0, as PyTorch).
    Relu,
    /// x for x > 0, slope·x otherwise. Derivative at 0 is `slope` (PyTorch: `x > 0 ? 1 : slope`).
    LeakyRelu { slope: f64 },
    /// Like leaky ReLU with a learnable slope `a`. Derivative at 0 is `a`.
    Prelu { a: f64 },
    /// x for x > 0, α(eˣ − 1) otherwise. Derivative at 0 is α (PyTorch's `x <= 0` branch).
    Elu { alpha: f64 },
    /// scale·elu(x, α) with PyTorch's constants. Derivative at 0 is scale·α.
    Selu,
    /// max(0,x) + min(0, α(e^{x/α} − 1)). Derivative at 0 is 1.
    Celu { alpha: f64 },
    /// x·Φ(x) (exact, erf) or its tanh approximation. Smooth everywhere.
    Gelu { approx: GeluApprox },
    /// x·σ(βx), also called swish. Smooth everywhere.
    Silu { beta: f64 },
    /// x·tanh(softplus(x)). Smooth everywhere.
    Mish,
    /// (1/β)·ln(1 + e^{βx}), linear where βx > threshold (as PyTorch). Derivative there is 1.
    Softplus { beta: f64, threshold: f64 },
    /// min(max(0, x), 6). Derivative 0 at both kinks: relu6'(0) = relu6'(6) = 0 (PyTorch hardtanh).
    Relu6,
    /// clamp(x, min, max). Derivative 0 at x ≤ min and x ≥ max (PyTorch hardtanh_backward).
    HardTanh { min: f64, max: f64 },
    /// relu6(x + 3)/6. Derivative 1/6 strictly inside (−3, 3), 0 elsewhere, kinks included.
    HardSigmoid,
    /// x·relu6(x + 3)/6. Derivative 0 for x ≤ −3, x/3 + ½ for −3 < x < 3, 1 for x ≥ 3: at the
    /// kinks, hard-swish'(−3) = 0 and hard-swish'(3) = 1, as PyTorch's autograd (since 2025,
    /// pytorch#147801; checked against 2.15).
    HardSwish,
    /// 1/(1 + e⁻ˣ). Smooth; saturates on both sides.
    Sigmoid,
    /// tanh(x). Smooth; saturates on both sides.
    Tanh,
    /// x/(1 + |x|). Derivative 1/(1 + |x|)², 1 at 0.
    Softsign,
    /// The identity. Derivative 1 everywhere: a network of these is a linear map.
    Linear,
    /// Heaviside: 1 for x > 0, 0 otherwise. Derivative 0 everywhere, so gradient descent
    /// cannot learn through it.
    Step,
}

/// The name of an activation without its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Relu,
    LeakyRelu,
    Prelu,
    Elu,
    Selu,
    Celu,
    Gelu,
    Silu,
    Mish,
    Softplus,
    Relu6,
    HardTanh,
    HardSigmoid,
    HardSwish,
    Sigmoid,
    Tanh,
    Softsign,
    Linear,
    Step,
}

impl Kind {
    /// Every activation, in the order the UI cycles through them.
    pub const ALL: [Kind; 19] = [
        Kind::Relu,
        Kind::LeakyRelu,
        Kind::Prelu,
        Kind::Elu,
        Kind::Selu,
        Kind::Celu,
        Kind::Gelu,
        Kind::Silu,
        Kind::Mish,
        Kind::Softplus,
        Kind::Relu6,
        Kind::HardTanh,
        Kind::HardSigmoid,
        Kind::HardSwish,
        Kind::Sigmoid,
        Kind::Tanh,
        Kind::Softsign,
        Kind::Linear,
        Kind::Step,
    ];

    /// The activation with default parameters.
    pub fn default_activation(self) -> Activation {
        match self {
            Kind::Relu => Activation::Relu,
            Kind::LeakyRelu => Activation::LeakyRelu { slope: 0.01 },
            Kind::Prelu => Activation::Prelu { a: 0.25 },
            Kind::Elu => Activation::Elu { alpha: 1.0 },
            Kind::Selu => Activation::Selu,
            Kind::Celu => Activation::Celu { alpha: 1.0 },
            Kind::Gelu => Activation::Gelu {
                approx: GeluApprox::None,
            },
            Kind::Silu => Activation::Silu { beta: 1.0 },
            Kind::Mish => Activation::Mish,
            Kind::Softplus => Activation::Softplus {
                beta: 1.0,
                threshold: 20.0,
            },
            Kind::Relu6 => Activation::Relu6,
            Kind::HardTanh => Activation::HardTanh {
                min: -1.0,
                max: 1.0,
            },
            Kind::HardSigmoid => Activation::HardSigmoid,
            Kind::HardSwish => Activation::HardSwish,
            Kind::Sigmoid => Activation::Sigmoid,
            Kind::Tanh => Activation::Tanh,
            Kind::Softsign => Activation::Softsign,
            Kind::Linear => Activation::Linear,
            Kind::Step => Activation::Step,
        }
    }

    /// The next kind in [`Kind::ALL`], wrapping around; `back` goes the other way.
    pub fn cycle(self, back: bool) -> Kind {
        let n = Kind::ALL.len();
        let i = self as usize;
        Kind::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
}

/// Numerically stable logistic sigmoid.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + exp(-x))
    } else {
        let e = exp(x);
        e / (1.0 + e)
    }
}

/// σ'(x) = σ(x)·σ(−x): unlike σ(1 − σ), keeps full relative precision for large x.
#[inline]
fn sigmoid_slope(x: f64) -> f64 {
    sigmoid(x) * sigmoid(-x)
}

/// tanh'(x) = 1/cosh²(x): unlike 1 − tanh², keeps full relative precision for large |x|.
#[inline]
fn tanh_slope(x: f64) -> f64 {
    let c = libm::cosh(x);
    1.0 / (c * c)
}

/// Numerically stable ln(1 + eˣ).
#[inline]
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + libm::log1p(exp(-x.abs()))
}

/// The standard normal CDF Φ(x), through erfc so the left tail keeps its precision.
#[inline]
fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

impl Activation {
    /// The activation's name without parameters.
    pub fn kind(&self) -> Kind {
        match self {
            Activation::Relu => Kind::Relu,
            Activation::LeakyRelu { .. } => Kind::LeakyRelu,
            Activation::Prelu { .. } => Kind::Prelu,
            Activation::Elu { .. } => Kind::Elu,
            Activation::Selu => Kind::Selu,
            Activation::Celu { .. } => Kind::Celu,
            Activation::Gelu { .. } => Kind::Gelu,
            Activation::Silu { .. } => Kind::Silu,
            Activation::Mish => Kind::Mish,
            Activation::Softplus { .. } => Kind::Softplus,
            Activation::Relu6 => Kind::Relu6,
            Activation::HardTanh { .. } => Kind::HardTanh,
            Activation::HardSigmoid => Kind::HardSigmoid,
            Activation::HardSwish => Kind::HardSwish,
            Activation::Sigmoid => Kind::Sigmoid,
            Activation::Tanh => Kind::Tanh,
            Activation::Softsign => Kind::Softsign,
            Activation::Linear => Kind::Linear,
            Activation::Step => Kind::Step,
        }
    }

    /// Metadata for the UI.
    pub fn info(&self) -> &'static Info {
        self.kind().info()
    }

    /// Where the derivative jumps, for this activation's parameters.
    pub fn kinks(&self) -> Vec<f64> {
        match *self {
            Activation::HardTanh { min, max } => vec![min, max],
            _ => self.info().kinks.to_vec(),
        }
    }

    /// f(x).
    #[inline]
    pub fn value(&self, x: f64) -> f64 {
        match *self {
            Activation::Relu => {
                if x > 0.0 {
                    x
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu { slope } => leaky(x, slope),
            // |a| up to 100 and SELU's scale > 1 can carry the largest inputs past f64::MAX.
            Activation::Prelu { a } => saturate(leaky(x, a), x),
            Activation::Elu { alpha } => elu(x, alpha, 1.0),
            Activation::Selu => saturate(SELU_SCALE * elu(x, SELU_ALPHA, 1.0), x),
            Activation::Celu { alpha } => {
                // PyTorch's x·(1/α), except where 1/α overflows (α < 5.6e-309) and 0·inf
                // would be NaN at x = 0.
                let scale = 1.0 / alpha;
                if scale.is_finite() {
                    elu(x, alpha, scale)
                } else if x > 0.0 {
                    x
                } else {
                    alpha * libm::expm1(x / alpha)
                }
            }
            Activation::Gelu {
                approx: GeluApprox::None,
            } => x * normal_cdf(x),
            Activation::Gelu {
                approx: GeluApprox::Tanh,
            } => {
                // 0.5·(1 + tanh u) = σ(2u): the same function without the cancellation of
                // 1 + tanh u for negative u.
                let u = SQRT_2_OVER_PI * (x + GELU_TANH_COEF * x * x * x);
                x * sigmoid(2.0 * u)
            }
            Activation::Silu { beta } => x * sigmoid(beta * x),
            Activation::Mish => x * tanh(softplus(x)),
            Activation::Softplus { beta, threshold } => {
                if beta * x > threshold {
                    x
                } else {
                    // ln 2 / β alone exceeds f64::MAX when β < 4e-309.
                    saturate(softplus(beta * x) / beta, x)
                }
            }
            Activation::Relu6 => x.clamp(0.0, 6.0),
            Activation::HardTanh { min, max } => x.max(min).min(max),
            Activation::HardSigmoid => (x + 3.0).clamp(0.0, 6.0) / 6.0,
            Activation::HardSwish => {
                // PyTorch's order of operations (bit for bit the same), except that x·6
                // overflows above f64::MAX / 6, where the value is x itself.
                let v = x * (x + 3.0).clamp(0.0, 6.0) / 6.0;
                if v.is_finite() { v } else { x }
            }
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => tanh(x),
            Activation::Softsign => x / (1.0 + x.abs()),
            Activation::Linear => x,
            Activation::Step => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// f'(x), analytic, with PyTorch autograd's convention at kinks.
    #[inline]
    pub fn derivative(&self, x: f64) -> f64 {
        match *self {
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu { slope } => {
                if x > 0.0 {
                    1.0
                } else {
                    slope
                }
            }
            Activation::Prelu { a } => {
                if x > 0.0 {
                    1.0
                } else {
                    a
                }
            }
            Activation::Elu { alpha } => {
                if x > 0.0 {
                    1.0
                } else {
                    alpha * exp(x)
                }
            }
            Activation::Selu => {
                if x > 0.0 {
                    SELU_SCALE
                } else {
                    SELU_SCALE * SELU_ALPHA * exp(x)
                }
            }
            Activation::Celu { alpha } => {
                if x > 0.0 {
                    1.0
                } else {
                    exp(x / alpha)
                }
            }
            Activation::Gelu {
                approx: GeluApprox::None,
            } => normal_cdf(x) + x * INV_SQRT_2PI * exp(-0.5 * x * x),
            Activation::Gelu {
                approx: GeluApprox::Tanh,
            } => {
                // d/dx [x·σ(2u)] = σ(2u) + x·2σ(2u)σ(−2u)·u'.
                let x2 = x * x;
                let u = SQRT_2_OVER_PI * x * (1.0 + GELU_TANH_COEF * x2);
                let du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_COEF * x2);
                sigmoid(2.0 * u) + times_vanishing(2.0 * x * du, sigmoid_slope(2.0 * u))
            }
            Activation::Silu { beta } => {
                sigmoid(beta * x) + times_vanishing(beta * x, sigmoid_slope(beta * x))
            }
            Activation::Mish => {
                let sp = softplus(x);
                tanh(sp) + x * sigmoid(x) * tanh_slope(sp)
            }
            Activation::Softplus { beta, threshold } => {
                if beta * x > threshold {
                    1.0
                } else {
                    sigmoid(beta * x)
                }
            }
            Activation::Relu6 => inside(x, 0.0, 6.0, 1.0),
            Activation::HardTanh { min, max } => inside(x, min, max, 1.0),
            Activation::HardSigmoid => inside(x, -3.0, 3.0, 1.0 / 6.0),
            Activation::HardSwish => {
                if x <= -3.0 {
                    0.0
                } else if x < 3.0 {
                    x / 3.0 + 0.5
                } else {
                    1.0
                }
            }
            Activation::Sigmoid => sigmoid_slope(x),
            Activation::Tanh => tanh_slope(x),
            Activation::Softsign => {
                let d = 1.0 + x.abs();
                1.0 / (d * d)
            }
            Activation::Linear => 1.0,
            Activation::Step => 0.0,
        }
    }
}

/// `v`, the result for input `x`, saturated at ±f64::MAX when a finite input overflowed: its
/// exact value lies beyond f64's range. An infinite input stays infinite, so a diverged network
/// still looks diverged.
#[inline]
fn saturate(v: f64, x: f64) -> f64 {
    if v.is_infinite() && x.is_finite() {
        f64::MAX.copysign(v)
    } else {
        v
    }
}

/// a·b where b is a slope that underflows to 0 exactly when a overflows: 0 rather than NaN.
#[inline]
fn times_vanishing(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a * b }
}

#[inline]
fn leaky(x: f64, slope: f64) -> f64 {
    if x > 0.0 { x } else { slope * x }
}

/// PyTorch's elu kernel: `x > 0 ? x : alpha*(exp(x*input_scale) - 1)`.
#[inline]
fn elu(x: f64, alpha: f64, input_scale: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        alpha * libm::expm1(x * input_scale)
    }
}

/// `slope` strictly inside (lo, hi), 0 on and outside the kinks (PyTorch hardtanh_backward).
#[inline]
fn inside(x: f64, lo: f64, hi: f64, slope: f64) -> f64 {
    if x > lo && x < hi { slope } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_table_matches_kind_order() {
        for k in Kind::ALL {
            assert_eq!(k.info().name.parse::<Kind>().unwrap(), k);
        }
    }

    #[test]
    fn display_round_trips_defaults() {
        for k in Kind::ALL {
            let a = k.default_activation();
            assert_eq!(a.to_string().parse::<Activation>().unwrap(), a);
            assert_eq!(a.to_string(), k.name());
        }
    }
}
