//! The multilayer perceptron: flat row-major weights per layer, a forward pass that keeps what
//! backpropagation needs in preallocated scratch buffers, and mini-batch gradients.
//!
//! Nothing here allocates per sample or per step: [`Scratch`] and [`Gradients`] are built once
//! for a network's shape and reused.

use rand_chacha::ChaCha8Rng;

use crate::activation::{Activation, Kind};

use super::error::EngineError;
use super::init::{BiasInit, Init, init_layer};
use super::kernels::{self, Strided};
use super::loss::Loss;

/// Hidden layers allowed at most.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// Neurons per layer (and input features) allowed at most.
pub const MAX_WIDTH: usize = 64;

/// One fully connected layer: `weights[i * fan_in + j]` is the weight from input `j` to neuron
/// `i` (out × in, as PyTorch nn.Linear), then the activation. A PReLU activation carries its
/// learned slope `a` (one per layer).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub fan_in: usize,
    pub fan_out: usize,
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    pub activation: Activation,
}

impl Layer {
    /// The weights into neuron `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.weights[i * self.fan_in..(i + 1) * self.fan_in]
    }

    /// The Euclidean (Frobenius) norm of the weight matrix.
    pub fn weight_norm(&self) -> f64 {
        self.weights.iter().map(|w| w * w).sum::<f64>().sqrt()
    }
}

/// A network: hidden layers then the output layer, with the loss it is trained with.
///
/// Invariants (kept by [`Network::new`] and model-file loading): at least one layer, each
/// layer's `fan_in` equals the previous layer's `fan_out`, the last layer has one neuron, or
/// one per class (2..=20) for cross-entropy.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Hidden layers first; the last layer is the output layer.
    pub layers: Vec<Layer>,
    pub loss: Loss,
}

/// Per-layer gradients (same shapes as the layers), plus the PReLU slope's gradient.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerGrad {
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    /// d loss / d a for a PReLU layer; 0 otherwise.
    pub slope: f64,
}

/// Gradients of every parameter, laid out like [`Network::layers`].
#[derive(Debug, Clone, PartialEq)]
pub struct Gradients {
    pub layers: Vec<LayerGrad>,
}

impl Gradients {
    /// Zeros shaped like `net`.
    pub fn zeros(net: &Network) -> Gradients {
        Gradients {
            layers: net
                .layers
                .iter()
                .map(|l| LayerGrad {
                    weights: vec![0.0; l.weights.len()],
                    bias: vec![0.0; l.bias.len()],
                    slope: 0.0,
                })
                .collect(),
        }
    }

    pub fn clear(&mut self) {
        for g in &mut self.layers {
            g.weights.fill(0.0);
            g.bias.fill(0.0);
            g.slope = 0.0;
        }
    }

    /// The global Euclidean norm over all parameters, as `clip_grad_norm_` computes it.
    pub fn global_norm(&self) -> f64 {
        self.layers
            .iter()
            .map(|g| {
                g.weights.iter().chain(&g.bias).map(|x| x * x).sum::<f64>() + g.slope * g.slope
            })
            .sum::<f64>()
            .sqrt()
    }

    /// The norm of one layer's weight and bias gradient (slope included).
    pub fn layer_norm(&self, l: usize) -> f64 {
        let g = &self.layers[l];
        (g.weights.iter().chain(&g.bias).map(|x| x * x).sum::<f64>() + g.slope * g.slope).sqrt()
    }

    /// The norm of every layer's gradient, in layer order.
    pub fn layer_norms(&self) -> Vec<f64> {
        (0..self.layers.len()).map(|l| self.layer_norm(l)).collect()
    }

    /// Memory held, in bytes (the layers and their buffers).
    pub fn bytes(&self) -> usize {
        self.layers
            .iter()
            .map(|l| {
                std::mem::size_of_val(l)
                    + std::mem::size_of_val(&l.weights[..])
                    + std::mem::size_of_val(&l.bias[..])
            })
            .sum()
    }

    /// Sets every gradient to `other`'s (same shape).
    pub fn copy_from(&mut self, other: &Gradients) {
        for (g, o) in self.layers.iter_mut().zip(&other.layers) {
            g.weights.copy_from_slice(&o.weights);
            g.bias.copy_from_slice(&o.bias);
            g.slope = o.slope;
        }
    }

    /// Adds `k` × `other` (same shape).
    pub fn add_scaled(&mut self, other: &Gradients, k: f64) {
        kernels::with_fast_path(
            #[inline(always)]
            || {
                for (g, o) in self.layers.iter_mut().zip(&other.layers) {
                    for (x, &y) in g.weights.iter_mut().zip(&o.weights) {
                        *x += y * k;
                    }
                    for (x, &y) in g.bias.iter_mut().zip(&o.bias) {
                        *x += y * k;
                    }
                    g.slope += o.slope * k;
                }
            },
        );
    }

    /// Multiplies every gradient by `k`.
    pub fn scale(&mut self, k: f64) {
        for g in &mut self.layers {
            g.weights
                .iter_mut()
                .chain(g.bias.iter_mut())
                .for_each(|x| *x *= k);
            g.slope *= k;
        }
    }
}

/// Samples a [`Scratch`] carries through the layers at once: enough to fill the kernels' tiles,
/// few enough that a block's activations stay in cache. No result depends on it: every sum runs
/// over the samples in order, carried from one block to the next.
pub const BLOCK: usize = 32;

/// Buffers for the forward and backward pass of a block of up to [`BLOCK`] samples, sized for
/// one network shape. Values are stored sample-major per layer: `z[l][s * fan_out + i]` is
/// neuron i's pre-activation for sample s of the block (for a single sample, `z[l][i]`).
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Samples in the block now.
    pub(crate) rows: usize,
    /// Pre-activations per layer (the output layer's are the logits).
    pub(crate) z: Vec<Vec<f64>>,
    /// Post-activations per hidden layer (the output layer's are left alone).
    pub(crate) a: Vec<Vec<f64>>,
    /// f'(z) per hidden layer.
    pub(crate) d: Vec<Vec<f64>>,
    /// d loss / d z per layer.
    delta: Vec<Vec<f64>>,
    /// d loss / d a for the layer below, before multiplying by f'.
    back: Vec<f64>,
    /// The block's inputs, `inputs()` values per sample.
    x: Vec<f64>,
    /// The block's targets.
    y: Vec<f64>,
    /// Each layer's weights transposed (fan_in × fan_out), read by the batched forward pass;
    /// refreshed by [`Network::prepare`].
    wt: Vec<Vec<f64>>,
}

impl Scratch {
    pub fn new(net: &Network) -> Scratch {
        let per_layer = || {
            net.layers
                .iter()
                .map(|l| vec![0.0; BLOCK * l.fan_out])
                .collect::<Vec<_>>()
        };
        let max_in = net.layers.iter().map(|l| l.fan_in).max().unwrap_or(0);
        Scratch {
            rows: 0,
            z: per_layer(),
            a: per_layer(),
            d: per_layer(),
            delta: per_layer(),
            back: vec![0.0; BLOCK * max_in],
            x: vec![0.0; BLOCK * net.inputs()],
            y: vec![0.0; BLOCK],
            wt: net
                .layers
                .iter()
                .map(|l| vec![0.0; l.weights.len()])
                .collect(),
        }
    }

    /// The block's output pre-activations (logits), sample-major: one per sample, or one per
    /// class and sample for cross-entropy.
    pub(crate) fn logits(&self) -> &[f64] {
        let last = self.z.len() - 1;
        let k = self.z[last].len() / BLOCK;
        &self.z[last][..self.rows * k]
    }

    /// The block's targets.
    pub(crate) fn targets(&self) -> &[f64] {
        &self.y[..self.rows]
    }
}

/// Checks an activation can be used in a hidden layer.
pub fn check_hidden_activation(act: &Activation) -> Result<(), EngineError> {
    if !act.value(0.5).is_finite() {
        return Err(EngineError::invalid(format!(
            "activation '{act}' is not usable"
        )));
    }
    Ok(())
}

/// The output activations a loss accepts: sigmoid for BCE; linear or tanh for MSE; linear
/// for cross-entropy (the softmax is part of the loss).
pub fn check_output(loss: Loss, act: &Activation) -> Result<(), EngineError> {
    let ok = match loss {
        Loss::Bce => act.kind() == Kind::Sigmoid,
        Loss::Mse => matches!(act.kind(), Kind::Linear | Kind::Tanh),
        Loss::CrossEntropy => act.kind() == Kind::Linear,
    };
    if ok {
        Ok(())
    } else {
        Err(EngineError::invalid(format!(
            "output activation '{act}' does not fit loss '{loss}': bce needs sigmoid, mse needs \
             linear or tanh, cross-entropy needs linear"
        )))
    }
}

impl Network {
    /// A freshly initialized network: `inputs` features, `hidden` widths (0..=8 layers of
    /// 1..=64 neurons), one output neuron.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        inputs: usize,
        hidden: &[usize],
        hidden_activation: Activation,
        output_activation: Activation,
        loss: Loss,
        init: Init,
        bias: BiasInit,
        rng: &mut ChaCha8Rng,
    ) -> Result<Network, EngineError> {
        Network::with_outputs(
            inputs,
            hidden,
            1,
            hidden_activation,
            output_activation,
            loss,
            init,
            bias,
            rng,
        )
    }

    /// [`Network::new`] with `outputs` output neurons: 1, or one per class (2..=20) for
    /// cross-entropy.
    #[allow(clippy::too_many_arguments)]
    pub fn with_outputs(
        inputs: usize,
        hidden: &[usize],
        outputs: usize,
        hidden_activation: Activation,
        output_activation: Activation,
        loss: Loss,
        init: Init,
        bias: BiasInit,
        rng: &mut ChaCha8Rng,
    ) -> Result<Network, EngineError> {
        check_shape(inputs, hidden)?;
        check_hidden_activation(&hidden_activation)?;
        check_output(loss, &output_activation)?;
        check_outputs(loss, outputs)?;
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut fan_in = inputs;
        for (k, &fan_out) in hidden.iter().chain(std::iter::once(&outputs)).enumerate() {
            let (weights, b) = init_layer(init, bias, fan_in, fan_out, rng);
            let activation = if k < hidden.len() {
                hidden_activation
            } else {
                output_activation
            };
            layers.push(Layer {
                fan_in,
                fan_out,
                weights,
                bias: b,
                activation,
            });
            fan_in = fan_out;
        }
        Ok(Network { layers, loss })
    }

    /// Number of input features.
    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.fan_in)
    }

    /// The hidden layers (all but the output layer).
    pub fn hidden(&self) -> &[Layer] {
        &self.layers[..self.layers.len().saturating_sub(1)]
    }

    /// The output layer.
    pub fn output_layer(&self) -> &Layer {
        &self.layers[self.layers.len() - 1]
    }

    /// Output neurons: 1, or the number of classes for cross-entropy.
    pub fn outputs(&self) -> usize {
        self.output_layer().fan_out
    }

    /// The hidden widths, e.g. `[8, 8]`.
    pub fn hidden_widths(&self) -> Vec<usize> {
        self.hidden().iter().map(|l| l.fan_out).collect()
    }

    /// Whether every parameter is finite.
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| {
            l.weights.iter().chain(&l.bias).all(|x| x.is_finite())
                && l.activation.param("a").is_none_or(f64::is_finite)
        })
    }

    /// Forward pass for one sample `x` (one value per input feature), filling the first row of
    /// `s` (for the output layer only its pre-activation). Returns the first output neuron's
    /// pre-activation (the logit for binary classification). Bit for bit what the batched
    /// passes compute for the same sample.
    pub fn forward(&self, x: &[f64], s: &mut Scratch) -> f64 {
        let d = self.inputs();
        s.x[..d].copy_from_slice(&x[..d]);
        s.rows = 1;
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let (below, here) = s.a.split_at_mut(l);
            let input: &[f64] = if l == 0 { &s.x[..d] } else { &below[l - 1] };
            let z = &mut s.z[l][..layer.fan_out];
            neuron_chains(layer, input, z);
            if l < last {
                apply_activation(
                    &layer.activation,
                    z,
                    &mut here[0][..layer.fan_out],
                    &mut s.d[l][..layer.fan_out],
                );
            }
        }
        s.z[last][0]
    }

    /// Backpropagates `dz_out` (d loss / d output pre-activations, one per output neuron)
    /// through the pass stored in `s` by [`Network::forward`] for input `x`, adding into
    /// `grads`.
    pub fn backward(&self, x: &[f64], dz_out: &[f64], s: &mut Scratch, grads: &mut Gradients) {
        let d = self.inputs();
        s.x[..d].copy_from_slice(&x[..d]);
        s.rows = 1;
        let last = self.layers.len() - 1;
        let k = self.outputs();
        s.delta[last][..k].copy_from_slice(&dz_out[..k]);
        self.backward_block(s, grads);
    }

    /// Copies the weights, transposed, into `s` for the batched forward pass.
    pub(crate) fn prepare(&self, s: &mut Scratch) {
        for (layer, wt) in self.layers.iter().zip(&mut s.wt) {
            kernels::transpose(&layer.weights, layer.fan_out, layer.fan_in, wt);
        }
    }

    /// Loads the samples `rows` of `xs` (row-major, `inputs()` columns) and `ys` into the block.
    pub(crate) fn load_rows(&self, xs: &[f64], ys: &[f64], rows: &[usize], s: &mut Scratch) {
        let d = self.inputs();
        for (b, &r) in rows.iter().enumerate() {
            s.x[b * d..(b + 1) * d].copy_from_slice(&xs[r * d..(r + 1) * d]);
            s.y[b] = ys[r];
        }
        s.rows = rows.len();
    }

    /// Loads the consecutive samples `start..start + len` into the block; `ys` may be empty
    /// (prediction).
    pub(crate) fn load_range(
        &self,
        xs: &[f64],
        ys: &[f64],
        start: usize,
        len: usize,
        s: &mut Scratch,
    ) {
        let d = self.inputs();
        s.x[..len * d].copy_from_slice(&xs[start * d..(start + len) * d]);
        if !ys.is_empty() {
            s.y[..len].copy_from_slice(&ys[start..start + len]);
        }
        s.rows = len;
    }

    /// The forward pass of the block in `s` through layers `0..=upto` (the weights must have
    /// been [`prepare`](Network::prepare)d). The output layer keeps only its pre-activation.
    pub(crate) fn forward_block(&self, s: &mut Scratch, upto: usize) {
        let b = s.rows;
        let last = self.layers.len() - 1;
        let Scratch { z, a, d, x, wt, .. } = s;
        kernels::with_fast_path(
            #[inline(always)]
            || {
                for (l, layer) in self.layers.iter().enumerate().take(upto + 1) {
                    let (k, n) = (layer.fan_in, layer.fan_out);
                    let (below, here) = a.split_at_mut(l);
                    let input: &[f64] = if l == 0 {
                        &x[..b * k]
                    } else {
                        &below[l - 1][..b * k]
                    };
                    let zl = &mut z[l][..b * n];
                    let input = Strided {
                        data: input,
                        row: k,
                        col: 1,
                    };
                    kernels::mul_acc(Some(&layer.bias), b, n, k, input, &wt[l], n, zl, n);
                    if l < last {
                        apply_activation(
                            &layer.activation,
                            zl,
                            &mut here[0][..b * n],
                            &mut d[l][..b * n],
                        );
                    }
                }
            },
        );
    }

    /// Sets each sample's d loss / d logits (times `scale`) for the block and carries the loss
    /// sum on from `loss_sum`, sample by sample.
    fn block_loss_grad(&self, s: &mut Scratch, scale: f64, loss_sum: &mut f64) {
        let b = s.rows;
        let last = self.layers.len() - 1;
        let out_act = self.output_layer().activation;
        let loss = self.loss;
        let k = self.outputs();
        let (z, y, dz) = (&s.z[last][..b * k], &s.y[..b], &mut s.delta[last][..b * k]);
        if k == 1 {
            for ((&zs, &ys), g) in z.iter().zip(y).zip(dz.iter_mut()) {
                let (l, dl) = loss.loss_and_grad(zs, &out_act, ys);
                *loss_sum += l;
                *g = dl * scale;
            }
            return;
        }
        for ((zr, &ys), gr) in z.chunks_exact(k).zip(y).zip(dz.chunks_exact_mut(k)) {
            *loss_sum += loss.row_loss_grad(zr, &out_act, ys, scale, gr);
        }
    }

    /// Backpropagates the block's output gradients (in `s.delta` of the output layer) through
    /// the forward pass stored in `s`, adding into `grads`.
    fn backward_block(&self, s: &mut Scratch, grads: &mut Gradients) {
        let b = s.rows;
        let last = self.layers.len() - 1;
        let Scratch {
            z,
            a,
            d,
            delta,
            back,
            x,
            ..
        } = s;
        kernels::with_fast_path(
            #[inline(always)]
            || {
                for l in (0..=last).rev() {
                    let layer = &self.layers[l];
                    let (k, n) = (layer.fan_in, layer.fan_out);
                    let input: &[f64] = if l == 0 {
                        &x[..b * k]
                    } else {
                        &a[l - 1][..b * k]
                    };
                    let (below, here) = delta.split_at_mut(l);
                    let dl = &here[0][..b * n];
                    let g = &mut grads.layers[l];
                    // dW += Δᵀ · input: each weight's gradient summed over the samples in order.
                    let dt = Strided {
                        data: dl,
                        row: 1,
                        col: n,
                    };
                    kernels::mul_acc(None, n, k, b, dt, input, k, &mut g.weights, k);
                    for row in dl.chunks_exact(n) {
                        for (gb, &v) in g.bias.iter_mut().zip(row) {
                            *gb += v;
                        }
                    }
                    if l == 0 {
                        break;
                    }
                    // d loss / d a below = Δ · W, each a chain over this layer's neurons in order.
                    let back = &mut back[..b * k];
                    back.fill(0.0);
                    let rows = Strided {
                        data: dl,
                        row: n,
                        col: 1,
                    };
                    kernels::mul_acc(None, b, k, n, rows, &layer.weights, k, back, k);
                    let prev = &self.layers[l - 1];
                    if let Activation::Prelu { .. } = prev.activation {
                        // d prelu(z)/d a = z for z ≤ 0, else 0: summed per sample, then over samples.
                        let zs = &z[l - 1][..b * k];
                        let slope = &mut grads.layers[l - 1].slope;
                        for (br, zr) in back.chunks_exact(k).zip(zs.chunks_exact(k)) {
                            *slope += br
                                .iter()
                                .zip(zr)
                                .fold(0.0, |acc, (bv, &zv)| acc + bv * zv.min(0.0));
                        }
                    }
                    let dprev = &d[l - 1][..b * k];
                    for ((t, &bv), &dv) in
                        below[l - 1][..b * k].iter_mut().zip(back.iter()).zip(dprev)
                    {
                        *t = bv * dv;
                    }
                }
            },
        );
    }

    /// Sets `grads` to the gradient of the mean loss over the samples `rows` of the feature
    /// matrix `xs` (row-major, `inputs()` columns) with targets `ys`, and returns that mean loss.
    /// Samples go through in blocks of [`BLOCK`]; `observe` is called after each block's
    /// forward pass with the block and its logits (the health pass uses it).
    ///
    /// # Panics
    /// If a row index reaches past `xs` or `ys` (callers build both from the same points).
    pub fn batch_gradient(
        &self,
        xs: &[f64],
        ys: &[f64],
        rows: &[usize],
        grads: &mut Gradients,
        s: &mut Scratch,
        mut observe: impl FnMut(&Scratch, &[f64]),
    ) -> f64 {
        grads.clear();
        if rows.is_empty() {
            return 0.0;
        }
        let inv_b = 1.0 / rows.len() as f64;
        let last = self.layers.len() - 1;
        self.prepare(s);
        let mut loss_sum = 0.0;
        for chunk in rows.chunks(BLOCK) {
            self.load_rows(xs, ys, chunk, s);
            self.forward_block(s, last);
            self.block_loss_grad(s, inv_b, &mut loss_sum);
            observe(s, s.logits());
            self.backward_block(s, grads);
        }
        loss_sum * inv_b
    }

    /// Mean loss over the rows of `xs` (no gradient).
    pub fn mean_loss(&self, xs: &[f64], ys: &[f64], s: &mut Scratch) -> f64 {
        let d = self.inputs();
        let n = ys.len().min(xs.len() / d.max(1));
        if n == 0 || d == 0 {
            return 0.0;
        }
        let last = self.layers.len() - 1;
        self.prepare(s);
        let mut sum = 0.0;
        for start in (0..n).step_by(BLOCK) {
            self.load_range(xs, ys, start, BLOCK.min(n - start), s);
            self.forward_block(s, last);
            sum += self.block_loss(s);
        }
        sum / n as f64
    }

    /// The mean loss of logits already computed (`outputs()` per sample, in sample order)
    /// against the targets `ys`: summed sample by sample and scaled as
    /// [`Network::batch_gradient`] does, so the two agree bit for bit.
    pub(crate) fn logits_loss(&self, logits: &[f64], ys: &[f64]) -> f64 {
        let n = ys.len().min(logits.len() / self.outputs().max(1));
        if n == 0 {
            return 0.0;
        }
        self.loss_sum(logits, &ys[..n]) * (1.0 / n as f64)
    }

    /// The loss summed over the block in `s` after its forward pass, sample by sample.
    pub(crate) fn block_loss(&self, s: &Scratch) -> f64 {
        self.loss_sum(s.logits(), s.targets())
    }

    /// The loss of `logits` (`outputs()` per sample) against `ys`, summed sample by sample.
    fn loss_sum(&self, logits: &[f64], ys: &[f64]) -> f64 {
        let out_act = self.output_layer().activation;
        let k = self.outputs().max(1);
        let mut sum = 0.0;
        if k == 1 {
            for (&z, &y) in logits.iter().zip(ys) {
                sum += self.loss.sample_loss(z, &out_act, y);
            }
        } else {
            for (z, &y) in logits.chunks_exact(k).zip(ys) {
                sum += self.loss.row_loss(z, &out_act, y);
            }
        }
        sum
    }

    /// The class probabilities (softmax of the logits, `outputs()` per row) for every row of
    /// `xs` into `out` (`outputs()` values per row); for a one-output network, its output
    /// (the probability of class 1 for binary classification).
    pub fn class_probabilities(&self, xs: &[f64], out: &mut [f64], s: &mut Scratch) {
        let d = self.inputs().max(1);
        let k = self.outputs();
        let n = (out.len() / k).min(xs.len() / d);
        if k == 1 {
            self.outputs_of(xs, self.layers.len() - 1, 0, &mut out[..n], s);
            return;
        }
        let last = self.layers.len() - 1;
        self.prepare(s);
        for start in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            self.load_range(xs, &[], start, len, s);
            self.forward_block(s, last);
            let dst = &mut out[start * k..(start + len) * k];
            for (p, z) in dst.chunks_exact_mut(k).zip(s.logits().chunks_exact(k)) {
                super::loss::softmax(z, p);
            }
        }
    }

    /// Every hidden neuron's post-activation output for every row of `xs` (row-major,
    /// `inputs()` columns): `out[l]` gets layer l's, sample-major (`rows × fan_out`). One
    /// batched forward pass for all of them; the same bits as [`Network::outputs_of`].
    pub fn hidden_outputs(&self, xs: &[f64], out: &mut [Vec<f64>], s: &mut Scratch) {
        let d = self.inputs().max(1);
        let n = xs.len() / d;
        let hidden = self.layers.len() - 1;
        for (o, layer) in out.iter_mut().zip(&self.layers[..hidden]) {
            o.clear();
            o.reserve(n * layer.fan_out);
        }
        if hidden == 0 {
            return;
        }
        self.prepare(s);
        for start in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            self.load_range(xs, &[], start, len, s);
            self.forward_block(s, hidden - 1);
            for (l, o) in out.iter_mut().enumerate().take(hidden) {
                o.extend_from_slice(&s.a[l][..len * self.layers[l].fan_out]);
            }
        }
    }

    /// The post-activation output of neuron `neuron` of layer `layer` for every row of `xs`
    /// (row-major, `inputs()` columns), into `out` (one value per row; the output layer's
    /// neuron 0 is the network's output). Batched; the same bits as
    /// [`Network::post_activation`] row by row. NaN everywhere for indices out of range.
    pub fn outputs_of(
        &self,
        xs: &[f64],
        layer: usize,
        neuron: usize,
        out: &mut [f64],
        s: &mut Scratch,
    ) {
        let d = self.inputs().max(1);
        let n = out.len().min(xs.len() / d);
        if layer >= self.layers.len() || neuron >= self.layers[layer].fan_out {
            out.fill(f64::NAN);
            return;
        }
        let last = self.layers.len() - 1;
        let width = self.layers[layer].fan_out;
        let act = self.layers[layer].activation;
        self.prepare(s);
        for start in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            self.load_range(xs, &[], start, len, s);
            self.forward_block(s, layer);
            let dst = &mut out[start..start + len];
            if layer == last {
                for (o, z) in dst.iter_mut().zip(s.z[layer].chunks_exact(width)) {
                    *o = act.value(z[neuron]);
                }
            } else {
                for (o, a) in dst.iter_mut().zip(s.a[layer].chunks_exact(width)) {
                    *o = a[neuron];
                }
            }
        }
    }

    /// The network's output for one sample (probability for classification), without scratch
    /// buffers: usable from `&self` anywhere, e.g. to paint the decision plane.
    pub fn output(&self, x: &[f64]) -> f64 {
        let last = self.layers.len() - 1;
        self.post_activation(x, last, 0)
    }

    /// The post-activation output of neuron `neuron` of layer `layer` for input `x`
    /// (NaN when the indices are out of range).
    pub fn post_activation(&self, x: &[f64], layer: usize, neuron: usize) -> f64 {
        if layer >= self.layers.len() || neuron >= self.layers[layer].fan_out {
            return f64::NAN;
        }
        let mut buf_a = [0.0; MAX_WIDTH];
        let mut buf_z = [0.0; MAX_WIDTH];
        let n_in = x.len().min(MAX_WIDTH);
        buf_a[..n_in].copy_from_slice(&x[..n_in]);
        for l in &self.layers[..layer] {
            neuron_chains(l, &buf_a[..l.fan_in], &mut buf_z[..l.fan_out]);
            for (a, &z) in buf_a.iter_mut().zip(&buf_z[..l.fan_out]) {
                *a = l.activation.value(z);
            }
        }
        let l = &self.layers[layer];
        neuron_chains(l, &buf_a[..l.fan_in], &mut buf_z[..l.fan_out]);
        l.activation.value(buf_z[neuron])
    }
}

/// z[i] = b[i] + Σ_k w[i][k]·input[k] for one sample, as the same fma chain (from the bias, k in
/// order) the batched kernels compute.
fn neuron_chains(layer: &Layer, input: &[f64], z: &mut [f64]) {
    z.copy_from_slice(&layer.bias);
    let w = Strided {
        data: &layer.weights,
        row: layer.fan_in,
        col: 1,
    };
    kernels::mul_acc(None, layer.fan_out, 1, layer.fan_in, w, input, 1, z, 1);
}

/// Checks the number of output neurons fits the loss: one, or 2..=20 classes for
/// cross-entropy.
fn check_outputs(loss: Loss, outputs: usize) -> Result<(), EngineError> {
    let ok = match loss {
        Loss::CrossEntropy => (2..=super::point::MAX_CLASSES).contains(&outputs),
        _ => outputs == 1,
    };
    if ok {
        Ok(())
    } else {
        Err(EngineError::invalid(format!(
            "{outputs} output neurons do not fit loss '{loss}': bce and mse take one, \
             cross-entropy one per class (2 to {})",
            super::point::MAX_CLASSES
        )))
    }
}

/// Validates a shape against the limits.
pub fn check_shape(inputs: usize, hidden: &[usize]) -> Result<(), EngineError> {
    if inputs == 0 || inputs > MAX_WIDTH {
        return Err(EngineError::invalid(format!(
            "{inputs} input features; use 1 to {MAX_WIDTH}"
        )));
    }
    if hidden.len() > MAX_HIDDEN_LAYERS {
        return Err(EngineError::invalid(format!(
            "{} hidden layers; use at most {MAX_HIDDEN_LAYERS}",
            hidden.len()
        )));
    }
    if let Some(w) = hidden.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
        return Err(EngineError::invalid(format!(
            "a hidden layer of {w} neurons; each layer needs 1 to {MAX_WIDTH}"
        )));
    }
    Ok(())
}

/// a = f(z) and d = f'(z) over a layer, choosing the function once per layer rather than per
/// neuron. The piecewise-linear activations get tight loops; results are identical to
/// [`Activation::value`] and [`Activation::derivative`].
// Always inlined, so it compiles with the caller's fast path.
#[inline(always)]
fn apply_activation(act: &Activation, z: &[f64], a: &mut [f64], d: &mut [f64]) {
    match *act {
        Activation::Relu => {
            for ((&x, a), d) in z.iter().zip(a.iter_mut()).zip(d.iter_mut()) {
                let on = x > 0.0;
                *a = if on { x } else { 0.0 };
                *d = if on { 1.0 } else { 0.0 };
            }
        }
        Activation::LeakyRelu { slope } | Activation::Prelu { a: slope } => {
            for ((&x, a), d) in z.iter().zip(a.iter_mut()).zip(d.iter_mut()) {
                let on = x > 0.0;
                *a = if on { x } else { slope * x };
                *d = if on { 1.0 } else { slope };
            }
        }
        Activation::Linear => {
            a.copy_from_slice(z);
            d.fill(1.0);
        }
        other => {
            for ((&x, a), d) in z.iter().zip(a.iter_mut()).zip(d.iter_mut()) {
                *a = other.value(x);
                *d = other.derivative(x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_activation_matches_the_library() {
        let zs = [
            -3.5,
            -1.0,
            -0.0,
            0.0,
            1e-300,
            0.5,
            2.0,
            f64::NAN,
            f64::INFINITY,
        ];
        let acts = [
            Activation::Relu,
            Activation::LeakyRelu { slope: 0.1 },
            Activation::Prelu { a: -0.2 },
            Activation::Linear,
            Activation::Tanh,
            Activation::Sigmoid,
        ];
        for act in acts {
            let mut a = [0.0; 9];
            let mut d = [0.0; 9];
            apply_activation(&act, &zs, &mut a, &mut d);
            for (k, &x) in zs.iter().enumerate() {
                assert_eq!(a[k].to_bits(), act.value(x).to_bits(), "{act} f({x})");
                assert_eq!(d[k].to_bits(), act.derivative(x).to_bits(), "{act} f'({x})");
            }
        }
    }
}
