//! The Experiments view inside the explorer, driven by actions through `update` and drawn on
//! ratatui's TestBackend: opening it, running small born-dead and sweep jobs to the end,
//! cancelling, leaving it with a job running, and the keys that start them.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use reluscope::action::Action;
use reluscope::app::{ExperimentKind, ExperimentSetup, Msg, input};
use reluscope::engine::TrainConfig;
use reluscope::experiment::JobStatus;
use reluscope::ui::theme::{ColorTier, Theme};

mod common;
use common::Harness;

/// A paused, seeded app of `size` with a first snapshot, and experiments small enough for a
/// debug build: the born-dead comparison at 20 trials per cell over a coarse domain.
fn app(theme: Theme, size: (u16, u16)) -> Harness {
    let mut app = Harness::new(TrainConfig::default(), theme, size, 0);
    app.act(Msg::ExperimentSetup(ExperimentSetup {
        born_dead_trials: 20,
        born_dead_points: Some(16),
        sweep_epochs: 2,
        sweep_repeats: 1,
        threads: Some(1),
    }));
    app
}

fn app_at(w: u16, h: u16) -> Harness {
    app(Theme::new(ColorTier::TrueColor, false), (w, h))
}

fn screen(app: &Harness) -> String {
    app.screen()
}

fn finish(app: &mut Harness) {
    app.finish();
}

#[test]
fn the_view_opens_and_closes() {
    let mut app = app_at(160, 48);
    assert!(app.act(Action::ToggleExperiments).redraw());
    let text = screen(&app);
    assert!(text.contains("Experiments"), "{text}");
    assert!(text.contains("No experiment yet"), "{text}");
    assert!(
        text.contains("1 born dead"),
        "the keys on the border\n{text}"
    );
    assert!(
        !text.contains("Activation"),
        "the view covers the panes\n{text}"
    );
    // Esc with no job running leaves the view, like leaving a zoomed pane.
    app.act(Action::Cancel);
    assert!(!app.experiments_open());
    assert!(screen(&app).contains("Activation"));
    assert!(
        !app.experiments().running(),
        "opening the view starts nothing"
    );
}

#[test]
fn born_dead_runs_to_the_end_and_stays() {
    let mut app = app_at(160, 48);
    app.act(Action::ToggleExperiments);
    app.act(Action::RunBornDead);
    assert!(app.experiments().running());
    let text = screen(&app);
    assert!(text.contains("born-dead comparison started"), "{text}");
    finish(&mut app);
    let r = &app.experiments().results;
    assert_eq!(r.status, JobStatus::Done);
    assert_eq!(r.progress, 1.0);
    assert_eq!(r.born_dead.len(), 2, "he-normal beside RAI");
    let text = screen(&app);
    assert!(text.contains("born-dead comparison done"), "{text}");
    assert!(text.contains("P(born dead): he-normal b=0"), "{text}");
    assert!(text.contains("P(born dead): rai b=scheme"), "{text}");
    insta::assert_snapshot!(text);
    // Finished results stay while training goes on and the view is left and reopened.
    app.act(Action::TogglePause);
    app.act(Action::ToggleExperiments);
    app.act(Action::ToggleExperiments);
    assert_eq!(app.experiments().results.status, JobStatus::Done);
    assert!(screen(&app).contains("rai b=scheme"));
}

#[test]
fn the_sweep_runs_around_the_current_settings() {
    let mut app = app(Theme::new(ColorTier::None, true), (100, 30));
    // Start from outside the view: the run key opens it.
    app.act(Action::LrUp);
    app.act(Action::RunSweep);
    assert!(app.experiments_open());
    assert_eq!(app.experiments().kind, Some(ExperimentKind::Sweep));
    finish(&mut app);
    assert_eq!(app.experiments().results.status, JobStatus::Done);
    let sweep = app.experiments().results.sweep.as_ref().unwrap();
    assert_eq!(sweep.config.base.lr, app.config().lr);
    assert!(sweep.cells.iter().all(|c| c.runs.len() == 1));
    let text = screen(&app);
    let odd: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "non-ASCII {odd:?} in ASCII mode:\n{text}");
    assert!(text.contains("lr x bias sweep done"), "{text}");
    assert!(text.contains("final dead neurons"), "{text}");
}

/// A born-dead job far too big to finish during the test.
fn start_long_job(app: &mut Harness) {
    let setup = ExperimentSetup {
        born_dead_trials: 50_000_000,
        ..app.experiments().setup.clone()
    };
    app.act(Msg::ExperimentSetup(setup));
    app.act(Action::RunBornDead);
    assert!(app.experiments().running());
}

#[test]
fn esc_cancels_a_running_job_then_closes_the_view() {
    let mut app = app_at(100, 30);
    start_long_job(&mut app);
    // Let it get somewhere, so the cancelled job can show how far it got.
    let start = Instant::now();
    while app.experiments().results.progress == 0.0 {
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        app.poll();
        std::thread::sleep(Duration::from_millis(5));
    }
    let reached = app.experiments().results.progress;
    app.act(Action::Cancel);
    assert!(app.experiments_open(), "the first esc only cancels");
    assert!(screen(&app).contains("cancelling the experiment"));
    finish(&mut app);
    let r = &app.experiments().results;
    assert_eq!(r.status, JobStatus::Cancelled);
    assert!(r.progress >= reached && r.progress < 1.0, "{}", r.progress);
    let text = screen(&app);
    assert!(text.contains("born-dead comparison cancelled"), "{text}");
    assert!(text.contains("cancelled"), "{text}");
    app.act(Action::Cancel);
    assert!(!app.experiments_open());
}

#[test]
fn a_job_keeps_running_outside_the_view_and_is_not_replaced() {
    let mut app = app_at(160, 48);
    start_long_job(&mut app);
    app.act(Action::ToggleExperiments);
    assert!(!app.experiments_open());
    assert!(
        app.experiments().running(),
        "leaving the view keeps the job"
    );
    app.poll();
    let text = screen(&app);
    assert!(
        text.contains("keeps running in the background (x shows it)"),
        "{text}"
    );
    assert!(
        text.contains("born-dead comparison "),
        "progress in the status line\n{text}"
    );
    // A second run is refused while the first goes on, and says how to stop it.
    app.act(Action::RunSweep);
    assert!(app.experiments_open());
    assert_eq!(app.experiments().kind, Some(ExperimentKind::BornDead));
    assert!(screen(&app).contains("still running: esc cancels it first"));
    // Dropping the app cancels and joins the job (the test would hang otherwise).
}

#[test]
fn pane_keys_wait_while_the_view_is_open() {
    let mut app = app_at(160, 48);
    app.act(Action::ToggleExperiments);
    let (focus, knob) = (app.panes().focus, app.panes().knob);
    for a in [
        Action::Up,
        Action::Down,
        Action::Enter,
        Action::FocusNext,
        Action::ToggleZoom,
    ] {
        assert!(!app.act(a).redraw(), "{a:?} acted under the view");
    }
    assert_eq!(
        (app.panes().focus, app.panes().knob, app.panes().zoomed),
        (focus, knob, false)
    );
    assert!(app.editing().is_none());
    // Training keys still work.
    app.act(Action::TogglePause);
    assert!(!app.paused());
}

#[test]
fn default_keys_reach_the_experiments() {
    let app = app_at(100, 30);
    let key = |c| input::key(&app, &KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    assert_eq!(key('x'), Some(Msg::Action(Action::ToggleExperiments)));
    assert_eq!(key('1'), Some(Msg::Action(Action::RunBornDead)));
    assert_eq!(key('2'), Some(Msg::Action(Action::RunSweep)));
    let mut app = app;
    app.act(Action::ToggleHelp);
    let text = screen(&app);
    assert!(text.contains("experiments view"), "{text}");
    assert!(text.contains("born dead: he vs RAI"), "{text}");
}

#[test]
fn polling_without_a_job_changes_nothing() {
    let mut app = app_at(100, 30);
    assert!(!app.poll());
    assert!(!app.experiments().running());
}

#[test]
fn each_run_replaces_only_its_own_kind_of_results() {
    let mut app = app_at(160, 48);
    app.act(Action::RunBornDead);
    finish(&mut app);
    app.act(Action::RunSweep);
    let text = screen(&app);
    assert!(text.contains("lr × bias sweep · running"), "{text}");
    assert!(
        text.contains("rai b=scheme"),
        "born-dead curves stay\n{text}"
    );
    finish(&mut app);
    let text = screen(&app);
    assert!(text.contains("lr × bias sweep · done"), "{text}");
    assert!(text.contains("final dead neurons"), "{text}");
    assert!(text.contains("rai b=scheme"), "{text}");
    // A new born-dead run: its status is named, the sweep's heatmap stays.
    app.act(Action::RunBornDead);
    assert!(app.experiments().results.born_dead.is_empty());
    let text = screen(&app);
    assert!(text.contains("born dead · running"), "{text}");
    assert!(text.contains("final dead neurons"), "{text}");
    finish(&mut app);
    assert_eq!(app.experiments().results.born_dead.len(), 2);
    assert!(app.experiments().results.sweep.is_some());
    assert!(screen(&app).contains("born dead · done"));
}
