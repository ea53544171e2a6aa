//! The one place `update`'s [`Effects`] are carried out. What an effect does is decided here
//! once (which trainer a command goes to, what a file write reports back, what B's start or
//! failure tells the app); how it is done belongs to a [`Host`]: the explorer's run loop
//! (`tui.rs`: threads and a terminal) or [`Local`] (workers stepped on the calling thread, for
//! `--screenshot` and the tests).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use ratatui::buffer::Buffer;

use crate::app::params::SPEEDS;
use crate::app::{App, Effect, Effects, ExperimentEffect, FileEffect, Msg, update};
use crate::engine::{ModelFile, Timeline, TrainConfig};
use crate::experiment::{ExperimentJob, ExperimentParams, default_threads};
use crate::trainer::{Command, Snapshot, View, Worker};
use crate::{files, ui};

/// What carries effects out: the trainers, the experiment job, the files and the terminal.
pub trait Host {
    /// A command for A.
    fn trainer(&mut self, command: Command);
    /// A command for B; dropped when B is not running.
    fn trainer_b(&mut self, command: Command);
    /// B's trainer is running.
    fn has_b(&self) -> bool;
    /// Start B (replacing a running one); its first snapshot.
    fn start_b(
        &mut self,
        config: TrainConfig,
        speed: Option<f64>,
        view: View,
    ) -> Result<Arc<Snapshot>>;
    fn stop_b(&mut self);
    fn start_experiment(&mut self, params: ExperimentParams, threads: usize);
    fn cancel_experiment(&mut self);
    /// Write `text` to a new file at `path`; the files written or why not, or `None` when this
    /// host writes no files.
    fn write_text(&mut self, path: &Path, text: &str) -> Option<Result<Vec<PathBuf>, String>>;
    /// Keep the next frame drawn as `STEM.svg` and `STEM.txt`.
    fn screenshot(&mut self, stem: PathBuf);
    /// Draw the next frame in full.
    fn clear(&mut self) -> Result<()>;
    /// Give the terminal back until continued; the terminal's size then, if there is one.
    fn suspend(&mut self) -> Result<Option<(u16, u16)>>;
}

/// What carrying out an update's effects came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The user asked to leave.
    pub quit: bool,
    /// A frame is needed.
    pub redraw: bool,
}

/// Carry out `effects` on `host`, and those of the messages that answers them (a file
/// written, B's first snapshot, the size after a suspend).
pub fn carry_out(app: &mut App, host: &mut impl Host, effects: Effects) -> Result<Outcome> {
    let mut out = Outcome::default();
    if effects.quit() {
        out.quit = true;
        return Ok(out);
    }
    let mut answers = Vec::new();
    for effect in effects.0 {
        match effect {
            Effect::Redraw => out.redraw = true,
            Effect::Trainer(command) => {
                // B samples the same planes as A (the columns are the same size).
                if matches!(command, Command::View(_)) && host.has_b() {
                    host.trainer_b(command.clone());
                }
                host.trainer(command);
            }
            Effect::TrainerB(command) => host.trainer_b(command),
            Effect::StartB(config) => {
                let view = crate::app::layout::wanted_view(app);
                match host.start_b(*config, SPEEDS[app.speed()], view) {
                    Ok(first) => answers.push(Msg::SnapshotB(first)),
                    Err(e) => answers.push(Msg::BFailed(format!("{e:#}"))),
                }
                out.redraw = true;
            }
            Effect::StopB => host.stop_b(),
            Effect::Experiment(ExperimentEffect::Start {
                params,
                threads,
                leave_a_core,
            }) => {
                let threads = threads.unwrap_or_else(|| default_threads(leave_a_core));
                host.start_experiment(params, threads);
            }
            Effect::Experiment(ExperimentEffect::Cancel) => host.cancel_experiment(),
            Effect::File(FileEffect::Text { what, path, text }) => {
                if let Some(result) = host.write_text(&path, &text) {
                    answers.push(Msg::Wrote { what, result });
                }
            }
            Effect::File(FileEffect::Screenshot { stem }) => {
                host.screenshot(stem);
                out.redraw = true;
            }
            Effect::Clear => {
                host.clear()?;
                out.redraw = true;
            }
            Effect::Suspend => {
                // The terminal may have been resized while we were stopped.
                if let Some((w, h)) = host.suspend()? {
                    answers.push(Msg::Resize(w, h));
                }
                out.redraw = true;
            }
            Effect::Quit => {}
        }
    }
    for msg in answers {
        let effects = update(app, msg);
        let more = carry_out(app, host, effects)?;
        out.quit |= more.quit;
        out.redraw |= more.redraw;
    }
    Ok(out)
}

/// The full path of a written file, for messages.
fn full(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The text file beside an SVG: `shot.svg` → `shot.txt`.
pub fn text_path(svg: &Path) -> PathBuf {
    svg.with_extension("txt")
}

/// Writes `text` to a new file at `path` (or a fresh `-2`, `-3`, … name beside it); returns
/// the full path written, or what went wrong.
pub fn write_text(path: &Path, text: &str) -> Result<Vec<PathBuf>, String> {
    files::write_new(path, text.as_bytes())
        .map(|p| vec![full(&p)])
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the screen as `STEM.svg` and `STEM.txt`, numbered `STEM-2` … when either is taken,
/// so no file is replaced and the pair keeps one name.
pub fn write_fresh(buf: &Buffer, stem: &Path) -> Result<Vec<PathBuf>, String> {
    let name = stem.file_name().unwrap_or_default().to_string_lossy();
    let free = (1..10_000)
        .map(|n| match n {
            1 => stem.with_file_name(format!("{name}.svg")),
            n => stem.with_file_name(format!("{name}-{n}.svg")),
        })
        .find(|svg| !svg.exists() && !text_path(svg).exists())
        .ok_or_else(|| format!("{}: no free name", stem.display()))?;
    let written = write_text(&free, &ui::screenshot::svg(buf))?;
    let mut more = write_text(&text_path(&free), &ui::buffer_text(buf))?;
    Ok(written.into_iter().chain(more.drain(..)).collect())
}

/// The in-thread host: A's and B's [`Worker`]s stepped only when asked, an experiment job on
/// its own pool, no terminal. Files are not written (a test or a picture has no business in
/// the current directory): the text files asked for are kept in [`Local::files`], the models
/// in [`Local::models`], the screenshot stems in [`Local::screenshots`].
pub struct Local {
    a: Worker,
    b: Option<Worker>,
    job: Option<ExperimentJob>,
    /// The screenshots asked for, in order: each one's file stem.
    pub screenshots: Vec<PathBuf>,
    /// The text files asked for, in order: (path, text).
    pub files: Vec<(PathBuf, String)>,
    /// The paths A was asked to save its model to (`Command::SaveModel`), in order.
    pub models: Vec<PathBuf>,
}

impl Local {
    /// A paused worker for `config` (from `model` if given) sampling `view`.
    pub fn new(config: TrainConfig, model: Option<ModelFile>, view: View) -> Result<Local> {
        let mut a = Worker::new(config, false, None, view)?;
        if let Some(model) = model {
            a.load_model(model)?;
        }
        Ok(Local::with(a))
    }

    /// A paused worker on a run read from a history file, at its newest moment.
    pub fn opened(config: TrainConfig, timeline: Timeline, view: View) -> Result<Local> {
        let mut a = Worker::new(config, false, None, view)?;
        a.load_timeline(timeline)?;
        Ok(Local::with(a))
    }

    fn with(a: Worker) -> Local {
        Local {
            a,
            b: None,
            job: None,
            screenshots: Vec::new(),
            files: Vec::new(),
            models: Vec::new(),
        }
    }

    /// The settings in effect (a saved model's shape wins over the requested one).
    pub fn effective(&self) -> TrainConfig {
        self.a.session().config().clone()
    }

    /// A's worker.
    pub fn a(&self) -> &Worker {
        &self.a
    }

    /// A's worker, to step it.
    pub fn a_mut(&mut self) -> &mut Worker {
        &mut self.a
    }

    /// B's worker, while comparing.
    pub fn b(&self) -> Option<&Worker> {
        self.b.as_ref()
    }

    pub fn b_mut(&mut self) -> Option<&mut Worker> {
        self.b.as_mut()
    }

    /// The experiment job last started.
    pub fn job(&self) -> Option<&ExperimentJob> {
        self.job.as_ref()
    }
}

impl Host for Local {
    fn trainer(&mut self, command: Command) {
        match command {
            Command::SaveModel(path) => self.models.push(path),
            command => {
                self.a.apply(command);
            }
        }
    }

    fn trainer_b(&mut self, command: Command) {
        if let Some(b) = &mut self.b {
            b.apply(command);
        }
    }

    fn has_b(&self) -> bool {
        self.b.is_some()
    }

    fn start_b(
        &mut self,
        config: TrainConfig,
        speed: Option<f64>,
        view: View,
    ) -> Result<Arc<Snapshot>> {
        let b = Worker::new(config, false, speed, view)?;
        let first = Arc::new(b.capture());
        self.b = Some(b);
        Ok(first)
    }

    fn stop_b(&mut self) {
        self.b = None;
    }

    fn start_experiment(&mut self, params: ExperimentParams, threads: usize) {
        self.job = Some(ExperimentJob::spawn_with_threads(params, threads));
    }

    fn cancel_experiment(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
    }

    fn write_text(&mut self, path: &Path, text: &str) -> Option<Result<Vec<PathBuf>, String>> {
        self.files.push((path.to_path_buf(), text.to_string()));
        None
    }

    fn screenshot(&mut self, stem: PathBuf) {
        self.screenshots.push(stem);
    }

    fn clear(&mut self) -> Result<()> {
        Ok(())
    }

    fn suspend(&mut self) -> Result<Option<(u16, u16)>> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screenshot_pair_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("shot");
        std::fs::write(dir.path().join("shot.txt"), "mine").unwrap();
        let buf = Buffer::with_lines(["ab", "cd"]);
        let written = write_fresh(&buf, &stem).unwrap();
        assert!(written[0].ends_with("shot-2.svg"), "{written:?}");
        assert!(written[1].ends_with("shot-2.txt"), "{written:?}");
        assert_eq!(std::fs::read_to_string(&written[1]).unwrap(), "ab\ncd\n");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("shot.txt")).unwrap(),
            "mine"
        );
    }
}
