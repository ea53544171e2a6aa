//! Neuron health over the whole training set: which hidden neurons are alive, dead or
//! saturated, per-layer sparsity and norms, and whether the network's output is constant.
//!
//! A neuron is **dead** when f'(z) = 0 on every training sample: no gradient reaches its
//! incoming weights, so gradient descent cannot bring it back (only a change in the layers
//! below can). It is **saturated** when its mean |f'(z)| is below a threshold (0.05 by default),
//! as sigmoid or tanh far from 0, or a ReLU active on under 5% of the samples: little gradient
//! flows. Otherwise it is **alive**.

use super::kernels;
use super::network::{BLOCK, Gradients, Network, Scratch};
use super::quartiles::Quartiles;

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
    /// Lower quartile of z over the training set, as `torch.quantile(z, 0.25)` (linear
    /// interpolation between order statistics); exact.
    pub z_q1: f64,
    /// Upper quartile of z over the training set, as `torch.quantile(z, 0.75)`; exact.
    pub z_q3: f64,
}

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
    /// the mean loss. Allocates its buffers; a session reuses its own.
    pub fn measure(
        net: &Network,
        xs: &[f64],
        ys: &[f64],
        saturation_threshold: f64,
        prev: &Health,
    ) -> (Health, f64) {
        let mut grads = Gradients::zeros(net);
        let mut scratch = Scratch::new(net);
        let mut quartiles = Quartiles::default();
        // Only whole rows: a short `xs` measures fewer samples instead of panicking.
        let n = ys.len().min(xs.len() / net.inputs().max(1));
        let rows: Vec<usize> = (0..n).collect();
        let probe = Probe::run(
            net,
            xs,
            &ys[..n],
            &rows,
            &mut scratch,
            &mut quartiles,
            Some(&mut grads),
        );
        let loss = probe.loss;
        let norms: Vec<f64> = (0..net.layers.len()).map(|l| grads.layer_norm(l)).collect();
        let h = probe.finish(net, &norms, &quartiles, saturation_threshold, prev);
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

/// One hidden layer's per-neuron statistics during a pass.
#[derive(Debug, Clone)]
struct LayerProbe {
    nonzero: Vec<u32>,
    sum_abs: Vec<f64>,
    z_min: Vec<f64>,
    z_max: Vec<f64>,
    nan: Vec<bool>,
    zeros: u64,
}

/// Accumulates per-neuron statistics during a pass over the training set.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    layers: Vec<LayerProbe>,
    out_min: f64,
    out_max: f64,
    samples: usize,
    /// Mean loss over the pass.
    pub(crate) loss: f64,
}

impl Probe {
    pub(crate) fn new(net: &Network) -> Probe {
        Probe {
            layers: net
                .hidden()
                .iter()
                .map(|l| LayerProbe {
                    nonzero: vec![0; l.fan_out],
                    sum_abs: vec![0.0; l.fan_out],
                    z_min: vec![f64::INFINITY; l.fan_out],
                    z_max: vec![f64::NEG_INFINITY; l.fan_out],
                    nan: vec![false; l.fan_out],
                    zeros: 0,
                })
                .collect(),
            out_min: f64::INFINITY,
            out_max: f64::NEG_INFINITY,
            samples: 0,
            loss: f64::NAN,
        }
    }

    /// The health pass of `net` over the training samples `rows` of `xs`, `ys` (all of
    /// them, in order): one forward pass in blocks that measures everything (with the backward
    /// pass too when `grads` is given, which then holds the training-set gradient), then, only
    /// if the quartiles' windows missed, forward passes for them alone.
    pub(crate) fn run(
        net: &Network,
        xs: &[f64],
        ys: &[f64],
        rows: &[usize],
        s: &mut Scratch,
        quartiles: &mut Quartiles,
        grads: Option<&mut Gradients>,
    ) -> Probe {
        let mut probe = Probe::new(net);
        let n = rows.len();
        let hidden = net.layers.len() - 1;
        quartiles.begin(&net.hidden_widths(), n);
        let observe_z = |q: &mut Quartiles, s: &Scratch, upto: usize| {
            for l in 0..upto.min(hidden) {
                let w = net.layers[l].fan_out;
                q.observe(l, &s.z[l][..s.rows * w]);
            }
        };
        match grads {
            Some(g) => {
                probe.loss = net.batch_gradient(xs, ys, rows, g, s, |s, logits| {
                    probe.observe(s, logits);
                    observe_z(quartiles, s, hidden);
                });
            }
            None => {
                net.prepare(s);
                let mut sum = 0.0;
                for start in (0..n).step_by(BLOCK) {
                    net.load_range(xs, ys, start, BLOCK.min(n - start), s);
                    net.forward_block(s, hidden);
                    probe.observe(s, s.logits());
                    sum += net.block_loss(s);
                    observe_z(quartiles, s, hidden);
                }
                probe.loss = if n == 0 { 0.0 } else { sum / n as f64 };
            }
        }
        let range = |p: &Probe, l: usize, i: usize| {
            let lp = &p.layers[l];
            (lp.z_min[i], lp.z_max[i], lp.nan[i])
        };
        let mut passes = 1;
        while !quartiles.end_pass(|l, i| range(&probe, l, i)) && passes < MAX_PASSES {
            let Some(deepest) = quartiles.deepest_open() else {
                break;
            };
            for start in (0..n).step_by(BLOCK) {
                net.load_range(xs, &[], start, BLOCK.min(n - start), s);
                net.forward_block(s, deepest);
                observe_z(quartiles, s, deepest + 1);
            }
            passes += 1;
        }
        probe
    }

    /// Adds a block's statistics (after its forward pass); `logits` are its outputs.
    pub(crate) fn observe(&mut self, s: &Scratch, logits: &[f64]) {
        let b = s.rows;
        kernels::with_fast_path(|| {
            for (l, lp) in self.layers.iter_mut().enumerate() {
                let n = lp.nonzero.len();
                let LayerProbe {
                    nonzero,
                    sum_abs,
                    z_min,
                    z_max,
                    nan,
                    zeros,
                } = lp;
                let (nonzero, sum_abs) = (&mut nonzero[..n], &mut sum_abs[..n]);
                let (z_min, z_max, nan) = (&mut z_min[..n], &mut z_max[..n], &mut nan[..n]);
                let (zs, ds, as_) = (&s.z[l][..b * n], &s.d[l][..b * n], &s.a[l][..b * n]);
                // Four neurons at a time down the block's rows, their accumulators in
                // registers (fixed-size lanes vectorize; the row loop of a narrow layer does
                // not), then the rest one by one.
                let mut zero_total = 0u64;
                let quads = n / 4 * 4;
                for i0 in (0..quads).step_by(4) {
                    let mut cnt = [0u32; 4];
                    let mut abs = [0.0f64; 4];
                    let mut lo = [f64::INFINITY; 4];
                    let mut hi = [f64::NEG_INFINITY; 4];
                    let mut bad = [false; 4];
                    let mut zero = [0u32; 4];
                    for r in 0..b {
                        let at = r * n + i0;
                        let z: &[f64; 4] = zs[at..at + 4].try_into().unwrap_or(&[0.0; 4]);
                        let d: &[f64; 4] = ds[at..at + 4].try_into().unwrap_or(&[0.0; 4]);
                        let a: &[f64; 4] = as_[at..at + 4].try_into().unwrap_or(&[1.0; 4]);
                        for k in 0..4 {
                            cnt[k] += u32::from(d[k] != 0.0);
                            abs[k] += d[k].abs();
                            // Plain compares (a NaN never wins; `nan` records it) vectorize
                            // where f64::min's NaN rule does not.
                            lo[k] = if z[k] < lo[k] { z[k] } else { lo[k] };
                            hi[k] = if z[k] > hi[k] { z[k] } else { hi[k] };
                            bad[k] |= z[k].is_nan();
                            zero[k] += u32::from(a[k] == 0.0);
                        }
                    }
                    for k in 0..4 {
                        let i = i0 + k;
                        nonzero[i] += cnt[k];
                        sum_abs[i] += abs[k];
                        z_min[i] = if lo[k] < z_min[i] { lo[k] } else { z_min[i] };
                        z_max[i] = if hi[k] > z_max[i] { hi[k] } else { z_max[i] };
                        nan[i] |= bad[k];
                        zero_total += u64::from(zero[k]);
                    }
                }
                for i in quads..n {
                    for r in 0..b {
                        let (z, d) = (zs[r * n + i], ds[r * n + i]);
                        nonzero[i] += u32::from(d != 0.0);
                        sum_abs[i] += d.abs();
                        z_min[i] = if z < z_min[i] { z } else { z_min[i] };
                        z_max[i] = if z > z_max[i] { z } else { z_max[i] };
                        nan[i] |= z.is_nan();
                        zero_total += u64::from(as_[r * n + i] == 0.0);
                    }
                }
                *zeros += zero_total;
            }
        });
        for &z in logits {
            self.out_min = self.out_min.min(z);
            self.out_max = self.out_max.max(z);
        }
        self.samples += b;
    }

    /// Turns the statistics into the new health, with the per-layer gradient norms and the
    /// quartiles, carrying counters over from `prev`.
    pub(crate) fn finish(
        self,
        net: &Network,
        grad_norms: &[f64],
        quartiles: &Quartiles,
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
                let rate = lp.nonzero[i] as f64 / n;
                let mean = lp.sum_abs[i] / n;
                let state = if lp.nonzero[i] == 0 {
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
                let (z_q1, z_q3) = quartiles.get(l, i);
                let (z_min, z_max) = if lp.nan[i] {
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
                    z_q1,
                    z_q3,
                });
            }
            h.neurons.push(row);
        }
        for (l, layer) in net.layers.iter().enumerate() {
            let zeros = self.layers.get(l).map_or(0, |lp| lp.zeros);
            h.layers.push(LayerHealth {
                sparsity: zeros as f64 / (n * layer.fan_out as f64),
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
