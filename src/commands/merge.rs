//! `reluscope experiment merge FILE...`: the shard files of one `--shard K/N` run, read back,
//! checked and combined into the report the whole run prints, table or CSV.

use anyhow::Result;

use super::experiment::{print_born_dead, print_sweep};
use crate::cli::MergeArgs;
use crate::error::input_error;
use crate::experiment::{born_dead_shard, sweep_shard};
use crate::files::{self, Cap, FileError};

/// The largest shard file read: a sweep of 100,000 runs takes about 12 MB, a born-dead grid
/// of 1,000 × 1,000 cells about 40 MB.
const CAP: Cap = Cap {
    bytes: 100_000_000,
    what: "a shard file",
};

pub fn run(args: &MergeArgs) -> Result<()> {
    let mut texts = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let text = files::read_text(path, CAP).map_err(|e| {
            input_error(match e {
                FileError::NotUtf8 { line } => {
                    format!("{name}:{line}: is not UTF-8 text: not a shard file")
                }
                e => format!("{name}: {e}"),
            })
        })?;
        texts.push((name, text));
    }
    // Each file's first line says which experiment it is a shard of; a mixed set is refused
    // by the merge, with both names.
    let files = texts
        .iter()
        .map(|(name, text)| {
            if is_sweep(text) {
                sweep_shard::parse(name, text)
            } else {
                born_dead_shard::parse(name, text)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    if files.first().is_some_and(|f| f.kind == sweep_shard::KIND) {
        print_sweep(&sweep_shard::merge(files)?, args.csv)
    } else {
        print_born_dead(&born_dead_shard::merge(files)?, args.csv)
    }
}

fn is_sweep(text: &str) -> bool {
    text.starts_with(&format!(
        "# reluscope experiment {} shard ",
        sweep_shard::KIND
    ))
}
