//! The interactive explorer's entry point and run loop: events in, messages through
//! `app::update`, its effects carried out (trainer commands, experiment jobs, suspend, quit),
//! a frame drawn when something changed (at most `--fps` a second).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::app::params::SPEEDS;
use crate::app::{App, Effects, ExperimentEffect, FileEffect, Msg, input, update};
use crate::cli::{DataArgs, TrainFlags};
use crate::commands::data::with_data;
use crate::commands::screenshot;
use crate::error::{Signalled, input_error};
use crate::event::{Event, Events};
use crate::experiment::{ExperimentJob, default_threads};
use crate::settings::Settings;
use crate::terminal::{self, Tui};
use crate::trainer::{Command, Snapshot, Trainer};
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
    // A scenario that compares two runs opens split (the first update carries it out).
    if let Some(scenario) = app.settings.as_ref().and_then(|s| s.scenario.clone()) {
        app.start_scenario_compare(&scenario);
    }
    let view = crate::app::layout::wanted_view(&app);
    // The session is built before the terminal is touched, so bad settings print plainly.
    let (trainer, snapshots, effective) = match opened {
        None => Trainer::spawn(config, model, !paused, SPEEDS[app.speed], view)?,
        Some(o) => {
            let timeline = timeline.unwrap_or_default();
            // Paused at the last moment, the timeline open: it is there to be scrubbed.
            app.paused = true;
            app.open_timeline_at_start(&o.path);
            Trainer::spawn_opened(config, timeline, SPEEDS[app.speed], view)?
        }
    };
    // A saved model may have set the shape: the Parameters pane shows what is in effect.
    app.config = effective;

    terminal::install_panic_hook();
    let _restore = Restore;
    let mut tui = Tui::enter(mouse).context("cannot set up the terminal")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;
    let period = Duration::from_secs_f64(1.0 / fps as f64);
    let mut run = Run {
        tui: &mut tui,
        app: &mut app,
        theme: &theme,
        trainer: &trainer,
        trainer_b: None,
        job: None,
        period,
        screenshot: None,
    };
    let result = runtime.block_on(run.run_loop(snapshots));
    // The terminal first, so the user has the shell back at once whatever is still stopping;
    // then the experiment (cancelled, joined in milliseconds) and the trainer (asked to quit,
    // waited for briefly).
    terminal::restore();
    drop(run);
    drop(trainer);
    result
}

/// The run loop's state: what `update`'s effects act on.
struct Run<'a> {
    tui: &'a mut Tui,
    app: &'a mut App,
    theme: &'a Theme,
    trainer: &'a Trainer,
    /// The A/B comparison's second trainer, while comparing.
    trainer_b: Option<Trainer>,
    /// The experiment running in the background, if any.
    job: Option<ExperimentJob>,
    period: Duration,
    /// A screenshot of the next frame was asked for: the files' stem.
    screenshot: Option<PathBuf>,
}

/// What the loop does after carrying out the effects.
enum Next {
    Continue,
    Quit,
}

impl Run<'_> {
    async fn run_loop(&mut self, snapshots: watch::Receiver<Arc<Snapshot>>) -> Result<()> {
        // The trainer's first snapshot is already in the channel: show it in the first frame.
        let first = snapshots.borrow().clone();
        let mut events = Events::new(snapshots).context("cannot listen for signals")?;
        let mut dirty = false;
        let effects = update(self.app, Msg::Snapshot(first));
        if let Next::Quit = self.carry_out(effects, &mut events, &mut dirty)? {
            return Ok(());
        }
        dirty = true;
        let mut last_draw: Option<Instant> = None;
        loop {
            // Draw at once if the last frame is old enough, else at the next frame slot;
            // with nothing to draw, no timer runs at all.
            let draw_at = dirty.then(|| last_draw.map_or_else(Instant::now, |t| t + self.period));
            let msg = match events.next(draw_at).await {
                Event::Draw => {
                    let reported = self.draw()?;
                    last_draw = Some(Instant::now());
                    dirty = reported;
                    None
                }
                Event::Key(key) => input::key(self.app, &key),
                Event::Mouse(m) => input::mouse(&m),
                Event::Resize(w, h) => {
                    self.tui.autoresize()?;
                    Some(Msg::Resize(w, h))
                }
                Event::Snapshot(s) => Some(Msg::Snapshot(s)),
                Event::SnapshotB(s) => Some(Msg::SnapshotB(s)),
                Event::Experiment(r) => Some(Msg::Experiment(r)),
                Event::Suspend => {
                    self.suspend(&mut events, &mut dirty)?;
                    None
                }
                Event::Continue => {
                    // Continued after a stop we did not cause: the shell has the terminal in
                    // cooked mode on the main screen; take it back.
                    self.tui.resume()?;
                    dirty = true;
                    None
                }
                Event::Quit(_) => return Ok(()),
                Event::Signal(n) => return Err(Signalled(n).into()),
            };
            if let Some(msg) = msg {
                let effects = update(self.app, msg);
                if let Next::Quit = self.carry_out(effects, &mut events, &mut dirty)? {
                    return Ok(());
                }
            }
        }
    }

    fn draw(&mut self) -> Result<bool> {
        let size = self.tui.size()?;
        if size.width > 0 && size.height > 0 {
            let (app, theme) = (&*self.app, self.theme);
            let keep = self.screenshot.is_some();
            let frame = self.tui.draw(|f| ui::draw(f, app, theme), keep)?;
            if let (Some(stem), Some(buf)) = (self.screenshot.take(), frame) {
                let result = screenshot::write_fresh(&buf, &stem);
                return Ok(self.report("screenshot", result));
            }
        }
        Ok(false)
    }

    /// Tell the app what was written; whether that needs a frame.
    fn report(&mut self, what: &'static str, result: Result<Vec<PathBuf>, String>) -> bool {
        update(self.app, Msg::Wrote { what, result }).redraw
    }

    /// Do what an update asked for.
    fn carry_out(
        &mut self,
        effects: Effects,
        events: &mut Events,
        dirty: &mut bool,
    ) -> Result<Next> {
        if effects.quit {
            return Ok(Next::Quit);
        }
        *dirty |= effects.redraw;
        match effects.ab {
            Some(Some(config)) => {
                let view = crate::app::layout::wanted_view(self.app);
                let speed = SPEEDS[self.app.speed];
                match Trainer::spawn(*config, None, false, speed, view) {
                    Ok((trainer, rx, _)) => {
                        let first = rx.borrow().clone();
                        events.watch_b(Some(rx));
                        self.trainer_b = Some(trainer);
                        update(self.app, Msg::SnapshotB(first));
                        *dirty = true;
                    }
                    Err(e) => {
                        update(self.app, Msg::Action(crate::action::Action::ToggleAb));
                        self.app.message = Some((
                            format!("A/B: cannot start B: {e:#}"),
                            crate::app::Level::Error,
                        ));
                    }
                }
            }
            Some(None) => {
                events.watch_b(None);
                self.trainer_b = None;
            }
            None => {}
        }
        for command in effects.trainer {
            // B samples the same planes as A (the columns are the same size).
            if let (Command::View(_), Some(b)) = (&command, &self.trainer_b) {
                b.send(command.clone());
            }
            self.trainer.send(command);
        }
        if let Some(b) = &self.trainer_b {
            for command in effects.trainer_b {
                b.send(command);
            }
        }
        match effects.experiment {
            Some(ExperimentEffect::Start {
                params,
                threads,
                leave_a_core,
            }) => {
                let threads = threads.unwrap_or_else(|| default_threads(leave_a_core));
                let job = ExperimentJob::spawn_with_threads(params, threads);
                events.watch_experiment(job.subscribe());
                self.job = Some(job);
            }
            Some(ExperimentEffect::Cancel) => {
                if let Some(job) = &self.job {
                    job.cancel();
                }
            }
            None => {}
        }
        for file in effects.files {
            match file {
                FileEffect::Text { what, path, text } => {
                    let result = screenshot::write_text(&path, &text);
                    *dirty |= self.report(what, result);
                }
                FileEffect::Screenshot { stem } => {
                    self.screenshot = Some(stem);
                    *dirty = true;
                }
            }
        }
        if effects.clear {
            self.tui.clear()?;
            *dirty = true;
        }
        if effects.suspend {
            self.suspend(events, dirty)?;
        }
        Ok(Next::Continue)
    }

    /// Give the terminal back, stop, and take it back on `fg`.
    fn suspend(&mut self, events: &mut Events, dirty: &mut bool) -> Result<()> {
        self.tui.suspend()?;
        // The terminal may have been resized while we were stopped.
        let (w, h) = crossterm::terminal::size().unwrap_or(self.app.size);
        let effects = update(self.app, Msg::Resize(w, h));
        self.carry_out(effects, events, dirty)?;
        *dirty = true;
        Ok(())
    }
}
