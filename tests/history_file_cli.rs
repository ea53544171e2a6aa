//! `train --history FILE` and `reluscope --open FILE`: the same history as the explorer keeps,
//! read back exactly, and every bad file refused with exit code 2 naming it.

mod common;

use assert_cmd::Command;
use predicates::str::contains;
use reluscope::commands::history;
use reluscope::engine::{ModelFile, TrainConfig};
use reluscope::runtime::Local;
use reluscope::trainer::{Command as Cmd, Seek, View};

fn dying() -> TrainConfig {
    TrainConfig {
        lr: 2.5,
        batch_size: 30,
        clip: 10.0,
        ..TrainConfig::default()
    }
}

fn view() -> View {
    View {
        plane: reluscope::engine::PlaneView::default(),
        output: (8, 8),
        inspect: None,
    }
}

fn reluscope() -> Command {
    Command::cargo_bin("reluscope").unwrap()
}

/// `train` on dying-high-lr's settings (a state string fixes the rest) for `epochs`, writing
/// the history and the model into `dir`.
fn train(dir: &std::path::Path, epochs: u64) -> (std::path::PathBuf, std::path::PathBuf) {
    let (hist, model) = (dir.join("run.rlh"), dir.join("m.json"));
    reluscope()
        .args([
            "train",
            "--state",
            "lr=2.5,batch=30,clip=10",
            "--format",
            "jsonl",
        ])
        .args(["--epochs", &epochs.to_string()])
        .arg("--history")
        .arg(&hist)
        .arg("--save")
        .arg(&model)
        .assert()
        .success()
        .stderr(contains(format!("{} moments", epochs + 1)));
    (hist, model)
}

fn bits(net: &reluscope::engine::Network) -> Vec<u64> {
    net.layers
        .iter()
        .flat_map(|l| l.weights.iter().chain(&l.bias))
        .map(|v| v.to_bits())
        .collect()
}

#[test]
fn a_headless_history_is_the_run_the_explorer_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let (hist, model) = train(dir.path(), 60);
    let opened = history::open(&hist).unwrap();
    assert_eq!(opened.state, reluscope::settings::state::encode(&dying()));
    assert!(opened.data.data.is_none());
    let timeline = opened.timeline(&dying()).unwrap();
    // The explorer's own history of the same run, moment for moment.
    let mut w = Local::new(dying(), None, view()).unwrap();
    while w.a().session().epoch() < 60 {
        w.a_mut().step();
    }
    assert_eq!(timeline.entries(), w.a().timeline().entries());
    let last = timeline.entries().last().unwrap();
    assert_eq!(
        bits(last.network()),
        bits(&ModelFile::load(&model).unwrap().network)
    );

    // Opened in a worker: paused at the last moment, scrubbable, and training on from a past
    // moment is the run that never stopped.
    let mut opened_w = Local::opened(dying(), timeline, view()).unwrap();

    let snap = opened_w.a().capture();
    assert_eq!(
        (snap.epoch, snap.timeline.viewing, snap.running),
        (60, None, false)
    );
    assert_eq!(snap.timeline.kept, 61);
    for _ in 0..40 {
        opened_w.a_mut().apply(Cmd::Seek(Seek::Back));
    }
    assert_eq!(opened_w.a().capture().timeline.viewing, Some(20));
    assert_eq!(opened_w.a().capture().deaths, {
        let mut w20 = Local::new(dying(), None, view()).unwrap();
        while w20.a().session().epoch() < 20 {
            w20.a_mut().step();
        }
        w20.a().capture().deaths
    });
    opened_w.a_mut().apply(Cmd::Step);
    while opened_w.a().session().epoch() < 60 {
        opened_w.a_mut().step();
    }
    assert_eq!(opened_w.a().session().network(), w.a().session().network());
    assert_eq!(opened_w.a().session().health(), w.a().session().health());
}

#[test]
fn bad_history_files_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (hist, _) = train(dir.path(), 3);
    let path = |name: &str| dir.path().join(name);
    let open_fails = |p: &std::path::Path, why: &str| {
        reluscope()
            .arg("--open")
            .arg(p)
            .assert()
            .code(2)
            .stderr(contains(format!("--open {}", p.display())))
            .stderr(contains(why.to_string()));
    };
    open_fails(&path("missing.rlh"), "No such file");
    std::fs::write(path("text.rlh"), "epoch,loss\n1,0.5\n").unwrap();
    open_fails(&path("text.rlh"), "not a reluscope history file");
    let mut bytes = std::fs::read(&hist).unwrap();
    let good = bytes.clone();
    bytes[8] = 9;
    std::fs::write(path("v9.rlh"), &bytes).unwrap();
    open_fails(&path("v9.rlh"), "version 9; this reluscope reads version 1");
    std::fs::write(path("cut.rlh"), &good[..good.len() / 2]).unwrap();
    // The moments are read after the settings, still before the terminal is touched.
    open_fails(&path("cut.rlh"), "ends early");
    // The file holds the run's settings: a state string beside it is refused.
    reluscope()
        .args(["--state", "lr=1", "--open"])
        .arg(&hist)
        .assert()
        .code(2)
        .stderr(contains("drop --state"));
    // A flag that would change the run or its data is refused, never silently ignored or
    // applied to moments of another run; so is a picture that would not show the file.
    for (flags, want) in [
        (vec!["--dataset", "xor"], "drop --dataset"),
        (vec!["--lr", "5"], "drop --lr"),
        (vec!["--target", "y"], "drop --target"),
        (vec!["--test-data", "t.csv"], "drop --test-data"),
        (
            vec!["--screenshot", "x.svg"],
            "--screenshot draws a fresh run",
        ),
    ] {
        reluscope()
            .args(&flags)
            .arg("--open")
            .arg(&hist)
            .assert()
            .code(2)
            .stderr(contains(want));
    }
    reluscope()
        .args(["--screenshot", "x.svg", "--open"])
        .arg(path("missing.rlh"))
        .assert()
        .code(2);
    // A history file that cannot be written stops the run before it trains.
    reluscope()
        .args(["train", "--epochs", "1", "--history"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains(format!("--history {}", dir.path().display())));
}
