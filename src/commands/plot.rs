//! `reluscope plot`: an activation (or its derivative) as a braille chart on stdout.

use std::io::IsTerminal;

use anyhow::Result;

use super::{parse_range, write_stdout};
use crate::activation::Activation;
use crate::cli::PlotArgs;
use crate::error::input_error;
use crate::output_caps::{no_color, process_env};
use crate::plot::{Curve, render};

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
    let (cols, rows) = parse_size(&args.size)?;
    let color = std::io::stdout().is_terminal() && !no_color(process_env);
    let chart = render(&curves, xmin, xmax, cols, rows, color);
    write_stdout(|out| out.write_all(chart.as_bytes()))
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
        return Err(bad());
    }
    Ok((cols, rows))
}
