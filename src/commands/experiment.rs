//! `reluscope experiment born-dead` and `reluscope experiment sweep`: parse the flags, run the
//! experiment (or one shard of it) on all cores, print a table, CSV or a shard file.

use std::io::IsTerminal;

use anyhow::Result;

use super::data::with_data;
use super::progress_bar::with_bar;
use super::train::unused_flags;
use super::write_stdout;
use crate::cli::{BornDeadArgs, SweepArgs};
use crate::engine::{BiasInit, Init, TrainConfig};
use crate::error::input_error;
use crate::experiment::sweep_report::to_ascii;
use crate::experiment::{
    BornDeadConfig, BornDeadReport, Shard, SweepConfig, SweepReport, TextStyle, born_dead,
    distinct, sweep,
};
use crate::output_caps::{locale_is_utf8, no_color, process_env};
use crate::settings::{Origin, Setting, into_error, schema, set_text};

/// Most values a list or range flag may expand to.
const MAX_LIST: usize = 1000;

/// Parses a list of whole numbers: `4`, `2,4,8` or an inclusive range `1..20`, or a mix
/// (`1..4,8`). `flag` names the option in errors.
fn parse_counts(spec: &str, flag: &str) -> Result<Vec<usize>> {
    let bad = |item: &str| {
        input_error(format!(
            "{flag}: '{item}' is not a whole number, list or range (e.g. 4, 2,4,8 or 1..20)"
        ))
    };
    let num = |t: &str| t.trim().parse::<usize>().map_err(|_| bad(t.trim()));
    let mut out = Vec::new();
    for item in spec.split(',') {
        match item.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b.trim_start_matches('='))?);
                if b < a {
                    return Err(input_error(format!(
                        "{flag}: range '{}' ends before it starts (e.g. 1..20)",
                        item.trim()
                    )));
                }
                if b - a >= MAX_LIST {
                    return Err(input_error(format!(
                        "{flag}: range '{}' has more than {MAX_LIST} values",
                        item.trim()
                    )));
                }
                out.extend(a..=b);
            }
            None => out.push(num(item)?),
        }
        if out.len() > MAX_LIST {
            return Err(input_error(format!("{flag}: more than {MAX_LIST} values")));
        }
    }
    Ok(out)
}

/// The born-dead configuration the flags describe (validated).
fn born_dead_config(args: &BornDeadArgs) -> Result<BornDeadConfig> {
    let config = BornDeadConfig {
        widths: parse_counts(&args.width, "--width")?,
        depths: parse_counts(&args.depth, "--depth")?,
        trials: args.trials,
        inputs: args.inputs,
        init: args
            .init
            .parse::<Init>()
            .map_err(|e| input_error(format!("--init: {e}")))?,
        bias: args
            .bias_init
            .parse::<BiasInit>()
            .map_err(|e| input_error(format!("--bias-init: {e}")))?,
        seed: args.seed,
        points: args.points,
    };
    config.validate()?;
    Ok(config)
}

/// The most shards an experiment is cut into: far more than any cluster runs at once, few
/// enough that a merge's accounting of them stays small.
pub const MAX_SHARDS: u64 = 100_000;

/// The shard `--shard` asks for, if any. Shards beyond the experiment's units of work are
/// empty but valid; an N above [`MAX_SHARDS`] is refused before any work is done.
fn shard(flag: &Option<String>) -> Result<Option<Shard>> {
    let Some(shard) = flag.as_deref().map(Shard::parse).transpose()? else {
        return Ok(None);
    };
    if shard.count() > MAX_SHARDS {
        return Err(crate::error::input_error(format!(
            "--shard {shard}: at most {MAX_SHARDS} shards; use a smaller N (each shard is one \
             process: N beyond the experiment's runs or trials only adds empty files)"
        )));
    }
    Ok(Some(shard))
}

/// The error for a shard run that did not finish: its file would lack runs.
fn unfinished(shard: Shard) -> anyhow::Error {
    anyhow::anyhow!("shard {shard} was cancelled before it finished; no shard file was written")
}

pub fn run_born_dead(args: &BornDeadArgs) -> Result<()> {
    let config = born_dead_config(args)?;
    if let Some(shard) = shard(&args.shard)? {
        let report = with_bar("born dead", |p| born_dead::run_shard(&config, shard, p))?;
        if report.cancelled {
            return Err(unfinished(shard));
        }
        return write_stdout(|out| report.write_shard(out, shard));
    }
    let report = with_bar("born dead", |p| born_dead::run(&config, p))?;
    print_born_dead(&report, args.csv)
}

/// Prints a born-dead report as a table (ASCII outside a UTF-8 locale) or CSV.
pub fn print_born_dead(report: &BornDeadReport, csv: bool) -> Result<()> {
    write_stdout(|out| {
        if csv {
            report.write_csv(out)
        } else if locale_is_utf8(process_env) {
            report.write_text(out)
        } else {
            let mut text = Vec::new();
            report.write_text(&mut text)?;
            out.write_all(to_ascii(&String::from_utf8_lossy(&text)).as_bytes())
        }
    })
}

/// The sweep's learning rates and bias inits when --lr and --bias-init are not given.
const DEFAULT_SWEEP_LRS: &str = "0.01,0.1,1";
const DEFAULT_SWEEP_BIAS_INITS: &str = "0.1,-1,-3";

/// The sweep configuration the flags describe on top of `base` (validated). `base` holds the
/// layered settings, as for `train`, so that `train --seed S+r --lr X --bias-init B` with the
/// same config file, scenario and environment reproduces any run.
fn sweep_config(args: &SweepArgs, base: TrainConfig) -> Result<SweepConfig> {
    if args.data.model.is_some() {
        return Err(input_error(
            "experiment sweep trains fresh networks; --model is not supported here",
        ));
    }
    // Each item of the lists is read by its setting's own row: the same checks and messages
    // as a single --lr or --bias-init.
    let lrs = list(args, &schema::LR, DEFAULT_SWEEP_LRS, |c| c.lr)?;
    let bias_inits = list(args, &schema::BIAS_INIT, DEFAULT_SWEEP_BIAS_INITS, |c| {
        c.bias_init
    })?;
    let (base, _) = with_data(&args.data, &args.train, base)?;
    let config = SweepConfig {
        base,
        lrs: distinct(&lrs),
        bias_inits: distinct(&bias_inits),
        epochs: args.epochs,
        repeats: args.repeats,
    };
    config.validate()?;
    Ok(config)
}

/// The values of a list flag (`--lr 0.1,1`), or of `default` when it is not given.
fn list<T>(
    args: &SweepArgs,
    row: &'static Setting,
    default: &str,
    value: impl Fn(&TrainConfig) -> T,
) -> Result<Vec<T>> {
    let text = args.train.get(row.key).unwrap_or(default);
    let flag = format!("--{}", row.long().unwrap_or_default());
    text.split(',')
        .map(|item| {
            let mut config = TrainConfig::default();
            set_text(row, item, Origin::Cli(flag.clone()), &mut config)
                .map_err(|d| into_error(vec![d]))?;
            Ok(value(&config))
        })
        .collect()
}

pub fn run_sweep(args: &SweepArgs, base: TrainConfig) -> Result<()> {
    let config = sweep_config(args, base)?;
    for note in unused_flags(&args.train, &config.base) {
        eprintln!("reluscope: note: {note}");
    }
    if let Some(shard) = shard(&args.shard)? {
        let report = with_bar("sweep", |p| sweep::run_shard(&config, shard, p))?;
        if report.cancelled {
            return Err(unfinished(shard));
        }
        return write_stdout(|out| report.write_shard(out, shard));
    }
    let report = with_bar("sweep", |p| sweep::run(&config, p))?;
    print_sweep(&report, args.csv)
}

/// Prints a sweep report as a table and heatmaps (coloured on a terminal unless NO_COLOR,
/// ASCII outside a UTF-8 locale) or CSV.
pub fn print_sweep(report: &SweepReport, csv: bool) -> Result<()> {
    let style = TextStyle {
        color: std::io::stdout().is_terminal() && !no_color(process_env),
        unicode: locale_is_utf8(process_env),
    };
    write_stdout(|out| {
        if csv {
            report.write_csv(out)
        } else {
            report.write_text(out, style)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lists_and_ranges() {
        assert_eq!(parse_counts("4", "--width").unwrap(), [4]);
        assert_eq!(parse_counts("2, 4,8", "--width").unwrap(), [2, 4, 8]);
        assert_eq!(
            parse_counts("1..4,10", "--depth").unwrap(),
            [1, 2, 3, 4, 10]
        );
        assert_eq!(parse_counts("3..=3", "--depth").unwrap(), [3]);
        for (bad, msg) in [
            ("x", "'x' is not a whole number"),
            ("4,", "'' is not a whole number"),
            ("-1", "'-1' is not"),
            ("2.5", "'2.5' is not"),
            ("5..1", "ends before it starts"),
            ("1..5000", "more than 1000"),
        ] {
            let err = parse_counts(bad, "--depth").unwrap_err().to_string();
            assert!(
                err.contains(msg) && err.starts_with("--depth"),
                "{bad}: {err}"
            );
        }
    }
}
