//! One-line notes on stderr for flags that cannot act as given: they are accepted (the run is
//! still what the rest asks for), but a silent override would train something other than what
//! was asked for.

use crate::cli::TrainFlags;
use crate::engine::{Feature, ModelFile, OptimizerKind, TrainConfig};

/// Notes on training flags the rest of the settings leave nothing to act on: an output
/// activation for a classification task (always sigmoid with binary cross-entropy), momentum
/// or Nesterov for Adam or RMSprop (PyTorch's have neither).
pub fn unused_flags(args: &TrainFlags, config: &TrainConfig) -> Vec<String> {
    let mut notes = Vec::new();
    let (name, task) = match config.csv.as_deref() {
        Some(csv) => (csv.name.as_str(), csv.task()),
        None => (config.dataset.name(), config.dataset.task()),
    };
    if let Some(flag) = args.get("regression_output")
        && task == crate::engine::Task::Classification
    {
        notes.push(format!(
            "--regression-output {flag} is ignored: {name} is a classification task, whose \
             output is sigmoid with binary cross-entropy"
        ));
    }
    if let Some(hint) = scale_hint(config) {
        notes.push(hint);
    }
    if config.optimizer != OptimizerKind::Sgd {
        let flags: Vec<&str> = [
            args.has("momentum").then_some("--momentum"),
            args.has("nesterov").then_some("--nesterov"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !flags.is_empty() {
            notes.push(format!(
                "{} {} ignored: only sgd has momentum, not {}",
                flags.join(" and "),
                if flags.len() == 1 { "is" } else { "are" },
                config.optimizer
            ));
        }
    }
    notes
}

/// A hint when a data file is trained on raw inputs whose columns lie far from the unit scale
/// (a column spanning 10 to 30, say): a ReLU network's first layer then starts saturated or
/// dead on much of the data, and `--standardize` is the usual cure.
fn scale_hint(config: &TrainConfig) -> Option<String> {
    let csv = config.csv.as_deref()?;
    if config.standardizes() || csv.inputs.is_empty() {
        return None;
    }
    let d = csv.inputs.len();
    let mut worst: Option<(usize, f64, f64)> = None;
    for j in 0..d {
        let (lo, hi) = csv
            .x
            .iter()
            .skip(j)
            .step_by(d)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        // Far from the unit scale: a magnitude above 10, or a spread above 20.
        let off = lo.abs().max(hi.abs()) > 10.0 || hi - lo > 20.0;
        if off && worst.is_none_or(|(_, l, h)| hi.abs().max(lo.abs()) > h.abs().max(l.abs())) {
            worst = Some((j, lo, hi));
        }
    }
    let (j, lo, hi) = worst?;
    Some(format!(
        "{}: column {} spans {} to {}; on raw inputs far from the unit scale many ReLU units \
         start dead or saturated: --standardize trains on z-scores (kept in the model)",
        csv.name,
        crate::message::quote(&csv.inputs[j]),
        crate::format::num(lo),
        crate::format::num(hi)
    ))
}

/// The network flags given on the command line that a model file overrides (its shape wins),
/// each as the rest of a sentence that starts with the model's path. A silent override would
/// train something other than what was asked for.
pub(super) fn overridden_by_model(
    args: &TrainFlags,
    config: &TrainConfig,
    model: &ModelFile,
) -> Vec<String> {
    let mut notes = Vec::new();
    let list = |fs: &[Feature]| fs.iter().map(|f| f.name()).collect::<Vec<_>>().join(",");
    if args.has("features") && config.features != model.features {
        notes.push(format!(
            "has the inputs {}; --features {} is ignored",
            list(&model.features),
            list(&config.features)
        ));
    }
    let widths = model.network.hidden_widths();
    if args.has("layers") && config.hidden != widths {
        let show = |w: &[usize]| {
            if w.is_empty() {
                "none".to_string()
            } else {
                w.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
            }
        };
        notes.push(format!(
            "has the hidden layers {}; --layers {} is ignored",
            show(&widths),
            show(&config.hidden)
        ));
    }
    // A PReLU's slope is learned, so only its kind has to match.
    let same = |a: &crate::activation::Activation| {
        a.kind() == config.activation.kind()
            && (a.kind() == crate::activation::Kind::Prelu || *a == config.activation)
    };
    if args.has("activation") && !model.network.hidden().iter().all(|l| same(&l.activation)) {
        let acts: Vec<String> = model
            .network
            .hidden()
            .iter()
            .map(|l| l.activation.to_string())
            .collect();
        notes.push(format!(
            "has the hidden activations {}; --activation {} is ignored",
            acts.join(","),
            config.activation
        ));
    }
    let out = model.network.output_layer().activation;
    if args.has("regression_output")
        && model.network.loss == crate::engine::Loss::Mse
        && out != config.regression_output
    {
        notes.push(format!(
            "has the output activation {out}; --regression-output {} is ignored",
            config.regression_output
        ));
    }
    // Initialization only makes a new network; a model brings its own weights and biases.
    let inits: Vec<String> = [
        args.has("init").then(|| format!("--init {}", config.init)),
        args.has("bias_init")
            .then(|| format!("--bias-init {}", config.bias_init)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !inits.is_empty() {
        notes.push(format!(
            "brings its own weights and biases; {} {} ignored",
            inits.join(" and "),
            if inits.len() == 1 { "is" } else { "are" }
        ));
    }
    notes
}
