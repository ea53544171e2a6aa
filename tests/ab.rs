//! The A/B comparison: two runs side by side, each with its own trainer, stepped together;
//! with the same settings they are the same run, and a change goes to B only.

mod common;

use std::sync::Arc;

use reluscope::action::Action;
use reluscope::app::Msg;
use reluscope::engine::TrainConfig;
use reluscope::trainer::{Command, Worker};
use reluscope::ui::theme::{ColorTier, Theme};

/// The explorer with both trainers carrying out what the keys send, as the run loop does.
struct Split {
    app: common::Harness,
    a: Worker,
    b: Option<Worker>,
}

impl Split {
    fn new(config: TrainConfig, size: (u16, u16)) -> Split {
        let app = common::Harness::new(config.clone(), Theme::new(ColorTier::None, false), size, 0);
        let a = Worker::new(config, false, None, app.requested_view.unwrap()).unwrap();
        Split { app, a, b: None }
    }

    fn key(&mut self, action: Action) {
        let effects = self.app.act(action);
        match effects.ab {
            Some(Some(cfg)) => {
                let view = reluscope::app::layout::wanted_view(&self.app);
                self.b = Some(Worker::new(*cfg, false, None, view).unwrap());
            }
            Some(None) => self.b = None,
            None => {}
        }
        for cmd in effects.trainer {
            if let (Command::View(_), Some(b)) = (&cmd, &mut self.b) {
                b.apply(cmd.clone());
            }
            self.a.apply(cmd);
        }
        if let Some(b) = &mut self.b {
            for cmd in effects.trainer_b {
                b.apply(cmd);
            }
        }
        self.app.act(Msg::Snapshot(Arc::new(self.a.capture())));
        if let Some(b) = &self.b {
            self.app.act(Msg::SnapshotB(Arc::new(b.capture())));
        }
    }
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
    let mut s = Split::new(leaky_rescue(), (160, 48));
    // Trained a while first: the split starts both from the same weights again.
    for _ in 0..30 {
        s.a.step();
    }
    s.app.act(Msg::Snapshot(Arc::new(s.a.capture())));
    s.key(Action::ToggleAb);
    assert!(s.app.ab.is_some() && s.app.paused);
    assert_eq!(s.a.session().step_count(), 0, "A starts again beside B");
    for _ in 0..60 {
        s.key(Action::Step);
    }
    let (a, b) = (s.a.capture(), s.b.as_ref().unwrap().capture());
    assert_eq!(a.step, 60);
    assert_eq!(
        (a.step, &a.layers, &a.history),
        (b.step, &b.layers, &b.history)
    );
    assert_eq!(a.output, b.output);
    assert_eq!(s.app.ab_differences(), Some((vec![], vec![])));
    assert!(s.app.screen().contains("same settings as A"));

    // A change goes to B alone, and each column names it.
    s.key(Action::NextActivation);
    assert_eq!(s.app.config.activation.to_string(), "relu");
    let b_act = s.b.as_ref().unwrap().session().config().activation;
    assert_ne!(b_act.to_string(), "relu");
    let (da, db) = s.app.ab_differences().unwrap();
    assert_eq!((da.len(), db.len()), (1, 1));
    assert!(
        da[0].starts_with("act") && db[0].starts_with("act="),
        "{da:?} {db:?}"
    );
    // Same weights, same step: only the function differs (the activation applies live).
    assert_eq!(s.b.as_ref().unwrap().session().step_count(), 60);
    for _ in 0..25 {
        s.key(Action::Step);
    }
    let (a, b) = (s.a.capture(), s.b.as_ref().unwrap().capture());
    assert_eq!(a.step, b.step, "stepped together");
    assert_ne!(a.layers, b.layers);
    // Closing the split leaves A as it was.
    s.key(Action::ToggleAb);
    assert!(s.app.ab.is_none() && s.b.is_none());
    assert_eq!(s.a.session().step_count(), 85);
}

#[test]
fn the_split_view_snapshots() {
    for (w, h) in [(160, 48), (100, 30)] {
        let mut s = Split::new(leaky_rescue(), (w, h));
        s.key(Action::ToggleAb);
        s.key(Action::NextActivation);
        for _ in 0..3 {
            for _ in 0..25 {
                s.a.step();
                s.b.as_mut().unwrap().step();
            }
        }
        s.key(Action::Step);
        let text = s.app.screen();
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
    let scenario = reluscope::settings::preset::find("leaky-rescue").unwrap();
    let settings = reluscope::settings::Settings::default()
        .with_scenario(&scenario)
        .unwrap();
    let mut s = Split::new(settings.train.clone(), (160, 48));
    let effects = {
        s.app.start_scenario_compare(&scenario);
        // The effects wait for the next update, as at the explorer's start.
        s.app.act(Msg::Resize(160, 48))
    };
    let msg = &s.app.message.as_ref().unwrap().0;
    assert!(msg.contains("side by side with B: act=relu"), "{msg}");
    let b_config = *effects.ab.clone().unwrap().unwrap();
    assert_eq!(b_config.activation.to_string(), "relu");
    assert_eq!(s.app.config.activation.to_string(), "leaky-relu");
    let b = Worker::new(
        b_config,
        false,
        None,
        reluscope::app::layout::wanted_view(&s.app),
    );
    s.b = Some(b.unwrap());
    assert_eq!(
        s.a.session().network().layers[0].weights,
        s.b.as_ref().unwrap().session().network().layers[0].weights,
        "the same initial weights"
    );
    let (da, db) = s.app.ab_differences().unwrap();
    assert_eq!(
        (da[0].as_str(), db[0].as_str()),
        ("act=leaky-relu", "act=relu")
    );
    for _ in 0..40 * 9 {
        s.a.step();
        s.b.as_mut().unwrap().step();
    }
    s.key(Action::Step);
    let (a, b) = (s.a.capture(), s.b.as_ref().unwrap().capture());
    assert_eq!(a.dead, 0, "leaky ReLU: none dead");
    assert!(b.dead > 0, "plain ReLU: some die");
    let msg = &s.app.message.as_ref().unwrap().0;
    assert!(
        msg.contains("side by side with B: act=relu") || msg == "one step",
        "{msg}"
    );
}
