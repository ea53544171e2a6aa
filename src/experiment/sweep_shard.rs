//! A sweep's shard files: one row per run with every number at full precision, and the merge
//! that puts the runs of all shards back into the whole sweep's report.
//!
//! A run's figures are written as Rust prints an f64 (the shortest text that reads back to the
//! same bits), so a merged cell holds the very runs the whole sweep would, in repeat order, and
//! its means and deviations come out bit for bit the same.

use std::io::{self, Write};
use std::str::FromStr;

use anyhow::Result;

use super::shard::{Shard, ShardFile, complete_set, write_end, write_header};
use super::sweep::{RunResult, SweepCell, SweepConfig, SweepReport};
use crate::activation::Activation;
use crate::engine::{BiasInit, CsvData, DatasetKind, Feature, Init, OptimizerKind, TrainConfig};
use crate::error::input_error;

/// The name on a sweep shard's first line.
pub const KIND: &str = "sweep";
/// The table's columns.
pub const COLUMNS: &str =
    "lr,bias_init,repeat,seed,dead_at_init,dead,train_loss,test_loss,diverged";

/// Joins values with commas, as the lists of the settings take them.
fn list<T: ToString>(xs: &[T]) -> String {
    xs.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

/// What a data file holds, to tell two files apart: rows, columns and a 64-bit FNV-1a hash of
/// every number's bits.
fn fingerprint(csv: &CsvData) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for c in csv.inputs.iter().chain([&csv.target]).chain(&csv.classes) {
        eat(c.as_bytes());
        eat(&[0]);
    }
    for v in csv.x.iter().chain(&csv.y) {
        eat(&v.to_bits().to_le_bytes());
    }
    format!(
        "{} rows of {},{}, fnv1a64 {h:016x}",
        csv.rows(),
        csv.inputs.join(","),
        csv.target
    )
}

impl SweepConfig {
    /// Every setting the runs depend on, as `key = value` text that reads back exactly (the
    /// base config's lr and bias init are left out: the sweep's lists replace them).
    fn shard_settings(&self) -> Vec<(&'static str, String)> {
        let b = &self.base;
        vec![
            ("lrs", list(&self.lrs)),
            ("bias_inits", list(&self.bias_inits)),
            ("epochs", self.epochs.to_string()),
            ("repeats", self.repeats.to_string()),
            ("data", self.data_name()),
            (
                "data_file",
                b.csv.as_deref().map_or("none".to_string(), fingerprint),
            ),
            (
                "test_file",
                b.test_csv
                    .as_deref()
                    .map_or("none".to_string(), fingerprint),
            ),
            ("dataset", b.dataset.to_string()),
            ("classes", b.classes.to_string()),
            (
                "standardize",
                b.standardize.map_or("auto".to_string(), |v| v.to_string()),
            ),
            ("noise", b.noise.to_string()),
            ("train_fraction", b.train_fraction.to_string()),
            ("features", list(&b.features)),
            (
                "layers",
                if b.hidden.is_empty() {
                    "none".to_string()
                } else {
                    list(&b.hidden)
                },
            ),
            ("activation", b.activation.to_string()),
            ("regression_output", b.regression_output.to_string()),
            ("init", b.init.to_string()),
            ("optimizer", b.optimizer.to_string()),
            ("momentum", b.momentum.to_string()),
            ("nesterov", b.nesterov.to_string()),
            ("l1", b.l1.to_string()),
            ("l2", b.l2.to_string()),
            ("clip", b.clip.to_string()),
            ("batch_size", b.batch_size.to_string()),
            ("shuffle", b.shuffle.to_string()),
            ("seed", b.seed.to_string()),
            ("saturation_threshold", b.saturation_threshold.to_string()),
        ]
    }

    /// The sweep a shard file's settings describe, and the name of its data. The data's points
    /// are not in the file, so `base.csv` is `None`.
    fn from_shard(f: &ShardFile) -> Result<(SweepConfig, String)> {
        let items = |key: &str| -> Result<Vec<String>> {
            let v = f.setting(key)?;
            Ok(if v.is_empty() || v == "none" {
                Vec::new()
            } else {
                v.split(',').map(str::to_string).collect()
            })
        };
        let each = |key: &str| -> Result<Vec<f64>> {
            items(key)?.iter().map(|t| read(f, key, t)).collect()
        };
        let base = TrainConfig {
            dataset: get::<DatasetKind>(f, "dataset")?,
            csv: None,
            classes: get(f, "classes")?,
            standardize: match f.setting("standardize")? {
                "auto" => None,
                t => Some(read::<bool>(f, "standardize", t)?),
            },
            noise: get(f, "noise")?,
            train_fraction: get(f, "train_fraction")?,
            features: items("features")?
                .iter()
                .map(|t| read::<Feature>(f, "features", t))
                .collect::<Result<_>>()?,
            hidden: items("layers")?
                .iter()
                .map(|t| read::<usize>(f, "layers", t))
                .collect::<Result<_>>()?,
            activation: get::<Activation>(f, "activation")?,
            regression_output: get::<Activation>(f, "regression_output")?,
            init: get::<Init>(f, "init")?,
            optimizer: get::<OptimizerKind>(f, "optimizer")?,
            momentum: get(f, "momentum")?,
            nesterov: get(f, "nesterov")?,
            l1: get(f, "l1")?,
            l2: get(f, "l2")?,
            clip: get(f, "clip")?,
            batch_size: get(f, "batch_size")?,
            shuffle: get(f, "shuffle")?,
            seed: get(f, "seed")?,
            saturation_threshold: get(f, "saturation_threshold")?,
            ..TrainConfig::default()
        };
        let config = SweepConfig {
            base,
            lrs: each("lrs")?,
            bias_inits: items("bias_inits")?
                .iter()
                .map(|t| read::<BiasInit>(f, "bias_inits", t))
                .collect::<Result<_>>()?,
            epochs: get(f, "epochs")?,
            repeats: get(f, "repeats")?,
        };
        config.validate().map_err(|e| {
            input_error(format!("{}: its settings do not make a sweep: {e}", f.name))
        })?;
        Ok((config, f.setting("data")?.to_string()))
    }
}

/// Setting `key` of a shard file, read as a `T`.
fn get<T: FromStr>(f: &ShardFile, key: &str) -> Result<T> {
    read(f, key, f.setting(key)?)
}

fn read<T: FromStr>(f: &ShardFile, key: &str, text: &str) -> Result<T> {
    text.parse::<T>().map_err(|_| {
        input_error(format!(
            "{}: `# {key} = …`: cannot read '{text}'; the file is garbled, run its shard again",
            f.name
        ))
    })
}

impl SweepReport {
    /// The shard file of a report [`super::sweep::run_shard`] made for `shard`.
    pub fn write_shard(&self, out: &mut dyn Write, shard: Shard) -> io::Result<()> {
        let c = &self.config;
        write_header(out, KIND, shard, &c.shard_settings(), COLUMNS)?;
        let mut rows = 0;
        for cell in &self.cells {
            for run in &cell.runs {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{}",
                    cell.lr,
                    cell.bias,
                    run.seed.wrapping_sub(c.base.seed),
                    run.seed,
                    run.dead_at_init,
                    run.dead,
                    run.train_loss,
                    run.test_loss.map_or(String::new(), |t| t.to_string()),
                    run.diverged
                )?;
                rows += 1;
            }
        }
        write_end(out, rows)
    }
}

/// Parses the text of a sweep shard file.
pub fn parse(name: &str, text: &str) -> Result<ShardFile> {
    ShardFile::parse(name, text, COLUMNS)
}

/// The whole sweep's report from all its shard files: every run of every shard, each where
/// the whole sweep puts it.
pub fn merge(files: Vec<ShardFile>) -> Result<SweepReport> {
    let files = complete_set(files, KIND)?;
    let (config, data) = SweepConfig::from_shard(&files[0])?;
    let combos = config.combinations();
    let repeats = config.repeats;
    let mut runs: Vec<Option<RunResult>> = vec![None; combos.len() * repeats as usize];
    for f in &files {
        for (line, fields) in &f.rows {
            let (unit, run) = read_run(f, *line, fields, &config, &combos)?;
            if !f.shard.owns(unit) {
                return Err(f.row_error(
                    *line,
                    format!(
                        "this run belongs to shard {}/{}, not {}: the file is garbled",
                        unit % f.shard.count() + 1,
                        f.shard.count(),
                        f.shard
                    ),
                ));
            }
            let slot = &mut runs[unit as usize];
            if slot.is_some() {
                return Err(f.row_error(*line, "this run is listed twice: the file is garbled"));
            }
            *slot = Some(run);
        }
        let want = (0..config.units()).filter(|&i| f.shard.owns(i)).count();
        if f.rows.len() != want {
            return Err(input_error(format!(
                "{}: has {} of the {want} runs of shard {}; run the shard again",
                f.name,
                f.rows.len(),
                f.shard
            )));
        }
    }
    // Every shard had all its runs and no other, so every slot is filled.
    let cells = combos
        .iter()
        .enumerate()
        .map(|(c, &(lr, bias))| SweepCell {
            lr,
            bias,
            runs: runs[c * repeats as usize..(c + 1) * repeats as usize]
                .iter()
                .flatten()
                .copied()
                .collect(),
        })
        .collect();
    Ok(SweepReport {
        config,
        data,
        cells,
        cancelled: false,
    })
}

/// One row: the run and its unit index (combination × repeats + repeat).
fn read_run(
    f: &ShardFile,
    line: usize,
    fields: &[String],
    config: &SweepConfig,
    combos: &[(f64, BiasInit)],
) -> Result<(u64, RunResult)> {
    let field = |i: usize| fields[i].as_str();
    let num = |i: usize| -> Result<f64> {
        field(i).parse::<f64>().map_err(|_| {
            f.row_error(
                line,
                format!("'{}' is not a number: the file is garbled", field(i)),
            )
        })
    };
    let whole = |i: usize| -> Result<u64> {
        field(i).parse::<u64>().map_err(|_| {
            f.row_error(
                line,
                format!("'{}' is not a whole number: the file is garbled", field(i)),
            )
        })
    };
    let lr = num(0)?;
    let bias = field(1).parse::<BiasInit>().map_err(|_| {
        f.row_error(
            line,
            format!("'{}' is not a bias init: the file is garbled", field(1)),
        )
    })?;
    let c = combos
        .iter()
        .position(|&(l, b)| l == lr && b == bias)
        .ok_or_else(|| {
            f.row_error(
                line,
                format!("lr {lr} with bias init {bias} is not one of the sweep's combinations"),
            )
        })?;
    let repeat = whole(2)?;
    let seed = whole(3)?;
    if repeat >= config.repeats || seed != config.base.seed.wrapping_add(repeat) {
        return Err(f.row_error(
            line,
            format!(
                "repeat {repeat} with seed {seed} is not a run of this sweep ({} repeats from \
                 seed {})",
                config.repeats, config.base.seed
            ),
        ));
    }
    let diverged = field(8).parse::<bool>().map_err(|_| {
        f.row_error(
            line,
            format!("'{}' is not true or false: the file is garbled", field(8)),
        )
    })?;
    let run = RunResult {
        seed,
        dead_at_init: num(4)?,
        dead: num(5)?,
        train_loss: num(6)?,
        test_loss: if field(7).is_empty() {
            None
        } else {
            Some(num(7)?)
        },
        diverged,
    };
    Ok((c as u64 * config.repeats + repeat, run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;

    #[test]
    fn settings_read_back_to_the_same_sweep() {
        let config = SweepConfig {
            base: TrainConfig {
                dataset: DatasetKind::Spiral,
                noise: 12.5,
                features: vec![Feature::X1, Feature::X1TimesX2, Feature::SinX2],
                hidden: vec![3, 5],
                activation: "leaky-relu:slope=0.2".parse::<Activation>().unwrap(),
                regression_output: Activation::Tanh,
                init: Init::Rai,
                optimizer: OptimizerKind::Adam,
                momentum: 0.3,
                l1: 1e-7,
                clip: 0.1 + 0.2,
                batch_size: 0,
                shuffle: false,
                seed: u64::MAX,
                ..TrainConfig::default()
            },
            lrs: vec![0.1 + 0.2, 3e-5],
            bias_inits: vec![BiasInit::Scheme, BiasInit::Constant(-0.0)],
            epochs: 7,
            repeats: 2,
        };
        let mut out = Vec::new();
        let report = SweepReport {
            data: config.data_name(),
            config: config.clone(),
            cells: Vec::new(),
            cancelled: false,
        };
        report.write_shard(&mut out, Shard::WHOLE).unwrap();
        let file = parse("s.csv", &String::from_utf8(out).unwrap()).unwrap();
        let (back, data) = SweepConfig::from_shard(&file).unwrap();
        // Compared without the base lr and bias init, which the sweep's lists replace.
        let comparable = |c: &SweepConfig| SweepConfig {
            base: TrainConfig {
                lr: 0.0,
                bias_init: BiasInit::Scheme,
                ..c.base.clone()
            },
            ..c.clone()
        };
        assert_eq!(comparable(&back), comparable(&config));
        assert_eq!(back.bias_inits[1], BiasInit::Constant(0.0));
        assert!(matches!(back.bias_inits[1], BiasInit::Constant(z) if z.is_sign_negative()));
        assert_eq!(data, "spiral");
    }

    /// The runs of every shard, written, read back and merged, are the whole sweep's runs to
    /// the bit (the CLI's test compares the printed output, which rounds).
    #[test]
    fn merged_shards_are_the_whole_sweep_bit_for_bit() {
        use crate::experiment::{Progress, sweep};
        let config = SweepConfig {
            base: TrainConfig {
                hidden: vec![3],
                seed: 11,
                ..TrainConfig::default()
            },
            lrs: vec![0.05, 0.7],
            bias_inits: vec![BiasInit::Constant(0.1), BiasInit::Constant(-2.0)],
            epochs: 2,
            repeats: 3,
        };
        let whole = sweep::run(&config, &Progress::new()).unwrap();
        for n in 1..=5 {
            let files = (1..=n)
                .map(|k| {
                    let shard = Shard::new(k, n).unwrap();
                    let part = sweep::run_shard(&config, shard, &Progress::new()).unwrap();
                    let mut out = Vec::new();
                    part.write_shard(&mut out, shard).unwrap();
                    parse(&format!("{k}.csv"), &String::from_utf8(out).unwrap()).unwrap()
                })
                .collect();
            assert_eq!(merge(files).unwrap(), whole, "N = {n}");
        }
    }

    #[test]
    fn data_files_differ_by_their_contents() {
        let a = CsvData::parse("a.csv", "x,y,t\n1,2,0\n3,4,1\n").unwrap();
        let b = CsvData::parse("a.csv", "x,y,t\n1,2,0\n3,4.000001,1\n").unwrap();
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert!(fingerprint(&a).starts_with("2 rows of x,y,t, fnv1a64 "));
    }
}
