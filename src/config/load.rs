//! Where settings come from: the command line, the process environment and the config file
//! location, read into layers and merged (defaults < file < scenario < environment < flags).

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, Command, TrainArgs, TuiArgs};

use super::diag::{Diagnostic, Origin, Problem, SourceText, Sourced, into_error};
use super::file::{self, FileLayer};
use super::overrides::Overrides;
use super::raw::Raw;
use super::{Layers, Settings, env, scenario};

/// What the command line asks of the configuration.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--config PATH`: this file must exist.
    pub config: Option<PathBuf>,
    /// `--theme NAME`.
    pub theme: Option<String>,
    /// `--scenario NAME`.
    pub scenario: Option<String>,
    /// The training flags.
    pub train: TrainArgs,
    /// The explorer's flags.
    pub tui: TuiArgs,
}

impl LoadOptions {
    /// The options of a command line: the explorer's flags, or with `train` that
    /// subcommand's training flags (`--config` and `--scenario` are accepted on both).
    pub fn from_cli(cli: &Cli) -> LoadOptions {
        let train = match &cli.command {
            Some(Command::Train(cmd)) => cmd.train.clone(),
            _ => cli.train.clone(),
        };
        LoadOptions {
            config: cli.config.clone(),
            theme: cli.theme.clone(),
            scenario: cli.scenario.clone(),
            train,
            tui: cli.tui.clone(),
        }
    }
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
    pub fn from_process() -> Result<Environment> {
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

/// Loads the settings of the explorer from the command line and the real environment.
pub fn load(cli: &Cli) -> Result<Settings> {
    load_from(&LoadOptions::from_cli(cli))
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

    let file = match config_file(opts, environment, &env_layer.config) {
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
        Some(name) => match scenario::find(name) {
            Ok(s) => Some(s),
            Err(p) => {
                diags.push(p.at(Origin::Cli("--scenario".into())));
                None
            }
        },
        None => None,
    };

    let mut above = env_layer.overrides;
    above.merge(cli_layer(opts, &mut diags));

    // Build even after errors, so one run reports every problem (unknown theme, key
    // conflicts) rather than one at a time.
    match Settings::from_layers(Layers { file, above }, scenario) {
        Ok(settings) if diags.is_empty() => Ok(settings),
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
) -> Result<Option<(PathBuf, String)>, Diagnostic> {
    let (path, origin, required) = if let Some(p) = &opts.config {
        (p.clone(), Origin::Cli("--config".into()), true)
    } else if let Some(p) = env_config {
        (PathBuf::from(&p.value), p.origin.clone(), true)
    } else if let Some(p) = &environment.default_config {
        (p.clone(), Origin::Default, false)
    } else {
        return Ok(None);
    };
    match std::fs::read(&path) {
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
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(None),
        Err(e) => Err(Problem::new(
            format!("cannot read config file {}: {e}", path.display()),
            if e.kind() == std::io::ErrorKind::NotFound {
                "check the path, or create the file with `reluscope --print-default-config > FILE`"
            } else {
                "check that it is a readable file"
            },
        )
        .at(origin)),
    }
}

/// The command-line layer: the training flags, the explorer's flags and `--theme`.
fn cli_layer(opts: &LoadOptions, diags: &mut Vec<Diagnostic>) -> Overrides {
    let t = &opts.train;
    let u = &opts.tui;
    let mut pairs: Vec<(&str, &str, Option<String>)> = vec![
        ("train", "dataset", t.dataset.clone()),
        ("train", "noise", t.noise.map(|v| v.to_string())),
        (
            "train",
            "train_fraction",
            t.train_fraction.map(|v| v.to_string()),
        ),
        ("train", "features", t.features.clone()),
        ("train", "layers", t.layers.clone()),
        ("train", "activation", t.activation.clone()),
        ("train", "init", t.init.clone()),
        ("train", "bias_init", t.bias_init.clone()),
        ("train", "optimizer", t.optimizer.clone()),
        ("train", "lr", t.lr.clone()),
        ("train", "momentum", t.momentum.map(|v| v.to_string())),
        ("train", "nesterov", t.nesterov.then(|| "true".into())),
        ("train", "l1", t.l1.map(|v| v.to_string())),
        ("train", "l2", t.l2.map(|v| v.to_string())),
        ("train", "clip", t.clip.map(|v| v.to_string())),
        ("train", "batch_size", t.batch_size.map(|v| v.to_string())),
        ("train", "shuffle", t.no_shuffle.then(|| "false".into())),
        ("train", "seed", t.seed.map(|v| v.to_string())),
        ("display", "fps", u.fps.map(|v| v.to_string())),
        ("display", "ascii", u.ascii.then(|| "true".into())),
        ("display", "mouse", u.mouse.then(|| "true".into())),
        ("display", "paused", u.paused.then(|| "true".into())),
        ("display", "theme", opts.theme.clone()),
    ];
    let mut overrides = Overrides::default();
    if let Some(c) = u.color {
        overrides.display.color = Some(Sourced::new(c, Origin::Cli("--color".into())));
    }
    for (section, key, value) in pairs.drain(..) {
        let Some(value) = value else { continue };
        let flag = match key {
            "shuffle" => "--no-shuffle".to_string(),
            k => format!("--{}", k.replace('_', "-")),
        };
        let origin = Origin::Cli(flag);
        if let Err(p) = overrides.set(section, key, Raw::Text(&value), &origin) {
            diags.push(p.at(origin));
        }
    }
    overrides
}
