//! The one table of settings. Each row says everything about one setting: its key (also its
//! config-file name and, upper-cased after `RELUSCOPE_`, its environment variable), its section,
//! its command-line flag, its help, an example line, the parser with its range check, and how the
//! Parameters pane shows and steps it. The config file, the environment, the command line
//! (`cli.rs` builds the flags from these rows), `train`, `experiment sweep` and the Parameters
//! pane all read this table, so a value means the same and is refused with the same message
//! wherever it is written.
//!
//! Adding a setting is one row here plus its field in [`super::overrides`] and in the struct it
//! ends up in.

use std::fmt;

use crate::activation::Activation;
use crate::engine::network::{MAX_HIDDEN_LAYERS, MAX_WIDTH};
use crate::engine::{BiasInit, DatasetKind, Feature, Init, OptimizerKind, TrainConfig};
use crate::format;
use crate::message::quote;

use super::diag::{Origin, Problem};
use super::ladder;
use super::overrides::{ColorChoice, Overrides};
use super::raw::Raw;

/// The engine's limits, checked here so a config error names its file, line and column.
pub use crate::engine::config::{MAX_LR, MAX_REGULARIZATION};

/// Environment variables of settings are this followed by the key in capitals.
pub const ENV_PREFIX: &str = "RELUSCOPE_";

/// The largest mini-batch accepted (the CSV limit is 1,000,000 rows).
pub const MAX_BATCH: usize = 1_000_000;

/// A section of the config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Train,
    Display,
    Health,
}

impl Section {
    /// In file order.
    pub const ALL: [Section; 3] = [Section::Train, Section::Display, Section::Health];

    pub fn name(self) -> &'static str {
        match self {
            Section::Train => "train",
            Section::Display => "display",
            Section::Health => "health",
        }
    }

    pub fn from_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The rows of this section, in table order.
    pub fn settings(self) -> impl Iterator<Item = &'static Setting> + Clone {
        ALL.iter().copied().filter(move |s| s.section == self)
    }

    /// Its keys, in table order.
    pub fn keys(self) -> impl Iterator<Item = &'static str> + Clone {
        self.settings().map(|s| s.key)
    }
}

/// How a setting is written on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// No flag: set it in a file or the environment.
    None,
    /// `--KEY VALUE`, the key spelled with `-` for `_`. `hyphen` lets the value start with
    /// `-` (a negative number or a list such as `-1,-3`).
    Value {
        value_name: &'static str,
        hyphen: bool,
    },
    /// `--LONG` alone, which sets the value `sets` (`--no-shuffle` sets shuffle = false).
    Switch {
        long: &'static str,
        sets: &'static str,
    },
}

/// How the Parameters pane shows a setting and steps it with ← →. Whether a change applies
/// live or rebuilds the network is not said here: `TrainConfig::needs_reset` alone decides.
#[derive(Clone, Copy)]
pub struct KnobSpec {
    pub label: &'static str,
    /// The value as the pane shows it.
    pub show: fn(&TrainConfig) -> String,
    /// One notch up (→) or down (←).
    pub step: fn(&mut TrainConfig, bool),
    /// The text a typed edit starts from (what the config file would take).
    pub edit: fn(&TrainConfig) -> String,
}

/// One setting.
pub struct Setting {
    /// The config-file key, e.g. `lr`; also `RELUSCOPE_LR` and, unless the flag says
    /// otherwise, `--lr`.
    pub key: &'static str,
    pub section: Section,
    pub flag: Flag,
    /// One line of help for `--help`.
    pub help: &'static str,
    /// A valid config line, used in messages (`for example lr = 0.03`) and translated into
    /// the flag's or variable's spelling there.
    pub example: &'static str,
    /// Reads a raw value from any layer, checks it and stores it in its field of `Overrides`.
    pub set: fn(&Setting, &mut Overrides, Raw<'_, '_>, &Origin) -> Result<(), Problem>,
    /// Its place in the Parameters pane, if it has one.
    pub knob: Option<KnobSpec>,
    /// Its short key and current value for state strings and saved configs: every setting of
    /// the run (`[train]`, `[health]`) has one; display settings, which belong to the viewer's
    /// terminal, have none.
    pub state: Option<State>,
}

/// How a setting of the run is written in a state string (`act=relu,lr=1`) and a saved config.
#[derive(Clone, Copy)]
pub struct State {
    /// The short key, e.g. `act` for `activation`.
    pub key: &'static str,
    /// The value in effect in a config.
    pub value: fn(&TrainConfig) -> Value,
}

/// A setting's value, typed as a config file writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Whole(u64),
    Bool(bool),
    Text(String),
    Words(Vec<String>),
    Wholes(Vec<u64>),
}

fn text(s: impl ToString) -> Value {
    Value::Text(s.to_string())
}

impl Setting {
    /// The long flag without dashes (`lr`, `no-shuffle`), if the setting has one.
    pub fn long(&self) -> Option<String> {
        match self.flag {
            Flag::None => None,
            Flag::Value { .. } => Some(self.key.replace('_', "-")),
            Flag::Switch { long, .. } => Some(long.to_string()),
        }
    }

    /// The environment variable that sets it.
    pub fn env_var(&self) -> String {
        format!("{ENV_PREFIX}{}", self.key.to_ascii_uppercase())
    }

    /// Parses `raw` into `overrides`, as the given layer wrote it.
    pub fn read(
        &'static self,
        overrides: &mut Overrides,
        raw: Raw<'_, '_>,
        origin: &Origin,
    ) -> Result<(), Problem> {
        (self.set)(self, overrides, raw, origin)
    }
}

impl fmt::Debug for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Setting({})", self.key)
    }
}

impl PartialEq for Setting {
    fn eq(&self, other: &Setting) -> bool {
        self.key == other.key
    }
}

/// The row for `key`, in any section (keys are unique across sections, which is what lets
/// environment variables be flat: `RELUSCOPE_LR`, `RELUSCOPE_FPS`).
pub fn find(key: &str) -> Option<&'static Setting> {
    ALL.iter().copied().find(|s| s.key == key)
}

/// The row whose short (state-string) key is `key`.
pub fn find_short(key: &str) -> Option<&'static Setting> {
    ALL.iter()
        .copied()
        .find(|s| s.state.is_some_and(|st| st.key == key))
}

/// Reads `key` of `section` from a raw value into `overrides`. `Ok(false)` means the key does
/// not exist in that section (the caller reports it with a suggestion).
pub fn read_in(
    section: &str,
    key: &str,
    overrides: &mut Overrides,
    raw: Raw<'_, '_>,
    origin: &Origin,
) -> Result<bool, Problem> {
    match find(key) {
        Some(row) if Section::from_name(section) == Some(row.section) => {
            row.read(overrides, raw, origin)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The section that holds `key`.
pub fn section_of(key: &str) -> Option<Section> {
    find(key).map(|s| s.section)
}

/// Whether `key` is a setting of `section`.
pub fn in_section(key: &str, section: Section) -> bool {
    section_of(key) == Some(section)
}

fn range_problem(s: &Setting, what: &str) -> Problem {
    Problem::new(
        format!("`{}` {what}", s.key),
        format!("for example {}", s.example),
    )
}

/// Parses a value with a name-like `FromStr` (activation, init, dataset, ...), whose error
/// already says what is valid.
fn parse_name<T>(s: &Setting, raw: Raw<'_, '_>) -> Result<T, Problem>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = raw.string(s.key, s.example)?;
    text.parse::<T>().map_err(|e| {
        Problem::new(
            format!("`{}`: {e}", s.key),
            format!("for example {}", s.example),
        )
    })
}

/// A number within `lo..=hi`, or the problem `what` says.
fn number_in(s: &Setting, raw: Raw<'_, '_>, lo: f64, hi: f64, what: &str) -> Result<f64, Problem> {
    let v = raw.number(s.key, s.example)?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(range_problem(s, what))
    }
}

/// Every setting, in file order within each section.
pub static ALL: [&Setting; 29] = [
    &DATASET,
    &CLASSES,
    &NOISE,
    &TRAIN_FRACTION,
    &STANDARDIZE,
    &FEATURES,
    &LAYERS,
    &ACTIVATION,
    &REGRESSION_OUTPUT,
    &INIT,
    &BIAS_INIT,
    &OPTIMIZER,
    &LR,
    &MOMENTUM,
    &NESTEROV,
    &L1,
    &L2,
    &CLIP,
    &BATCH_SIZE,
    &SHUFFLE,
    &SEED,
    &FPS,
    &COLOR,
    &ASCII,
    &THEME,
    &X_RANGE,
    &MOUSE,
    &PAUSED,
    &SATURATION_THRESHOLD,
];

/// One line of the Parameters pane: a setting with a knob in its row, or one of the three
/// lines that are not settings. The pane's order is here, beside the rows, so a setting and its
/// place in the pane are declared in one file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Knob {
    /// A setting with a knob in its schema row.
    Setting(&'static Setting),
    /// The first parameter of the activation (leaky ReLU's slope, ELU's alpha, ...).
    ActivationParam,
    /// Neurons per hidden layer (the `layers` setting's widths).
    Neurons,
    /// Training steps per second (not a setting: the explorer's own pace).
    Speed,
}

impl Knob {
    /// In the order the pane lists them.
    pub const ALL: [Knob; 20] = [
        Knob::Setting(&ACTIVATION),
        Knob::ActivationParam,
        Knob::Setting(&LR),
        Knob::Setting(&OPTIMIZER),
        Knob::Setting(&MOMENTUM),
        Knob::Setting(&NESTEROV),
        Knob::Setting(&BATCH_SIZE),
        Knob::Setting(&INIT),
        Knob::Setting(&BIAS_INIT),
        Knob::Setting(&LAYERS),
        Knob::Neurons,
        Knob::Setting(&DATASET),
        Knob::Setting(&NOISE),
        Knob::Setting(&TRAIN_FRACTION),
        Knob::Setting(&FEATURES),
        Knob::Setting(&L1),
        Knob::Setting(&L2),
        Knob::Setting(&CLIP),
        Knob::Setting(&SEED),
        Knob::Speed,
    ];
}

const VALUE: Flag = Flag::Value {
    value_name: "",
    hyphen: false,
};
/// A numeric flag whose value may be negative: it is range-checked here, with a better
/// message than "unexpected argument".
const NUMBER: Flag = Flag::Value {
    value_name: "",
    hyphen: true,
};

pub static DATASET: Setting = Setting {
    key: "dataset",
    section: Section::Train,
    flag: VALUE,
    help: "Built-in dataset: circle, xor, gauss, spiral, moons, plane, multi-gauss.",
    example: "dataset = \"circle\"",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, parse_name::<DatasetKind>(s, raw)?, |t, v| {
            t.train.dataset = v;
            t.train.csv = None;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "dataset",
        show: |c| match c.csv {
            Some(_) => "csv file".to_string(),
            None => c.dataset.name().to_string(),
        },
        step: |c, up| {
            c.csv = None;
            c.dataset = c.dataset.cycle(!up);
        },
        edit: |c| c.dataset.name().to_string(),
    }),
    state: Some(State {
        key: "ds",
        value: |c| text(c.dataset.name()),
    }),
};

pub static CLASSES: Setting = Setting {
    key: "classes",
    section: Section::Train,
    flag: NUMBER,
    help: "Classes of the blobs dataset, 3-6.",
    example: "classes = 3",
    set: |s, o, raw, origin| {
        let (lo, hi) = crate::engine::dataset::BLOB_CLASSES;
        let v = raw.unsigned(s.key, s.example)?;
        if !(lo as u64..=hi as u64).contains(&v) {
            return Err(range_problem(
                s,
                &format!("is {v}; the blobs dataset makes {lo} to {hi} classes"),
            ));
        }
        o.put(s.key, origin, v as usize, |t, v| t.train.classes = v);
        Ok(())
    },
    knob: None,
    state: Some(State {
        key: "classes",
        value: |c| Value::Whole(c.classes as u64),
    }),
};

pub static STANDARDIZE: Setting = Setting {
    key: "standardize",
    section: Section::Train,
    flag: Flag::Switch {
        long: "standardize",
        sets: "true",
    },
    help: "Train on z-scores of the inputs (the training set's mean and sd; kept in the model). \
           The flag turns it on; a config file or RELUSCOPE_STANDARDIZE takes true, false or \
           auto (the default: on for iris, wine and breast-cancer only).",
    example: "standardize = \"auto\"",
    set: |s, o, raw, origin| {
        let auto = match raw {
            Raw::Text(t) => t.trim().eq_ignore_ascii_case("auto"),
            Raw::Toml(toml::de::DeValue::String(t)) => t.trim().eq_ignore_ascii_case("auto"),
            _ => false,
        };
        let v = if auto {
            None
        } else {
            Some(raw.boolean(s.key, s.example).map_err(|_| {
                Problem::new(
                    format!("`{}` must be true, false or \"auto\"", s.key),
                    "write standardize = true, false or \"auto\"",
                )
            })?)
        };
        o.put(s.key, origin, v, |t, v| t.train.standardize = v);
        Ok(())
    },
    knob: None,
    state: Some(State {
        key: "std",
        value: |c| match c.standardize {
            None => Value::Text("auto".into()),
            Some(b) => Value::Bool(b),
        },
    }),
};

pub static NOISE: Setting = Setting {
    key: "noise",
    section: Section::Train,
    flag: NUMBER,
    help: "Noise in percent, 0-50, as Playground's slider (built-in datasets only).",
    example: "noise = 10",
    set: |s, o, raw, origin| {
        let v = number_in(
            s,
            raw,
            0.0,
            50.0,
            "is a noise level in percent from 0 to 50 (it jitters the points, as Playground)",
        )?;
        o.put(s.key, origin, v, |t, v| t.train.noise = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "noise %",
        show: |c| format::num(c.noise),
        step: |c, up| c.noise = (c.noise + if up { 5.0 } else { -5.0 }).clamp(0.0, 50.0),
        edit: |c| c.noise.to_string(),
    }),
    state: Some(State {
        key: "noise",
        value: |c| Value::Number(c.noise),
    }),
};

pub static TRAIN_FRACTION: Setting = Setting {
    key: "train_fraction",
    section: Section::Train,
    flag: NUMBER,
    help: "Share of the data used for training, the rest for testing (0.1-1; 1: no test set).",
    example: "train_fraction = 0.5",
    set: |s, o, raw, origin| {
        let v = number_in(
            s,
            raw,
            0.1,
            1.0,
            "must be from 0.1 to 1 (the rest is the test set; 1 keeps no test set)",
        )?;
        o.put(s.key, origin, v, |t, v| t.train.train_fraction = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "train share",
        show: |c| format::num(c.train_fraction),
        step: |c, up| {
            let v = ((c.train_fraction * 10.0).round() + if up { 1.0 } else { -1.0 }) / 10.0;
            c.train_fraction = v.clamp(0.1, 1.0);
        },
        edit: |c| c.train_fraction.to_string(),
    }),
    state: Some(State {
        key: "train",
        value: |c| Value::Number(c.train_fraction),
    }),
};

pub static FEATURES: Setting = Setting {
    key: "features",
    section: Section::Train,
    flag: VALUE,
    help: "Input features, comma separated: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2).",
    example: "features = [\"x1\", \"x2\"]",
    set: |s, o, raw, origin| {
        let names = raw.strings(s.key, s.example)?;
        if names.is_empty() {
            return Err(range_problem(s, "needs at least one feature"));
        }
        let mut features = Vec::with_capacity(names.len());
        for name in &names {
            let f: Feature = name.parse().map_err(|e| {
                Problem::new(
                    format!("`{}`: {e}", s.key),
                    format!("for example {}", s.example),
                )
            })?;
            if features.contains(&f) {
                return Err(range_problem(s, &format!("lists '{name}' twice")));
            }
            features.push(f);
        }
        o.put(s.key, origin, features, |t, v| t.train.features = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "features",
        show: |c| {
            if c.features_apply() {
                feature_list(&c.features)
            } else {
                "- (the data's columns)".to_string()
            }
        },
        step: |c, up| c.features = ladder::features_step(&c.features, up),
        edit: |c| feature_list(&c.features),
    }),
    state: Some(State {
        key: "feat",
        value: |c| Value::Words(c.features.iter().map(|f| f.name().to_string()).collect()),
    }),
};

fn feature_list(features: &[Feature]) -> String {
    features
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(",")
}

pub static LAYERS: Setting = Setting {
    key: "layers",
    section: Section::Train,
    flag: VALUE,
    help: "Hidden layer widths, comma separated, e.g. 8,8 (\"\" or none for no hidden layer).",
    example: "layers = [8, 8]",
    set: |s, o, raw, origin| {
        // `none` spells "no hidden layer" in text, where an empty value means unset.
        let widths = match raw {
            Raw::Text(t) if t.trim().eq_ignore_ascii_case("none") => Vec::new(),
            _ => raw.unsigned_list(s.key, s.example)?,
        };
        if widths.len() > MAX_HIDDEN_LAYERS {
            return Err(range_problem(
                s,
                &format!(
                    "has {} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed",
                    widths.len()
                ),
            ));
        }
        if let Some(w) = widths.iter().find(|w| !(1..=MAX_WIDTH as u64).contains(w)) {
            return Err(range_problem(
                s,
                &format!("has a layer of {w} neurons; each layer needs 1 to {MAX_WIDTH}"),
            ));
        }
        o.put(
            s.key,
            origin,
            widths.iter().map(|&w| w as usize).collect(),
            |t, v| t.train.hidden = v,
        );
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "hidden layers",
        show: |c| c.hidden.len().to_string(),
        step: |c, up| {
            if up && c.hidden.len() < ladder::PANE_MAX_LAYERS {
                let w = c.hidden.last().copied().unwrap_or(4);
                c.hidden.push(w);
            } else if !up {
                c.hidden.pop();
            }
        },
        edit: |c| widths_text(&c.hidden),
    }),
    state: Some(State {
        key: "layers",
        value: |c| Value::Wholes(c.hidden.iter().map(|&w| w as u64).collect()),
    }),
};

/// Hidden widths as the `layers` setting takes them in text: `8,8`, or `none`.
pub fn widths_text(widths: &[usize]) -> String {
    if widths.is_empty() {
        return "none".to_string();
    }
    widths
        .iter()
        .map(std::string::ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

pub static ACTIVATION: Setting = Setting {
    key: "activation",
    section: Section::Train,
    flag: VALUE,
    help: "Activation spec for the hidden layers, e.g. relu or leaky-relu:slope=0.1.",
    example: "activation = \"leaky-relu:slope=0.1\"",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, parse_name::<Activation>(s, raw)?, |t, v| {
            t.train.activation = v;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "activation",
        show: |c| c.activation.info().name.to_string(),
        step: |c, up| c.activation = c.activation.kind().cycle(!up).default_activation(),
        edit: |c| c.activation.to_string(),
    }),
    state: Some(State {
        key: "act",
        value: |c| text(c.activation),
    }),
};

pub static REGRESSION_OUTPUT: Setting = Setting {
    key: "regression_output",
    section: Section::Train,
    flag: Flag::Value {
        value_name: "linear|tanh",
        hyphen: false,
    },
    help: "Output activation for regression datasets: linear or tanh (classification always \
           uses sigmoid with binary cross-entropy).",
    example: "regression_output = \"tanh\"",
    set: |s, o, raw, origin| {
        let a: Activation = parse_name(s, raw)?;
        if !matches!(a, Activation::Linear | Activation::Tanh) {
            return Err(range_problem(
                s,
                &format!("is '{a}'; the regression output is linear or tanh"),
            ));
        }
        o.put(s.key, origin, a, |t, v| t.train.regression_output = v);
        Ok(())
    },
    knob: None,
    state: Some(State {
        key: "out",
        value: |c| text(c.regression_output),
    }),
};

pub static INIT: Setting = Setting {
    key: "init",
    section: Section::Train,
    flag: VALUE,
    help: "Weight init: he-normal, he-uniform, xavier-normal, xavier-uniform, lecun-normal, \
           playground, zero, rai.",
    example: "init = \"he-normal\"",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, parse_name::<Init>(s, raw)?, |t, v| {
            t.train.init = v;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "weight init",
        show: |c| c.init.name().to_string(),
        step: |c, up| c.init = c.init.cycle(!up),
        edit: |c| c.init.name().to_string(),
    }),
    state: Some(State {
        key: "init",
        value: |c| text(c.init.name()),
    }),
};

pub static BIAS_INIT: Setting = Setting {
    key: "bias_init",
    section: Section::Train,
    flag: NUMBER,
    help: "Bias init: a number (e.g. 0.1 or -3) or \"scheme\" to use the weight init's own \
           (`experiment sweep`: a comma-separated list).",
    example: "bias_init = 0.1 (or \"scheme\")",
    set: |s, o, raw, origin| {
        let value = match raw {
            Raw::Toml(toml::de::DeValue::String(_)) | Raw::Text(_) => parse_name(s, raw)?,
            _ => BiasInit::Constant(raw.number(s.key, s.example)?),
        };
        o.put(s.key, origin, value, |t, v| t.train.bias_init = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "bias init",
        show: |c| c.bias_init.to_string(),
        step: |c, up| c.bias_init = ladder::bias_step(c.bias_init, up),
        edit: |c| c.bias_init.to_string(),
    }),
    state: Some(State {
        key: "bias",
        value: |c| match c.bias_init {
            BiasInit::Constant(v) => Value::Number(v),
            scheme => text(scheme),
        },
    }),
};

pub static OPTIMIZER: Setting = Setting {
    key: "optimizer",
    section: Section::Train,
    flag: VALUE,
    help: "Optimizer: sgd, adam, rmsprop.",
    example: "optimizer = \"sgd\"",
    set: |s, o, raw, origin| {
        o.put(
            s.key,
            origin,
            parse_name::<OptimizerKind>(s, raw)?,
            |t, v| t.train.optimizer = v,
        );
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "optimizer",
        show: |c| c.optimizer.name().to_string(),
        step: |c, up| c.optimizer = c.optimizer.cycle(!up),
        edit: |c| c.optimizer.name().to_string(),
    }),
    state: Some(State {
        key: "opt",
        value: |c| text(c.optimizer.name()),
    }),
};

pub static LR: Setting = Setting {
    key: "lr",
    section: Section::Train,
    flag: NUMBER,
    help: "Learning rate (`experiment sweep`: a comma-separated list).",
    example: "lr = 0.03",
    set: |s, o, raw, origin| {
        // The engine's rule, PyTorch's: 0 is allowed (a frozen baseline in a sweep).
        let what = format!("must be at least 0 and at most {MAX_LR}");
        o.put(
            s.key,
            origin,
            number_in(s, raw, 0.0, MAX_LR, &what)?,
            |t, v| t.train.lr = v,
        );
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "learning rate",
        show: |c| format::rate(c.lr),
        step: |c, up| c.lr = ladder::step(&ladder::LR, c.lr, up),
        edit: |c| c.lr.to_string(),
    }),
    state: Some(State {
        key: "lr",
        value: |c| Value::Number(c.lr),
    }),
};

pub static MOMENTUM: Setting = Setting {
    key: "momentum",
    section: Section::Train,
    flag: NUMBER,
    help: "SGD momentum (0 = none).",
    example: "momentum = 0.9",
    set: |s, o, raw, origin| {
        let v = raw.number(s.key, s.example)?;
        if !(0.0..1.0).contains(&v) {
            return Err(range_problem(s, "must be at least 0 and below 1"));
        }
        o.put(s.key, origin, v, |t, v| t.train.momentum = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "momentum",
        show: |c| format::num(c.momentum),
        step: |c, up| {
            c.momentum = ladder::step(&ladder::MOMENTUM, c.momentum, up);
            if c.momentum == 0.0 {
                c.nesterov = false;
            }
        },
        edit: |c| c.momentum.to_string(),
    }),
    state: Some(State {
        key: "mom",
        value: |c| Value::Number(c.momentum),
    }),
};

pub static NESTEROV: Setting = Setting {
    key: "nesterov",
    section: Section::Train,
    flag: Flag::Switch {
        long: "nesterov",
        sets: "true",
    },
    help: "Nesterov momentum (SGD with momentum > 0).",
    example: "nesterov = true",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.boolean(s.key, s.example)?, |t, v| {
            t.train.nesterov = v;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "  nesterov",
        show: |c| if c.nesterov { "on" } else { "off" }.to_string(),
        step: |c, _| c.nesterov = !c.nesterov,
        edit: |c| if c.nesterov { "on" } else { "off" }.to_string(),
    }),
    state: Some(State {
        key: "nesterov",
        value: |c| Value::Bool(c.nesterov),
    }),
};

fn regularization(s: &Setting, raw: Raw<'_, '_>) -> Result<f64, Problem> {
    let what = format!("must be at least 0 and at most {MAX_REGULARIZATION}");
    number_in(s, raw, 0.0, MAX_REGULARIZATION, &what)
}

pub static L1: Setting = Setting {
    key: "l1",
    section: Section::Train,
    flag: NUMBER,
    help: "L1 regularization rate (weights only).",
    example: "l1 = 0.001",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, regularization(s, raw)?, |t, v| {
            t.train.l1 = v;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "L1",
        show: |c| format::rate(c.l1),
        step: |c, up| c.l1 = ladder::step(&ladder::REGULARIZATION, c.l1, up),
        edit: |c| c.l1.to_string(),
    }),
    state: Some(State {
        key: "l1",
        value: |c| Value::Number(c.l1),
    }),
};

pub static L2: Setting = Setting {
    key: "l2",
    section: Section::Train,
    flag: NUMBER,
    help: "L2 regularization rate, as PyTorch's weight_decay (weights only).",
    example: "l2 = 0.001",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, regularization(s, raw)?, |t, v| {
            t.train.l2 = v;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "L2",
        show: |c| format::rate(c.l2),
        step: |c, up| c.l2 = ladder::step(&ladder::REGULARIZATION, c.l2, up),
        edit: |c| c.l2.to_string(),
    }),
    state: Some(State {
        key: "l2",
        value: |c| Value::Number(c.l2),
    }),
};

pub static CLIP: Setting = Setting {
    key: "clip",
    section: Section::Train,
    flag: NUMBER,
    help: "Clip gradients to this global norm (0 = off).",
    example: "clip = 1.0",
    set: |s, o, raw, origin| {
        let v = raw.number(s.key, s.example)?;
        if v < 0.0 {
            return Err(range_problem(s, "must be 0 (off) or above"));
        }
        o.put(s.key, origin, v, |t, v| t.train.clip = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "clip norm",
        show: |c| {
            if c.clip == 0.0 {
                "off".to_string()
            } else {
                format::num(c.clip)
            }
        },
        step: |c, up| c.clip = ladder::step(&ladder::CLIP, c.clip, up),
        edit: |c| c.clip.to_string(),
    }),
    state: Some(State {
        key: "clip",
        value: |c| Value::Number(c.clip),
    }),
};

pub static BATCH_SIZE: Setting = Setting {
    key: "batch_size",
    section: Section::Train,
    flag: NUMBER,
    help: "Mini-batch size (0 or full = the whole training set).",
    example: "batch_size = 10",
    set: |s, o, raw, origin| {
        let v = match raw {
            Raw::Text(t) if t.trim().eq_ignore_ascii_case("full") => 0,
            Raw::Toml(toml::de::DeValue::String(t)) if t.trim().eq_ignore_ascii_case("full") => 0,
            _ => raw.unsigned(s.key, s.example)?,
        };
        if v > MAX_BATCH as u64 {
            return Err(range_problem(
                s,
                &format!("is {v}; use 0 for the full batch or a size up to {MAX_BATCH}"),
            ));
        }
        o.put(s.key, origin, v as usize, |t, v| t.train.batch_size = v);
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "batch size",
        show: |c| match c.batch_size {
            0 => "full".to_string(),
            n => n.to_string(),
        },
        step: |c, up| c.batch_size = ladder::batch_step(c.batch_size, up),
        edit: |c| c.batch_size.to_string(),
    }),
    state: Some(State {
        key: "batch",
        value: |c| Value::Whole(c.batch_size as u64),
    }),
};

pub static SHUFFLE: Setting = Setting {
    key: "shuffle",
    section: Section::Train,
    flag: Flag::Switch {
        long: "no-shuffle",
        sets: "false",
    },
    help: "Keep the training set's order instead of shuffling every epoch.",
    example: "shuffle = true",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.boolean(s.key, s.example)?, |t, v| {
            t.train.shuffle = v;
        });
        Ok(())
    },
    knob: None,
    state: Some(State {
        key: "shuffle",
        value: |c| Value::Bool(c.shuffle),
    }),
};

pub static SEED: Setting = Setting {
    key: "seed",
    section: Section::Train,
    flag: NUMBER,
    help: "Random seed: the same seed gives the same run on every machine.",
    example: "seed = 42",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.unsigned(s.key, s.example)?, |t, v| {
            t.train.seed = v;
        });
        Ok(())
    },
    knob: Some(KnobSpec {
        label: "seed",
        show: |c| c.seed.to_string(),
        step: |c, up| {
            c.seed = if up {
                c.seed.wrapping_add(1)
            } else {
                c.seed.wrapping_sub(1)
            }
        },
        edit: |c| c.seed.to_string(),
    }),
    state: Some(State {
        key: "seed",
        value: |c| Value::Whole(c.seed),
    }),
};

pub static FPS: Setting = Setting {
    key: "fps",
    section: Section::Display,
    flag: NUMBER,
    help: "Frames per second at most (1-60).",
    example: "fps = 15",
    set: |s, o, raw, origin| {
        let v = raw.unsigned(s.key, s.example)?;
        if !(1..=60).contains(&v) {
            return Err(Problem::new(
                format!("`{}` {v} is out of range", s.key),
                format!("use 1 to 60 frames per second, e.g. {}", s.example),
            ));
        }
        o.put(s.key, origin, v as u32, |t, v| t.display.fps = v);
        Ok(())
    },
    knob: None,
    state: None,
};

pub static COLOR: Setting = Setting {
    key: "color",
    section: Section::Display,
    flag: Flag::Value {
        value_name: "auto|never|16|256|truecolor",
        hyphen: false,
    },
    help: "Colour output: auto (from NO_COLOR, COLORTERM and TERM), never, 16, 256, truecolor.",
    example: "color = \"auto\"",
    set: |s, o, raw, origin| {
        // `color = 256` is as clear as `color = "256"`.
        let text = match raw {
            Raw::Toml(v @ toml::de::DeValue::Integer(_)) => super::raw::toml_integer(v)
                .map(|i| i.to_string())
                .unwrap_or_default(),
            _ => raw.string(s.key, s.example)?,
        };
        let choice = ColorChoice::parse(&text).ok_or_else(|| {
            Problem::new(
                format!("`color` is {}, not a colour mode", quote(&text)),
                "use one of auto, never, 16, 256, truecolor",
            )
        })?;
        o.put(s.key, origin, choice, |t, v| t.display.color = v);
        Ok(())
    },
    knob: None,
    state: None,
};

pub static ASCII: Setting = Setting {
    key: "ascii",
    section: Section::Display,
    flag: Flag::Switch {
        long: "ascii",
        sets: "true",
    },
    help: "ASCII borders, glyphs and chart markers (automatic in a non-UTF-8 locale).",
    example: "ascii = false",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.boolean(s.key, s.example)?, |t, v| {
            t.display.ascii = v;
        });
        Ok(())
    },
    knob: None,
    state: None,
};

pub static THEME: Setting = Setting {
    key: "theme",
    section: Section::Display,
    flag: Flag::Value {
        value_name: "NAME",
        hyphen: false,
    },
    help: "Colour theme: default, high-contrast, colorblind-safe.",
    example: "theme = \"default\"",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.string(s.key, s.example)?, |t, v| {
            t.display.theme = v;
        });
        Ok(())
    },
    knob: None,
    state: None,
};

pub static X_RANGE: Setting = Setting {
    key: "x_range",
    section: Section::Display,
    flag: Flag::None,
    help: "The x range of the activation view, START < END within -1e6..1e6.",
    example: "x_range = [-5, 10]",
    set: |s, o, raw, origin| {
        let (a, b) = raw.pair(s.key, s.example)?;
        if a >= b || b - a < 1e-6 || a.abs().max(b.abs()) > 1e6 {
            return Err(range_problem(
                s,
                "must be a range START < END within -1e6..1e6",
            ));
        }
        o.put(s.key, origin, (a, b), |t, v| t.display.x_range = v);
        Ok(())
    },
    knob: None,
    state: None,
};

pub static MOUSE: Setting = Setting {
    key: "mouse",
    section: Section::Display,
    flag: Flag::Switch {
        long: "mouse",
        sets: "true",
    },
    help: "Enable mouse support (off by default: it steals copy-and-paste).",
    example: "mouse = false",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.boolean(s.key, s.example)?, |t, v| {
            t.display.mouse = v;
        });
        Ok(())
    },
    knob: None,
    state: None,
};

pub static PAUSED: Setting = Setting {
    key: "paused",
    section: Section::Display,
    flag: Flag::Switch {
        long: "paused",
        sets: "true",
    },
    help: "Start with training paused.",
    example: "paused = false",
    set: |s, o, raw, origin| {
        o.put(s.key, origin, raw.boolean(s.key, s.example)?, |t, v| {
            t.display.paused = v;
        });
        Ok(())
    },
    knob: None,
    state: None,
};

pub static SATURATION_THRESHOLD: Setting = Setting {
    key: "saturation_threshold",
    section: Section::Health,
    flag: Flag::None,
    help: "A hidden neuron whose mean |f'(z)| is below this is saturated (0-1).",
    example: "saturation_threshold = 0.05",
    set: |s, o, raw, origin| {
        let v = number_in(
            s,
            raw,
            0.0,
            1.0,
            "must be from 0 to 1 (a mean |f'(z)| below it is saturated)",
        )?;
        o.put(s.key, origin, v, |t, v| t.train.saturation_threshold = v);
        Ok(())
    },
    knob: None,
    state: Some(State {
        key: "sat",
        value: |c| Value::Number(c.saturation_threshold),
    }),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_flags_and_variables_are_unique() {
        let mut keys: Vec<&str> = ALL.iter().map(|s| s.key).collect();
        let mut flags: Vec<String> = ALL.iter().filter_map(|s| s.long()).collect();
        let n = (keys.len(), flags.len());
        keys.sort_unstable();
        keys.dedup();
        flags.sort_unstable();
        flags.dedup();
        assert_eq!((keys.len(), flags.len()), n);
    }

    #[test]
    fn every_setting_of_the_run_has_a_distinct_short_key() {
        let mut keys = Vec::new();
        for s in ALL {
            let run = matches!(s.section, Section::Train | Section::Health);
            assert_eq!(s.state.is_some(), run, "{}", s.key);
            if let Some(st) = s.state {
                keys.push(st.key);
            }
        }
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "two settings share a short key");
        // A short key never names another setting: `lr=` means the same in either spelling.
        for s in ALL {
            if let Some(other) = find_short(s.key) {
                assert_eq!(other, s, "{}", s.key);
            }
        }
    }

    #[test]
    fn every_example_parses_through_its_own_row() {
        for s in ALL {
            let line = s.example.split(" (or").next().unwrap();
            let doc: toml::Table = toml::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let value = toml::Value::to_string(&doc[s.key]);
            let de = toml::de::DeValue::parse(&value).unwrap();
            let mut o = Overrides::default();
            s.read(&mut o, Raw::Toml(de.get_ref()), &Origin::Default)
                .unwrap_or_else(|p| panic!("{}: {p:?}", s.key));
            assert_ne!(o, Overrides::default(), "{} set nothing", s.key);
        }
    }

    #[test]
    fn every_knob_is_in_the_pane_once_and_changes_something() {
        let base = TrainConfig::default();
        for s in ALL {
            let Some(knob) = s.knob else { continue };
            let lines = Knob::ALL
                .iter()
                .filter(|k| matches!(k, Knob::Setting(r) if r.key == s.key))
                .count();
            assert_eq!(lines, 1, "{} has a knob: list it once in Knob::ALL", s.key);
            let mut cfg = base.clone();
            (knob.step)(&mut cfg, true);
            if cfg == base {
                (knob.step)(&mut cfg, false);
                (knob.step)(&mut cfg, false);
            }
            assert_ne!(cfg, base, "{} changed nothing", s.key);
        }
    }
}
