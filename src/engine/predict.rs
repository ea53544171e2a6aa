//! A saved model applied to rows it may never have seen: the same input transform it was
//! trained behind (z-scores, then the plane features or the columns), the forward pass, and
//! per hidden neuron whether it fired (f'(z) ≠ 0, the health pass's definition: a ReLU neuron
//! fires when z > 0).

use super::loss::{Loss, softmax};
use super::model_file::ModelFile;
use super::network::{MAX_WIDTH, Scratch};
use super::session::encode_inputs;

/// One row's result.
pub struct RowOutput<'a> {
    /// The class probabilities (cross-entropy), the probability of class 1 (binary), or the
    /// value (regression).
    pub outputs: &'a [f64],
    /// Per hidden layer, per neuron: whether it fired on this row.
    pub fired: &'a [Vec<bool>],
}

/// Runs `model` on `rows` (row-major, the model's raw inputs per row: its columns, or x1 and
/// x2), calling `each` with every row's result in order.
pub fn for_each_row(model: &ModelFile, rows: &[f64], mut each: impl FnMut(usize, RowOutput<'_>)) {
    let net = &model.network;
    let d = if model.columns.is_empty() {
        2
    } else {
        model.columns.len()
    };
    let k = net.outputs();
    let hidden = net.layers.len() - 1;
    let mut s = Scratch::new(net);
    let mut raw = vec![0.0; d];
    let mut enc = [0.0; MAX_WIDTH];
    let mut out = vec![0.0; k];
    let mut fired: Vec<Vec<bool>> = net
        .hidden()
        .iter()
        .map(|l| vec![false; l.fan_out])
        .collect();
    for (r, row) in rows.chunks_exact(d).enumerate() {
        raw.copy_from_slice(row);
        let plane = model
            .columns
            .is_empty()
            .then_some(model.features.as_slice());
        let n = encode_inputs(&mut raw, model.standardize.as_ref(), plane, &mut enc);
        net.forward(&enc[..n], &mut s);
        let z = &s.z[hidden][..k];
        match net.loss {
            Loss::CrossEntropy => softmax(z, &mut out),
            _ => out[0] = net.output_layer().activation.value(z[0]),
        }
        for (l, f) in fired.iter_mut().enumerate() {
            for (i, x) in f.iter_mut().enumerate() {
                *x = s.d[l][i] != 0.0;
            }
        }
        each(
            r,
            RowOutput {
                outputs: &out,
                fired: &fired,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DatasetKind, Session, TrainConfig};

    /// The rows of the training set give the session's own predictions.
    #[test]
    fn matches_the_session_on_its_own_data() {
        let mut s = Session::new(TrainConfig {
            dataset: DatasetKind::Iris,
            hidden: vec![6],
            ..TrainConfig::default()
        })
        .unwrap();
        for _ in 0..40 {
            s.step();
        }
        let model = s.model();
        let rows = s.dataset().train_rows.clone();
        let mut want = vec![0.0; s.dataset().train.len() * 3];
        s.predict_rows(&rows, &mut want);
        let mut got = Vec::new();
        for_each_row(&model, &rows, |_, r| got.extend_from_slice(r.outputs));
        assert_eq!(got.len(), want.len());
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-15, "{a} vs {b}");
        }
        let classes = s.predicted_classes(false);
        let mut mine = Vec::new();
        for_each_row(&model, &rows, |_, r| {
            mine.push(crate::engine::session::predicted_class(r.outputs));
        });
        assert_eq!(mine, classes);
    }
}
