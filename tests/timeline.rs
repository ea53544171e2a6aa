//! The timeline: a past moment is exactly the network `train --epochs k` gives, training on
//! from it is the run that never went back, and a death can be scrubbed to.

mod common;

use assert_cmd::Command;
use reluscope::engine::TrainConfig;
use reluscope::runtime::Local;
use reluscope::trainer::{Command as Cmd, NeuronState, Seek, Snapshot, View};

fn view() -> View {
    View {
        plane: reluscope::engine::PlaneView::default(),
        output: (8, 8),
        inspect: None,
    }
}

/// The dying-high-lr scenario's run.
fn dying() -> TrainConfig {
    TrainConfig {
        lr: 2.5,
        batch_size: 30,
        clip: 10.0,
        ..TrainConfig::default()
    }
}

fn trained(cfg: &TrainConfig, epochs: u64) -> Local {
    let mut w = Local::new(cfg.clone(), None, view()).unwrap();
    while w.a().session().epoch() < epochs {
        w.a_mut().step();
    }
    w
}

fn layer_bits(s: &Snapshot) -> Vec<u64> {
    s.layers
        .iter()
        .flat_map(|l| l.weights.iter().flatten().chain(&l.bias))
        .map(|v| v.to_bits())
        .collect()
}

#[test]
fn rewinding_to_epoch_k_shows_the_network_train_epochs_k_saves() {
    let mut w = trained(&dying(), 60);
    for _ in 0..23 {
        w.a_mut().apply(Cmd::Seek(Seek::Back));
    }
    let snap = w.a().capture();
    assert_eq!(snap.timeline.viewing, Some(37));
    assert_eq!((snap.epoch, snap.timeline.now), (37, 60));

    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    Command::cargo_bin("reluscope")
        .unwrap()
        // A state string fixes every other setting at its built-in default.
        .args(["train", "--state", "lr=2.5,batch=30,clip=10,seed=0"])
        .args(["--epochs", "37", "--format", "jsonl"])
        .arg("--save")
        .arg(&model)
        .assert()
        .success();
    let saved = reluscope::engine::ModelFile::load(&model).unwrap().network;
    let want: Vec<u64> = saved
        .layers
        .iter()
        .flat_map(|l| l.weights.iter().chain(&l.bias))
        .map(|v| v.to_bits())
        .collect();
    // The snapshot holds each neuron's weights row by row, as the network stores them.
    assert_eq!(layer_bits(&snap), want, "bit for bit");
}

#[test]
fn resuming_from_a_past_moment_is_the_run_that_never_went_back() {
    for cfg in [
        dying(),
        TrainConfig {
            optimizer: reluscope::engine::OptimizerKind::Adam,
            lr: 0.02,
            batch_size: 0,
            ..TrainConfig::default()
        },
    ] {
        let straight = trained(&cfg, 60);
        let mut w = trained(&cfg, 80);
        // Back to epoch 2 (a moment kept as a view: resuming replays from epoch 0), then on.
        w.a_mut().apply(Cmd::Seek(Seek::Start));
        w.a_mut().apply(Cmd::Seek(Seek::Forward));
        w.a_mut().apply(Cmd::Seek(Seek::Forward));
        assert_eq!(w.a().capture().timeline.viewing, Some(2));
        w.a_mut().apply(Cmd::Step);
        let snap = w.a().capture();
        assert_eq!(snap.timeline.viewing, None);
        assert!(
            snap.notice
                .as_deref()
                .unwrap()
                .contains("resumed from epoch 2"),
            "{:?}",
            snap.notice
        );
        // Epochs 3-80 dropped; the step may finish epoch 3 (full batch).
        let per = w.a().session().steps_per_epoch();
        assert_eq!(snap.timeline.kept, if per == 1 { 4 } else { 3 });
        while w.a().session().epoch() < 60 {
            w.a_mut().step();
        }
        let (a, b) = (straight.a().capture(), w.a().capture());
        assert_eq!(layer_bits(&a), layer_bits(&b));
        assert_eq!(a.step, b.step);
        assert_eq!(a.layers, b.layers, "health too");
        assert_eq!(a.history, b.history, "the metrics as recorded");
        assert_eq!(a.lives, b.lives, "the deaths and revivals");
        assert_eq!(a.timeline, b.timeline);
        assert_eq!(straight.a().session().network(), w.a().session().network());
    }
}

#[test]
fn a_death_can_be_scrubbed_to_and_the_neuron_was_alive_just_before() {
    let mut w = trained(&dying(), 40);
    let deaths_now = w.a().capture().deaths;
    assert!(deaths_now > 0);
    w.a_mut().apply(Cmd::Seek(Seek::Start));
    w.a_mut().apply(Cmd::Seek(Seek::NextDeath));
    let at = w.a().capture();
    let e = at.timeline.viewing.expect("a past moment");
    assert!(e > 0 && e < 40);
    // Some neuron is dead here, was not one epoch before, and its story says it died here.
    let dead: Vec<(usize, usize)> = (0..2)
        .flat_map(|l| (0..8).map(move |n| (l, n)))
        .filter(|&(l, n)| at.hidden()[l].neurons[n].health == NeuronState::Dead)
        .collect();
    w.a_mut().apply(Cmd::Seek(Seek::Back));
    let before = w.a().capture();
    assert_eq!(before.timeline.viewing, Some(e - 1));
    let died: Vec<_> = dead
        .iter()
        .filter(|&&(l, n)| before.hidden()[l].neurons[n].health != NeuronState::Dead)
        .collect();
    assert!(!died.is_empty(), "someone died at epoch {e}");
    for &&(l, n) in &died {
        let story = at.lives.story(l, n).unwrap();
        assert!(story.events.iter().any(|ev| ev.epoch == e));
    }
    // The past moment tells only its past: fewer deaths than now, metrics up to it.
    assert!(before.deaths < deaths_now);
    assert!(
        before
            .history
            .samples()
            .iter()
            .all(|s| s.epoch <= (e - 1) as f64)
    );
    // Now again: the run as it is.
    w.a_mut().apply(Cmd::Seek(Seek::Now));
    assert_eq!(w.a().capture().timeline.viewing, None);
    assert_eq!(w.a().capture().deaths, deaths_now);
}

/// The explorer on the dying-high-lr run after 40 epochs, its trainer carrying out every
/// command the keys send.
fn explorer(size: (u16, u16)) -> common::Harness {
    use reluscope::ui::theme::{ColorTier, Theme};
    let mut e = common::Harness::new(dying(), Theme::new(ColorTier::None, false), size, 0).live();
    while e.worker().session().epoch() < 40 {
        e.worker_mut().step();
    }
    e.refresh();
    e
}

#[test]
fn the_timeline_view_snapshots() {
    use reluscope::action::Action;
    for (w, h) in [(160, 48), (100, 30)] {
        let mut e = explorer((w, h));
        e.act(Action::ToggleTimeline);
        assert!(e.timeline_open());
        let text = e.screen();
        assert!(text.contains("timeline: now, epoch 40"), "{text}");
        e.act(Action::NextDeath);
        assert_eq!(
            e.worker().capture().timeline.viewing,
            None,
            "no death after now"
        );
        e.act(Action::PrevDeath);
        let at = e
            .worker()
            .capture()
            .timeline
            .viewing
            .expect("a death before now");
        e.act(Action::Left);
        let text = e.screen();
        let marker = format!("viewing epoch {} of 40", at - 1);
        assert!(text.contains(&marker), "{text}");
        assert!(text.contains("train on from here"), "{text}");
        insta::assert_snapshot!(format!("timeline_{w}x{h}"), text);
        // Space trains on from there: the later epochs go, with a notice.
        e.act(Action::TogglePause);
        assert!(!e.timeline_open() && !e.paused());
        let msg = &e.message().unwrap().0;
        assert!(
            msg.contains(&format!("resumed from epoch {}", at - 1)),
            "{msg}"
        );
        // Esc from the timeline goes back to now.
        let mut e = explorer((w, h));
        e.act(Action::TimelineStart);
        assert_eq!(e.worker().capture().timeline.viewing, Some(0));
        e.act(Action::Cancel);
        assert!(!e.timeline_open());
        assert_eq!(e.worker().capture().timeline.viewing, None);
        assert_eq!(
            e.worker().session().epoch(),
            40,
            "nothing trained meanwhile"
        );
    }
}
