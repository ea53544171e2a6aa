//! The training engine: datasets, a multilayer perceptron with per-neuron health, PyTorch-exact
//! optimizers and model files. Pure and seeded (ChaCha), f64 throughout, no terminal code.
//!
//! The entry point is [`Session`]: build one from a [`TrainConfig`] (or a saved [`ModelFile`]),
//! call [`Session::step`] for one mini-batch update at a time, and read [`Session::health`],
//! [`Session::network`], [`Session::dataset`], the losses and [`Session::predict`] between
//! steps. A session is `Send`: it lives on the trainer thread.
//!
//! ```
//! use reluscope::engine::{Session, TrainConfig};
//! let mut s = Session::new(TrainConfig::default()).unwrap();
//! for _ in 0..s.steps_per_epoch() {
//!     s.step();
//! }
//! assert_eq!(s.epoch(), 1);
//! assert!(s.train_loss().is_finite());
//! let p = s.predict(0.0, 0.0); // probability of class 1 at the origin
//! assert!((0.0..=1.0).contains(&p));
//! ```
//!
//! Modules: [`point`] (examples and tasks), [`dataset`] (generators, split), [`feature`],
//! [`csv`] (data files), [`init`], [`network`] (forward/backward), [`loss`], [`optim`],
//! [`health`], [`model_file`], [`config`], [`session`].

pub mod checkpoint;
pub mod config;
pub mod csv;
pub mod dataset;
pub mod error;
pub mod feature;
pub mod health;
pub mod history_file;
pub mod init;
pub mod kernels;
pub mod loss;
pub mod model_file;
pub mod network;
pub mod optim;
pub mod plane;
pub mod point;
pub mod predict;
pub(crate) mod quartiles;
pub mod session;
pub mod standardize;

pub use checkpoint::{Checkpoint, Timeline};
pub use config::OptimizerKind;
pub use config::TrainConfig;
pub use csv::{CsvData, CsvOptions, TaskChoice};
pub use dataset::{Dataset, DatasetKind, SplitRule};
pub use error::EngineError;
pub use feature::Feature;
pub use health::{Health, LayerHealth, NeuronHealth, NeuronState, ZQuartiles};
pub use init::{BiasInit, Init, init_layer, rng_from_seed};
pub use loss::Loss;
pub use model_file::ModelFile;
pub use network::{Gradients, Layer, Network, Scratch};
pub use optim::Optimizer;
pub use plane::{PlaneView, Projection};
pub use point::{MAX_CLASSES, Point, Task};
pub use session::{Session, StepReport};
pub use standardize::Standardize;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send + 'static>() {}

    #[test]
    fn session_is_send() {
        assert_send::<Session>();
    }
}
