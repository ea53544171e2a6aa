//! What the UI and help texts show about each activation: names, formulas, parameters with
//! their ranges, and whether it can die or saturate.

use super::Kind;

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
    /// Metadata for the UI and the help texts.
    pub fn info(self) -> &'static Info {
        &INFOS[self as usize]
    }

    /// The spec name, e.g. `leaky-relu`.
    pub fn name(self) -> &'static str {
        self.info().name
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
        derivative: "f'(x) = 0 if x <= -3, x/3 + 1/2 if x < 3, else 1",
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
