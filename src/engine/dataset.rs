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
use std::sync::OnceLock;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::csv::{CsvData, CsvOptions, TaskChoice};
use super::error::{EngineError, suggestion};
// Re-exported so that `dataset::{Point, Task}` keeps working where it is used.
pub use super::point::{Point, Task};

/// Points per classification dataset (Playground's NUM_SAMPLES_CLASSIFY).
pub const CLASSIFY_SAMPLES: usize = 500;
/// Points per regression dataset (Playground's NUM_SAMPLES_REGRESS).
pub const REGRESS_SAMPLES: usize = 1200;
/// The plane every generated dataset lives in: x1 and x2 in -6..6, as Playground draws it.
pub const DOMAIN: (f64, f64) = (-6.0, 6.0);
/// Classes the blobs generator makes, at least and at most.
pub const BLOB_CLASSES: (usize, usize) = (3, 6);

/// A built-in dataset: a generator on the plane, or a real dataset shipped in the binary.
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
    /// K = 3..6 Gaussian blobs on a circle, one class each (multi-class).
    Blobs,
    /// Regression: a plane, target (x1 + x2)/10.
    Plane,
    /// Regression: six Gaussian bumps of alternating sign.
    MultiGauss,
    /// Fisher's irises: 150 flowers × 4 measurements (cm), 3 species.
    Iris,
    /// 178 wines × 13 chemical measurements, 3 cultivars.
    Wine,
    /// 569 breast masses × 30 cell-nucleus features, benign or malignant.
    BreastCancer,
    /// 1,797 handwritten digits as 8×8 images (64 pixels of 0..16), 10 classes.
    Digits,
}

/// The real datasets' files, as extracted by tests/data/extract_datasets.py.
const IRIS: &str = include_str!("datasets/iris.csv");
const WINE: &str = include_str!("datasets/wine.csv");
const BREAST_CANCER: &str = include_str!("datasets/breast-cancer.csv");
const DIGITS: &str = include_str!("datasets/digits.csv");

impl DatasetKind {
    pub const ALL: [DatasetKind; 12] = [
        DatasetKind::Circle,
        DatasetKind::Xor,
        DatasetKind::Gauss,
        DatasetKind::Spiral,
        DatasetKind::Moons,
        DatasetKind::Blobs,
        DatasetKind::Plane,
        DatasetKind::MultiGauss,
        DatasetKind::Iris,
        DatasetKind::Wine,
        DatasetKind::BreastCancer,
        DatasetKind::Digits,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gauss => "gauss",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Blobs => "blobs",
            DatasetKind::Plane => "plane",
            DatasetKind::MultiGauss => "multi-gauss",
            DatasetKind::Iris => "iris",
            DatasetKind::Wine => "wine",
            DatasetKind::BreastCancer => "breast-cancer",
            DatasetKind::Digits => "digits",
        }
    }

    pub fn task(self) -> Task {
        match self {
            DatasetKind::Plane | DatasetKind::MultiGauss => Task::Regression,
            DatasetKind::Blobs => Task::MultiClass,
            k => k.table().map_or(Task::Classification, CsvData::task),
        }
    }

    /// The shipped table of a real dataset (`None` for the generators on the plane).
    pub fn table(self) -> Option<&'static CsvData> {
        static TABLES: [OnceLock<CsvData>; 4] = [const { OnceLock::new() }; 4];
        let (i, text) = match self {
            DatasetKind::Iris => (0, IRIS),
            DatasetKind::Wine => (1, WINE),
            DatasetKind::BreastCancer => (2, BREAST_CANCER),
            DatasetKind::Digits => (3, DIGITS),
            _ => return None,
        };
        Some(TABLES[i].get_or_init(|| {
            CsvData::parse_with(
                self.name(),
                text,
                &CsvOptions {
                    task: Some(TaskChoice::Classification),
                    ..CsvOptions::default()
                },
            )
            // The files are part of the binary and a test reads each one.
            .expect("a shipped dataset parses")
        }))
    }

    /// Whether this is a real dataset shipped as a table (noise does not apply to it).
    pub fn is_table(self) -> bool {
        self.table().is_some()
    }

    /// Number of points (before the train/test split).
    pub fn size(self) -> usize {
        if let Some(t) = self.table() {
            return t.rows();
        }
        match self.task() {
            Task::Regression => REGRESS_SAMPLES,
            _ => CLASSIFY_SAMPLES,
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

    /// Generates the points on the plane; `noise` is a fraction 0..=0.5 (Playground's slider /
    /// 100), `classes` the number of blobs (3..=6). A real dataset gives its first two columns.
    pub fn generate(self, noise: f64, classes: usize, rng: &mut ChaCha8Rng) -> Vec<Point> {
        let n = self.size();
        let noise = noise.clamp(0.0, 0.5);
        match self {
            DatasetKind::Circle => circle(n, noise, rng),
            DatasetKind::Xor => xor(n, noise, rng),
            DatasetKind::Gauss => two_gauss(n, noise, rng),
            DatasetKind::Spiral => spiral(n, noise, rng),
            DatasetKind::Moons => moons(n, noise, rng),
            DatasetKind::Blobs => blobs(n, noise, classes, rng),
            DatasetKind::Plane => plane(n, noise, rng),
            DatasetKind::MultiGauss => multi_gauss(n, noise, rng),
            k => k.table().map(plane_points).unwrap_or_default(),
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
            "cancer" | "breastcancer" | "breast" => "breast-cancer",
            "mnist" | "digit" => "digits",
            "blob" => "blobs",
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

/// How a dataset is cut into training and test sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitRule {
    /// The share used for training, 0.1..=1 (1: no test set).
    pub train_fraction: f64,
    /// Keep the file's order (the first ⌊n·f⌋ rows train) instead of shuffling first; applies
    /// to data from files (CSV and the shipped tables), whose order means something.
    pub keep_order: bool,
}

impl SplitRule {
    /// Shuffled, `train_fraction` for training.
    pub fn shuffled(train_fraction: f64) -> SplitRule {
        SplitRule {
            train_fraction,
            keep_order: false,
        }
    }
}

/// The points of a run, split into train and test, with what a plot needs to draw them.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// "circle", ..., or the CSV file's name.
    pub name: String,
    pub task: Task,
    /// The raw inputs' names: `x1, x2` on the plane, the columns of a table.
    pub inputs: Vec<String>,
    /// The class names in index order (empty for regression).
    pub classes: Vec<String>,
    /// Each example as the plane views draw it: its first two inputs and its target.
    pub train: Vec<Point>,
    pub test: Vec<Point>,
    /// Every raw input, row-major (`inputs.len()` per example), in the order of `train`.
    pub train_rows: Vec<f64>,
    /// Every raw input of the test examples, in the order of `test`.
    pub test_rows: Vec<f64>,
    /// The x1 range of the plane to draw (−6..6 for generated data, the data's range for
    /// tables).
    pub x1_range: (f64, f64),
    /// The x2 range of the plane to draw.
    pub x2_range: (f64, f64),
}

impl Dataset {
    /// A built-in dataset, generated (`noise` a fraction 0..=0.5, `classes` for blobs) or
    /// taken from its shipped table, then split.
    pub fn generate(
        kind: DatasetKind,
        noise: f64,
        classes: usize,
        split: SplitRule,
        rng: &mut ChaCha8Rng,
    ) -> Dataset {
        if let Some(table) = kind.table() {
            return Dataset::from_table(table, None, split, rng);
        }
        let points = kind.generate(noise, classes, rng);
        let (train, test) = split_points(points, split.train_fraction, false, rng);
        let rows = |ps: &[Point]| ps.iter().flat_map(|p| [p.x1, p.x2]).collect();
        let classes = match kind.task() {
            Task::Regression => Vec::new(),
            Task::Classification => vec!["0".into(), "1".into()],
            Task::MultiClass => (0..classes).map(|k| k.to_string()).collect(),
        };
        Dataset {
            name: kind.name().to_string(),
            task: kind.task(),
            inputs: vec!["x1".into(), "x2".into()],
            classes,
            train_rows: rows(&train),
            test_rows: rows(&test),
            train,
            test,
            x1_range: DOMAIN,
            x2_range: DOMAIN,
        }
    }

    /// A loaded table (a CSV file or a shipped dataset), split by `split`, or, with a test
    /// file, all of it for training and the test file for testing.
    pub fn from_table(
        table: &CsvData,
        test_file: Option<&CsvData>,
        split: SplitRule,
        rng: &mut ChaCha8Rng,
    ) -> Dataset {
        let d = table.inputs.len();
        let (train, test): (Vec<usize>, Vec<(bool, usize)>) = match test_file {
            Some(t) => (
                (0..table.rows()).collect(),
                (0..t.rows()).map(|r| (true, r)).collect(),
            ),
            None => {
                let (a, b) = split_points(
                    (0..table.rows()).collect(),
                    split.train_fraction,
                    split.keep_order,
                    rng,
                );
                (a, b.into_iter().map(|r| (false, r)).collect())
            }
        };
        let source = |other: bool| {
            if other {
                test_file.unwrap_or(table)
            } else {
                table
            }
        };
        fn row(t: &CsvData, d: usize, r: usize) -> &[f64] {
            &t.x[r * d..(r + 1) * d]
        }
        Dataset {
            name: table.name.clone(),
            task: table.task(),
            inputs: table.inputs.clone(),
            classes: table.classes.clone(),
            train: train.iter().map(|&r| plane_point(table, r)).collect(),
            test: test
                .iter()
                .map(|&(o, r)| plane_point(source(o), r))
                .collect(),
            train_rows: train
                .iter()
                .flat_map(|&r| row(table, d, r))
                .copied()
                .collect(),
            test_rows: test
                .iter()
                .flat_map(|&(o, r)| row(source(o), d, r))
                .copied()
                .collect(),
            x1_range: table.x1_range(),
            x2_range: if d > 1 { table.x2_range() } else { (-1.0, 1.0) },
        }
    }

    /// Raw inputs per example.
    pub fn width(&self) -> usize {
        self.inputs.len()
    }

    /// Whether the data lives on the plane (two inputs), where the features x1², sin x1, ...
    /// are computed from them; otherwise the inputs are the columns themselves.
    pub fn on_plane(&self) -> bool {
        self.inputs.len() == 2
    }
}

/// The first two columns of a table as plane points.
fn plane_points(t: &CsvData) -> Vec<Point> {
    (0..t.rows()).map(|r| plane_point(t, r)).collect()
}

/// Row `r` of a table as a plane point: its first two inputs (0 for a missing second).
fn plane_point(t: &CsvData, r: usize) -> Point {
    let d = t.inputs.len();
    Point {
        x1: t.x[r * d],
        x2: if d > 1 { t.x[r * d + 1] } else { 0.0 },
        label: t.y[r],
    }
}

/// Shuffles (Fisher-Yates, unless `keep_order`) and cuts at ⌊n·fraction⌋ as Playground does,
/// keeping at least one training point.
fn split_points<T>(
    mut points: Vec<T>,
    fraction: f64,
    keep_order: bool,
    rng: &mut ChaCha8Rng,
) -> (Vec<T>, Vec<T>) {
    if !keep_order {
        shuffle(&mut points, rng);
    }
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

/// K Gaussian blobs centred on a circle of radius 3.5 (class k at angle 2πk/K, starting at
/// the top), n/K points each (the remainder to the first classes); the spread grows from
/// sd 0.6 at noise 0 to 1.6 at noise 0.5, when neighbours overlap.
fn blobs(n: usize, noise: f64, classes: usize, rng: &mut ChaCha8Rng) -> Vec<Point> {
    let k = classes.clamp(BLOB_CLASSES.0, BLOB_CLASSES.1);
    let variance = (0.6 + 2.0 * noise).powi(2);
    let mut points = Vec::with_capacity(n);
    for c in 0..k {
        let angle = 2.0 * PI * c as f64 / k as f64;
        let (cx, cy) = (3.5 * libm::sin(angle), 3.5 * libm::cos(angle));
        let count = n / k + usize::from(c < n % k);
        for _ in 0..count {
            points.push(Point {
                x1: normal(rng, cx, variance),
                x2: normal(rng, cy, variance),
                label: c as f64,
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
        for kind in DatasetKind::ALL.into_iter().filter(|k| !k.is_table()) {
            let pts = kind.generate(0.0, 3, &mut rng_from_seed(1));
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
                Task::MultiClass => {
                    for c in 0..3 {
                        let count = pts.iter().filter(|p| p.label == c as f64).count();
                        assert!((166..=167).contains(&count), "{kind} {c}: {count}");
                    }
                }
            }
        }
    }

    #[test]
    fn noiseless_labels_follow_the_rule() {
        for p in DatasetKind::Circle.generate(0.0, 3, &mut rng_from_seed(2)) {
            let r = p.x1.hypot(p.x2);
            assert_eq!(p.label == 1.0, r < 2.5);
            assert!(r <= 2.5 || (3.5..=5.0).contains(&r));
        }
        for p in DatasetKind::Xor.generate(0.0, 3, &mut rng_from_seed(2)) {
            assert_eq!(p.label == 1.0, p.x1 * p.x2 >= 0.0);
            assert!(p.x1.abs() >= 0.3 && p.x2.abs() >= 0.3);
        }
        for p in DatasetKind::Plane.generate(0.0, 3, &mut rng_from_seed(2)) {
            assert!((p.label - (p.x1 + p.x2) / 10.0).abs() < 1e-12);
        }
    }

    #[test]
    fn noiseless_spiral_and_bumps_follow_playground() {
        // Spiral: point i of each arm at r = 5i/250 and angle 1.75·2π·i/250 (+π for label 0),
        // with x = r·sin t, y = r·cos t.
        let pts = DatasetKind::Spiral.generate(0.0, 3, &mut rng_from_seed(6));
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
        let pts = DatasetKind::MultiGauss.generate(0.0, 3, &mut rng_from_seed(6));
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
        let pts = DatasetKind::Gauss.generate(0.0, 3, &mut rng_from_seed(6));
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
        let clean = DatasetKind::Circle.generate(0.0, 3, &mut rng_from_seed(3));
        let noisy = DatasetKind::Circle.generate(0.5, 3, &mut rng_from_seed(3));
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
            let pts = DatasetKind::Gauss.generate(noise, 3, &mut rng_from_seed(4));
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
        let gen_ = |k, noise, f| {
            Dataset::generate(k, noise, 3, SplitRule::shuffled(f), &mut rng_from_seed(5))
        };
        let a = gen_(DatasetKind::Spiral, 0.1, 0.5);
        assert_eq!(a, gen_(DatasetKind::Spiral, 0.1, 0.5));
        assert_eq!((a.train.len(), a.test.len()), (250, 250));
        assert_eq!(a.train_rows.len(), 500);
        assert_eq!(
            (a.train_rows[0], a.train_rows[1]),
            (a.train[0].x1, a.train[0].x2)
        );
        let c = gen_(DatasetKind::Plane, 0.0, 0.8);
        assert_eq!((c.train.len(), c.test.len()), (960, 240));
        let d = gen_(DatasetKind::Gauss, 0.0, 0.0);
        assert_eq!(d.train.len(), 1);
        let e = gen_(DatasetKind::Gauss, 0.0, 1.0);
        assert_eq!((e.train.len(), e.test.len()), (500, 0));
    }

    #[test]
    fn shipped_tables_load_with_their_shapes() {
        let want = [
            (DatasetKind::Iris, 150, 4, 3),
            (DatasetKind::Wine, 178, 13, 3),
            (DatasetKind::BreastCancer, 569, 30, 2),
            (DatasetKind::Digits, 1797, 64, 10),
        ];
        for (kind, rows, inputs, classes) in want {
            let t = kind.table().unwrap();
            assert_eq!(
                (t.rows(), t.inputs.len(), t.classes.len()),
                (rows, inputs, classes)
            );
            assert_eq!(kind.size(), rows);
            let d = Dataset::generate(
                kind,
                0.0,
                3,
                SplitRule::shuffled(0.5),
                &mut rng_from_seed(1),
            );
            assert_eq!(d.train.len() + d.test.len(), rows);
            assert_eq!(d.train_rows.len(), d.train.len() * inputs);
            assert_eq!(
                d.task,
                if classes == 2 {
                    Task::Classification
                } else {
                    Task::MultiClass
                }
            );
        }
        let iris = DatasetKind::Iris.table().unwrap();
        assert_eq!(iris.classes, ["setosa", "versicolor", "virginica"]);
        assert_eq!(&iris.x[..4], &[5.1, 3.5, 1.4, 0.2]);
        assert_eq!(DatasetKind::Digits.table().unwrap().classes[9], "9");
    }

    #[test]
    fn keep_order_splits_in_file_order_and_a_test_file_replaces_the_split() {
        let t =
            CsvData::parse("t.csv", "a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,0\n10,11,12,1\n").unwrap();
        let rule = SplitRule {
            train_fraction: 0.5,
            keep_order: true,
        };
        let d = Dataset::from_table(&t, None, rule, &mut rng_from_seed(1));
        assert_eq!(d.train_rows, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(d.test_rows, vec![7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        assert_eq!(
            d.test[1],
            Point {
                x1: 10.0,
                x2: 11.0,
                label: 1.0
            }
        );
        assert!(!d.on_plane());
        let u = CsvData::parse_test("u.csv", "a,b,c,y\n0,0,0,1\n", &t).unwrap();
        let d = Dataset::from_table(&t, Some(&u), rule, &mut rng_from_seed(1));
        assert_eq!(
            (d.train.len(), d.test_rows.clone()),
            (4, vec![0.0, 0.0, 0.0])
        );
    }

    #[test]
    fn blobs_make_k_classes_around_a_circle() {
        for k in 3..=6 {
            let pts = DatasetKind::Blobs.generate(0.0, k, &mut rng_from_seed(2));
            assert_eq!(pts.len(), 500);
            let max = pts.iter().map(|p| p.label as usize).max().unwrap();
            assert_eq!(max, k - 1);
            // Class 0 sits at the top.
            let top: Vec<&Point> = pts.iter().filter(|p| p.label == 0.0).collect();
            let my = top.iter().map(|p| p.x2).sum::<f64>() / top.len() as f64;
            assert!((my - 3.5).abs() < 0.3, "{my}");
        }
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
