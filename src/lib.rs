//! reluscope: a terminal explorer for ReLU and its relatives.
//!
//! The library holds everything; `main.rs` only parses and dispatches, so tests and benchmarks
//! reach every part.

// A panic outside tests must say why it cannot happen (`expect`), or be handled.
#![deny(clippy::unwrap_used)]

pub mod action;
pub mod activation;
pub mod app;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod event;
pub mod experiment;
pub mod files;
pub mod format;
pub mod keymap;
pub mod message;
pub mod output_caps;
pub mod runtime;
pub mod scenario;
pub mod settings;
pub mod terminal;
pub mod trainer;
pub mod tui;
pub mod ui;
