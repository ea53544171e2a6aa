//! Every setting of the run either rebuilds the network or reaches the running session: a
//! change the engine calls live (`TrainConfig::needs_reset` is false) is in the session's
//! config after the trainer takes it, whichever setting it is. A new live setting needs no copy
//! list for this to hold, and this test fails if one is dropped on the way.

mod common;

use reluscope::engine::TrainConfig;
use reluscope::settings::schema::{self, Section};
use reluscope::settings::{Origin, set_text};
use reluscope::trainer::Command;
use reluscope::ui::theme::{ColorTier, Theme};

/// Other values of a setting: its example's value, a few plain values its parser may take,
/// and one notch of its knob either way.
fn changes(row: &'static schema::Setting, base: &TrainConfig) -> Vec<TrainConfig> {
    let example = row
        .example
        .split_once(" = ")
        .map(|(_, v)| v.trim_matches('"'));
    let texts = example
        .into_iter()
        .chain(["true", "false", "auto", "6", "0.5", "0.001"]);
    let mut out: Vec<TrainConfig> = texts
        .filter_map(|text| {
            let mut c = base.clone();
            set_text(row, text, Origin::Default, &mut c)
                .ok()
                .map(|()| c)
        })
        .collect();
    if let Some(knob) = row.knob {
        for up in [true, false] {
            let mut c = base.clone();
            (knob.step)(&mut c, up);
            out.push(c);
        }
    }
    out.retain(|c| c != base && c.validate().is_ok());
    out
}

#[test]
fn every_live_change_reaches_the_running_session() {
    // Momentum on, so nesterov can be turned on live as well.
    let base = TrainConfig {
        momentum: 0.5,
        ..TrainConfig::default()
    };
    let mut live = Vec::new();
    for row in Section::Train.settings().chain(Section::Health.settings()) {
        let options = changes(row, &base);
        assert!(!options.is_empty(), "{}: no other value to try", row.key);
        for cfg in options {
            let theme = Theme::new(ColorTier::None, false);
            let mut h = common::Harness::new(base.clone(), theme, (100, 30), 1);
            let worker = h.worker_mut();
            let steps = worker.session().step_count();
            worker.apply(Command::Configure(Box::new(cfg.clone())));
            if base.needs_reset(&cfg) {
                assert_eq!(worker.session().step_count(), 0, "{}: rebuilt", row.key);
            } else {
                assert_eq!(
                    worker.session().config(),
                    &cfg,
                    "{}: a live change did not reach the session",
                    row.key
                );
                assert_eq!(worker.session().step_count(), steps, "{}: kept", row.key);
                live.push(row.key);
            }
        }
    }
    for key in [
        "activation",
        "optimizer",
        "lr",
        "momentum",
        "nesterov",
        "l1",
        "l2",
        "clip",
        "batch_size",
        "shuffle",
        "saturation_threshold",
    ] {
        assert!(live.contains(&key), "{key} was not tried live: {live:?}");
    }
}
