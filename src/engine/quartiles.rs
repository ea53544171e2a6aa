//! Exact quartiles of every hidden neuron's pre-activation over the training set, without
//! keeping the whole set of values and without sorting it at every health pass.
//!
//! A quartile is `torch.quantile(z, q)` with linear interpolation: for n values, h = (n − 1)·q,
//! and the result interpolates the order statistics of ranks ⌊h⌋ and ⌊h⌋ + 1 (0-based) with
//! `torch.lerp`. So each quartile needs two order statistics, a *target*.
//!
//! Each target keeps a window [lo, hi] of values where its ranks were at the last pass. A pass
//! counts the values below the window and collects the few inside (a vectorized compare per
//! value; a branch only for the rare value that falls in a window). When the ranks are still
//! inside and the window did not overflow, the order statistics are picked from the collected
//! values: exact. When training moved the values too far, the pass is repeated over the
//! training set with the window widened to where the ranks must be, now histogramming it into
//! 64 buckets (each keeping its count, min and max); every repeat narrows the window at least
//! 32-fold, and a bucket boundary between the two ranks resolves them on the spot. Buckets
//! split the window by value while it is finite and has not stalled, and by the values' bit
//! patterns (an order-preserving key) otherwise, so every target is resolved after a bounded
//! number of passes.
//!
//! When a pass has at most [`DIRECT_BUDGET`] values in all (the datasets the explorer trains on
//! most), the windows are not used: [`KeptValues`] keeps the values as the pass produced them
//! (a copy per block), and each quartile's two order statistics are selected from its neuron's
//! column when the quartiles are first read (`select_nth_unstable`, deterministic). A pass
//! whose quartiles nobody reads (headless training, experiments) pays only the copy.

/// Buckets of a refining pass.
const BUCKETS: usize = 64;
/// Values collected per target at most, in total over all targets: 2^20 values (8 MB).
const COLLECT_BUDGET: usize = 1 << 20;
/// Passes that split by value before switching to bit patterns.
const VALUE_PASSES: u32 = 4;
/// Values per pass (samples × hidden neurons) up to which they are kept and selected from.
pub(crate) const DIRECT_BUDGET: usize = 1 << 18;

/// A small pass's pre-activations, kept per hidden layer as the pass produced them
/// (sample-major), so that the quartiles are selected when first read rather than at every
/// pass. Buffers are reused from pass to pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeptValues {
    layers: Vec<Vec<f64>>,
    widths: Vec<usize>,
    /// Samples received per layer this pass.
    filled: Vec<usize>,
    n: usize,
}

impl KeptValues {
    /// Ready for a pass of `n` samples through hidden layers of `widths`. Returns false, and
    /// keeps nothing, when the pass has more than [`DIRECT_BUDGET`] values.
    pub(crate) fn begin(&mut self, widths: &[usize], n: usize) -> bool {
        let values = n.saturating_mul(widths.iter().sum::<usize>());
        self.widths.clear();
        self.filled.clear();
        if values > DIRECT_BUDGET {
            self.layers.clear();
            self.n = 0;
            return false;
        }
        self.layers.resize_with(widths.len(), Vec::new);
        for (v, &w) in self.layers.iter_mut().zip(widths) {
            v.resize(w * n, 0.0);
        }
        self.widths.extend_from_slice(widths);
        self.filled.resize(widths.len(), 0);
        self.n = n;
        true
    }

    /// Keeps one block of layer `l`'s values: whole samples, sample-major.
    #[inline]
    pub(crate) fn keep(&mut self, l: usize, z: &[f64]) {
        let (Some(v), Some(f), Some(&w)) = (
            self.layers.get_mut(l),
            self.filled.get_mut(l),
            self.widths.get(l),
        ) else {
            return;
        };
        let at = *f * w;
        let len = z.len().min(v.len() - at);
        v[at..at + len].copy_from_slice(&z[..len]);
        *f += len / w.max(1);
    }

    /// Quartiles 1 and 3 of every kept neuron, as `torch.quantile`; `nan(l, i)` says neuron i
    /// of layer l saw a NaN (its quartiles are NaN then). Each quartile's order statistics are
    /// selected from the neuron's column: quartile 1 from the whole column, quartile 3 from the
    /// part above it.
    pub(crate) fn quartiles(&self, nan: impl Fn(usize, usize) -> bool) -> Vec<Vec<(f64, f64)>> {
        let n = self.n;
        let mut col = vec![0u64; n];
        let mut out = Vec::with_capacity(self.widths.len());
        for (l, (values, &w)) in self.layers.iter().zip(&self.widths).enumerate() {
            let rows = self.filled[l];
            let mut layer = Vec::with_capacity(w);
            for i in 0..w {
                if rows == 0 || nan(l, i) {
                    layer.push((f64::NAN, f64::NAN));
                    continue;
                }
                let col = &mut col[..rows];
                for (c, row) in col.iter_mut().zip(values.chunks_exact(w)) {
                    // As order-preserving keys: selection then compares integers.
                    *c = key(row[i]);
                }
                layer.push(select_quartiles(col));
            }
            out.push(layer);
        }
        out
    }
}

/// Quartiles 1 and 3 of the values whose [`key`]s are `col` (reordered in the process).
fn select_quartiles(col: &mut [u64]) -> (f64, f64) {
    let n = col.len();
    let (r1, r3) = (Ranks::of(n, 1), Ranks::of(n, 3));
    let mut start = 0;
    let mut found = [(0.0, 0.0); 2];
    for (q, r) in [r1, r3].into_iter().enumerate() {
        let (_, &mut a, above) = col[start..].select_nth_unstable(r.lo - start);
        // Rank hi (lo or lo + 1) is the least value above rank lo.
        let b = if r.hi == r.lo {
            a
        } else {
            above.iter().copied().min().unwrap_or(a)
        };
        found[q] = (unkey(a), unkey(b));
        // Quartile 3's ranks lie at or above quartile 1's: search only there.
        start = (r.lo + 1).min(r3.lo);
    }
    let q = |(a, b): (f64, f64), r: Ranks| lerp(a, b, r.frac);
    (q(found[0], r1), q(found[1], r3))
}

/// The two order statistics a quartile interpolates, and its weight: ranks `lo` and `hi`
/// (`hi` = `lo` + 1, or `lo` for a single value) and h − ⌊h⌋.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranks {
    lo: usize,
    hi: usize,
    frac: f64,
}

impl Ranks {
    /// For quartile `quarter` (1 or 3) of `n` values: h = quarter·(n − 1)/4 exactly.
    fn of(n: usize, quarter: usize) -> Ranks {
        let m = n.saturating_sub(1) * quarter;
        let lo = m / 4;
        Ranks {
            lo,
            hi: (lo + 1).min(n.saturating_sub(1)),
            frac: (m % 4) as f64 / 4.0,
        }
    }
}

/// `torch.lerp(a, b, w)`: exact at both ends.
fn lerp(a: f64, b: f64, w: f64) -> f64 {
    if w < 0.5 {
        a + w * (b - a)
    } else {
        b - (b - a) * (1.0 - w)
    }
}

/// A total order on f64 as unsigned integers: −inf < … < −0 < +0 < … < +inf (NaN aside).
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The value of a [`key`].
fn unkey(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// How a refining pass maps a value of the window to a bucket: monotone in the value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Split {
    Value { lo: f64, scale: f64 },
    Key { lo: u64, shift: u32 },
}

impl Split {
    fn new(lo: f64, hi: f64, by_key: bool) -> Split {
        let range = hi - lo;
        if !by_key && range.is_finite() && range > 0.0 {
            let scale = BUCKETS as f64 / range;
            if scale.is_finite() {
                return Split::Value { lo, scale };
            }
        }
        let (a, b) = (key(lo), key(hi));
        let span = b - a;
        // The smallest shift that puts the whole span into the buckets.
        let mut shift = 0;
        while (span >> shift) >= BUCKETS as u64 {
            shift += 1;
        }
        Split::Key { lo: a, shift }
    }

    #[inline]
    fn bucket(self, z: f64) -> usize {
        match self {
            Split::Value { lo, scale } => (((z - lo) * scale) as usize).min(BUCKETS - 1),
            Split::Key { lo, shift } => (((key(z) - lo) >> shift) as usize).min(BUCKETS - 1),
        }
    }
}

/// Counts, mins and maxes of a refining pass.
#[derive(Debug, Clone)]
struct Histogram {
    split: Split,
    count: [u64; BUCKETS],
    min: [f64; BUCKETS],
    max: [f64; BUCKETS],
}

impl Histogram {
    fn new(split: Split) -> Histogram {
        Histogram {
            split,
            count: [0; BUCKETS],
            min: [f64::INFINITY; BUCKETS],
            max: [f64::NEG_INFINITY; BUCKETS],
        }
    }

    #[inline]
    fn add(&mut self, z: f64) {
        let b = self.split.bucket(z);
        self.count[b] += 1;
        self.min[b] = self.min[b].min(z);
        self.max[b] = self.max[b].max(z);
    }

    /// The bucket holding rank `r`, counting from `below` values under the window.
    fn bucket_of(&self, below: u64, r: usize) -> usize {
        let mut seen = below;
        for (b, &c) in self.count.iter().enumerate() {
            seen += c;
            if (r as u64) < seen {
                return b;
            }
        }
        BUCKETS - 1
    }
}

/// One quartile of one neuron.
#[derive(Debug, Clone)]
struct Target {
    ranks: Ranks,
    /// Values collected from the window this pass (all of them while they fit).
    buf: Vec<f64>,
    /// Values inside the window this pass.
    inside: u64,
    /// Set while refining.
    hist: Option<Box<Histogram>>,
    /// Passes refined so far (for switching to bit patterns).
    refined: u32,
    /// Ranks kept on each side of the window for the next health pass.
    slack: usize,
    /// The two order statistics, once known this health pass.
    found: Option<(f64, f64)>,
}

/// The hot, per-value state of one hidden layer's targets, as arrays over its neurons (for the
/// vectorized compare): window bounds and counts below, for quartile 1 and quartile 3.
#[derive(Debug, Clone)]
struct LayerWindows {
    lo: [Vec<f64>; 2],
    hi: [Vec<f64>; 2],
    below: [Vec<u32>; 2],
    targets: [Vec<Target>; 2],
}

/// Exact z quartiles of every hidden neuron, over repeated passes if need be. Kept by a
/// session from one health pass to the next, so the windows follow the values as training
/// moves them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Quartiles {
    layers: Vec<LayerWindows>,
    /// Values per pass (the training-set size).
    n: usize,
    cap: usize,
    /// Passes made in the current health pass.
    passes: u32,
}

impl Quartiles {
    /// Ready for a health pass over `n` values per neuron, for hidden layers of `widths`.
    /// Windows from the previous health pass are kept when the shape and `n` are the same.
    pub(crate) fn begin(&mut self, widths: &[usize], n: usize) {
        let same = self.n == n
            && self.layers.len() == widths.len()
            && self
                .layers
                .iter()
                .zip(widths)
                .all(|(l, &w)| l.lo[0].len() == w);
        if !same {
            let total: usize = widths.iter().sum::<usize>() * 2;
            self.cap = (COLLECT_BUDGET / total.max(1)).clamp(64, 1 << 16);
            self.n = n;
            self.layers = widths
                .iter()
                .map(|&w| {
                    let target = |quarter| Target {
                        ranks: Ranks::of(n, quarter),
                        buf: Vec::new(),
                        inside: 0,
                        hist: None,
                        refined: 0,
                        slack: 8,
                        found: None,
                    };
                    LayerWindows {
                        // No guess yet: the window is everything.
                        lo: [vec![f64::NEG_INFINITY; w], vec![f64::NEG_INFINITY; w]],
                        hi: [vec![f64::INFINITY; w], vec![f64::INFINITY; w]],
                        below: [vec![0; w], vec![0; w]],
                        targets: [vec![target(1); w], vec![target(3); w]],
                    }
                })
                .collect();
        }
        self.passes = 0;
        for l in &mut self.layers {
            for q in 0..2 {
                for t in &mut l.targets[q] {
                    t.found = None;
                    t.hist = None;
                    t.refined = 0;
                }
            }
        }
        self.start_pass();
    }

    fn start_pass(&mut self) {
        self.passes += 1;
        for l in &mut self.layers {
            for q in 0..2 {
                l.below[q].fill(0);
                for t in &mut l.targets[q] {
                    t.buf.clear();
                    t.inside = 0;
                }
            }
        }
    }

    /// The deepest hidden layer with a target still open, if any.
    pub(crate) fn deepest_open(&self) -> Option<usize> {
        self.layers
            .iter()
            .rposition(|l| l.targets.iter().flatten().any(|t| t.found.is_none()))
    }

    /// Counts the values of one block of layer `l`: `z` holds `rows` samples of the layer's
    /// neurons, sample-major.
    #[inline]
    pub(crate) fn observe(&mut self, l: usize, z: &[f64]) {
        let Some(w) = self.layers.get_mut(l) else {
            return;
        };
        let n = w.lo[0].len();
        let cap = self.cap;
        let [lo0, lo1] = &w.lo;
        let [hi0, hi1] = &w.hi;
        let [b0, b1] = &mut w.below;
        let (lo0, lo1, hi0, hi1) = (&lo0[..n], &lo1[..n], &hi0[..n], &hi1[..n]);
        let (b0, b1) = (&mut b0[..n], &mut b1[..n]);
        for row in z.chunks_exact(n) {
            let row = &row[..n];
            let mut hit = false;
            for i in 0..n {
                let v = row[i];
                b0[i] += u32::from(v < lo0[i]);
                b1[i] += u32::from(v < lo1[i]);
                hit |= (v >= lo0[i]) && (v <= hi0[i]) || (v >= lo1[i]) && (v <= hi1[i]);
            }
            if hit {
                for (q, (lo, hi)) in [(lo0, hi0), (lo1, hi1)].into_iter().enumerate() {
                    for (i, &v) in row.iter().enumerate() {
                        if v >= lo[i] && v <= hi[i] {
                            let t = &mut w.targets[q][i];
                            t.inside += 1;
                            if t.buf.len() < cap {
                                t.buf.push(v);
                            }
                            if let Some(h) = &mut t.hist {
                                h.add(v);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Ends a pass: resolves what it can and sets up the next pass for the rest. `range(l, i)`
    /// gives neuron i of layer l's (min, max, has NaN) over the pass. Returns true when every
    /// target is known.
    pub(crate) fn end_pass(&mut self, range: impl Fn(usize, usize) -> (f64, f64, bool)) -> bool {
        let cap = self.cap as u64;
        let mut done = true;
        for (l, w) in self.layers.iter_mut().enumerate() {
            for q in 0..2 {
                for i in 0..w.lo[q].len() {
                    let t = &mut w.targets[q][i];
                    if t.found.is_some() {
                        continue;
                    }
                    let (zmin, zmax, nan) = range(l, i);
                    let (lo, hi, below) = (w.lo[q][i], w.hi[q][i], u64::from(w.below[q][i]));
                    let r = t.ranks;
                    let covered = below <= r.lo as u64 && (r.hi as u64) < below + t.inside;
                    if nan || self.n == 0 {
                        t.found = Some((f64::NAN, f64::NAN));
                    } else if covered && t.inside <= cap {
                        t.buf.sort_unstable_by(f64::total_cmp);
                        let at = |rank: usize| t.buf[rank - below as usize];
                        t.found = Some((at(r.lo), at(r.hi)));
                        // The next health pass's window: the ranks and some slack around them.
                        let first = (r.lo.saturating_sub(t.slack) as u64).max(below) as usize;
                        let last = ((r.hi + t.slack) as u64).min(below + t.inside - 1) as usize;
                        w.lo[q][i] = at(first);
                        w.hi[q][i] = at(last);
                        if t.hist.is_none() && t.refined == 0 {
                            // Found at the first try: the slack can shrink back slowly.
                            t.slack = (t.slack * 7 / 8).max(8);
                        }
                        continue;
                    } else if let (true, Some(h)) = (covered, &t.hist) {
                        let (ba, bb) = (h.bucket_of(below, r.lo), h.bucket_of(below, r.hi));
                        if ba != bb {
                            // Nothing lies between the two buckets: rank lo is the top of
                            // its bucket, rank hi the bottom of its.
                            t.found = Some((h.max[ba], h.min[bb]));
                            w.lo[q][i] = h.min[ba];
                            w.hi[q][i] = h.max[bb];
                            continue;
                        }
                        let (a, b) = (h.min[ba], h.max[ba]);
                        if a == b {
                            t.found = Some((a, a));
                            w.lo[q][i] = a;
                            w.hi[q][i] = a;
                            continue;
                        }
                        w.lo[q][i] = a;
                        w.hi[q][i] = b;
                    } else {
                        // Missed, or overflowed: widen to where the ranks must be.
                        if r.lo < below as usize {
                            w.lo[q][i] = zmin;
                        }
                        if r.hi as u64 >= below + t.inside {
                            w.hi[q][i] = zmax;
                        }
                        if !lo.is_finite() {
                            w.lo[q][i] = zmin;
                        }
                        if !hi.is_finite() {
                            w.hi[q][i] = zmax;
                        }
                        t.slack = (t.slack * 2).min(self.cap / 4).max(8);
                    }
                    // Refine: histogram the window in the next pass.
                    let by_key = t.refined >= VALUE_PASSES;
                    t.refined += 1;
                    t.hist = Some(Box::new(Histogram::new(Split::new(
                        w.lo[q][i], w.hi[q][i], by_key,
                    ))));
                    done = false;
                }
            }
        }
        if !done {
            self.start_pass();
        }
        done
    }

    /// Quartile 1 and 3 of neuron `i` of hidden layer `l`, once every pass is done.
    pub(crate) fn get(&self, l: usize, i: usize) -> (f64, f64) {
        let w = &self.layers[l];
        let q = |k: usize| {
            let t = &w.targets[k][i];
            let (a, b) = t.found.unwrap_or((f64::NAN, f64::NAN));
            lerp(a, b, t.ranks.frac)
        };
        (q(0), q(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// torch.quantile(values, q) with linear interpolation, by sorting.
    fn quantile(values: &[f64], quarter: usize) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let r = Ranks::of(v.len(), quarter);
        lerp(v[r.lo], v[r.hi], r.frac)
    }

    /// Runs a whole health pass over `columns` (one per neuron, one layer) as the engine
    /// would, replaying the values for every pass. Returns (q1, q3) per neuron and the passes.
    fn run(q: &mut Quartiles, columns: &[Vec<f64>], block: usize) -> (Vec<(f64, f64)>, u32) {
        let w = columns.len();
        let n = columns[0].len();
        q.begin(&[w], n);
        let range = |i: usize| {
            let c = &columns[i];
            let nan = c.iter().any(|x| x.is_nan());
            let min = c.iter().copied().fold(f64::INFINITY, f64::min);
            let max = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (min, max, nan)
        };
        let feed = |q: &mut Quartiles| {
            for z in blocks(columns, block) {
                q.observe(0, &z);
            }
        };
        feed(q);
        let mut passes = 1;
        while !q.end_pass(|_, i| range(i)) {
            feed(q);
            passes += 1;
            assert!(passes < 64, "no convergence");
        }
        ((0..w).map(|i| q.get(0, i)).collect(), passes)
    }

    /// The values of `columns` (one per neuron) as a pass's blocks of `block` samples,
    /// sample-major.
    fn blocks(columns: &[Vec<f64>], block: usize) -> impl Iterator<Item = Vec<f64>> + '_ {
        let n = columns[0].len();
        (0..n).step_by(block).map(move |start| {
            (start..(start + block).min(n))
                .flat_map(|s| columns.iter().map(move |c| c[s]))
                .collect()
        })
    }

    /// The same values through [`KeptValues`]: kept block by block, selected when read.
    fn kept(columns: &[Vec<f64>], block: usize) -> Vec<(f64, f64)> {
        let mut k = KeptValues::default();
        let n = columns[0].len();
        assert!(k.begin(&[columns.len()], n));
        for z in blocks(columns, block) {
            k.keep(0, &z);
        }
        let nan = |_, i: usize| columns[i].iter().any(|x| x.is_nan());
        k.quartiles(nan).remove(0)
    }

    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    fn check(columns: &[Vec<f64>], got: &[(f64, f64)]) {
        for (c, &(q1, q3)) in columns.iter().zip(got) {
            let (w1, w3) = (quantile(c, 1), quantile(c, 3));
            assert!(
                q1.to_bits() == w1.to_bits() || (q1.is_nan() && w1.is_nan()),
                "q1 {q1} vs {w1} (n {})",
                c.len()
            );
            assert!(
                q3.to_bits() == w3.to_bits() || (q3.is_nan() && w3.is_nan()),
                "q3 {q3} vs {w3} (n {})",
                c.len()
            );
        }
    }

    #[test]
    fn ranks_follow_torch() {
        // h = (n − 1)·q: n = 5 → h = 1 and 3 exactly; n = 6 → 1.25 and 3.75.
        assert_eq!(
            Ranks::of(5, 1),
            Ranks {
                lo: 1,
                hi: 2,
                frac: 0.0
            }
        );
        assert_eq!(
            Ranks::of(6, 3),
            Ranks {
                lo: 3,
                hi: 4,
                frac: 0.75
            }
        );
        assert_eq!(
            Ranks::of(1, 1),
            Ranks {
                lo: 0,
                hi: 0,
                frac: 0.0
            }
        );
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
    }

    #[test]
    fn exact_on_many_shapes_and_over_moving_values() {
        let mut q = Quartiles::default();
        for n in [1, 2, 3, 4, 5, 7, 100, 257, 1000, 5000, 100_000] {
            for seed in 0..3 {
                let u = noise(n, seed);
                let columns = vec![
                    u.clone(),
                    // Values that move between passes: the windows of the last pass miss.
                    u.iter().map(|x| 3.0 * x - 1.0 + seed as f64).collect(),
                    // Many ties (a ReLU layer's input of a dead unit, say).
                    u.iter().map(|x| (x * 4.0).floor()).collect(),
                    // All equal.
                    vec![0.5; n],
                    // A wide spread of magnitudes, signs and zeros.
                    u.iter()
                        .map(|x| (x - 0.5) * 10f64.powi(((x * 1e6) as i32 % 40) - 20))
                        .collect(),
                ];
                let (got, _) = run(&mut q, &columns, 32);
                check(&columns, &got);
                if n * columns.len() <= DIRECT_BUDGET {
                    check(&columns, &kept(&columns, 32));
                }
            }
        }
    }

    #[test]
    fn infinities_and_nan() {
        for keep in [false, true] {
            let mut q = Quartiles::default();
            let n = 10_000;
            let u = noise(n, 9);
            let columns = vec![
                u.iter()
                    .map(|&x| if x < 0.3 { f64::NEG_INFINITY } else { x })
                    .collect(),
                u.iter()
                    .map(|&x| if x > 0.5 { f64::INFINITY } else { x })
                    .collect::<Vec<_>>(),
                u.iter()
                    .enumerate()
                    .map(|(i, &x)| if i == 17 { f64::NAN } else { x })
                    .collect(),
            ];
            let got = if keep {
                kept(&columns, 32)
            } else {
                run(&mut q, &columns, 32).0
            };
            assert!(got[2].0.is_nan() && got[2].1.is_nan());
            check(&columns[..2], &got[..2]);
        }
    }

    /// Small passes keep their values, whatever shape the blocks have; large ones keep none.
    #[test]
    fn kept_values_are_whole_samples_in_order_and_only_for_small_passes() {
        let columns: Vec<Vec<f64>> = (0..16).map(|k| noise(250, k)).collect();
        for block in [1, 7, 32, 250] {
            check(&columns, &kept(&columns, block));
        }
        let mut k = KeptValues::default();
        assert!(!k.begin(&[64; 8], 1000));
        k.keep(0, &[1.0; 64]);
        assert!(k.quartiles(|_, _| false).is_empty());
        // No samples: NaN, as torch.quantile of an empty tensor.
        assert!(k.begin(&[2], 0));
        assert!(k.quartiles(|_, _| false)[0][0].0.is_nan());
    }

    #[test]
    fn a_repeated_pass_over_the_same_values_takes_one_sweep() {
        let mut q = Quartiles::default();
        let columns: Vec<Vec<f64>> = (0..16).map(|k| noise(20_000, k)).collect();
        let (first, _) = run(&mut q, &columns, 32);
        check(&columns, &first);
        // The next pass starts from the windows the last one found.
        let (again, passes) = run(&mut q, &columns, 32);
        assert_eq!(first, again);
        assert_eq!(passes, 1);
        // Values that drift a little stay in the windows too.
        let drifted: Vec<Vec<f64>> = columns
            .iter()
            .map(|c| c.iter().map(|x| x * 1.0001 + 1e-5).collect())
            .collect();
        let (moved, passes) = run(&mut q, &drifted, 32);
        check(&drifted, &moved);
        assert_eq!(passes, 1);
    }
}
