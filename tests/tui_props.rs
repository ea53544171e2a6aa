//! Robustness: random actions, keys and terminal sizes (0×0 and 1×1 included) through
//! `update` and a full render must never panic, and the app's invariants must hold.

use std::sync::{Arc, OnceLock};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use reluscope::app::action::BINDABLE;
use reluscope::app::params::SPEEDS;
use reluscope::app::{Action, App, Keymap, View, update};
use reluscope::engine::TrainConfig;
use reluscope::trainer::{Snapshot, Worker};
use reluscope::ui::{self, theme::ColorTier, theme::Theme};

/// One trained snapshot shared by all cases (training is not what is under test here).
fn snapshot() -> Arc<Snapshot> {
    static SNAP: OnceLock<Arc<Snapshot>> = OnceLock::new();
    SNAP.get_or_init(|| {
        let view = View {
            output: (30, 30),
            inspect: Some((0, 0, 10, 10)),
        };
        let mut w = Worker::new(TrainConfig::default(), false, None, view).unwrap();
        for _ in 0..60 {
            w.step();
        }
        Arc::new(w.capture())
    })
    .clone()
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (0..BINDABLE.len()).prop_map(|i| BINDABLE[i].0.clone()),
        1 => any::<char>().prop_map(Action::Input),
        1 => Just(Action::Backspace),
        1 => (0u16..200, 0u16..70).prop_map(|(w, h)| Action::Resize(w, h)),
        1 => prop_oneof![Just(0u16), Just(1), 2u16..8].prop_flat_map(|w| {
            prop_oneof![Just(0u16), Just(1), 2u16..8].prop_map(move |h| Action::Resize(w, h))
        }),
        1 => Just(Action::Snapshot(snapshot())),
        1 => (0u16..220, 0u16..80).prop_map(|(x, y)| Action::Click(x, y)),
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

fn render(app: &App) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, app);
}

fn check(app: &App) {
    assert!(app.speed < SPEEDS.len());
    assert!(app.plot.cursor >= app.plot.x_min && app.plot.cursor <= app.plot.x_max);
    assert!(
        app.config.validate().is_ok(),
        "the app only ever holds valid settings"
    );
    if let (Some((l, n)), Some(s)) = (app.selected, &app.snapshot) {
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
        actions in prop::collection::vec(action(), 0..60),
    ) {
        let mut app = App::new(TrainConfig::default(), theme, Keymap::default(), true, (w, h));
        if with_snapshot {
            update(&mut app, Action::Snapshot(snapshot()));
        }
        render(&app);
        for a in actions {
            update(&mut app, a);
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
        let mut app = App::new(
            TrainConfig::default(),
            Theme::new(ColorTier::TrueColor, false),
            Keymap::default(),
            true,
            (w, h),
        );
        update(&mut app, Action::Snapshot(snapshot()));
        for k in keys {
            if let Some(a) = app.action_for_key(&k) {
                update(&mut app, a);
            }
            check(&app);
            render(&app);
        }
    }
}
