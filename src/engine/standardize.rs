//! `--standardize`: each raw input as a z-score, (x − mean) / sd with the training set's mean
//! and population standard deviation (as scikit-learn's StandardScaler, and PyTorch's
//! `x.std(0, unbiased=False)`). The same numbers go into the model file, so `predict` applies
//! the transform the network was trained behind.

use super::error::EngineError;
use crate::message::quote;

/// The mean and standard deviation of each raw input.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardize {
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
}

impl Standardize {
    /// Fits the transform to `rows` (row-major, `names.len()` per row). A column with one
    /// value throughout has no z-score: an error naming it.
    pub fn fit(rows: &[f64], names: &[String]) -> Result<Standardize, EngineError> {
        let d = names.len().max(1);
        let n = rows.len() / d;
        let mut mean = vec![0.0; d];
        let mut var = vec![0.0; d];
        if n == 0 {
            return Err(EngineError::invalid(
                "--standardize needs at least one training row",
            ));
        }
        for r in rows.chunks_exact(d) {
            for (m, &x) in mean.iter_mut().zip(r) {
                *m += x;
            }
        }
        for m in &mut mean {
            *m /= n as f64;
        }
        for r in rows.chunks_exact(d) {
            for ((v, &m), &x) in var.iter_mut().zip(&mean).zip(r) {
                *v += (x - m) * (x - m);
            }
        }
        let sd: Vec<f64> = var.iter().map(|v| (v / n as f64).sqrt()).collect();
        if let Some(j) = sd.iter().position(|&s| !(s > 0.0 && s.is_finite())) {
            return Err(EngineError::invalid(format!(
                "--standardize: column {} has the same value ({}) in every training row, so it \
                 has no z-score; drop the column, or train without --standardize",
                quote(&names[j]),
                crate::message::number(rows[j])
            )));
        }
        Ok(Standardize { mean, sd })
    }

    /// Transforms rows in place.
    pub fn apply(&self, rows: &mut [f64]) {
        let d = self.mean.len().max(1);
        for r in rows.chunks_exact_mut(d) {
            for ((x, &m), &s) in r.iter_mut().zip(&self.mean).zip(&self.sd) {
                *x = (*x - m) / s;
            }
        }
    }

    /// Inputs it transforms.
    pub fn width(&self) -> usize {
        self.mean.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_scores_with_the_population_sd() {
        let names = vec!["a".to_string(), "b".to_string()];
        let s = Standardize::fit(&[1.0, 10.0, 3.0, 10.5, 5.0, 11.0], &names).unwrap();
        assert_eq!(s.mean, vec![3.0, 10.5]);
        // sqrt(((1-3)² + 0 + (5-3)²) / 3)
        assert_eq!(s.sd[0], (8.0f64 / 3.0).sqrt());
        let mut r = vec![3.0, 11.0];
        s.apply(&mut r);
        assert_eq!(r[0], 0.0);
        assert!((r[1] - 0.5 / (0.5f64 / 3.0).sqrt()).abs() < 1e-15);
        let e = Standardize::fit(&[1.0, 2.0, 1.0, 3.0], &names)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("column 'a' has the same value (1) in every training row"),
            "{e}"
        );
    }
}
