//! The notches the Parameters pane steps through with ← and →, one ladder per kind of value.

use crate::engine::BiasInit;
use crate::engine::Feature;

/// Playground's learning-rate ladder.
pub const LR: [f64; 11] = [1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
pub const MOMENTUM: [f64; 5] = [0.0, 0.5, 0.9, 0.95, 0.99];
/// Batch sizes; 0 (the whole training set) counts as the largest.
pub const BATCH: [usize; 8] = [1, 2, 5, 10, 20, 50, 100, 0];
/// Constant bias inits, in order; after the last comes the weight scheme's own.
pub const BIAS: [f64; 9] = [-3.0, -1.0, -0.5, -0.1, 0.0, 0.01, 0.1, 0.5, 1.0];
pub const REGULARIZATION: [f64; 7] = [0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];
pub const CLIP: [f64; 6] = [0.0, 0.1, 0.5, 1.0, 5.0, 10.0];
/// The widest layer and the most layers the pane steps to (typed values reach the engine's
/// limits): beyond them the Network pane stops being readable at the usual sizes.
pub const PANE_MAX_WIDTH: usize = 32;
pub const PANE_MAX_LAYERS: usize = 6;

/// The feature sets the pane cycles through.
pub const FEATURE_SETS: [&[Feature]; 5] = [
    &[Feature::X1, Feature::X2],
    &[
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::X2Squared,
    ],
    &[Feature::X1, Feature::X2, Feature::X1TimesX2],
    &[Feature::X1, Feature::X2, Feature::SinX1, Feature::SinX2],
    &Feature::ALL,
];

/// The next value on a ladder above (or below) `v`; stays put at the ends.
pub fn step(ladder: &[f64], v: f64, up: bool) -> f64 {
    let eps = 1e-12 * v.abs().max(1e-12);
    let next = if up {
        ladder.iter().copied().find(|&x| x > v + eps)
    } else {
        ladder.iter().rev().copied().find(|&x| x < v - eps)
    };
    next.unwrap_or(v)
}

/// The next batch size, 0 (full batch) counting as the largest; stays put at the ends.
pub fn batch_step(batch: usize, up: bool) -> usize {
    let key = |b: usize| if b == 0 { usize::MAX } else { b };
    let cur = key(batch);
    let next = if up {
        BATCH.iter().copied().find(|&b| key(b) > cur)
    } else {
        BATCH.iter().rev().copied().find(|&b| key(b) < cur)
    };
    next.unwrap_or(batch)
}

/// The next bias init: constants up the ladder, then the scheme's own; wrapping.
pub fn bias_step(b: BiasInit, up: bool) -> BiasInit {
    match (b, up) {
        (BiasInit::Scheme, true) => BiasInit::Constant(BIAS[0]),
        (BiasInit::Scheme, false) => BiasInit::Constant(BIAS[BIAS.len() - 1]),
        (BiasInit::Constant(v), true) => match BIAS.iter().find(|&&x| x > v + 1e-12) {
            Some(&x) => BiasInit::Constant(x),
            None => BiasInit::Scheme,
        },
        (BiasInit::Constant(v), false) => match BIAS.iter().rev().find(|&&x| x < v - 1e-12) {
            Some(&x) => BiasInit::Constant(x),
            None => BiasInit::Scheme,
        },
    }
}

/// The next feature set of [`FEATURE_SETS`], wrapping; the first when `features` is none of them.
pub fn features_step(features: &[Feature], up: bool) -> Vec<Feature> {
    let i = FEATURE_SETS.iter().position(|s| *s == features);
    let n = FEATURE_SETS.len();
    let next = match (i, up) {
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
        (None, _) => 0,
    };
    FEATURE_SETS[next].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_rate_ladder_steps_and_stops() {
        assert_eq!(step(&LR, 0.03, true), 0.1);
        assert_eq!(step(&LR, 0.03, false), 0.01);
        assert_eq!(step(&LR, 0.05, false), 0.03);
        assert_eq!(step(&LR, 10.0, true), 10.0);
        assert_eq!(step(&LR, 1e-5, false), 1e-5);
    }

    #[test]
    fn bias_cycles_through_the_scheme() {
        let mut b = BiasInit::Constant(1.0);
        b = bias_step(b, true);
        assert_eq!(b, BiasInit::Scheme);
        assert_eq!(bias_step(b, true), BiasInit::Constant(-3.0));
        assert_eq!(
            bias_step(BiasInit::Constant(0.1), false),
            BiasInit::Constant(0.01)
        );
    }

    #[test]
    fn full_batch_is_the_largest() {
        assert_eq!(batch_step(100, true), 0);
        assert_eq!(batch_step(0, true), 0);
        assert_eq!(batch_step(0, false), 100);
        assert_eq!(batch_step(1, false), 1);
    }
}
