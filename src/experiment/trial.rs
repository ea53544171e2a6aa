//! One born-dead trial: draw a random ReLU network layer by layer and push the whole domain
//! through it at once, stopping as soon as the answer is known.
//!
//! Activations are stored neuron-major (`h[i * p + q]` is neuron i at point q) so the inner loop
//! runs over points and vectorizes. Buffers live in a [`Scratch`] reused across trials; only the
//! layer's weights are allocated (by [`init_layer`], so the schemes are exactly the engine's).

use rand_chacha::ChaCha8Rng;

use super::domain::Domain;
use crate::engine::{BiasInit, Init, init_layer};

/// What a trial needs besides its generator; the same for every trial of a width.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrialSpec<'a> {
    pub width: usize,
    /// The deepest network asked for; shallower ones are its first layers.
    pub depth: usize,
    pub init: Init,
    pub bias: BiasInit,
    pub domain: &'a Domain,
}

/// Per-thread buffers, sized once for a width and a domain.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    cur: Vec<f64>,
    next: Vec<f64>,
    mask: Vec<f64>,
    keep: Vec<usize>,
}

impl Scratch {
    pub fn new(width: usize, points: usize) -> Scratch {
        Scratch {
            cur: vec![0.0; width * points],
            next: vec![0.0; width * points],
            mask: vec![0.0; points],
            keep: Vec::with_capacity(points),
        }
    }
}

/// Where (1-based layer) a trial's network first became constant over the domain, and first
/// had an all-zero layer at x0; `None` if it never did within `depth` layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Outcome {
    pub constant_at: Option<usize>,
    pub zero_at_x0: Option<usize>,
}

/// The bias every neuron gets, when the init makes it the same everywhere.
pub(crate) fn uniform_bias(init: Init, bias: BiasInit) -> Option<f64> {
    match (bias, init) {
        (BiasInit::Constant(c), _) => Some(c),
        (BiasInit::Scheme, Init::Zero) => Some(0.0),
        (BiasInit::Scheme, Init::Playground) => Some(0.1),
        (BiasInit::Scheme, _) => None,
    }
}

/// Whether the network is positively homogeneous (all biases zero), so directions decide.
pub fn is_homogeneous(init: Init, bias: BiasInit) -> bool {
    uniform_bias(init, bias) == Some(0.0)
}

/// Runs one trial; adds the number of dead neurons (zero at every domain point) of hidden layer
/// k to `dead[k]` for every k < depth.
pub(crate) fn run_trial(
    spec: &TrialSpec<'_>,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    dead: &mut [u64],
) -> Outcome {
    let TrialSpec {
        width,
        depth,
        init,
        bias,
        domain,
    } = *spec;
    let homogeneous = is_homogeneous(init, bias);
    // A layer that is zero everywhere stays zero downstream when every bias is ≤ 0.
    let zero_stays_zero = uniform_bias(init, bias).is_some_and(|c| c <= 0.0);
    let mut out = Outcome::default();
    let mut p = domain.len();
    for k in 0..depth {
        let fan_in = if k == 0 { domain.inputs } else { width };
        let (w, b) = init_layer(init, bias, fan_in, width, rng);
        let Scratch {
            cur,
            next,
            mask,
            keep,
        } = s;
        let input: &[f64] = if k == 0 {
            domain.coords()
        } else {
            &cur[..width * p]
        };
        relu_layer(&w, &b, fan_in, input, p, &mut next[..width * p]);
        std::mem::swap(cur, next);
        let h = &mut cur[..width * p];
        dead[k] += h
            .chunks_exact(p)
            .filter(|r| r.iter().all(|&v| v == 0.0))
            .count() as u64;

        if homogeneous {
            // A point whose activations are all zero stays zero (zero biases): drop it. Point 0
            // is x0 for as long as it survives, since compaction keeps the order.
            let mask = &mut mask[..p];
            mask.fill(0.0);
            for row in h.chunks_exact(p) {
                for (m, &v) in mask.iter_mut().zip(row) {
                    *m = m.max(v);
                }
            }
            if out.zero_at_x0.is_none() && mask[0] == 0.0 {
                out.zero_at_x0 = Some(k + 1);
            }
            keep.clear();
            keep.extend((0..p).filter(|&q| mask[q] > 0.0));
            if keep.is_empty() {
                out.constant_at = Some(k + 1);
                mark_rest_dead(dead, k, width);
                break;
            }
            if keep.len() < p {
                compact(cur, width, p, keep);
                p = keep.len();
            }
        } else {
            if out.zero_at_x0.is_none() && h.chunks_exact(p).all(|r| r[0] == 0.0) {
                out.zero_at_x0 = Some(k + 1);
            }
            if out.constant_at.is_none() && h.chunks_exact(p).all(|r| r.iter().all(|&v| v == r[0]))
            {
                // Every point now has the same activations: keep one.
                out.constant_at = Some(k + 1);
                for i in 0..width {
                    cur[i] = cur[i * p];
                }
                p = 1;
            }
            if p == 1 && zero_stays_zero && cur[..width].iter().all(|&v| v == 0.0) {
                mark_rest_dead(dead, k, width);
                break;
            }
        }
    }
    out
}

fn mark_rest_dead(dead: &mut [u64], k: usize, width: usize) {
    for d in &mut dead[k + 1..] {
        *d += width as u64;
    }
}

/// out[i·p + q] = max(0, b_i + Σ_j w[i·fan_in + j] · input[j·p + q]).
fn relu_layer(w: &[f64], b: &[f64], fan_in: usize, input: &[f64], p: usize, out: &mut [f64]) {
    for (i, row) in out.chunks_exact_mut(p).enumerate() {
        row.fill(b[i]);
        for j in 0..fan_in {
            let wij = w[i * fan_in + j];
            for (r, &x) in row.iter_mut().zip(&input[j * p..(j + 1) * p]) {
                *r += wij * x;
            }
        }
        for r in row.iter_mut() {
            *r = r.max(0.0);
        }
    }
}

/// Keeps only the columns (points) listed in `keep`, stride `p` → `keep.len()`, in place: every
/// write lands at or before the read it copies, so nothing is overwritten before it is read.
fn compact(h: &mut [f64], width: usize, p: usize, keep: &[usize]) {
    let n = keep.len();
    for i in 0..width {
        for (w, &q) in keep.iter().enumerate() {
            h[i * n + w] = h[i * p + q];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng_from_seed;

    #[test]
    fn relu_layer_matches_hand_computation() {
        // Two neurons, two inputs, three points.
        let w = [1.0, -2.0, 0.5, 0.5];
        let b = [0.25, -1.0];
        let input = [1.0, 2.0, -1.0, /* x2: */ 0.0, 1.0, -1.0];
        let mut out = [9.0; 6];
        relu_layer(&w, &b, 2, &input, 3, &mut out);
        // neuron 0: 0.25 + x1 - 2 x2 = 1.25, 0.25, 1.25; neuron 1: -1 + (x1 + x2)/2 = -0.5, 0.5, -2.
        assert_eq!(out, [1.25, 0.25, 1.25, 0.0, 0.5, 0.0]);
    }

    #[test]
    fn compact_keeps_listed_columns_in_order() {
        let mut h = vec![0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0];
        compact(&mut h, 2, 4, &[1, 3]);
        assert_eq!(&h[..4], &[1.0, 3.0, 11.0, 13.0]);
    }

    /// The plain, one point at a time forward pass the batched trial must agree with.
    fn reference(spec: &TrialSpec<'_>, seed: u64) -> (Option<usize>, Option<usize>, Vec<u64>) {
        let mut rng = rng_from_seed(seed);
        let dom = spec.domain;
        let mut hs: Vec<Vec<f64>> = (0..dom.len()).map(|p| dom.point(p)).collect();
        let (mut constant_at, mut zero_at) = (None, None);
        let mut dead = vec![0; spec.depth];
        for (k, dead_k) in dead.iter_mut().enumerate() {
            let fan_in = hs[0].len();
            let (w, b) = init_layer(spec.init, spec.bias, fan_in, spec.width, &mut rng);
            for h in &mut hs {
                *h = (0..spec.width)
                    .map(|i| {
                        let z: f64 =
                            b[i] + (0..fan_in).map(|j| w[i * fan_in + j] * h[j]).sum::<f64>();
                        z.max(0.0)
                    })
                    .collect();
            }
            *dead_k = (0..spec.width)
                .filter(|&i| hs.iter().all(|h| h[i] == 0.0))
                .count() as u64;
            if zero_at.is_none() && hs[0].iter().all(|&v| v == 0.0) {
                zero_at = Some(k + 1);
            }
            if constant_at.is_none() && hs.iter().all(|h| *h == hs[0]) {
                constant_at = Some(k + 1);
            }
        }
        (constant_at, zero_at, dead)
    }

    #[test]
    fn batched_trial_agrees_with_pointwise_reference() {
        let cases = [
            (2, 3, Init::HeNormal, BiasInit::Constant(0.0), 64),
            (3, 6, Init::HeNormal, BiasInit::Constant(0.0), 50),
            (2, 8, Init::HeUniform, BiasInit::Constant(-0.2), 100),
            (3, 5, Init::Rai, BiasInit::Scheme, 100),
            (2, 6, Init::HeNormal, BiasInit::Constant(0.3), 100),
        ];
        for (width, depth, init, bias, points) in cases {
            let h = is_homogeneous(init, bias);
            let domain = Domain::new(2, points, h);
            let spec = TrialSpec {
                width,
                depth,
                init,
                bias,
                domain: &domain,
            };
            let mut s = Scratch::new(width, domain.len());
            for seed in 0..200 {
                let mut dead = vec![0; depth];
                let out = run_trial(&spec, &mut rng_from_seed(seed), &mut s, &mut dead);
                let (c, z, d) = reference(&spec, seed);
                let ctx = format!("{init} {bias} w{width} d{depth} seed {seed}");
                assert_eq!(out.zero_at_x0, z, "{ctx}");
                assert_eq!(dead, d, "{ctx}");
                assert_eq!(out.constant_at, c, "{ctx}");
            }
        }
    }
}
