//! `reluscope plot`: an activation (or its derivative) as a braille chart on stdout.

use std::io::IsTerminal;

use anyhow::Result;

use super::{parse_range, write_stdout};
use crate::activation::Activation;
use crate::chart::{Curve, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, Output, render};
use crate::cli::PlotArgs;
use crate::error::input_error;
use crate::message::quote;
use crate::output_caps::{locale_is_utf8, no_color, process_env};

pub fn run(args: &PlotArgs) -> Result<()> {
    let mut curves = vec![Curve {
        activation: args.spec.parse()?,
        derivative: args.derivative,
    }];
    for spec in &args.compare {
        curves.push(Curve {
            activation: spec.parse::<Activation>()?,
            derivative: args.derivative,
        });
    }
    let (xmin, xmax, _) = parse_range(&args.range, false)?;
    check_plot_range(xmin, xmax, &args.range)?;
    let (cols, rows) = parse_size(&args.size)?;
    let output = Output {
        color: std::io::stdout().is_terminal() && !no_color(process_env),
        unicode: locale_is_utf8(process_env),
    };
    let chart = render(&curves, xmin, xmax, cols, rows, output);
    write_stdout(|out| out.write_all(chart.as_bytes()))
}

/// Largest |x| a chart spans, as the explorer's x range.
const MAX_ABS_X: f64 = 1e6;

/// textplots computes in f32, so a range beyond ±1e6 or narrower than f32 can resolve at its
/// magnitude would draw an empty chart labelled `inf` or `0.0 … 0.0`; refuse it instead.
fn check_plot_range(xmin: f64, xmax: f64, spec: &str) -> Result<()> {
    let magnitude = xmin.abs().max(xmax.abs());
    if magnitude > MAX_ABS_X {
        return Err(input_error(format!(
            "--range {} goes beyond ±1e6; pick START and END within -1e6..1e6",
            quote(spec)
        )));
    }
    if xmax - xmin < 1e-6_f64.max(1e-4 * magnitude) {
        return Err(input_error(format!(
            "--range {} is too narrow to draw at this magnitude; widen it (END − START at \
             least 1e-6 and at least 1e-4 × the larger of |START| and |END|)",
            quote(spec)
        )));
    }
    Ok(())
}

/// Parses `COLSxROWS`, e.g. `80x20`, within the sizes a chart can be drawn at (16x3 to
/// 1000x500): a size outside is refused, not silently clamped.
fn parse_size(spec: &str) -> Result<(u32, u32)> {
    let bad = || {
        input_error(format!(
            "--size {} is not COLSxROWS (e.g. --size 80x20)",
            quote(spec)
        ))
    };
    let (c, r) = spec
        .to_ascii_lowercase()
        .split_once('x')
        .map(|(c, r)| (c.trim().to_string(), r.trim().to_string()))
        .ok_or_else(bad)?;
    // Digits beyond u32 are still a size, just far too large.
    let number = |t: &str| {
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(t.parse::<u32>().unwrap_or(u32::MAX))
        } else {
            Err(bad())
        }
    };
    let (cols, rows) = (number(&c)?, number(&r)?);
    if cols < MIN_COLS || rows < MIN_ROWS {
        return Err(input_error(format!(
            "--size {}: a chart needs at least {MIN_COLS}x{MIN_ROWS} (e.g. --size 80x20)",
            quote(spec)
        )));
    }
    if cols > MAX_COLS || rows > MAX_ROWS {
        return Err(input_error(format!(
            "--size {}: a chart is at most {MAX_COLS}x{MAX_ROWS} (e.g. --size 80x20)",
            quote(spec)
        )));
    }
    Ok((cols, rows))
}
