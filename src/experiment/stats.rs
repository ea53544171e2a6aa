//! The small statistics the experiments report: Wilson score intervals for a proportion, mean and
//! sample standard deviation, the closed-form single-point death probability, and seed mixing.

/// The two-sided 95% normal quantile, z = Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion `k / n` with its Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    pub successes: u64,
    pub trials: u64,
    /// Point estimate k / n (0 when n = 0).
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Proportion {
    /// `k` successes out of `n` trials with the 95% Wilson interval.
    pub fn new(k: u64, n: u64) -> Proportion {
        let (low, high) = wilson_interval(k, n, Z95);
        Proportion {
            successes: k,
            trials: n,
            estimate: if n == 0 { 0.0 } else { k as f64 / n as f64 },
            low,
            high,
        }
    }

    /// Whether `p` lies inside the interval (ends included).
    pub fn contains(&self, p: f64) -> bool {
        self.low <= p && p <= self.high
    }
}

/// The Wilson score interval for `k` successes in `n` trials at normal quantile `z`.
///
/// Unlike the Wald interval p ± z√(p(1-p)/n) it stays inside [0, 1] and does not collapse to a
/// point when k = 0 or k = n, which matters here: shallow wide networks are almost never born
/// dead. For n = 0 it is the whole of [0, 1].
pub fn wilson_interval(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k.min(n as u64) as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((center - half).max(0.0), (center + half).min(1.0))
}

/// Probability that some hidden layer of a depth-`depth`, width-`width` ReLU network is all zero
/// at one fixed nonzero input, for weights drawn symmetrically about 0 and zero biases:
/// 1 − (1 − 2^−N)^L.
///
/// Each neuron's pre-activation is then symmetric and continuous given a nonzero input, so it is
/// positive with probability ½ independently of its neighbours; a layer is all zero with
/// probability 2^−N, and once it is, every later layer is too. Computed with `ln_1p`/`exp_m1` so
/// wide layers (tiny 2^−N) keep their precision.
pub fn single_point_dead_probability(width: usize, depth: usize) -> f64 {
    if depth == 0 {
        return 0.0;
    }
    let q = (-(width as f64)).exp2();
    -(depth as f64 * (-q).ln_1p()).exp_m1()
}

/// Mean and sample standard deviation (n − 1 in the denominator; 0 for fewer than two values).
/// Non-finite values are skipped; the count of finite values is returned too.
pub fn mean_sd(xs: &[f64]) -> (f64, f64, usize) {
    let finite: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let n = finite.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, 0);
    }
    let mean = finite.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0, n);
    }
    let ss: f64 = finite.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1) as f64).sqrt(), n)
}

/// SplitMix64's finalizer: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed derived from a base seed and a path of indices (cell parameters, trial number).
///
/// Each trial gets its own generator from this, so what a trial draws depends only on its
/// indices, never on which thread ran it or in what order: results are identical for any thread
/// count.
pub fn derive_seed(base: u64, path: &[u64]) -> u64 {
    // Rotating the running state makes the position of each index matter, and the constant keeps
    // a zero index from cancelling out.
    path.iter().fold(mix(base), |acc, &x| {
        mix(acc.rotate_left(23) ^ mix(x ^ 0xA076_1D64_78BD_642F))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_hand_computed_values() {
        // k = 5, n = 10, z = 1.96: center 0.5, half = 1.96·√(0.025 + 0.009604)/1.38416 = 0.263410.
        let (lo, hi) = wilson_interval(5, 10, 1.96);
        assert!((lo - 0.236_589_594).abs() < 1e-8, "{lo}");
        assert!((hi - 0.763_410_406).abs() < 1e-8, "{hi}");
        // k = 0: lower end 0, upper end z²/(n + z²).
        let (lo, hi) = wilson_interval(0, 20, Z95);
        assert_eq!(lo, 0.0);
        assert!((hi - Z95 * Z95 / (20.0 + Z95 * Z95)).abs() < 1e-12);
        // k = n mirrors k = 0.
        let (lo2, hi2) = wilson_interval(20, 20, Z95);
        assert!((lo2 - (1.0 - hi)).abs() < 1e-12 && hi2 == 1.0);
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 1.0));
    }

    #[test]
    fn wilson_narrows_with_more_trials() {
        let a = Proportion::new(30, 100);
        let b = Proportion::new(3000, 10000);
        assert!(b.high - b.low < (a.high - a.low) / 5.0);
        assert!(a.contains(0.3) && b.contains(0.3));
        assert!(!b.contains(0.33));
    }

    #[test]
    fn closed_form_known_values() {
        // N = 1, L = 1: 1/2. N = 4, L = 10: 1 − (15/16)^10.
        assert!((single_point_dead_probability(1, 1) - 0.5).abs() < 1e-15);
        let p = single_point_dead_probability(4, 10);
        assert!((p - (1.0 - (15.0f64 / 16.0).powi(10))).abs() < 1e-14, "{p}");
        assert_eq!(single_point_dead_probability(3, 0), 0.0);
        // Wide layers: ≈ L·2^−N, which the naive formula would round to 0.
        let p = single_point_dead_probability(60, 2);
        assert!((p / (2.0 * (-60.0f64).exp2()) - 1.0).abs() < 1e-9, "{p}");
    }

    #[test]
    fn mean_sd_is_sample_sd() {
        let (m, s, n) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!((m, n), (5.0, 8));
        assert!((s - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let (m, s, n) = mean_sd(&[1.0, f64::NAN, 3.0]);
        assert_eq!((m, n), (2.0, 2));
        assert!((s - 2.0f64.sqrt()).abs() < 1e-12);
        assert!(mean_sd(&[]).0.is_nan());
    }

    proptest::proptest! {
        #[test]
        fn wilson_brackets_the_estimate(n in 1u64..1_000_000, frac in 0.0f64..=1.0, z in 0.5f64..4.0) {
            let k = ((n as f64) * frac).floor() as u64;
            let p = k as f64 / n as f64;
            let (lo, hi) = wilson_interval(k, n, z);
            proptest::prop_assert!(0.0 <= lo && lo <= p + 1e-12 && p <= hi + 1e-12 && hi <= 1.0);
            // A larger z gives a wider interval around the same centre.
            let (lo2, hi2) = wilson_interval(k, n, z * 1.5);
            proptest::prop_assert!(lo2 <= lo + 1e-12 && hi2 >= hi - 1e-12);
        }

        #[test]
        fn closed_form_is_a_probability_rising_with_depth(w in 1usize..64, l in 1usize..500) {
            let p = single_point_dead_probability(w, l);
            let q = single_point_dead_probability(w, l + 1);
            let r = single_point_dead_probability(w + 1, l);
            proptest::prop_assert!((0.0..=1.0).contains(&p) && q >= p && r <= p);
        }
    }

    #[test]
    fn derived_seeds_differ_by_each_index() {
        let a = derive_seed(1, &[4, 10, 0]);
        assert_eq!(a, derive_seed(1, &[4, 10, 0]));
        assert_ne!(a, derive_seed(2, &[4, 10, 0]));
        assert_ne!(a, derive_seed(1, &[4, 10, 1]));
        assert_ne!(a, derive_seed(1, &[10, 4, 0]));
        assert_ne!(derive_seed(0, &[0]), derive_seed(0, &[0, 0]));
    }
}
