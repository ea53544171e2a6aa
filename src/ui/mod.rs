//! Drawing: one file per pane. Everything here reads state and writes cells.

pub mod experiments;
