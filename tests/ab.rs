//! The A/B comparison: two runs side by side, each with its own trainer, stepped together;
//! with the same settings they are the same run, and a change goes to B only.

mod common;

use common::Harness;
use reluscope::action::Action;
use reluscope::app::Msg;
use reluscope::engine::TrainConfig;
use reluscope::ui::theme::{ColorTier, Theme};

/// The explorer with both trainers carrying out what the keys send, as the run loop does.
fn split(config: TrainConfig, size: (u16, u16)) -> Harness {
    Harness::new(config, Theme::new(ColorTier::None, false), size, 0).live()
}

fn leaky_rescue() -> TrainConfig {
    TrainConfig {
        lr: 1.0,
        bias_init: reluscope::engine::BiasInit::Constant(-1.0),
        seed: 3,
        ..TrainConfig::default()
    }
}

#[test]
fn ab_runs_with_the_same_settings_are_identical() {
    let mut s = split(leaky_rescue(), (160, 48));
    // Trained a while first: the split starts both from the same weights again.
    for _ in 0..30 {
        s.worker_mut().step();
    }
    s.refresh();
    s.act(Action::ToggleAb);
    assert!(s.ab().is_some() && s.paused());
    assert_eq!(
        s.worker().session().step_count(),
        0,
        "A starts again beside B"
    );
    for _ in 0..60 {
        s.act(Action::Step);
    }
    let (a, b) = (s.worker().capture(), s.b().unwrap().capture());
    assert_eq!(a.step, 60);
    assert_eq!(
        (a.step, &a.layers, &a.history),
        (b.step, &b.layers, &b.history)
    );
    assert_eq!(a.output, b.output);
    assert_eq!(s.ab_differences(), Some((vec![], vec![])));
    assert!(s.screen().contains("same settings as A"));

    // A change goes to B alone, and each column names it.
    s.act(Action::NextActivation);
    assert_eq!(s.config().activation.to_string(), "relu");
    let b_act = s.b().unwrap().session().config().activation;
    assert_ne!(b_act.to_string(), "relu");
    let (da, db) = s.ab_differences().unwrap();
    assert_eq!((da.len(), db.len()), (1, 1));
    assert!(
        da[0].starts_with("act") && db[0].starts_with("act="),
        "{da:?} {db:?}"
    );
    // Same weights, same step: only the function differs (the activation applies live).
    assert_eq!(s.b().unwrap().session().step_count(), 60);
    for _ in 0..25 {
        s.act(Action::Step);
    }
    let (a, b) = (s.worker().capture(), s.b().unwrap().capture());
    assert_eq!(a.step, b.step, "stepped together");
    assert_ne!(a.layers, b.layers);
    // Closing the split leaves A as it was.
    s.act(Action::ToggleAb);
    assert!(s.ab().is_none() && s.b().is_none());
    assert_eq!(s.worker().session().step_count(), 85);
}

#[test]
fn the_split_view_snapshots() {
    for (w, h) in [(160, 48), (100, 30)] {
        let mut s = split(leaky_rescue(), (w, h));
        s.act(Action::ToggleAb);
        s.act(Action::NextActivation);
        for _ in 0..3 {
            for _ in 0..25 {
                s.worker_mut().step();
                s.host.b_mut().unwrap().step();
            }
        }
        s.act(Action::Step);
        let text = s.screen();
        for want in [
            "Network A: relu",
            "Network B: leaky-relu",
            "A vs B",
            "dead A",
        ] {
            assert!(text.contains(want), "{want}: {text}");
        }
        insta::assert_snapshot!(format!("ab_{w}x{h}"), text);
    }
}

#[test]
fn leaky_rescue_opens_beside_plain_relu_from_the_same_weights() {
    let mut s = Harness::scenario(
        "leaky-rescue",
        (160, 48),
        Theme::new(ColorTier::None, false),
    );
    // As at the explorer's start: the scenario asks for its comparison.
    let effects = s.act(Msg::StartCompare);
    let msg = &s.message().unwrap().0;
    assert!(msg.contains("side by side with B: act=relu"), "{msg}");
    let b_config = effects.start_b().unwrap();
    assert_eq!(b_config.activation.to_string(), "relu");
    assert_eq!(s.config().activation.to_string(), "leaky-relu");
    assert_eq!(
        s.worker().session().network().layers[0].weights,
        s.b().unwrap().session().network().layers[0].weights,
        "the same initial weights"
    );
    let (da, db) = s.ab_differences().unwrap();
    assert_eq!(
        (da[0].as_str(), db[0].as_str()),
        ("act=leaky-relu", "act=relu")
    );
    for _ in 0..40 * 9 {
        s.worker_mut().step();
        s.host.b_mut().unwrap().step();
    }
    s.act(Action::Step);
    let (a, b) = (s.worker().capture(), s.b().unwrap().capture());
    assert_eq!(a.dead, 0, "leaky ReLU: none dead");
    assert!(b.dead > 0, "plain ReLU: some die");
    let msg = &s.message().unwrap().0;
    assert!(
        msg.contains("side by side with B: act=relu") || msg == "one step",
        "{msg}"
    );
}
