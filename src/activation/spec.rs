//! Spec strings, shared by the CLI and the config file: `NAME` or `NAME:KEY=VALUE[,KEY=VALUE]`,
//! e.g. `leaky-relu:slope=0.2`, `gelu:approx=tanh`. `Display` parses back to the same value.

use std::fmt;
use std::str::FromStr;

use super::{Activation, GeluApprox, Kind, ParamSpec};
use crate::message::{number, quote};

impl Activation {
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
                        "hard-tanh needs min < max, got min={}, max={}",
                        number(*min),
                        number(*max)
                    )));
                }
            }
            _ => unreachable!("every activation with params is listed"),
        }
        Ok(out)
    }
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
    #[error("unknown activation {}{suggestion}; valid: {valid}", quote(.name), suggestion = did_you_mean(.suggestion), valid = all_names())]
    UnknownName {
        name: String,
        suggestion: Option<&'static str>,
    },
    #[error("activation '{name}' has no parameter {}; {valid}", quote(.key))]
    UnknownKey {
        name: &'static str,
        key: String,
        valid: String,
    },
    #[error(
        "{name}: {key}={} is out of range; it must be {lo}{min} and <= {max}",
        number(*.value),
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
        let mut seen: Vec<String> = Vec::new();
        let mut params: Vec<(String, f64)> = Vec::new();
        for pair in rest.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(SpecError::Invalid(format!(
                    "{} in {} is not KEY=VALUE (e.g. leaky-relu:slope=0.2)",
                    quote(pair),
                    quote(s)
                )));
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            // The last of two values would win silently; which one was meant is unknown.
            if seen.contains(&key) {
                return Err(SpecError::Invalid(format!(
                    "{} gives {} twice; give each parameter once",
                    quote(s),
                    quote(&key)
                )));
            }
            seen.push(key.clone());
            if act.kind() == Kind::Gelu && key == "approx" {
                let approx = match value.to_ascii_lowercase().as_str() {
                    "none" | "erf" | "exact" => GeluApprox::None,
                    "tanh" => GeluApprox::Tanh,
                    _ => {
                        return Err(SpecError::Invalid(format!(
                            "gelu: approx={} is not valid; valid: none, tanh",
                            quote(value)
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
                    "{}: {key}={} is not a number (e.g. {key}={})",
                    act.info().name,
                    quote(value),
                    act.info()
                        .params
                        .iter()
                        .find(|p| p.key == key)
                        .map_or(0.0, |p| p.default)
                ))
            })?;
            params.push((key, v));
        }
        // hard-tanh's min < max may hold only once both are set (min=2,max=3 passes through
        // min=2,max=1), so the other order is tried before reporting the first error.
        let forward = params.iter().try_fold(act, |a, (k, v)| a.with_param(k, *v));
        forward.or_else(|e| {
            params
                .iter()
                .rev()
                .try_fold(act, |a, (k, v)| a.with_param(k, *v))
                .map_err(|_| e)
        })
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
                (v.to_bits() != spec.default.to_bits())
                    .then(|| format!("{}={}", spec.key, number(v)))
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
