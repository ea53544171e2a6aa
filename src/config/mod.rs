//! Configuration: built-in defaults < the user's file < a scenario < `RELUSCOPE_*` environment
//! variables < command-line flags, validated once into [`Settings`] before the terminal is
//! touched.
//!
//! Every layer produces the same [`Overrides`] (each setting optional, each set value knowing
//! its origin); they merge field by field and [`Settings::from_overrides`] turns the result
//! into typed settings. Every problem is reported as `ORIGIN: what is wrong; how to fix it`
//! (ORIGIN is `file:line:column`, an environment variable or a flag) with exit code 2.

pub mod diag;
mod env;
pub mod file;
pub mod keys;
pub mod overrides;
mod raw;
pub mod scenario;
pub mod theme_file;
mod ui_theme;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::app::keymap::KeyBinding;
use crate::cli::{Cli, ColorChoice, TrainArgs, TuiArgs};
use crate::engine::TrainConfig;

pub use diag::{Diagnostic, Origin, Problem, Sourced};
pub use file::{FileLayer, KeyEntry};
pub use keys::{Binding, Keymap};
pub use overrides::{DisplayOverrides, HealthOverrides, Overrides, TrainOverrides};
pub use scenario::Scenario;
pub use theme_file::{StyleSpec, ThemeFile};
pub use ui_theme::{fit_color, fit_style};

use diag::{SourceText, into_error};
use raw::Raw;

/// The commented default configuration, printed by `--print-default-config`.
pub const DEFAULT_CONFIG: &str = include_str!("../../config/default.toml");
/// How the embedded default file is named in messages.
const DEFAULT_CONFIG_NAME: &str = "config/default.toml";

/// Display settings, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct DisplaySettings {
    pub fps: u32,
    pub color: ColorChoice,
    pub ascii: bool,
    pub theme: String,
    pub x_range: (f64, f64),
    pub mouse: bool,
    pub paused: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings {
            fps: 15,
            color: ColorChoice::Auto,
            ascii: false,
            theme: "default".to_string(),
            x_range: (-5.0, 10.0),
            mouse: false,
            paused: false,
        }
    }
}

/// Everything reluscope is configured with.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub train: TrainConfig,
    pub display: DisplaySettings,
    pub keymap: Keymap,
    /// The selected theme with the user's `[theme.styles]` applied.
    pub theme: ThemeFile,
    /// The scenario chosen with `--scenario`, if any (the TUI shows its caption).
    pub scenario: Option<Scenario>,
    /// The layers that produced these settings, kept so a scenario picked later can be
    /// applied on the same base (file below it, environment and flags above it).
    pub layers: Layers,
}

/// The merged layers below and above the scenario slot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layers {
    /// The user's file.
    pub file: FileLayer,
    /// Environment variables and flags merged (they sit above any scenario).
    pub above: Overrides,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            train: TrainConfig::default(),
            display: DisplaySettings::default(),
            keymap: builtin_keymap(),
            theme: ThemeFile::builtin("default").unwrap_or_else(|| ThemeFile {
                name: "default".into(),
                description: String::new(),
                styles: Default::default(),
            }),
            scenario: None,
            layers: Layers::default(),
        }
    }
}

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
    /// The options of the explorer (no subcommand).
    pub fn from_cli(cli: &Cli) -> LoadOptions {
        LoadOptions {
            config: cli.config.clone(),
            theme: cli.theme.clone(),
            scenario: cli.scenario.clone(),
            train: cli.train.clone(),
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
        ("train", "lr", t.lr.map(|v| v.to_string())),
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

/// The keymap of the embedded default file.
pub fn builtin_keymap() -> Keymap {
    let src = SourceText::new(DEFAULT_CONFIG_NAME, DEFAULT_CONFIG);
    let entries = file::parse_config(&src).map(|l| l.keys).unwrap_or_default();
    Keymap {
        bindings: entries
            .into_iter()
            .map(|e| Binding {
                action: e.action,
                keys: e.keys.into_iter().map(|(k, _)| k).collect(),
            })
            .collect(),
    }
}

/// The keymap with a file's `[keys]` applied: each action it names gets exactly the keys it
/// lists. Unknown actions and keys bound to two actions are errors.
pub fn apply_keys(base: &Keymap, entries: &[KeyEntry]) -> Result<Keymap, Vec<Diagnostic>> {
    let actions: Vec<&str> = base.actions().collect();
    let mut diags = Vec::new();
    let mut keymap = base.clone();
    // Where each rebound key was written, to point conflicts at the user's line.
    let mut written: Vec<(KeyBinding, &str, &Origin)> = Vec::new();
    for entry in entries {
        let Some(binding) = keymap
            .bindings
            .iter_mut()
            .find(|b| b.action == entry.action)
        else {
            diags.push(file::unknown_action(
                &entry.action,
                entry.origin.clone(),
                &actions,
            ));
            continue;
        };
        binding.keys = entry.keys.iter().map(|(k, _)| *k).collect();
        written.extend(
            entry
                .keys
                .iter()
                .map(|(k, o)| (*k, entry.action.as_str(), o)),
        );
    }
    // Report each key used by two actions once, at a line the user wrote.
    for (i, (key, action, origin)) in written.iter().enumerate() {
        let others: Vec<&str> = keymap
            .bindings
            .iter()
            .filter(|b| b.action != *action && b.keys.contains(key))
            .map(|b| b.action.as_str())
            .collect();
        for other in others {
            let earlier = written[..i]
                .iter()
                .find(|(k, a, _)| k == key && *a == other);
            if written[i + 1..]
                .iter()
                .any(|(k, a, _)| k == key && *a == other)
            {
                continue; // reported at the later line
            }
            let fix = match earlier {
                Some((_, _, o)) => {
                    format!("it is also bound to `{other}` at {o}; keep it in one of the two lists")
                }
                None => format!(
                    "`{other}` has it by default; choose another key, or give `{other}` other \
                     keys, e.g. {other} = [\"F2\"] (or {other} = [] to unbind it)"
                ),
            };
            diags.push(
                Problem::new(
                    format!("key '{key}' is bound to both `{action}` and `{other}`"),
                    fix,
                )
                .at((*origin).clone()),
            );
        }
    }
    if diags.is_empty() {
        Ok(keymap)
    } else {
        Err(diags)
    }
}

impl Settings {
    /// Settings from the built-in defaults and one set of overrides (no file keys or styles).
    pub fn from_overrides(overrides: &Overrides) -> Result<Settings, Vec<Diagnostic>> {
        Settings::from_layers(
            Layers {
                file: FileLayer::default(),
                above: overrides.clone(),
            },
            None,
        )
    }

    /// Settings from a file layer, an optional scenario and the layer above them.
    pub fn from_layers(
        layers: Layers,
        scenario: Option<Scenario>,
    ) -> Result<Settings, Vec<Diagnostic>> {
        let mut merged = layers.file.overrides.clone();
        if let Some(s) = &scenario {
            s.apply(&mut merged);
        }
        merged.merge(layers.above.clone());

        let mut diags = Vec::new();
        let train = build_train(&merged.train, &merged.health, &mut diags);
        let display = build_display(&merged.display);
        let theme = match ThemeFile::builtin(&display.theme) {
            Some(t) => Some(t.with_overrides(&layers.file.styles)),
            None => {
                let origin = merged
                    .display
                    .theme
                    .as_ref()
                    .map_or(Origin::Default, |s| s.origin.clone());
                diags.push(
                    Problem::new(
                        format!("unknown theme '{}'", display.theme),
                        diag::unknown_name_fix(
                            &display.theme,
                            theme_file::BUILTIN_THEMES.iter().map(|(n, _)| *n),
                            "themes",
                        ),
                    )
                    .at(origin),
                );
                None
            }
        };
        let keymap = match apply_keys(&builtin_keymap(), &layers.file.keys) {
            Ok(k) => Some(k),
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        match (theme, keymap) {
            (Some(theme), Some(keymap)) if diags.is_empty() => Ok(Settings {
                train,
                display,
                keymap,
                theme,
                scenario,
                layers,
            }),
            _ => Err(diags),
        }
    }

    /// These settings with a scenario picked in the explorer: the scenario takes the place
    /// `--scenario` would have had (above the file, below environment and flags).
    pub fn with_scenario(&self, scenario: &Scenario) -> Result<Settings> {
        Settings::from_layers(self.layers.clone(), Some(scenario.clone())).map_err(into_error)
    }

    /// Parses the configuration text of a file named `name` on top of the built-in defaults
    /// (used for `--print-default-config`'s round trip and tests).
    pub fn from_toml(name: &str, text: &str) -> Result<Settings> {
        let file = file::parse_config(&SourceText::new(name, text)).map_err(into_error)?;
        Settings::from_layers(
            Layers {
                file,
                above: Overrides::default(),
            },
            None,
        )
        .map_err(into_error)
    }
}

fn build_display(d: &DisplayOverrides) -> DisplaySettings {
    let base = DisplaySettings::default();
    DisplaySettings {
        fps: d.fps.as_ref().map_or(base.fps, |s| s.value),
        color: d.color.as_ref().map_or(base.color, |s| s.value),
        ascii: d.ascii.as_ref().map_or(base.ascii, |s| s.value),
        theme: d.theme.as_ref().map_or(base.theme, |s| s.value.clone()),
        x_range: d.x_range.as_ref().map_or(base.x_range, |s| s.value),
        mouse: d.mouse.as_ref().map_or(base.mouse, |s| s.value),
        paused: d.paused.as_ref().map_or(base.paused, |s| s.value),
    }
}

fn build_train(
    t: &TrainOverrides,
    h: &HealthOverrides,
    diags: &mut Vec<Diagnostic>,
) -> TrainConfig {
    let mut c = TrainConfig::default();
    macro_rules! take {
        ($($field:ident),*) => { $( if let Some(s) = &t.$field { c.$field = s.value.clone(); } )* };
    }
    take!(
        dataset,
        noise,
        train_fraction,
        features,
        activation,
        regression_output,
        init,
        bias_init,
        optimizer,
        lr,
        momentum,
        nesterov,
        l1,
        l2,
        clip,
        batch_size,
        shuffle,
        seed
    );
    if let Some(s) = &t.layers {
        c.hidden = s.value.clone();
    }
    if let Some(s) = &h.saturation_threshold {
        c.saturation_threshold = s.value;
    }
    // Cross-setting checks, pointing at the setting that asks for the impossible.
    if c.nesterov && c.momentum <= 0.0 {
        let origin = t
            .nesterov
            .as_ref()
            .map_or(Origin::Default, |s| s.origin.clone());
        diags.push(
            Problem::new(
                "Nesterov momentum needs a momentum above 0",
                "set momentum too, e.g. momentum = 0.9, or nesterov = false",
            )
            .at(origin),
        );
    }
    // The engine's own check, as a safety net behind the per-setting checks above.
    if diags.is_empty()
        && let Err(e) = c.validate()
    {
        diags.push(Problem::new(e.to_string(), "change the setting it names").at(Origin::Merged));
    }
    c
}

/// Where the path in `--config` came from, for `reluscope --help` and messages.
pub fn describe_default_location() -> String {
    default_config_path().map_or_else(
        || "no config directory on this system".to_string(),
        |p: PathBuf| Path::new(&p).display().to_string(),
    )
}
