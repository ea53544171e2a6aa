//! One module per subcommand: each turns parsed arguments into output.

pub mod data;
pub mod eval;
pub mod experiment;
pub mod history;
pub mod merge;
pub mod plot;
pub mod predict;
pub mod progress_bar;
pub mod screenshot;
pub mod train;

use std::io::{self, BufWriter, Write};

use anyhow::Result;

use crate::error::{OutputError, input_error};
use crate::message::quote;

/// Parses `START:END` or, with `with_step`, `START:END:STEP`.
pub fn parse_range(spec: &str, with_step: bool) -> Result<(f64, f64, Option<f64>)> {
    let example = if with_step { "-2:2:0.5" } else { "-5:10" };
    let form = if with_step {
        "START:END:STEP"
    } else {
        "START:END"
    };
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() != if with_step { 3 } else { 2 } {
        return Err(input_error(format!(
            "--range {} is not {form} (e.g. --range {example})",
            quote(spec)
        )));
    }
    let mut nums = Vec::with_capacity(3);
    for part in &parts {
        nums.push(parse_number(part, "--range")?);
    }
    if !with_step && nums[1] <= nums[0] {
        return Err(input_error(format!(
            "--range {}: END must be greater than START (e.g. --range {example})",
            quote(spec)
        )));
    }
    Ok((nums[0], nums[1], nums.get(2).copied()))
}

/// Parses a comma-separated list of finite numbers.
pub fn parse_points(spec: &str) -> Result<Vec<f64>> {
    let xs: Vec<f64> = spec
        .split(',')
        .map(|p| parse_number(p, "--points"))
        .collect::<Result<_>>()?;
    if xs.len() > eval::MAX_POINTS {
        return Err(input_error(format!(
            "--points has {} values; at most {} are allowed",
            xs.len(),
            eval::MAX_POINTS
        )));
    }
    Ok(xs)
}

/// Parses one finite number, naming the option it came from in the error.
fn parse_number(text: &str, what: &str) -> Result<f64> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_nan() => Err(input_error(format!(
            "{what}: {} is not a number (e.g. -1.5)",
            quote(t)
        ))),
        Ok(_) => Err(input_error(format!(
            "{what}: {} is not a finite number",
            quote(t)
        ))),
        Err(_) => Err(input_error(format!(
            "{what}: {} is not a number (e.g. -1.5)",
            quote(t)
        ))),
    }
}

/// Writes to a buffered stdout. A closed pipe (`| head`) ends the output quietly; any other
/// failure (a full disk, `> /dev/full`, a stdout closed with `>&-`) is an [`OutputError`]
/// naming stdout, so the lost output shows in the exit code (2).
pub fn write_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if stdout_closed() {
        return Err(stdout_closed_error());
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(stdout_error(&e)),
        Ok(()) => Ok(()),
    }
}

/// The error for a failed write to stdout.
pub fn stdout_error(e: &io::Error) -> anyhow::Error {
    OutputError(format!("cannot write to stdout: {e}")).into()
}

/// The error for a stdout that was closed when reluscope started.
pub fn stdout_closed_error() -> anyhow::Error {
    OutputError("cannot write to stdout: it is closed (started with >&-?)".into()).into()
}

/// Set before `main` by the binary when descriptor 1 was closed at exec (`>&-`): Rust's runtime
/// then puts /dev/null on it, so writes would succeed and the output vanish. It cannot be told
/// afterwards from a /dev/null the caller opened on purpose (Python's `subprocess.DEVNULL`,
/// `1<>/dev/null`, read-write like the runtime's), so it is looked at before the runtime starts.
pub static STDOUT_CLOSED_AT_START: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Whether stdout was closed when the process started (`reluscope eval … >&-`). Discarded
/// output (`> /dev/null` in any mode) is not closed: writing to it succeeds.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed)
}
