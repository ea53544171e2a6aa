//! The training engine: datasets, a multilayer perceptron with per-neuron health, PyTorch-exact
//! optimizers and model files. Pure and seeded, no terminal code.

pub mod error;
pub mod init;

pub use error::EngineError;
pub use init::{BiasInit, Init, init_layer, rng_from_seed};
