//! A born-dead experiment's shard files: per cell, the whole-number counts over the shard's
//! trials, and the merge that adds them up into the whole run's report (sums of integers, so
//! the merged estimates and intervals are the whole run's exactly).

use std::io::{self, Write};
use std::str::FromStr;

use anyhow::Result;

use super::born_dead::{BornDeadCell, BornDeadConfig, BornDeadReport};
use super::domain::Domain;
use super::shard::{Shard, ShardFile, complete_set, write_end, write_header};
use crate::engine::{BiasInit, Init};
use crate::error::input_error;

/// The name on a born-dead shard's first line.
pub const KIND: &str = "born-dead";
/// The table's columns: the cell, its trials in this shard, and three counts over them.
pub const COLUMNS: &str = "width,depth,trials,born_dead,dead_at_x0,dead_neurons";

fn list(xs: &[usize]) -> String {
    xs.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl BornDeadConfig {
    /// Every setting, as `key = value` text that reads back exactly.
    fn shard_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("widths", list(&self.widths)),
            ("depths", list(&self.depths)),
            ("trials", self.trials.to_string()),
            ("inputs", self.inputs.to_string()),
            ("init", self.init.to_string()),
            ("bias_init", self.bias.to_string()),
            ("seed", self.seed.to_string()),
            (
                "points",
                self.points.map_or("default".to_string(), |p| p.to_string()),
            ),
        ]
    }

    fn from_shard(f: &ShardFile) -> Result<BornDeadConfig> {
        let counts = |key: &str| -> Result<Vec<usize>> {
            f.setting(key)?
                .split(',')
                .map(|t| read(f, key, t))
                .collect()
        };
        let points = match f.setting("points")? {
            "default" => None,
            p => Some(read(f, "points", p)?),
        };
        let config = BornDeadConfig {
            widths: counts("widths")?,
            depths: counts("depths")?,
            trials: get(f, "trials")?,
            inputs: get(f, "inputs")?,
            init: get::<Init>(f, "init")?,
            bias: get::<BiasInit>(f, "bias_init")?,
            seed: get(f, "seed")?,
            points,
        };
        config.validate().map_err(|e| {
            input_error(format!(
                "{}: its settings do not make a born-dead experiment: {e}",
                f.name
            ))
        })?;
        Ok(config)
    }
}

fn get<T: FromStr>(f: &ShardFile, key: &str) -> Result<T> {
    read(f, key, f.setting(key)?)
}

fn read<T: FromStr>(f: &ShardFile, key: &str, text: &str) -> Result<T> {
    text.trim().parse::<T>().map_err(|_| {
        input_error(format!(
            "{}: `# {key} = …`: cannot read '{text}'; the file is garbled, run its shard again",
            f.name
        ))
    })
}

impl BornDeadReport {
    /// The shard file of a report [`super::born_dead::run_shard`] made for `shard`. The
    /// domain's description goes along, so the merge need not rebuild the domain.
    pub fn write_shard(&self, out: &mut dyn Write, shard: Shard) -> io::Result<()> {
        let mut settings = self.config.shard_settings();
        settings.push(("domain", self.domain.clone()));
        write_header(out, KIND, shard, &settings, COLUMNS)?;
        for cell in &self.cells {
            writeln!(
                out,
                "{},{},{},{},{},{}",
                cell.width,
                cell.depth,
                cell.born_dead.trials,
                cell.born_dead.successes,
                cell.point_dead.successes,
                cell.dead_neurons
            )?;
        }
        write_end(out, self.cells.len())
    }
}

/// Parses the text of a born-dead shard file.
pub fn parse(name: &str, text: &str) -> Result<ShardFile> {
    ShardFile::parse(name, text, COLUMNS)
}

/// The whole run's report from all its shard files: each cell's counts summed over the shards.
pub fn merge(files: Vec<ShardFile>) -> Result<BornDeadReport> {
    let files = complete_set(files, KIND)?;
    let config = BornDeadConfig::from_shard(&files[0])?;
    let depths = super::distinct(&config.depths);
    let cells: Vec<(usize, usize)> = super::distinct(&config.widths)
        .into_iter()
        .flat_map(|w| depths.iter().map(move |&d| (w, d)))
        .collect();
    // Per cell: trials, born dead, dead at x0, dead neurons.
    let mut sums = vec![[0u64; 4]; cells.len()];
    for f in &files {
        let want_trials = {
            let r = f.shard.range(config.trials);
            r.end - r.start
        };
        let mut seen = vec![false; cells.len()];
        for (line, fields) in &f.rows {
            let whole = |i: usize| -> Result<u64> {
                fields[i].parse::<u64>().map_err(|_| {
                    f.row_error(
                        *line,
                        format!("'{}' is not a whole number: the file is garbled", fields[i]),
                    )
                })
            };
            let (width, depth) = (whole(0)?, whole(1)?);
            let c = cells
                .iter()
                .position(|&(w, d)| (w as u64, d as u64) == (width, depth))
                .ok_or_else(|| {
                    f.row_error(
                        *line,
                        format!("width {width}, depth {depth} is not a cell of this experiment"),
                    )
                })?;
            if std::mem::replace(&mut seen[c], true) {
                return Err(f.row_error(*line, "this cell is listed twice: the file is garbled"));
            }
            let counts = [whole(2)?, whole(3)?, whole(4)?, whole(5)?];
            let neurons = counts[0].saturating_mul(width * depth);
            if counts[0] != want_trials
                || counts[1] > counts[0]
                || counts[2] > counts[0]
                || counts[3] > neurons
            {
                return Err(f.row_error(
                    *line,
                    format!(
                        "these counts cannot come from the {want_trials} trials of shard {}: \
                         the file is garbled",
                        f.shard
                    ),
                ));
            }
            for (s, v) in sums[c].iter_mut().zip(counts) {
                *s += v;
            }
        }
        if f.rows.len() != cells.len() {
            return Err(input_error(format!(
                "{}: has {} of the {} cells; run shard {} again",
                f.name,
                f.rows.len(),
                cells.len(),
                f.shard
            )));
        }
    }
    Ok(BornDeadReport {
        domain: files[0].setting("domain")?.to_string(),
        x0: Domain::x0(config.inputs),
        cells: cells
            .iter()
            .zip(&sums)
            .map(|(&(w, d), s)| BornDeadCell::from_counts(w, d, s[0], s[1], s[2], s[3]))
            .collect(),
        config,
        cancelled: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Progress;
    use crate::experiment::born_dead::{self, tests::cfg};

    /// The counts of every shard, written, read back and added up, give the whole run's report,
    /// intervals and shares included, to the bit.
    #[test]
    fn merged_shards_are_the_whole_run_bit_for_bit() {
        for config in [
            cfg(&[2, 3], &[1, 3, 2], 101),
            BornDeadConfig {
                bias: BiasInit::Constant(0.2),
                init: Init::Rai,
                ..cfg(&[4], &[2, 5], 37)
            },
        ] {
            let whole = born_dead::run(&config, &Progress::new()).unwrap();
            for n in [1, 2, 3, 40] {
                let files = (1..=n)
                    .map(|k| {
                        let shard = Shard::new(k, n).unwrap();
                        let part = born_dead::run_shard(&config, shard, &Progress::new()).unwrap();
                        let mut out = Vec::new();
                        part.write_shard(&mut out, shard).unwrap();
                        parse(&format!("{k}.csv"), &String::from_utf8(out).unwrap()).unwrap()
                    })
                    .collect();
                assert_eq!(merge(files).unwrap(), whole, "N = {n}");
            }
        }
    }
}
