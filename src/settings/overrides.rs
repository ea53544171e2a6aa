//! The one shape every configuration layer produces: each setting optional, each set value
//! remembering where it came from. Layers are merged field by field (a higher layer's set
//! field wins) and the result is validated once into [`super::Settings`].
//!
//! Every value is read by its row of [`super::schema`], whichever layer supplies it: the
//! same key names, the same checks and the same messages for a file, an environment variable,
//! a flag and a value typed into the Parameters pane.

use crate::activation::Activation;
use crate::engine::{BiasInit, DatasetKind, Feature, Init, OptimizerKind, TrainConfig};

use super::diag::Sourced;

/// How much colour the explorer uses: `auto` (from NO_COLOR, COLORTERM and TERM) or a fixed
/// tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Never,
    Ansi16,
    Ansi256,
    Truecolor,
}

impl ColorChoice {
    /// `auto`, `never`, `16`, `256` or `truecolor` (any case).
    pub fn parse(text: &str) -> Option<ColorChoice> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(ColorChoice::Auto),
            "never" => Some(ColorChoice::Never),
            "16" => Some(ColorChoice::Ansi16),
            "256" => Some(ColorChoice::Ansi256),
            "truecolor" => Some(ColorChoice::Truecolor),
            _ => None,
        }
    }
}

/// Training settings, each optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainOverrides {
    pub dataset: Option<Sourced<DatasetKind>>,
    pub classes: Option<Sourced<usize>>,
    pub standardize: Option<Sourced<Option<bool>>>,
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
        merge_fields!(self, higher; dataset, classes, standardize, noise, train_fraction, features, layers, activation,
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

impl TrainOverrides {
    /// Puts every setting these overrides set into `config`.
    pub fn apply(&self, config: &mut TrainConfig) {
        macro_rules! take {
            ($($field:ident),*) => {
                $( if let Some(s) = &self.$field { config.$field = s.value.clone(); } )*
            };
        }
        take!(
            classes,
            standardize,
            noise,
            train_fraction,
            features,
            activation,
            regression_output,
            init,
            bias_init,
            optimizer,
            lr,
            momentum,
            nesterov,
            l1,
            l2,
            clip,
            batch_size,
            shuffle,
            seed
        );
        if let Some(s) = &self.dataset {
            // A built-in dataset replaces a CSV file (the Parameters pane's dataset knob).
            config.dataset = s.value;
            config.csv = None;
        }
        if let Some(s) = &self.layers {
            config.hidden = s.value.clone();
        }
    }
}
