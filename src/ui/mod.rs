//! Drawing: one file per pane, the theme, and the layout.

pub mod curves;
pub mod format;
pub mod heatmap;
pub mod metrics;
pub mod network;
pub mod output;
pub mod plot;
pub mod theme;
