//! `reluscope eval` and `reluscope plot` run as real processes: output and exit codes.

use predicates::prelude::*;

mod common;

use common::reluscope;

#[test]
fn eval_range_prints_csv_in_shortest_round_trip_form() {
    let out = reluscope()
        .args(["eval", "relu", "--range", "-1:1:0.5"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "x,value,derivative\n-1,0,0\n-0.5,0,0\n0,0,0\n0.5,0.5,1\n1,1,1\n"
    );
}

#[test]
fn eval_range_includes_the_end_despite_rounding() {
    let out = reluscope()
        .args(["eval", "linear", "--range", "-2:2:0.1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 41);
    assert!(text.lines().last().unwrap().starts_with("2,"), "{text}");
}

/// A grid point meant to be 0 is 0, so the kink gets its convention (relu'(0) = 0) and not
/// the slope beside it: -0.3 + 3 × 0.1 is 5.6e-17 in floating point.
#[test]
fn eval_range_hits_the_kink_and_the_end_exactly() {
    let rows = |range: &str| {
        let out = reluscope()
            .args(["eval", "relu", "--range", range])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        rows("-0.3:0:0.1").ends_with("\n0,0,0\n"),
        "{}",
        rows("-0.3:0:0.1")
    );
    let text = rows("-0.7:0.3:0.1");
    assert!(text.contains("\n0,0,0\n"), "{text}");
    assert!(text.ends_with("\n0.3,0.3,1\n"), "{text}");
}

#[test]
fn eval_points_with_parameters() {
    reluscope()
        .args(["eval", "leaky-relu:slope=0.2", "--points", "-1,0,2"])
        .assert()
        .success()
        .stdout("x,value,derivative\n-1,-0.2,0.2\n0,0,0.2\n2,2,1\n");
    reluscope()
        .args(["eval", "gelu", "--points", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1,0.84134474606854"));
}

#[test]
fn eval_bad_input_exits_2_with_a_clear_message() {
    let cases: [(&[&str], &str); 9] = [
        (&["eval", "relu", "--range", "0:1:0"], "STEP must be > 0"),
        (
            &["eval", "relu", "--range", "-1e308:1e308:1e-308"],
            "gives more than 1000000 points; at most 1000000",
        ),
        (&["eval", "relu", "--range", "0:1:-1"], "STEP must be > 0"),
        (
            &["eval", "relu", "--range", "0:10:0.000001"],
            "at most 1000000",
        ),
        (&["eval", "relu", "--range", "0:1"], "START:END:STEP"),
        (
            &["eval", "relu", "--points", "1,abc"],
            "'abc' is not a number",
        ),
        (
            &["eval", "relu", "--points", "1,inf"],
            "not a finite number",
        ),
        (&["eval", "rleu", "--points", "1"], "did you mean 'relu'"),
        (&["eval", "relu"], "--range START:END:STEP"),
    ];
    for (args, message) in cases {
        reluscope()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn plot_draws_braille_with_the_flat_half_and_a_legend() {
    let out = reluscope()
        .args(["plot", "relu", "--size", "40x10"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // No colour when stdout is not a terminal.
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)));
    let lines: Vec<&str> = text.lines().collect();
    // 10 chart rows, the x-axis labels, the legend.
    assert_eq!(lines.len(), 12, "{text}");
    assert!(
        lines[0].ends_with("10.5"),
        "y max with margin: {}",
        lines[0]
    );
    assert!(
        lines[9].ends_with(" 0.0"),
        "y axis includes 0: {}",
        lines[9]
    );
    assert!(lines[10].starts_with("-5.0") && lines[10].ends_with("10.0"));
    assert_eq!(lines[11], "─── relu");
    // The flat half: the bottom row is drawn across the left third.
    let bottom: Vec<char> = lines[9].chars().take(12).collect();
    assert!(bottom.iter().all(|c| *c != '\u{2800}'), "{}", lines[9]);
}

#[test]
fn plot_derivative_and_comparisons() {
    reluscope()
        .args([
            "plot",
            "relu",
            "--derivative",
            "--compare",
            "sigmoid",
            "--compare",
            "tanh",
            "--range",
            "-3:3",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "─── relu'   ··· sigmoid'   ··· tanh'",
        ))
        .stdout(predicate::str::contains("-3.0"));
}

/// A size the chart cannot be drawn at is refused, not silently clamped (1x1 used to print a
/// 16x3 chart, 5000x5000 a 1000x500 one); the limits themselves draw.
#[test]
fn plot_refuses_sizes_it_cannot_draw_and_bad_ones() {
    for (size, lines) in [("16x3", 3 + 2), ("1000x500", 500 + 2)] {
        let out = reluscope()
            .args(["plot", "tanh", "--size", size])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), lines);
    }
    for (args, msg) in [
        (["plot", "relu", "--size", "80"], "COLSxROWS"),
        (
            ["plot", "relu", "--size", "0x5"],
            "--size '0x5': a chart needs at least 16x3",
        ),
        (
            ["plot", "relu", "--size", "1x1"],
            "--size '1x1': a chart needs at least 16x3",
        ),
        (
            ["plot", "relu", "--size", "1001x20"],
            "--size '1001x20': a chart is at most 1000x500",
        ),
        (
            ["plot", "relu", "--size", "80x99999999999"],
            "a chart is at most 1000x500",
        ),
        (
            ["plot", "relu", "--range", "5:1"],
            "--range '5:1': END must be greater",
        ),
        (
            ["plot", "relu", "--range", "a:1"],
            "--range: 'a' is not a number",
        ),
        (
            ["plot", "relu", "--compare", "sigmod"],
            "did you mean 'sigmoid'",
        ),
    ] {
        reluscope()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(msg));
    }
}

#[test]
fn help_and_version_work() {
    reluscope()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("reluscope "));
    for sub in ["eval", "plot", "train", "experiment"] {
        reluscope().args([sub, "--help"]).assert().success();
    }
    reluscope()
        .args(["eval", "--bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--bogus"));
}

/// The chart is drawn in f32: ranges it cannot resolve are refused rather than drawn empty
/// with `inf` or `0.0 … 0.0` on the axis.
#[test]
fn plot_refuses_ranges_it_cannot_draw() {
    for (range, msg) in [
        ("-1e308:1e308", "goes beyond ±1e6"),
        ("1e300:1e308", "goes beyond ±1e6"),
        ("0:1e-300", "is too narrow"),
        ("100000:100000.001", "is too narrow"),
    ] {
        reluscope()
            .args(["plot", "relu", "--range", range])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("--range '{range}' {msg}")));
    }
    let out = reluscope()
        .args(["plot", "relu", "--range=-1e6:1e6", "--size", "20x4"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("inf") && text.contains("1000000"), "{text}");
}

/// `--config` and `--scenario` are global flags; where they do nothing, a note says so.
#[test]
fn settings_flags_on_commands_without_settings_get_a_note() {
    reluscope()
        .args(["--config", "nowhere.toml", "eval", "relu", "--points", "1"])
        .assert()
        .success()
        .stdout("x,value,derivative\n1,1,1\n")
        .stderr(
            "reluscope: note: eval takes no settings; --config is ignored (it applies to the \
             explorer, train and experiment sweep)\n",
        );
    reluscope()
        .args(["plot", "relu", "--scenario", "relu-basics"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "plot takes no settings; --scenario is ignored",
        ));
    reluscope()
        .args(["eval", "relu", "--points", "1"])
        .assert()
        .success()
        .stderr("");
}

/// Outside a UTF-8 locale the chart is ASCII: each braille cell becomes one character at the
/// height of its dots, and the legend marks are dashes and dots.
#[test]
fn plot_is_ascii_in_a_non_utf8_locale() {
    let out = reluscope()
        .env("LC_ALL", "C")
        .args(["plot", "relu", "--size", "40x10"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.is_ascii(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 12, "{text}");
    assert_eq!(lines[11], "--- relu");
    assert!(
        lines[0].ends_with("10.5") && lines[9].ends_with(" 0.0"),
        "{text}"
    );
    // ReLU's flat half still shows along the bottom row, its ramp climbs to the top right.
    assert!(lines[9].chars().take(12).all(|c| c != ' '), "{text}");
    assert!(
        lines[0]
            .trim_end_matches(" 10.5")
            .ends_with(['.', '_', '-', '\'', '|']),
        "{text}"
    );
}

/// Colour on a terminal, none with NO_COLOR set (no-color.org).
#[test]
fn plot_colours_a_terminal_unless_no_color() {
    let args = ["plot", "relu", "--compare", "tanh", "--size", "20x4"];
    let coloured = common::run_in_pty(&args, &[("LANG", "C.UTF-8")]);
    assert!(
        coloured.contains("\x1b[38;2;80;160;255m─── relu\x1b[0m"),
        "{coloured}"
    );
    let plain = common::run_in_pty(&args, &[("LANG", "C.UTF-8"), ("NO_COLOR", "1")]);
    assert!(
        !plain.contains('\x1b') && plain.contains("─── relu"),
        "{plain}"
    );
}
