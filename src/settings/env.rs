//! The environment layer: `RELUSCOPE_<KEY>` sets the setting KEY of any section (keys are
//! unique across sections), e.g. `RELUSCOPE_LR=0.1`, `RELUSCOPE_ACTIVATION=leaky-relu`,
//! `RELUSCOPE_THEME=high-contrast`, `RELUSCOPE_LAYERS=8,8`, `RELUSCOPE_X_RANGE=-5:10` (or
//! `-5,10`). `RELUSCOPE_CONFIG=PATH` names the config file. An empty value counts as unset.

use super::diag::{Diagnostic, Origin, Problem, Sourced, unknown_name_fix};
use super::overrides::Overrides;
use super::raw::Raw;
use super::schema;

pub use super::schema::ENV_PREFIX as PREFIX;

/// What the environment sets.
#[derive(Debug, Default)]
pub struct EnvLayer {
    pub overrides: Overrides,
    /// `RELUSCOPE_CONFIG`.
    pub config: Option<Sourced<String>>,
}

/// Every variable name the layer understands.
fn variable_names() -> Vec<String> {
    let mut names: Vec<String> = schema::ALL.iter().map(|s| s.env_var()).collect();
    names.push(format!("{PREFIX}CONFIG"));
    names
}

/// Reads `RELUSCOPE_*` variables from `vars` (others are ignored).
pub fn read(vars: &[(String, String)], diags: &mut Vec<Diagnostic>) -> EnvLayer {
    let mut layer = EnvLayer::default();
    for (name, value) in vars {
        let Some(key) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let origin = Origin::Env(name.clone());
        if key == "CONFIG" {
            layer.config = Some(Sourced::new(value.clone(), origin));
            continue;
        }
        let key = key.to_ascii_lowercase();
        let Some(row) = schema::find(&key) else {
            let names = variable_names();
            diags.push(
                Problem::new(
                    format!("unknown setting {name}"),
                    unknown_name_fix(name, names.iter().map(String::as_str), "variables"),
                )
                .at(origin),
            );
            continue;
        };
        if let Err(p) = row.read(&mut layer.overrides, Raw::Text(value), &origin) {
            diags.push(p.at(origin));
        }
    }
    layer
}
