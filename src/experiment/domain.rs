//! The input points over which a random network is judged constant ("born dead").
//!
//! With zero biases a ReLU network is positively homogeneous, f(t·x) = t·f(x) for t ≥ 0, so it is
//! constant on R^D exactly when it is zero on the unit sphere: a dense set of directions decides
//! it. With other biases it is not, and the domain is a dense grid on [-6, 6]^D instead. Either
//! way, point 0 is the fixed input x0 = (1, …, 1)/√D used for the single-point estimate.
//!
//! A finite set can only miss activity (a neuron alive on a cone thinner than the spacing), never
//! invent it, so "born dead" is over-estimated slightly and falls towards the true value as the
//! set grows. For width 4, depth 10, 10,000 trials: 0.2382 at 720 directions, 0.2360 at 11,520,
//! a difference well inside the 95% interval (±0.008).

/// Half-width of the box the grid covers: [-6, 6]^D.
pub const BOX: f64 = 6.0;

/// Most inputs accepted (the sets stay meaningful and the memory bounded).
pub const MAX_INPUTS: usize = 64;

/// How the domain's points were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainKind {
    /// Unit vectors: evenly spaced angles for D = 2, ±1 for D = 1, a quasi-random set for D > 2.
    Directions,
    /// A regular grid with `per_axis` points along each axis of [-6, 6]^D (D ≤ 3).
    Grid { per_axis: usize },
    /// Quasi-random points filling [-6, 6]^D (D > 3, where a regular grid would be too coarse).
    Scattered,
}

/// A set of input points stored by coordinate (`coords[d * len + p]` is coordinate d of point
/// p), the layout the batched forward pass reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub kind: DomainKind,
    pub inputs: usize,
    coords: Vec<f64>,
    len: usize,
}

impl Domain {
    /// The default number of points: dense enough that a neuron active on a thin cone or strip
    /// is rarely missed, small enough for 10,000 trials in about a second.
    pub fn default_points(inputs: usize, homogeneous: bool) -> usize {
        match (homogeneous, inputs) {
            (true, 1) => 2,
            (true, 2) => 720,
            (true, _) => 2048,
            (false, 1) => 1201,
            (false, 2) => 61 * 61,
            (false, _) => 4096,
        }
    }

    /// Builds the domain for `inputs` dimensions with about `points` points (a grid rounds to a
    /// whole number per axis; D = 1 directions are always ±1). `homogeneous` selects directions.
    pub fn new(inputs: usize, points: usize, homogeneous: bool) -> Domain {
        let d = inputs.clamp(1, MAX_INPUTS);
        let points = points.max(1);
        let mut pts: Vec<Vec<f64>> = vec![Domain::x0(d)];
        let kind = if homogeneous {
            match d {
                1 => pts.push(vec![-1.0]),
                2 => {
                    // Start at 45° so that the first angle is x0 itself.
                    for k in 1..points.max(2) {
                        let a = std::f64::consts::FRAC_PI_4
                            + std::f64::consts::TAU * k as f64 / points.max(2) as f64;
                        pts.push(vec![a.cos(), a.sin()]);
                    }
                }
                _ => pts.extend(sphere_points(d, points.saturating_sub(1))),
            }
            DomainKind::Directions
        } else if d <= 3 {
            let per_axis = grid_per_axis(d, points);
            pts.extend(grid_points(d, per_axis));
            DomainKind::Grid { per_axis }
        } else {
            pts.extend((0..points.saturating_sub(1)).map(|n| {
                r_sequence(d, n)
                    .iter()
                    .map(|u| BOX * (2.0 * u - 1.0))
                    .collect()
            }));
            DomainKind::Scattered
        };
        let len = pts.len();
        let mut coords = vec![0.0; d * len];
        for (p, x) in pts.iter().enumerate() {
            for (j, &v) in x.iter().enumerate() {
                coords[j * len + p] = v;
            }
        }
        Domain {
            kind,
            inputs: d,
            coords,
            len,
        }
    }

    /// The fixed input x0 = (1, …, 1)/√D of `inputs` = D dimensions: point 0 of every domain.
    pub fn x0(inputs: usize) -> Vec<f64> {
        vec![1.0 / (inputs as f64).sqrt(); inputs]
    }

    /// Number of points, x0 included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: x0 is always a point.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Coordinate-major storage: `coords()[d * len() + p]`.
    pub fn coords(&self) -> &[f64] {
        &self.coords
    }

    /// Point `p` as a vector.
    pub fn point(&self, p: usize) -> Vec<f64> {
        (0..self.inputs)
            .map(|j| self.coords[j * self.len + p])
            .collect()
    }

    /// One line saying what the domain is, for the report.
    pub fn describe(&self) -> String {
        let d = self.inputs;
        match self.kind {
            DomainKind::Directions if d == 1 => {
                "the directions ±1 (zero biases: the network is positively homogeneous, so \
                 constant means zero on the unit sphere)"
                    .to_string()
            }
            DomainKind::Directions => format!(
                "{} {} on the unit {} (zero biases: the network is positively homogeneous, \
                 so constant means zero on the unit sphere)",
                self.len,
                if d == 2 {
                    "evenly spaced directions"
                } else {
                    "quasi-random directions"
                },
                if d == 2 { "circle" } else { "sphere" }
            ),
            DomainKind::Grid { per_axis } => format!(
                "a {} grid on [-{BOX}, {BOX}]^{d} (step {:.3}) plus x0 (nonzero biases: \
                 constant over the box)",
                // "a 61×61 grid", but "a 2-point grid" on a line.
                if d == 1 {
                    format!("{per_axis}-point")
                } else {
                    vec![per_axis.to_string(); d].join("×")
                },
                2.0 * BOX / (per_axis - 1) as f64
            ),
            DomainKind::Scattered => format!(
                "{} quasi-random points in [-{BOX}, {BOX}]^{d} (nonzero biases: constant over \
                 the box)",
                self.len
            ),
        }
    }
}

/// Points per axis of a grid with about `points` points in `d` dimensions (at least 2).
fn grid_per_axis(d: usize, points: usize) -> usize {
    let mut n = (points as f64).powf(1.0 / d as f64).round().max(2.0) as usize;
    while n > 2 && n.checked_pow(d as u32).is_none_or(|t| t > points.max(8)) {
        n -= 1;
    }
    n
}

fn grid_points(d: usize, per_axis: usize) -> Vec<Vec<f64>> {
    let total = per_axis.pow(d as u32);
    let step = 2.0 * BOX / (per_axis - 1) as f64;
    (0..total)
        .map(|mut i| {
            (0..d)
                .map(|_| {
                    let k = i % per_axis;
                    i /= per_axis;
                    -BOX + step * k as f64
                })
                .collect()
        })
        .collect()
}

/// Point `n` of Roberts' R_d low-discrepancy sequence in [0, 1)^d: frac(½ + n·α) with
/// α_j = φ_d^−(j+1), where φ_d is the positive root of x^(d+1) = x + 1.
fn r_sequence(d: usize, n: usize) -> Vec<f64> {
    let mut phi = 2.0f64;
    for _ in 0..64 {
        phi = (1.0 + phi).powf(1.0 / (d as f64 + 1.0));
    }
    (0..d)
        .map(|j| (0.5 + n as f64 * phi.powi(-(j as i32 + 1))).fract())
        .collect()
}

/// `count` quasi-random unit vectors in d dimensions: R_d points in the cube, mapped to Gaussian
/// vectors by Box–Muller on coordinate pairs (which preserves their evenness), then normalized.
fn sphere_points(d: usize, count: usize) -> Vec<Vec<f64>> {
    let pairs = d.div_ceil(2);
    (0..count)
        .map(|n| {
            let u = r_sequence(2 * pairs, n + 1);
            let mut g = Vec::with_capacity(2 * pairs);
            for k in 0..pairs {
                let r = (-2.0 * (1.0 - u[2 * k]).ln()).sqrt();
                let a = std::f64::consts::TAU * u[2 * k + 1];
                g.push(r * a.cos());
                g.push(r * a.sin());
            }
            g.truncate(d);
            let norm = g
                .iter()
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt()
                .max(f64::MIN_POSITIVE);
            g.iter().map(|x| x / norm).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum::<f64>().sqrt()
    }

    #[test]
    fn first_point_is_x0() {
        for (d, h) in [(1, true), (2, true), (3, true), (2, false), (5, false)] {
            let dom = Domain::new(d, 100, h);
            let x0 = dom.point(0);
            assert!(
                x0.iter()
                    .all(|&v| (v - 1.0 / (d as f64).sqrt()).abs() < 1e-15)
            );
        }
    }

    #[test]
    fn circle_directions_are_evenly_spaced() {
        let dom = Domain::new(2, 8, true);
        assert_eq!(dom.len(), 8);
        assert_eq!(dom.kind, DomainKind::Directions);
        for p in 0..8 {
            let x = dom.point(p);
            assert!((norm(&x) - 1.0).abs() < 1e-12);
            let y = dom.point((p + 1) % 8);
            let cos = x[0] * y[0] + x[1] * y[1];
            assert!((cos - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
        }
        assert_eq!(Domain::new(1, 100, true).len(), 2);
    }

    #[test]
    fn sphere_directions_are_unit_and_spread() {
        let dom = Domain::new(3, 2000, true);
        assert_eq!(dom.len(), 2000);
        let mut octants = [0usize; 8];
        let mut mean = [0.0; 3];
        for p in 0..dom.len() {
            let x = dom.point(p);
            assert!((norm(&x) - 1.0).abs() < 1e-12);
            let o =
                (x[0] > 0.0) as usize | ((x[1] > 0.0) as usize) << 1 | ((x[2] > 0.0) as usize) << 2;
            octants[o] += 1;
            for j in 0..3 {
                mean[j] += x[j] / 2000.0;
            }
        }
        // Uniform on the sphere: 250 per octant, mean near 0.
        assert!(
            octants.iter().all(|&c| (200..300).contains(&c)),
            "{octants:?}"
        );
        assert!(norm(&mean) < 0.03, "{mean:?}");
    }

    #[test]
    fn grid_covers_the_box() {
        let dom = Domain::new(2, 61 * 61, false);
        assert_eq!(dom.kind, DomainKind::Grid { per_axis: 61 });
        assert_eq!(dom.len(), 61 * 61 + 1);
        let pts: Vec<Vec<f64>> = (1..dom.len()).map(|p| dom.point(p)).collect();
        assert!(pts.contains(&vec![-6.0, -6.0]) && pts.contains(&vec![6.0, 6.0]));
        assert!(pts.iter().all(|x| x.iter().all(|v| v.abs() <= 6.0 + 1e-12)));
        assert_eq!(grid_per_axis(3, 1000), 10);
        assert_eq!(grid_per_axis(2, 1), 2);
        assert!(
            Domain::new(2, 3721, false)
                .describe()
                .contains("a 61×61 grid")
        );
        assert!(
            Domain::new(1, 50, false)
                .describe()
                .contains("a 50-point grid")
        );
    }

    #[test]
    fn scattered_points_fill_the_box() {
        let dom = Domain::new(5, 1000, false);
        assert_eq!(dom.kind, DomainKind::Scattered);
        for j in 0..5 {
            let xs: Vec<f64> = (1..dom.len()).map(|p| dom.point(p)[j]).collect();
            assert!(xs.iter().all(|v| v.abs() < 6.0));
            assert!(xs.iter().any(|&v| v > 5.5) && xs.iter().any(|&v| v < -5.5));
        }
    }
}
