//! One module per subcommand: each turns parsed arguments into output.

pub mod data;
pub mod eval;
pub mod experiment;
pub mod plot;
pub mod train;

use std::io::{self, BufWriter, Write};

use anyhow::Result;

use crate::error::input_error;

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
            "--range '{spec}' is not {form} (e.g. --range {example})"
        )));
    }
    let mut nums = Vec::with_capacity(3);
    for part in &parts {
        nums.push(parse_number(part, "--range")?);
    }
    if !with_step && nums[1] <= nums[0] {
        return Err(input_error(format!(
            "--range '{spec}': END must be greater than START (e.g. --range {example})"
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
pub fn parse_number(text: &str, what: &str) -> Result<f64> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(input_error(format!("{what}: '{t}' is not a finite number"))),
        Err(_) => Err(input_error(format!(
            "{what}: '{t}' is not a number (e.g. -1.5)"
        ))),
    }
}

/// Writes to a buffered stdout; a closed pipe (`| head`) ends the output quietly.
pub fn write_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
