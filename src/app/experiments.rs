//! The Experiments view's state: whether it is open, whether a job runs, and the results it
//! shows. The job itself belongs to the run loop: starting and cancelling are effects, and its
//! results arrive as messages through the same kind of channel as the trainer's snapshots, so
//! a finished or absent job costs no wakeups.
//!
//! Leaving the view does not cancel the job: experiments take seconds to minutes, and watching
//! training meanwhile is the point of running them in the background. The status line keeps
//! showing the job's progress and says how to get back; cancel stays an explicit key.

use crate::engine::TrainConfig;
use crate::experiment::{ExperimentParams, ExperimentResults, JobStatus};

/// Which experiment a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExperimentKind {
    /// Born-dead probability against depth, he-normal with zero biases beside RAI.
    BornDead,
    /// Final dead neurons over learning rate × bias init, around the current settings.
    Sweep,
}

impl ExperimentKind {
    /// Its name for the status line; `ascii` spells × as x.
    pub fn name(self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (ExperimentKind::BornDead, _) => "born-dead comparison",
            (ExperimentKind::Sweep, false) => "lr × bias sweep",
            (ExperimentKind::Sweep, true) => "lr x bias sweep",
        }
    }
}

/// How big the experiments are. The defaults take a few seconds on one core; tests shrink
/// them.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentSetup {
    /// Random networks per (width, depth) cell of the born-dead comparison.
    pub born_dead_trials: u64,
    /// Domain points of a born-dead trial; `None` for the experiment's default density.
    pub born_dead_points: Option<usize>,
    /// Training epochs per sweep run.
    pub sweep_epochs: u64,
    /// Runs per sweep cell.
    pub sweep_repeats: u64,
    /// Worker threads; `None` for `RAYON_NUM_THREADS` or the machine's cores (one fewer while
    /// training runs, so the trainer and the UI keep one).
    pub threads: Option<usize>,
}

impl Default for ExperimentSetup {
    fn default() -> Self {
        ExperimentSetup {
            // About 4 s on one core for 2 × 60 cells (release build).
            born_dead_trials: 2000,
            born_dead_points: None,
            // About 1 s on one core for 16 cells at the default network.
            sweep_epochs: 200,
            sweep_repeats: 3,
            threads: None,
        }
    }
}

impl ExperimentSetup {
    /// The job's parameters for `kind`; the born-dead seed and the sweep's base are the
    /// current training settings, so a run is reproducible from what the Parameters pane shows.
    pub fn params(&self, kind: ExperimentKind, config: &TrainConfig) -> ExperimentParams {
        match kind {
            ExperimentKind::BornDead => {
                let mut params =
                    ExperimentParams::born_dead_comparison(self.born_dead_trials, config.seed);
                if let ExperimentParams::BornDead(configs) = &mut params {
                    for c in configs {
                        c.points = self.born_dead_points.or(c.points);
                    }
                }
                params
            }
            ExperimentKind::Sweep => {
                ExperimentParams::sweep_around(config, self.sweep_epochs, self.sweep_repeats)
            }
        }
    }
}

/// What a message from the job changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Polled {
    /// Something the screen shows changed.
    pub changed: bool,
    /// The job ended with this status with this message.
    pub ended: Option<JobStatus>,
}

/// The view, whether a job runs, and the latest results.
#[derive(Debug, Clone, Default)]
pub struct Experiments {
    pub setup: ExperimentSetup,
    /// What the view shows: the last born-dead comparison and the last sweep (each stays until
    /// a run of its kind replaces it), with the status and progress of the last job.
    pub results: ExperimentResults,
    /// What the results are of; `None` before the first run.
    pub kind: Option<ExperimentKind>,
    /// A job was started and has not been seen to end.
    running: bool,
}

impl Experiments {
    /// A job is running (started and not yet seen to end).
    pub fn running(&self) -> bool {
        self.running
    }

    /// Start `kind` on the current settings: the parameters of the job for the run loop to
    /// start. Refused while another job runs (the message says how to cancel it), so a stray
    /// key never throws away a long run.
    pub fn start(
        &mut self,
        kind: ExperimentKind,
        config: &TrainConfig,
    ) -> Result<ExperimentParams, String> {
        if let Some(running) = self.kind.filter(|_| self.running) {
            return Err(format!("the {} is still running", running.name(false)));
        }
        // The new run replaces its own kind's results; the other kind's stay on screen.
        let (born_dead, sweep) = match kind {
            ExperimentKind::BornDead => (Vec::new(), self.results.sweep.take()),
            ExperimentKind::Sweep => (std::mem::take(&mut self.results.born_dead), None),
        };
        self.results = ExperimentResults {
            born_dead,
            sweep,
            ..ExperimentResults::default()
        };
        self.kind = Some(kind);
        self.running = true;
        Ok(self.setup.params(kind, config))
    }

    /// Take the job's newest results. While the view is closed (`!open`) only what the status
    /// line shows (status and whole percents) counts as a change, so a hidden job redraws
    /// rarely.
    pub fn take(&mut self, mut new: ExperimentResults, open: bool) -> Polled {
        if !self.running {
            return Polled {
                changed: false,
                ended: None,
            };
        }
        // The job holds only its own kind's results: set the other kind's aside to compare,
        // then keep them.
        let born_dead = self.kind == Some(ExperimentKind::BornDead);
        let (other_born_dead, other_sweep) = if born_dead {
            (Vec::new(), self.results.sweep.take())
        } else {
            (std::mem::take(&mut self.results.born_dead), None)
        };
        let changed = if open {
            new != self.results
        } else {
            new.status != self.results.status || percent(&new) != percent(&self.results)
        };
        if born_dead {
            new.sweep = other_sweep;
        } else {
            new.born_dead = other_born_dead;
        }
        self.results = new;
        let ended = (self.results.status != JobStatus::Running).then(|| {
            self.running = false;
            self.results.status.clone()
        });
        Polled {
            changed: changed || ended.is_some(),
            ended,
        }
    }

    /// The status line's note on the job: "born-dead comparison 45%" while it runs.
    pub fn status_text(&self, ascii: bool) -> Option<String> {
        let kind = self.kind?;
        self.running
            .then(|| format!("{} {}%", kind.name(ascii), percent(&self.results)))
    }
}

/// Whole percents done.
fn percent(r: &ExperimentResults) -> u32 {
    (100.0 * r.progress.clamp(0.0, 1.0)).floor() as u32
}
