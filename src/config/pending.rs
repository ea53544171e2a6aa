//! Stand-ins for engine types not yet available.
#![allow(missing_docs)]
pub type DatasetKind = String;
pub type Feature = String;
pub type OptimizerKind = String;

use crate::activation::Activation;
use crate::engine::{BiasInit, Init};

#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub dataset: DatasetKind,
    pub noise: f64,
    pub train_fraction: f64,
    pub features: Vec<Feature>,
    pub layers: Vec<usize>,
    pub activation: Activation,
    pub init: Init,
    pub bias_init: BiasInit,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub nesterov: bool,
    pub l1: f64,
    pub l2: f64,
    pub clip: f64,
    pub batch_size: usize,
    pub shuffle: bool,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            dataset: "circle".into(),
            noise: 0.0,
            train_fraction: 0.5,
            features: vec!["x1".into(), "x2".into()],
            layers: vec![8, 8],
            activation: "relu".parse().unwrap(),
            init: Init::HeNormal,
            bias_init: BiasInit::Constant(0.1),
            optimizer: "sgd".into(),
            lr: 0.03,
            momentum: 0.0,
            nesterov: false,
            l1: 0.0,
            l2: 0.0,
            clip: 0.0,
            batch_size: 10,
            shuffle: true,
            seed: 0,
        }
    }
}
