//! `reluscope eval`: an activation's value and derivative at chosen points, as CSV.

use anyhow::Result;

use super::{parse_points, parse_range, write_stdout};
use crate::activation::Activation;
use crate::cli::EvalArgs;
use crate::error::input_error;
use crate::message::{number, quote};

/// Most points one call may ask for, so a typo in STEP cannot fill a disk.
pub const MAX_POINTS: usize = 1_000_000;

pub fn run(args: &EvalArgs) -> Result<()> {
    let act: Activation = args.spec.parse()?;
    let xs = match (&args.range, &args.points) {
        (Some(range), None) => range_points(range)?,
        (None, Some(points)) => parse_points(points)?,
        _ => {
            return Err(input_error(
                "give the points with --range START:END:STEP (e.g. --range -2:2:0.5) \
                 or --points X1,X2,... (e.g. --points -1,0,1)",
            ));
        }
    };
    write_stdout(|out| {
        writeln!(out, "x,value,derivative")?;
        for x in xs {
            writeln!(out, "{x},{},{}", act.value(x), act.derivative(x))?;
        }
        Ok(())
    })
}

/// The points START, START+STEP, ... up to END (included when it falls on the grid).
fn range_points(spec: &str) -> Result<Vec<f64>> {
    let (start, end, step) = parse_range(spec, true)?;
    let step = step.expect("parse_range with a step returns one");
    if step <= 0.0 {
        return Err(input_error(format!(
            "--range {}: STEP must be > 0 (e.g. --range -2:2:0.5)",
            quote(spec)
        )));
    }
    if end < start {
        return Err(input_error(format!(
            "--range {}: END must not be below START (e.g. --range -2:2:0.5)",
            quote(spec)
        )));
    }
    // A relative tolerance so that -2:2:0.1 includes 2 despite rounding.
    let count = ((end - start) / step * (1.0 + 1e-12)).floor() + 1.0;
    if !count.is_finite() || count > MAX_POINTS as f64 {
        // (END − START) / STEP can overflow to inf, which is no count to show a user; the
        // count shown leaves out the rounding tolerance (1e300 points, not 1.000000000001e300).
        let shown = ((end - start) / step).floor() + 1.0;
        let count = if shown.is_finite() {
            number(shown)
        } else {
            format!("more than {MAX_POINTS}")
        };
        return Err(input_error(format!(
            "--range {} gives {count} points; at most {MAX_POINTS} are allowed (use a larger \
             STEP)",
            quote(spec)
        )));
    }
    // Rounding leaves grid points meant to be END or 0 a few ulps off: -0.3 + 3 × 0.1 is
    // 5.6e-17, where relu' is 1, not relu'(0) = 0. Points within a billionth of a step of
    // either are taken as exactly it.
    let snap = step * 1e-9;
    Ok((0..count as usize)
        .map(|i| {
            let x = start + i as f64 * step;
            if (x - end).abs() <= snap {
                end
            } else if x.abs() <= snap {
                0.0
            } else {
                x
            }
        })
        .collect())
}
