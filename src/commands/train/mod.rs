//! `reluscope train`: train a network headless and report progress as a table or JSON lines.
//!
//! Reports go to stdout (one row or JSON object per report, then a summary); a progress bar goes
//! to stderr only when stderr is a terminal. Results do not depend on the report cadence: a
//! report refreshes the health and losses but never touches weights or random streams.

mod notes;
mod report;

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

pub use notes::unused_flags;
use notes::{class_like_targets, overridden_by_model};
use report::{Progress, write_header, write_report, write_summary};

use super::data::with_data;
use super::write_stdout;
use crate::cli::{ReportFormat, TrainCmd};
use crate::engine::{Session, TrainConfig};
use crate::error::input_error;

/// Epochs trained when neither --steps nor --epochs is given.
pub const DEFAULT_EPOCHS: u64 = 100;

/// Trains headless. `base` holds the layered settings (defaults < config file < scenario <
/// environment); the command's own flags go on top.
pub fn run(cmd: &TrainCmd, base: TrainConfig) -> Result<()> {
    let (config, model) = with_data(&cmd.data, &cmd.train, base)?;
    for (flag, value) in [
        ("--steps", cmd.steps),
        ("--epochs", cmd.epochs),
        ("--report-every", cmd.report_every),
    ] {
        if value == Some(0) {
            return Err(input_error(format!(
                "{flag} must be at least 1, found 0; for example {flag} 10"
            )));
        }
    }
    if let Some(path) = &cmd.save {
        check_save_target(path)?;
    }
    if let Some(note) = config.csv.as_deref().and_then(class_like_targets) {
        eprintln!("reluscope: note: {note}");
    }
    for note in unused_flags(&cmd.train, &config) {
        eprintln!("reluscope: note: {note}");
    }
    if let (Some(m), Some(path)) = (&model, &cmd.data.model) {
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
            write_header(out, &session, cmd.data.model.as_deref())?;
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
