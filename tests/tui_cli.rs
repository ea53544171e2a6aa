//! The explorer's bad-input paths: clear messages and exit code 2, before the terminal is
//! touched.

use predicates::str::contains;

mod common;
use common::reluscope;

#[test]
fn fps_out_of_range() {
    reluscope()
        .args(["--fps", "0"])
        .assert()
        .code(2)
        .stderr(contains("--fps 0 is out of range; use 1 to 60"));
}

#[test]
fn needs_a_terminal() {
    reluscope()
        .assert()
        .code(2)
        .stderr(contains("needs an interactive terminal"));
}

#[test]
fn bad_colour_choice() {
    reluscope()
        .args(["--color", "pink"])
        .assert()
        .code(2)
        .stderr(contains(
            "--color is 'pink', not a colour mode; use one of auto, never, 16, 256, truecolor",
        ));
}
