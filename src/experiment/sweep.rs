//! The learning-rate × bias-init sweep: train every combination several times and measure how
//! many hidden neurons end dead, and the losses.
//!
//! Repeat r of every combination uses seed `base.seed + r`, so combinations differ only in their
//! learning rate and bias init (the same data and, for constant biases, the same weights), and
//! `reluscope train --seed S --lr X --bias-init B` reproduces any single run. Runs go in
//! parallel on rayon; each is deterministic, so the report does not depend on the thread count.

use anyhow::Result;
use rayon::prelude::*;

use super::progress::Progress;
use super::shard::Shard;
use super::stats::mean_sd;
use crate::engine::{BiasInit, Session, TrainConfig};
use crate::error::input_error;

/// Most epochs per run accepted.
pub const MAX_EPOCHS: u64 = 1_000_000;
/// Most runs (combinations × repeats) accepted.
pub const MAX_RUNS: u64 = 100_000;

/// What to sweep. `base` holds every other training setting (its lr and bias init are ignored).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepConfig {
    pub base: TrainConfig,
    pub lrs: Vec<f64>,
    pub bias_inits: Vec<BiasInit>,
    pub epochs: u64,
    pub repeats: u64,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            base: TrainConfig::default(),
            lrs: vec![0.01, 0.1, 1.0],
            bias_inits: vec![
                BiasInit::Constant(0.1),
                BiasInit::Constant(-1.0),
                BiasInit::Constant(-3.0),
            ],
            epochs: 20,
            repeats: 3,
        }
    }
}

impl SweepConfig {
    /// Checks the sweep's own settings and every combination's training config.
    pub fn validate(&self) -> Result<()> {
        if self.lrs.is_empty() || self.bias_inits.is_empty() {
            return Err(input_error(
                "--lr and --bias-init need at least one value each",
            ));
        }
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(input_error(format!(
                "--epochs {} is out of range: give 1 to {MAX_EPOCHS}",
                self.epochs
            )));
        }
        if self.repeats == 0 || self.repeats > 1000 {
            return Err(input_error(format!(
                "--repeats {} is out of range: give 1 to 1000",
                self.repeats
            )));
        }
        let runs = self.units();
        if runs > MAX_RUNS {
            return Err(input_error(format!(
                "{runs} runs ({} learning rates × {} bias inits × {} repeats) is too many: keep \
                 it under {MAX_RUNS}",
                self.lrs.len(),
                self.bias_inits.len(),
                self.repeats
            )));
        }
        for &lr in &self.lrs {
            for &bias in &self.bias_inits {
                self.run_config(lr, bias, 0).validate()?;
            }
        }
        Ok(())
    }

    /// The training config of one run.
    fn run_config(&self, lr: f64, bias: BiasInit, repeat: u64) -> TrainConfig {
        TrainConfig {
            lr,
            bias_init: bias,
            seed: self.base.seed.wrapping_add(repeat),
            ..self.base.clone()
        }
    }

    /// What the runs train on, as the report's heading names it: the data file as given, or
    /// the built-in dataset.
    pub fn data_name(&self) -> String {
        match &self.base.csv {
            Some(csv) => csv.name.clone(),
            None => self.base.dataset.to_string(),
        }
    }

    /// The number of runs: combinations × repeats.
    pub fn units(&self) -> u64 {
        (self.lrs.len() * self.bias_inits.len()) as u64 * self.repeats
    }

    /// The combinations in report order: bias inits (rows) major, learning rates (columns).
    pub fn combinations(&self) -> Vec<(f64, BiasInit)> {
        self.bias_inits
            .iter()
            .flat_map(|&b| self.lrs.iter().map(move |&lr| (lr, b)))
            .collect()
    }
}

/// The end of one training run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunResult {
    pub seed: u64,
    /// Share of hidden neurons dead right after initialization.
    pub dead_at_init: f64,
    /// Share of hidden neurons dead after the last epoch.
    pub dead: f64,
    pub train_loss: f64,
    /// `None` when no point was held out for testing (a one-row file).
    pub test_loss: Option<f64>,
    /// Training produced a non-finite value and stopped.
    pub diverged: bool,
}

/// Mean and sample standard deviation over `n` runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub n: usize,
}

/// One combination and its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepCell {
    pub lr: f64,
    pub bias: BiasInit,
    pub runs: Vec<RunResult>,
}

impl SweepCell {
    /// Mean and sd of `f` over the runs (those that did not diverge unless `include_diverged`)
    /// where it has a value.
    fn summarize(&self, f: impl Fn(&RunResult) -> Option<f64>, include_diverged: bool) -> Summary {
        let xs: Vec<f64> = self
            .runs
            .iter()
            .filter(|r| include_diverged || !r.diverged)
            .filter_map(f)
            .collect();
        let (mean, sd, n) = mean_sd(&xs);
        Summary { mean, sd, n }
    }

    /// Dead share at initialization, over all runs.
    pub fn dead_at_init(&self) -> Summary {
        self.summarize(|r| Some(r.dead_at_init), true)
    }

    /// Final dead share over the runs that did not diverge (NaN if all did).
    pub fn dead(&self) -> Summary {
        self.summarize(|r| Some(r.dead), false)
    }

    pub fn train_loss(&self) -> Summary {
        self.summarize(|r| Some(r.train_loss), false)
    }

    /// Test loss over the runs that did not diverge and had a test set (n = 0 without one).
    pub fn test_loss(&self) -> Summary {
        self.summarize(|r| r.test_loss, false)
    }

    pub fn diverged(&self) -> usize {
        self.runs.iter().filter(|r| r.diverged).count()
    }
}

/// The result: one cell per combination, bias inits major, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepReport {
    /// What was swept. A report merged from shard files has no data points (`base.csv` is
    /// `None`); `data` names what the runs trained on either way.
    pub config: SweepConfig,
    /// The data file as given, or the built-in dataset ([`SweepConfig::data_name`]).
    pub data: String,
    pub cells: Vec<SweepCell>,
    /// True when the run was cancelled; cells then hold only the runs that finished.
    pub cancelled: bool,
}

impl SweepReport {
    /// The cell for a learning rate and bias init.
    pub fn cell(&self, lr: f64, bias: BiasInit) -> Option<&SweepCell> {
        self.cells.iter().find(|c| c.lr == lr && c.bias == bias)
    }
}

/// Runs the sweep on the current rayon pool.
pub fn run(config: &SweepConfig, progress: &Progress) -> Result<SweepReport> {
    run_streaming(config, progress, |_, _| {})
}

/// Runs the sweep, calling `finished(cell_index, run)` from a worker thread as each run ends.
/// Progress counts epochs; cancellation is checked between epochs.
pub fn run_streaming(
    config: &SweepConfig,
    progress: &Progress,
    finished: impl Fn(usize, &RunResult) + Sync,
) -> Result<SweepReport> {
    run_part(config, Shard::WHOLE, progress, finished)
}

/// Runs the runs of one shard: run r of combination c is unit c × repeats + r (see
/// [`Shard::owns`]). Each run trains exactly as in the whole sweep, so the shards' runs are
/// the whole sweep's runs, bit for bit. The cells hold only this shard's runs.
pub fn run_shard(config: &SweepConfig, shard: Shard, progress: &Progress) -> Result<SweepReport> {
    run_part(config, shard, progress, |_, _| {})
}

fn run_part(
    config: &SweepConfig,
    shard: Shard,
    progress: &Progress,
    finished: impl Fn(usize, &RunResult) + Sync,
) -> Result<SweepReport> {
    config.validate()?;
    let combos = config.combinations();
    let repeats = config.repeats;
    let jobs: Vec<(usize, u64)> = (0..combos.len())
        .flat_map(|c| (0..repeats).map(move |r| (c, r)))
        .filter(|&(c, r)| shard.owns(c as u64 * repeats + r))
        .collect();
    progress.start(jobs.len() as u64 * config.epochs);
    let results: Vec<Option<RunResult>> = jobs
        .par_iter()
        .map(|&(c, r)| {
            let (lr, bias) = combos[c];
            let result = train_one(&config.run_config(lr, bias, r), config.epochs, progress)?;
            if let Some(run) = &result {
                finished(c, run);
            }
            Ok(result)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut cells: Vec<SweepCell> = combos
        .iter()
        .map(|&(lr, bias)| SweepCell {
            lr,
            bias,
            runs: Vec::new(),
        })
        .collect();
    let mut cancelled = false;
    for (&(c, _), result) in jobs.iter().zip(results) {
        match result {
            Some(r) => cells[c].runs.push(r),
            None => cancelled = true,
        }
    }
    Ok(SweepReport {
        config: config.clone(),
        data: config.data_name(),
        cells,
        cancelled,
    })
}

/// Trains one run; `Ok(None)` when cancelled before it finished.
fn train_one(config: &TrainConfig, epochs: u64, progress: &Progress) -> Result<Option<RunResult>> {
    if progress.is_cancelled() {
        return Ok(None);
    }
    let mut session = Session::new(config.clone())?;
    let dead_at_init = session.health().dead_fraction();
    for epoch in 0..epochs {
        if progress.is_cancelled() {
            return Ok(None);
        }
        for _ in 0..session.steps_per_epoch() {
            if session.step().diverged {
                break;
            }
        }
        if session.diverged() {
            progress.add_done(epochs - epoch);
            break;
        }
        progress.add_done(1);
    }
    Ok(Some(RunResult {
        seed: config.seed,
        dead_at_init,
        dead: session.health().dead_fraction(),
        train_loss: session.train_loss(),
        test_loss: session.has_test_set().then(|| session.test_loss()),
        diverged: session.diverged(),
    }))
}
