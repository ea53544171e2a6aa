//! What the UI tells the trainer ([`Command`], [`View`], [`Seek`]) and the trainer's pacing,
//! shared by the handle ([`super::Trainer`]), the mailbox and the worker, which is why they live
//! apart from all three.

use std::time::Duration;

use crate::engine::TrainConfig;

/// Snapshots are published at most this often while training.
pub const PUBLISH_EVERY: Duration = Duration::from_millis(30);
/// While training, the planes over the input plane are resampled at most this often.
pub const PLANES_EVERY: Duration = Duration::from_millis(250);
/// Steps run between looks at the command channel and the clock, at most.
pub(super) const CHUNK_TIME: Duration = Duration::from_millis(8);

/// What the trainer samples over the input plane for the UI: the output heatmap's size in
/// pixels, the inspected neuron (hidden layer, neuron) with its plane's size, and which slice
/// of the inputs the plane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub output: (usize, usize),
    pub inspect: Option<(usize, usize, usize, usize)>,
    pub plane: crate::engine::PlaneView,
}

/// An instruction for the trainer.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// New settings: applied live when possible, else the network is rebuilt.
    Configure(Box<TrainConfig>),
    Play,
    Pause,
    /// One optimizer step (when paused).
    Step,
    /// New initial weights for the same data.
    ResetNetwork,
    /// A fresh run with these settings, even if they could apply live (a scenario starts
    /// from its own initial state).
    Restart(Box<TrainConfig>),
    /// Steps per second, `None` for as fast as possible.
    Speed(Option<f64>),
    /// What to sample over the input plane.
    View(View),
    /// Write the model as it is now to a new file here (a taken name gets a fresh `-2`, …);
    /// the snapshot's `saved` says where, or why not.
    SaveModel(std::path::PathBuf),
    /// Show another kept moment of the run (training pauses); `Play` or `Step` from a past
    /// moment trains on from there, dropping the later history.
    Seek(Seek),
    Quit,
}

/// Where to go in the run's kept history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek {
    Back,
    Forward,
    Start,
    Now,
    /// The moment a neuron was first seen dead, before or after the one shown.
    PrevDeath,
    NextDeath,
}
