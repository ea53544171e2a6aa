//! The data a run trains on and the model it starts from: what only the command line names
//! (`--data`, `--model`), loaded on top of the layered settings. Shared by `train`,
//! `experiment sweep` and the explorer.

use std::sync::Arc;

use anyhow::Result;

use crate::cli::{DataArgs, TrainFlags};
use crate::engine::{CsvData, ModelFile, TrainConfig};
use crate::error::input_error;
use crate::settings::schema;

/// `settings` with the CSV file of `--data` loaded, and the model of `--model`, if any; `flags`
/// are the settings flags given beside them, for the combinations that cannot be honoured.
pub fn with_data(
    data: &DataArgs,
    flags: &TrainFlags,
    settings: TrainConfig,
) -> Result<(TrainConfig, Option<ModelFile>)> {
    let mut c = settings;
    if let Some(path) = &data.data {
        if flags.has(schema::DATASET.key) {
            return Err(input_error(
                "give either --dataset (a built-in dataset) or --data FILE.csv, not both",
            ));
        }
        if flags.has(schema::NOISE.key) {
            return Err(input_error(
                "--noise applies to the built-in datasets only, not to --data files",
            ));
        }
        c.csv = Some(Arc::new(CsvData::load(path)?));
    }
    let model = match &data.model {
        Some(path) => Some(ModelFile::load(path)?),
        None => None,
    };
    c.validate()?;
    Ok((c, model))
}
