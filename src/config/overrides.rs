//! The one shape every configuration layer produces: each setting optional, each set value
//! remembering where it came from. Layers are merged field by field (a higher layer's set
//! field wins) and the result is validated once into [`super::Settings`].
//!
//! Every setting is read here, from a raw value (TOML or text) whichever layer supplies it:
//! the same key names, the same checks and the same messages for a file, an environment
//! variable and a flag.

use crate::activation::Activation;
use crate::cli::ColorChoice;
use crate::engine::{BiasInit, DatasetKind, Feature, Init, OptimizerKind};

use super::diag::{Origin, Problem, Sourced};
use super::raw::Raw;

/// The engine's limits, checked here so a config error names its file, line and column.
pub use crate::engine::config::{MAX_LR, MAX_REGULARIZATION};
pub use crate::engine::network::{MAX_HIDDEN_LAYERS, MAX_WIDTH};

/// Training settings, each optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainOverrides {
    pub dataset: Option<Sourced<DatasetKind>>,
    pub noise: Option<Sourced<f64>>,
    pub train_fraction: Option<Sourced<f64>>,
    pub features: Option<Sourced<Vec<Feature>>>,
    pub layers: Option<Sourced<Vec<usize>>>,
    pub activation: Option<Sourced<Activation>>,
    pub regression_output: Option<Sourced<Activation>>,
    pub init: Option<Sourced<Init>>,
    pub bias_init: Option<Sourced<BiasInit>>,
    pub optimizer: Option<Sourced<OptimizerKind>>,
    pub lr: Option<Sourced<f64>>,
    pub momentum: Option<Sourced<f64>>,
    pub nesterov: Option<Sourced<bool>>,
    pub l1: Option<Sourced<f64>>,
    pub l2: Option<Sourced<f64>>,
    pub clip: Option<Sourced<f64>>,
    pub batch_size: Option<Sourced<usize>>,
    pub shuffle: Option<Sourced<bool>>,
    pub seed: Option<Sourced<u64>>,
}

/// Display settings, each optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DisplayOverrides {
    pub fps: Option<Sourced<u32>>,
    pub color: Option<Sourced<ColorChoice>>,
    pub ascii: Option<Sourced<bool>>,
    pub theme: Option<Sourced<String>>,
    pub x_range: Option<Sourced<(f64, f64)>>,
    pub mouse: Option<Sourced<bool>>,
    pub paused: Option<Sourced<bool>>,
}

/// Health settings, each optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HealthOverrides {
    pub saturation_threshold: Option<Sourced<f64>>,
}

/// Everything a layer can set except keys and theme styles (which only files set).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides {
    pub train: TrainOverrides,
    pub display: DisplayOverrides,
    pub health: HealthOverrides,
}

macro_rules! merge_fields {
    ($low:expr, $high:expr; $($field:ident),* $(,)?) => {
        $( if $high.$field.is_some() { $low.$field = $high.$field; } )*
    };
}

impl TrainOverrides {
    /// Sets every field `higher` sets.
    pub fn merge(&mut self, higher: TrainOverrides) {
        merge_fields!(self, higher; dataset, noise, train_fraction, features, layers, activation,
            regression_output,
            init, bias_init, optimizer, lr, momentum, nesterov, l1, l2, clip, batch_size, shuffle,
            seed);
    }
}

impl DisplayOverrides {
    /// Sets every field `higher` sets.
    pub fn merge(&mut self, higher: DisplayOverrides) {
        merge_fields!(self, higher; fps, color, ascii, theme, x_range, mouse, paused);
    }
}

impl HealthOverrides {
    /// Sets every field `higher` sets.
    pub fn merge(&mut self, higher: HealthOverrides) {
        merge_fields!(self, higher; saturation_threshold);
    }
}

impl Overrides {
    /// Sets every field `higher` sets: `higher` is the layer with precedence.
    pub fn merge(&mut self, higher: Overrides) {
        self.train.merge(higher.train);
        self.display.merge(higher.display);
        self.health.merge(higher.health);
    }
}

/// A section of the configuration and its keys, with an example line for each key.
pub struct Section {
    pub name: &'static str,
    pub keys: &'static [(&'static str, &'static str)],
}

pub const TRAIN: Section = Section {
    name: "train",
    keys: &[
        ("dataset", "dataset = \"circle\""),
        ("noise", "noise = 10"),
        ("train_fraction", "train_fraction = 0.5"),
        ("features", "features = [\"x1\", \"x2\"]"),
        ("layers", "layers = [8, 8]"),
        ("activation", "activation = \"leaky-relu:slope=0.1\""),
        (
            "regression_output",
            "regression_output = \"linear\" (or \"tanh\")",
        ),
        ("init", "init = \"he-normal\""),
        ("bias_init", "bias_init = 0.1 (or \"scheme\")"),
        ("optimizer", "optimizer = \"sgd\""),
        ("lr", "lr = 0.03"),
        ("momentum", "momentum = 0.9"),
        ("nesterov", "nesterov = true"),
        ("l1", "l1 = 0.001"),
        ("l2", "l2 = 0.001"),
        ("clip", "clip = 1.0"),
        ("batch_size", "batch_size = 10"),
        ("shuffle", "shuffle = true"),
        ("seed", "seed = 42"),
    ],
};

pub const DISPLAY: Section = Section {
    name: "display",
    keys: &[
        ("fps", "fps = 15"),
        ("color", "color = \"auto\""),
        ("ascii", "ascii = false"),
        ("theme", "theme = \"default\""),
        ("x_range", "x_range = [-5, 10]"),
        ("mouse", "mouse = false"),
        ("paused", "paused = false"),
    ],
};

pub const HEALTH: Section = Section {
    name: "health",
    keys: &[("saturation_threshold", "saturation_threshold = 0.05")],
};

/// The sections whose keys every layer can set, in file order.
pub const SECTIONS: [&Section; 3] = [&TRAIN, &DISPLAY, &HEALTH];

impl Section {
    pub fn example(&self, key: &str) -> &'static str {
        self.keys
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, e)| *e)
    }

    pub fn key_names(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.keys.iter().map(|(k, _)| *k)
    }
}

/// The section that holds `key` (keys are unique across sections, which is what lets
/// environment variables be flat: `RELUSCOPE_LR`, `RELUSCOPE_FPS`).
pub fn section_of(key: &str) -> Option<&'static Section> {
    SECTIONS
        .into_iter()
        .find(|s| s.keys.iter().any(|(k, _)| *k == key))
}

fn range_problem(key: &str, what: &str, example: &str) -> Problem {
    Problem::new(format!("`{key}` {what}"), format!("for example {example}"))
}

/// Parses a value with a name-like `FromStr` (activation, init, dataset, ...), whose error
/// already says what is valid.
fn parse_name<T>(key: &str, raw: Raw<'_, '_>, example: &str) -> Result<T, Problem>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = raw.string(key, example)?;
    text.parse::<T>()
        .map_err(|e| Problem::new(format!("`{key}`: {e}"), format!("for example {example}")))
}

impl Overrides {
    /// Sets `key` of `section` from a raw value. `Ok(false)` means the key does not exist in
    /// that section (the caller reports it with a suggestion).
    pub fn set(
        &mut self,
        section: &str,
        key: &str,
        raw: Raw<'_, '_>,
        origin: &Origin,
    ) -> Result<bool, Problem> {
        let ex = match section {
            "train" => TRAIN.example(key),
            "display" => DISPLAY.example(key),
            "health" => HEALTH.example(key),
            _ => return Ok(false),
        };
        macro_rules! at {
            ($v:expr) => {
                Some(Sourced::new($v, origin.clone()))
            };
        }
        let t = &mut self.train;
        let d = &mut self.display;
        match (section, key) {
            ("train", "dataset") => t.dataset = at!(parse_name(key, raw, ex)?),
            ("train", "noise") => {
                let v = raw.number(key, ex)?;
                if !(0.0..=50.0).contains(&v) {
                    return Err(range_problem(
                        key,
                        "is a noise level in percent from 0 to 50 (it jitters the points, as Playground)",
                        ex,
                    ));
                }
                t.noise = at!(v);
            }
            ("train", "train_fraction") => {
                let v = raw.number(key, ex)?;
                if !(0.1..=0.9).contains(&v) {
                    return Err(range_problem(
                        key,
                        "must be from 0.1 to 0.9 (the rest is the test set)",
                        ex,
                    ));
                }
                t.train_fraction = at!(v);
            }
            ("train", "features") => {
                let names = raw.strings(key, ex)?;
                if names.is_empty() {
                    return Err(range_problem(key, "needs at least one feature", ex));
                }
                let mut features = Vec::with_capacity(names.len());
                for name in &names {
                    let f: Feature = name.parse().map_err(|e| {
                        Problem::new(format!("`{key}`: {e}"), format!("for example {ex}"))
                    })?;
                    if features.contains(&f) {
                        return Err(range_problem(key, &format!("lists '{name}' twice"), ex));
                    }
                    features.push(f);
                }
                t.features = at!(features);
            }
            ("train", "layers") => {
                // `none` spells "no hidden layer" in text, where an empty value means unset.
                let widths = match raw {
                    Raw::Text(t) if t.trim().eq_ignore_ascii_case("none") => Vec::new(),
                    _ => raw.unsigned_list(key, ex)?,
                };
                if widths.len() > MAX_HIDDEN_LAYERS {
                    return Err(range_problem(
                        key,
                        &format!(
                            "has {} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed",
                            widths.len()
                        ),
                        ex,
                    ));
                }
                if let Some(w) = widths.iter().find(|w| !(1..=MAX_WIDTH as u64).contains(w)) {
                    return Err(range_problem(
                        key,
                        &format!("has a layer of {w} neurons; each layer needs 1 to {MAX_WIDTH}"),
                        ex,
                    ));
                }
                t.layers = at!(widths.iter().map(|&w| w as usize).collect());
            }
            ("train", "activation") => t.activation = at!(parse_name(key, raw, ex)?),
            ("train", "regression_output") => {
                let a: Activation = parse_name(key, raw, ex)?;
                if !matches!(a, Activation::Linear | Activation::Tanh) {
                    return Err(range_problem(
                        key,
                        &format!("is '{a}'; the regression output is linear or tanh"),
                        ex,
                    ));
                }
                t.regression_output = at!(a);
            }
            ("train", "init") => t.init = at!(parse_name(key, raw, ex)?),
            ("train", "bias_init") => {
                let value = match raw {
                    Raw::Toml(toml::de::DeValue::String(_)) | Raw::Text(_) => {
                        parse_name(key, raw, ex)?
                    }
                    _ => BiasInit::Constant(raw.number(key, ex)?),
                };
                t.bias_init = at!(value);
            }
            ("train", "optimizer") => t.optimizer = at!(parse_name(key, raw, ex)?),
            ("train", "lr") => {
                let v = raw.number(key, ex)?;
                // The engine's rule, PyTorch's: 0 is allowed (a frozen baseline in a sweep).
                if !(0.0..=MAX_LR).contains(&v) {
                    return Err(range_problem(
                        key,
                        &format!("must be at least 0 and at most {MAX_LR}"),
                        ex,
                    ));
                }
                t.lr = at!(v);
            }
            ("train", "momentum") => {
                let v = raw.number(key, ex)?;
                if !(0.0..1.0).contains(&v) {
                    return Err(range_problem(key, "must be at least 0 and below 1", ex));
                }
                t.momentum = at!(v);
            }
            ("train", "nesterov") => t.nesterov = at!(raw.boolean(key, ex)?),
            ("train", k @ ("l1" | "l2" | "clip")) => {
                let v = raw.number(key, ex)?;
                if k == "clip" && v < 0.0 {
                    return Err(range_problem(key, "must be 0 (off) or above", ex));
                }
                if k != "clip" && !(0.0..=MAX_REGULARIZATION).contains(&v) {
                    return Err(range_problem(
                        key,
                        &format!("must be at least 0 and at most {MAX_REGULARIZATION}"),
                        ex,
                    ));
                }
                match k {
                    "l1" => t.l1 = at!(v),
                    "l2" => t.l2 = at!(v),
                    _ => t.clip = at!(v),
                }
            }
            ("train", "batch_size") => {
                let v = raw.unsigned(key, ex)?;
                if v > MAX_BATCH as u64 {
                    return Err(range_problem(
                        key,
                        &format!("is {v}; use 0 for the full batch or a size up to {MAX_BATCH}"),
                        ex,
                    ));
                }
                t.batch_size = at!(v as usize);
            }
            ("train", "shuffle") => t.shuffle = at!(raw.boolean(key, ex)?),
            ("train", "seed") => t.seed = at!(raw.unsigned(key, ex)?),
            ("display", "fps") => {
                let v = raw.unsigned(key, ex)?;
                if !(1..=60).contains(&v) {
                    return Err(Problem::new(
                        format!("`{key}` {v} is out of range"),
                        format!("use 1 to 60 frames per second, e.g. {ex}"),
                    ));
                }
                d.fps = at!(v as u32);
            }
            ("display", "color") => {
                // `color = 256` is as clear as `color = "256"`.
                let text = match raw {
                    Raw::Toml(v @ toml::de::DeValue::Integer(_)) => super::raw::toml_integer(v)
                        .map(|i| i.to_string())
                        .unwrap_or_default(),
                    _ => raw.string(key, ex)?,
                };
                d.color = at!(parse_color_choice(&text).ok_or_else(|| {
                    Problem::new(
                        format!("`color` is '{text}', not a colour mode"),
                        "use one of auto, never, 16, 256, truecolor",
                    )
                })?);
            }
            ("display", "ascii") => d.ascii = at!(raw.boolean(key, ex)?),
            ("display", "theme") => d.theme = at!(raw.string(key, ex)?),
            ("display", "x_range") => {
                let (a, b) = raw.pair(key, ex)?;
                if a >= b || b - a < 1e-6 || a.abs().max(b.abs()) > 1e6 {
                    return Err(range_problem(
                        key,
                        "must be a range START < END within -1e6..1e6",
                        ex,
                    ));
                }
                d.x_range = at!((a, b));
            }
            ("display", "mouse") => d.mouse = at!(raw.boolean(key, ex)?),
            ("display", "paused") => d.paused = at!(raw.boolean(key, ex)?),
            ("health", "saturation_threshold") => {
                let v = raw.number(key, ex)?;
                if !(0.0..=1.0).contains(&v) {
                    return Err(range_problem(
                        key,
                        "must be from 0 to 1 (a mean |f'(z)| below it is saturated)",
                        ex,
                    ));
                }
                self.health.saturation_threshold = at!(v);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The largest mini-batch accepted (the CSV limit is 1,000,000 rows).
pub const MAX_BATCH: usize = 1_000_000;

/// `auto`, `never`, `16`, `256` or `truecolor` (any case).
pub fn parse_color_choice(text: &str) -> Option<ColorChoice> {
    use clap::ValueEnum;
    ColorChoice::from_str(text.trim(), true).ok()
}
