//! History files on the command line: `train --history FILE` writes one, `reluscope --open
//! FILE` reads it back for the explorer. The format is `engine::history_file`'s; the header
//! holds the run's state string and its data files, so opening needs nothing else.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::json;

use crate::cli::DataArgs;
use crate::engine::history_file;
use crate::engine::{Session, Timeline, TrainConfig};
use crate::error::input_error;
use crate::files::{self, Cap};

/// A history file larger than this is not one (64 MB of moments and the header).
const CAP: Cap = Cap {
    bytes: 80 << 20,
    what: "a history file",
};

/// Writes `timeline` of the run in `session` (trained on `data`) to `path`, atomically.
pub fn write(
    path: &Path,
    session: &Session,
    data: &DataArgs,
    timeline: &Timeline,
) -> Result<PathBuf> {
    let abs = |p: &Option<PathBuf>| {
        p.as_ref()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            .map(|p| p.display().to_string())
    };
    let header = json!({
        "state": crate::settings::state::encode(session.config()),
        "data": abs(&data.data),
        "test_data": abs(&data.test_data),
        "target": data.target,
        "delimiter": data.delimiter,
        "task": data.task,
    });
    // Data read from a pipe or a device (`--data <(cmd)`, /dev/stdin) is gone once read: the
    // path in the header will not give it back.
    for (flag, p) in [("--data", &data.data), ("--test-data", &data.test_data)] {
        if let Some(p) = p
            && !std::fs::metadata(p).is_ok_and(|m| m.is_file())
        {
            eprintln!(
                "reluscope: note: {flag} {} is not a regular file: the history records its path, \
                 and --open reads the data from there again; save the data to a file and train \
                 on that to reopen this run",
                crate::message::quote(&p.display().to_string())
            );
        }
    }
    let bytes = history_file::encode(&header, timeline.entries());
    let e = match files::write_atomic(path, &bytes) {
        Ok(written) => return Ok(written),
        Err(e) => e,
    };
    // As --save does: a finished run's history is not lost to a full disk or a vanished
    // directory; it goes to the temporary directory and the error says where.
    let name = path
        .file_name()
        .map_or("history.rlh".into(), |n| n.to_string_lossy());
    let fallback = std::env::temp_dir().join(format!("reluscope-{}-{name}", std::process::id()));
    let outcome = match files::write_atomic(&fallback, &bytes) {
        Ok(written) => format!("the history was written to {} instead", written.display()),
        Err(e2) => format!("writing it to {} failed too ({e2})", fallback.display()),
    };
    Err(input_error(format!(
        "--history {}: {e}; {outcome}",
        path.display()
    )))
}

/// A history file read, its moments not decoded yet (they need the run's settings).
pub struct Opened {
    pub path: PathBuf,
    bytes: Vec<u8>,
    offset: usize,
    /// The run's state string.
    pub state: String,
    /// The data files the run trained on.
    pub data: DataArgs,
}

fn bad(path: &Path, why: impl std::fmt::Display) -> anyhow::Error {
    input_error(format!("--open {}: {why}", path.display()))
}

/// Reads the file and its header.
pub fn open(path: &Path) -> Result<Opened> {
    let bytes = files::read_bytes(path, CAP).map_err(|e| bad(path, e))?;
    let (header, offset) = history_file::decode_header(&bytes).map_err(|e| bad(path, e))?;
    let text = |k: &str| -> Result<Option<String>> {
        match header.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(path, format!("the header's `{k}` is not text"))),
        }
    };
    let state = text("state")?.ok_or_else(|| bad(path, "the header has no state string"))?;
    let data = DataArgs {
        data: text("data")?.map(PathBuf::from),
        test_data: text("test_data")?.map(PathBuf::from),
        target: text("target")?,
        delimiter: text("delimiter")?,
        task: text("task")?,
        model: None,
    };
    Ok(Opened {
        path: path.to_path_buf(),
        bytes,
        offset,
        state,
        data,
    })
}

impl Opened {
    /// The kept moments, for a run under `config` (the state string's settings and data).
    pub fn timeline(&self, config: &TrainConfig) -> Result<Timeline> {
        let moments = history_file::decode_moments(&self.bytes, self.offset, config)
            .map_err(|e| bad(&self.path, e))?;
        if moments.is_empty() {
            return Err(bad(&self.path, "the file holds no moment"));
        }
        // Every moment is held against the run it claims to be, so a damaged or crafted file
        // is refused here rather than crash the trainer when it is shown or resumed.
        let run = Session::new(config.clone()).map_err(|e| bad(&self.path, e))?;
        for (i, m) in moments.iter().enumerate() {
            run.check(m).map_err(|e| {
                bad(
                    &self.path,
                    format!("moment {} (epoch {}): {e}", i + 1, m.epoch()),
                )
            })?;
        }
        Ok(Timeline::from_entries(moments))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history that cannot be written where asked (a full disk, a vanished directory) is
    /// written to the temporary directory, and the error says where, as `--save` does.
    #[test]
    fn an_unwritable_history_goes_to_the_temporary_directory() {
        let session = Session::new(TrainConfig::default()).unwrap();
        let mut timeline = Timeline::default();
        timeline.push(session.checkpoint());
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone").join("run.rlh");
        let e = write(&gone, &session, &DataArgs::default(), &timeline)
            .unwrap_err()
            .to_string();
        assert!(e.contains("the history was written to"), "{e}");
        let written = e.rsplit("written to ").next().unwrap();
        let written = written.trim_end_matches(" instead");
        let path = std::path::Path::new(written);
        assert!(path.exists(), "{e}");
        let _ = std::fs::remove_file(path);
    }
}
