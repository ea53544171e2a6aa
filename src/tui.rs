//! The interactive explorer's entry point and run loop: events in, actions through `update`,
//! commands out to the trainer, a frame drawn when something changed (at most `--fps` a second).

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::time::Instant;

use crate::app::params::SPEEDS;
use crate::app::plot_view::PlotView;
use crate::app::{Action, App, update};
use crate::cli::TrainArgs;
use crate::commands::train::config_from_args;
use crate::config::Settings;
use crate::error::input_error;
use crate::event::{Event, Events};
use crate::terminal::{self, Tui};
use crate::trainer::Trainer;
use crate::ui;

/// Frames per second when `--fps` is not given.
pub const DEFAULT_FPS: u32 = 15;

/// Restores the terminal when dropped, whatever way the run loop ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        terminal::restore();
    }
}

/// Run the explorer until the user quits, a signal arrives or the terminal goes away.
/// `settings` are the layered configuration (flags included); `train_args` add what only the
/// command line carries: a CSV file (`--data`) and a saved model (`--model`).
pub fn run(settings: Settings, train_args: &TrainArgs) -> Result<()> {
    let display = &settings.display;
    let fps = display.fps;
    if !(1..=60).contains(&fps) {
        return Err(input_error(format!(
            "--fps {fps} is out of range; use 1 to 60 (default {DEFAULT_FPS})"
        )));
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(input_error(
            "the explorer needs an interactive terminal; for scripts use `reluscope train`",
        ));
    }
    let (config, model) = config_from_args(train_args, settings.train.clone())?;
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let mut app = App::new(
        config.clone(),
        settings.ui_theme(),
        settings.keymap.to_app(),
        display.paused,
        size,
    );
    app.plot = PlotView::with_range(display.x_range.0, display.x_range.1);
    if let Some(scenario) = &settings.scenario {
        app.show_scenario(scenario, &settings.keymap);
    }
    let (paused, mouse) = (display.paused, display.mouse);
    app.settings = Some(Box::new(settings));
    let view = ui::layout::wanted_view(&app);
    app.commands.clear();
    // The session is built before the terminal is touched, so bad settings print plainly.
    let (trainer, snapshots, effective) =
        Trainer::spawn(config, model, !paused, SPEEDS[app.speed], view)?;
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
    let result = runtime.block_on(run_loop(&mut tui, &mut app, &trainer, snapshots, period));
    drop(trainer);
    result
}

async fn run_loop(
    tui: &mut Tui,
    app: &mut App,
    trainer: &Trainer,
    snapshots: tokio::sync::watch::Receiver<std::sync::Arc<crate::trainer::Snapshot>>,
    period: Duration,
) -> Result<()> {
    // The trainer's first snapshot is already in the channel: show it in the first frame.
    let first = snapshots.borrow().clone();
    update(app, Action::Snapshot(first));
    let mut events = Events::new(snapshots).context("cannot listen for signals")?;
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    loop {
        // Draw at once if the last frame is old enough, else at the next frame slot.
        let draw_at = dirty.then(|| last_draw.map_or_else(Instant::now, |t| t + period));
        match events.next(draw_at).await {
            Event::Draw => {
                if std::mem::take(&mut app.clear) {
                    tui.clear()?;
                }
                let size = tui.size()?;
                if size.width > 0 && size.height > 0 {
                    tui.draw(|f| ui::draw(f, app))?;
                }
                last_draw = Some(Instant::now());
                dirty = false;
            }
            Event::Key(key) => {
                if let Some(action) = app.action_for_key(&key) {
                    dirty |= update(app, action);
                }
            }
            Event::Mouse(m) => {
                use crossterm::event::{MouseButton, MouseEventKind};
                let action = match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
                    MouseEventKind::ScrollUp => Some(Action::Up),
                    MouseEventKind::ScrollDown => Some(Action::Down),
                    _ => None,
                };
                if let Some(a) = action {
                    dirty |= update(app, a);
                }
            }
            Event::Resize(w, h) => {
                tui.autoresize()?;
                dirty |= update(app, Action::Resize(w, h));
            }
            Event::Snapshot(s) => dirty |= update(app, Action::Snapshot(s)),
            Event::Suspend => app.suspend = true,
            Event::Continue => {
                app.clear = true;
                dirty = true;
            }
            Event::Quit(_) => return Ok(()),
        }
        for cmd in app.commands.drain(..) {
            trainer.send(cmd);
        }
        if app.quit {
            return Ok(());
        }
        if std::mem::take(&mut app.suspend) {
            tui.suspend()?;
            // The terminal may have been resized while we were stopped.
            let (w, h) = crossterm::terminal::size().unwrap_or(app.size);
            update(app, Action::Resize(w, h));
            for cmd in app.commands.drain(..) {
                trainer.send(cmd);
            }
            dirty = true;
        }
    }
}
