//! The explorer's state and the one `update` function through which every change goes (The Elm
//! Architecture). `update` takes a [`Msg`] and returns the [`Effects`] (an ordered list of
//! [`Effect`]s) that `runtime::carry_out` carries out: trainer commands, experiments, files,
//! suspend, clear, quit. It never touches the terminal, a thread or a channel, so tests drive
//! the whole app by messages alone.
//!
//! What takes a key first is explicit: the [`Overlay`] stack on top (help, picker, file prompt,
//! typed value, timeline, state line, Experiments view; `Esc` closes the top one), then the
//! panes, whose own state (focus, zoom, selection, inspector, probe, ...) is a [`PaneView`].
//!
//! Modules: [`state`] (the [`App`] itself, read through getters), [`msg`] (what goes in and
//! out), [`input`] (keys and mouse into messages), [`layout`] and [`help`] (where things go,
//! pure functions of the state and the size), [`params`] (the Parameters pane's knobs over the
//! settings schema), [`curve_view`] (the activation view's range and cursor), [`experiments`]
//! (the Experiments view's job and results), [`ab`] and [`share`] (the A/B comparison, and
//! taking a run away: state string, files). None of them imports this one.

pub mod ab;
pub mod curve_view;
pub mod experiments;
pub mod help;
pub mod input;
pub mod layout;
pub mod msg;
pub mod pane;
pub mod params;
pub mod share;
pub mod state;

use std::sync::Arc;

use crate::action::Action;
use crate::engine::TrainConfig;
use crate::experiment::{ExperimentResults, JobStatus};
use crate::keymap::Keymap;
use crate::settings::{Scenario, Settings};
use crate::trainer::{Command, Snapshot};

use curve_view::CurveView;
pub use experiments::{ExperimentKind, ExperimentSetup, Experiments};
pub use msg::{Effect, Effects, ExperimentEffect, FileEffect, Level, Msg};
use params::{Knob, SPEEDS};
pub use state::{Ab, App, Overlay, Overlays, Pane, PaneView, SaveKind, ScenarioView};

impl App {
    /// A new app for a terminal of `size`, with training paused or running.
    pub fn new(
        config: TrainConfig,
        keymap: Keymap,
        ascii: bool,
        paused: bool,
        size: (u16, u16),
    ) -> App {
        let mut app = App {
            ascii,
            keymap,
            config,
            plane: crate::engine::PlaneView::default(),
            speed: params::DEFAULT_SPEED,
            paused,
            overlays: Overlays::default(),
            panes: PaneView::default(),
            ab: None,
            saves_seen: 0,
            snapshot: None,
            message: None,
            size,
            effects: Effects::default(),
            requested_view: None,
            scenario: None,
            scenario_index: None,
            settings: None,
            experiments: Experiments::default(),
            notice_generation: 0,
            rebuild_cause: None,
        };
        app.sync_view();
        app.effects = Effects::default();
        app
    }

    /// The app the explorer starts with: `config` (the settings with their data) under
    /// `settings`' keys, x range, pause and scenario.
    pub fn from_settings(
        config: TrainConfig,
        settings: Settings,
        ascii: bool,
        size: (u16, u16),
    ) -> App {
        let display = &settings.display;
        let mut app = App::new(config, settings.keymap.clone(), ascii, display.paused, size);
        app.panes.plot = CurveView::with_range(display.x_range.0, display.x_range.1);
        if let Some(scenario) = &settings.scenario {
            app.show_scenario(scenario);
        }
        app.settings = Some(Box::new(settings));
        app
    }

    /// Start scenario `index` of the tour: its training preset applied on the starting
    /// settings (a fresh run from its seed), its x range, its caption.
    fn start_scenario(&mut self, index: usize) {
        let all = crate::settings::preset::all();
        let Some(scenario) = all.get(index) else {
            return;
        };
        if self.ab.take().is_some() {
            self.effects.set_b(Effect::StopB);
        }
        let base = self.settings.as_deref().cloned().unwrap_or_default();
        match base.with_scenario(scenario) {
            Err(e) => self.complain(format!("scenario {}: {e:#}", scenario.name)),
            Ok(settings) => {
                self.config = settings.train.clone();
                self.command(Command::Restart(Box::new(self.config.clone())));
                let (lo, hi) = settings.display.x_range;
                self.panes.plot = CurveView::with_range(lo, hi);
                self.panes.selected = None;
                self.panes.inspector = false;
                self.show_scenario(scenario);
                self.start_scenario_compare(scenario);
                // The trainer's "new run" notice follows the scenario's title, not replaces it.
                self.rebuild_cause = self.message.as_ref().map(|(m, _)| m.clone());
            }
        }
    }

    /// Show a scenario: its title on the message line, the rest in the help overlay.
    fn show_scenario(&mut self, scenario: &Scenario) {
        self.scenario_index = crate::scenario::names()
            .iter()
            .position(|n| *n == scenario.name);
        let help = self
            .keymap
            .keys_for(Action::ToggleHelp)
            .first()
            .map_or(String::new(), |k| format!(" ({k}: what to watch)"));
        self.say(format!("scenario: {}{help}", scenario.title));
        // The pane its caption talks about, so its key hints act there.
        if let Some(p) = scenario.focus.as_ref().and_then(|f| {
            Pane::ALL
                .into_iter()
                .find(|p| p.title().eq_ignore_ascii_case(f))
        }) {
            self.panes.focus = p;
        }
        if let Some(k) = scenario.select.as_ref().and_then(|r| {
            Knob::ALL
                .iter()
                .position(|k| k.label().trim().eq_ignore_ascii_case(r))
        }) {
            self.panes.knob = k;
        }
        self.scenario = Some(ScenarioView {
            title: scenario.title.clone(),
            caption: scenario.caption.clone(),
            hints: scenario.key_hints(&self.keymap),
        });
    }

    /// Panes that are on screen now, in focus order.
    pub fn visible_panes(&self) -> Vec<Pane> {
        layout::visible_panes(self)
    }

    /// Ask the trainer for `new` if it is valid; otherwise keep the current settings and say
    /// why. Says whether the change applies live or rebuilds the network.
    fn reconfigure(&mut self, new: TrainConfig, what: &str) {
        if let Err(e) = new.validate() {
            self.complain(format!("{what}: {e}"));
            return;
        }
        if self.reconfigure_b(&new, what) {
            return;
        }
        let rebuild = self.config.needs_reset(&new);
        self.config = new;
        self.command(Command::Configure(Box::new(self.config.clone())));
        if rebuild {
            self.panes.selected = None;
            self.panes.inspector = false;
            self.say(format!("{what}{}network rebuilt", self.sep()));
            self.rebuild_cause = Some(what.to_string());
        } else {
            self.say(format!("{what}{}applied live", self.sep()));
        }
        self.sync_view();
    }

    fn set_speed(&mut self, speed: usize) {
        self.speed = speed.min(SPEEDS.len() - 1);
        self.command_both(Command::Speed(SPEEDS[self.speed]));
        self.say(format!("speed {}", params::speed_name(self.speed)));
    }

    /// The next slice of the inputs for the plane views (data with more than two inputs).
    fn step_plane(&mut self, vertical: bool) {
        let Some(plane) = self.snapshot.as_ref().map(|s| s.plane.clone()) else {
            return;
        };
        if plane.inputs <= 2 {
            self.say("the data has two inputs: the output shows x1 × x2 already");
            return;
        }
        // Keys pressed before the trainer answers step on from the view asked for last.
        let current = match self.plane {
            crate::engine::PlaneView::Auto => plane.view,
            asked => asked,
        };
        self.plane = current.cycle(plane.inputs, vertical);
        self.say(match self.plane {
            crate::engine::PlaneView::Pca => {
                "output: the first two principal components of the inputs".to_string()
            }
            crate::engine::PlaneView::Inputs(..) | crate::engine::PlaneView::Auto => {
                "output: two inputs, the others at their training mean".to_string()
            }
        });
        self.sync_view();
    }

    /// Tell the trainer what to sample when the layout or the inspected neuron changed.
    fn sync_view(&mut self) {
        let want = layout::wanted_view(self);
        if self.requested_view != Some(want) {
            self.requested_view = Some(want);
            self.command(Command::View(want));
        }
    }

    fn hidden_widths(&self) -> Vec<usize> {
        match &self.snapshot {
            Some(s) => s.hidden().iter().map(|l| l.bias.len()).collect(),
            None => self.config.hidden.clone(),
        }
    }

    fn move_selection(&mut self, action: &Action) {
        let widths = self.hidden_widths();
        if widths.is_empty() {
            self.panes.selected = None;
            return;
        }
        let (mut l, mut n) = match self.panes.selected {
            Some(sel) => sel,
            None => {
                self.panes.selected = Some((0, 0));
                return;
            }
        };
        l = l.min(widths.len() - 1);
        match action {
            Action::Up => n = n.saturating_sub(1),
            Action::Down => n += 1,
            Action::Left => l = l.saturating_sub(1),
            Action::Right => l = (l + 1).min(widths.len() - 1),
            _ => {}
        }
        n = n.min(widths[l].saturating_sub(1));
        self.panes.selected = Some((l, n));
    }

    fn knob_selected(&self) -> Knob {
        Knob::ALL[self.panes.knob.min(Knob::ALL.len() - 1)]
    }

    fn step_knob(&mut self, knob: Knob, up: bool) {
        let mut cfg = self.config.clone();
        let mut speed = self.speed;
        knob.step(&mut cfg, &mut speed, up);
        if speed != self.speed {
            self.set_speed(speed);
        } else if cfg != self.config {
            let what = format!("{} {}", knob.label().trim(), knob.value(&cfg, speed));
            self.reconfigure(cfg, &what);
        }
    }

    fn commit_edit(&mut self, text: String) {
        let knob = self.knob_selected();
        let mut cfg = self.config.clone();
        let mut speed = self.speed;
        match knob.set_text(&mut cfg, &mut speed, &text) {
            Err(e) => self.complain(e),
            Ok(()) => {
                if speed != self.speed {
                    self.set_speed(speed);
                }
                if cfg != self.config {
                    let what = format!("{} {}", knob.label().trim(), knob.value(&cfg, speed));
                    self.reconfigure(cfg, &what);
                }
            }
        }
    }

    fn focus_step(&mut self, forward: bool) {
        let panes = self.visible_panes();
        if panes.is_empty() {
            return;
        }
        let i = panes.iter().position(|p| *p == self.panes.focus);
        let n = panes.len();
        let next = match (i, forward) {
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
            (None, _) => 0,
        };
        self.panes.focus = panes[next];
    }

    /// Open or close the Experiments view. A running job keeps running when the view closes.
    fn toggle_experiments(&mut self) {
        if !self.overlays.close(&Overlay::Experiments) {
            self.overlays.open(Overlay::Experiments);
            self.overlays.close(&Overlay::Help { scroll: 0 });
        } else if let Some(kind) = self.experiments.kind.filter(|_| self.experiments.running()) {
            let back = self.key_of(Action::ToggleExperiments);
            self.say(format!(
                "the {} keeps running in the background ({back} shows it)",
                kind.name(self.ascii)
            ));
        }
    }

    /// Open the Experiments view and start `kind` there, unless a job is already running.
    fn run_experiment(&mut self, kind: ExperimentKind) {
        self.overlays.open(Overlay::Experiments);
        self.overlays.close(&Overlay::Help { scroll: 0 });
        let cancel = self.key_of(Action::Cancel);
        match self.experiments.start(kind, &self.config) {
            Ok(params) => {
                self.effects
                    .push(Effect::Experiment(ExperimentEffect::Start {
                        params,
                        threads: self.experiments.setup.threads,
                        leave_a_core: !self.paused,
                    }));
                self.say(format!(
                    "{} started ({cancel} cancels)",
                    kind.name(self.ascii)
                ));
            }
            Err(e) => self.complain(format!("{e}: {cancel} cancels it first")),
        }
    }

    /// Take the running job's newest results; says so when it ends.
    fn take_experiment(&mut self, results: &ExperimentResults) -> bool {
        let polled = self
            .experiments
            .take(results.clone(), self.experiments_open());
        if let (Some(status), Some(kind)) = (&polled.ended, self.experiments.kind) {
            let name = kind.name(self.ascii);
            let back = if self.experiments_open() {
                String::new()
            } else {
                format!(" ({} shows it)", self.key_of(Action::ToggleExperiments))
            };
            match status {
                JobStatus::Failed(e) => self.complain(format!("{name} failed: {e}")),
                JobStatus::Cancelled => self.say(format!("{name} cancelled{back}")),
                _ => self.say(format!("{name} done{back}")),
            }
        }
        polled.changed
    }

    /// Open the timeline (pausing training) and go where `seek` says, if anywhere.
    fn timeline_seek(&mut self, seek: Option<crate::trainer::Seek>) {
        if self.ab.is_some() {
            let key = self.key_of(Action::ToggleAb);
            self.complain(format!(
                "the timeline is one run's: close A/B first ({key})"
            ));
            return;
        }
        let was_open = self.timeline_open();
        if !was_open {
            self.overlays.open(Overlay::Timeline);
            if !self.paused {
                self.paused = true;
                self.command(Command::Pause);
            }
            let key = |a| self.key_of(a);
            self.say(format!(
                "timeline: {}/{} step, {}/{} start/now, {}/{} deaths, {} trains on from here, {} closes",
                key(Action::Left),
                key(Action::Right),
                key(Action::TimelineStart),
                key(Action::TimelineNow),
                key(Action::PrevDeath),
                key(Action::NextDeath),
                key(Action::TogglePause),
                key(Action::Cancel),
            ));
        }
        if let Some(seek) = seek {
            // The last "no death that way" is about the previous move, not this one.
            if was_open {
                self.message = None;
            }
            self.command(Command::Seek(seek));
        }
    }

    /// Start with the timeline open on a run read from `path` (`--open`).
    fn open_timeline_at_start(&mut self, path: &std::path::Path) {
        self.paused = true;
        self.timeline_seek(None);
        self.effects = Effects::default();
        let hint = self.message.take().map(|(m, _)| m).unwrap_or_default();
        self.say(format!("opened {}{}{hint}", path.display(), self.sep()));
    }

    /// Close the timeline: back to the run as it is now, still paused.
    fn close_timeline(&mut self) {
        self.overlays.close(&Overlay::Timeline);
        self.command(Command::Seek(crate::trainer::Seek::Now));
        self.say("timeline closed: the run as it is now");
    }

    fn take_snapshot(&mut self, snap: Arc<Snapshot>) {
        if snap.generation != self.notice_generation {
            self.notice_generation = snap.generation;
            if let Some(n) = &snap.notice {
                let msg = match self.rebuild_cause.take() {
                    Some(cause) => format!("{cause}{}{n}", self.sep()),
                    None => n.clone(),
                };
                self.say(msg);
            }
        }
        self.take_save_report(&snap);
        // A rebuilt network may be smaller: keep the selection inside it.
        if let Some((l, n)) = self.panes.selected {
            let hidden = snap.hidden();
            self.panes.selected = hidden
                .get(l)
                .filter(|layer| n < layer.bias.len())
                .map(|_| (l, n));
        }
        self.snapshot = Some(snap);
    }
}

impl App {
    /// Close the knob's edit, taking its text.
    fn take_edit(&mut self) -> Option<String> {
        self.overlays.take_where(|o| match o {
            Overlay::Edit { text, .. } => Some(text.clone()),
            _ => None,
        })
    }
}

/// The one place state changes. Returns what the run loop must do: draw, commands for the
/// trainer, an experiment to start or cancel, suspend, clear or quit.
pub fn update(app: &mut App, msg: impl Into<Msg>) -> Effects {
    let redraw = match msg.into() {
        Msg::Snapshot(s) => {
            app.take_snapshot(s);
            true
        }
        Msg::SnapshotB(s) => {
            app.take_snapshot_b(s);
            app.ab.is_some()
        }
        Msg::Experiment(results) => app.take_experiment(&results),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            if !app.visible_panes().contains(&app.panes.focus) {
                app.panes.focus = app
                    .visible_panes()
                    .first()
                    .copied()
                    .unwrap_or(Pane::Network);
            }
            true
        }
        Msg::Click(x, y) => app.picker().is_none() && !app.experiments_open() && click(app, x, y),
        Msg::Input(c) => type_char(app, c),
        Msg::Paste(text) => paste(app, &text),
        Msg::Backspace => match app.typed() {
            Some((text, fresh)) => {
                *fresh = false;
                text.pop();
                true
            }
            None => false,
        },
        Msg::Wrote { what, result } => {
            app.wrote(what, result);
            true
        }
        Msg::Notice(text, level) => {
            app.message = Some((text, level));
            true
        }
        Msg::Paused(paused) => {
            app.paused = paused;
            true
        }
        Msg::Effective(config) => {
            app.config = *config;
            true
        }
        Msg::OpenedHistory(path) => {
            app.open_timeline_at_start(&path);
            true
        }
        Msg::StartCompare => {
            if let Some(scenario) = app.settings.as_ref().and_then(|s| s.scenario.clone()) {
                app.start_scenario_compare(&scenario);
            }
            true
        }
        Msg::Focus(pane) => {
            app.panes.focus = pane;
            true
        }
        Msg::ExperimentSetup(setup) => {
            app.experiments.setup = setup;
            false
        }
        Msg::BFailed(e) => {
            app.ab = None;
            app.complain(format!("A/B: cannot start B: {e}"));
            true
        }
        Msg::Action(a @ (Action::Enter | Action::Cancel)) if app.saving().is_some() => {
            app.finish_prompt(a == Action::Enter);
            true
        }
        Msg::Action(a) => match app.picker() {
            Some(sel) => picker(app, a, sel),
            None if app.help_open() => help(app, a),
            None if app.experiments_open() => experiments_view(app, a),
            None => panes(app, a),
        },
    };
    app.sync_view();
    let mut effects = std::mem::take(&mut app.effects);
    if redraw {
        effects.push(Effect::Redraw);
    }
    effects
}

/// Actions that act the same in every mode; `None` for the others.
fn global(app: &mut App, action: Action) -> Option<bool> {
    match action {
        Action::Quit => app.effects.push(Effect::Quit),
        Action::Suspend => app.effects.push(Effect::Suspend),
        Action::Redraw => app.effects.push(Effect::Clear),
        // A screenshot takes whatever is on screen: a view, an overlay, the picker.
        Action::Screenshot => app.screenshot(),
        Action::TogglePause => {
            // From a past moment, playing trains on from there (the trainer says so).
            app.overlays.close(&Overlay::Timeline);
            app.paused = !app.paused;
            app.command_both(if app.paused {
                Command::Pause
            } else {
                Command::Play
            });
            // The status indicator already shows the state; the message says what to do next.
            let message = if app.paused {
                app.keymap
                    .keys_for(Action::Step)
                    .first()
                    .map_or_else(String::new, |k| format!("{k}: one step at a time"))
            } else {
                "training resumed".to_string()
            };
            app.say(message);
        }
        _ => return None,
    }
    Some(true)
}

/// The scenario picker takes the keys while open.
fn picker(app: &mut App, action: Action, sel: usize) -> bool {
    let n = crate::scenario::names().len().max(1);
    match action {
        Action::Up => app.overlays.open(Overlay::Picker {
            sel: (sel + n - 1) % n,
        }),
        Action::Down => app.overlays.open(Overlay::Picker { sel: (sel + 1) % n }),
        Action::Enter => {
            app.overlays.close(&Overlay::Picker { sel });
            app.start_scenario(sel);
        }
        Action::Cancel | Action::PickScenario => {
            app.overlays.close(&Overlay::Picker { sel });
        }
        other => return global(app, other).unwrap_or(false),
    }
    true
}

/// The help overlay takes the keys while open, except those that work everywhere.
fn help(app: &mut App, action: Action) -> bool {
    match action {
        Action::ToggleHelp | Action::Cancel => {
            app.overlays.close(&Overlay::Help { scroll: 0 });
        }
        Action::Up => {
            let scroll = app.help_scroll().saturating_sub(1);
            app.overlays.open(Overlay::Help { scroll });
        }
        Action::Down => {
            let scroll = (app.help_scroll() + 1).min(help::max_scroll(app));
            app.overlays.open(Overlay::Help { scroll });
        }
        other => return global(app, other).unwrap_or(false),
    }
    true
}

/// The Experiments view covers the panes: keys that act on a pane wait until it closes.
fn experiments_view(app: &mut App, action: Action) -> bool {
    match action {
        Action::Up
        | Action::Down
        | Action::Left
        | Action::Right
        | Action::Enter
        | Action::FocusNext
        | Action::FocusPrev
        | Action::ToggleZoom
        | Action::PanLeft
        | Action::PanRight
        | Action::CycleCompare
        | Action::ToggleTestPoints
        | Action::PlaneX
        | Action::PlaneY => false,
        other => panes(app, other),
    }
}

/// A click focuses the pane under it.
fn click(app: &mut App, x: u16, y: u16) -> bool {
    let area = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    let hit = layout::compute(area, app).and_then(|a| {
        a.panes
            .iter()
            .find(|(_, r)| r.contains((x, y).into()))
            .map(|(p, _)| *p)
    });
    match hit {
        Some(p) => {
            app.panes.focus = p;
            true
        }
        None => false,
    }
}

/// A character typed into the value being edited.
fn type_char(app: &mut App, c: char) -> bool {
    let limit = type_limit(app);
    let full = match app.typed() {
        Some((text, fresh)) if !c.is_control() => {
            if std::mem::take(fresh) {
                text.clear();
            }
            let full = text.chars().count() >= limit;
            if !full {
                text.push(c);
            }
            full
        }
        _ => return false,
    };
    if full {
        app.complain(format!("at most {limit} characters here"));
    }
    true
}

/// The most characters a typed file path holds (Linux's PATH_MAX).
const MAX_PATH_CHARS: usize = 4096;
/// The most characters a typed value holds.
const MAX_VALUE_CHARS: usize = 64;

/// How many characters the text being typed may hold: a path's or a value's.
fn type_limit(app: &App) -> usize {
    if app.saving().is_some() {
        MAX_PATH_CHARS
    } else {
        MAX_VALUE_CHARS
    }
}

/// Pasted text: typed into the prompt or value being edited, whole or not at all. A paste is
/// never taken as keys, so a line break in it cannot act as Enter and run the rest.
fn paste(app: &mut App, pasted: &str) -> bool {
    let limit = type_limit(app);
    let line = pasted.trim_end_matches(['\r', '\n']);
    let chars: Vec<char> = line.chars().filter(|c| *c != '\t').collect();
    let Some((text, fresh)) = app.typed() else {
        app.say("paste ignored: paste into a file prompt or a value being typed");
        return true;
    };
    if chars.iter().any(|c| c.is_control()) {
        app.complain("paste ignored: it holds a line break or a control character; paste one line");
        return true;
    }
    let kept = if *fresh { 0 } else { text.chars().count() };
    if kept + chars.len() > limit {
        let n = chars.len();
        app.complain(format!(
            "paste ignored: {n} characters, more than the {limit} this holds"
        ));
        return true;
    }
    if std::mem::take(fresh) {
        text.clear();
    }
    text.extend(chars);
    true
}

/// The panes have the keys.
fn panes(app: &mut App, action: Action) -> bool {
    if let Some(redraw) = global(app, action) {
        return redraw;
    }
    match action {
        Action::Quit
        | Action::Suspend
        | Action::Redraw
        | Action::TogglePause
        | Action::Screenshot => {}
        Action::ShowState => app.toggle_state(),
        Action::SaveModel => app.open_prompt(SaveKind::Model),
        Action::SaveConfig => app.open_prompt(SaveKind::Config),
        Action::SaveMetrics => app.save_metrics(),
        Action::ToggleExperiments => app.toggle_experiments(),
        Action::RunBornDead => app.run_experiment(ExperimentKind::BornDead),
        Action::RunSweep => app.run_experiment(ExperimentKind::Sweep),
        Action::ToggleTimeline => {
            if app.timeline_open() {
                app.close_timeline();
            } else {
                app.timeline_seek(None);
            }
        }
        Action::TimelineStart => app.timeline_seek(Some(crate::trainer::Seek::Start)),
        Action::TimelineNow => app.timeline_seek(Some(crate::trainer::Seek::Now)),
        Action::PrevDeath => app.timeline_seek(Some(crate::trainer::Seek::PrevDeath)),
        Action::NextDeath => app.timeline_seek(Some(crate::trainer::Seek::NextDeath)),
        Action::Left | Action::Right if app.timeline_open() => {
            app.timeline_seek(Some(if action == Action::Left {
                crate::trainer::Seek::Back
            } else {
                crate::trainer::Seek::Forward
            }));
        }
        Action::ToggleAb => app.toggle_ab(),
        Action::Step => {
            app.overlays.close(&Overlay::Timeline);
            if !app.paused {
                app.paused = true;
                app.command_both(Command::Pause);
            }
            app.command_both(Command::Step);
            app.say("one step");
        }
        Action::ResetNetwork => {
            app.command_both(Command::ResetNetwork);
            app.say("network reset: new weights, same data");
        }
        Action::NewData => {
            // New data is a new seed: reproducible, and visible in the Parameters pane.
            let mut cfg = app.config.clone();
            cfg.seed = cfg.seed.wrapping_add(1);
            let what = format!("new data (seed {})", cfg.seed);
            app.reconfigure(cfg, &what);
        }
        Action::NextActivation | Action::PrevActivation => {
            let mut cfg = app.config.clone();
            cfg.activation =
                params::next_activation(cfg.activation, action == Action::PrevActivation);
            let what = format!("activation {}", cfg.activation.info().name);
            app.reconfigure(cfg, &what);
        }
        Action::LrUp | Action::LrDown => app.step_knob(
            Knob::Setting(&crate::settings::schema::LR),
            action == Action::LrUp,
        ),
        Action::NextBiasInit | Action::PrevBiasInit => app.step_knob(
            Knob::Setting(&crate::settings::schema::BIAS_INIT),
            action == Action::NextBiasInit,
        ),
        Action::NextDataset => {
            app.step_knob(Knob::Setting(&crate::settings::schema::DATASET), true);
        }
        Action::PickScenario => {
            app.overlays.close(&Overlay::Help { scroll: 0 });
            app.overlays.open(Overlay::Picker {
                sel: app.scenario_index.unwrap_or(0),
            });
        }
        Action::NextScenario | Action::PrevScenario => {
            let i = crate::scenario::tour_step(app.scenario_index, action == Action::PrevScenario);
            app.start_scenario(i);
        }
        Action::SpeedUp => app.set_speed(app.speed + 1),
        Action::SpeedDown => app.set_speed(app.speed.saturating_sub(1)),
        Action::FocusNext => app.focus_step(true),
        Action::FocusPrev => app.focus_step(false),
        Action::ToggleZoom => app.panes.zoomed = !app.panes.zoomed,
        Action::ToggleHelp => {
            app.overlays.open(Overlay::Help { scroll: 0 });
        }
        Action::ToggleTestPoints => app.panes.show_test = !app.panes.show_test,
        Action::PlaneX | Action::PlaneY => app.step_plane(action == Action::PlaneY),
        Action::TogglePreactivations => {
            app.panes.preact = !app.panes.preact;
            app.say(if app.panes.preact {
                "network: each neuron's pre-activation range over the data against z = 0"
            } else {
                "network: each neuron's output over the input plane"
            });
        }
        Action::CycleCompare => app.panes.plot.cycle_compare(),
        Action::PanLeft => app.panes.plot.pan(false),
        Action::PanRight => app.panes.plot.pan(true),
        Action::Up | Action::Down | Action::Left | Action::Right => match app.panes.focus {
            Pane::Activation | Pane::Derivative => match action {
                Action::Left => app.panes.plot.move_cursor(-1),
                Action::Right => app.panes.plot.move_cursor(1),
                Action::Up => app.panes.plot.zoom(false),
                _ => app.panes.plot.zoom(true),
            },
            Pane::Network => app.move_selection(&action),
            Pane::Parameters => match action {
                Action::Up => {
                    app.panes.knob = app.panes.knob.checked_sub(1).unwrap_or(Knob::ALL.len() - 1);
                }
                Action::Down => app.panes.knob = (app.panes.knob + 1) % Knob::ALL.len(),
                _ => {
                    let knob = app.knob_selected();
                    app.step_knob(knob, action == Action::Right);
                }
            },
            Pane::Output => {
                let (mut x, mut y) = app.panes.probe.unwrap_or((0.5, 0.5));
                if app.panes.probe.is_some() {
                    const STEP: f64 = 1.0 / 24.0;
                    match action {
                        Action::Left => x -= STEP,
                        Action::Right => x += STEP,
                        Action::Up => y -= STEP,
                        _ => y += STEP,
                    }
                }
                app.panes.probe = Some((x.clamp(0.0, 0.999), y.clamp(0.0, 0.999)));
            }
            Pane::Metrics => return false,
        },
        Action::Enter => match (app.panes.focus, app.take_edit()) {
            (_, Some(text)) => app.commit_edit(text),
            (Pane::Parameters, None) => {
                let knob = app.knob_selected();
                let text = knob.edit_text(&app.config, app.speed);
                app.overlays.open(Overlay::Edit { text, fresh: true });
            }
            (Pane::Network, None) => {
                if app.panes.selected.is_none() {
                    app.move_selection(&Action::Down);
                }
                app.panes.inspector = !app.panes.inspector;
            }
            _ => return false,
        },
        Action::Cancel => {
            // Esc closes the overlay on top; with none, it goes on to the panes' own state.
            let top = app.overlays.top().cloned();
            if matches!(top, Some(Overlay::Edit { .. })) {
                app.take_edit();
                app.say("edit cancelled");
            } else if top == Some(Overlay::Timeline) {
                app.close_timeline();
            } else if top == Some(Overlay::State) {
                app.overlays.close(&Overlay::State);
            } else if top == Some(Overlay::Experiments) {
                // Esc stops a running job first; pressed again, it leaves the view.
                if app.experiments.running() {
                    app.effects
                        .push(Effect::Experiment(ExperimentEffect::Cancel));
                    let dots = if app.ascii { "..." } else { "…" };
                    app.say(format!("cancelling the experiment{dots}"));
                } else {
                    app.overlays.close(&Overlay::Experiments);
                }
            } else if app.panes.inspector && layout::inspector_follows_toggle(app) {
                // Where the inspector stays on screen anyway, esc goes on to the probe,
                // the zoom or the selection rather than change nothing visible.
                app.panes.inspector = false;
            } else if app.panes.probe.is_some() && app.panes.focus == Pane::Output {
                app.panes.probe = None;
            } else if app.panes.zoomed {
                app.panes.zoomed = false;
            } else if app.panes.selected.is_some() {
                app.panes.selected = None;
            } else {
                app.message = None;
            }
        }
    }
    true
}
