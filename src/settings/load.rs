//! Where settings come from: the command line, the process environment and the config file
//! location, read into layers and merged (defaults < file < scenario < environment < flags).

use std::path::PathBuf;

use anyhow::Result;

use crate::files::{self, Cap, FileError};

use super::diag::{Diagnostic, Origin, Problem, SourceText, Sourced, into_error};
use super::file::{self, FileLayer};
use super::overrides::Overrides;
use super::raw::Raw;
use super::{Layers, Settings, env, preset, schema};

/// A setting given on the command line: its row's key, the flag as typed and its value
/// (`"true"` for a switch that turns a setting on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliValue {
    pub key: &'static str,
    pub flag: String,
    pub value: String,
}

/// The largest config file read: far beyond any real one (the commented default is 5 KB).
pub const MAX_CONFIG_BYTES: u64 = 1_000_000;

/// What the command line asks of the configuration.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--config PATH`: this file must exist.
    pub config: Option<PathBuf>,
    /// `--scenario NAME`.
    pub scenario: Option<String>,
    /// `--state TEXT`: a state string, the layer just below the flags (see [`super::state`]).
    pub state: Option<String>,
    /// The settings given as flags, in command-line order.
    pub flags: Vec<CliValue>,
}

/// The process's environment as far as configuration cares: `RELUSCOPE_*` variables and the
/// default file location. Tests build one by hand.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// `RELUSCOPE_*` variables (other variables are ignored).
    pub vars: Vec<(String, String)>,
    /// The default config file location (a missing file there is fine).
    pub default_config: Option<PathBuf>,
}

impl Environment {
    /// The real environment: `RELUSCOPE_*` variables and
    /// `$XDG_CONFIG_HOME/reluscope/config.toml` (the platform's config directory).
    fn from_process() -> Result<Environment> {
        let mut vars = Vec::new();
        for (name, value) in std::env::vars_os() {
            let Some(name) = name.to_str() else { continue };
            if !name.starts_with(env::PREFIX) {
                continue;
            }
            let Some(value) = value.to_str() else {
                return Err(into_error(vec![
                    Problem::new("the value is not valid UTF-8", "set it to plain text")
                        .at(Origin::Env(name.to_string())),
                ]));
            };
            vars.push((name.to_string(), value.to_string()));
        }
        Ok(Environment {
            vars,
            default_config: default_config_path(),
        })
    }
}

/// `$XDG_CONFIG_HOME/reluscope/config.toml` on Linux (the platform's equivalent elsewhere).
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "reluscope").map(|d| d.config_dir().join("config.toml"))
}

/// Loads settings for these options in the real environment.
pub fn load_from(opts: &LoadOptions) -> Result<Settings> {
    load_with(opts, &Environment::from_process()?)
}

/// Loads settings from explicit options and environment (what [`load`] does, testable).
pub fn load_with(opts: &LoadOptions, environment: &Environment) -> Result<Settings> {
    let mut diags = Vec::new();

    // The environment layer is read first: RELUSCOPE_CONFIG names the file.
    let env_layer = env::read(&environment.vars, &mut diags);

    let mut notes = Vec::new();
    let file = match config_file(opts, environment, &env_layer.config, &mut notes) {
        Ok(Some((path, text))) => {
            let name = path.display().to_string();
            let (layer, problems) = file::parse_config_partial(&SourceText::new(&name, &text));
            diags.extend(problems);
            layer
        }
        Ok(None) => FileLayer::default(),
        Err(d) => {
            diags.push(d);
            FileLayer::default()
        }
    };

    let scenario = match &opts.scenario {
        Some(name) => match preset::find(name) {
            Ok(s) => Some(s),
            Err(p) => {
                diags.push(p.at(Origin::Cli("--scenario".into())));
                None
            }
        },
        None => None,
    };

    // A state string fixes every setting of the run, over the file, a scenario and the
    // environment; flags given beside it still win.
    let mut above = env_layer.overrides;
    if let Some(text) = &opts.state {
        match super::state::parse(text) {
            Ok(state) => above.merge(state),
            Err(d) => diags.extend(d),
        }
    }
    above.merge(cli_layer(opts, &mut diags));

    // Build even after errors, so one run reports every problem (unknown theme, key
    // conflicts) rather than one at a time.
    match Settings::from_layers(Layers { file, above }, scenario) {
        Ok(settings) if diags.is_empty() => Ok(Settings { notes, ..settings }),
        Ok(_) => Err(into_error(diags)),
        Err(more) => {
            diags.extend(more);
            Err(into_error(diags))
        }
    }
}

/// Reads the config file's text: the named file (which must exist) or the default location
/// (which may be missing).
fn config_file(
    opts: &LoadOptions,
    environment: &Environment,
    env_config: &Option<Sourced<String>>,
    notes: &mut Vec<String>,
) -> Result<Option<(PathBuf, String)>, Diagnostic> {
    let (path, origin, required) = if let Some(p) = &opts.config {
        (p.clone(), Origin::Cli("--config".into()), true)
    } else if let Some(p) = env_config {
        (PathBuf::from(&p.value), p.origin.clone(), true)
    } else if let Some(p) = &environment.default_config {
        (p.clone(), Origin::Path(p.display().to_string()), false)
    } else {
        return Ok(None);
    };
    // A config file is small; a cap keeps `--config /dev/zero` from reading until memory runs
    // out, and a directory or device is refused by name.
    let cap = Cap {
        bytes: MAX_CONFIG_BYTES,
        what: "a config file",
    };
    match files::read_bytes(&path, cap) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(Some((path, text))),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes());
                let name = path.display().to_string();
                Err(Problem::new(
                    "the file is not valid UTF-8 text",
                    "save it as UTF-8 (a TOML file must be UTF-8)",
                )
                .at(SourceText::new(&name, &text).origin(offset..offset)))
            }
        },
        Err(FileError::Read(e)) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            Ok(None)
        }
        // The default location is optional: a file there that cannot be read (another
        // user's HOME, a directory) is worth a note, not a refusal to start.
        Err(e) if !required => {
            notes.push(format!(
                "the default config file {} {e}; using the built-in settings",
                path.display()
            ));
            Ok(None)
        }
        Err(FileError::Read(e)) if e.kind() == std::io::ErrorKind::NotFound => Err(Problem::new(
            format!("cannot read config file {}: {e}", path.display()),
            "check the path, or create the file with `reluscope --print-default-config > FILE`",
        )
        .at(origin)),
        Err(e) => Err(Problem::new(
            format!("config file {} {e}", path.display()),
            "give a readable TOML file (`reluscope --print-default-config` prints one)",
        )
        .at(origin)),
    }
}

/// The command-line layer: every setting given as a flag, read by its row.
fn cli_layer(opts: &LoadOptions, diags: &mut Vec<Diagnostic>) -> Overrides {
    let mut overrides = Overrides::default();
    for given in &opts.flags {
        let origin = Origin::Cli(given.flag.clone());
        let Some(row) = schema::find(given.key) else {
            continue;
        };
        if let Err(p) = row.read(&mut overrides, Raw::Text(&given.value), &origin) {
            diags.push(p.at(origin));
        }
    }
    overrides
}
