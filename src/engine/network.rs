//! The multilayer perceptron: flat row-major weights per layer, a forward pass that keeps what
//! backpropagation needs in preallocated scratch buffers, and mini-batch gradients.
//!
//! Nothing here allocates per sample or per step: [`Scratch`] and [`Gradients`] are built once
//! for a network's shape and reused.

use rand_chacha::ChaCha8Rng;

use crate::activation::{Activation, Kind};

use super::error::EngineError;
use super::init::{BiasInit, Init, init_layer};
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

/// A network: hidden layers then one output neuron, with the loss it is trained with.
///
/// Invariants (kept by [`Network::new`] and model-file loading): at least one layer, each
/// layer's `fan_in` equals the previous layer's `fan_out`, the last layer has one neuron.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Hidden layers first; the last layer is the output layer (one neuron).
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

/// Buffers for one sample's forward and backward pass, sized for one network shape.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Pre-activations per layer.
    pub(crate) z: Vec<Vec<f64>>,
    /// Post-activations per layer.
    pub(crate) a: Vec<Vec<f64>>,
    /// f'(z) per layer.
    pub(crate) d: Vec<Vec<f64>>,
    /// d loss / d z per layer.
    delta: Vec<Vec<f64>>,
    /// d loss / d a for the layer below, before multiplying by f'.
    back: Vec<f64>,
}

impl Scratch {
    pub fn new(net: &Network) -> Scratch {
        let per_layer = || {
            net.layers
                .iter()
                .map(|l| vec![0.0; l.fan_out])
                .collect::<Vec<_>>()
        };
        Scratch {
            z: per_layer(),
            a: per_layer(),
            d: per_layer(),
            delta: per_layer(),
            back: vec![0.0; net.layers.iter().map(|l| l.fan_in).max().unwrap_or(0)],
        }
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

/// The output activations a loss accepts: sigmoid for BCE; linear or tanh for MSE.
pub fn check_output(loss: Loss, act: &Activation) -> Result<(), EngineError> {
    let ok = match loss {
        Loss::Bce => act.kind() == Kind::Sigmoid,
        Loss::Mse => matches!(act.kind(), Kind::Linear | Kind::Tanh),
    };
    if ok {
        Ok(())
    } else {
        Err(EngineError::invalid(format!(
            "output activation '{act}' does not fit loss '{loss}': bce needs sigmoid, mse needs \
             linear or tanh"
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
        check_shape(inputs, hidden)?;
        check_hidden_activation(&hidden_activation)?;
        check_output(loss, &output_activation)?;
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut fan_in = inputs;
        for (k, &fan_out) in hidden.iter().chain(std::iter::once(&1)).enumerate() {
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

    /// Forward pass for one sample `x` (one value per input feature), filling `s` (for the
    /// output layer only its pre-activation). Returns the output neuron's pre-activation (the
    /// logit for classification).
    #[inline]
    pub fn forward(&self, x: &[f64], s: &mut Scratch) -> f64 {
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let (below, here) = s.a.split_at_mut(l);
            let input: &[f64] = if l == 0 { x } else { &below[l - 1] };
            let z = &mut s.z[l];
            for (i, zi) in z.iter_mut().enumerate() {
                let row = &layer.weights[i * layer.fan_in..(i + 1) * layer.fan_in];
                *zi = layer.bias[i] + dot(row, input);
            }
            // The loss applies the output activation itself (from the logit, for stability),
            // so the output layer's a and d are left alone.
            if l < last {
                apply_activation(&layer.activation, z, &mut here[0], &mut s.d[l]);
            }
        }
        s.z[last][0]
    }

    /// Backpropagates `dz_out` (d loss / d output pre-activation) through the pass stored in
    /// `s` for input `x`, adding into `grads`.
    #[inline]
    pub fn backward(&self, x: &[f64], dz_out: f64, s: &mut Scratch, grads: &mut Gradients) {
        let last = self.layers.len() - 1;
        s.delta[last][0] = dz_out;
        for l in (0..=last).rev() {
            let layer = &self.layers[l];
            let input: &[f64] = if l == 0 { x } else { &s.a[l - 1] };
            let g = &mut grads.layers[l];
            let (below, here) = s.delta.split_at_mut(l);
            let delta = &here[0];
            let back = &mut s.back[..layer.fan_in];
            if l > 0 {
                back.fill(0.0);
            }
            for (i, &di) in delta.iter().enumerate() {
                // Dead units pass nothing back: skip them outright.
                if di == 0.0 {
                    continue;
                }
                g.bias[i] += di;
                let off = i * layer.fan_in;
                let gw = &mut g.weights[off..off + layer.fan_in];
                for (gwj, &xj) in gw.iter_mut().zip(input) {
                    *gwj += di * xj;
                }
                if l > 0 {
                    let row = &layer.weights[off..off + layer.fan_in];
                    for (bj, &wj) in back.iter_mut().zip(row) {
                        *bj += wj * di;
                    }
                }
            }
            if l > 0 {
                let prev = &self.layers[l - 1];
                if let Activation::Prelu { .. } = prev.activation {
                    // d prelu(z)/d a = z for z ≤ 0, else 0.
                    let zs = &s.z[l - 1];
                    grads.layers[l - 1].slope += back
                        .iter()
                        .zip(zs)
                        .map(|(b, &z)| b * z.min(0.0))
                        .sum::<f64>();
                }
                let dprev = &s.d[l - 1];
                for ((t, &b), &dj) in below[l - 1].iter_mut().zip(back.iter()).zip(dprev) {
                    *t = b * dj;
                }
            }
        }
    }

    /// Sets `grads` to the gradient of the mean loss over the samples `rows` of the feature
    /// matrix `xs` (row-major, `inputs()` columns) with targets `ys`, and returns that mean loss.
    /// `observe` is called after each sample's forward pass (the health pass uses it).
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
        mut observe: impl FnMut(&Scratch, f64),
    ) -> f64 {
        grads.clear();
        if rows.is_empty() {
            return 0.0;
        }
        let d = self.inputs();
        let inv_b = 1.0 / rows.len() as f64;
        let out_act = self.output_layer().activation;
        let mut loss_sum = 0.0;
        for &r in rows {
            let x = &xs[r * d..(r + 1) * d];
            let y = ys[r];
            let z = self.forward(x, s);
            observe(s, z);
            let (loss, dz) = self.loss.loss_and_grad(z, &out_act, y);
            loss_sum += loss;
            self.backward(x, dz * inv_b, s, grads);
        }
        loss_sum * inv_b
    }

    /// Mean loss over the rows of `xs` (no gradient).
    pub fn mean_loss(&self, xs: &[f64], ys: &[f64], s: &mut Scratch) -> f64 {
        let d = self.inputs();
        if ys.is_empty() || d == 0 {
            return 0.0;
        }
        let out_act = self.output_layer().activation;
        let sum: f64 = ys
            .iter()
            .enumerate()
            .map(|(r, &y)| {
                let z = self.forward(&xs[r * d..(r + 1) * d], s);
                self.loss.loss_and_grad(z, &out_act, y).0
            })
            .sum();
        sum / ys.len() as f64
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
        let mut buf_b = [0.0; MAX_WIDTH];
        let n_in = x.len().min(MAX_WIDTH);
        buf_a[..n_in].copy_from_slice(&x[..n_in]);
        for l in &self.layers[..layer] {
            for (i, out) in buf_b[..l.fan_out].iter_mut().enumerate() {
                *out = l
                    .activation
                    .value(l.bias[i] + dot(l.row(i), &buf_a[..l.fan_in]));
            }
            std::mem::swap(&mut buf_a, &mut buf_b);
        }
        let l = &self.layers[layer];
        l.activation
            .value(l.bias[neuron] + dot(l.row(neuron), &buf_a[..l.fan_in]))
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

/// Parses hidden widths such as "8,8" ("" or "none" for no hidden layer).
pub fn parse_hidden(s: &str) -> Result<Vec<usize>, EngineError> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let widths = t
        .split(',')
        .map(|p| {
            p.trim().parse::<usize>().map_err(|_| {
                EngineError::invalid(format!(
                    "invalid layer width '{}' in '{s}'; give widths like 8,8 (1 to {MAX_WIDTH} each)",
                    p.trim()
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    check_shape(1, &widths)?;
    Ok(widths)
}

/// a = f(z) and d = f'(z) over a layer, choosing the function once per layer rather than per
/// neuron. The piecewise-linear activations get tight loops; results are identical to
/// [`Activation::value`] and [`Activation::derivative`].
#[inline]
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

/// Dot product; four independent partial sums let the CPU overlap the additions.
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
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
