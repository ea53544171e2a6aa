//! `reluscope plot`: an activation (or its derivative) as a braille chart on stdout.

use std::io::IsTerminal;

use anyhow::Result;

use super::{parse_range, write_stdout};
use crate::activation::Activation;
use crate::chart::{Curve, Output, render};
use crate::cli::PlotArgs;
use crate::error::input_error;
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
            "--range '{spec}' goes beyond ±1e6; pick START and END within -1e6..1e6"
        )));
    }
    if xmax - xmin < 1e-6_f64.max(1e-4 * magnitude) {
        return Err(input_error(format!(
            "--range '{spec}' is too narrow to draw at this magnitude; widen it (END − START \
             at least 1e-6 and at least 1e-4 × the larger of |START| and |END|)"
        )));
    }
    Ok(())
}

/// Parses `COLSxROWS`, e.g. `80x20`.
fn parse_size(spec: &str) -> Result<(u32, u32)> {
    let bad = || {
        input_error(format!(
            "--size '{spec}' is not COLSxROWS (e.g. --size 80x20)"
        ))
    };
    let (c, r) = spec
        .to_ascii_lowercase()
        .split_once('x')
        .map(|(c, r)| (c.trim().to_string(), r.trim().to_string()))
        .ok_or_else(bad)?;
    let cols: u32 = c.parse().map_err(|_| bad())?;
    let rows: u32 = r.parse().map_err(|_| bad())?;
    if cols == 0 || rows == 0 {
        return Err(input_error(format!(
            "--size '{spec}': COLS and ROWS must be at least 1 (e.g. --size 80x20)"
        )));
    }
    Ok((cols, rows))
}
