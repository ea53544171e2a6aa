//! Neuron health over the whole training set: which hidden neurons are alive, dead or
//! saturated, per-layer sparsity and norms, and whether the network's output is constant.
//!
//! A neuron is **dead** when f'(z) = 0 on every training sample: no gradient reaches its
//! incoming weights, so gradient descent cannot bring it back (only a change in the layers
//! below can). It is **saturated** when its mean |f'(z)| is below a threshold (0.05 by default),
//! as sigmoid or tanh far from 0, or a ReLU active on under 5% of the samples: little gradient
//! flows. Otherwise it is **alive**.

use crate::activation::Activation;

use super::kernels;
use super::loss::Loss;
use super::network::{BLOCK, Gradients, Network, Scratch};
use super::quartiles::{KeptValues, Quartiles};

/// A hidden neuron's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NeuronState {
    #[default]
    Alive,
    Saturated,
    Dead,
}

impl NeuronState {
    pub fn name(self) -> &'static str {
        match self {
            NeuronState::Alive => "alive",
            NeuronState::Saturated => "saturated",
            NeuronState::Dead => "dead",
        }
    }
}

/// One hidden neuron's health.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NeuronHealth {
    pub state: NeuronState,
    /// Share of training samples with f'(z) ≠ 0.
    pub activation_rate: f64,
    /// Mean |f'(z)| over the training set.
    pub mean_abs_grad: f64,
    /// Epochs this neuron has been dead without a break: 0 at the measurement before training
    /// (born dead), 1 at the first epoch end it is found dead (it died during that epoch),
    /// and one more at every epoch end it stays dead.
    pub epochs_dead: u64,
    /// Smallest pre-activation z over the training set (NaN if any z is NaN).
    pub z_min: f64,
    /// Largest pre-activation z over the training set (NaN if any z is NaN).
    pub z_max: f64,
}

/// Per hidden layer, per neuron: the lower and upper quartile of z over the training set, as
/// `torch.quantile(z, 0.25)` and `(z, 0.75)` (linear interpolation between order statistics);
/// exact. NaN for a neuron that saw a NaN. Computed apart from [`Health`], when first read
/// ([`super::Session::z_quartiles`]).
pub type ZQuartiles = Vec<Vec<(f64, f64)>>;

/// One layer's statistics (hidden and output layers).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LayerHealth {
    /// Share of exactly-zero outputs over samples × neurons (hidden layers; 0 for the output
    /// layer).
    pub sparsity: f64,
    /// Frobenius norm of the weights.
    pub weight_norm: f64,
    /// Norm of this layer's training-set gradient (weights, bias and slope) over the last
    /// epoch: every training sample's gradient once, at the weights it was trained with, as
    /// the epoch's mini-batches computed them (for full-batch training, the epoch's one step;
    /// before training, at the initial weights).
    pub grad_norm: f64,
}

/// The health of a whole network.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Health {
    /// Per hidden layer, per neuron.
    pub neurons: Vec<Vec<NeuronHealth>>,
    /// Per layer, the output layer last.
    pub layers: Vec<LayerHealth>,
    pub alive: usize,
    pub dead: usize,
    pub saturated: usize,
    /// Transitions into dead since training started.
    pub deaths: u64,
    /// Transitions out of dead since training started.
    pub revivals: u64,
    /// Hidden neurons dead at initialization.
    pub born_dead_neurons: usize,
    /// The output was constant over the training set at initialization.
    pub born_dead: bool,
    /// The output is constant over the training set now.
    pub output_constant: bool,
    /// Health passes counted so far, this one included: 1 for the measurement before training,
    /// then one more per epoch end (a session's on-demand pass counts as the next one).
    pub passes: u64,
}

impl Health {
    /// Hidden neurons in total.
    pub fn total(&self) -> usize {
        self.alive + self.dead + self.saturated
    }

    /// Measures `net` over the samples `xs` (row-major, one row per sample, `net.inputs()`
    /// columns) with targets `ys`, carrying the counters (deaths, revivals, epochs dead, born
    /// dead) over from `prev` (use `Health::default()` for a first measurement). The gradient
    /// norms are those of the training-set gradient at these weights. Returns the health and
    /// the mean loss. Allocates its buffers; a session reuses its own (and computes the
    /// quartiles only when asked).
    pub fn measure(
        net: &Network,
        xs: &[f64],
        ys: &[f64],
        saturation_threshold: f64,
        prev: &Health,
    ) -> (Health, f64) {
        let mut grads = Gradients::zeros(net);
        let mut scratch = Scratch::new(net);
        let mut values = PassValues::default();
        // Only whole rows: a short `xs` measures fewer samples instead of panicking.
        let n = ys.len().min(xs.len() / net.inputs().max(1));
        let rows: Vec<usize> = (0..n).collect();
        let probe = Probe::run(
            net,
            xs,
            &ys[..n],
            &rows,
            &mut scratch,
            &mut values,
            Some(&mut grads),
        );
        let loss = probe.loss.unwrap_or(f64::NAN);
        let norms: Vec<f64> = (0..net.layers.len()).map(|l| grads.layer_norm(l)).collect();
        let h = probe.finish(net, &norms, saturation_threshold, prev);
        (h, loss)
    }

    /// Share of hidden neurons that are dead (0 when there are none).
    pub fn dead_fraction(&self) -> f64 {
        let n = self.total();
        if n == 0 {
            0.0
        } else {
            self.dead as f64 / n as f64
        }
    }
}

/// Passes over the training set a health pass may make for the quartiles at most; they need
/// one or two, and a bounded number in the worst case.
const MAX_PASSES: u32 = 64;

/// Logits beyond this size could make a finite loss overflow (a squared error, a
/// cross-entropy's logit differences); below it, BCE and cross-entropy are surely finite.
const TAME_LOGIT: f64 = 1e150;

/// What a health pass keeps for the figures computed when first read: the logits (for the
/// training loss) and, for small passes, every hidden pre-activation (for the quartiles).
/// Large passes find their quartiles during the pass, with windows carried between passes.
/// Buffers are reused from pass to pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct PassValues {
    /// Every training sample's logits, in sample order (`outputs()` per sample).
    pub(crate) logits: Vec<f64>,
    pub(crate) kept: KeptValues,
    windows: Quartiles,
}

/// One hidden layer's per-neuron statistics during a pass. The counts are kept as f64 (exact
/// up to 2^53) so that every accumulator shares the lanes of the vectorized loop.
#[derive(Debug, Clone)]
struct LayerProbe {
    /// ReLU: f'(z) ≠ 0 exactly when z > 0, and then f'(z) = 1 and f(z) ≠ 0, so z alone gives
    /// every count.
    relu: bool,
    nonzero: Vec<f64>,
    sum_abs: Vec<f64>,
    z_min: Vec<f64>,
    z_max: Vec<f64>,
    nan: Vec<f64>,
    zeros: f64,
}

impl LayerProbe {
    /// Adds the block statistics `q` of `rows` samples for the neurons `at`.
    fn add(&mut self, at: std::ops::Range<usize>, q: &Quad, rows: usize) {
        for (k, i) in at.enumerate() {
            self.nonzero[i] += q.nonzero[k];
            self.z_min[i] = if q.lo[k] < self.z_min[i] {
                q.lo[k]
            } else {
                self.z_min[i]
            };
            self.z_max[i] = if q.hi[k] > self.z_max[i] {
                q.hi[k]
            } else {
                self.z_max[i]
            };
            self.nan[i] += q.nan[k];
            if self.relu {
                self.sum_abs[i] += q.nonzero[k];
                self.zeros += rows as f64 - q.nonzero[k];
            } else {
                self.sum_abs[i] += q.abs[k];
                self.zeros += q.zeros[k];
            }
        }
    }
}

/// One block's statistics of four neurons (or one, in lane 0): f'(z) ≠ 0 counts, Σ|f'(z)|,
/// z range, NaN counts and f(z) = 0 counts. Σ|f'| and the zeros are not gathered for ReLU
/// (see [`LayerProbe::relu`]).
#[derive(Debug, Clone, Copy)]
struct Quad {
    nonzero: [f64; 4],
    abs: [f64; 4],
    lo: [f64; 4],
    hi: [f64; 4],
    nan: [f64; 4],
    zeros: [f64; 4],
}

impl Quad {
    const EMPTY: Quad = Quad {
        nonzero: [0.0; 4],
        abs: [0.0; 4],
        lo: [f64::INFINITY; 4],
        hi: [f64::NEG_INFINITY; 4],
        nan: [0.0; 4],
        zeros: [0.0; 4],
    };

    /// Neurons `i0..i0 + 4` down the block's rows (`zs`, `ds`, `as_`: z, f'(z) and f(z),
    /// sample-major with `n` per row): the accumulators stay in one vector register each.
    /// Counts are f64 so that every accumulator shares the lanes; the result does not depend
    /// on the instructions chosen (each lane sums its own neuron in row order).
    fn of(zs: &[f64], ds: &[f64], as_: &[f64], n: usize, i0: usize, relu: bool) -> Quad {
        #[cfg(target_arch = "x86_64")]
        if kernels::fma_available() {
            #[target_feature(enable = "avx2,fma")]
            unsafe fn wide(
                zs: &[f64],
                ds: &[f64],
                as_: &[f64],
                n: usize,
                i0: usize,
                relu: bool,
            ) -> Quad {
                Quad::body(zs, ds, as_, n, i0, relu)
            }
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { wide(zs, ds, as_, n, i0, relu) };
        }
        Quad::body(zs, ds, as_, n, i0, relu)
    }

    // The lanes index several arrays at once: one index reads clearer than zipped iterators.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn body(zs: &[f64], ds: &[f64], as_: &[f64], n: usize, i0: usize, relu: bool) -> Quad {
        let one = |c: bool| if c { 1.0 } else { 0.0 };
        let mut q = Quad::EMPTY;
        let rows = zs
            .chunks_exact(n)
            .zip(ds.chunks_exact(n))
            .zip(as_.chunks_exact(n));
        for ((zr, dr), ar) in rows {
            let z: &[f64; 4] = zr[i0..i0 + 4].try_into().expect("four lanes");
            for k in 0..4 {
                // Plain compares (a NaN never wins; `nan` counts it) vectorize where
                // f64::min's NaN rule does not.
                q.lo[k] = if z[k] < q.lo[k] { z[k] } else { q.lo[k] };
                q.hi[k] = if z[k] > q.hi[k] { z[k] } else { q.hi[k] };
                q.nan[k] += one(z[k].is_nan());
            }
            if relu {
                for k in 0..4 {
                    q.nonzero[k] += one(z[k] > 0.0);
                }
            } else {
                let d: &[f64; 4] = dr[i0..i0 + 4].try_into().expect("four lanes");
                let a: &[f64; 4] = ar[i0..i0 + 4].try_into().expect("four lanes");
                for k in 0..4 {
                    q.nonzero[k] += one(d[k] != 0.0);
                    q.abs[k] += d[k].abs();
                    q.zeros[k] += one(a[k] == 0.0);
                }
            }
        }
        q
    }

    /// Neuron `i` alone, in lane 0 (the neurons left over from the groups of four).
    fn one(zs: &[f64], ds: &[f64], as_: &[f64], n: usize, i: usize, relu: bool) -> Quad {
        let one = |c: bool| if c { 1.0 } else { 0.0 };
        let mut q = Quad::EMPTY;
        for r in 0..zs.len() / n {
            let (z, d, a) = (zs[r * n + i], ds[r * n + i], as_[r * n + i]);
            q.lo[0] = if z < q.lo[0] { z } else { q.lo[0] };
            q.hi[0] = if z > q.hi[0] { z } else { q.hi[0] };
            q.nan[0] += one(z.is_nan());
            if relu {
                q.nonzero[0] += one(z > 0.0);
            } else {
                q.nonzero[0] += one(d != 0.0);
                q.abs[0] += d.abs();
                q.zeros[0] += one(a == 0.0);
            }
        }
        q
    }
}

/// Accumulates per-neuron statistics during a pass over the training set.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    layers: Vec<LayerProbe>,
    out_min: f64,
    out_max: f64,
    /// Some logit was NaN, infinite or beyond [`TAME_LOGIT`].
    out_wild: bool,
    samples: usize,
    /// Mean loss over the pass, when the pass computed it (with the gradient).
    pub(crate) loss: Option<f64>,
    /// The z quartiles, when the pass found them (large passes; small ones keep the values).
    pub(crate) quartiles: Option<ZQuartiles>,
}

impl Probe {
    pub(crate) fn new(net: &Network) -> Probe {
        Probe {
            layers: net
                .hidden()
                .iter()
                .map(|l| LayerProbe {
                    relu: l.activation == Activation::Relu,
                    nonzero: vec![0.0; l.fan_out],
                    sum_abs: vec![0.0; l.fan_out],
                    z_min: vec![f64::INFINITY; l.fan_out],
                    z_max: vec![f64::NEG_INFINITY; l.fan_out],
                    nan: vec![0.0; l.fan_out],
                    zeros: 0.0,
                })
                .collect(),
            out_min: f64::INFINITY,
            out_max: f64::NEG_INFINITY,
            out_wild: false,
            samples: 0,
            loss: None,
            quartiles: None,
        }
    }

    /// Whether the training loss of this pass's logits is surely finite, so it can wait until
    /// it is read: a squared error can overflow from finite outputs, so it never waits.
    pub(crate) fn loss_surely_finite(&self, loss: Loss) -> bool {
        loss != Loss::Mse && !self.out_wild
    }

    /// The health pass of `net` over the training samples `rows` of `xs`, `ys` (all of
    /// them, in order): one forward pass in blocks that measures everything and keeps the
    /// logits and (small passes) the pre-activations in `values`, with the backward pass too
    /// when `grads` is given, which then holds the training-set gradient and gives the loss.
    /// A large pass then finds its quartiles, with forward passes for them alone only if the
    /// windows missed.
    pub(crate) fn run(
        net: &Network,
        xs: &[f64],
        ys: &[f64],
        rows: &[usize],
        s: &mut Scratch,
        values: &mut PassValues,
        grads: Option<&mut Gradients>,
    ) -> Probe {
        let mut probe = Probe::new(net);
        let n = rows.len();
        let hidden = net.layers.len() - 1;
        let widths = net.hidden_widths();
        let keep = values.kept.begin(&widths, n);
        if !keep {
            values.windows.begin(&widths, n);
        }
        values.logits.clear();
        let record = |probe: &mut Probe, values: &mut PassValues, s: &Scratch, logits: &[f64]| {
            probe.observe(s, logits);
            values.logits.extend_from_slice(logits);
            for (l, &w) in widths.iter().enumerate() {
                let z = &s.z[l][..s.rows * w];
                if keep {
                    values.kept.keep(l, z);
                } else {
                    values.windows.observe(l, z);
                }
            }
        };
        match grads {
            Some(g) => {
                let loss = net.batch_gradient(xs, ys, rows, g, s, |s, logits| {
                    record(&mut probe, values, s, logits);
                });
                probe.loss = Some(loss);
            }
            None => {
                net.prepare(s);
                for start in (0..n).step_by(BLOCK) {
                    net.load_range(xs, &[], start, BLOCK.min(n - start), s);
                    net.forward_block(s, hidden);
                    record(&mut probe, values, s, s.logits());
                }
            }
        }
        if !keep {
            probe.quartiles = Some(probe.windowed_quartiles(net, xs, n, s, &mut values.windows));
        }
        probe
    }

    /// A large pass's quartiles from the windows its forward pass filled, repeating forward
    /// passes for the targets they missed.
    fn windowed_quartiles(
        &self,
        net: &Network,
        xs: &[f64],
        n: usize,
        s: &mut Scratch,
        q: &mut Quartiles,
    ) -> ZQuartiles {
        let range = |l: usize, i: usize| {
            let lp = &self.layers[l];
            (lp.z_min[i], lp.z_max[i], lp.nan[i] > 0.0)
        };
        let mut passes = 1;
        while !q.end_pass(range) && passes < MAX_PASSES {
            let Some(deepest) = q.deepest_open() else {
                break;
            };
            for start in (0..n).step_by(BLOCK) {
                net.load_range(xs, &[], start, BLOCK.min(n - start), s);
                net.forward_block(s, deepest);
                for l in 0..=deepest {
                    let w = net.layers[l].fan_out;
                    q.observe(l, &s.z[l][..s.rows * w]);
                }
            }
            passes += 1;
        }
        self.layers
            .iter()
            .enumerate()
            .map(|(l, lp)| (0..lp.z_min.len()).map(|i| q.get(l, i)).collect())
            .collect()
    }

    /// Adds a block's statistics (after its forward pass); `logits` are its outputs.
    pub(crate) fn observe(&mut self, s: &Scratch, logits: &[f64]) {
        let b = s.rows;
        for (l, lp) in self.layers.iter_mut().enumerate() {
            let n = lp.nonzero.len();
            let (zs, ds, as_) = (&s.z[l][..b * n], &s.d[l][..b * n], &s.a[l][..b * n]);
            let quads = n / 4 * 4;
            for i0 in (0..quads).step_by(4) {
                let q = Quad::of(zs, ds, as_, n, i0, lp.relu);
                lp.add(i0..i0 + 4, &q, b);
            }
            for i in quads..n {
                let q = Quad::one(zs, ds, as_, n, i, lp.relu);
                lp.add(i..i + 1, &q, b);
            }
        }
        for &z in logits {
            self.out_min = self.out_min.min(z);
            self.out_max = self.out_max.max(z);
            self.out_wild |= z.is_nan() || z.abs() > TAME_LOGIT;
        }
        self.samples += b;
    }

    /// Turns the statistics into the new health, with the per-layer gradient norms, carrying
    /// counters over from `prev`.
    pub(crate) fn finish(
        self,
        net: &Network,
        grad_norms: &[f64],
        threshold: f64,
        prev: &Health,
    ) -> Health {
        let n = self.samples.max(1) as f64;
        let hidden = net.layers.len() - 1;
        let mut h = Health {
            deaths: prev.deaths,
            revivals: prev.revivals,
            born_dead: prev.born_dead,
            born_dead_neurons: prev.born_dead_neurons,
            passes: prev.passes + 1,
            ..Health::default()
        };
        for l in 0..hidden {
            let mut row = Vec::with_capacity(net.layers[l].fan_out);
            let lp = &self.layers[l];
            for i in 0..net.layers[l].fan_out {
                let rate = lp.nonzero[i] / n;
                let mean = lp.sum_abs[i] / n;
                let state = if lp.nonzero[i] == 0.0 {
                    NeuronState::Dead
                } else if mean < threshold {
                    NeuronState::Saturated
                } else {
                    NeuronState::Alive
                };
                let was = prev.neurons.get(l).and_then(|r| r.get(i));
                let was_dead = was.is_some_and(|w| w.state == NeuronState::Dead);
                let epochs_dead = match (state, was) {
                    (NeuronState::Dead, _) if prev.passes == 0 => 0,
                    (NeuronState::Dead, Some(w)) if was_dead => w.epochs_dead + 1,
                    (NeuronState::Dead, _) => 1,
                    _ => 0,
                };
                if prev.passes > 0 {
                    if state == NeuronState::Dead && !was_dead {
                        h.deaths += 1;
                    }
                    if state != NeuronState::Dead && was_dead {
                        h.revivals += 1;
                    }
                }
                match state {
                    NeuronState::Alive => h.alive += 1,
                    NeuronState::Dead => h.dead += 1,
                    NeuronState::Saturated => h.saturated += 1,
                }
                let (z_min, z_max) = if lp.nan[i] > 0.0 {
                    (f64::NAN, f64::NAN)
                } else {
                    (lp.z_min[i], lp.z_max[i])
                };
                row.push(NeuronHealth {
                    state,
                    activation_rate: rate,
                    mean_abs_grad: mean,
                    epochs_dead,
                    z_min,
                    z_max,
                });
            }
            h.neurons.push(row);
        }
        for (l, layer) in net.layers.iter().enumerate() {
            let zeros = self.layers.get(l).map_or(0.0, |lp| lp.zeros);
            h.layers.push(LayerHealth {
                sparsity: zeros / (n * layer.fan_out as f64),
                weight_norm: layer.weight_norm(),
                grad_norm: grad_norms.get(l).copied().unwrap_or(0.0),
            });
        }
        h.output_constant =
            self.samples > 0 && (self.out_max - self.out_min) <= 1e-12 * (1.0 + self.out_max.abs());
        if prev.passes == 0 {
            h.born_dead = h.output_constant;
            h.born_dead_neurons = h.dead;
        }
        h
    }
}
