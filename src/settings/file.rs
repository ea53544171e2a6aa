//! The configuration file: TOML with `[train]`, `[display]`, `[health]`, `[keys]` and
//! `[theme.styles]`, any subset of them. Reading walks the spanned document by hand, so every
//! problem (all of them, not just the first) points at its `file:line:column`.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{
    Diagnostic, Origin, Problem, SourceText, did_you_mean, parse_document, unknown_name_fix,
};
use super::overrides::Overrides;
use super::raw::{Raw, type_name};
use super::schema::{self, Section, section_of};
use super::theme_file::{StyleSpec, parse_styles};
use crate::keymap::KeyBinding;
use crate::keymap::{KEY_HELP, KEY_NAMES};

/// What one configuration file sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileLayer {
    pub overrides: Overrides,
    /// `[keys]`: the actions this file rebinds, in file order.
    pub keys: Vec<KeyEntry>,
    /// `[theme.styles]`: style overrides on top of the selected theme.
    pub styles: BTreeMap<String, StyleSpec>,
}

/// One `action = ["key", ...]` line.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyEntry {
    pub action: String,
    pub origin: Origin,
    pub keys: Vec<(KeyBinding, Origin)>,
}

/// Reads a whole configuration file.
pub fn parse_config(src: &SourceText<'_>) -> Result<FileLayer, Vec<Diagnostic>> {
    let (layer, diags) = parse_config_partial(src);
    if diags.is_empty() {
        Ok(layer)
    } else {
        Err(diags)
    }
}

/// Reads a configuration file as far as it is valid: what could be read, and every problem.
pub fn parse_config_partial(src: &SourceText<'_>) -> (FileLayer, Vec<Diagnostic>) {
    let doc = match parse_document(src) {
        Ok(doc) => doc,
        Err(diags) => return (FileLayer::default(), diags),
    };
    let mut layer = FileLayer::default();
    let mut diags = Vec::new();
    for (key, value) in doc.get_ref() {
        let name = key.get_ref().as_ref();
        let origin = src.origin(key.span());
        match name {
            "train" | "display" | "health" => {
                if let Some(table) = expect_table(src, name, value, &mut diags) {
                    read_settings(src, name, table, &mut layer.overrides, &mut diags);
                }
            }
            "keys" => {
                if let Some(table) = expect_table(src, name, value, &mut diags) {
                    layer.keys = read_keys(src, table, &mut diags);
                }
            }
            "theme" => {
                if let Some(table) = expect_table(src, name, value, &mut diags) {
                    for (k, v) in table {
                        if k.get_ref() == "styles" {
                            if let Some(styles) = expect_table(src, "theme.styles", v, &mut diags) {
                                layer.styles = parse_styles(src, styles, &mut diags);
                            }
                        } else {
                            let what = k.get_ref().as_ref();
                            let fix = if what == "name" {
                                "choose the theme with `theme = \"NAME\"` under [display]"
                                    .to_string()
                            } else {
                                unknown_name_fix(what, ["styles"], "keys under [theme]")
                            };
                            diags.push(
                                Problem::new(format!("unknown key `{what}` under [theme]"), fix)
                                    .at(src.origin(k.span())),
                            );
                        }
                    }
                }
            }
            other => diags.push(unknown_top_level(other, origin)),
        }
    }
    (layer, diags)
}

const TOP_LEVEL: [&str; 5] = ["train", "display", "health", "keys", "theme"];

fn unknown_top_level(name: &str, origin: Origin) -> Diagnostic {
    let fix = match section_of(name) {
        Some(section) => format!("move it under [{}]", section.name()),
        None => unknown_name_fix(name, TOP_LEVEL, "sections"),
    };
    Problem::new(format!("unknown section or key `{name}`"), fix).at(origin)
}

/// The table a section must be, or a diagnostic.
pub fn expect_table<'a, 'i>(
    src: &SourceText<'_>,
    name: &str,
    value: &'a Spanned<DeValue<'i>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            diags.push(
                Problem::new(
                    format!("`{name}` must be a table, found {}", type_name(other)),
                    format!("write it as a section: [{name}] on its own line, then its keys"),
                )
                .at(src.origin(value.span())),
            );
            None
        }
    }
}

/// Reads the keys of one settings section into `overrides`.
pub fn read_settings(
    src: &SourceText<'_>,
    section: &str,
    table: &DeTable<'_>,
    overrides: &mut Overrides,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let origin = src.origin(value.span());
        match schema::read_in(
            section,
            name,
            overrides,
            Raw::Toml(value.get_ref()),
            &origin,
        ) {
            Ok(true) => {}
            Ok(false) => diags.push(unknown_key(section, name, src.origin(key.span()))),
            Err(problem) => diags.push(problem.at(origin)),
        }
    }
}

/// Names other tools use for reluscope's keys, to point users at the right one.
const ALIASES: &[(&str, &str)] = &[
    ("learning_rate", "lr"),
    ("rate", "lr"),
    ("hidden_layers", "layers"),
    ("hidden", "layers"),
    ("weight_decay", "l2"),
    ("batch", "batch_size"),
    ("bias", "bias_init"),
    ("weight_init", "init"),
    ("initializer", "init"),
    ("grad_clip", "clip"),
    ("clip_norm", "clip"),
    ("max_norm", "clip"),
    ("colour", "color"),
    ("frame_rate", "fps"),
    ("xrange", "x_range"),
    ("range", "x_range"),
];

/// An unknown key in a section: a typo (did you mean), or a key of another section.
fn unknown_key(section: &str, name: &str, origin: Origin) -> Diagnostic {
    let here = Section::from_name(section);
    let alias = ALIASES.iter().find(|(a, _)| *a == name).map(|(_, k)| *k);
    let fix = match (section_of(name), here, alias) {
        (_, _, Some(key)) => match section_of(key) {
            Some(s) if s.name() == section => format!("reluscope calls it `{key}`"),
            Some(s) => format!("reluscope calls it `{key}`, under [{}]", s.name()),
            None => format!("reluscope calls it `{key}`"),
        },
        (Some(other), _, _) => format!("`{name}` belongs under [{}]", other.name()),
        (None, Some(here), None) => {
            unknown_name_fix(name, here.keys(), &format!("keys in [{section}]"))
        }
        (None, None, None) => String::new(),
    };
    Problem::new(format!("unknown key `{name}` in [{section}]"), fix).at(origin)
}

/// Reads `[keys]`: `action = ["key", ...]` (a single string is one key; `[]` unbinds).
fn read_keys(
    src: &SourceText<'_>,
    table: &DeTable<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<KeyEntry> {
    let mut entries = Vec::new();
    // In file order (the table is sorted by name), so listings follow the file.
    let mut lines: Vec<_> = table.iter().collect();
    lines.sort_by_key(|(action, _)| action.span().start);
    for (action, value) in lines {
        let action_name = action.get_ref().as_ref();
        let specs: Vec<&Spanned<DeValue<'_>>> = match value.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            DeValue::String(_) => vec![value],
            other => {
                diags.push(
                    Problem::new(
                        format!(
                            "keys for `{action_name}` must be an array of key names, found {}",
                            type_name(other)
                        ),
                        format!(
                            "write it as {action_name} = [\"x\", \"ctrl-x\"] (or [] to unbind)"
                        ),
                    )
                    .at(src.origin(value.span())),
                );
                continue;
            }
        };
        let mut keys = Vec::new();
        for spec in specs {
            let at = src.origin(spec.span());
            match spec.get_ref() {
                DeValue::String(s) => match s.parse::<KeyBinding>() {
                    Ok(k) if keys.iter().any(|(seen, _)| *seen == k) => {}
                    Ok(k) => keys.push((k, at)),
                    Err(_) => diags.push(key_spec_problem(action_name, s).at(at)),
                },
                other => diags.push(
                    Problem::new(
                        format!(
                            "a key for `{action_name}` must be a string, found {}",
                            type_name(other)
                        ),
                        format!("write it in quotes, e.g. {action_name} = [\"x\"]"),
                    )
                    .at(at),
                ),
            }
        }
        entries.push(KeyEntry {
            action: action_name.to_string(),
            origin: src.origin(action.span()),
            keys,
        });
    }
    entries
}

/// `did you mean` for an action name.
pub fn unknown_action(name: &str, origin: Origin, actions: &[&str]) -> Diagnostic {
    let fix = match did_you_mean(name, actions.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? (actions: {})", actions.join(", ")),
        None => format!("actions: {}", actions.join(", ")),
    };
    Problem::new(format!("unknown action `{name}` in [keys]"), fix).at(origin)
}

/// The problem with an unreadable key spec, with a suggestion when one is likely.
fn key_spec_problem(action: &str, spec: &str) -> Problem {
    let last = spec.rsplit('-').next().unwrap_or(spec).to_ascii_lowercase();
    let fix = if spec.contains('+') && spec.len() > 1 {
        format!("join modifiers with '-': \"{}\"", spec.replace('+', "-"))
    } else if spec.is_empty() {
        KEY_HELP.to_string()
    } else {
        match did_you_mean(&last, KEY_NAMES.iter().copied()) {
            Some(best) if last.chars().count() > 1 => {
                format!("did you mean \"{best}\"? ({KEY_HELP})")
            }
            _ => KEY_HELP.to_string(),
        }
    };
    Problem::new(format!("key for `{action}`: '{spec}' is not a key"), fix)
}
