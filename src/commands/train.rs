//! `reluscope train`: train a network headless and report progress as a table or JSON lines.
//!
//! Reports go to stdout (one row or JSON object per report, then a summary); a progress bar goes
//! to stderr only when stderr is a terminal. Results do not depend on the report cadence: a
//! report refreshes the health and losses but never touches weights or random streams.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use super::{parse_number, write_stdout};
use crate::cli::{ReportFormat, TrainArgs, TrainCmd};
use crate::engine::network::parse_hidden;
use crate::engine::{
    BiasInit, CsvData, DatasetKind, Feature, Init, ModelFile, OptimizerKind, Session, TrainConfig,
};
use crate::error::input_error;

/// Epochs trained when neither --steps nor --epochs is given.
pub const DEFAULT_EPOCHS: u64 = 100;

/// Applies the training flags to `base`, loading a CSV file if `--data` is given.
/// Returns the config and the model to start from (`--model`), if any.
pub fn config_from_args(
    args: &TrainArgs,
    base: TrainConfig,
) -> Result<(TrainConfig, Option<ModelFile>)> {
    let mut c = base;
    if let Some(d) = &args.dataset {
        if args.data.is_some() {
            return Err(input_error(
                "give either --dataset (a built-in dataset) or --data FILE.csv, not both",
            ));
        }
        c.dataset = d.parse::<DatasetKind>()?;
    }
    if let Some(path) = &args.data {
        if args.noise.is_some() {
            return Err(input_error(
                "--noise applies to the built-in datasets only, not to --data files",
            ));
        }
        c.csv = Some(Arc::new(CsvData::load(path)?));
    }
    if let Some(f) = &args.features {
        c.features = Feature::parse_list(f)?;
    }
    if let Some(l) = &args.layers {
        c.hidden = parse_hidden(l)?;
    }
    if let Some(a) = &args.activation {
        c.activation = a.parse()?;
    }
    if let Some(o) = &args.regression_output {
        c.regression_output = match o.trim().to_ascii_lowercase().as_str() {
            "linear" | "identity" => crate::activation::Activation::Linear,
            "tanh" => crate::activation::Activation::Tanh,
            _ => {
                return Err(input_error(format!(
                    "--regression-output '{o}' is not supported; use linear or tanh"
                )));
            }
        };
    }
    if let Some(i) = &args.init {
        c.init = i.parse::<Init>()?;
    }
    if let Some(b) = &args.bias_init {
        c.bias_init = b.parse::<BiasInit>()?;
    }
    if let Some(o) = &args.optimizer {
        c.optimizer = o.parse::<OptimizerKind>()?;
    }
    macro_rules! set {
        ($($field:ident),*) => {$(
            if let Some(v) = args.$field {
                c.$field = v;
            }
        )*};
    }
    if let Some(lr) = &args.lr {
        c.lr = parse_number(lr, "--lr")?;
    }
    set!(
        momentum,
        l1,
        l2,
        clip,
        batch_size,
        noise,
        train_fraction,
        seed
    );
    if args.nesterov {
        c.nesterov = true;
    }
    if args.no_shuffle {
        c.shuffle = false;
    }
    let model = match &args.model {
        Some(path) => Some(ModelFile::load(path)?),
        None => None,
    };
    c.validate()?;
    Ok((c, model))
}

/// Trains headless. `base` holds the layered settings (defaults < config file < scenario <
/// environment); the command's own flags go on top.
pub fn run(cmd: &TrainCmd, base: TrainConfig) -> Result<()> {
    let (config, model) = config_from_args(&cmd.train, base)?;
    if cmd.steps == Some(0) || cmd.epochs == Some(0) || cmd.report_every == Some(0) {
        return Err(input_error(
            "--steps, --epochs and --report-every must be at least 1",
        ));
    }
    if let Some(path) = &cmd.save {
        check_save_target(path)?;
    }
    if let Some(note) = config.csv.as_deref().and_then(class_like_targets) {
        eprintln!("reluscope: note: {note}");
    }
    if let Some(note) = unused_regression_output(&cmd.train, &config) {
        eprintln!("reluscope: note: {note}");
    }
    if let (Some(m), Some(path)) = (&model, &cmd.train.model) {
        for note in overridden_by_model(&cmd.train, &config, m) {
            eprintln!("reluscope: note: {} {note}", path.display());
        }
    }
    let mut session = match model {
        Some(m) => Session::from_model(config, m)?,
        None => Session::new(config)?,
    };
    let per_epoch = session.steps_per_epoch() as u64;
    let total = match (cmd.steps, cmd.epochs) {
        (Some(s), _) => s,
        (None, Some(e)) => e.saturating_mul(per_epoch),
        (None, None) => DEFAULT_EPOCHS * per_epoch,
    };
    let every = cmd.report_every;
    let format = cmd.format;
    let mut progress = Progress::new(total);

    let mut samples: u64 = 0;
    let mut result = Ok(());
    let mut elapsed = Duration::ZERO;
    write_stdout(|out| {
        if format == ReportFormat::Text {
            write_header(out, &session, cmd.train.model.as_deref())?;
        }
        write_report(out, format, &session)?;
        let start = Instant::now();
        while session.step_count() < total {
            let r = session.step();
            samples += r.samples as u64;
            if r.diverged {
                break;
            }
            let due = match every {
                Some(k) => r.step % k == 0,
                None => r.epoch_ended,
            };
            if due || r.step == total {
                if !r.epoch_ended {
                    session.refresh();
                }
                progress.clear();
                write_report(out, format, &session)?;
                out.flush()?;
            }
            progress.update(r.step);
        }
        elapsed = start.elapsed();
        progress.clear();
        if session.diverged() {
            write_report(out, format, &session)?;
        }
        write_summary(out, format, &session, samples, elapsed)
    })?;
    if session.diverged() {
        eprintln!(
            "reluscope: training diverged at step {}: a loss or parameter became non-finite; \
             try a lower --lr or --clip",
            session.step_count()
        );
    }
    if let Some(path) = &cmd.save {
        result = session
            .model()
            .save(path)
            .with_context(|| format!("saving the model to {}", path.display()));
    }
    result
}

/// Refuses a `--save` path that cannot be written before training, not after a long run.
fn check_save_target(path: &std::path::Path) -> Result<()> {
    let shown = path.display();
    if path.is_dir() {
        return Err(input_error(format!(
            "--save {shown} is a directory; give a file path such as {}",
            path.join("model.json").display()
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        return Err(input_error(format!(
            "--save {shown}: the directory {} does not exist; create it first",
            dir.display()
        )));
    }
    Ok(())
}

/// A note when a CSV file's targets look like more than two class labels (a few whole
/// numbers): the engine does binary classification only, so such a file trains as regression.
fn class_like_targets(csv: &CsvData) -> Option<String> {
    if csv.task() != crate::engine::Task::Regression {
        return None;
    }
    let mut classes: Vec<f64> = Vec::new();
    for p in &csv.points {
        if p.label.fract() != 0.0 {
            return None;
        }
        if !classes.contains(&p.label) {
            if classes.len() == 10 {
                return None;
            }
            classes.push(p.label);
        }
    }
    classes.sort_by(f64::total_cmp);
    let shown: Vec<String> = classes.iter().map(f64::to_string).collect();
    Some(format!(
        "{}: the targets ({}) look like {} class labels, but classification is binary (0/1 or \
         -1/1); training them as regression with mean squared error",
        csv.name,
        shown.join(", "),
        classes.len()
    ))
}

/// A note when `--regression-output` is given for a classification dataset, whose output is
/// always sigmoid with binary cross-entropy: the flag changes nothing there.
pub fn unused_regression_output(args: &TrainArgs, config: &TrainConfig) -> Option<String> {
    let flag = args.regression_output.as_deref()?;
    let (name, task) = match config.csv.as_deref() {
        Some(csv) => (csv.name.as_str(), csv.task()),
        None => (config.dataset.name(), config.dataset.task()),
    };
    (task == crate::engine::Task::Classification).then(|| {
        format!(
            "--regression-output {flag} is ignored: {name} is a classification task, whose \
             output is sigmoid with binary cross-entropy"
        )
    })
}

/// The network flags given on the command line that a model file overrides (its shape wins),
/// each as the rest of a sentence that starts with the model's path. A silent override would
/// train something other than what was asked for.
fn overridden_by_model(args: &TrainArgs, config: &TrainConfig, model: &ModelFile) -> Vec<String> {
    let mut notes = Vec::new();
    let list = |fs: &[Feature]| fs.iter().map(|f| f.name()).collect::<Vec<_>>().join(",");
    if args.features.is_some() && config.features != model.features {
        notes.push(format!(
            "has the inputs {}; --features {} is ignored",
            list(&model.features),
            list(&config.features)
        ));
    }
    let widths = model.network.hidden_widths();
    if args.layers.is_some() && config.hidden != widths {
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
    if args.activation.is_some() && !model.network.hidden().iter().all(|l| same(&l.activation)) {
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
    if args.regression_output.is_some()
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
        args.init
            .as_ref()
            .map(|_| format!("--init {}", config.init)),
        args.bias_init
            .as_ref()
            .map(|_| format!("--bias-init {}", config.bias_init)),
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

/// The table's header: what is trained and how. A network loaded with `--model` names its
/// file where a fresh one names its initialization.
fn write_header(
    out: &mut dyn Write,
    s: &Session,
    model: Option<&std::path::Path>,
) -> std::io::Result<()> {
    let c = s.config();
    let net = s.network();
    let mut shape = vec![net.inputs().to_string()];
    shape.extend(net.layers.iter().map(|l| l.fan_out.to_string()));
    writeln!(
        out,
        "# {} ({} train / {} test), features {}, network {} {}, {}, {} lr {} batch {}, seed {}",
        s.dataset().name,
        s.dataset().train.len(),
        s.dataset().test.len(),
        c.features
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(","),
        shape.join("-"),
        if net.layers.len() > 1 {
            c.activation.to_string()
        } else {
            "(no hidden layer)".into()
        },
        match model {
            Some(path) => format!("from {}", path.display()),
            None => format!("init {} bias {}", c.init, c.bias_init),
        },
        c.optimizer,
        c.lr,
        if c.batch_size == 0 {
            "full".to_string()
        } else {
            c.batch_size.to_string()
        },
        c.seed
    )?;
    writeln!(
        out,
        "{:>8} {:>6} {:>11} {:>11} {:>6} {:>5} {:>5}  {:<24} sparsity",
        "step", "epoch", "train_loss", "test_loss", "alive", "dead", "sat", "grad_norm"
    )
}

/// Losses, accuracies and neuron counts as they stand, shared by reports and the summary.
#[derive(Serialize)]
struct Measures {
    train_loss: f64,
    /// `None` (null) when no point was held out for testing.
    test_loss: Option<f64>,
    train_accuracy: Option<f64>,
    test_accuracy: Option<f64>,
    alive: usize,
    dead: usize,
    saturated: usize,
    deaths: u64,
    revivals: u64,
}

impl Measures {
    fn of(s: &Session) -> Measures {
        let h = s.health();
        let acc = s.accuracy();
        Measures {
            train_loss: s.train_loss(),
            test_loss: s.has_test_set().then(|| s.test_loss()),
            train_accuracy: acc.map(|a| a.0),
            test_accuracy: acc.and_then(|a| a.1),
            alive: h.alive,
            dead: h.dead,
            saturated: h.saturated,
            deaths: h.deaths,
            revivals: h.revivals,
        }
    }
}

/// One progress report (a JSON line in jsonl).
#[derive(Serialize)]
struct Report {
    #[serde(rename = "type")]
    kind: &'static str,
    step: u64,
    epoch: u64,
    #[serde(flatten)]
    now: Measures,
    output_constant: bool,
    /// Per layer (output layer last): norm of the full-training-set gradient.
    grad_norm: Vec<f64>,
    weight_norm: Vec<f64>,
    /// Per hidden layer: share of exactly-zero outputs.
    sparsity: Vec<f64>,
    diverged: bool,
}

impl Report {
    fn of(s: &Session) -> Report {
        let h = s.health();
        let hidden = s.network().layers.len() - 1;
        Report {
            kind: "report",
            step: s.step_count(),
            epoch: s.epoch(),
            now: Measures::of(s),
            output_constant: h.output_constant,
            grad_norm: h.layers.iter().map(|l| l.grad_norm).collect(),
            weight_norm: h.layers.iter().map(|l| l.weight_norm).collect(),
            sparsity: h.layers[..hidden].iter().map(|l| l.sparsity).collect(),
            diverged: s.diverged(),
        }
    }
}

/// The last line: totals, speed and final counts.
#[derive(Serialize)]
struct Summary {
    #[serde(rename = "type")]
    kind: &'static str,
    steps: u64,
    epochs: u64,
    samples: u64,
    seconds: f64,
    samples_per_sec: f64,
    #[serde(flatten)]
    now: Measures,
    born_dead_neurons: usize,
    born_dead: bool,
    diverged: bool,
}

/// A value printed with `fmt`, or "n/a" when it is absent (no test set).
fn or_na(v: Option<f64>, fmt: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "n/a".to_string(), fmt)
}

fn json_line(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// Gradient norms span many orders of magnitude (that is the vanishing-gradient story), so
/// small ones are printed in scientific notation rather than as 0.0000.
fn grad_list(xs: &[f64]) -> String {
    xs.iter()
        .map(|&x| {
            if x != 0.0 && x.abs() < 1e-3 {
                format!("{x:.1e}")
            } else {
                format!("{x:.4}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn write_report(out: &mut dyn Write, format: ReportFormat, s: &Session) -> std::io::Result<()> {
    let r = Report::of(s);
    match format {
        ReportFormat::Jsonl => json_line(out, &r),
        ReportFormat::Text => {
            let list = |xs: &[f64], prec: usize| {
                xs.iter()
                    .map(|x| format!("{x:.prec$}"))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            writeln!(
                out,
                "{:>8} {:>6} {:>11.6} {:>11} {:>6} {:>5} {:>5}  {:<24} {}",
                r.step,
                r.epoch,
                r.now.train_loss,
                or_na(r.now.test_loss, |x| format!("{x:.6}")),
                r.now.alive,
                r.now.dead,
                r.now.saturated,
                grad_list(&r.grad_norm),
                list(&r.sparsity, 2)
            )
        }
    }
}

fn write_summary(
    out: &mut dyn Write,
    format: ReportFormat,
    s: &Session,
    samples: u64,
    elapsed: Duration,
) -> std::io::Result<()> {
    let secs = elapsed.as_secs_f64();
    let h = s.health();
    let sum = Summary {
        kind: "summary",
        steps: s.step_count(),
        epochs: s.epoch(),
        samples,
        seconds: secs,
        samples_per_sec: if secs > 0.0 {
            samples as f64 / secs
        } else {
            0.0
        },
        now: Measures::of(s),
        born_dead_neurons: h.born_dead_neurons,
        born_dead: h.born_dead,
        diverged: s.diverged(),
    };
    match format {
        ReportFormat::Jsonl => json_line(out, &sum),
        ReportFormat::Text => {
            let m = &sum.now;
            let percent = |x: f64| format!("{:.1}%", x * 100.0);
            let acc = match m.train_accuracy {
                Some(tr) => format!(
                    ", accuracy {}/{}",
                    percent(tr),
                    or_na(m.test_accuracy, percent)
                ),
                None => String::new(),
            };
            writeln!(
                out,
                "# {} steps, {} epochs in {secs:.3} s ({:.0} samples/s); train loss {:.6}, \
                 test loss {}{acc}; alive {}, dead {}, saturated {} (deaths {}, revivals {}, \
                 born dead {}){}",
                sum.steps,
                sum.epochs,
                sum.samples_per_sec,
                m.train_loss,
                or_na(m.test_loss, |x| format!("{x:.6}")),
                m.alive,
                m.dead,
                m.saturated,
                m.deaths,
                m.revivals,
                sum.born_dead_neurons,
                if sum.diverged { "; DIVERGED" } else { "" }
            )
        }
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal, at most ~10×/s.
struct Progress {
    total: u64,
    enabled: bool,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    fn new(total: u64) -> Progress {
        Progress {
            total,
            enabled: std::io::stderr().is_terminal(),
            last: None,
            shown: false,
        }
    }

    fn update(&mut self, step: u64) {
        if !self.enabled
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let frac = step as f64 / self.total.max(1) as f64;
        let width = 30;
        let filled = ((frac * width as f64) as usize).min(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {:>3.0}% step {step}/{}",
            "#".repeat(filled),
            ".".repeat(width - filled),
            frac * 100.0,
            self.total
        );
        let _ = err.flush();
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}
