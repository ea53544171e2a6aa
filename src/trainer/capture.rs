//! Snapshot assembly: the picture of one moment of a run for the UI, built from the shown
//! session and what the worker keeps beside it (history, stories, tally, timeline mark). Plain
//! functions over the data passed in; the worker owns the state and decides when to sample.

use std::path::PathBuf;
use std::sync::Arc;

use super::life::Lives;
use super::snapshot::{
    BornDeadTally, DataPoint, Divergence, Extent, Grid, History, LayerView, NeuronView, PlaneInfo,
    Snapshot, TILE_PIXELS, Task, TimelineMark, ZRange,
};
use crate::engine::{
    Health, Network, Projection, Session, TrainConfig, ZQuartiles, session::predicted_class,
};

/// Examples beyond which the snapshot carries no per-example predictions.
const MAX_PREDICTED: usize = 50_000;

/// The output grid, the inspected neuron's grid and every hidden neuron's tile.
pub(super) type Planes = (
    Grid,
    Option<Grid>,
    Option<(usize, usize, Grid)>,
    Arc<Vec<Vec<Grid>>>,
    Arc<Vec<u16>>,
);

/// What a snapshot is built from besides the shown session: the worker's records of the run.
pub(super) struct Moment<'a> {
    /// The session on show (the live one or a past moment's).
    pub session: &'a Session,
    /// The Output pane's size in cells.
    pub output: (usize, usize),
    /// The inspected neuron and its plane's size: (layer, neuron, width, height).
    pub inspect: Option<(usize, usize, usize, usize)>,
    pub projection: &'a Projection,
    pub domain: Extent,
    pub points: &'a Arc<Vec<DataPoint>>,
    /// Per network shape and data, per init: (born dead, draws).
    pub tally: &'a [(String, String, u32, u32)],
    pub running: bool,
    pub steps_per_sec: f64,
    pub divergence: Option<Divergence>,
    pub history: Arc<History>,
    pub lives: Arc<Lives>,
    pub timeline: TimelineMark,
    pub notice: Option<String>,
    pub generation: u64,
    pub saved: Option<(u64, Result<PathBuf, String>)>,
}

/// A snapshot of `m`; `planes` are the output and inspector grids to use instead of sampling.
pub(super) fn snapshot(m: Moment<'_>, planes: Option<Planes>) -> Snapshot {
    let s = m.session;
    let health = s.health();
    let ds = s.dataset();
    let domain = m.domain;
    let proj = m.projection;
    let task = ds.task;
    let layers = layer_views(s.network(), health, s.z_quartiles());
    let (output, output_class, inspected, tiles, predicted) =
        planes.unwrap_or_else(|| sample_planes(&m));
    let born_dead_tally = born_dead_tally_of(m.tally, s.config());
    let confusion = confusion_of(m.points, &predicted, ds.classes.len(), s.has_test_set());
    Snapshot {
        confusion,
        step: s.step_count(),
        epoch: s.epoch(),
        train_loss: s.train_loss(),
        test_loss: s.test_loss(),
        diverged: s.diverged(),
        running: m.running,
        steps_per_sec: if m.running { m.steps_per_sec } else { 0.0 },
        activation: s.config().activation,
        task,
        inputs: if ds.on_plane() {
            s.features().iter().map(|f| f.name().to_string()).collect()
        } else {
            ds.inputs.clone()
        },
        layers,
        alive: health.alive,
        dead: health.dead,
        saturated: health.saturated,
        deaths: health.deaths,
        revivals: health.revivals,
        born_dead_neurons: health.born_dead_neurons,
        born_dead: health.born_dead,
        born_dead_tally,
        divergence: m.divergence,
        points: m.points.clone(),
        domain,
        classes: ds.classes.clone(),
        plane: PlaneInfo {
            view: proj.view,
            axes: proj.names.clone(),
            explained: proj.explained,
            inputs: ds.width(),
        },
        output_class,
        predicted,
        confusion_on_test: s.has_test_set(),
        output,
        inspected,
        tiles,
        history: m.history,
        lives: m.lives,
        timeline: m.timeline,
        notice: m.notice,
        generation: m.generation,
        saved: m.saved,
    }
}

/// Every layer's weights, biases, per-neuron health and z range, and layer figures.
fn layer_views(net: &Network, health: &Health, quartiles: &ZQuartiles) -> Vec<LayerView> {
    net.layers
        .iter()
        .enumerate()
        .map(|(l, layer)| LayerView {
            weights: (0..layer.fan_out).map(|i| layer.row(i).to_vec()).collect(),
            bias: layer.bias.clone(),
            neurons: health
                .neurons
                .get(l)
                .map(|ns| {
                    ns.iter()
                        .enumerate()
                        .map(|(i, n)| (n, quartiles.get(l).and_then(|q| q.get(i))))
                        .map(|(n, q)| (n, q.copied().unwrap_or((f64::NAN, f64::NAN))))
                        .map(|(n, (q1, q3))| NeuronView {
                            health: n.state,
                            activation_rate: n.activation_rate,
                            mean_abs_grad: n.mean_abs_grad,
                            epochs_dead: n.epochs_dead,
                            z: ZRange {
                                min: n.z_min,
                                q1,
                                q3,
                                max: n.z_max,
                            },
                        })
                        .collect()
                })
                .unwrap_or_default(),
            sparsity: health.layers.get(l).map_or(0.0, |h| h.sparsity),
            weight_norm: health.layers.get(l).map_or(0.0, |h| h.weight_norm),
            grad_norm: health.layers.get(l).map_or(0.0, |h| h.grad_norm),
        })
        .collect()
}

/// Sample the planes afresh: the output grids, the inspected neuron's grid, every hidden
/// neuron's tile and every example's predicted class.
fn sample_planes(m: &Moment<'_>) -> Planes {
    let (s, proj, domain) = (m.session, m.projection, m.domain);
    let net = s.network();
    let ds = s.dataset();
    let task = ds.task;
    // Classification outputs are probabilities; the UI works in [-1, 1].
    let to_ui = |p: f64| match task {
        Task::Classification => 2.0 * p - 1.0,
        Task::MultiClass => p,
        Task::Regression => p,
    };
    let (w, h) = m.output;
    let (output, output_class) = output_planes(s, proj, w, h, domain, to_ui);
    let inspected = m.inspect.and_then(|(l, n, w, h)| {
        let exists = net.hidden().get(l).is_some_and(|layer| n < layer.fan_out);
        exists.then(|| {
            let grid = Grid::sample_all(w, h, domain, |pts, out| {
                s.neuron_output_on(proj, l, n, pts, out);
            });
            (l, n, grid)
        })
    });
    let tiles = Arc::new(tiles_of(s, proj, domain));
    // Every example's prediction, for the marks and the confusion matrix: skipped for
    // large data, where it would cost more than the training it shows.
    let small = ds.train.len() + ds.test.len() <= MAX_PREDICTED;
    let predicted = if ds.task.is_classification() && small {
        let mut p = s.predicted_classes(false);
        p.extend(s.predicted_classes(true));
        p.into_iter().map(|c| c as u16).collect()
    } else {
        Vec::new()
    };
    (output, output_class, inspected, tiles, Arc::new(predicted))
}

/// The born-dead tally of the networks comparable with `config`'s, per init.
fn born_dead_tally_of(
    tally: &[(String, String, u32, u32)],
    config: &TrainConfig,
) -> Vec<BornDeadTally> {
    let (shape, _) = tally_key(config);
    tally
        .iter()
        .filter(|(k, ..)| *k == shape)
        .map(|(_, init, born_dead, draws)| BornDeadTally {
            init: init.clone(),
            born_dead: *born_dead,
            draws: *draws,
        })
        .collect()
}

/// What makes two fresh networks comparable for the born-dead tally (shape, activation, data)
/// and the init it counts per (`he-normal, bias 0`).
pub(super) fn tally_key(c: &TrainConfig) -> (String, String) {
    let data = if c.csv.is_some() {
        "csv".to_string()
    } else {
        format!("{} {} {}", c.dataset, c.noise, c.train_fraction)
    };
    let features: Vec<&str> = c.features.iter().map(|f| f.name()).collect();
    (
        format!(
            "{:?} {} {data} {} {}",
            c.hidden,
            c.activation,
            features.join(","),
            c.seed
        ),
        format!("{}, bias {}", c.init, c.bias_init),
    )
}

/// Every hidden neuron's output over the plane at [`TILE_PIXELS`]: one batched forward pass
/// over the pixels for all neurons at once.
fn tiles_of(s: &Session, proj: &Projection, domain: Extent) -> Vec<Vec<Grid>> {
    let (w, h) = TILE_PIXELS;
    let points = Grid::centres(w, h, domain);
    let per_layer = s.hidden_outputs_on(proj, &points);
    per_layer
        .iter()
        .zip(s.network().hidden())
        .map(|(values, layer)| {
            let n = layer.fan_out;
            (0..n)
                .map(|i| Grid {
                    width: w,
                    height: h,
                    values: values.iter().skip(i).step_by(n).copied().collect(),
                })
                .collect()
        })
        .collect()
}

/// The Output pane's grids: the prediction mapped for the UI (`to_ui`); for multi-class
/// tasks the most probable class's probability, with the class grid beside it.
fn output_planes(
    s: &Session,
    proj: &Projection,
    width: usize,
    height: usize,
    domain: Extent,
    to_ui: impl Fn(f64) -> f64,
) -> (Grid, Option<Grid>) {
    let k = s.network().outputs();
    if k == 1 {
        let last = s.network().layers.len() - 1;
        let mut g = Grid::sample_all(width, height, domain, |pts, out| {
            s.neuron_output_on(proj, last, 0, pts, out);
        });
        g.values.iter_mut().for_each(|v| *v = to_ui(*v));
        return (g, None);
    }
    let mut probs = Vec::new();
    let conf = Grid::sample_all(width, height, domain, |pts, out| {
        probs = vec![0.0; pts.len() * k];
        s.class_probabilities_on(proj, pts, &mut probs);
        for (o, p) in out.iter_mut().zip(probs.chunks_exact(k)) {
            *o = p[predicted_class(p)];
        }
    });
    let classes = Grid {
        width,
        height,
        values: probs
            .chunks_exact(k)
            .map(|p| predicted_class(p) as f64)
            .collect(),
    };
    (conf, Some(classes))
}

/// `m[true][predicted]` over the test points (the training points when there are none), from
/// the predictions of the last planes; `None` without classes.
fn confusion_of(
    points: &[DataPoint],
    predicted: &[u16],
    classes: usize,
    test: bool,
) -> Option<Vec<Vec<u64>>> {
    if predicted.len() != points.len() || classes < 2 {
        return None;
    }
    let mut m = vec![vec![0; classes]; classes];
    for (p, &c) in points.iter().zip(predicted) {
        if p.test != test {
            continue;
        }
        // Binary labels are ±1 here; multi-class labels the index.
        let truth = if classes == 2 && p.label < 0.5 {
            0
        } else if classes == 2 {
            1
        } else {
            p.label as usize
        };
        if let Some(cell) = m.get_mut(truth).and_then(|r| r.get_mut(c as usize)) {
            *cell += 1;
        }
    }
    Some(m)
}

/// The examples' places on the slice `proj` (labels ±1 for binary classes, the class index
/// for multi-class, the value for regression) and the plane's extent: the dataset's own
/// for its first two inputs, else the projected points' range, widened by 5%.
pub(super) fn points_of(s: &Session, proj: &Projection) -> (Vec<DataPoint>, Extent) {
    let ds = s.dataset();
    let binary = ds.task == Task::Classification;
    let label = |l: f64| {
        if binary {
            if l > 0.5 { 1.0 } else { -1.0 }
        } else {
            l
        }
    };
    let points: Vec<DataPoint> = s
        .project_examples(proj)
        .into_iter()
        .map(|(x1, x2, y, test)| DataPoint {
            x1,
            x2,
            label: label(y),
            test,
        })
        .collect();
    let domain = if proj.view == crate::engine::PlaneView::Inputs(0, 1) {
        Extent {
            x_min: ds.x1_range.0,
            x_max: ds.x1_range.1,
            y_min: ds.x2_range.0,
            y_max: ds.x2_range.1,
        }
    } else {
        let range = |f: fn(&DataPoint) -> f64| {
            let (lo, hi) = points
                .iter()
                .map(f)
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
            if lo.is_finite() {
                let pad = ((hi - lo) * 0.05).max(0.5);
                (lo - pad, hi + pad)
            } else {
                (-1.0, 1.0)
            }
        };
        let (x, y) = (range(|p| p.x1), range(|p| p.x2));
        Extent {
            x_min: x.0,
            x_max: x.1,
            y_min: y.0,
            y_max: y.1,
        }
    };
    (drawn_sample(points), domain)
}

/// The most points the Output pane draws: far more than its cells, few enough that a frame of
/// a million-row file costs what one of 50,000 does (every point was drawn at every frame:
/// 23% of a core for the UI thread alone). Beyond it an even sample, in file order, is drawn;
/// the per-example predictions are not kept at that size either (see `MAX_PREDICTED`).
pub(crate) const MAX_DRAWN_POINTS: usize = MAX_PREDICTED;

/// Every k-th point, so at most [`MAX_DRAWN_POINTS`] remain.
fn drawn_sample(points: Vec<DataPoint>) -> Vec<DataPoint> {
    if points.len() <= MAX_DRAWN_POINTS {
        return points;
    }
    let k = points.len().div_ceil(MAX_DRAWN_POINTS);
    points.into_iter().step_by(k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_points_are_drawn_as_an_even_sample_of_at_most_fifty_thousand() {
        let point = |i: usize| DataPoint {
            x1: i as f64,
            x2: 0.0,
            label: 1.0,
            test: i % 2 == 1,
        };
        let many: Vec<DataPoint> = (0..1_000_000).map(point).collect();
        let drawn = drawn_sample(many);
        assert!(drawn.len() <= MAX_DRAWN_POINTS && drawn.len() > MAX_DRAWN_POINTS / 2);
        assert_eq!(drawn[1].x1 - drawn[0].x1, 20.0, "every 20th");
        let few: Vec<DataPoint> = (0..1000).map(point).collect();
        assert_eq!(drawn_sample(few.clone()), few);
    }
}
