//! The 2-D slice of the inputs that the plane views (Output heatmap, inspector, tiles) show:
//! two of the raw inputs with the others held at their training mean, or the first two
//! principal components of the network's inputs. Data on the plane (two inputs) always shows
//! x1 × x2.

/// Which slice the plane views show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlaneView {
    /// The first two inputs, or for wide data (more than [`WIDE`] inputs, where two of them
    /// say little) the principal components.
    #[default]
    Auto,
    /// Raw inputs `a` (horizontal) and `b` (vertical), by index.
    Inputs(usize, usize),
    /// The first two principal components of the training set's network inputs.
    Pca,
}

/// Inputs beyond which [`PlaneView::Auto`] shows the principal components.
pub const WIDE: usize = 12;

impl PlaneView {
    /// What `Auto` means for `width` inputs; other views as they are.
    pub fn resolve(self, width: usize) -> PlaneView {
        match self {
            PlaneView::Auto if width > WIDE => PlaneView::Pca,
            PlaneView::Auto => PlaneView::Inputs(0, 1),
            v => v,
        }
    }

    /// The next view for `width` inputs when the horizontal (`vertical` false) or vertical
    /// axis steps on, through every input but the other axis's. Only the horizontal axis goes
    /// on to PCA (and from there back to the first two inputs); the vertical one wraps around,
    /// so each key leaves the other's axis where it is (on iris, `o` then `O` is petal × petal).
    pub fn cycle(self, width: usize, vertical: bool) -> PlaneView {
        if width < 3 {
            return PlaneView::Inputs(0, 1);
        }
        match self.resolve(width) {
            PlaneView::Pca => PlaneView::Inputs(0, 1),
            PlaneView::Auto => PlaneView::Auto,
            PlaneView::Inputs(a, b) => {
                let (moving, fixed) = if vertical { (b, a) } else { (a, b) };
                let mut next = moving + 1;
                if next == fixed {
                    next += 1;
                }
                if next >= width {
                    if !vertical {
                        return PlaneView::Pca;
                    }
                    next = usize::from(fixed == 0);
                }
                if vertical {
                    PlaneView::Inputs(a, next)
                } else {
                    PlaneView::Inputs(next, b)
                }
            }
        }
    }
}

/// A slice made concrete for one dataset: how a row maps to the plane and back.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub view: PlaneView,
    /// The axes' names, e.g. ("petal_length", "petal_width") or ("PC1", "PC2").
    pub names: (String, String),
    /// For PCA, the share of the variance each component explains.
    pub explained: Option<(f64, f64)>,
    /// The point every slice passes through: the raw inputs' means (input views) or the
    /// network inputs' means (PCA).
    pub(crate) base: Vec<f64>,
    /// The two principal directions in network-input space (PCA only).
    pub(crate) axes: [Vec<f64>; 2],
}

impl Projection {
    /// The slice `view` of rows with `names` and the given means; `encoded` (the network's
    /// input rows, `encoded_width` per row) for PCA.
    pub(crate) fn new(
        view: PlaneView,
        names: &[String],
        raw_means: &[f64],
        encoded: &[f64],
        encoded_width: usize,
    ) -> Projection {
        let d = names.len();
        let view = match view.resolve(d) {
            v @ PlaneView::Inputs(a, b) if a < d && b < d && (a != b || d == 1) => v,
            PlaneView::Pca if d >= 3 && encoded_width >= 2 => PlaneView::Pca,
            _ => PlaneView::Inputs(0, 1.min(d.saturating_sub(1))),
        };
        match view {
            // Resolved above: `Auto` never reaches here, and would mean the first two inputs.
            PlaneView::Auto | PlaneView::Inputs(..) => {
                let (a, b) = match view {
                    PlaneView::Inputs(a, b) => (a, b),
                    _ => (0, 1.min(d.saturating_sub(1))),
                };
                Projection {
                    view: PlaneView::Inputs(a, b),
                    names: (
                        names.get(a).cloned().unwrap_or_default(),
                        if d > 1 {
                            names[b].clone()
                        } else {
                            String::new()
                        },
                    ),
                    explained: None,
                    base: raw_means.to_vec(),
                    axes: [Vec::new(), Vec::new()],
                }
            }
            PlaneView::Pca => {
                let (mean, axes, shares) = principal_axes(encoded, encoded_width);
                Projection {
                    view,
                    names: ("PC1".into(), "PC2".into()),
                    explained: Some(shares),
                    base: mean,
                    axes,
                }
            }
        }
    }

    /// Whether the slice works in the network's input space (PCA) rather than the raw inputs.
    pub fn encoded(&self) -> bool {
        self.view == PlaneView::Pca
    }

    /// A row's place on the plane: its two inputs, or its components (from `encoded`, the
    /// network's inputs, for PCA).
    pub fn project(&self, raw: &[f64], encoded: &[f64]) -> (f64, f64) {
        match self.view {
            PlaneView::Auto => (0.0, 0.0),
            PlaneView::Inputs(a, b) => (
                raw.get(a).copied().unwrap_or(0.0),
                if raw.len() > 1 {
                    raw.get(b).copied().unwrap_or(0.0)
                } else {
                    0.0
                },
            ),
            PlaneView::Pca => {
                let dot = |v: &[f64]| -> f64 {
                    encoded
                        .iter()
                        .zip(&self.base)
                        .zip(v)
                        .map(|((x, m), w)| (x - m) * w)
                        .sum()
                };
                (dot(&self.axes[0]), dot(&self.axes[1]))
            }
        }
    }

    /// The row at plane point (x1, x2) into `row`: raw inputs at their means but the two
    /// shown, or (PCA) network inputs at mean + x1·PC1 + x2·PC2.
    pub fn row_at(&self, x1: f64, x2: f64, row: &mut [f64]) {
        let n = row.len().min(self.base.len());
        row[..n].copy_from_slice(&self.base[..n]);
        match self.view {
            PlaneView::Auto => {}
            PlaneView::Inputs(a, b) => {
                if let Some(r) = row.get_mut(a) {
                    *r = x1;
                }
                if n > 1
                    && let Some(r) = row.get_mut(b)
                {
                    *r = x2;
                }
            }
            PlaneView::Pca => {
                for (j, r) in row.iter_mut().enumerate().take(n) {
                    *r += x1 * self.axes[0][j] + x2 * self.axes[1][j];
                }
            }
        }
    }
}

/// The mean, the two leading eigenvectors of the covariance (power iteration with deflation,
/// from fixed starting vectors, so the same data give the same axes everywhere; each axis
/// signed so its largest component is positive) and the share of the total variance each
/// explains.
fn principal_axes(rows: &[f64], d: usize) -> (Vec<f64>, [Vec<f64>; 2], (f64, f64)) {
    let n = rows.len() / d.max(1);
    let mut mean = vec![0.0; d];
    for r in rows.chunks_exact(d) {
        for (m, &x) in mean.iter_mut().zip(r) {
            *m += x;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut cov = vec![0.0; d * d];
    for r in rows.chunks_exact(d) {
        for i in 0..d {
            let xi = r[i] - mean[i];
            for j in 0..d {
                cov[i * d + j] += xi * (r[j] - mean[j]);
            }
        }
    }
    cov.iter_mut().for_each(|c| *c /= n.max(1) as f64);
    let total: f64 = (0..d).map(|i| cov[i * d + i]).sum();
    let mut axes = [Vec::new(), Vec::new()];
    let mut shares = [0.0; 2];
    for (k, axis) in axes.iter_mut().enumerate() {
        let mut v: Vec<f64> = (0..d)
            .map(|j| 1.0 + j as f64 * 0.01 + k as f64 * 0.1)
            .collect();
        let mut lambda = 0.0;
        for _ in 0..500 {
            let mut w = vec![0.0; d];
            for i in 0..d {
                w[i] = (0..d).map(|j| cov[i * d + j] * v[j]).sum();
            }
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            if !(norm > 0.0 && norm.is_finite()) {
                break;
            }
            let next: Vec<f64> = w.iter().map(|x| x / norm).collect();
            let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
            v = next;
            lambda = norm;
            if change < 1e-13 {
                break;
            }
        }
        let big = v
            .iter()
            .copied()
            .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
        if big < 0.0 {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        // Deflate: remove this component before finding the next.
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] -= lambda * v[i] * v[j];
            }
        }
        shares[k] = if total > 0.0 { lambda / total } else { 0.0 };
        *axis = v;
    }
    (mean, axes, (shares[0], shares[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_finds_the_long_axis_first() {
        // Points along (1, 1, 0) with a little spread along (1, -1, 0) and none on z.
        let mut rows = Vec::new();
        for i in 0..50 {
            let t = i as f64 / 5.0 - 5.0;
            for s in [0.3, -0.3] {
                rows.extend([t + s, t - s, 2.0]);
            }
        }
        let (mean, axes, (a, b)) = principal_axes(&rows, 3);
        assert!((mean[2] - 2.0).abs() < 1e-12);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert!(
            (axes[0][0] - h).abs() < 1e-9 && (axes[0][1] - h).abs() < 1e-9,
            "{axes:?}"
        );
        assert!(
            (axes[1][0].abs() - h).abs() < 1e-9 && axes[1][2].abs() < 1e-9,
            "{axes:?}"
        );
        assert!(a > 0.98 && b > 0.0 && (a + b - 1.0).abs() < 1e-9, "{a} {b}");
    }

    #[test]
    fn input_views_cycle_through_the_inputs_then_pca() {
        let v = PlaneView::default();
        assert_eq!(v.resolve(4), PlaneView::Inputs(0, 1));
        assert_eq!(v.resolve(13), PlaneView::Pca);
        assert_eq!(v.cycle(4, false), PlaneView::Inputs(2, 1));
        assert_eq!(v.cycle(64, false), PlaneView::Inputs(0, 1));
        assert_eq!(PlaneView::Inputs(3, 1).cycle(4, false), PlaneView::Pca);
        assert_eq!(PlaneView::Pca.cycle(4, true), PlaneView::Inputs(0, 1));
        assert_eq!(
            PlaneView::Inputs(0, 1).cycle(4, true),
            PlaneView::Inputs(0, 2)
        );
        assert_eq!(v.cycle(2, false), PlaneView::Inputs(0, 1));
        // The vertical axis wraps and never moves the horizontal one.
        assert_eq!(
            PlaneView::Inputs(2, 3).cycle(4, true),
            PlaneView::Inputs(2, 0)
        );
        assert_eq!(
            PlaneView::Inputs(0, 3).cycle(4, true),
            PlaneView::Inputs(0, 1)
        );
        // Petal × petal on iris: one press of each key from the start.
        let petals = v.cycle(4, false).cycle(4, true);
        assert_eq!(petals, PlaneView::Inputs(2, 3));
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let p = Projection::new(PlaneView::Inputs(2, 0), &names, &[1.0, 2.0, 3.0], &[], 3);
        let mut row = [0.0; 3];
        p.row_at(7.0, 8.0, &mut row);
        assert_eq!(row, [8.0, 2.0, 7.0]);
        assert_eq!(p.project(&row, &[]), (7.0, 8.0));
        assert_eq!(p.names, ("c".to_string(), "a".to_string()));
    }
}
