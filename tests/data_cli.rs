//! Real data through the binary: wide CSV files, named targets, delimiters, multi-class
//! training with a confusion matrix, the shipped datasets, splits, test files, `predict`, and
//! every new way a data file or flag can be wrong (exit 2, file:line:column, a fix).

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{fails_with, reluscope};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A 3-class file of `d` inputs, the class decided by the first two inputs' sum.
fn three_classes(d: usize, rows: usize) -> String {
    let mut s: Vec<String> = (1..=d).map(|j| format!("in{j}")).collect();
    s.push("kind".into());
    let mut text = s.join(",") + "\n";
    for r in 0..rows {
        let x: Vec<f64> = (0..d)
            .map(|j| ((r * 7 + j * 13) % 19) as f64 / 4.0 - 2.0)
            .collect();
        let score = x[0] + x[1.min(d - 1)];
        let class = if score < -1.0 {
            "low"
        } else if score < 1.0 {
            "mid"
        } else {
            "high"
        };
        let row: Vec<String> = x.iter().map(f64::to_string).collect();
        text.push_str(&format!("{},{class}\n", row.join(",")));
    }
    text
}

fn jsonl(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_wide_multi_class_csv_trains_with_a_confusion_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "wide.csv", &three_classes(13, 120));
    reluscope()
        .args(["train", "--data", &f, "--epochs", "30", "--layers", "12"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "multi-class classification: 3 classes of 'kind' (high, low, mid), guessed",
        ))
        .stdout(predicate::str::contains(
            "13 input columns, 3 classes, network 13-12-3",
        ))
        .stdout(predicate::str::contains("# confusion matrix, test set"))
        .stdout(predicate::str::contains("recall"));
    let out = reluscope()
        .args(["train", "--data", &f, "--epochs", "2", "--format", "jsonl"])
        .output()
        .unwrap();
    let summary = jsonl(&out.stdout).pop().unwrap();
    assert_eq!(
        summary["classes"],
        serde_json::json!(["high", "low", "mid"])
    );
    let m = summary["confusion"].as_array().unwrap();
    let total: u64 = m
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!((m.len(), total), (3, 60));
    assert_eq!(summary["confusion_set"], "test");
}

#[test]
fn named_targets_delimiters_and_the_task_flag() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "semi.csv",
        "y;a;b;c\n0;1;2;3\n1;4;5;6\n0;7;8;9\n1;1;3;5\n",
    );
    reluscope()
        .args(["train", "--data", &f, "--delimiter", ";", "--target", "y"])
        .args(["--epochs", "1", "--train-fraction", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "semi.csv (4 train / 0 test), inputs a,b,c",
        ))
        .stderr(predicate::str::contains(
            "binary classification: 2 classes of 'y'",
        ));
    reluscope()
        .args(["train", "--data", &f, "--delimiter", ";", "--target", "y"])
        .args(["--epochs", "1", "--task", "regression", "--format", "jsonl"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"train_accuracy\":null"));
}

#[test]
fn the_shipped_datasets_train() {
    let out = reluscope()
        .args([
            "train",
            "--dataset",
            "iris",
            "--layers",
            "16",
            "--epochs",
            "200",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let summary = text.lines().find(|l| l.contains(" steps, ")).unwrap();
    let test_acc: f64 = summary
        .split("accuracy ")
        .nth(1)
        .and_then(|s| s.split('/').nth(1))
        .and_then(|s| s.split('%').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(test_acc >= 90.0, "{summary}");
    assert!(
        text.contains("(standardized), 3 classes, network 4-16-3"),
        "{text}"
    );
    assert!(text.contains("#     setosa"), "{text}");
    for (name, shape) in [
        (
            "wine",
            "13 input columns (standardized), 3 classes, network 13-8-8-3",
        ),
        (
            "breast-cancer",
            "30 input columns (standardized), network 30-8-8-1",
        ),
        ("digits", "64 input columns, 10 classes, network 64-8-8-10"),
    ] {
        reluscope()
            .args(["train", "--dataset", name, "--epochs", "1"])
            .assert()
            .success()
            .stdout(predicate::str::contains(shape));
    }
    reluscope()
        .args([
            "train",
            "--dataset",
            "blobs",
            "--classes",
            "5",
            "--epochs",
            "1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "features x1,x2, 5 classes, network 2-8-8-5",
        ));
}

#[test]
fn train_fraction_one_and_a_test_file() {
    let dir = tempfile::tempdir().unwrap();
    let train = write(dir.path(), "train.csv", &three_classes(4, 60));
    let test = write(dir.path(), "test.csv", &three_classes(4, 15));
    reluscope()
        .args([
            "train",
            "--data",
            &train,
            "--train-fraction",
            "1",
            "--epochs",
            "1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("train.csv (60 train / 0 test)"))
        .stdout(predicate::str::contains("confusion matrix, train set"));
    reluscope()
        .args([
            "train",
            "--data",
            &train,
            "--test-data",
            &test,
            "--epochs",
            "1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("train.csv (60 train / 15 test)"));
    // --no-shuffle splits in file order: the first half trains.
    let out = reluscope()
        .args(["train", "--data", &train, "--no-shuffle", "--epochs", "1"])
        .args(["--format", "jsonl", "--batch-size", "0"])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn predict_round_trips_a_saved_model_on_its_training_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", &three_classes(4, 90));
    let model = dir.path().join("m.json");
    let out = reluscope()
        .args([
            "train",
            "--data",
            &data,
            "--train-fraction",
            "1",
            "--epochs",
            "40",
        ])
        .args(["--format", "jsonl", "--save"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(out.status.success());
    let trained = jsonl(&out.stdout).pop().unwrap()["train_accuracy"]
        .as_f64()
        .unwrap();
    let out = reluscope()
        .args([
            "predict",
            "--data",
            &data,
            "--format",
            "jsonl",
            "--activations",
            "--model",
        ])
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = jsonl(&out.stdout);
    assert_eq!(lines.len(), 91);
    let summary = lines.last().unwrap();
    assert_eq!(summary["accuracy"].as_f64().unwrap(), trained);
    let first = &lines[0];
    assert_eq!(first["probabilities"].as_array().unwrap().len(), 3);
    assert_eq!(first["fired"][0].as_array().unwrap().len(), 8);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("predicted 90 rows of"), "{stderr}");
    // CSV, and a file without the target column (columns found by name, in any order).
    let inputs_only: String = three_classes(4, 5)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{},{}\n", f[3], f[1], f[2], f[0])
        })
        .collect();
    let bare = write(dir.path(), "bare.csv", &inputs_only);
    reluscope()
        .args(["predict", "--data", &bare, "--model"])
        .arg(&model)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "row,class,p_high,p_low,p_mid\n1,",
        ));
}

#[test]
fn new_data_errors_name_the_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let wide: Vec<String> = (0..66).map(|i| format!("c{i}")).collect();
    let wide = write(dir.path(), "wide.csv", &(wide.join(",") + "\n"));
    fails_with(
        &["train", "--data", &wide],
        "wide.csv:1: the header has 66 columns, 65 inputs besides the target; use at most 64",
    );
    let one = write(dir.path(), "one.csv", "a,b,y\n1,2,cat\n3,4,cat\n");
    fails_with(
        &["train", "--data", &one],
        "one.csv:1: the target column 'y' has one class only ('cat')",
    );
    let flat = write(dir.path(), "flat.csv", "a,b,y\n1,2,0\n1,4,1\n1,5,0\n");
    fails_with(
        &["train", "--data", &flat, "--standardize"],
        "--standardize: column 'a' has the same value (1) in every training row",
    );
    let ok = write(dir.path(), "ok.csv", "a,b,y\n1,2,0\n3,4,1\n");
    fails_with(
        &["train", "--data", &ok, "--target", "z"],
        "ok.csv:1: --target 'z': no such column; the columns are a, b, y",
    );
    fails_with(
        &["train", "--data", &ok, "--task", "clasification"],
        "did you mean 'classification'",
    );
    fails_with(
        &["train", "--data", &ok, "--delimiter", "ab"],
        "--delimiter 'ab'",
    );
    let text = write(dir.path(), "text.csv", "a,b,y\n1,2,x\n3,4,y\n");
    fails_with(
        &["train", "--data", &text, "--task", "regression"],
        "text.csv:2:5: 'x' in target column 'y' is not a number, but --task regression",
    );
    let other = write(dir.path(), "other.csv", "a,c,y\n1,2,0\n");
    fails_with(
        &["train", "--data", &ok, "--test-data", &other],
        "other.csv:1: the test file's inputs ('a', 'c') differ from the training file's",
    );
    let unseen = write(dir.path(), "unseen.csv", "a,b,y\n1,2,7\n");
    fails_with(
        &["train", "--data", &ok, "--test-data", &unseen],
        "unseen.csv:2:5: class '7' does not occur in the training file",
    );
    fails_with(
        &["train", "--test-data", &ok],
        "--test-data applies to a data file",
    );
    fails_with(&["train", "--dataset", "irs"], "did you mean 'iris'");
    fails_with(
        &["train", "--dataset", "blobs", "--classes", "9"],
        "3 to 6 classes",
    );
    fails_with(&["train", "--train-fraction", "0.05"], "from 0.1 to 1");
    // predict: a model that reads columns the file lacks; a file that is not there.
    let model = dir.path().join("m.json");
    reluscope()
        .args(["train", "--dataset", "iris", "--epochs", "1", "--save"])
        .arg(&model)
        .assert()
        .success();
    let m = model.display().to_string();
    fails_with(
        &["predict", "--model", &m, "--data", &ok],
        "ok.csv:1: the model reads column 'sepal_length': no such column",
    );
    let rose = write(
        dir.path(),
        "rose.csv",
        "sepal_length,sepal_width,petal_length,petal_width,species\n5,3,1,0.2,rose\n",
    );
    fails_with(
        &["predict", "--model", &m, "--data", &rose],
        "rose.csv:2:11: class 'rose' does not occur in the model",
    );
    let twice = std::fs::read_to_string(&model)
        .unwrap()
        .replace("\"versicolor\"", "\"setosa\"");
    let twice = write(dir.path(), "twice.json", &twice);
    fails_with(
        &["predict", "--model", &twice, "--data", &rose],
        "'classes' names 'setosa' twice",
    );
    fails_with(
        &["predict", "--model", &m, "--data", "/nonexistent/x.csv"],
        "cannot read the data file",
    );
    fails_with(
        &["predict", "--model", "/nonexistent/m.json", "--data", &ok],
        "/nonexistent/m.json",
    );
}

/// A CRLF file's errors name the same line and column as the same file with LF endings.
#[test]
fn crlf_files_report_the_same_positions_as_lf() {
    let dir = tempfile::tempdir().unwrap();
    for (rows, want) in [
        (
            "a,b,y\n1,2,0\n3,4,1\n5,x,0\n",
            ":4:3: 'x' in column 'b' is not a number",
        ),
        (
            "a,b,y\n1,2,0\n3,4\n5,x,0\n",
            ":3:4: this row has 2 field(s)",
        ),
    ] {
        for (name, text) in [
            ("lf.csv", rows.to_string()),
            ("crlf.csv", rows.replace('\n', "\r\n")),
        ] {
            let path = write(dir.path(), name, &text);
            fails_with(&["train", "--data", &path], &format!("{name}{want}"));
        }
    }
}

/// `predict --format jsonl` on a regression model gives each row's error (the prediction minus
/// the target), as the CSV output does, and no right-or-wrong field.
#[test]
fn regression_predictions_in_jsonl_carry_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..40)
        .map(|i| format!("{},{},{}\n", i % 7, i % 5, f64::from(i) * 0.37))
        .collect();
    let data = write(dir.path(), "reg.csv", &format!("a,b,y\n{rows}"));
    let model = dir.path().join("m.json");
    reluscope()
        .args(["train", "--data", &data, "--epochs", "2", "--save"])
        .arg(&model)
        .assert()
        .success();
    let out = reluscope()
        .args(["predict", "--format", "jsonl", "--data", &data, "--model"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let lines = jsonl(&out.stdout);
    let first = lines
        .iter()
        .find(|l| l["type"] == "prediction")
        .expect("a prediction line");
    assert!(first.get("correct").is_none(), "{first}");
    let (value, target) = (
        first["value"].as_f64().unwrap(),
        first["target"].as_f64().unwrap(),
    );
    assert_eq!(first["error"].as_f64().unwrap(), value - target, "{first}");
}

/// `--standardize` is a switch: its help says so, and how a config file turns it off.
#[test]
fn the_standardize_flag_says_it_is_a_switch() {
    let out = reluscope().args(["train", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("kept in the model). The flag turns it on"),
        "{help}"
    );
}

/// A model of a two-column table keeps the column names, loads back on that table, and a
/// `--standardize` it cannot honour is refused, not ignored.
#[test]
fn two_column_models_keep_their_names_and_standardize_is_never_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "two.csv",
        "f1,f2,y\n1,2,0\n3,4,1\n5,1,0\n2,2,1\n",
    );
    let model = dir.path().join("m.json");
    reluscope()
        .args(["train", "--data", &data, "--epochs", "1", "--save"])
        .arg(&model)
        .assert()
        .success();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["inputs"], serde_json::json!(["f1", "f2"]), "{saved}");
    assert_eq!(saved["columns"], serde_json::json!(["f1", "f2"]), "{saved}");
    let m = model.display().to_string();
    reluscope()
        .args(["train", "--data", &data, "--epochs", "1", "--model", &m])
        .assert()
        .success();
    fails_with(
        &[
            "train",
            "--data",
            &data,
            "--epochs",
            "1",
            "--model",
            &m,
            "--standardize",
        ],
        "the model has no input transform",
    );
}

/// Raw columns far from the unit scale get a hint that `--standardize` exists; standardized
/// or unit-scale data get none.
#[test]
fn raw_columns_far_from_the_unit_scale_get_a_standardize_hint() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..60)
        .map(|i| format!("{},{},{}\n", 10 + i % 21, f64::from(i % 7) / 7.0, i % 2))
        .collect();
    let raw = write(dir.path(), "raw.csv", &format!("a,b,y\n{rows}"));
    let hint = "column 'a' spans 10 to 30";
    reluscope()
        .args(["train", "--data", &raw, "--epochs", "1"])
        .assert()
        .success()
        .stderr(predicate::str::contains(hint).and(predicate::str::contains("--standardize")));
    reluscope()
        .args(["train", "--data", &raw, "--epochs", "1", "--standardize"])
        .assert()
        .success()
        .stderr(predicate::str::contains(hint).not());
}
