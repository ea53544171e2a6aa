//! Datasets: TensorFlow Playground's generators (plus two moons), input features, the
//! train/test split, and CSV files.
//!
//! The generators follow Playground's `dataset.ts`: the same shapes, sizes (500 points for
//! classification, 1200 for regression) and noise semantics (noise moves the point at which the
//! label is decided, or jitters spiral and moon points, or widens the Gaussians), with labels
//! mapped from ±1 to 1/0 for binary cross-entropy. Every draw comes from a seeded ChaCha
//! generator, and the transcendental functions come from the pure-Rust `libm` (not the
//! platform's), so a seed gives the same points on every machine.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::csv::CsvData;
use super::error::{EngineError, suggestion};
// Re-exported so that `dataset::{Point, Task}` keeps working where it is used.
pub use super::point::{Point, Task};

/// Points per classification dataset (Playground's NUM_SAMPLES_CLASSIFY).
pub const CLASSIFY_SAMPLES: usize = 500;
/// Points per regression dataset (Playground's NUM_SAMPLES_REGRESS).
pub const REGRESS_SAMPLES: usize = 1200;
/// The plane every built-in dataset lives in: x1 and x2 in -6..6, as Playground draws it.
pub const DOMAIN: (f64, f64) = (-6.0, 6.0);

/// A built-in dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DatasetKind {
    /// A disc of positives (r < 2.5) inside a ring of negatives (3.5 < r < 5).
    #[default]
    Circle,
    /// Quadrants: positive where x1·x2 ≥ 0.
    Xor,
    /// Two Gaussian blobs at (2,2) and (-2,-2).
    Gauss,
    /// Two interleaved spirals.
    Spiral,
    /// Two interleaving half circles (as scikit-learn's make_moons), scaled to the plane.
    Moons,
    /// Regression: a plane, target (x1 + x2)/10.
    Plane,
    /// Regression: six Gaussian bumps of alternating sign.
    MultiGauss,
}

impl DatasetKind {
    pub const ALL: [DatasetKind; 7] = [
        DatasetKind::Circle,
        DatasetKind::Xor,
        DatasetKind::Gauss,
        DatasetKind::Spiral,
        DatasetKind::Moons,
        DatasetKind::Plane,
        DatasetKind::MultiGauss,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gauss => "gauss",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Plane => "plane",
            DatasetKind::MultiGauss => "multi-gauss",
        }
    }

    pub fn task(self) -> Task {
        match self {
            DatasetKind::Plane | DatasetKind::MultiGauss => Task::Regression,
            _ => Task::Classification,
        }
    }

    /// Number of points the generator makes (before the train/test split).
    pub fn size(self) -> usize {
        match self.task() {
            Task::Classification => CLASSIFY_SAMPLES,
            Task::Regression => REGRESS_SAMPLES,
        }
    }

    /// The next (or previous) dataset in [`DatasetKind::ALL`], wrapping around.
    pub fn cycle(self, back: bool) -> DatasetKind {
        let all = DatasetKind::ALL;
        let i = all.iter().position(|&k| k == self).unwrap_or(0);
        all[if back {
            (i + all.len() - 1) % all.len()
        } else {
            (i + 1) % all.len()
        }]
    }

    /// Generates the points; `noise` is a fraction 0..=0.5 (Playground's slider / 100).
    pub fn generate(self, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
        let n = self.size();
        let noise = noise.clamp(0.0, 0.5);
        match self {
            DatasetKind::Circle => circle(n, noise, rng),
            DatasetKind::Xor => xor(n, noise, rng),
            DatasetKind::Gauss => two_gauss(n, noise, rng),
            DatasetKind::Spiral => spiral(n, noise, rng),
            DatasetKind::Moons => moons(n, noise, rng),
            DatasetKind::Plane => plane(n, noise, rng),
            DatasetKind::MultiGauss => multi_gauss(n, noise, rng),
        }
    }
}

impl fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DatasetKind {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        let key = match key.as_str() {
            "two-moons" | "moon" => "moons",
            "multigauss" | "reg-gauss" => "multi-gauss",
            "reg-plane" => "plane",
            other => other,
        };
        DatasetKind::ALL
            .into_iter()
            .find(|k| k.name() == key)
            .ok_or_else(|| {
                let names: Vec<&str> = DatasetKind::ALL.iter().map(|k| k.name()).collect();
                EngineError::invalid(format!(
                    "unknown dataset {}{}; valid: {} (or --data FILE.csv)",
                    crate::message::quote(s),
                    suggestion(key, &names),
                    names.join(", ")
                ))
            })
    }
}

/// The points of a run, split into train and test, with what a plot needs to draw them.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// "circle", ..., or the CSV file's name.
    pub name: String,
    pub task: Task,
    pub train: Vec<Point>,
    pub test: Vec<Point>,
    /// The x1 range of the plane to draw (−6..6 for built-ins, the data's range for CSV).
    pub x1_range: (f64, f64),
    /// The x2 range of the plane to draw.
    pub x2_range: (f64, f64),
}

impl Dataset {
    /// Generates a built-in dataset and splits it: `noise` is a fraction 0..=0.5,
    /// `train_fraction` the share used for training.
    pub fn generate(
        kind: DatasetKind,
        noise: f64,
        train_fraction: f64,
        rng: &mut ChaCha8Rng,
    ) -> Dataset {
        let points = kind.generate(noise, rng);
        let (train, test) = split(points, train_fraction, rng);
        Dataset {
            name: kind.name().to_string(),
            task: kind.task(),
            train,
            test,
            x1_range: DOMAIN,
            x2_range: DOMAIN,
        }
    }

    /// Splits a loaded CSV file. Its task is classification when every target is 0 or 1.
    pub fn from_csv(csv: &Arc<CsvData>, train_fraction: f64, rng: &mut ChaCha8Rng) -> Dataset {
        let (train, test) = split(csv.points.clone(), train_fraction, rng);
        Dataset {
            name: csv.name.clone(),
            task: csv.task(),
            train,
            test,
            x1_range: csv.x1_range(),
            x2_range: csv.x2_range(),
        }
    }
}

/// Shuffles (Fisher-Yates) and cuts at ⌊n·fraction⌋ as Playground does, keeping at least one
/// training point.
fn split(mut points: Vec<Point>, fraction: f64, rng: &mut ChaCha8Rng) -> (Vec<Point>, Vec<Point>) {
    shuffle(&mut points, rng);
    let n = points.len();
    let cut = ((n as f64 * fraction.clamp(0.0, 1.0)).floor() as usize).clamp(1.min(n), n);
    let test = points.split_off(cut);
    (points, test)
}

/// Fisher-Yates shuffle from the back, with a seeded generator.
pub fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

fn uniform(rng: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    rng.random::<f64>() * (b - a) + a
}

/// N(mean, variance) by Marsaglia's polar method, as Playground's `normalRandom`.
fn normal(rng: &mut ChaCha8Rng, mean: f64, variance: f64) -> f64 {
    mean + super::init::normal(rng, variance.sqrt())
}

fn label01(positive: bool) -> f64 {
    if positive { 1.0 } else { 0.0 }
}

fn circle(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    let radius = 5.0;
    let mut points = Vec::with_capacity(n);
    // Half inside r < 2.5, half in the ring 3.5..5; the label is decided at a point displaced by
    // noise·U(-5,5) per axis, so noise flips labels near the boundary.
    for (lo, hi) in [(0.0, radius * 0.5), (radius * 0.7, radius)] {
        for _ in 0..n / 2 {
            let r = uniform(rng, lo, hi);
            let angle = uniform(rng, 0.0, 2.0 * PI);
            let (x, y) = (r * libm::sin(angle), r * libm::cos(angle));
            let nx = uniform(rng, -radius, radius) * noise;
            let ny = uniform(rng, -radius, radius) * noise;
            let inside = ((x + nx) * (x + nx) + (y + ny) * (y + ny)).sqrt() < radius * 0.5;
            points.push(Point {
                x1: x,
                x2: y,
                label: label01(inside),
            });
        }
    }
    points
}

fn xor(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    let padding = 0.3;
    (0..n)
        .map(|_| {
            let mut x = uniform(rng, -5.0, 5.0);
            x += if x > 0.0 { padding } else { -padding };
            let mut y = uniform(rng, -5.0, 5.0);
            y += if y > 0.0 { padding } else { -padding };
            let nx = uniform(rng, -5.0, 5.0) * noise;
            let ny = uniform(rng, -5.0, 5.0) * noise;
            Point {
                x1: x,
                x2: y,
                label: label01((x + nx) * (y + ny) >= 0.0),
            }
        })
        .collect()
}

fn two_gauss(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    // Variance grows linearly from 0.5 at noise 0 to 4 at noise 0.5.
    let variance = 0.5 + noise / 0.5 * 3.5;
    let mut points = Vec::with_capacity(n);
    for (c, label) in [(2.0, 1.0), (-2.0, 0.0)] {
        for _ in 0..n / 2 {
            let x = normal(rng, c, variance);
            let y = normal(rng, c, variance);
            points.push(Point {
                x1: x,
                x2: y,
                label,
            });
        }
    }
    points
}

fn spiral(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    let half = n / 2;
    let mut points = Vec::with_capacity(n);
    for (delta, label) in [(0.0, 1.0), (PI, 0.0)] {
        for i in 0..half {
            let r = i as f64 / half as f64 * 5.0;
            let t = 1.75 * i as f64 / half as f64 * 2.0 * PI + delta;
            let x = r * libm::sin(t) + uniform(rng, -1.0, 1.0) * noise;
            let y = r * libm::cos(t) + uniform(rng, -1.0, 1.0) * noise;
            points.push(Point {
                x1: x,
                x2: y,
                label,
            });
        }
    }
    points
}

/// scikit-learn's make_moons shape (outer arc and inner arc), centred and scaled by 3 to fill
/// the plane; noise jitters each coordinate by N(0, (3·noise)²), so noise 0.5 overlaps them.
fn moons(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    let scale = 3.0;
    let mut points = Vec::with_capacity(n);
    for label in [1.0, 0.0] {
        for _ in 0..n / 2 {
            let t = uniform(rng, 0.0, PI);
            let (x, y) = if label == 1.0 {
                (libm::cos(t), libm::sin(t))
            } else {
                (1.0 - libm::cos(t), 0.5 - libm::sin(t))
            };
            let jx = if noise > 0.0 {
                normal(rng, 0.0, 1.0) * noise * scale
            } else {
                0.0
            };
            let jy = if noise > 0.0 {
                normal(rng, 0.0, 1.0) * noise * scale
            } else {
                0.0
            };
            points.push(Point {
                x1: (x - 0.5) * scale + jx,
                x2: (y - 0.25) * scale + jy,
                label,
            });
        }
    }
    points
}

/// Playground's regression sampling: points uniform on [-6, 6]², each labelled by `label(x, y,
/// nx, ny)` where (nx, ny) is its noise offset (the point itself is not moved).
fn regression(
    n: usize,
    noise: f64,
    rng: &mut ChaCha8Rng,
    label: impl Fn(f64, f64, f64, f64) -> f64,
) -> Vec<Point> {
    let radius = 6.0;
    (0..n)
        .map(|_| {
            let x = uniform(rng, -radius, radius);
            let y = uniform(rng, -radius, radius);
            let nx = uniform(rng, -radius, radius) * noise;
            let ny = uniform(rng, -radius, radius) * noise;
            Point {
                x1: x,
                x2: y,
                label: label(x, y, nx, ny),
            }
        })
        .collect()
}

fn plane(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    // Playground maps x + y from [-10, 10] linearly onto [-1, 1] (unclamped).
    regression(n, noise, rng, |x, y, nx, ny| (x + nx + y + ny) / 10.0)
}

fn multi_gauss(n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Vec<Point> {
    const BUMPS: [(f64, f64, f64); 6] = [
        (-4.0, 2.5, 1.0),
        (0.0, 2.5, -1.0),
        (4.0, 2.5, 1.0),
        (-4.0, -2.5, -1.0),
        (0.0, -2.5, 1.0),
        (4.0, -2.5, -1.0),
    ];
    // Each bump falls linearly from 1 at its centre to 0 at distance 2; the label is the
    // largest in absolute value.
    let label = |x: f64, y: f64| {
        let mut best: f64 = 0.0;
        for (cx, cy, sign) in BUMPS {
            let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).sqrt();
            let v = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
            if v.abs() > best.abs() {
                best = v;
            }
        }
        best
    };
    regression(n, noise, rng, |x, y, nx, ny| label(x + nx, y + ny))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::init::rng_from_seed;

    #[test]
    fn sizes_balance_and_range() {
        for kind in DatasetKind::ALL {
            let pts = kind.generate(0.0, &mut rng_from_seed(1));
            assert_eq!(pts.len(), kind.size(), "{kind}");
            for p in &pts {
                assert!(p.x1.is_finite() && p.x2.is_finite() && p.label.is_finite());
                assert!(
                    p.x1.abs() <= 6.0 + 1e-9 || kind == DatasetKind::Gauss,
                    "{kind} {p:?}"
                );
            }
            match kind.task() {
                Task::Classification => {
                    let pos = pts.iter().filter(|p| p.label == 1.0).count();
                    assert!(pts.iter().all(|p| p.label == 0.0 || p.label == 1.0));
                    // Exactly balanced by construction except xor (balanced in expectation).
                    if kind == DatasetKind::Xor {
                        assert!((200..300).contains(&pos), "{kind}: {pos}");
                    } else {
                        assert_eq!(pos, 250, "{kind}");
                    }
                }
                Task::Regression => {
                    assert!(pts.iter().all(|p| (-1.2..=1.2).contains(&p.label)));
                }
            }
        }
    }

    #[test]
    fn noiseless_labels_follow_the_rule() {
        for p in DatasetKind::Circle.generate(0.0, &mut rng_from_seed(2)) {
            let r = p.x1.hypot(p.x2);
            assert_eq!(p.label == 1.0, r < 2.5);
            assert!(r <= 2.5 || (3.5..=5.0).contains(&r));
        }
        for p in DatasetKind::Xor.generate(0.0, &mut rng_from_seed(2)) {
            assert_eq!(p.label == 1.0, p.x1 * p.x2 >= 0.0);
            assert!(p.x1.abs() >= 0.3 && p.x2.abs() >= 0.3);
        }
        for p in DatasetKind::Plane.generate(0.0, &mut rng_from_seed(2)) {
            assert!((p.label - (p.x1 + p.x2) / 10.0).abs() < 1e-12);
        }
    }

    #[test]
    fn noiseless_spiral_and_bumps_follow_playground() {
        // Spiral: point i of each arm at r = 5i/250 and angle 1.75·2π·i/250 (+π for label 0),
        // with x = r·sin t, y = r·cos t.
        let pts = DatasetKind::Spiral.generate(0.0, &mut rng_from_seed(6));
        for (k, p) in pts.iter().enumerate() {
            let (i, arm) = (k % 250, k / 250);
            let r = i as f64 / 250.0 * 5.0;
            let t = 1.75 * i as f64 / 250.0 * 2.0 * PI + if arm == 0 { 0.0 } else { PI };
            assert!((p.x1 - r * t.sin()).abs() < 1e-12 && (p.x2 - r * t.cos()).abs() < 1e-12);
            assert_eq!(p.label, if arm == 0 { 1.0 } else { 0.0 });
        }
        // Multi-gauss: the bump largest in absolute value, 1 − d/2 clamped to [0, 1].
        let centres = [
            (-4.0, 2.5, 1.0),
            (0.0, 2.5, -1.0),
            (4.0, 2.5, 1.0),
            (-4.0, -2.5, -1.0),
            (0.0, -2.5, 1.0),
            (4.0, -2.5, -1.0),
        ];
        let pts = DatasetKind::MultiGauss.generate(0.0, &mut rng_from_seed(6));
        let mut near = 0;
        for p in &pts {
            let (cx, cy, sign) = centres
                .into_iter()
                .min_by(|a, b| {
                    let da = (p.x1 - a.0).hypot(p.x2 - a.1);
                    let db = (p.x1 - b.0).hypot(p.x2 - b.1);
                    da.total_cmp(&db)
                })
                .unwrap();
            let d = (p.x1 - cx).hypot(p.x2 - cy);
            let want = if d < 2.0 { sign * (1.0 - d / 2.0) } else { 0.0 };
            assert!((p.label - want).abs() < 1e-12, "{p:?}: {want}");
            near += usize::from(d < 2.0);
        }
        assert!(near > 200, "{near}");
        // Gauss: the positives around (2, 2), the negatives around (−2, −2).
        let pts = DatasetKind::Gauss.generate(0.0, &mut rng_from_seed(6));
        let mean = |label: f64| {
            let xs: Vec<&Point> = pts.iter().filter(|p| p.label == label).collect();
            let n = xs.len() as f64;
            (
                xs.iter().map(|p| p.x1).sum::<f64>() / n,
                xs.iter().map(|p| p.x2).sum::<f64>() / n,
            )
        };
        let ((a, b), (c, d)) = (mean(1.0), mean(0.0));
        assert!((a - 2.0).abs() < 0.15 && (b - 2.0).abs() < 0.15, "{a} {b}");
        assert!((c + 2.0).abs() < 0.15 && (d + 2.0).abs() < 0.15, "{c} {d}");
    }

    #[test]
    fn noise_flips_some_circle_labels() {
        let clean = DatasetKind::Circle.generate(0.0, &mut rng_from_seed(3));
        let noisy = DatasetKind::Circle.generate(0.5, &mut rng_from_seed(3));
        let wrong = noisy
            .iter()
            .filter(|p| (p.x1.hypot(p.x2) < 2.5) != (p.label == 1.0))
            .count();
        assert_eq!(clean.len(), noisy.len());
        assert!(wrong > 25 && wrong < 250, "{wrong}");
    }

    #[test]
    fn gauss_variance_grows_with_noise() {
        let var = |noise| {
            let pts = DatasetKind::Gauss.generate(noise, &mut rng_from_seed(4));
            let pos: Vec<f64> = pts
                .iter()
                .filter(|p| p.label == 1.0)
                .map(|p| p.x1)
                .collect();
            let m = pos.iter().sum::<f64>() / pos.len() as f64;
            pos.iter().map(|x| (x - m).powi(2)).sum::<f64>() / pos.len() as f64
        };
        assert!((var(0.0) - 0.5).abs() < 0.15, "{}", var(0.0));
        assert!((var(0.5) - 4.0).abs() < 1.0, "{}", var(0.5));
    }

    #[test]
    fn split_is_seeded_and_sized() {
        let a = Dataset::generate(DatasetKind::Spiral, 0.1, 0.5, &mut rng_from_seed(5));
        let b = Dataset::generate(DatasetKind::Spiral, 0.1, 0.5, &mut rng_from_seed(5));
        assert_eq!(a, b);
        assert_eq!((a.train.len(), a.test.len()), (250, 250));
        let c = Dataset::generate(DatasetKind::Plane, 0.0, 0.8, &mut rng_from_seed(5));
        assert_eq!((c.train.len(), c.test.len()), (960, 240));
        let d = Dataset::generate(DatasetKind::Gauss, 0.0, 0.0, &mut rng_from_seed(5));
        assert_eq!(d.train.len(), 1);
    }

    #[test]
    fn names_parse() {
        for k in DatasetKind::ALL {
            assert_eq!(k.name().parse::<DatasetKind>().unwrap(), k);
        }
        let e = "cirlce".parse::<DatasetKind>().unwrap_err().to_string();
        assert!(e.contains("did you mean 'circle'"), "{e}");
    }
}
