//! `reluscope train` through the real binary: output formats, reproducibility, saving and
//! loading, and every bad-input path (message on stderr, exit code 2).

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

mod common;

fn train() -> Command {
    let mut c = common::reluscope();
    c.arg("train");
    c
}

fn jsonl(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Runs and expects exit code 2 with `want` in stderr and nothing on stdout.
fn fails_with(args: &[&str], want: &str) {
    common::fails_with(&[&["train"], args].concat(), want);
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn jsonl_reports_have_the_documented_fields() {
    let out = train()
        .args(["--epochs", "3", "--format", "jsonl", "--layers", "8,6"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = jsonl(&out);
    assert_eq!(
        lines.len(),
        1 + 3 + 1,
        "initial report, one per epoch, summary"
    );
    for (k, r) in lines[..4].iter().enumerate() {
        assert_eq!(r["type"], "report");
        assert_eq!(r["epoch"], k as u64);
        assert_eq!(r["step"], 25 * k as u64);
        for key in ["train_loss", "test_loss"] {
            assert!(r[key].as_f64().unwrap().is_finite());
        }
        for key in ["alive", "dead", "saturated"] {
            assert!(r[key].is_u64(), "{key}");
        }
        let total: u64 = ["alive", "dead", "saturated"]
            .iter()
            .map(|k| r[k].as_u64().unwrap())
            .sum();
        assert_eq!(total, 14);
        assert_eq!(r["grad_norm"].as_array().unwrap().len(), 3, "one per layer");
        assert_eq!(
            r["sparsity"].as_array().unwrap().len(),
            2,
            "one per hidden layer"
        );
    }
    let s = &lines[4];
    assert_eq!(s["type"], "summary");
    assert_eq!(s["steps"], 75);
    assert_eq!(s["samples"], 750);
    assert!(s["samples_per_sec"].as_f64().unwrap() > 0.0);
    for key in [
        "alive",
        "dead",
        "saturated",
        "deaths",
        "revivals",
        "born_dead",
    ] {
        assert!(!s[key].is_null(), "{key}");
    }
}

#[test]
fn text_output_is_a_table_and_no_progress_bar_off_a_terminal() {
    train()
        .args(["--steps", "30", "--report-every", "10", "--dataset", "xor"])
        .assert()
        .success()
        .stdout(predicate::str::contains("step  epoch  train_loss"))
        .stdout(predicate::str::contains("\n      30      1 "))
        .stdout(predicate::str::contains("samples/s"))
        .stderr("");
}

/// Everything but the timing fields.
fn without_timing(out: &[u8]) -> Vec<Value> {
    let mut lines = jsonl(out);
    for l in &mut lines {
        if let Some(o) = l.as_object_mut() {
            o.remove("seconds");
            o.remove("samples_per_sec");
        }
    }
    lines
}

#[test]
fn same_seed_same_run_and_report_cadence_does_not_change_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--epochs",
        "4",
        "--format",
        "jsonl",
        "--dataset",
        "spiral",
        "--noise",
        "20",
        "--seed",
        "9",
    ];
    let a = train().args(args).output().unwrap();
    let b = train().args(args).output().unwrap();
    assert_eq!(without_timing(&a.stdout), without_timing(&b.stdout));
    let m1 = dir.path().join("a.json");
    let m2 = dir.path().join("b.json");
    train().args(args).arg("--save").arg(&m1).assert().success();
    let every = train()
        .args(args)
        .args(["--report-every", "1"])
        .arg("--save")
        .arg(&m2)
        .output()
        .unwrap();
    assert!(every.status.success());
    assert_eq!(std::fs::read(&m1).unwrap(), std::fs::read(&m2).unwrap());
    // The summary too: extra reports must not count extra deaths or revivals (a learning rate
    // at which ReLUs die and come back).
    assert_eq!(
        without_timing(&a.stdout).last(),
        without_timing(&every.stdout).last()
    );
    let churn = [
        "--epochs",
        "10",
        "--format",
        "jsonl",
        "--dataset",
        "spiral",
        "--lr",
        "1",
    ];
    let once = without_timing(&train().args(churn).output().unwrap().stdout);
    let often = train()
        .args(churn)
        .args(["--report-every", "1"])
        .output()
        .unwrap();
    let often = without_timing(&often.stdout);
    let last = once.last().unwrap();
    assert!(last["deaths"].as_u64().unwrap() > 0, "{last}");
    assert_eq!(Some(last), often.last());
    let c = train()
        .args([
            "--epochs",
            "4",
            "--format",
            "jsonl",
            "--dataset",
            "spiral",
            "--seed",
            "10",
        ])
        .output()
        .unwrap();
    assert_ne!(without_timing(&a.stdout), without_timing(&c.stdout));
}

#[test]
fn a_saved_model_continues_training() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.json");
    train()
        .args([
            "--epochs",
            "2",
            "--layers",
            "5",
            "--activation",
            "leaky-relu:slope=0.1",
            "--save",
        ])
        .arg(&m)
        .assert()
        .success();
    let text = std::fs::read_to_string(&m).unwrap();
    assert!(text.contains("\"leaky-relu:slope=0.1\""));
    // Its shape wins over --layers.
    let out = train()
        .args([
            "--epochs", "1", "--format", "jsonl", "--layers", "8,8,8", "--model",
        ])
        .arg(&m)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = jsonl(&out.stdout);
    assert_eq!(lines[0]["sparsity"].as_array().unwrap().len(), 1);
    // ... and says so, as for features and activations that differ from the model's.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has the hidden layers 5; --layers 8,8,8 is ignored"),
        "{err}"
    );
    let out = train()
        .args(["--epochs", "1", "--features", "x1,sin(x2)", "--activation"])
        .args(["relu", "--format", "jsonl", "--model"])
        .arg(&m)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has the inputs x1,x2; --features x1,sin(x2) is ignored"),
        "{err}"
    );
    assert!(
        err.contains(
            "has the hidden activations leaky-relu:slope=0.1; --activation relu is ignored"
        ),
        "{err}"
    );
    // Flags that agree with the model say nothing.
    train()
        .args([
            "--epochs",
            "1",
            "--features",
            "x1,x2",
            "--layers",
            "5",
            "--model",
        ])
        .arg(&m)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn csv_data_trains() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a,b,label\n");
    for i in 0..40 {
        let x = i as f64 / 10.0 - 2.0;
        text.push_str(&format!("{x},{},{}\n", -x, u8::from(x > 0.0)));
    }
    let f = write(dir.path(), "d.csv", &text);
    train()
        .args(["--data", &f, "--epochs", "2", "--batch-size", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("d.csv (20 train / 20 test)"))
        .stderr(predicate::str::contains(
            "d.csv: binary classification: 2 classes of 'label' (0, 1), guessed from the target; \
             --task regression overrides",
        ));
    // Three whole-number classes train as multi-class classification, and say so.
    let f = write(
        dir.path(),
        "three.csv",
        &text.replace(",1\n", ",2\n").replacen(",0\n", ",1\n", 5),
    );
    train()
        .args(["--data", &f, "--epochs", "1", "--format", "jsonl"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"train_accuracy\":0."))
        .stderr(predicate::str::contains(
            "three.csv: multi-class classification: 3 classes of 'label' (0, 1, 2)",
        ));
    // ... or as regression when asked.
    train()
        .args([
            "--data",
            &f,
            "--epochs",
            "1",
            "--format",
            "jsonl",
            "--task",
            "regression",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"train_accuracy\":null"))
        .stderr(predicate::str::contains(
            "regression on 'label', as --task says",
        ));
    // A constant target is regression.
    let f = write(dir.path(), "flat.csv", "a,b,y\n1,2,5\n3,4,5\n");
    train()
        .args(["--data", &f, "--epochs", "1"])
        .assert()
        .success()
        .stderr(predicate::str::contains("regression on 'y', guessed"));
    // Inputs whose squares would overflow are refused, naming the cell.
    fails_with(
        &[
            "--data",
            &write(dir.path(), "huge.csv", "a,b,y\n1e200,2,1\n"),
        ],
        "huge.csv:2:1: '1e200' in column 'a' is too large; inputs must be within ±1e150",
    );
    // A single row of each class trains (everything is training data) without panicking.
    let f = write(dir.path(), "one.csv", "a,b,y\n1,2,1\n2,1,0\n");
    train()
        .args(["--data", &f, "--epochs", "3", "--features", "x1^2,sin(x2)"])
        .args(["--train-fraction", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("one.csv (2 train / 0 test)"));
}

#[test]
fn csv_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases = [
        ("empty.csv", "", "empty.csv: is empty"),
        (
            "header.csv",
            "a,b,y\n",
            "header.csv:1: has a header but no data rows",
        ),
        (
            "ragged.csv",
            "a,b,y\n1,2,0\n3,4\n",
            "ragged.csv:3:4: this row has 2 field(s) but the header has 3",
        ),
        (
            "word.csv",
            "a,b,y\n1,2,0\n3,x,1\n",
            "word.csv:3:3: 'x' in column 'b' is not a number",
        ),
        (
            "nan.csv",
            "a,b,y\n1,nan,0\n",
            "nan.csv:2:3: 'nan' in column 'b' is not a finite number",
        ),
        (
            "inf.csv",
            "a,b,y\n1,2,-inf\n",
            "inf.csv:2:5: '-inf' in column 'y' is not a finite number",
        ),
        (
            "cols.csv",
            "a\n1\n",
            "cols.csv:1: the header has 1 column(s); expected at least 2",
        ),
        (
            "nohead.csv",
            "1,2,0\n",
            "nohead.csv:1:1: the first row must be a header",
        ),
    ];
    for (name, text, want) in cases {
        let f = write(d, name, text);
        fails_with(&["--data", &f], want);
    }
    fails_with(
        &["--data", "/nonexistent/d.csv"],
        "/nonexistent/d.csv: cannot read the data file",
    );
}

#[test]
fn csv_with_too_many_rows_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(7_000_100);
    text.push_str("a,b,y\n");
    for _ in 0..1_000_001 {
        text.push_str("1,2,0\n");
    }
    let f = write(dir.path(), "big.csv", &text);
    fails_with(
        &["--data", &f],
        "big.csv:1000002: more than 1000000 data rows",
    );
}

#[test]
fn model_file_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = r#"{"format":"reluscope.model.v1","inputs":["x1","x2"],
"layers":[{"activation":"relu","weights":[[1,2],[3,4]],"bias":[0,0]},
{"activation":"sigmoid","weights":[[1,-1]],"bias":[0.5]}],"loss":"bce"}"#;
    let f = write(d, "ok.json", good);
    train()
        .args(["--model", &f, "--epochs", "1"])
        .assert()
        .success();
    let cases = [
        (
            "trunc.json",
            &good[..40],
            "trunc.json: not a valid model file (line 1, column 40)",
        ),
        (
            "fmt.json",
            &good.replace("v1\"", "v2\""),
            "fmt.json: unknown format 'reluscope.model.v2'",
        ),
        (
            "shape.json",
            &good.replace("[3,4]", "[3,4,5]"),
            "shape.json: layers[0]: weights[1] has 3 values but the layer has 2 inputs",
        ),
        (
            "act.json",
            &good.replace("\"relu\"", "\"rleu\""),
            "act.json: layers[0]: unknown activation 'rleu'",
        ),
        (
            "input.json",
            &good.replace("\"x2\"", "\"z\""),
            "input.json: inputs[1]: unknown feature 'z'",
        ),
        (
            "bias.json",
            &good.replace("[0.5]", "[0.5,1]"),
            "bias.json: layers[1]: 'bias' has 2 values",
        ),
        (
            "loss.json",
            &good.replace("\"bce\"", "\"mse\""),
            "loss.json: layers[1]: output activation 'sigmoid' does not fit loss 'mse'",
        ),
    ];
    for (name, text, want) in cases {
        let f = write(d, name, text);
        fails_with(&["--model", &f], want);
    }
    fails_with(
        &["--model", "/nonexistent/m.json"],
        "/nonexistent/m.json: cannot read the model file",
    );
    // A classification model on a regression dataset.
    fails_with(
        &["--model", &f, "--dataset", "plane"],
        "dataset 'plane' is a regression task",
    );
}

#[test]
fn bad_flags_are_input_errors() {
    let cases: [(&[&str], &str); 13] = [
        (
            &["--dataset", "cirlce"],
            "unknown dataset 'cirlce' (did you mean 'circle'?)",
        ),
        (
            &["--layers", "8,x"],
            "--layers must hold whole numbers 0 or above, found 'x'",
        ),
        (&["--layers", "8,65"], "a layer of 65 neurons"),
        (
            &["--layers", "1,1,1,1,1,1,1,1,1"],
            "9 hidden layers; at most 8",
        ),
        (&["--features", "x1,x3"], "unknown feature 'x3'"),
        (&["--activation", "relu6:x=1"], "has no parameter 'x'"),
        (&["--init", "he"], ""),
        (&["--init", "glorious"], "unknown init 'glorious'"),
        (&["--bias-init", "nan"], "invalid bias init 'nan'"),
        (&["--noise", "60"], "--noise is a noise level in percent"),
        (
            &["--nesterov"],
            "--nesterov: Nesterov momentum needs a momentum above 0; add --momentum 0.9, or \
             drop --nesterov",
        ),
        (&["--lr", "inf"], "--lr must be a finite number, found inf"),
        (&["--steps", "0"], "--steps must be at least 1, found 0"),
    ];
    for (args, want) in cases {
        if want.is_empty() {
            train().args(args).args(["--steps", "1"]).assert().success();
        } else {
            fails_with(args, want);
        }
    }
    fails_with(&["--dataset", "xor", "--data", "x.csv"], "either --dataset");
    fails_with(&["--optimizer", "adamw"], "unknown optimizer 'adamw'");
    fails_with(
        &["--train-fraction", "1.5"],
        "--train-fraction must be from 0.1 to 1",
    );
    train()
        .args(["--steps", "1", "--epochs", "1"])
        .assert()
        .code(2);
    // A negative number is read as the flag's value, so the message names the flag and its
    // range instead of calling "-1" an unexpected argument.
    fails_with(
        &["--l1", "-1"],
        "--l1 must be at least 0 and at most 1000000",
    );
    fails_with(
        &["--momentum", "-0.5"],
        "--momentum must be at least 0 and below 1",
    );
    fails_with(
        &["--l2", "1e7"],
        "--l2 must be at least 0 and at most 1000000",
    );
    fails_with(
        &["--seed", "-1"],
        "--seed must be a whole number 0 or above",
    );
    fails_with(
        &["--steps", "-5"],
        "invalid value '-5' for '--steps <STEPS>'",
    );
}

#[test]
fn save_errors_and_divergence() {
    let dir = tempfile::tempdir().unwrap();
    // An unwritable target is refused before training starts (nothing on stdout).
    fails_with(
        &["--steps", "1", "--save", "/nonexistent/dir/m.json"],
        "--save /nonexistent/dir/m.json: the directory /nonexistent/dir does not exist",
    );
    let shown = dir.path().display();
    fails_with(
        &["--steps", "1", "--save", &shown.to_string()],
        &format!("--save {shown} is a directory; give a file path such as"),
    );
    let m = dir.path().join("m.json");
    let out = train()
        .args([
            "--dataset",
            "plane",
            "--lr",
            "1e6",
            "--epochs",
            "50",
            "--format",
            "jsonl",
            "--save",
        ])
        .arg(&m)
        .output()
        .unwrap();
    let lines = jsonl(&out.stdout);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["diverged"], true);
    assert!(last["steps"].as_u64().unwrap() < 50 * 60);
    assert!(String::from_utf8_lossy(&out.stderr).contains("training diverged at step"));
}

#[test]
fn regression_output_can_be_tanh() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.json");
    train()
        .args([
            "--dataset",
            "multi-gauss",
            "--regression-output",
            "tanh",
            "--epochs",
            "1",
            "--save",
        ])
        .arg(&m)
        .assert()
        .success();
    let text = std::fs::read_to_string(&m).unwrap();
    assert!(
        text.contains("\"tanh\"") && text.contains("\"mse\""),
        "{text}"
    );
    fails_with(
        &["--regression-output", "relu"],
        "--regression-output is 'relu'; the regression output is linear or tanh; for example --regression-output tanh",
    );
}

#[test]
fn progress_bar_appears_on_a_terminal() {
    let out = common::run_in_pty(&["train", "--epochs", "3"], &[]);
    assert!(out.contains("] ") && out.contains("% step 1/75"), "{out}");
    assert!(
        out.contains("\x1b[2K"),
        "the bar is cleared before the table rows: {out}"
    );
    assert!(out.contains("samples/s"));
}

/// `--train-fraction 1` leaves nothing to test on: the test loss and accuracy are absent ("n/a" in
/// the table, null in JSON), not a made-up 0 that reads as a perfect loss and a failed test.
#[test]
fn an_empty_test_set_is_reported_as_absent() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(
        dir.path(),
        "one.csv",
        "x1,x2,label\n0.5,0.5,1\n-0.5,0.5,0\n",
    );
    let out = train()
        .args(["--data", &one, "--epochs", "2", "--format", "jsonl"])
        .args(["--train-fraction", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = jsonl(&out);
    assert_eq!(lines.len(), 4);
    for l in &lines {
        assert!(l["test_loss"].is_null(), "{l}");
        assert!(l["test_accuracy"].is_null(), "{l}");
        assert!(l["train_loss"].as_f64().unwrap() > 0.0, "{l}");
        assert!(l["train_accuracy"].is_number(), "{l}");
    }
    let out = train()
        .args(["--data", &one, "--epochs", "1", "--train-fraction", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows.len(), 3, "{text}");
    for row in &rows[1..] {
        assert_eq!(row.split_whitespace().nth(3), Some("n/a"), "{text}");
    }
    let summary = text.lines().find(|l| l.contains(" steps, ")).unwrap();
    assert!(summary.contains("test loss n/a, accuracy "), "{summary}");
    assert!(summary.contains("%/n/a;"), "{summary}");
}

/// Flags that cannot act say so on stderr, one line each, and the run goes on: an output
/// activation for a classification task, an initialization for a loaded model.
#[test]
fn flags_that_change_nothing_get_a_note() {
    let err = |args: &[&str]| {
        let out = train().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let e = err(&["--epochs", "1", "--regression-output", "tanh"]);
    assert_eq!(
        e,
        "reluscope: note: --regression-output tanh is ignored: circle is a classification \
         task, whose output is sigmoid with binary cross-entropy\n"
    );
    assert_eq!(
        err(&[
            "--epochs",
            "1",
            "--dataset",
            "plane",
            "--regression-output",
            "tanh"
        ]),
        ""
    );
    assert_eq!(
        err(&[
            "--epochs",
            "1",
            "--optimizer",
            "adam",
            "--momentum",
            "0.9",
            "--nesterov"
        ]),
        "reluscope: note: --momentum and --nesterov are ignored: only sgd has momentum, not \
         adam\n"
    );
    assert_eq!(
        err(&["--epochs", "1", "--momentum", "0.9", "--nesterov"]),
        ""
    );
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.json").display().to_string();
    let r = dir.path().join("r.json").display().to_string();
    err(&["--epochs", "1", "--save", &m]);
    let e = err(&[
        "--epochs",
        "1",
        "--init",
        "he-uniform",
        "--bias-init=-3",
        "--model",
        &m,
    ]);
    assert_eq!(
        e,
        format!(
            "reluscope: note: {m} brings its own weights and biases; --init he-uniform and \
             --bias-init -3 are ignored\n"
        )
    );
    let e = err(&["--epochs", "1", "--bias-init", "scheme", "--model", &m]);
    assert!(e.contains("; --bias-init scheme is ignored\n"), "{e}");
    err(&[
        "--dataset",
        "plane",
        "--epochs",
        "1",
        "--regression-output",
        "tanh",
        "--save",
        &r,
    ]);
    let e = err(&[
        "--dataset",
        "plane",
        "--epochs",
        "1",
        "--regression-output",
        "linear",
        "--model",
        &r,
    ]);
    assert_eq!(
        e,
        format!(
            "reluscope: note: {r} has the output activation tanh; --regression-output linear \
             is ignored\n"
        )
    );
    // The header names the model instead of an initialization that did not happen.
    let out = train()
        .args(["--epochs", "1", "--model", &m])
        .output()
        .unwrap();
    let head = String::from_utf8(out.stdout).unwrap();
    let head = head.lines().next().unwrap();
    assert!(
        head.contains(&format!(", from {m}, ")) && !head.contains("init "),
        "{head}"
    );
}

/// Explorer flags written before a subcommand are refused: `reluscope --lr 0.5 train` used to
/// train at the default learning rate without a word.
#[test]
fn flags_before_the_subcommand_are_refused() {
    let run = |args: &[&str]| Command::cargo_bin("reluscope").unwrap().args(args).assert();
    run(&["--lr", "0.5", "train", "--epochs", "1"])
        .code(2)
        .stdout("")
        .stderr(
            "reluscope: --lr before `train` is an option of the explorer; write it after the \
             subcommand: `reluscope train --lr ...`\n",
        );
    run(&["--no-shuffle", "experiment", "sweep"])
        .code(2)
        .stderr(predicate::str::contains(
            "write it after the subcommand: `reluscope experiment sweep --no-shuffle ...`",
        ));
    run(&["--ascii", "eval", "relu", "--points", "1"])
        .code(2)
        .stderr("reluscope: --ascii is an option of the explorer; `eval` does not take it\n");
    // --config and --scenario are global: they may stand before the subcommand.
    run(&["--scenario", "relu-basics", "train", "--epochs", "1"]).success();
}

/// Extreme values print short and exact: `1e-320`, not 320 digits.
#[test]
fn extreme_values_print_short() {
    let out = Command::cargo_bin("reluscope")
        .unwrap()
        .args([
            "train",
            "--lr",
            "1e-320",
            "--bias-init",
            "1e300",
            "--epochs",
            "1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.contains("bias 1e300") && header.contains("lr 1e-320"),
        "{header}"
    );
    assert!(header.len() < 200, "{header}");
}
