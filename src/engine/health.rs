//! Neuron health over the whole training set: which hidden neurons are alive, dead or
//! saturated, per-layer sparsity and norms, and whether the network's output is constant.
//!
//! A neuron is **dead** when f'(z) = 0 on every training sample: no gradient reaches its
//! incoming weights, so gradient descent cannot bring it back (only a change in the layers
//! below can). It is **saturated** when its mean |f'(z)| is below a threshold (0.05 by default),
//! as sigmoid or tanh far from 0, or a ReLU active on under 5% of the samples: little gradient
//! flows. Otherwise it is **alive**.

use super::network::{Gradients, Network, Scratch};

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
    /// The pre-activation z over the training set: least, greatest, and the lower and upper
    /// quartiles (linear interpolation between order statistics, as `numpy.quantile`). A
    /// ReLU neuron is dead exactly when `z_max <= 0`.
    pub z_min: f64,
    pub z_max: f64,
    pub z_q1: f64,
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
    /// Norm of the full-training-set gradient of this layer's weights and bias (and slope).
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
    /// dead) over from `prev` (use `Health::default()` for a first measurement). Returns the
    /// health and the mean loss. Allocates its buffers; a session reuses its own.
    pub fn measure(
        net: &Network,
        xs: &[f64],
        ys: &[f64],
        saturation_threshold: f64,
        prev: &Health,
    ) -> (Health, f64) {
        let mut probe = Probe::new(net);
        let mut grads = Gradients::zeros(net);
        let mut scratch = Scratch::new(net);
        // Only whole rows: a short `xs` measures fewer samples instead of panicking.
        let n = ys.len().min(xs.len() / net.inputs().max(1));
        let rows: Vec<usize> = (0..n).collect();
        let loss = net.batch_gradient(xs, ys, &rows, &mut grads, &mut scratch, |s, z| {
            probe.observe(s, z)
        });
        (probe.finish(net, &grads, saturation_threshold, prev), loss)
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

/// Accumulates per-neuron statistics during a pass over the training set.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    nonzero: Vec<Vec<u32>>,
    sum_abs: Vec<Vec<f64>>,
    zeros: Vec<u64>,
    /// Per hidden layer, every sample's pre-activations (samples × neurons, row-major).
    z: Vec<Vec<f64>>,
    out_min: f64,
    out_max: f64,
    samples: usize,
}

impl Probe {
    pub(crate) fn new(net: &Network) -> Probe {
        let layers = &net.layers;
        Probe {
            nonzero: layers.iter().map(|l| vec![0; l.fan_out]).collect(),
            sum_abs: layers.iter().map(|l| vec![0.0; l.fan_out]).collect(),
            zeros: vec![0; layers.len()],
            z: vec![Vec::new(); layers.len().saturating_sub(1)],
            out_min: f64::INFINITY,
            out_max: f64::NEG_INFINITY,
            samples: 0,
        }
    }

    #[inline]
    pub(crate) fn observe(&mut self, s: &Scratch, logit: f64) {
        // Hidden layers only: the forward pass leaves the output layer's a and d unset.
        for l in 0..s.d.len() - 1 {
            let (nz, sa) = (&mut self.nonzero[l], &mut self.sum_abs[l]);
            for (i, &d) in s.d[l].iter().enumerate() {
                nz[i] += u32::from(d != 0.0);
                sa[i] += d.abs();
            }
            self.zeros[l] += s.a[l].iter().filter(|&&a| a == 0.0).count() as u64;
            self.z[l].extend_from_slice(&s.z[l]);
        }
        self.out_min = self.out_min.min(logit);
        self.out_max = self.out_max.max(logit);
        self.samples += 1;
    }

    /// Turns the statistics into the new health, carrying counters over from `prev`.
    pub(crate) fn finish(
        mut self,
        net: &Network,
        grads: &Gradients,
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
            let fan_out = net.layers[l].fan_out;
            let mut row = Vec::with_capacity(fan_out);
            let mut column = Vec::with_capacity(self.samples);
            for i in 0..fan_out {
                column.clear();
                column.extend(self.z[l].iter().skip(i).step_by(fan_out));
                let (z_min, z_q1, z_q3, z_max) = quartiles(&mut column);
                let rate = self.nonzero[l][i] as f64 / n;
                let mean = self.sum_abs[l][i] / n;
                let state = if self.nonzero[l][i] == 0 {
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
            h.layers.push(LayerHealth {
                sparsity: self.zeros[l] as f64 / (n * layer.fan_out as f64),
                weight_norm: layer.weight_norm(),
                grad_norm: grads.layer_norm(l),
            });
        }
        self.z.clear();
        h.output_constant =
            self.samples > 0 && (self.out_max - self.out_min) <= 1e-12 * (1.0 + self.out_max.abs());
        if prev.passes == 0 {
            h.born_dead = h.output_constant;
            h.born_dead_neurons = h.dead;
        }
        h
    }
}

/// Least, lower quartile, upper quartile and greatest of `v` (reordered in place); NaN for an
/// empty slice. Quartiles interpolate linearly between order statistics (`numpy.quantile`'s
/// default), so they are exact for any sample size.
fn quartiles(v: &mut [f64]) -> (f64, f64, f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    }
    v.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    (v[0], at(0.25), at(0.75), v[v.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_match_numpy() {
        // numpy.quantile([3, 1, 4, 1, 5], [0, .25, .75, 1]) = [1, 1, 4, 5]
        assert_eq!(
            quartiles(&mut [3.0, 1.0, 4.0, 1.0, 5.0]),
            (1.0, 1.0, 4.0, 5.0)
        );
        // numpy.quantile([1, 2, 3, 4], [.25, .75]) = [1.75, 3.25]
        assert_eq!(quartiles(&mut [4.0, 2.0, 1.0, 3.0]), (1.0, 1.75, 3.25, 4.0));
        assert_eq!(quartiles(&mut [-2.0]), (-2.0, -2.0, -2.0, -2.0));
        assert!(quartiles(&mut []).0.is_nan());
    }

    #[test]
    fn a_relu_neuron_is_dead_exactly_when_its_largest_z_is_not_positive() {
        use crate::engine::{BiasInit, Session, TrainConfig};
        let s = Session::new(TrainConfig {
            bias_init: BiasInit::Constant(-3.0),
            ..TrainConfig::default()
        })
        .unwrap();
        let all: Vec<&NeuronHealth> = s.health().neurons.iter().flatten().collect();
        assert!(all.iter().any(|n| n.state == NeuronState::Dead));
        assert!(all.iter().any(|n| n.state != NeuronState::Dead));
        for n in all {
            assert_eq!(n.state == NeuronState::Dead, n.z_max <= 0.0, "{n:?}");
            assert!(
                n.z_min <= n.z_q1 && n.z_q1 <= n.z_q3 && n.z_q3 <= n.z_max,
                "{n:?}"
            );
        }
    }
}
