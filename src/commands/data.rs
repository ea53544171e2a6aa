//! The data a run trains on and the model it starts from: what only the command line names
//! (`--data`, `--model`), loaded on top of the layered settings. Shared by `train`,
//! `experiment sweep` and the explorer.

use std::sync::Arc;

use anyhow::Result;

use crate::cli::{DataArgs, TrainFlags};
use crate::engine::csv::parse_delimiter;
use crate::engine::{CsvData, CsvOptions, ModelFile, TaskChoice, TrainConfig};
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
        let options = CsvOptions {
            target: data.target.clone(),
            delimiter: match &data.delimiter {
                Some(d) => parse_delimiter(d)?,
                None => b',',
            },
            task: data
                .task
                .as_deref()
                .map(|t| {
                    t.parse::<TaskChoice>()
                        .map_err(|e| input_error(format!("--task: {e}")))
                })
                .transpose()?,
            inputs: None,
        };
        let csv = CsvData::load_with(path, &options)?;
        if let Some(test) = &data.test_data {
            c.test_csv = Some(Arc::new(CsvData::load_test(test, &csv)?));
        }
        c.csv = Some(Arc::new(csv));
    } else {
        for (given, flag) in [
            (data.test_data.is_some(), "--test-data"),
            (data.target.is_some(), "--target"),
            (data.delimiter.is_some(), "--delimiter"),
            (data.task.is_some(), "--task"),
        ] {
            if given {
                return Err(input_error(format!(
                    "{flag} applies to a data file; add --data FILE.csv (the built-in datasets \
                     have their own targets)"
                )));
            }
        }
    }
    let model = match &data.model {
        Some(path) => Some(ModelFile::load(path)?),
        None => None,
    };
    c.validate()?;
    Ok((c, model))
}
