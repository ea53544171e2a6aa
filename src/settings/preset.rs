//! Guided scenarios: presets that each show one claim about ReLU, with a caption saying what
//! to watch and the actions worth trying. They live in `config/scenarios/*.toml` (embedded):
//!
//! ```toml
//! name = "dying-high-lr"
//! title = "Dying ReLU: a learning rate too large"
//! caption = "What to watch ..."
//! try = [{ action = "lr_up", does = "raise the learning rate further" }]
//! focus = "network"   # optional: the pane the caption talks about
//! select = "clip norm" # optional: the Parameters row the hints change
//! compare = { activation = "relu" } # optional: open as an A/B comparison, B with these
//! [train]      # same keys as the config file; unnamed keys take the built-in defaults
//! lr = 1.0
//! [display]    # optional, same keys as the config file
//! x_range = [-3, 3]
//! ```

use super::diag::parse_document;
use super::diag::{Diagnostic, Origin, Problem, SourceText, unknown_name_fix};
use super::file::{expect_table, read_settings};
use super::overrides::Overrides;
use super::raw::type_name;
use super::schema::{Section, in_section};

use toml::de::DeValue;

use crate::action::Action;
use crate::keymap::Keymap;

/// The panes a scenario can focus.
pub const PANES: &[&str] = &[
    "activation",
    "derivative",
    "network",
    "output",
    "metrics",
    "parameters",
];

/// An action worth trying in a scenario, and what it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Try {
    /// The TUI shows whatever key is bound to it.
    pub action: Action,
    pub does: String,
}

/// One guided preset.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    /// What to watch, a few sentences.
    pub caption: String,
    pub try_actions: Vec<Try>,
    /// The pane to focus (one of [`PANES`]).
    pub focus: Option<String>,
    /// The Parameters row to select, by its label (e.g. `clip norm`).
    pub select: Option<String>,
    /// The preset: `[train]` is complete once the built-in defaults fill the rest.
    pub overrides: Overrides,
    /// Open as an A/B comparison: run B is the preset with these training settings changed.
    pub compare: Option<Overrides>,
}

impl Scenario {
    /// Applies the preset on top of lower layers: every training setting becomes the
    /// scenario's (built-in defaults where it names none, so a user's `[train]` cannot blur
    /// the effect), and its display settings replace those it names. Keys, theme and health
    /// settings stay as they were.
    pub fn apply(&self, overrides: &mut Overrides) {
        overrides.retain(|key| !in_section(key, Section::Train));
        overrides.merge(
            self.overrides
                .only(|key| in_section(key, Section::Train) || in_section(key, Section::Display)),
        );
    }

    /// The actions to try with the keys currently bound to them, e.g. `("+ =", "raise ...")`;
    /// an unbound action shows as `(unbound: lr_up)`.
    pub fn key_hints(&self, keymap: &Keymap) -> Vec<(String, String)> {
        self.try_actions
            .iter()
            .map(|t| {
                let keys = keymap.keys_for(t.action);
                let shown = if keys.is_empty() {
                    format!("(unbound: {})", t.action)
                } else {
                    keys.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                (shown, t.does.clone())
            })
            .collect()
    }
}

/// Every shipped scenario, in tour order.
pub fn all() -> Vec<Scenario> {
    crate::scenario::BUILTIN
        .iter()
        .filter_map(|(name, text)| parse_builtin(name, text).ok())
        .collect()
}

/// The shipped scenario `name`, or an error naming the closest one.
pub fn find(name: &str) -> Result<Scenario, Problem> {
    let key = name.trim().to_ascii_lowercase();
    match crate::scenario::BUILTIN.iter().find(|(n, _)| *n == key) {
        Some((n, text)) => parse_builtin(n, text).map_err(|d| {
            Problem::new(
                format!("the shipped scenario '{n}' is broken: {}", d[0]),
                "report this as a bug",
            )
        }),
        None => Err(Problem::new(
            format!("unknown scenario '{name}'"),
            unknown_name_fix(&key, crate::scenario::names(), "scenarios"),
        )),
    }
}

/// Parses a shipped scenario (path `config/scenarios/NAME.toml` in messages).
fn parse_builtin(name: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let path = format!("config/scenarios/{name}.toml");
    parse_scenario(&SourceText::new(&path, text))
}

/// Parses a scenario file.
fn parse_scenario(src: &SourceText<'_>) -> Result<Scenario, Vec<Diagnostic>> {
    let doc = parse_document(src)?;
    let mut diags = Vec::new();
    let mut name = None;
    let mut title = None;
    let mut caption = None;
    let mut try_actions = Vec::new();
    let mut focus = None;
    let mut select = None;
    let mut overrides = Overrides::default();
    let mut compare = None;
    for (key, value) in doc.get_ref() {
        let k = key.get_ref().as_ref();
        let at = src.origin(value.span());
        match k {
            "name" | "title" | "caption" => match value.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    let slot = match k {
                        "name" => &mut name,
                        "title" => &mut title,
                        _ => &mut caption,
                    };
                    *slot = Some(s.trim().to_string());
                }
                other => diags.push(
                    Problem::new(
                        format!(
                            "`{k}` must be a non-empty string, found {}",
                            type_name(other)
                        ),
                        format!("write it as {k} = \"...\""),
                    )
                    .at(at),
                ),
            },
            "try" => match value.get_ref() {
                DeValue::Array(items) => {
                    for item in items {
                        match read_try(src, item.get_ref(), src.origin(item.span())) {
                            Ok(t) => try_actions.push(t),
                            Err(d) => diags.push(d),
                        }
                    }
                }
                other => diags.push(
                    Problem::new(
                        format!("`try` must be an array, found {}", type_name(other)),
                        "write it as try = [{ action = \"lr_up\", does = \"...\" }]",
                    )
                    .at(at),
                ),
            },
            "focus" => match value.get_ref() {
                DeValue::String(s) if PANES.contains(&s.trim().to_ascii_lowercase().as_str()) => {
                    focus = Some(s.trim().to_ascii_lowercase());
                }
                other => diags.push(
                    Problem::new(
                        format!("`focus` must name a pane, found {}", describe(other)),
                        format!("use one of {}", PANES.join(", ")),
                    )
                    .at(at),
                ),
            },
            "select" => match value.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    select = Some(s.trim().to_string());
                }
                other => diags.push(
                    Problem::new(
                        format!(
                            "`select` must be a Parameters row, found {}",
                            describe(other)
                        ),
                        "write it as select = \"clip norm\"",
                    )
                    .at(at),
                ),
            },
            "train" | "display" => {
                if let Some(table) = expect_table(src, k, value, &mut diags) {
                    read_settings(src, k, table, &mut overrides, &mut diags);
                }
            }
            // Read as `[train]` keys: B differs from A in these.
            "compare" => {
                if let Some(table) = expect_table(src, k, value, &mut diags) {
                    let mut b = Overrides::default();
                    read_settings(src, "train", table, &mut b, &mut diags);
                    compare = Some(b);
                }
            }
            other => diags.push(
                Problem::new(
                    format!("unknown key `{other}` in a scenario"),
                    unknown_name_fix(
                        other,
                        [
                            "name", "title", "caption", "try", "focus", "select", "train",
                            "display", "compare",
                        ],
                        "keys",
                    ),
                )
                .at(src.origin(key.span())),
            ),
        }
    }
    for (field, value) in [("name", &name), ("title", &title), ("caption", &caption)] {
        if value.is_none()
            && !diags
                .iter()
                .any(|d| d.problem.what.starts_with(&format!("`{field}`")))
        {
            diags.push(
                Problem::new(
                    format!("the scenario has no `{field}`"),
                    format!("add a line {field} = \"...\""),
                )
                .at(src.origin(0..0)),
            );
        }
    }
    match (name, title, caption) {
        (Some(name), Some(title), Some(caption)) if diags.is_empty() => Ok(Scenario {
            name,
            title,
            caption,
            try_actions,
            focus,
            select,
            overrides,
            compare,
        }),
        _ => Err(diags),
    }
}

/// A value as a message shows it: strings quoted, other values by their type.
fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("{s:?}"),
        other => type_name(other).to_string(),
    }
}

fn read_try(src: &SourceText<'_>, value: &DeValue<'_>, at: Origin) -> Result<Try, Diagnostic> {
    let shape = || {
        Problem::new(
            "each `try` entry must be { action = \"NAME\", does = \"what it shows\" }",
            "write it as { action = \"lr_up\", does = \"raise the learning rate\" }",
        )
        .at(at.clone())
    };
    let DeValue::Table(t) = value else {
        return Err(shape());
    };
    if t.len() != 2 {
        return Err(shape());
    }
    let get = |k: &str| match t.get(k).map(toml::Spanned::get_ref) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let (Some(action), Some(does)) = (get("action"), get("does")) else {
        return Err(shape());
    };
    let Ok(action) = action.parse::<Action>() else {
        let span = t.get("action").map_or(0..0, toml::Spanned::span);
        let actions: Vec<&str> = Action::all().map(Action::name).collect();
        return Err(super::file::unknown_action(
            &action,
            src.origin(span),
            &actions,
        ));
    };
    Ok(Try { action, does })
}
