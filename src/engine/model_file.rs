//! Model files: a network and its input features as JSON.
//!
//! ```json
//! {"format":"reluscope.model.v1","inputs":["x1","x2"],
//!  "layers":[{"activation":"relu","weights":[[0.1,-0.2],...],"bias":[0.1,...]}, ...,
//!            {"activation":"sigmoid","weights":[[...]],"bias":[...]}],
//!  "loss":"bce"}
//! ```
//! `weights[i][j]` is the weight from input `j` to neuron `i` (out × in, as PyTorch nn.Linear);
//! the last layer is the output layer (one neuron). Numbers are written with full round-trip
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

/// The format tag of this version.
pub const FORMAT: &str = "reluscope.model.v1";

/// Bytes beyond this are refused: the largest network (8 hidden layers of 64 over 7 features)
/// is about 30,000 numbers, 0.94 MB pretty-printed.
pub const MAX_BYTES: u64 = 8_000_000;
const CAP: Cap = Cap {
    bytes: MAX_BYTES,
    what: "a model file",
};

/// A validated model: the network and the features its inputs are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub features: Vec<Feature>,
    pub network: Network,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    format: String,
    inputs: Vec<String>,
    layers: Vec<RawLayer>,
    loss: String,
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
        let features = raw
            .inputs
            .iter()
            .enumerate()
            .map(|(k, s)| {
                s.parse::<Feature>()
                    .map_err(|e| err(format!("inputs[{k}]: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if features.is_empty() {
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
        let mut fan_in = features.len();
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
            if l == last && fan_out != 1 {
                return Err(at(format!(
                    "the output layer must have 1 neuron (1 row of weights), found {fan_out}"
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
            inputs: self.features.iter().map(|f| f.name().to_string()).collect(),
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
