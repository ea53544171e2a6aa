//! Robustness: random actions, keys and terminal sizes (0×0 and 1×1 included) through
//! `update` and a full render must never panic, and the app's invariants must hold.

use std::sync::{Arc, OnceLock};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use reluscope::action::Action;
use reluscope::app::params::SPEEDS;
use reluscope::app::{App, ExperimentSetup, Msg, input};
use reluscope::engine::TrainConfig;
use reluscope::experiment::{ExperimentResults, JobStatus};
use reluscope::trainer::{Snapshot, View};
use reluscope::ui::theme::{ColorTier, Theme};

mod common;
use common::Harness;

/// One trained snapshot shared by all cases (training is not what is under test here).
fn snapshot() -> Arc<Snapshot> {
    static SNAP: OnceLock<Arc<Snapshot>> = OnceLock::new();
    SNAP.get_or_init(|| {
        let view = View {
            output: (30, 30),
            inspect: Some((0, 0, 10, 10)),
            plane: Default::default(),
        };
        let mut host = reluscope::runtime::Local::new(TrainConfig::default(), None, view).unwrap();
        for _ in 0..60 {
            host.a_mut().step();
        }
        Arc::new(host.a().capture())
    })
    .clone()
}

/// Results an experiment might publish: still running, or ended in any way.
fn experiment_results() -> impl Strategy<Value = Msg> {
    (
        prop_oneof![
            Just(JobStatus::Running),
            Just(JobStatus::Done),
            Just(JobStatus::Cancelled),
            Just(JobStatus::Failed("no".into())),
        ],
        0.0..=1.0f64,
    )
        .prop_map(|(status, progress)| {
            Msg::Experiment(Arc::new(ExperimentResults {
                status,
                progress,
                ..ExperimentResults::default()
            }))
        })
}

fn message() -> impl Strategy<Value = Msg> {
    let actions: Vec<Action> = Action::all().collect();
    prop_oneof![
        6 => prop::sample::select(actions).prop_map(Msg::Action),
        1 => any::<char>().prop_map(Msg::Input),
        1 => Just(Msg::Backspace),
        1 => (0u16..200, 0u16..70).prop_map(|(w, h)| Msg::Resize(w, h)),
        1 => prop_oneof![Just(0u16), Just(1), 2u16..8].prop_flat_map(|w| {
            prop_oneof![Just(0u16), Just(1), 2u16..8].prop_map(move |h| Msg::Resize(w, h))
        }),
        1 => Just(Msg::Snapshot(snapshot())),
        1 => (0u16..220, 0u16..80).prop_map(|(x, y)| Msg::Click(x, y)),
        1 => experiment_results(),
    ]
}

fn key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Backspace),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        (1u8..13).prop_map(KeyCode::F),
    ];
    let mods = prop_oneof![
        Just(KeyModifiers::NONE),
        Just(KeyModifiers::SHIFT),
        Just(KeyModifiers::CONTROL),
        Just(KeyModifiers::ALT),
    ];
    (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
}

fn theme() -> impl Strategy<Value = Theme> {
    (
        prop_oneof![
            Just(ColorTier::None),
            Just(ColorTier::Ansi16),
            Just(ColorTier::Ansi256),
            Just(ColorTier::TrueColor)
        ],
        any::<bool>(),
    )
        .prop_map(|(t, a)| Theme::new(t, a))
}

/// A new app whose experiments are tiny: random actions start and cancel them often.
fn new_app(theme: Theme, size: (u16, u16)) -> Harness {
    let mut app = Harness::blank(TrainConfig::default(), theme, size);
    app.act(Msg::ExperimentSetup(ExperimentSetup {
        born_dead_trials: 4,
        born_dead_points: Some(8),
        sweep_epochs: 1,
        sweep_repeats: 1,
        threads: Some(1),
    }));
    app
}

fn render(app: &Harness) {
    app.render();
}

fn check(app: &App) {
    assert!(app.speed() < SPEEDS.len());
    assert!(
        !app.experiments().running() || app.experiments().kind.is_some(),
        "a running job knows what it runs"
    );
    assert!(
        app.panes().plot.cursor >= app.panes().plot.x_min
            && app.panes().plot.cursor <= app.panes().plot.x_max
    );
    assert!(
        app.config().validate().is_ok(),
        "the app only ever holds valid settings"
    );
    if let (Some((l, n)), Some(s)) = (app.panes().selected, app.snapshot()) {
        let hidden = s.hidden();
        assert!(
            l < hidden.len() && n < hidden[l].bias.len(),
            "selection inside the network"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_actions_never_panic(
        theme in theme(),
        w in prop_oneof![Just(0u16), Just(1), 0u16..200],
        h in prop_oneof![Just(0u16), Just(1), 0u16..70],
        with_snapshot in any::<bool>(),
        messages in prop::collection::vec(message(), 0..60),
    ) {
        let mut app = new_app(theme, (w, h));
        if with_snapshot {
            app.act(Msg::Snapshot(snapshot()));
        }
        render(&app);
        for m in messages {
            app.act(m);
            check(&app);
            render(&app);
        }
    }

    #[test]
    fn random_keys_never_panic(
        w in prop_oneof![Just(0u16), Just(1), 0u16..200],
        h in prop_oneof![Just(0u16), Just(1), 0u16..70],
        keys in prop::collection::vec(key(), 0..80),
    ) {
        let mut app = new_app(Theme::new(ColorTier::TrueColor, false), (w, h));
        app.act(Msg::Snapshot(snapshot()));
        for k in keys {
            if let Some(m) = input::key(&app, &k) {
                app.act(m);
            }
            check(&app);
            render(&app);
        }
    }
}
