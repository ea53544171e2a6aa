//! Weight and bias initialization schemes, drawn from a seeded portable generator.
//!
//! The formulas follow `torch.nn.init` (fan-in is the number of inputs of a neuron):
//!
//! | scheme          | weights                                   |
//! |-----------------|-------------------------------------------|
//! | he-normal       | N(0, 2/fan_in)  (kaiming_normal_, gain √2) |
//! | he-uniform      | U(±√(6/fan_in)) (kaiming_uniform_, gain √2) |
//! | xavier-normal   | N(0, 2/(fan_in+fan_out))                  |
//! | xavier-uniform  | U(±√(6/(fan_in+fan_out)))                 |
//! | lecun-normal    | N(0, 1/fan_in)                            |
//! | playground      | U(-0.5, 0.5) (TensorFlow Playground)      |
//! | zero            | 0                                         |
//! | rai             | randomized asymmetric init (Lu et al. 2019), see [`Init::Rai`] |
//!
//! Draw order is fixed (weights row by row, then biases) and normal draws use the pure-Rust
//! `libm`, so a seed gives the same network on every machine.

use std::fmt;
use std::str::FromStr;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::{EngineError, suggestion};

/// The standard deviation factor of RAI, from Lu et al. 2019 ("Dying ReLU and Initialization:
/// Theory and Numerical Examples"), chosen so the second moment of the output is preserved.
pub const RAI_SIGMA: f64 = 0.6007;

/// A weight initialization scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Init {
    /// Kaiming normal, fan-in mode, gain √2: std = √(2/fan_in).
    #[default]
    HeNormal,
    /// Kaiming uniform, fan-in mode, gain √2: bound = √(6/fan_in).
    HeUniform,
    /// Glorot normal: std = √(2/(fan_in+fan_out)).
    XavierNormal,
    /// Glorot uniform: bound = √(6/(fan_in+fan_out)).
    XavierUniform,
    /// LeCun normal: std = √(1/fan_in).
    LecunNormal,
    /// TensorFlow Playground: weights U(-0.5, 0.5).
    Playground,
    /// All weights zero (every neuron in a layer stays identical: a lesson in symmetry).
    Zero,
    /// Randomized asymmetric initialization (Lu et al. 2019): for each neuron, the vector of its
    /// fan_in weights and its bias is drawn from N(0, σ²/fan_in) with σ = 0.6007, then one
    /// uniformly chosen entry is replaced by a Beta(2,1) draw (positive), which makes a neuron
    /// far less likely to be born dead.
    Rai,
}

impl Init {
    /// Every scheme, in the order the UI cycles through them.
    pub const ALL: [Init; 8] = [
        Init::HeNormal,
        Init::HeUniform,
        Init::XavierNormal,
        Init::XavierUniform,
        Init::LecunNormal,
        Init::Playground,
        Init::Zero,
        Init::Rai,
    ];

    /// The name used on the command line, in config files and in model files.
    pub fn name(self) -> &'static str {
        match self {
            Init::HeNormal => "he-normal",
            Init::HeUniform => "he-uniform",
            Init::XavierNormal => "xavier-normal",
            Init::XavierUniform => "xavier-uniform",
            Init::LecunNormal => "lecun-normal",
            Init::Playground => "playground",
            Init::Zero => "zero",
            Init::Rai => "rai",
        }
    }

    /// The next (or previous) scheme in [`Init::ALL`], wrapping around.
    pub fn cycle(self, back: bool) -> Init {
        let i = Init::ALL.iter().position(|&s| s == self).unwrap_or(0);
        let n = Init::ALL.len();
        Init::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
}

impl fmt::Display for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Init {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        let key = match key.as_str() {
            "kaiming-normal" | "he" | "kaiming" => "he-normal",
            "kaiming-uniform" => "he-uniform",
            "glorot-normal" | "xavier" | "glorot" => "xavier-normal",
            "glorot-uniform" => "xavier-uniform",
            "lecun" => "lecun-normal",
            "zeros" => "zero",
            other => other,
        };
        Init::ALL
            .into_iter()
            .find(|i| i.name() == key)
            .ok_or_else(|| {
                let names: Vec<&str> = Init::ALL.iter().map(|i| i.name()).collect();
                EngineError::invalid(format!(
                    "unknown init '{s}'{}; valid: {}",
                    suggestion(key, &names),
                    names.join(", ")
                ))
            })
    }
}

/// How biases start: a constant (Playground uses 0.1) or the weight scheme's own rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BiasInit {
    /// Every bias equals this value (any finite number, negative included).
    Constant(f64),
    /// The scheme's bias: RAI's own draw; 0 for `zero`; 0.1 for `playground` (its bias);
    /// otherwise PyTorch nn.Linear's default U(-1/√fan_in, 1/√fan_in).
    Scheme,
}

impl Default for BiasInit {
    fn default() -> Self {
        BiasInit::Constant(0.1)
    }
}

impl fmt::Display for BiasInit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Short for very large or small values (1e300, not 301 digits), and exact.
            BiasInit::Constant(v) => f.write_str(&crate::message::number(*v)),
            BiasInit::Scheme => f.write_str("scheme"),
        }
    }
}

impl FromStr for BiasInit {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("scheme") {
            return Ok(BiasInit::Scheme);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(BiasInit::Constant(v)),
            _ => Err(EngineError::invalid(format!(
                "invalid bias init '{s}': give a finite number (e.g. 0.1 or -3) or 'scheme'"
            ))),
        }
    }
}

/// A ChaCha8 generator seeded from a `u64`: the same seed gives the same stream everywhere.
pub fn rng_from_seed(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// U(lo, hi) from 53 random bits.
fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// N(0, std²) by Marsaglia's polar method with the pure-Rust `libm` log, so draws are
/// identical on every platform (a platform's own `ln` may differ in the last bit).
pub(crate) fn normal(rng: &mut ChaCha8Rng, std: f64) -> f64 {
    loop {
        let u = 2.0 * rng.random::<f64>() - 1.0;
        let v = 2.0 * rng.random::<f64>() - 1.0;
        let s = u * u + v * v;
        if s < 1.0 && s > 0.0 {
            return std * u * (-2.0 * libm::log(s) / s).sqrt();
        }
    }
}

/// Initializes one layer of `fan_out` neurons with `fan_in` inputs each.
///
/// Returns `(weights, biases)`: weights row-major out × in (`weights[i * fan_in + j]` is the
/// weight from input `j` to neuron `i`, as PyTorch nn.Linear), biases of length `fan_out`.
/// A `fan_in` of 0 is treated as 1 in the scale formulas (there are no weights to draw).
pub fn init_layer(
    init: Init,
    bias: BiasInit,
    fan_in: usize,
    fan_out: usize,
    rng: &mut ChaCha8Rng,
) -> (Vec<f64>, Vec<f64>) {
    let fi = fan_in.max(1) as f64;
    let fo = fan_out as f64;
    let n = fan_in * fan_out;
    if init == Init::Rai {
        return rai_layer(bias, fan_in, fan_out, rng);
    }
    let weights: Vec<f64> = match init {
        Init::HeNormal => (0..n).map(|_| normal(rng, (2.0 / fi).sqrt())).collect(),
        Init::HeUniform => {
            let b = (6.0 / fi).sqrt();
            (0..n).map(|_| uniform(rng, -b, b)).collect()
        }
        Init::XavierNormal => {
            let std = (2.0 / (fi + fo)).sqrt();
            (0..n).map(|_| normal(rng, std)).collect()
        }
        Init::XavierUniform => {
            let b = (6.0 / (fi + fo)).sqrt();
            (0..n).map(|_| uniform(rng, -b, b)).collect()
        }
        Init::LecunNormal => (0..n).map(|_| normal(rng, (1.0 / fi).sqrt())).collect(),
        Init::Playground => (0..n).map(|_| uniform(rng, -0.5, 0.5)).collect(),
        Init::Zero | Init::Rai => vec![0.0; n],
    };
    let biases = match (bias, init) {
        (BiasInit::Constant(c), _) => vec![c; fan_out],
        (BiasInit::Scheme, Init::Zero) => vec![0.0; fan_out],
        (BiasInit::Scheme, Init::Playground) => vec![0.1; fan_out],
        (BiasInit::Scheme, _) => {
            let b = 1.0 / fi.sqrt();
            (0..fan_out).map(|_| uniform(rng, -b, b)).collect()
        }
    };
    (weights, biases)
}

/// RAI: per neuron, V ~ N(0, σ²/fan_in) over (weights, bias), one random entry := Beta(2,1).
fn rai_layer(
    bias: BiasInit,
    fan_in: usize,
    fan_out: usize,
    rng: &mut ChaCha8Rng,
) -> (Vec<f64>, Vec<f64>) {
    let std = RAI_SIGMA / (fan_in.max(1) as f64).sqrt();
    let mut weights = Vec::with_capacity(fan_in * fan_out);
    let mut biases = Vec::with_capacity(fan_out);
    let mut v = vec![0.0; fan_in + 1];
    for _ in 0..fan_out {
        for x in &mut v {
            *x = normal(rng, std);
        }
        let k = rng.random_range(0..=fan_in);
        // Beta(2,1) has CDF x², so √U is an exact draw from it (and always positive).
        v[k] = rng.random::<f64>().sqrt();
        weights.extend_from_slice(&v[..fan_in]);
        biases.push(match bias {
            BiasInit::Constant(c) => c,
            BiasInit::Scheme => v[fan_in],
        });
    }
    (weights, biases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_var(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        (m, xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n)
    }

    #[test]
    fn names_round_trip() {
        for i in Init::ALL {
            assert_eq!(i.to_string().parse::<Init>().unwrap(), i);
        }
        assert_eq!("Kaiming_Normal".parse::<Init>().unwrap(), Init::HeNormal);
        let err = "he-normla".parse::<Init>().unwrap_err().to_string();
        assert!(err.contains("did you mean 'he-normal'"), "{err}");
        for b in [
            BiasInit::Constant(0.1),
            BiasInit::Constant(-3.0),
            BiasInit::Scheme,
        ] {
            assert_eq!(b.to_string().parse::<BiasInit>().unwrap(), b);
        }
        assert!("nan".parse::<BiasInit>().is_err());
        assert!("inf".parse::<BiasInit>().is_err());
        assert!("x".parse::<BiasInit>().is_err());
    }

    #[test]
    fn same_seed_same_layer() {
        for i in Init::ALL {
            let a = init_layer(i, BiasInit::Scheme, 5, 7, &mut rng_from_seed(3));
            let b = init_layer(i, BiasInit::Scheme, 5, 7, &mut rng_from_seed(3));
            assert_eq!(a, b);
            assert_eq!(a.0.len(), 35);
            assert_eq!(a.1.len(), 7);
        }
    }

    #[test]
    fn variances_match_torch_formulas() {
        let (fi, fo) = (50, 400);
        let cases = [
            (Init::HeNormal, 2.0f64 / 50.0),
            (Init::HeUniform, 2.0 / 50.0),
            (Init::XavierNormal, 2.0 / 450.0),
            (Init::XavierUniform, 2.0 / 450.0),
            (Init::LecunNormal, 1.0 / 50.0),
            (Init::Playground, 1.0 / 12.0),
        ];
        for (init, var) in cases {
            let (w, _) = init_layer(init, BiasInit::Constant(0.0), fi, fo, &mut rng_from_seed(1));
            let (m, v) = mean_var(&w);
            assert!(m.abs() < 0.05 * var.sqrt(), "{init}: mean {m}");
            assert!((v / var - 1.0).abs() < 0.05, "{init}: var {v} vs {var}");
        }
        let (w, b) = init_layer(Init::Zero, BiasInit::Scheme, 3, 4, &mut rng_from_seed(1));
        assert!(w.iter().chain(&b).all(|&x| x == 0.0));
    }

    #[test]
    fn uniform_bounds_hold() {
        let (w, b) = init_layer(
            Init::HeUniform,
            BiasInit::Scheme,
            4,
            1000,
            &mut rng_from_seed(2),
        );
        let bound = (6.0f64 / 4.0).sqrt();
        assert!(w.iter().all(|x| x.abs() <= bound));
        assert!(w.iter().any(|x| x.abs() > 0.95 * bound));
        assert!(b.iter().all(|x| x.abs() <= 0.5));
        assert!(b.iter().any(|x| x.abs() > 0.45));
    }

    #[test]
    fn rai_has_one_positive_beta_entry_per_neuron() {
        let fan_in = 2;
        let (w, b) = init_layer(
            Init::Rai,
            BiasInit::Scheme,
            fan_in,
            2000,
            &mut rng_from_seed(4),
        );
        let std = RAI_SIGMA / (fan_in as f64).sqrt();
        // The replaced entry lands on each of the 3 positions about equally often.
        let mut hits = [0usize; 3];
        let mut rest = Vec::new();
        for i in 0..2000 {
            let v = [w[2 * i], w[2 * i + 1], b[i]];
            // The Beta entry is positive; pick it as the one most unlikely under the normal.
            let k = (0..3)
                .filter(|&k| v[k] > 0.0)
                .max_by(|&a, &c| v[a].total_cmp(&v[c]))
                .unwrap();
            hits[k] += 1;
            rest.extend((0..3).filter(|&j| j != k).map(|j| v[j]));
        }
        assert!(hits.iter().all(|&h| h > 450), "{hits:?}");
        let (_, var) = mean_var(&rest);
        // Removing the max positive entry biases the rest slightly; a loose check suffices.
        assert!(
            (var.sqrt() / std - 1.0).abs() < 0.2,
            "{} vs {std}",
            var.sqrt()
        );
        // Constant bias overrides the drawn one.
        let (_, b) = init_layer(
            Init::Rai,
            BiasInit::Constant(-1.0),
            2,
            5,
            &mut rng_from_seed(4),
        );
        assert!(b.iter().all(|&x| x == -1.0));
    }

    #[test]
    fn beta_draw_mean_is_two_thirds() {
        let mut rng = rng_from_seed(9);
        let xs: Vec<f64> = (0..20000).map(|_| rng.random::<f64>().sqrt()).collect();
        let (m, _) = mean_var(&xs);
        assert!((m - 2.0 / 3.0).abs() < 0.01, "{m}");
    }
}
