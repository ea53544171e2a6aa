//! The math of every activation function: value, derivative, metadata and spec strings.
//!
//! Values and derivatives follow PyTorch's definitions. Where a function has a kink, the
//! derivative there is the one PyTorch's autograd returns (documented on each variant), so a
//! network trained here can be checked against one trained there.
//!
//! Transcendental functions come from `libm` (pure Rust), so results are bit-identical across
//! platforms. Everything is numerically stable for every finite `f64`: no branch evaluates `exp` of a large
//! positive number where the result is used, so inputs such as ±1000 give finite results.

use std::fmt;
use std::str::FromStr;

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
    /// x·relu6(x + 3)/6. Derivative 0 for x < −3, x/3 + ½ for −3 ≤ x ≤ 3, 1 above (PyTorch).
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

/// A numeric parameter of an activation, with its valid range (inclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    pub key: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    /// Whether `min` itself is excluded (e.g. α > 0).
    pub min_exclusive: bool,
    pub help: &'static str,
}

/// What the UI shows about an activation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Info {
    /// The spec name, e.g. `leaky-relu`.
    pub name: &'static str,
    /// A human name, e.g. `Leaky ReLU`.
    pub display: &'static str,
    /// f(x) as text.
    pub formula: &'static str,
    /// f'(x) as text, with the convention at kinks.
    pub derivative: &'static str,
    /// Numeric parameters (GELU's `approx` is a choice, handled apart).
    pub params: &'static [ParamSpec],
    /// f'(x) = 0 exactly on a whole interval: a neuron can get stuck there and die.
    pub can_die: bool,
    /// f'(x) → 0 as x → −∞ (or is 0 there).
    pub flat_negative: bool,
    /// f'(x) → 0 as x → +∞ (or is 0 there): the function saturates for positive inputs.
    pub saturates_positive: bool,
    /// Inputs where the derivative jumps at default parameters (see [`Activation::kinks`]).
    pub kinks: &'static [f64],
}

const fn p(
    key: &'static str,
    default: f64,
    min: f64,
    max: f64,
    min_exclusive: bool,
    help: &'static str,
) -> ParamSpec {
    ParamSpec {
        key,
        default,
        min,
        max,
        min_exclusive,
        help,
    }
}

const SLOPE: [ParamSpec; 1] = [p("slope", 0.01, 0.0, 1.0, false, "slope for x < 0")];
const PRELU_A: [ParamSpec; 1] = [p(
    "a",
    0.25,
    -100.0,
    100.0,
    false,
    "learned slope for x < 0",
)];
const ALPHA: [ParamSpec; 1] = [p(
    "alpha",
    1.0,
    0.0,
    100.0,
    true,
    "scale of the negative side",
)];
const BETA: [ParamSpec; 1] = [p(
    "beta",
    1.0,
    0.0,
    100.0,
    false,
    "sharpness of the sigmoid gate",
)];
const SOFTPLUS: [ParamSpec; 2] = [
    p("beta", 1.0, 0.0, 100.0, true, "sharpness"),
    p(
        "threshold",
        20.0,
        0.0,
        1000.0,
        true,
        "linear above beta*x > threshold",
    ),
];
const HARDTANH: [ParamSpec; 2] = [
    p("min", -1.0, -100.0, 100.0, false, "lower clamp"),
    p("max", 1.0, -100.0, 100.0, false, "upper clamp"),
];

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

    /// Metadata for the UI and the help texts.
    pub fn info(self) -> &'static Info {
        &INFOS[self as usize]
    }

    /// The spec name, e.g. `leaky-relu`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The next kind in [`Kind::ALL`], wrapping around; `back` goes the other way.
    pub fn cycle(self, back: bool) -> Kind {
        let n = Kind::ALL.len();
        let i = self as usize;
        Kind::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
}

/// Indexed by `Kind as usize`; the order must match the enum.
static INFOS: [Info; 19] = [
    Info {
        name: "relu",
        display: "ReLU",
        formula: "f(x) = max(0, x)",
        derivative: "f'(x) = 1 if x > 0, else 0 (f'(0) = 0)",
        params: &[],
        can_die: true,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[0.0],
    },
    Info {
        name: "leaky-relu",
        display: "Leaky ReLU",
        formula: "f(x) = x if x > 0, else slope*x",
        derivative: "f'(x) = 1 if x > 0, else slope (f'(0) = slope)",
        params: &SLOPE,
        can_die: false,
        flat_negative: false,
        saturates_positive: false,
        kinks: &[0.0],
    },
    Info {
        name: "prelu",
        display: "PReLU",
        formula: "f(x) = x if x > 0, else a*x (a learned)",
        derivative: "f'(x) = 1 if x > 0, else a (f'(0) = a)",
        params: &PRELU_A,
        can_die: false,
        flat_negative: false,
        saturates_positive: false,
        kinks: &[0.0],
    },
    Info {
        name: "elu",
        display: "ELU",
        formula: "f(x) = x if x > 0, else alpha*(exp(x) - 1)",
        derivative: "f'(x) = 1 if x > 0, else alpha*exp(x) (f'(0) = alpha)",
        params: &ALPHA,
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[0.0],
    },
    Info {
        name: "selu",
        display: "SELU",
        formula: "f(x) = scale*(x if x > 0, else alpha*(exp(x) - 1))",
        derivative: "f'(x) = scale if x > 0, else scale*alpha*exp(x)",
        params: &[],
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[0.0],
    },
    Info {
        name: "celu",
        display: "CELU",
        formula: "f(x) = max(0,x) + min(0, alpha*(exp(x/alpha) - 1))",
        derivative: "f'(x) = 1 if x > 0, else exp(x/alpha)",
        params: &ALPHA,
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[],
    },
    Info {
        name: "gelu",
        display: "GELU",
        formula: "f(x) = x*Phi(x)   (approx=tanh: 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))))",
        derivative: "f'(x) = Phi(x) + x*phi(x)",
        params: &[],
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[],
    },
    Info {
        name: "silu",
        display: "SiLU / Swish",
        formula: "f(x) = x*sigmoid(beta*x)",
        derivative: "f'(x) = s + beta*x*s*(1 - s), s = sigmoid(beta*x)",
        params: &BETA,
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[],
    },
    Info {
        name: "mish",
        display: "Mish",
        formula: "f(x) = x*tanh(softplus(x))",
        derivative: "f'(x) = t + x*sigmoid(x)*(1 - t^2), t = tanh(softplus(x))",
        params: &[],
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[],
    },
    Info {
        name: "softplus",
        display: "Softplus",
        formula: "f(x) = ln(1 + exp(beta*x))/beta, x where beta*x > threshold",
        derivative: "f'(x) = sigmoid(beta*x), 1 where beta*x > threshold",
        params: &SOFTPLUS,
        can_die: false,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[],
    },
    Info {
        name: "relu6",
        display: "ReLU6",
        formula: "f(x) = min(max(0, x), 6)",
        derivative: "f'(x) = 1 if 0 < x < 6, else 0 (f'(0) = f'(6) = 0)",
        params: &[],
        can_die: true,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[0.0, 6.0],
    },
    Info {
        name: "hard-tanh",
        display: "Hard tanh",
        formula: "f(x) = clamp(x, min, max)",
        derivative: "f'(x) = 1 if min < x < max, else 0",
        params: &HARDTANH,
        can_die: true,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[-1.0, 1.0],
    },
    Info {
        name: "hard-sigmoid",
        display: "Hard sigmoid",
        formula: "f(x) = relu6(x + 3)/6",
        derivative: "f'(x) = 1/6 if -3 < x < 3, else 0",
        params: &[],
        can_die: true,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[-3.0, 3.0],
    },
    Info {
        name: "hard-swish",
        display: "Hard swish",
        formula: "f(x) = x*relu6(x + 3)/6",
        derivative: "f'(x) = 0 if x < -3, x/3 + 1/2 if x <= 3, else 1",
        params: &[],
        can_die: true,
        flat_negative: true,
        saturates_positive: false,
        kinks: &[-3.0, 3.0],
    },
    Info {
        name: "sigmoid",
        display: "Sigmoid",
        formula: "f(x) = 1/(1 + exp(-x))",
        derivative: "f'(x) = f(x)*(1 - f(x))",
        params: &[],
        can_die: false,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[],
    },
    Info {
        name: "tanh",
        display: "Tanh",
        formula: "f(x) = tanh(x)",
        derivative: "f'(x) = 1 - tanh(x)^2",
        params: &[],
        can_die: false,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[],
    },
    Info {
        name: "softsign",
        display: "Softsign",
        formula: "f(x) = x/(1 + |x|)",
        derivative: "f'(x) = 1/(1 + |x|)^2",
        params: &[],
        can_die: false,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[],
    },
    Info {
        name: "linear",
        display: "Linear",
        formula: "f(x) = x",
        derivative: "f'(x) = 1",
        params: &[],
        can_die: false,
        flat_negative: false,
        saturates_positive: false,
        kinks: &[],
    },
    Info {
        name: "step",
        display: "Step (Heaviside)",
        formula: "f(x) = 1 if x > 0, else 0",
        derivative: "f'(x) = 0 everywhere: no gradient flows",
        params: &[],
        can_die: true,
        flat_negative: true,
        saturates_positive: true,
        kinks: &[0.0],
    },
];

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
pub fn sigmoid_slope(x: f64) -> f64 {
    sigmoid(x) * sigmoid(-x)
}

/// tanh'(x) = 1/cosh²(x): unlike 1 − tanh², keeps full relative precision for large |x|.
#[inline]
pub fn tanh_slope(x: f64) -> f64 {
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
            Activation::Prelu { a } => leaky(x, a),
            Activation::Elu { alpha } => elu(x, alpha, 1.0),
            Activation::Selu => SELU_SCALE * elu(x, SELU_ALPHA, 1.0),
            Activation::Celu { alpha } => elu(x, alpha, 1.0 / alpha),
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
                    softplus(beta * x) / beta
                }
            }
            Activation::Relu6 => x.clamp(0.0, 6.0),
            Activation::HardTanh { min, max } => x.max(min).min(max),
            Activation::HardSigmoid => (x + 3.0).clamp(0.0, 6.0) / 6.0,
            Activation::HardSwish => x * (x + 3.0).clamp(0.0, 6.0) / 6.0,
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
                if x < -3.0 {
                    0.0
                } else if x <= 3.0 {
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

    /// The value of parameter `key`, if this activation has it.
    pub fn param(&self, key: &str) -> Option<f64> {
        match (*self, key) {
            (Activation::LeakyRelu { slope }, "slope") => Some(slope),
            (Activation::Prelu { a }, "a") => Some(a),
            (Activation::Elu { alpha } | Activation::Celu { alpha }, "alpha") => Some(alpha),
            (Activation::Silu { beta }, "beta") => Some(beta),
            (Activation::Softplus { beta, .. }, "beta") => Some(beta),
            (Activation::Softplus { threshold, .. }, "threshold") => Some(threshold),
            (Activation::HardTanh { min, .. }, "min") => Some(min),
            (Activation::HardTanh { max, .. }, "max") => Some(max),
            _ => None,
        }
    }

    /// A copy with parameter `key` set to `value`, validated against its range.
    pub fn with_param(&self, key: &str, value: f64) -> Result<Activation, SpecError> {
        let info = self.info();
        let Some(spec) = info.params.iter().find(|s| s.key == key) else {
            return Err(SpecError::UnknownKey {
                name: info.name,
                key: key.to_string(),
                valid: valid_keys(*self),
            });
        };
        check_range(info.name, spec, value)?;
        let mut out = *self;
        match &mut out {
            Activation::LeakyRelu { slope } => *slope = value,
            Activation::Prelu { a } => *a = value,
            Activation::Elu { alpha } | Activation::Celu { alpha } => *alpha = value,
            Activation::Silu { beta } => *beta = value,
            Activation::Softplus { beta, threshold } => match key {
                "beta" => *beta = value,
                _ => *threshold = value,
            },
            Activation::HardTanh { min, max } => {
                match key {
                    "min" => *min = value,
                    _ => *max = value,
                }
                if *min >= *max {
                    return Err(SpecError::Invalid(format!(
                        "hard-tanh needs min < max, got min={min}, max={max}"
                    )));
                }
            }
            _ => unreachable!("every activation with params is listed"),
        }
        Ok(out)
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

fn check_range(name: &'static str, spec: &ParamSpec, value: f64) -> Result<(), SpecError> {
    let below = if spec.min_exclusive {
        value <= spec.min
    } else {
        value < spec.min
    };
    if !value.is_finite() || below || value > spec.max {
        return Err(SpecError::OutOfRange {
            name,
            key: spec.key,
            value,
            min: spec.min,
            max: spec.max,
            min_exclusive: spec.min_exclusive,
        });
    }
    Ok(())
}

fn valid_keys(act: Activation) -> String {
    let mut keys: Vec<&str> = act.info().params.iter().map(|s| s.key).collect();
    if act.kind() == Kind::Gelu {
        keys.push("approx");
    }
    if keys.is_empty() {
        "it takes no parameters".to_string()
    } else {
        format!("valid keys: {}", keys.join(", "))
    }
}

/// Why a spec string was rejected. The message lists the valid choices.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("unknown activation '{name}'{suggestion}; valid: {valid}", suggestion = did_you_mean(.suggestion), valid = all_names())]
    UnknownName {
        name: String,
        suggestion: Option<&'static str>,
    },
    #[error("activation '{name}' has no parameter '{key}'; {valid}")]
    UnknownKey {
        name: &'static str,
        key: String,
        valid: String,
    },
    #[error(
        "{name}: {key}={value} is out of range; it must be {lo}{min} and <= {max}",
        lo = if *.min_exclusive { "> " } else { ">= " }
    )]
    OutOfRange {
        name: &'static str,
        key: &'static str,
        value: f64,
        min: f64,
        max: f64,
        min_exclusive: bool,
    },
    #[error("{0}")]
    Invalid(String),
}

fn did_you_mean(s: &Option<&'static str>) -> String {
    match s {
        Some(s) => format!(" (did you mean '{s}'?)"),
        None => String::new(),
    }
}

fn all_names() -> String {
    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    names.join(", ")
}

/// Extra names accepted by the parser.
const ALIASES: [(&str, Kind); 8] = [
    ("swish", Kind::Silu),
    ("leakyrelu", Kind::LeakyRelu),
    ("lrelu", Kind::LeakyRelu),
    ("hardtanh", Kind::HardTanh),
    ("hardsigmoid", Kind::HardSigmoid),
    ("hardswish", Kind::HardSwish),
    ("identity", Kind::Linear),
    ("heaviside", Kind::Step),
];

impl FromStr for Kind {
    type Err = SpecError;

    fn from_str(s: &str) -> Result<Kind, SpecError> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        if let Some(k) = Kind::ALL.iter().find(|k| k.name() == norm) {
            return Ok(*k);
        }
        if let Some((_, k)) = ALIASES.iter().find(|(a, _)| *a == norm) {
            return Ok(*k);
        }
        let candidates = Kind::ALL
            .iter()
            .map(|k| k.name())
            .chain(ALIASES.iter().map(|(a, _)| *a));
        let suggestion = candidates
            .map(|c| (strsim::levenshtein(&norm, c), c))
            .filter(|(d, c)| *d <= 2.max(c.len() / 3))
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c);
        Err(SpecError::UnknownName {
            name: s.trim().to_string(),
            suggestion,
        })
    }
}

impl FromStr for Activation {
    type Err = SpecError;

    /// Parses `NAME` or `NAME:KEY=VALUE[,KEY=VALUE]`, e.g. `leaky-relu:slope=0.2`.
    fn from_str(s: &str) -> Result<Activation, SpecError> {
        let (name, rest) = match s.split_once(':') {
            Some((n, r)) => (n, Some(r)),
            None => (s, None),
        };
        let mut act = name.parse::<Kind>()?.default_activation();
        let Some(rest) = rest else { return Ok(act) };
        for pair in rest.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(SpecError::Invalid(format!(
                    "'{pair}' in '{s}' is not KEY=VALUE (e.g. leaky-relu:slope=0.2)"
                )));
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            if act.kind() == Kind::Gelu && key == "approx" {
                let approx = match value.to_ascii_lowercase().as_str() {
                    "none" | "erf" | "exact" => GeluApprox::None,
                    "tanh" => GeluApprox::Tanh,
                    _ => {
                        return Err(SpecError::Invalid(format!(
                            "gelu: approx={value} is not valid; valid: none, tanh"
                        )));
                    }
                };
                act = Activation::Gelu { approx };
                continue;
            }
            if act.param(&key).is_none() {
                return Err(SpecError::UnknownKey {
                    name: act.info().name,
                    key,
                    valid: valid_keys(act),
                });
            }
            let v: f64 = value.parse().map_err(|_| {
                SpecError::Invalid(format!(
                    "{}: {key}={value} is not a number (e.g. {key}={})",
                    act.info().name,
                    act.info()
                        .params
                        .iter()
                        .find(|p| p.key == key)
                        .map_or(0.0, |p| p.default)
                ))
            })?;
            act = act.with_param(&key, v)?;
        }
        Ok(act)
    }
}

impl fmt::Display for Activation {
    /// The spec string; parameters equal to their defaults are left out. Parses back to `self`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.info();
        f.write_str(info.name)?;
        let mut parts: Vec<String> = info
            .params
            .iter()
            .filter_map(|spec| {
                let v = self.param(spec.key)?;
                (v.to_bits() != spec.default.to_bits()).then(|| format!("{}={v}", spec.key))
            })
            .collect();
        if let Activation::Gelu {
            approx: GeluApprox::Tanh,
        } = self
        {
            parts.push("approx=tanh".to_string());
        }
        if !parts.is_empty() {
            write!(f, ":{}", parts.join(","))?;
        }
        Ok(())
    }
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
