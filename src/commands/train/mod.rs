//! `reluscope train`: train a network headless and report progress as a table or JSON lines.
//!
//! Reports go to stdout (one row or JSON object per report, then a summary); a progress bar goes
//! to stderr only when stderr is a terminal. Results do not depend on the report cadence: a
//! report refreshes the health and losses but never touches weights or random streams.

mod notes;
mod report;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use notes::overridden_by_model;
pub use notes::unused_flags;
use report::{Progress, write_header, write_report, write_summary};

use super::data::with_data;
use super::write_stdout;
use crate::cli::{ReportFormat, TrainCmd};
use crate::engine::{EngineError, ModelFile, Session, Timeline, TrainConfig};
use crate::error::input_error;
use crate::files::{self, FileError};

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
    if let Some(path) = &cmd.history {
        files::check_writable(path)
            .map_err(|e| input_error(format!("--history {}: {e}", path.display())))?;
    }
    if let Some(csv) = config.csv.as_deref() {
        eprintln!("reluscope: {}: {}", csv.name, csv.task_summary());
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
    let mut elapsed = Duration::ZERO;
    // The moments the explorer's timeline would keep: the start, each epoch end, divergence.
    let mut history = cmd.history.as_ref().map(|_| {
        let mut t = Timeline::default();
        t.push(session.checkpoint());
        t
    });
    write_stdout(|out| {
        if format == ReportFormat::Text {
            write_header(out, &session, cmd.data.model.as_deref())?;
        }
        write_report(out, format, &session)?;
        let start = Instant::now();
        while session.step_count() < total {
            let r = session.step();
            samples += r.samples as u64;
            if let Some(t) = history.as_mut().filter(|_| r.epoch_ended || r.diverged) {
                t.push(session.checkpoint());
            }
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
        save_model(&session.model(), path, &std::env::temp_dir())?;
    }
    if let (Some(path), Some(t)) = (&cmd.history, &history) {
        let written = super::history::write(path, &session, &cmd.data, t)?;
        let size = std::fs::metadata(&written).map_or(0, |m| m.len());
        eprintln!(
            "reluscope: history: {} moments ({:.1} MB) written to {}",
            t.len(),
            size as f64 / 1e6,
            written.display()
        );
    }
    Ok(())
}

/// Refuses a `--save` path that cannot be written before training, not after a long run: the
/// target must be a regular file or nothing yet, and a file must be creatable beside it.
fn check_save_target(path: &Path) -> Result<()> {
    let shown = path.display();
    files::check_writable(path).map(drop).map_err(|e| match e {
        FileError::NotRegular {
            kind: "a directory",
        } => input_error(format!(
            "--save {shown} is a directory; give a file path such as {}",
            path.join("model.json").display()
        )),
        e @ (FileError::NotRegular { .. } | FileError::LinkToNonRegular { .. }) => {
            input_error(format!(
                "--save {shown}: {e}; reluscope replaces only regular files (give a path such \
                 as model.json)"
            ))
        }
        e => input_error(format!("--save {shown}: {e}")),
    })
}

/// Saves a trained model to `path`. If that fails after all (the disk filled up, the directory
/// went away), the model is written to `fallback_dir` instead and the error says where, so a
/// finished run is never lost. Returns the file written.
pub fn save_model(model: &ModelFile, path: &Path, fallback_dir: &Path) -> Result<PathBuf> {
    let message = match model.save(path) {
        Ok(written) => return Ok(written),
        Err(EngineError::Io { message, .. }) => message,
        Err(other) => return Err(other.into()),
    };
    let name = path
        .file_name()
        .map_or("model.json".into(), |n| n.to_string_lossy());
    let fallback = fallback_dir.join(format!("reluscope-{}-{name}", std::process::id()));
    let outcome = match model.save(&fallback) {
        Ok(written) => format!(
            "the trained model was saved to {} instead",
            written.display()
        ),
        Err(e) => format!("saving it to {} failed too ({e})", fallback.display()),
    };
    Err(EngineError::Io {
        file: path.display().to_string(),
        message: format!("{message}; {outcome}"),
    }
    .into())
}
