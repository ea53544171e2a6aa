//! The lr × bias-init sweep: deterministic for a seed whatever the thread count, each run the
//! same as `reluscope train` with its seed, cancellable; and the CLI's output and bad input.

use std::sync::Mutex;

use assert_cmd::Command;
use predicates::prelude::*;
use reluscope::engine::{BiasInit, TrainConfig};
use reluscope::experiment::{Progress, SweepConfig, sweep};

mod common;

fn small() -> SweepConfig {
    SweepConfig {
        base: TrainConfig {
            hidden: vec![4, 4],
            seed: 5,
            ..TrainConfig::default()
        },
        lrs: vec![0.03, 3.0],
        bias_inits: vec![BiasInit::Constant(0.1), BiasInit::Constant(-3.0)],
        epochs: 3,
        repeats: 2,
    }
}

#[test]
fn same_numbers_on_one_and_two_threads() {
    let config = small();
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| sweep::run(&config, &Progress::new()).unwrap())
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert!(!one.cancelled);
    // Rows are bias inits, columns learning rates; every run present, seeds base + repeat.
    let order: Vec<(f64, String)> = one
        .cells
        .iter()
        .map(|c| (c.lr, c.bias.to_string()))
        .collect();
    assert_eq!(
        order,
        [
            (0.03, "0.1".into()),
            (3.0, "0.1".into()),
            (0.03, "-3".into()),
            (3.0, "-3".into())
        ]
    );
    for cell in &one.cells {
        let seeds: Vec<u64> = cell.runs.iter().map(|r| r.seed).collect();
        assert_eq!(seeds, [5, 6]);
    }
    // A bias of -3 kills neurons at birth; 0.1 does not.
    let at_init = |i: usize| one.cells[i].dead_at_init().mean;
    assert!(at_init(2) > at_init(0), "{} vs {}", at_init(2), at_init(0));
}

#[test]
fn progress_and_streamed_runs() {
    let progress = Progress::new();
    let seen = Mutex::new(Vec::new());
    let report = sweep::run_streaming(&small(), &progress, |cell, run| {
        seen.lock().unwrap().push((cell, run.seed));
    })
    .unwrap();
    assert_eq!((progress.done(), progress.total()), (24, 24));
    let mut seen = seen.into_inner().unwrap();
    seen.sort_unstable();
    assert_eq!(seen.len(), 8);
    assert_eq!(seen[0], (0, 5));
    assert_eq!(report.cells.iter().map(|c| c.runs.len()).sum::<usize>(), 8);
}

#[test]
fn cancelled_before_start_runs_nothing() {
    let progress = Progress::new();
    progress.cancel();
    let report = sweep::run(&small(), &progress).unwrap();
    assert!(report.cancelled);
    assert!(report.cells.iter().all(|c| c.runs.is_empty()));
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("reluscope").unwrap();
    // The table's ×, ± and — need a UTF-8 locale, whatever the machine running the tests has.
    c.env("LC_ALL", "C.UTF-8");
    c
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn a_sweep_run_is_reproduced_by_train() {
    let csv = stdout(bin().args([
        "experiment",
        "sweep",
        "--lr",
        "0.5",
        "--bias-init",
        "-1",
        "--epochs",
        "2",
        "--repeats",
        "2",
        "--seed",
        "2",
        "--layers",
        "6",
        "--csv",
    ]));
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let sweep_mean: f64 = row[8].parse().unwrap();
    let loss = |seed: &str| -> f64 {
        let out = stdout(bin().args([
            "train",
            "--lr",
            "0.5",
            "--bias-init",
            "-1",
            "--epochs",
            "2",
            "--seed",
            seed,
            "--layers",
            "6",
            "--format",
            "jsonl",
        ]));
        let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        last["train_loss"].as_f64().unwrap()
    };
    let mean = (loss("2") + loss("3")) / 2.0;
    assert!((mean - sweep_mean).abs() < 1e-6, "{mean} vs {sweep_mean}");
}

#[test]
fn sweep_prints_table_and_heatmaps_without_colour_when_piped() {
    let text = stdout(bin().args([
        "experiment",
        "sweep",
        "--lr",
        "0.1,1",
        "--bias-init",
        "0.1,scheme",
        "--epochs",
        "2",
        "--repeats",
        "2",
        "--dataset",
        "xor",
        "--layers",
        "4",
        "--optimizer",
        "adam",
    ]));
    assert!(text.starts_with("sweep: 2 learning rates × 2 bias inits × 2 repeats, 2 epochs"));
    assert!(
        text.contains("xor, layers 4, relu, he-normal init, adam"),
        "{text}"
    );
    assert!(text.contains("final dead neurons"), "{text}");
    assert!(text.contains("final training loss"), "{text}");
    assert!(!text.contains('\x1b'), "colour in a pipe: {text}");
    let heat_rows = text
        .lines()
        .filter(|l| l.trim_start().starts_with("scheme ") && l.contains('%'))
        .count();
    assert_eq!(heat_rows, 1, "{text}");
}

#[test]
fn sweep_bad_input_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--lr", "0.1,x"],
            "--lr must be a number, found 'x'; write it as --lr 0.03",
        ),
        (
            &["--lr", "-1"],
            "--lr must be at least 0 and at most 1000000; for example --lr 0.03",
        ),
        (
            &["--bias-init", "0.1,lots"],
            "--bias-init: invalid bias init 'lots'",
        ),
        (&["--epochs", "0"], "--epochs 0 is out of range"),
        (&["--repeats", "0"], "--repeats 0 is out of range"),
        (&["--dataset", "circel"], "circle"),
        (&["--layers", "0"], "layer"),
    ];
    for (args, want) in cases {
        bin()
            .args(["experiment", "sweep"])
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*want));
    }
}

/// Runs a small sweep in a pseudo-terminal and returns what it printed.
fn sweep_in_pty(envs: &[(&str, &str)]) -> String {
    common::run_in_pty(
        &[
            "experiment",
            "sweep",
            "--lr",
            "0.1",
            "--bias-init",
            "0.1,-3",
            "--epochs",
            "1",
            "--repeats",
            "1",
            "--layers",
            "3",
        ],
        envs,
    )
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let coloured = sweep_in_pty(&[("LANG", "C.UTF-8")]);
    assert!(coloured.contains("\x1b[32m··\x1b[0m"), "{coloured}");
    let plain = sweep_in_pty(&[("LANG", "C.UTF-8"), ("NO_COLOR", "1")]);
    assert!(!plain.contains('\x1b') && plain.contains("··"), "{plain}");
    // A non-UTF-8 locale gets ASCII shades.
    let ascii = sweep_in_pty(&[("LANG", "C"), ("NO_COLOR", "1")]);
    assert!(
        ascii.is_ascii() && ascii.contains(". ") && ascii.contains("+/-"),
        "{ascii}"
    );
}

/// Runs without a test set (`--train-fraction 1`) have no test loss: the table shows "—" and the CSV
/// leaves the cells empty rather than averaging made-up zeros.
#[test]
fn a_sweep_without_a_test_set_has_no_test_loss() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.csv");
    std::fs::write(&one, "x1,x2,label\n0.5,0.5,1\n-0.5,0.5,0\n").unwrap();
    let args = |csv: bool| {
        let mut c = bin();
        c.args(["experiment", "sweep", "--data"])
            .arg(&one)
            .args(["--lr", "0.1", "--bias-init", "0.1", "--train-fraction", "1"])
            .args(["--epochs", "1", "--repeats", "2"]);
        if csv {
            c.arg("--csv");
        }
        c
    };
    let csv = stdout(&mut args(true));
    let fields: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(fields.len(), 12, "{csv}");
    assert!(fields[8].parse::<f64>().unwrap() > 0.0, "train loss: {csv}");
    assert_eq!(&fields[10..], ["", ""], "test loss: {csv}");
    let text = stdout(&mut args(false));
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("0.1"))
        .unwrap();
    let cols: Vec<&str> = row.split("  ").filter(|c| !c.trim().is_empty()).collect();
    assert_eq!(cols[cols.len() - 2].trim(), "—", "{text}");
}

#[test]
fn a_sweep_notes_an_output_activation_that_cannot_act() {
    bin()
        .args([
            "experiment",
            "sweep",
            "--regression-output",
            "tanh",
            "--csv",
        ])
        .args([
            "--lr",
            "0.1",
            "--bias-init",
            "0",
            "--epochs",
            "1",
            "--repeats",
            "1",
        ])
        .assert()
        .success()
        .stderr(
            "reluscope: note: --regression-output tanh is ignored: circle is a classification \
             task, whose output is sigmoid with binary cross-entropy\n",
        );
}

/// The sweep reads the same layered settings as `train` (here a config file), so a run is
/// still reproduced by `train` with that file; it used to start from the built-in defaults.
#[test]
fn a_sweep_uses_the_config_file_as_train_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "[train]\nlayers = [3]\noptimizer = \"adam\"\n").unwrap();
    let file = file.display().to_string();
    let sweep = |extra: &[&str]| {
        stdout(
            bin()
                .args(["--config", &file, "experiment", "sweep", "--lr", "0.1"])
                .args(["--bias-init", "0", "--epochs", "2", "--repeats", "1"])
                .args(extra),
        )
    };
    let text = sweep(&[]);
    assert!(
        text.contains("layers 3, relu, he-normal init, adam,"),
        "{text}"
    );
    let csv = sweep(&["--csv"]);
    let sweep_loss: f64 = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(8)
        .unwrap()
        .parse()
        .unwrap();
    let out = stdout(bin().args(["--config", &file, "train"]).args([
        "--lr",
        "0.1",
        "--bias-init",
        "0",
        "--epochs",
        "2",
        "--format",
        "jsonl",
    ]));
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let train_loss = last["train_loss"].as_f64().unwrap();
    assert!(
        (train_loss - sweep_loss).abs() < 1e-6,
        "{train_loss} vs {sweep_loss}"
    );
    // A broken file stops the sweep as it stops train.
    std::fs::write(dir.path().join("c.toml"), "[train]\nlr = \"x\"\n").unwrap();
    bin()
        .args(["--config", &file, "experiment", "sweep", "--repeats", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{file}:2:6: `lr` must be a number"
        )));
}

/// A value listed twice is one column or row, as born-dead's widths and depths are.
#[test]
fn repeated_sweep_values_are_one_cell() {
    let csv = stdout(bin().args([
        "experiment",
        "sweep",
        "--lr",
        "0.1,0.10,1",
        "--bias-init",
        "0,-0,scheme",
        "--epochs",
        "1",
        "--repeats",
        "1",
        "--layers",
        "2",
        "--csv",
    ]));
    let cells: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(cells, ["0.1,0", "1,0", "0.1,scheme", "1,scheme"], "{csv}");
}
