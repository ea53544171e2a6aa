//! reluscope: a terminal explorer for ReLU and its relatives.
//!
//! The library holds everything; `main.rs` only parses and dispatches, so tests and benchmarks
//! reach every part.

pub mod activation;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod plot;
pub mod ui;
