//! What `update` takes and what it gives back. A [`Msg`] is anything that may change the
//! explorer's state: an action from the keymap, typed text, a resize, a click, the trainer's
//! newest snapshot or an experiment's newest results. [`Effects`] are what the run loop must
//! do about it: draw, talk to the trainer, start or cancel an experiment, suspend, clear,
//! quit. `update` itself never touches the terminal, a thread or a channel.

use std::path::PathBuf;
use std::sync::Arc;

use crate::action::Action;
use crate::experiment::{ExperimentParams, ExperimentResults};
use crate::trainer::{Command, Snapshot};

/// A state change.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// A bound key's action.
    Action(Action),
    /// A character typed into the value being edited.
    Input(char),
    /// Delete the last typed character.
    Backspace,
    /// The terminal's new size.
    Resize(u16, u16),
    /// A mouse click at a cell (only with `--mouse`): focuses the pane under it.
    Click(u16, u16),
    /// A new state of training.
    Snapshot(Arc<Snapshot>),
    /// The newest snapshot of the A/B comparison's second run (B).
    SnapshotB(Arc<Snapshot>),
    /// The running experiment's newest results.
    Experiment(Arc<ExperimentResults>),
    /// What the run loop wrote for a [`FileEffect`]: the files (full paths), or why not.
    Wrote {
        what: &'static str,
        result: Result<Vec<PathBuf>, String>,
    },
}

/// A file the run loop writes, never replacing one (a taken name gets a fresh `-2`, `-3`, …),
/// and reports with [`Msg::Wrote`].
#[derive(Debug, Clone, PartialEq)]
pub enum FileEffect {
    /// `text` to `path`.
    Text {
        what: &'static str,
        path: PathBuf,
        text: String,
    },
    /// The next frame drawn, as `STEM.svg` and `STEM.txt`.
    Screenshot { stem: PathBuf },
}

impl From<Action> for Msg {
    fn from(a: Action) -> Msg {
        Msg::Action(a)
    }
}

/// What to do with an experiment.
#[derive(Debug, Clone, PartialEq)]
pub enum ExperimentEffect {
    /// Start a job: on `threads` workers, or when `None` as many as the machine can spare
    /// (`leave_a_core` while training runs, so the trainer and the UI keep one).
    Start {
        params: ExperimentParams,
        threads: Option<usize>,
        leave_a_core: bool,
    },
    /// Ask the running job to stop.
    Cancel,
}

/// What the run loop must do after an update.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// Something visible may have changed: draw a frame.
    pub redraw: bool,
    /// Commands for the trainer, in order.
    pub trainer: Vec<Command>,
    /// Commands for the A/B comparison's second trainer (B).
    pub trainer_b: Vec<Command>,
    /// Start B's trainer with these settings (`Some`), or stop it (`None`).
    pub ab: Option<Option<Box<crate::engine::TrainConfig>>>,
    pub experiment: Option<ExperimentEffect>,
    /// Draw the next frame in full (after Ctrl-L or a resume).
    pub clear: bool,
    /// Suspend to the shell (Ctrl-Z).
    pub suspend: bool,
    /// Leave the explorer.
    pub quit: bool,
    /// Files to write.
    pub files: Vec<FileEffect>,
}
