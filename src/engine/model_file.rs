//! Model files: a network and its input features as JSON.
//!
//! ```json
//! {"format":"reluscope.model.v1","inputs":["x1","x2"],
//!  "layers":[{"activation":"relu","weights":[[0.1,-0.2],...],"bias":[0.1,...]}, ...,
//!            {"activation":"sigmoid","weights":[[...]],"bias":[...]}],
//!  "loss":"bce"}
//! ```
//! `weights[i][j]` is the weight from input `j` to neuron `i` (out × in, as PyTorch nn.Linear);
//! the last layer is the output layer (one neuron, or one linear neuron per class with
//! `"loss":"cross-entropy"`).
//!
//! Optional fields (absent in older files, which load unchanged): `"columns"`, the data
//! columns the inputs are, by name, when the model reads a table's columns rather than plane
//! features (then `inputs` lists the same names); `"standardize"`, `{"mean":[...],"sd":[...]}`
//! per raw input, the z-score transform the inputs go through first; `"classes"`, the class
//! names in output index order. Numbers are written with full round-trip
//! precision, a learned PReLU slope inside its spec (`prelu:a=0.2371...`). Saving goes through
//! [`crate::files::write_atomic`], so a crash never leaves half a file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::files::{self, Cap, FileError};
use crate::message::{excerpt, quote};

use super::error::EngineError;
use super::feature::Feature;
use super::loss::Loss;
use super::network::{
    Layer, MAX_HIDDEN_LAYERS, MAX_WIDTH, Network, check_hidden_activation, check_output,
};
use super::point::MAX_CLASSES;
use super::standardize::Standardize;

/// The format tag of this version.
pub const FORMAT: &str = "reluscope.model.v1";

/// Bytes beyond this are refused: the largest network (8 hidden layers of 64 over 7 features)
/// is about 30,000 numbers, 0.94 MB pretty-printed.
pub const MAX_BYTES: u64 = 8_000_000;
const CAP: Cap = Cap {
    bytes: MAX_BYTES,
    what: "a model file",
};

/// A validated model: the network and what its inputs are.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// The plane features the inputs are computed from (empty when `columns` is set).
    pub features: Vec<Feature>,
    /// The data columns the inputs are, by name (empty for a plane model).
    pub columns: Vec<String>,
    /// The z-score transform of the raw inputs, if trained with `--standardize`.
    pub standardize: Option<Standardize>,
    /// Class names in output index order (empty for regression and older files).
    pub classes: Vec<String>,
    pub network: Network,
}

impl ModelFile {
    /// A plane model over `features`, without a transform or class names.
    pub fn plane(features: Vec<Feature>, network: Network) -> ModelFile {
        ModelFile {
            features,
            columns: Vec::new(),
            standardize: None,
            classes: Vec::new(),
            network,
        }
    }

    /// The names of the network's inputs: the features' or the columns'.
    fn input_names(&self) -> Vec<String> {
        if self.columns.is_empty() {
            self.features.iter().map(|f| f.name().to_string()).collect()
        } else {
            self.columns.clone()
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    format: String,
    inputs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    standardize: Option<RawStandardize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    classes: Vec<String>,
    layers: Vec<RawLayer>,
    loss: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandardize {
    mean: Vec<f64>,
    sd: Vec<f64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    activation: String,
    weights: Vec<Vec<f64>>,
    bias: Vec<f64>,
}

impl ModelFile {
    /// Reads and validates a model file.
    pub fn load(path: &Path) -> Result<ModelFile, EngineError> {
        let name = path.display().to_string();
        let bytes = files::read_bytes(path, CAP).map_err(|e| EngineError::Io {
            file: name.clone(),
            message: match e {
                FileError::Read(e) => format!("cannot read the model file: {e}"),
                e => e.to_string(),
            },
        })?;
        ModelFile::parse_bytes(&name, &bytes)
    }

    /// Parses and validates model JSON; `name` is used in error messages.
    pub fn parse(name: &str, text: &str) -> Result<ModelFile, EngineError> {
        ModelFile::parse_bytes(name, text.as_bytes())
    }

    /// Parses and validates model JSON given as bytes (UTF-8, a byte-order mark allowed as
    /// in CSV and TOML files).
    fn parse_bytes(name: &str, bytes: &[u8]) -> Result<ModelFile, EngineError> {
        let err = |message: String| EngineError::Model {
            file: name.to_string(),
            message,
        };
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let raw: RawModel = serde_json::from_slice(bytes).map_err(|e| {
            err(format!(
                "not a valid model file (line {}, column {}): {}",
                e.line(),
                e.column(),
                // serde quotes the offending key or string, which may be any length.
                excerpt(strip_position(&e.to_string()), 200)
            ))
        })?;
        if raw.format != FORMAT {
            return Err(err(format!(
                "unknown format {}; this version reads '{FORMAT}'",
                quote(&raw.format)
            )));
        }
        let loss: Loss = raw
            .loss
            .parse()
            .map_err(|e: EngineError| err(e.to_string()))?;
        let features = if raw.columns.is_empty() {
            raw.inputs
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    s.parse::<Feature>()
                        .map_err(|e| err(format!("inputs[{k}]: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            if raw.inputs != raw.columns {
                return Err(err(
                    "'inputs' and 'columns' differ; a model that reads data columns lists the \
                     same names in both"
                        .into(),
                ));
            }
            Vec::new()
        };
        if raw.inputs.is_empty() {
            return Err(err(
                "'inputs' is empty; list the input features, e.g. [\"x1\",\"x2\"]".into(),
            ));
        }
        for (k, f) in features.iter().enumerate() {
            if features[..k].contains(f) {
                return Err(err(format!("inputs[{k}]: feature '{f}' is listed twice")));
            }
        }
        if raw.layers.is_empty() {
            return Err(err(
                "'layers' is empty; a model needs at least the output layer".into(),
            ));
        }
        if raw.layers.len() > MAX_HIDDEN_LAYERS + 1 {
            return Err(err(format!(
                "{} layers; at most {MAX_HIDDEN_LAYERS} hidden layers plus the output layer",
                raw.layers.len()
            )));
        }
        let last = raw.layers.len() - 1;
        let mut layers = Vec::with_capacity(raw.layers.len());
        let columns = raw.columns.clone();
        for (k, c) in columns.iter().enumerate() {
            if columns[..k].contains(c) {
                return Err(err(format!(
                    "columns[{k}]: column {} is listed twice",
                    quote(c)
                )));
            }
        }
        if raw.inputs.len() > MAX_WIDTH {
            return Err(err(format!(
                "{} inputs; a model takes at most {MAX_WIDTH}",
                raw.inputs.len()
            )));
        }
        let standardize = match &raw.standardize {
            None => None,
            Some(z) => {
                let want = if columns.is_empty() { 2 } else { columns.len() };
                if z.mean.len() != want || z.sd.len() != want {
                    return Err(err(format!(
                        "'standardize' has {} means and {} sds; the model's raw inputs need {want} \
                         of each",
                        z.mean.len(),
                        z.sd.len()
                    )));
                }
                if z.sd.iter().any(|s| !(s.is_finite() && *s > 0.0))
                    || z.mean.iter().any(|m| !m.is_finite())
                {
                    return Err(err(
                        "'standardize': every mean must be finite and every sd a positive \
                         number"
                            .into(),
                    ));
                }
                Some(Standardize {
                    mean: z.mean.clone(),
                    sd: z.sd.clone(),
                })
            }
        };
        let outputs = match loss {
            Loss::CrossEntropy => raw.layers[last].weights.len(),
            _ => 1,
        };
        if loss == Loss::CrossEntropy && !(2..=MAX_CLASSES).contains(&outputs) {
            return Err(err(format!(
                "layers[{last}]: a cross-entropy output layer needs one neuron per class (2 to \
                 {MAX_CLASSES}), found {outputs}"
            )));
        }
        if !raw.classes.is_empty() && raw.classes.len() != outputs.max(2) {
            return Err(err(format!(
                "'classes' names {} classes but the output layer has {outputs} neuron(s); they \
                 must match",
                raw.classes.len()
            )));
        }
        for (i, name) in raw.classes.iter().enumerate() {
            if raw.classes[..i].contains(name) {
                return Err(err(format!(
                    "'classes' names {} twice; each output neuron is one class, give each a \
                     name of its own",
                    crate::message::quote(name)
                )));
            }
        }
        let mut fan_in = raw.inputs.len();
        for (l, rl) in raw.layers.iter().enumerate() {
            let at = |m: String| err(format!("layers[{l}]: {m}"));
            let activation: Activation = rl
                .activation
                .parse()
                .map_err(|e: crate::activation::SpecError| at(e.to_string()))?;
            if l == last {
                check_output(loss, &activation).map_err(|e| at(e.to_string()))?;
            } else {
                check_hidden_activation(&activation).map_err(|e| at(e.to_string()))?;
            }
            let fan_out = rl.weights.len();
            if l == last && fan_out != outputs {
                return Err(at(format!(
                    "the output layer must have 1 neuron (1 row of weights), found {fan_out}; \
                     only loss 'cross-entropy' takes one per class"
                )));
            }
            if fan_out == 0 || fan_out > MAX_WIDTH {
                return Err(at(format!(
                    "{fan_out} neurons; a layer needs 1 to {MAX_WIDTH}"
                )));
            }
            if rl.bias.len() != fan_out {
                return Err(at(format!(
                    "'bias' has {} values but 'weights' has {fan_out} rows; they must match",
                    rl.bias.len()
                )));
            }
            let mut weights = Vec::with_capacity(fan_out * fan_in);
            for (i, row) in rl.weights.iter().enumerate() {
                if row.len() != fan_in {
                    return Err(at(format!(
                        "weights[{i}] has {} values but the layer has {fan_in} inputs ({}); \
                         weights are out × in",
                        row.len(),
                        if l == 0 {
                            "one per input feature"
                        } else {
                            "one per neuron below"
                        }
                    )));
                }
                weights.extend_from_slice(row);
            }
            layers.push(Layer {
                fan_in,
                fan_out,
                weights,
                bias: rl.bias.clone(),
                activation,
            });
            fan_in = fan_out;
        }
        Ok(ModelFile {
            features,
            columns,
            standardize,
            classes: raw.classes,
            network: Network { layers, loss },
        })
    }

    /// The JSON text, pretty-printed.
    pub fn to_json(&self) -> Result<String, EngineError> {
        if !self.network.is_finite() {
            return Err(EngineError::invalid(
                "the network has non-finite parameters (it diverged) and cannot be saved; \
                 lower the learning rate and train again",
            ));
        }
        for (l, layer) in self.network.layers.iter().enumerate() {
            let spec = layer.activation.to_string();
            if spec.parse::<Activation>().ok() != Some(layer.activation) {
                return Err(EngineError::invalid(format!(
                    "layer {l}: activation '{spec}' has a parameter outside its valid range and \
                     could not be loaded back; the model is not saved"
                )));
            }
        }
        let raw = RawModel {
            format: FORMAT.to_string(),
            inputs: self.input_names(),
            columns: self.columns.clone(),
            standardize: self.standardize.as_ref().map(|z| RawStandardize {
                mean: z.mean.clone(),
                sd: z.sd.clone(),
            }),
            classes: self.classes.clone(),
            layers: self
                .network
                .layers
                .iter()
                .map(|l| RawLayer {
                    activation: l.activation.to_string(),
                    weights: l
                        .weights
                        .chunks(l.fan_in.max(1))
                        .map(<[f64]>::to_vec)
                        .collect(),
                    bias: l.bias.clone(),
                })
                .collect(),
            loss: self.network.loss.name().to_string(),
        };
        serde_json::to_string_pretty(&raw)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| EngineError::invalid(format!("cannot encode the model: {e}")))
    }

    /// Writes the file atomically (see [`files::write_atomic`]); returns the file written,
    /// which is a symlink's target when `path` is a symlink.
    pub fn save(&self, path: &Path) -> Result<PathBuf, EngineError> {
        let text = self.to_json()?;
        files::write_atomic(path, text.as_bytes()).map_err(|e| EngineError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        })
    }
}

/// serde_json appends " at line L column C"; the message already says where.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}
