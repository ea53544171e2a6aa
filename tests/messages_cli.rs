//! Messages through the real binary stay short and exact: long values are quoted short, huge
//! numbers print in scientific form, lost output to stdout is an error naming stdout, CSV
//! files with another separator get a hint, and model files may start with a byte-order mark.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

fn reluscope() -> Command {
    let mut c = Command::cargo_bin("reluscope").unwrap();
    c.env_remove("NO_COLOR").env("LC_ALL", "C.UTF-8");
    c
}

/// Runs with `args`, expects exit code 2, and returns stderr.
fn stderr_of_failure(args: &[&str]) -> String {
    let out = reluscope().args(args).assert().code(2).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A 100,000-character field, header or spec used to be echoed whole.
#[test]
fn long_values_are_quoted_short() {
    let long = "9".repeat(50_000) + &"z".repeat(50_000);
    let dir = tempfile::tempdir().unwrap();
    let field = write(dir.path(), "field.csv", &format!("a,b,y\n1,{long},0\n"));
    let header = write(dir.path(), "header.csv", &format!("a,{long},y\n1,x,0\n"));
    for args in [
        vec!["train", "--data", &field],
        vec!["train", "--data", &header],
        vec!["eval", &long, "--points", "1"],
        vec!["eval", &format!("leaky-relu:slope={long}"), "--points", "1"],
        vec!["eval", "relu", "--points", &long],
        vec!["plot", "relu", "--range", &long],
        vec!["train", "--dataset", &long],
        vec!["train", "--regression-output", &long],
    ] {
        let err = stderr_of_failure(&args);
        assert!(err.len() < 700, "{} bytes: {err}", err.len());
        assert!(err.contains("…' (100000 characters)"), "{err}");
    }
}

#[test]
fn huge_numbers_print_in_scientific_form() {
    let err = stderr_of_failure(&["eval", "leaky-relu:slope=1e308", "--points", "1"]);
    assert!(
        err.contains("leaky-relu: slope=1e308 is out of range; it must be >= 0 and <= 1"),
        "{err}"
    );
    let err = stderr_of_failure(&["eval", "relu", "--range", "0:1e300:1"]);
    assert!(err.contains("gives 1e300 points; at most 1000000"), "{err}");
    let err = stderr_of_failure(&["eval", "hard-tanh:min=1e-300,max=1e-301", "--points", "1"]);
    assert!(err.contains("got min=1e-300, max=1e-301"), "{err}");
}

#[test]
fn nan_is_not_a_number() {
    let err = stderr_of_failure(&["eval", "relu", "--points", "NaN"]);
    assert!(err.contains("--points: 'NaN' is not a number"), "{err}");
}

/// `--help > /dev/full` and `eval … > /dev/full` lose their output: exit 2, naming stdout.
#[test]
fn a_full_stdout_is_an_error_naming_stdout() {
    let Ok(full) = std::fs::File::create("/dev/full") else {
        return; // no /dev/full on this system
    };
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["eval", "relu", "--points", "1"],
        vec!["plot", "relu"],
        vec!["--print-default-config"],
    ] {
        let out = Process::new(env!("CARGO_BIN_EXE_reluscope"))
            .args(&args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("cannot write to stdout: No space left on device"),
            "{args:?}: {err}"
        );
    }
}

/// With stdout closed (`>&-`) the output used to vanish with exit code 0; `> /dev/null` is a
/// choice and still succeeds.
#[test]
fn a_closed_stdout_is_an_error_naming_stdout() {
    let bin = env!("CARGO_BIN_EXE_reluscope");
    for args in ["eval relu --points 1", "--help", "train --steps 1"] {
        let out = Process::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" {args} >&-"))
            .arg(bin)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("cannot write to stdout: it is closed"),
            "{args}: {err}"
        );
        let out = Process::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" {args} >/dev/null"))
            .arg(bin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args} > /dev/null");
        // /dev/null opened read-write (Python's subprocess.DEVNULL) is discarded output too.
        let out = Process::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" {args} 1<>/dev/null"))
            .arg(bin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args} 1<>/dev/null: {out:?}");
    }
}

/// A training run started with its stdout discarded read-write still does its work.
#[test]
fn a_read_write_dev_null_stdout_still_saves_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let out = Process::new("sh")
        .arg("-c")
        .arg("exec \"$0\" train --epochs 2 --save \"$1\" 1<>/dev/null")
        .arg(env!("CARGO_BIN_EXE_reluscope"))
        .arg(&model)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(model.exists(), "the model was written");
}

#[test]
fn semicolon_and_tab_separated_files_get_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let semi = write(dir.path(), "semi.csv", "a;b;y\n1;2;0\n");
    let err = stderr_of_failure(&["train", "--data", &semi]);
    assert!(
        err.contains("semi.csv:1: the header has 1 column(s)")
            && err.contains("separated by semicolons: use --delimiter ';'"),
        "{err}"
    );
    let tabs = write(dir.path(), "tabs.csv", "a\tb\ty\n1\t2\t0\n");
    let err = stderr_of_failure(&["train", "--data", &tabs]);
    assert!(err.contains("separated by tabs"), "{err}");
}

/// A regression target whose square overflows used to give `inf` test loss every epoch.
#[test]
fn a_target_whose_square_overflows_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "t.csv", "a,b,y\n0,0,0.5\n1,1,1e308\n");
    let err = stderr_of_failure(&["train", "--data", &f, "--steps", "1"]);
    assert!(
        err.contains(
            "t.csv:3:5: '1e308' in column 'y' is too large; targets must be within ±1e150"
        ),
        "{err}"
    );
}

/// CSV and TOML files may start with a UTF-8 byte-order mark (as Windows editors write them);
/// so may model files.
#[test]
fn a_model_file_with_a_byte_order_mark_loads() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    reluscope()
        .args(["train", "--steps", "1", "--save"])
        .arg(&model)
        .assert()
        .success();
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(&model, format!("\u{feff}{text}")).unwrap();
    reluscope()
        .args(["train", "--steps", "1", "--model"])
        .arg(&model)
        .assert()
        .success();
}

/// The `--save` error names the path once (it used to say "saving the model to P: P: …").
#[test]
fn the_save_error_names_the_path_once() {
    let err = stderr_of_failure(&["train", "--steps", "1", "--save", "/proc/self/m.json"]);
    assert_eq!(err.matches("/proc/self/m.json").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Values from flags, files and headers never reach the terminal raw or in full: control bytes
/// are escaped and a long value is cut, whichever message carries them.
#[test]
fn messages_escape_control_bytes_and_stay_short() {
    let evil = "\u{1b}]0;PWNED\u{7}\u{1b}[2J";
    let long = "x".repeat(100_000);
    for args in [
        vec!["--scenario", evil],
        vec!["train", "--features", evil],
        vec!["train", "--init", evil],
        vec!["train", "--optimizer", evil],
        vec!["train", "--features", long.as_str()],
        vec!["train", "--optimizer", long.as_str()],
        vec!["train", "--state", long.as_str()],
        vec!["--theme", long.as_str()],
    ] {
        let out = Command::cargo_bin("reluscope")
            .unwrap()
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{args:?}: {err}"
        );
        assert!(err.len() < 4000, "{args:?}: {} bytes", err.len());
    }
}
