//! `reluscope experiment` through the real binary: table and CSV output, and every bad-input
//! path (message on stderr, exit code 2).

use assert_cmd::Command;

mod common;

fn experiment(sub: &str) -> Command {
    let mut c = common::reluscope();
    c.args(["experiment", sub]);
    c
}

fn fails_with(sub: &str, args: &[&str], want: &str) {
    common::fails_with(&[&["experiment", sub], args].concat(), want);
}

#[test]
fn born_dead_prints_a_table() {
    let out = experiment("born-dead")
        .args(["--width", "2,3", "--depth", "1..3", "--trials", "200"])
        .args(["--points", "32"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("he-normal weights, zero biases, 2 inputs, 200 trials"));
    assert!(text.contains("32 evenly spaced directions"), "{text}");
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w == "2" || w == "3")
        })
        .collect();
    assert_eq!(rows.len(), 6, "{text}");
    // Width 2, depth 1: the closed form is exactly 1 − 3/4.
    assert!(rows[0].trim_end().ends_with("0.2500"), "{}", rows[0]);
}

#[test]
fn born_dead_csv_parses() {
    let out = experiment("born-dead")
        .args(["--width", "4", "--depth", "2,4", "--trials", "100", "--csv"])
        .args(["--init", "rai", "--bias-init", "scheme", "--points", "100"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("width,depth,trials,inputs,init,bias_init,born_dead,"));
    for (line, depth) in lines[1..].iter().zip(["2", "4"]) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(&f[..6], &["4", depth, "100", "2", "rai", "scheme"]);
        let nums: Vec<f64> = f[6..].iter().map(|x| x.parse().unwrap()).collect();
        assert!(nums.iter().all(|x| (0.0..=1.0).contains(x)), "{line}");
        // estimate inside its interval
        assert!(nums[1] <= nums[0] && nums[0] <= nums[2], "{line}");
    }
}

#[test]
fn born_dead_is_reproducible() {
    let run = || {
        experiment("born-dead")
            .args([
                "--width", "3", "--depth", "5", "--trials", "300", "--seed", "11",
            ])
            .args(["--points", "24", "--csv"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run(), run());
}

#[test]
fn born_dead_bad_input_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--width", "0"], "--width 0 is out of range"),
        (&["--width", "4,x"], "--width: 'x' is not a whole number"),
        (
            &["--depth", "3..1"],
            "--depth: range '3..1' ends before it starts",
        ),
        (&["--depth", ""], "--depth: '' is not a whole number"),
        (&["--trials", "0"], "--trials 0 is out of range"),
        (&["--trials", "-5"], "'-5'"),
        (&["--inputs", "0"], "--inputs 0 is out of range"),
        (&["--points", "0"], "--points 0 is out of range"),
        (&["--init", "he-normla"], "did you mean 'he-normal'"),
        (
            &["--bias-init", "nan"],
            "--bias-init: invalid bias init 'nan'",
        ),
        (&["--init", "x"], "--init: unknown init 'x'"),
    ];
    for (args, want) in cases {
        fails_with("born-dead", args, want);
    }
}

#[test]
fn born_dead_text_is_ascii_in_a_non_utf8_locale() {
    let out = experiment("born-dead")
        .args(["--trials", "20", "--points", "8", "--bias-init", "0.5"])
        .env("LC_ALL", "C")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.is_ascii(), "{text}");
    assert!(
        text.contains("1 - (1 - 2^-N)^L") && text.contains("a 2x2 grid"),
        "{text}"
    );
}

/// Long experiments show a progress bar with an ETA on a terminal's stderr, and nothing on a
/// pipe.
#[test]
fn a_progress_bar_on_a_terminal_only() {
    let args = [
        "experiment",
        "born-dead",
        "--width",
        "2,4",
        "--depth",
        "1..12",
        "--trials",
        "4000",
    ];
    let shown = common::run_in_pty(&args, &[("LANG", "C.UTF-8")]);
    assert!(
        shown.contains("born dead [") && shown.contains("ETA"),
        "{shown}"
    );
    let piped = common::reluscope().args(args).output().unwrap();
    assert!(piped.status.success());
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("ETA"));
}
