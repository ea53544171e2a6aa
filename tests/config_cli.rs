//! The real binary: config errors exit with code 2 and a located message before anything
//! else happens, and `--print-default-config` prints the embedded file verbatim.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(path)
}

/// The binary with no user config and no RELUSCOPE_* variables from the caller's environment.
fn reluscope(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("reluscope").unwrap();
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RELUSCOPE_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("XDG_CONFIG_HOME", home).env("HOME", home);
    cmd
}

#[test]
fn print_default_config_prints_the_embedded_file() {
    let home = tempfile::tempdir().unwrap();
    let out = reluscope(home.path())
        .arg("--print-default-config")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        reluscope::settings::DEFAULT_CONFIG
    );
}

#[test]
fn every_invalid_fixture_exits_2_with_its_location() {
    let home = tempfile::tempdir().unwrap();
    for (name, line_col, what) in [
        ("syntax.toml", "3:14", "TOML syntax error"),
        ("unknown-key.toml", "2:1", "unknown key `learning_rate`"),
        ("wrong-type.toml", "2:6", "`lr` must be a number"),
        (
            "out-of-range.toml",
            "2:9",
            "`noise` is a noise level in percent",
        ),
        ("unknown-action.toml", "3:1", "unknown action `toggle_paws`"),
        (
            "bad-key.toml",
            "2:14",
            "key for `quit`: 'ctrl+q' is not a key",
        ),
        ("key-conflict.toml", "3:9", "key 'y' is bound to both"),
        ("unknown-theme.toml", "2:9", "unknown theme 'solarized'"),
    ] {
        let path = fixture(&format!("invalid/{name}"));
        let expected = format!("reluscope: {}:{line_col}: {what}", path.display());
        reluscope(home.path())
            .arg("--config")
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(expected));
    }
}

#[test]
fn the_user_config_at_the_default_location_is_read() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("reluscope");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[train]\nlr = -0.5\n").unwrap();
    let path = dir.join("config.toml");
    reluscope(home.path())
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(format!(
            "reluscope: {}:2:6: `lr` must be at least 0",
            path.display()
        )));
}

#[test]
fn bad_environment_flags_and_names_exit_2() {
    let home = tempfile::tempdir().unwrap();
    reluscope(home.path())
        .env("RELUSCOPE_ACTIVATION", "relu:slope=2")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "reluscope: environment variable RELUSCOPE_ACTIVATION: `activation`:",
        ));
    reluscope(home.path())
        .args(["--theme", "colourblind-safe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--theme: unknown theme 'colourblind-safe'; did you mean `colorblind-safe`?",
        ));
    reluscope(home.path())
        .args(["--scenario", "dying"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--scenario: unknown scenario 'dying'",
        ));
    reluscope(home.path())
        .args(["--config", "/nonexistent/reluscope.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "reluscope: --config: cannot read config file /nonexistent/reluscope.toml",
        ));
}

#[test]
fn the_printed_default_config_loads_back_through_the_binary() {
    let home = tempfile::tempdir().unwrap();
    let printed = reluscope(home.path())
        .arg("--print-default-config")
        .output()
        .unwrap()
        .stdout;
    let path = home.path().join("printed.toml");
    std::fs::write(&path, printed).unwrap();
    // The file is accepted: the run gets as far as asking for a terminal, which a test has
    // not (config errors would have come first).
    reluscope(home.path())
        .arg("--config")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs an interactive terminal"));
}

#[test]
fn a_config_that_is_not_a_regular_file_is_refused_at_once() {
    // /dev/zero used to be read until memory ran out; a directory is named too.
    let home = tempfile::tempdir().unwrap();
    for (path, kind) in [("/dev/zero", "a character device"), ("/tmp", "a directory")] {
        reluscope(home.path())
            .args(["--config", path, "train", "--steps", "1"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "--config: config file {path} is {kind}, not a regular file"
            )));
    }
}
