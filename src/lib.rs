//! reluscope: a terminal explorer for ReLU and its relatives.
//!
//! The library holds everything; `main.rs` only parses and dispatches, so tests and benchmarks
//! reach every part.

pub mod activation;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod error;
pub mod event;
pub mod experiment;
pub mod files;
pub mod message;
pub mod output_caps;
pub mod plot;
pub mod terminal;
pub mod trainer;
pub mod tui;
pub mod ui;
