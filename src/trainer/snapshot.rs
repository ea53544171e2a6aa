//! What the UI sees of training: a plain, immutable picture of one moment, shared as
//! `Arc<Snapshot>`. The panes draw only from this, never from the engine, so they can be tested
//! with any snapshot and never wait on training.

use std::sync::Arc;

use crate::activation::Activation;

pub use super::life::Lives;

/// A hidden neuron's state, and whether the target is a class, one of several classes, or a
/// number: the engine's own types, which are plain data (the panes still import them from
/// here).
pub use crate::engine::{NeuronState, Task};

/// One hidden neuron.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NeuronView {
    pub health: NeuronState,
    /// Share of training inputs on which the neuron passes gradient.
    pub activation_rate: f64,
    pub mean_abs_grad: f64,
    /// Consecutive epochs dead (0 when alive).
    pub epochs_dead: u64,
    /// Its pre-activation z over the training set.
    pub z: ZRange,
}

/// The spread of a neuron's pre-activation over the training set: a ReLU neuron is dead
/// exactly when the whole range lies at or below 0.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ZRange {
    pub min: f64,
    /// Lower and upper quartiles.
    pub q1: f64,
    pub q3: f64,
    pub max: f64,
}

impl ZRange {
    /// All four values are finite.
    pub fn is_finite(&self) -> bool {
        [self.min, self.q1, self.q3, self.max]
            .iter()
            .all(|v| v.is_finite())
    }
}

/// How often fresh networks of the current shape were born dead, per initialization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BornDeadTally {
    /// The weight and bias init, e.g. `he-normal, bias 0`.
    pub init: String,
    pub born_dead: u32,
    pub draws: u32,
}

/// Where training stopped on a non-finite value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Divergence {
    /// The step that produced it.
    pub step: u64,
    /// The same moment in epochs (fractional), the metrics' x axis.
    pub epoch: f64,
}

/// One layer of weights: hidden layers carry neuron health, the output layer none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerView {
    /// `weights[out][in]`.
    pub weights: Vec<Vec<f64>>,
    pub bias: Vec<f64>,
    /// One per neuron for hidden layers; empty for the output layer.
    pub neurons: Vec<NeuronView>,
    /// Share of (input, neuron) pairs with zero output.
    pub sparsity: f64,
    pub weight_norm: f64,
    pub grad_norm: f64,
}

/// A data point in raw input coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataPoint {
    pub x1: f64,
    pub x2: f64,
    /// The class (±1) or the regression target.
    pub label: f64,
    pub test: bool,
}

/// Values sampled over the input plane, row 0 at the top (largest x2).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub width: usize,
    pub height: usize,
    pub values: Vec<f64>,
}

impl Grid {
    /// The value at column `x`, row `y`, if inside.
    pub fn get(&self, x: usize, y: usize) -> Option<f64> {
        if x < self.width && y < self.height {
            self.values.get(y * self.width + x).copied()
        } else {
            None
        }
    }

    /// The cell centres of a `width` × `height` grid over `domain`, row 0 at the top.
    pub fn centres(width: usize, height: usize, domain: Extent) -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(width * height);
        for row in 0..height {
            let x2 = domain.y_max - (row as f64 + 0.5) / height as f64 * domain.height();
            for col in 0..width {
                let x1 = domain.x_min + (col as f64 + 0.5) / width as f64 * domain.width();
                points.push((x1, x2));
            }
        }
        points
    }

    /// `f` evaluated at every cell centre at once (`f` fills one value per point).
    pub fn sample_all(
        width: usize,
        height: usize,
        domain: Extent,
        f: impl FnOnce(&[(f64, f64)], &mut [f64]),
    ) -> Grid {
        let points = Grid::centres(width, height, domain);
        let mut values = vec![0.0; points.len()];
        f(&points, &mut values);
        Grid {
            width,
            height,
            values,
        }
    }

    /// Sample `f(x1, x2)` at cell centres over `domain`.
    pub fn sample(
        width: usize,
        height: usize,
        domain: Extent,
        mut f: impl FnMut(f64, f64) -> f64,
    ) -> Grid {
        let values = Grid::centres(width, height, domain)
            .into_iter()
            .map(|(x1, x2)| f(x1, x2))
            .collect();
        Grid {
            width,
            height,
            values,
        }
    }
}

/// The size (width, height) of every neuron's tile grid: the largest tile the Network pane
/// draws is 4 cells of 2 half-block pixels each way.
pub const TILE_PIXELS: (usize, usize) = (4, 4);

/// The input plane's extent: the x1 and x2 ranges the plane views draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

impl Default for Extent {
    fn default() -> Extent {
        Extent {
            x_min: -6.0,
            x_max: 6.0,
            y_min: -6.0,
            y_max: 6.0,
        }
    }
}

impl Extent {
    pub fn width(&self) -> f64 {
        self.x_max - self.x_min
    }

    pub fn height(&self) -> f64 {
        self.y_max - self.y_min
    }
}

/// One sample of the metrics over time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sample {
    pub epoch: f64,
    pub train_loss: f64,
    pub test_loss: f64,
    pub dead_fraction: f64,
    /// Per weight layer.
    pub grad_norms: Vec<f64>,
}

/// The metrics over the whole run in bounded memory: when full, every other sample is dropped
/// and the stride doubles, so the chart always spans the run and its shape changes rarely
/// (a scrolling window would shift every cell on every sample).
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    samples: Vec<Sample>,
    capacity: usize,
    stride: u64,
    seen: u64,
}

impl Default for History {
    fn default() -> History {
        History::new(512)
    }
}

impl History {
    /// An empty history holding at most `capacity` samples (at least 2).
    pub fn new(capacity: usize) -> History {
        History {
            samples: Vec::with_capacity(capacity.max(2)),
            capacity: capacity.max(2),
            stride: 1,
            seen: 0,
        }
    }

    /// Offer a sample; it is kept if it falls on the current stride.
    pub fn push(&mut self, sample: Sample) {
        let keep = self.seen % self.stride == 0;
        self.seen += 1;
        if !keep {
            return;
        }
        if self.samples.len() == self.capacity {
            let mut i = 0;
            self.samples.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride *= 2;
            if (self.seen - 1) % self.stride != 0 {
                return;
            }
        }
        self.samples.push(sample);
    }

    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The history as it was at `epoch`: later samples dropped, the next one kept where it
    /// would have been (exactly so until the first thinning).
    pub fn truncate_after(&mut self, epoch: f64) {
        self.samples.retain(|s| s.epoch <= epoch);
        self.seen = (self.samples.len() as u64).saturating_sub(1) * self.stride + 1;
        if self.samples.is_empty() {
            self.seen = 0;
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// The slice of the inputs the plane views show, as the panes label it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlaneInfo {
    pub view: crate::engine::PlaneView,
    /// The horizontal and vertical axes' names.
    pub axes: (String, String),
    /// For PCA, the variance share of each component.
    pub explained: Option<(f64, f64)>,
    /// Raw inputs per example (more than 2: the other inputs are held at their mean).
    pub inputs: usize,
}

/// Where the shown moment is in the run's kept history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimelineMark {
    /// The past epoch shown (`None`: the run as it is now).
    pub viewing: Option<u64>,
    /// The run's newest epoch.
    pub now: u64,
    /// Moments kept, and the shown one's place among them (0-based).
    pub kept: usize,
    pub position: usize,
    /// Epochs with a death told up to the moment shown (the jump targets).
    pub deaths: usize,
    /// Memory the kept moments hold, in bytes.
    pub bytes: usize,
}

/// The state of training at one moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// Optimizer steps so far.
    pub step: u64,
    pub epoch: u64,
    pub train_loss: f64,
    pub test_loss: f64,
    /// A loss or weight is no longer finite: training stopped.
    pub diverged: bool,
    /// Training is running (not paused).
    pub running: bool,
    /// Measured optimizer steps per second.
    pub steps_per_sec: f64,
    pub activation: Activation,
    pub task: Task,
    /// Names of the network's inputs (features), e.g. `x1`, `x1^2`.
    pub inputs: Vec<String>,
    /// Hidden layers then the output layer.
    pub layers: Vec<LayerView>,
    pub alive: usize,
    pub dead: usize,
    pub saturated: usize,
    /// Transitions into dead and out of it since training started (network-wide).
    pub deaths: u64,
    pub revivals: u64,
    /// Hidden neurons dead at initialization, and whether the output was constant then.
    pub born_dead_neurons: usize,
    pub born_dead: bool,
    /// Fresh networks of this shape drawn so far (resets included), per init.
    pub born_dead_tally: Vec<BornDeadTally>,
    /// Set once training has diverged.
    pub divergence: Option<Divergence>,
    pub points: Arc<Vec<DataPoint>>,
    pub domain: Extent,
    /// The class names in index order (classification).
    pub classes: Vec<String>,
    /// The slice of the inputs the plane views show.
    pub plane: PlaneInfo,
    /// For multi-class tasks, the most probable class at each pixel of `output` (which then
    /// holds that class's probability, the confidence).
    pub output_class: Option<Grid>,
    /// For multi-class tasks, the class the network predicts for each of `points` (empty
    /// otherwise): the example's own prediction, all inputs included, not the slice's.
    pub predicted: Arc<Vec<u16>>,
    /// For classification, `confusion[true][predicted]` over the test set (the training set
    /// when there is none), and which set it is.
    pub confusion: Option<Vec<Vec<u64>>>,
    pub confusion_on_test: bool,
    /// The prediction over the input plane.
    pub output: Grid,
    /// The inspected neuron's output over the input plane: (layer, neuron, grid).
    pub inspected: Option<(usize, usize, Grid)>,
    /// Every hidden neuron's output over the input plane at [`TILE_PIXELS`], per layer.
    pub tiles: Arc<Vec<Vec<Grid>>>,
    pub history: Arc<History>,
    /// Each hidden neuron's states per epoch, deaths and revivals.
    pub lives: Arc<Lives>,
    /// A one-line notice from the trainer (e.g. "network rebuilt: 2 layers").
    pub notice: Option<String>,
    /// Counts rebuilds, so the UI knows a notice or a reset is new.
    pub generation: u64,
    /// The run's kept history and the moment shown.
    pub timeline: TimelineMark,
    /// The last model save asked for: its number (counting from 1), and the file written or
    /// why not.
    pub saved: Option<(u64, Result<std::path::PathBuf, String>)>,
}

impl Snapshot {
    /// Hidden layers only.
    pub fn hidden(&self) -> &[LayerView] {
        match self.layers.split_last() {
            Some((_, hidden)) => hidden,
            None => &[],
        }
    }

    /// Share of hidden neurons that are dead.
    pub fn dead_fraction(&self) -> f64 {
        let total = self.alive + self.dead + self.saturated;
        if total == 0 {
            0.0
        } else {
            self.dead as f64 / total as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(e: f64) -> Sample {
        Sample {
            epoch: e,
            ..Sample::default()
        }
    }

    #[test]
    fn history_is_bounded_and_spans_the_run() {
        let mut h = History::new(8);
        for e in 0..1000 {
            h.push(s(e as f64));
        }
        assert!(h.samples().len() <= 8);
        assert_eq!(h.samples()[0].epoch, 0.0);
        let last = h.samples().last().unwrap().epoch;
        assert!(last > 800.0, "last {last}");
        // Samples stay evenly spaced.
        let gaps: Vec<f64> = h
            .samples()
            .windows(2)
            .map(|w| w[1].epoch - w[0].epoch)
            .collect();
        assert!(gaps.iter().all(|g| *g == gaps[0]), "{gaps:?}");
    }

    #[test]
    fn grid_samples_top_row_first() {
        let d = Extent {
            x_min: 0.0,
            x_max: 2.0,
            y_min: 0.0,
            y_max: 2.0,
        };
        let g = Grid::sample(2, 2, d, |x, y| x * 10.0 + y);
        assert_eq!(g.get(0, 0), Some(5.0 + 1.5));
        assert_eq!(g.get(1, 1), Some(15.0 + 0.5));
        assert_eq!(g.get(2, 0), None);
    }
}
