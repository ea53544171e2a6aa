//! Everything that defines a training run, with the project's defaults and validation.

use std::sync::Arc;

use crate::activation::Activation;

use super::csv::CsvData;
use super::dataset::DatasetKind;
use super::error::EngineError;
use super::feature::Feature;
use super::init::{BiasInit, Init};
use super::network::check_shape;
use std::fmt;
use std::str::FromStr;

use super::error::suggestion;

/// The largest learning rate accepted: far beyond any useful rate, low enough that a typo
/// like `3e30` is caught.
pub const MAX_LR: f64 = 1e6;
/// The largest L1 or L2 rate accepted, for the same reason.
pub const MAX_REGULARIZATION: f64 = 1e6;

/// The settings of a training run. `Default` gives the project's defaults: circle, features
/// x1 and x2, hidden layers 8,8 of ReLU, he-normal weights (the init made for ReLU) with biases
/// 0.1 (as Playground), SGD at learning rate 0.03, batch 10, shuffled, seed 0, half the points
/// for training, no noise.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// The built-in dataset (ignored when `csv` is set).
    pub dataset: DatasetKind,
    /// A loaded CSV file to train on instead of `dataset`.
    pub csv: Option<Arc<CsvData>>,
    /// A separate test file for `csv` (same columns): all of `csv` trains, this tests.
    pub test_csv: Option<Arc<CsvData>>,
    /// Classes of the blobs dataset (3-6).
    pub classes: usize,
    /// Train on z-scores of the inputs (the training set's mean and sd); `None` (auto): on for
    /// the shipped iris, wine and breast-cancer, whose columns span very different scales,
    /// off for everything else (a CSV file trains on the numbers in it).
    pub standardize: Option<bool>,
    /// Noise in percent, 0-50 (Playground's slider).
    pub noise: f64,
    /// Share of the points used for training, 0.1-1 (1: no test set); the rest is the test
    /// set.
    pub train_fraction: f64,
    /// Input features computed from (x1, x2).
    pub features: Vec<Feature>,
    /// Hidden layer widths (0-8 layers of 1-64).
    pub hidden: Vec<usize>,
    /// Activation of every hidden layer.
    pub activation: Activation,
    /// Output activation for regression: linear (default) or tanh. Classification always uses
    /// sigmoid with binary cross-entropy.
    pub regression_output: Activation,
    pub init: Init,
    pub bias_init: BiasInit,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    /// SGD momentum, 0 ≤ m < 1 (0 = plain SGD).
    pub momentum: f64,
    /// Nesterov momentum (needs momentum > 0).
    pub nesterov: bool,
    /// L1 regularization rate (weights only).
    pub l1: f64,
    /// L2 regularization rate, PyTorch's weight_decay (weights only).
    pub l2: f64,
    /// Global gradient-norm clipping threshold (0 = off).
    pub clip: f64,
    /// Mini-batch size (0 = full batch; larger than the training set means full batch).
    pub batch_size: usize,
    /// Reshuffle the training set at every epoch. Off, data from files is also split in file
    /// order (the first rows train).
    pub shuffle: bool,
    pub seed: u64,
    /// Mean |f'(z)| below which a neuron counts as saturated.
    pub saturation_threshold: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            dataset: DatasetKind::Circle,
            csv: None,
            test_csv: None,
            classes: 3,
            standardize: None,
            noise: 0.0,
            train_fraction: 0.5,
            features: vec![Feature::X1, Feature::X2],
            hidden: vec![8, 8],
            activation: Activation::Relu,
            regression_output: Activation::Linear,
            init: Init::HeNormal,
            bias_init: BiasInit::Constant(0.1),
            optimizer: OptimizerKind::Sgd,
            lr: 0.03,
            momentum: 0.0,
            nesterov: false,
            l1: 0.0,
            l2: 0.0,
            clip: 0.0,
            batch_size: 10,
            shuffle: true,
            seed: 0,
            saturation_threshold: 0.05,
        }
    }
}

impl TrainConfig {
    /// Checks every setting; the message names the setting, the value and the valid range.
    pub fn validate(&self) -> Result<(), EngineError> {
        let range = |name: &str, v: f64, lo: f64, hi: f64, hint: &str| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(EngineError::invalid(format!(
                    "{name} {v} is out of range; {hint}"
                )))
            }
        };
        range("noise", self.noise, 0.0, 50.0, "use 0 to 50 (percent)")?;
        range(
            "train fraction",
            self.train_fraction,
            0.1,
            1.0,
            "use 0.1 to 1 (the rest is the test set; 1: no test set)",
        )?;
        let (lo, hi) = super::dataset::BLOB_CLASSES;
        if !(lo..=hi).contains(&self.classes) {
            return Err(EngineError::invalid(format!(
                "classes {} is out of range; the blobs dataset makes {lo} to {hi} classes",
                self.classes
            )));
        }
        if self.test_csv.is_some() && self.csv.is_none() {
            return Err(EngineError::invalid(
                "a test file needs a training file; add --data FILE.csv",
            ));
        }
        range(
            "learning rate",
            self.lr,
            0.0,
            MAX_LR,
            "use 0 to 1e6, e.g. 0.03",
        )?;
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return Err(EngineError::invalid(format!(
                "momentum {} is out of range; use 0 ≤ momentum < 1, e.g. 0.9",
                self.momentum
            )));
        }
        if self.nesterov && self.momentum == 0.0 {
            return Err(EngineError::invalid(
                "nesterov needs momentum > 0 (as in PyTorch); add e.g. --momentum 0.9",
            ));
        }
        let rate = "use a rate from 0 to 1e6";
        range("l1", self.l1, 0.0, MAX_REGULARIZATION, rate)?;
        range("l2", self.l2, 0.0, MAX_REGULARIZATION, rate)?;
        range(
            "clip",
            self.clip,
            0.0,
            f64::MAX,
            "use a norm > 0, or 0 to turn clipping off",
        )?;
        range(
            "saturation threshold",
            self.saturation_threshold,
            0.0,
            1.0,
            "use 0 to 1",
        )?;
        check_shape(self.features.len().max(1), &self.hidden)?;
        for (k, f) in self.features.iter().enumerate() {
            if self.features[..k].contains(f) {
                return Err(EngineError::invalid(format!(
                    "feature '{f}' is listed twice"
                )));
            }
        }
        if self.features.is_empty() {
            return Err(EngineError::invalid(
                "no input features; use at least one, e.g. x1,x2",
            ));
        }
        if !matches!(
            self.regression_output,
            Activation::Linear | Activation::Tanh
        ) {
            return Err(EngineError::invalid(format!(
                "regression output '{}' is not supported; use linear or tanh",
                self.regression_output
            )));
        }
        Ok(())
    }

    /// Whether going from `self` to `other` needs a new session (new data or a new network),
    /// rather than [`Session::set_live`](super::Session::set_live).
    pub fn needs_reset(&self, other: &TrainConfig) -> bool {
        self.dataset != other.dataset
            || self.csv != other.csv
            || self.test_csv != other.test_csv
            || self.classes != other.classes
            || self.standardize != other.standardize
            || self.noise != other.noise
            || self.train_fraction != other.train_fraction
            || self.features != other.features
            || self.hidden != other.hidden
            || self.regression_output != other.regression_output
            || self.init != other.init
            || self.bias_init != other.bias_init
            || self.seed != other.seed
            // Without shuffling, file data is split in file order.
            || (self.shuffle != other.shuffle && self.file_data())
    }

    /// Whether the inputs are standardized, `auto` resolved.
    pub fn standardizes(&self) -> bool {
        self.standardize.unwrap_or(
            self.csv.is_none()
                && matches!(
                    self.dataset,
                    DatasetKind::Iris | DatasetKind::Wine | DatasetKind::BreastCancer
                ),
        )
    }

    /// Whether the plane features (x1², sin x1, …) apply: data with exactly two inputs.
    /// Otherwise the network's inputs are the data's columns.
    pub fn features_apply(&self) -> bool {
        match &self.csv {
            Some(csv) => csv.inputs.len() == 2,
            None => self.dataset.table().is_none_or(|t| t.inputs.len() == 2),
        }
    }

    /// Whether the data come from a file (a CSV file or a shipped table), whose order means
    /// something: without shuffling, it is split in that order.
    fn file_data(&self) -> bool {
        self.csv.is_some() || self.dataset.is_table()
    }
}

/// Which optimizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OptimizerKind {
    /// Stochastic gradient descent, optional momentum (dampening 0) and Nesterov.
    #[default]
    Sgd,
    /// Adam with bias correction.
    Adam,
    /// RMSprop (not centered, no momentum).
    Rmsprop,
}

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Sgd,
        OptimizerKind::Adam,
        OptimizerKind::Rmsprop,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Rmsprop => "rmsprop",
        }
    }

    pub fn cycle(self, back: bool) -> OptimizerKind {
        let all = OptimizerKind::ALL;
        let i = all.iter().position(|&k| k == self).unwrap_or(0);
        all[if back {
            (i + all.len() - 1) % all.len()
        } else {
            (i + 1) % all.len()
        }]
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OptimizerKind {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        OptimizerKind::ALL
            .into_iter()
            .find(|k| k.name() == key)
            .ok_or_else(|| {
                let names: Vec<&str> = OptimizerKind::ALL.iter().map(|k| k.name()).collect();
                EngineError::invalid(format!(
                    "unknown optimizer '{s}'{}; valid: {}",
                    suggestion(&key, &names),
                    names.join(", ")
                ))
            })
    }
}
