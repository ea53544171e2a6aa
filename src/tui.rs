//! The interactive explorer's entry point and run loop: events in, messages through
//! `app::update`, its effects carried out (trainer commands, experiment jobs, suspend, quit),
//! a frame drawn when something changed (at most `--fps` a second).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::time::Instant;

use crate::app::params::SPEEDS;
use crate::app::{App, Effect, Effects, Msg, input, update};
use crate::cli::{DataArgs, TrainFlags};
use crate::commands::data::with_data;
use crate::engine::TrainConfig;
use crate::error::{Signalled, input_error};
use crate::event::{Event, Events};
use crate::experiment::{ExperimentJob, ExperimentParams};
use crate::runtime::{self, Host};
use crate::settings::Settings;
use crate::terminal::{self, Tui};
use crate::trainer::{Command, Snapshot, Trainer, View};
use crate::ui::{self, theme::Theme};

/// Frames per second when `--fps` is not given.
pub const DEFAULT_FPS: u32 = 15;

/// Restores the terminal when dropped, whatever way the run loop ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        terminal::restore();
    }
}

const NEEDS_TERMINAL: &str =
    "the explorer needs an interactive terminal; for scripts use `reluscope train`";

/// Run the explorer until the user quits, a signal arrives or the terminal goes away.
/// `settings` are the layered configuration (flags included); `data` adds what only the
/// command line carries: a CSV file (`--data`) and a saved model (`--model`).
/// `opened` is a history file (`--open`) to start from instead of a fresh run.
pub fn run(
    settings: Settings,
    data: &DataArgs,
    flags: &TrainFlags,
    opened: Option<&crate::commands::history::Opened>,
) -> Result<()> {
    let display = &settings.display;
    let fps = display.fps;
    if !(1..=60).contains(&fps) {
        return Err(input_error(format!(
            "--fps {fps} is out of range; use 1 to 60 (default {DEFAULT_FPS})"
        )));
    }
    let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !terminal && opened.is_none() {
        return Err(input_error(NEEDS_TERMINAL));
    }
    let (config, model) = with_data(data, flags, settings.train.clone())?;
    // A history file is read whole first: a damaged one is reported plainly.
    let timeline = opened.map(|o| o.timeline(&config)).transpose()?;
    if !terminal {
        return Err(input_error(NEEDS_TERMINAL));
    }
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let theme = ui::theme_fit::for_terminal(&settings);
    let (paused, mouse) = (display.paused, display.mouse);
    let mut app = App::from_settings(config.clone(), settings, theme.ascii, size);
    // A scenario that compares two runs opens split; a history file opens paused on the
    // timeline. Their effects wait for the trainer.
    let mut start = update(&mut app, Msg::StartCompare);
    if let Some(o) = opened {
        start
            .0
            .extend(update(&mut app, Msg::OpenedHistory(o.path.clone())).0);
    }
    let view = crate::app::layout::wanted_view(&app);
    let speed = SPEEDS[app.speed()];
    // The session is built before the terminal is touched, so bad settings print plainly.
    let (trainer, snapshots, effective) = match timeline {
        None => Trainer::spawn(config, model, !paused, speed, view)?,
        // Paused at the last moment, the timeline open: it is there to be scrubbed.
        Some(timeline) => Trainer::spawn_opened(config, timeline, speed, view)?,
    };
    // A saved model may have set the shape: the Parameters pane shows what is in effect.
    start
        .0
        .extend(update(&mut app, Msg::Effective(Box::new(effective))).0);

    terminal::install_panic_hook();
    let _restore = Restore;
    let mut tui = Tui::enter(mouse).context("cannot set up the terminal")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;
    let period = Duration::from_secs_f64(1.0 / fps as f64);
    let result = runtime.block_on(async {
        // The trainer's first snapshot is already in the channel: show it in the first frame.
        let first = snapshots.borrow().clone();
        let events = Events::new(snapshots).context("cannot listen for signals")?;
        let mut run = Run {
            app: &mut app,
            theme: &theme,
            period,
            host: Threads {
                tui: &mut tui,
                events,
                trainer: &trainer,
                trainer_b: None,
                job: None,
                screenshot: None,
            },
        };
        let result = run.run_loop(start, first).await;
        // The terminal first, so the user has the shell back at once whatever is still
        // stopping; then the experiment (cancelled, joined in milliseconds) and the trainer
        // (asked to quit, waited for briefly).
        terminal::restore();
        drop(run);
        result
    });
    drop(trainer);
    result
}

/// The real host: the trainers' threads, the experiment job, the event stream they report
/// through, and the terminal.
struct Threads<'a> {
    tui: &'a mut Tui,
    events: Events,
    trainer: &'a Trainer,
    /// The A/B comparison's second trainer, while comparing.
    trainer_b: Option<Trainer>,
    /// The experiment running in the background, if any.
    job: Option<ExperimentJob>,
    /// A screenshot of the next frame was asked for: the files' stem.
    screenshot: Option<PathBuf>,
}

impl Host for Threads<'_> {
    fn trainer(&mut self, command: Command) {
        self.trainer.send(command);
    }

    fn trainer_b(&mut self, command: Command) {
        if let Some(b) = &self.trainer_b {
            b.send(command);
        }
    }

    fn has_b(&self) -> bool {
        self.trainer_b.is_some()
    }

    fn start_b(
        &mut self,
        config: TrainConfig,
        speed: Option<f64>,
        view: View,
    ) -> Result<Arc<Snapshot>> {
        let (trainer, rx, _) = Trainer::spawn(config, None, false, speed, view)?;
        let first = rx.borrow().clone();
        self.events.watch_b(Some(rx));
        self.trainer_b = Some(trainer);
        Ok(first)
    }

    fn stop_b(&mut self) {
        self.events.watch_b(None);
        self.trainer_b = None;
    }

    fn start_experiment(&mut self, params: ExperimentParams, threads: usize) {
        let job = ExperimentJob::spawn_with_threads(params, threads);
        self.events.watch_experiment(job.subscribe());
        self.job = Some(job);
    }

    fn cancel_experiment(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
    }

    fn write_text(&mut self, path: &Path, text: &str) -> Option<Result<Vec<PathBuf>, String>> {
        Some(runtime::write_text(path, text))
    }

    fn screenshot(&mut self, stem: PathBuf) {
        self.screenshot = Some(stem);
    }

    fn clear(&mut self) -> Result<()> {
        Ok(self.tui.clear()?)
    }

    fn suspend(&mut self) -> Result<Option<(u16, u16)>> {
        self.tui.suspend()?;
        Ok(crossterm::terminal::size().ok())
    }
}

/// The run loop's state.
struct Run<'a> {
    app: &'a mut App,
    theme: &'a Theme,
    period: Duration,
    host: Threads<'a>,
}

impl Run<'_> {
    async fn run_loop(&mut self, start: Effects, first: Arc<Snapshot>) -> Result<()> {
        let mut dirty = true;
        for effects in [start, update(self.app, Msg::Snapshot(first))] {
            if self.settle(effects, &mut dirty)? {
                return Ok(());
            }
        }
        let mut last_draw: Option<Instant> = None;
        loop {
            // Draw at once if the last frame is old enough, else at the next frame slot;
            // with nothing to draw, no timer runs at all.
            let draw_at = dirty.then(|| last_draw.map_or_else(Instant::now, |t| t + self.period));
            let msg = match self.host.events.next(draw_at).await {
                Event::Draw => {
                    let reported = self.draw()?;
                    last_draw = Some(Instant::now());
                    dirty = reported;
                    None
                }
                Event::Key(key) => input::key(self.app, &key),
                Event::Mouse(m) => input::mouse(&m),
                Event::Paste(text) => Some(Msg::Paste(text)),
                Event::Resize(w, h) => {
                    self.host.tui.autoresize()?;
                    Some(Msg::Resize(w, h))
                }
                Event::Snapshot(s) => Some(Msg::Snapshot(s)),
                Event::SnapshotB(s) => Some(Msg::SnapshotB(s)),
                Event::Experiment(r) => Some(Msg::Experiment(r)),
                Event::Suspend => {
                    // Stopped from outside (SIGTSTP): as Ctrl-Z does.
                    self.settle(Effects(vec![Effect::Suspend]), &mut dirty)?;
                    None
                }
                Event::Continue => {
                    // Continued after a stop we did not cause: the shell has the terminal in
                    // cooked mode on the main screen; take it back.
                    self.host.tui.resume()?;
                    dirty = true;
                    None
                }
                Event::Quit(_) => return Ok(()),
                Event::Signal(n) => return Err(Signalled(n).into()),
            };
            if let Some(msg) = msg {
                let effects = update(self.app, msg);
                if self.settle(effects, &mut dirty)? {
                    return Ok(());
                }
            }
        }
    }

    /// Carry out an update's effects; whether the user asked to quit.
    fn settle(&mut self, effects: Effects, dirty: &mut bool) -> Result<bool> {
        let outcome = runtime::carry_out(self.app, &mut self.host, effects)?;
        *dirty |= outcome.redraw;
        Ok(outcome.quit)
    }

    /// Draw a frame; whether a screenshot taken of it needs another.
    fn draw(&mut self) -> Result<bool> {
        let size = self.host.tui.size()?;
        if size.width > 0 && size.height > 0 {
            let (app, theme) = (&*self.app, self.theme);
            let keep = self.host.screenshot.is_some();
            let frame = self.host.tui.draw(|f| ui::draw(f, app, theme), keep)?;
            if let (Some(stem), Some(buf)) = (self.host.screenshot.take(), frame) {
                let result = runtime::write_fresh(&buf, &stem);
                let effects = update(
                    self.app,
                    Msg::Wrote {
                        what: "screenshot",
                        result,
                    },
                );
                let mut dirty = false;
                self.settle(effects, &mut dirty)?;
                return Ok(dirty);
            }
        }
        Ok(false)
    }
}
