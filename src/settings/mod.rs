//! Configuration: built-in defaults < the user's file < a scenario < `RELUSCOPE_*` environment
//! variables < a `--state` string < command-line flags, validated once into [`Settings`] before the terminal is
//! touched.
//!
//! Every layer produces the same [`Overrides`] (each setting optional, each set value knowing
//! its origin); they merge field by field and [`Settings::from_layers`] turns the result into
//! typed settings. Every problem is reported as `ORIGIN: what is wrong; how to fix it`
//! (ORIGIN is `file:line:column`, an environment variable or a flag) with exit code 2.

pub mod diag;
mod env;
pub mod file;
pub mod keys;
pub mod ladder;
mod load;
pub mod overrides;
pub mod preset;
pub mod raw;
pub mod schema;
pub mod state;
pub mod theme_file;

use anyhow::Result;

use crate::engine::TrainConfig;

pub use diag::{Diagnostic, Origin, Problem, Sourced};
pub use file::{FileLayer, KeyEntry};
pub use keys::{apply_keys, builtin_keymap};
pub use load::{CliValue, Environment, LoadOptions, default_config_path, load_from, load_with};
pub use overrides::{ColorChoice, DisplaySettings, Overrides, Targets};
pub use preset::Scenario;
pub use raw::Raw;
pub use schema::{Section, Setting};
pub use theme_file::{StyleSpec, ThemeFile};

use crate::keymap::Keymap;

use diag::SourceText;
pub use diag::into_error;

/// The commented default configuration, printed by `--print-default-config`.
pub const DEFAULT_CONFIG: &str = include_str!("../../config/default.toml");
/// How the embedded default file is named in messages.
pub(crate) const DEFAULT_CONFIG_NAME: &str = "config/default.toml";

/// Everything reluscope is configured with.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub train: TrainConfig,
    pub display: DisplaySettings,
    pub keymap: Keymap,
    /// The selected theme with the user's `[theme.styles]` applied.
    pub theme: ThemeFile,
    /// The scenario chosen with `--scenario` or picked in the explorer, if any (the explorer
    /// shows its title, caption and keys to try).
    pub scenario: Option<Scenario>,
    /// Things worth telling the user that stop nothing (an unreadable default config file).
    pub notes: Vec<String>,
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
            notes: Vec::new(),
            layers: Layers::default(),
        }
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
        let mut targets = Targets::default();
        merged.apply_all(&mut targets);
        let Targets { train, display } = targets;
        check_train(&train, &merged, &mut diags);
        let theme = match ThemeFile::builtin(&display.theme) {
            Some(t) => Some(t.with_overrides(&layers.file.styles)),
            None => {
                let origin = merged.origin("theme").cloned().unwrap_or(Origin::Default);
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
                notes: Vec::new(),
                layers,
            }),
            _ => Err(diags),
        }
    }

    /// These settings with a scenario picked in the explorer (`p`, `n`, `N`). The preset's
    /// training settings are used as they are, so it shows what its caption promises: the
    /// training flags and variables given at launch yield to the user's newer choice. Their
    /// display and health settings, the keys and the theme stay.
    pub fn with_scenario(&self, scenario: &Scenario) -> Result<Settings> {
        let mut layers = self.layers.clone();
        layers
            .above
            .retain(|key| !schema::in_section(key, Section::Train));
        Settings::from_layers(layers, Some(scenario.clone())).map_err(into_error)
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

/// Reads one setting from text, as `origin` wrote it, into `config`: a value typed into the
/// Parameters pane, one item of a sweep's list. The same row reads it as from a file or a flag,
/// so it is accepted, or refused with the same message, exactly as there.
pub fn set_text(
    row: &'static Setting,
    text: &str,
    origin: Origin,
    config: &mut TrainConfig,
) -> Result<(), Diagnostic> {
    let mut o = Overrides::default();
    row.read(&mut o, Raw::Text(text), &origin)
        .map_err(|p| p.at(origin))?;
    o.apply(config);
    Ok(())
}

/// The checks across settings of the run, pointing at the setting that asks for the impossible.
fn check_train(c: &TrainConfig, set: &Overrides, diags: &mut Vec<Diagnostic>) {
    if c.nesterov && c.momentum <= 0.0 {
        let origin = set.origin("nesterov").cloned().unwrap_or(Origin::Default);
        // The fix is spelled in the language of the layer that asked for Nesterov.
        let fix = match &origin {
            Origin::Cli(_) => "add --momentum 0.9, or drop --nesterov",
            Origin::Env(_) => "set RELUSCOPE_MOMENTUM=0.9 too, or RELUSCOPE_NESTEROV=false",
            _ => "set momentum too, e.g. momentum = 0.9, or nesterov = false",
        };
        diags.push(Problem::new("Nesterov momentum needs a momentum above 0", fix).at(origin));
    }
    // The engine's own check, as a safety net behind the per-setting checks above.
    if diags.is_empty()
        && let Err(e) = c.validate()
    {
        diags.push(Problem::new(e.to_string(), "change the setting it names").at(Origin::Merged));
    }
}
