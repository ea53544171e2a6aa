//! What `train` prints: the header, one row (or JSON object) per report, the summary, and a
//! progress bar on stderr when it is a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cli::ReportFormat;
use crate::engine::Session;

/// The table's header: what is trained and how. A network loaded with `--model` names its
/// file where a fresh one names its initialization.
pub(super) fn write_header(
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
        "# {} ({} train / {} test), {}, network {} {}, {}, {} lr {} batch {}, seed {}",
        s.dataset().name,
        s.dataset().train.len(),
        s.dataset().test.len(),
        inputs_text(s),
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
        crate::message::number(c.lr),
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

/// What the network's inputs are: the plane features, or the data's columns (and whether
/// they are standardized).
fn inputs_text(s: &Session) -> String {
    let ds = s.dataset();
    let base = if ds.on_plane() {
        format!(
            "features {}",
            s.config()
                .features
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(",")
        )
    } else if ds.width() <= 6 {
        format!("inputs {}", ds.inputs.join(","))
    } else {
        format!("{} input columns", ds.width())
    };
    let classes = match ds.task {
        crate::engine::Task::MultiClass => format!(", {} classes", ds.classes.len()),
        _ => String::new(),
    };
    if s.standardize().is_some() {
        format!("{base} (standardized){classes}")
    } else {
        format!("{base}{classes}")
    }
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
    /// Class names in index order (classification only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    classes: Vec<String>,
    /// `confusion[true][predicted]` over `confusion_set` (classification only).
    #[serde(skip_serializing_if = "Option::is_none")]
    confusion: Option<Vec<Vec<u64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confusion_set: Option<&'static str>,
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

pub(super) fn write_report(
    out: &mut dyn Write,
    format: ReportFormat,
    s: &Session,
) -> std::io::Result<()> {
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

pub(super) fn write_summary(
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
        classes: s.dataset().classes.clone(),
        confusion: s.confusion(true),
        confusion_set: s
            .dataset()
            .task
            .is_classification()
            .then_some(if s.has_test_set() { "test" } else { "train" }),
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
            )?;
            if let (Some(m), Some(set)) = (&sum.confusion, sum.confusion_set) {
                write_confusion(out, &sum.classes, m, set)?;
            }
            write_dead_per_layer(out, s)
        }
    }
}

/// Dead neurons per hidden layer, when any layer has one.
fn write_dead_per_layer(out: &mut dyn Write, s: &Session) -> std::io::Result<()> {
    let h = s.health();
    let per: Vec<(usize, usize)> = h
        .neurons
        .iter()
        .map(|l| {
            let dead = l
                .iter()
                .filter(|n| n.state == crate::engine::NeuronState::Dead)
                .count();
            (dead, l.len())
        })
        .collect();
    if per.iter().all(|&(d, _)| d == 0) {
        return Ok(());
    }
    let shown: Vec<String> = per
        .iter()
        .enumerate()
        .map(|(l, (d, n))| format!("layer {} {d}/{n}", l + 1))
        .collect();
    writeln!(out, "# dead neurons: {}", shown.join(", "))
}

/// The confusion matrix as a text table: a row per true class, a column per predicted class,
/// and each class's recall at the end of its row.
fn write_confusion(
    out: &mut dyn Write,
    classes: &[String],
    m: &[Vec<u64>],
    set: &str,
) -> std::io::Result<()> {
    let name = |k: usize| {
        let n = classes.get(k).cloned().unwrap_or_else(|| k.to_string());
        crate::message::excerpt(&n, 14)
    };
    let label_w = (0..m.len())
        .map(|k| name(k).chars().count())
        .max()
        .unwrap_or(1)
        .max(4);
    let col_w = (0..m.len())
        .map(|k| name(k).chars().count())
        .chain(m.iter().flatten().map(|v| v.to_string().len()))
        .max()
        .unwrap_or(1)
        .max(3);
    writeln!(
        out,
        "# confusion matrix, {set} set (rows: true class, columns: predicted)"
    )?;
    let mut line = format!("# {:>label_w$}", "");
    for k in 0..m.len() {
        line.push_str(&format!(" {:>col_w$}", name(k)));
    }
    line.push_str("  recall");
    writeln!(out, "{line}")?;
    for (k, row) in m.iter().enumerate() {
        let mut line = format!("# {:>label_w$}", name(k));
        for v in row {
            line.push_str(&format!(" {v:>col_w$}"));
        }
        let total: u64 = row.iter().sum();
        let recall = if total == 0 {
            "n/a".to_string()
        } else {
            format!("{:.1}%", 100.0 * row[k] as f64 / total as f64)
        };
        line.push_str(&format!("  {recall:>6}"));
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal, at most ~10×/s.
pub(super) struct Progress {
    total: u64,
    enabled: bool,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    pub(super) fn new(total: u64) -> Progress {
        Progress {
            total,
            enabled: std::io::stderr().is_terminal(),
            last: None,
            shown: false,
        }
    }

    pub(super) fn update(&mut self, step: u64) {
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

    pub(super) fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}
