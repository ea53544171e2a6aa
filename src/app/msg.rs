//! What `update` takes and what it gives back. A [`Msg`] is anything that may change the
//! explorer's state: an action from the keymap, typed text, a resize, a click, the trainer's
//! newest snapshot or an experiment's newest results. [`Effects`] are what the run loop must
//! do about it: draw, talk to the trainer, start or cancel an experiment, suspend, clear,
//! quit. `update` itself never touches the terminal, a thread or a channel.

use std::path::PathBuf;
use std::sync::Arc;

use super::experiments::ExperimentSetup;
use super::pane::Pane;
use crate::action::Action;
use crate::engine::TrainConfig;
use crate::experiment::{ExperimentParams, ExperimentResults};
use crate::trainer::{Command, Snapshot};

/// How serious a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// A state change.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// A bound key's action.
    Action(Action),
    /// A character typed into the value being edited.
    Input(char),
    /// Text pasted into the terminal (bracketed paste): typed into a prompt or a value being
    /// edited, never taken as keys.
    Paste(String),
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
    /// A message for the status line from outside the app (the runtime, the start-up).
    Notice(String, Level),
    /// Training was started paused (`true`) or running, without a command: the trainer knows.
    Paused(bool),
    /// The settings in effect once the trainer is built (a saved model's shape wins).
    Effective(Box<TrainConfig>),
    /// The run was read from this history file (`--open`): paused, the timeline open.
    OpenedHistory(PathBuf),
    /// Open the A/B comparison the starting scenario asks for, if any.
    StartCompare,
    /// B's trainer could not be started: why. The split closes.
    BFailed(String),
    /// Focus a pane (as a click on it does).
    Focus(Pane),
    /// How big the experiments are (the defaults take seconds; tests shrink them).
    ExperimentSetup(ExperimentSetup),
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

/// One thing the run loop must do after an update, in the order `update` asked for them.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Something visible may have changed: draw a frame.
    Redraw,
    /// A command for the trainer (A). A `Command::View` goes to B as well: the runtime routes
    /// it, since both runs sample the same planes.
    Trainer(Command),
    /// A command for the A/B comparison's second trainer (B), if it runs.
    TrainerB(Command),
    /// Start B's trainer with these settings (replacing a running B).
    StartB(Box<TrainConfig>),
    /// Stop B's trainer.
    StopB,
    Experiment(ExperimentEffect),
    /// A file to write.
    File(FileEffect),
    /// Draw the next frame in full (after Ctrl-L or a resume).
    Clear,
    /// Suspend to the shell (Ctrl-Z).
    Suspend,
    /// Leave the explorer.
    Quit,
}

/// What the run loop must do after an update: [`Effect`]s in order, with the questions tests
/// and the runtime ask of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects(pub Vec<Effect>);

impl Effects {
    pub fn push(&mut self, effect: Effect) {
        self.0.push(effect);
    }

    /// Start or stop B: only the last such request of an update counts (a scenario that
    /// compares closes B, opens it on A's settings, then on its own).
    pub fn set_b(&mut self, effect: Effect) {
        self.0
            .retain(|e| !matches!(e, Effect::StartB(_) | Effect::StopB));
        self.0.push(effect);
    }

    /// Something visible may have changed.
    pub fn redraw(&self) -> bool {
        self.0.contains(&Effect::Redraw)
    }

    pub fn quit(&self) -> bool {
        self.0.contains(&Effect::Quit)
    }

    /// The commands for A, in order.
    pub fn trainer(&self) -> Vec<Command> {
        self.0
            .iter()
            .filter_map(|e| match e {
                Effect::Trainer(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    /// The commands for B, in order.
    pub fn trainer_b(&self) -> Vec<Command> {
        self.0
            .iter()
            .filter_map(|e| match e {
                Effect::TrainerB(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    /// The settings B is to start with, if it is.
    pub fn start_b(&self) -> Option<&TrainConfig> {
        self.0.iter().find_map(|e| match e {
            Effect::StartB(c) => Some(&**c),
            _ => None,
        })
    }

    /// The files to write.
    pub fn files(&self) -> Vec<&FileEffect> {
        self.0
            .iter()
            .filter_map(|e| match e {
                Effect::File(f) => Some(f),
                _ => None,
            })
            .collect()
    }

    /// What to do with an experiment, if anything.
    pub fn experiment(&self) -> Option<&ExperimentEffect> {
        self.0.iter().find_map(|e| match e {
            Effect::Experiment(x) => Some(x),
            _ => None,
        })
    }
}
