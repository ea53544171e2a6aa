//! The born-dead experiment (Lu et al. 2019, "Dying ReLU and Initialization: Theory and
//! Numerical Examples"): how often is a freshly initialized ReLU network constant?
//!
//! A network has D inputs, L hidden ReLU layers of width N and one linear output. It is born dead
//! when its last hidden layer gives the same activations at every point of the domain (see
//! [`Domain`]); then the output is constant whatever the output layer, and the converse fails
//! only for a null set of output weights, so the output layer is not drawn. Alongside, each cell
//! reports the mean share of dead neurons (zero at every domain point) and the probability that
//! some hidden layer is all zero at the fixed input x0, next to its closed form
//! 1 − (1 − 2^−N)^L for symmetric weights and zero biases.
//!
//! Trial t of width N draws from its own generator seeded by (seed, N, t), so results do not
//! depend on the thread count. The seed does not involve the depth: the depth-L network of a
//! trial is the first L layers of its deepest network (common random numbers), so each trial's
//! answers are monotone in depth and all depths of a width cost one pass.

use std::ops::Range;

use anyhow::Result;
use rayon::prelude::*;

use super::domain::{Domain, MAX_INPUTS};
use super::progress::Progress;
use super::shard::Shard;
use super::stats::{Proportion, derive_seed, single_point_dead_probability};
use super::trial::{Scratch, TrialSpec, is_homogeneous, run_trial};
use crate::engine::{BiasInit, Init, rng_from_seed};
use crate::error::input_error;

/// Widest hidden layer accepted.
pub const MAX_WIDTH: usize = 1024;
/// Deepest network accepted.
pub const MAX_DEPTH: usize = 10_000;
/// Most trials per cell accepted.
pub const MAX_TRIALS: u64 = 100_000_000;
/// Most domain points accepted.
pub const MAX_POINTS: usize = 1_000_000;
/// Trials between two checks for cancellation.
const BLOCK: u64 = 4096;
/// Bound on width × points: two such buffers per worker thread, 8 bytes a value (32 MB).
const MAX_BUFFER: usize = 1 << 21;

/// What to measure. Every (width, depth) pair is a cell of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct BornDeadConfig {
    pub widths: Vec<usize>,
    pub depths: Vec<usize>,
    pub trials: u64,
    pub inputs: usize,
    pub init: Init,
    pub bias: BiasInit,
    pub seed: u64,
    /// Domain size; `None` for [`Domain::default_points`].
    pub points: Option<usize>,
}

impl Default for BornDeadConfig {
    fn default() -> Self {
        BornDeadConfig {
            widths: vec![4],
            depths: vec![10],
            trials: 1000,
            inputs: 2,
            init: Init::HeNormal,
            bias: BiasInit::Constant(0.0),
            seed: 0,
            points: None,
        }
    }
}

impl BornDeadConfig {
    /// Checks every setting; the error names the option and the accepted range.
    pub fn validate(&self) -> Result<()> {
        if self.widths.is_empty() || self.depths.is_empty() {
            return Err(input_error(
                "--width and --depth need at least one value each",
            ));
        }
        if let Some(&w) = self.widths.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(input_error(format!(
                "--width {w} is out of range: give widths from 1 to {MAX_WIDTH}"
            )));
        }
        if let Some(&d) = self.depths.iter().find(|&&d| d == 0 || d > MAX_DEPTH) {
            return Err(input_error(format!(
                "--depth {d} is out of range: give depths from 1 to {MAX_DEPTH}"
            )));
        }
        if self.trials == 0 || self.trials > MAX_TRIALS {
            return Err(input_error(format!(
                "--trials {} is out of range: give 1 to {MAX_TRIALS} trials",
                self.trials
            )));
        }
        if self.inputs == 0 || self.inputs > MAX_INPUTS {
            return Err(input_error(format!(
                "--inputs {} is out of range: give 1 to {MAX_INPUTS} inputs",
                self.inputs
            )));
        }
        if let Some(p) = self.points {
            if p == 0 || p > MAX_POINTS {
                return Err(input_error(format!(
                    "--points {p} is out of range: give 1 to {MAX_POINTS} points"
                )));
            }
        }
        let width = self.widths.iter().max().copied().unwrap_or(1);
        if width.saturating_mul(self.points()) > MAX_BUFFER {
            return Err(input_error(format!(
                "--width {width} with {} domain points needs too much memory: keep width × \
                 points under {MAX_BUFFER} (lower --points)",
                self.points()
            )));
        }
        Ok(())
    }

    /// Whether all biases are zero (the domain is then a set of directions).
    pub fn homogeneous(&self) -> bool {
        is_homogeneous(self.init, self.bias)
    }

    /// The domain size actually used.
    pub fn points(&self) -> usize {
        self.points
            .unwrap_or_else(|| Domain::default_points(self.inputs, self.homogeneous()))
    }

    /// Whether 1 − (1 − 2^−N)^L is the exact single-point probability: weights symmetric about 0
    /// with a continuous law, and zero biases.
    pub fn closed_form_applies(&self) -> bool {
        self.homogeneous() && !matches!(self.init, Init::Rai | Init::Zero)
    }
}

/// One (width, depth) cell of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct BornDeadCell {
    pub width: usize,
    pub depth: usize,
    /// Networks constant over the domain.
    pub born_dead: Proportion,
    /// Networks with some hidden layer all zero at x0.
    pub point_dead: Proportion,
    /// Mean share of hidden neurons that are zero at every domain point.
    pub dead_share: f64,
    /// Hidden neurons zero at every domain point, summed over the trials (what `dead_share`
    /// is a share of, kept whole so that shards add up exactly).
    pub dead_neurons: u64,
    /// 1 − (1 − 2^−N)^L.
    pub closed_form: f64,
}

impl BornDeadCell {
    /// The cell of `trials` networks of which `born_dead` were constant over the domain and
    /// `point_dead` had an all-zero layer at x0, with `dead_neurons` dead neurons in all.
    pub fn from_counts(
        width: usize,
        depth: usize,
        trials: u64,
        born_dead: u64,
        point_dead: u64,
        dead_neurons: u64,
    ) -> BornDeadCell {
        let neurons = trials as f64 * (width * depth) as f64;
        BornDeadCell {
            width,
            depth,
            born_dead: Proportion::new(born_dead, trials),
            point_dead: Proportion::new(point_dead, trials),
            dead_share: if trials == 0 {
                0.0
            } else {
                dead_neurons as f64 / neurons
            },
            dead_neurons,
            closed_form: single_point_dead_probability(width, depth),
        }
    }
}

/// The result: the cells in the order of the widths, then the depths, as given (a repeated
/// value is measured once).
#[derive(Debug, Clone, PartialEq)]
pub struct BornDeadReport {
    pub config: BornDeadConfig,
    /// What the domain is, in words.
    pub domain: String,
    pub x0: Vec<f64>,
    pub cells: Vec<BornDeadCell>,
    /// True when the run was cancelled; the cells then hold the widths finished before.
    pub cancelled: bool,
}

/// Counts over the trials of one width, by 1-based layer.
#[derive(Debug, Clone)]
struct Tally {
    trials: u64,
    constant_at: Vec<u64>,
    zero_at: Vec<u64>,
    dead: Vec<u64>,
}

impl Tally {
    fn new(depth: usize) -> Tally {
        Tally {
            trials: 0,
            constant_at: vec![0; depth + 1],
            zero_at: vec![0; depth + 1],
            dead: vec![0; depth],
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        self.trials += other.trials;
        for (a, b) in [
            (&mut self.constant_at, &other.constant_at),
            (&mut self.zero_at, &other.zero_at),
            (&mut self.dead, &other.dead),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self
    }

    fn cell(&self, width: usize, depth: usize) -> BornDeadCell {
        let upto = |v: &[u64]| v[..=depth].iter().sum::<u64>();
        BornDeadCell::from_counts(
            width,
            depth,
            self.trials,
            upto(&self.constant_at),
            upto(&self.zero_at),
            self.dead[..depth].iter().sum(),
        )
    }
}

/// Runs the experiment on the current rayon pool.
pub fn run(config: &BornDeadConfig, progress: &Progress) -> Result<BornDeadReport> {
    run_streaming(config, progress, |_| {})
}

/// Runs the experiment, calling `partial` with the report so far after each width. Checks
/// `progress` for cancellation between trials and counts one unit per trial of each width.
pub fn run_streaming(
    config: &BornDeadConfig,
    progress: &Progress,
    partial: impl FnMut(&BornDeadReport),
) -> Result<BornDeadReport> {
    run_part(config, Shard::WHOLE, progress, partial)
}

/// Runs one shard: for every width, the trials of [`Shard::range`] of `0..trials`. Trial t
/// draws from the same generator as in the whole run, so the shards' counts add up to the
/// whole run's exactly. The cells count only this shard's trials.
pub fn run_shard(
    config: &BornDeadConfig,
    shard: Shard,
    progress: &Progress,
) -> Result<BornDeadReport> {
    run_part(config, shard, progress, |_| {})
}

fn run_part(
    config: &BornDeadConfig,
    shard: Shard,
    progress: &Progress,
    mut partial: impl FnMut(&BornDeadReport),
) -> Result<BornDeadReport> {
    config.validate()?;
    let domain = Domain::new(config.inputs, config.points(), config.homogeneous());
    let widths = super::distinct(&config.widths);
    let depth = config.depths.iter().copied().max().unwrap_or(1);
    let trials = shard.range(config.trials);
    progress.start(widths.len() as u64 * (trials.end - trials.start));
    let mut report = BornDeadReport {
        config: config.clone(),
        domain: domain.describe(),
        x0: domain.point(0),
        cells: Vec::new(),
        cancelled: false,
    };
    for &width in &widths {
        let tally = tally_width(config, &domain, width, depth, trials.clone(), progress);
        if tally.trials < trials.end - trials.start {
            report.cancelled = true;
            break;
        }
        for &d in &super::distinct(&config.depths) {
            report.cells.push(tally.cell(width, d));
        }
        partial(&report);
    }
    Ok(report)
}

fn tally_width(
    config: &BornDeadConfig,
    domain: &Domain,
    width: usize,
    depth: usize,
    trials: Range<u64>,
    progress: &Progress,
) -> Tally {
    let spec = TrialSpec {
        width,
        depth,
        init: config.init,
        bias: config.bias,
        domain,
    };
    // Blocks of trials, so that a cancelled run stops within one block instead of walking the
    // remaining indices; the sums are of integers, so the blocking does not change the result.
    let mut total = Tally::new(depth);
    let mut start = trials.start;
    while start < trials.end && !progress.is_cancelled() {
        let end = (start + BLOCK).min(trials.end);
        let block = (start..end)
            .into_par_iter()
            .fold(
                || (Tally::new(depth), Scratch::new(width, domain.len())),
                |(mut tally, mut scratch), t| {
                    if progress.is_cancelled() {
                        return (tally, scratch);
                    }
                    let mut rng = rng_from_seed(derive_seed(config.seed, &[width as u64, t]));
                    let out = run_trial(&spec, &mut rng, &mut scratch, &mut tally.dead);
                    tally.trials += 1;
                    if let Some(k) = out.constant_at {
                        tally.constant_at[k] += 1;
                    }
                    if let Some(k) = out.zero_at_x0 {
                        tally.zero_at[k] += 1;
                    }
                    progress.add_done(1);
                    (tally, scratch)
                },
            )
            .map(|(tally, _)| tally)
            .reduce(|| Tally::new(depth), Tally::merge);
        total = total.merge(block);
        start = end;
    }
    total
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small experiment: the given grid, 64 domain points.
    pub(crate) fn cfg(widths: &[usize], depths: &[usize], trials: u64) -> BornDeadConfig {
        BornDeadConfig {
            widths: widths.to_vec(),
            depths: depths.to_vec(),
            trials,
            points: Some(64),
            ..BornDeadConfig::default()
        }
    }

    #[test]
    fn validation_names_the_option() {
        let bad = [
            (cfg(&[0], &[3], 10), "--width 0"),
            (cfg(&[4], &[0], 10), "--depth 0"),
            (cfg(&[4], &[3], 0), "--trials 0"),
            (cfg(&[], &[3], 10), "at least one"),
            (
                BornDeadConfig {
                    inputs: 0,
                    ..cfg(&[4], &[3], 10)
                },
                "--inputs 0",
            ),
            (
                BornDeadConfig {
                    points: Some(0),
                    ..cfg(&[4], &[3], 10)
                },
                "--points 0",
            ),
            (
                BornDeadConfig {
                    points: Some(MAX_POINTS),
                    ..cfg(&[1000], &[3], 10)
                },
                "too much memory",
            ),
        ];
        for (c, msg) in bad {
            let err = run(&c, &Progress::new()).unwrap_err();
            assert!(err.to_string().contains(msg), "{err}");
            assert_eq!(crate::error::exit_code(&err), 2);
        }
    }

    #[test]
    fn cells_follow_the_given_order_and_depths_are_nested() {
        let r = run(&cfg(&[3, 2, 3], &[4, 2, 4], 200), &Progress::new()).unwrap();
        let order: Vec<(usize, usize)> = r.cells.iter().map(|c| (c.width, c.depth)).collect();
        assert_eq!(order, [(3, 4), (3, 2), (2, 4), (2, 2)]);
        for pair in r.cells.chunks(2) {
            // Common random numbers: a deeper network of the same trials dies at least as often.
            assert!(pair[0].born_dead.successes >= pair[1].born_dead.successes);
            assert!(pair[0].point_dead.successes >= pair[1].point_dead.successes);
        }
    }

    #[test]
    fn zero_init_is_always_born_dead() {
        let c = BornDeadConfig {
            init: Init::Zero,
            ..cfg(&[3], &[1, 5], 50)
        };
        let r = run(&c, &Progress::new()).unwrap();
        assert!(!c.closed_form_applies());
        for cell in &r.cells {
            assert_eq!(cell.born_dead.successes, 50);
            assert_eq!(cell.dead_share, 1.0);
        }
    }

    #[test]
    fn cancelled_run_reports_it() {
        let p = Progress::new();
        p.cancel();
        let r = run(&cfg(&[2], &[3], 100), &p).unwrap();
        assert!(r.cancelled && r.cells.is_empty());
    }
}
