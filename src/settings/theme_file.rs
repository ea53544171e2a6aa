//! Themes: named styles read from `config/themes/*.toml` (embedded) and a user's
//! `[theme.styles]` overrides.
//!
//! A theme file is
//!
//! ```toml
//! name = "default"
//! description = "..."
//! [styles]
//! alive = { fg = "green", bold = true }
//! ```
//!
//! Colours are ratatui colour names (`red`, `light-blue`, `dark-gray`, `reset`, ...), `#rrggbb`
//! or a 256-colour index `"0"`..`"255"`. The shipped themes use the 16 named ANSI colours so
//! they follow the user's terminal palette and work in every colour tier.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostic, Problem, SourceText, unknown_name_fix};
use super::raw::type_name;

/// Every style a theme defines, and what it colours.
pub const STYLE_NAMES: &[(&str, &str)] = &[
    ("text", "ordinary text"),
    ("muted", "secondary text: units, hints, inactive items"),
    (
        "accent",
        "values worth a glance: the current activation, learning rate",
    ),
    ("title", "pane titles"),
    ("border", "pane borders"),
    ("border_focused", "the focused pane's border"),
    ("status", "the status bar"),
    (
        "key_hint",
        "key names in the status bar and the help overlay",
    ),
    ("message", "the message line and a scenario's caption"),
    ("error", "errors and the diverged state"),
    (
        "highlight",
        "the selected item (parameter, neuron, menu entry)",
    ),
    ("editing", "a value being typed"),
    ("alive", "alive neurons"),
    ("dead", "dead neurons"),
    ("saturated", "saturated neurons"),
    ("positive_weight", "connections with a positive weight"),
    ("negative_weight", "connections with a negative weight"),
    ("axis", "chart axes and labels"),
    ("curve", "the activation curve"),
    ("derivative", "the derivative curve"),
    ("compare", "the first comparison curve"),
    ("compare_2", "the second comparison curve"),
    ("compare_3", "the third comparison curve"),
    ("cursor", "the x cursor on the curves"),
    ("kink", "the marked kink of the derivative"),
    (
        "no_gradient",
        "zero-gradient regions (no gradient flows here); usually a background",
    ),
    (
        "saturation",
        "saturation regions of sigmoid and tanh; usually a background",
    ),
    ("train_loss", "the training loss line"),
    ("test_loss", "the test loss line"),
    ("dead_fraction", "the dead-fraction line"),
    ("grad_norm_1", "gradient norm of the first layer"),
    ("grad_norm_2", "gradient norm of the second layer"),
    ("grad_norm_3", "gradient norm of the third layer"),
    (
        "grad_norm_4",
        "gradient norm of the fourth layer (and every fourth after it)",
    ),
    (
        "heatmap_low",
        "class 0 and low outputs: points and the heatmap's low end",
    ),
    (
        "heatmap_high",
        "class 1 and high outputs: points and the heatmap's high end",
    ),
];

/// The names of the shipped themes, in the order `--help` lists them.
pub const BUILTIN_THEMES: &[(&str, &str)] = &[
    ("default", include_str!("../../config/themes/default.toml")),
    (
        "high-contrast",
        include_str!("../../config/themes/high-contrast.toml"),
    ),
    (
        "colorblind-safe",
        include_str!("../../config/themes/colorblind-safe.toml"),
    ),
];

/// One style as written: every part optional, so an override can change just one of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StyleSpec {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: Option<bool>,
    pub dim: Option<bool>,
    pub italic: Option<bool>,
    pub underlined: Option<bool>,
    pub reversed: Option<bool>,
}

const STYLE_KEYS: &[&str] = &[
    "fg",
    "bg",
    "bold",
    "dim",
    "italic",
    "underlined",
    "reversed",
];

impl StyleSpec {
    /// This style with the parts `over` sets replaced.
    pub fn merged(self, over: StyleSpec) -> StyleSpec {
        StyleSpec {
            fg: over.fg.or(self.fg),
            bg: over.bg.or(self.bg),
            bold: over.bold.or(self.bold),
            dim: over.dim.or(self.dim),
            italic: over.italic.or(self.italic),
            underlined: over.underlined.or(self.underlined),
            reversed: over.reversed.or(self.reversed),
        }
    }

    /// The ratatui style. An unset colour stays unset, so it inherits from what is below.
    fn to_style(self) -> Style {
        let mut style = Style::default();
        if let Some(fg) = self.fg {
            style = style.fg(fg);
        }
        if let Some(bg) = self.bg {
            style = style.bg(bg);
        }
        for (flag, modifier) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underlined, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            style = match flag {
                Some(true) => style.add_modifier(modifier),
                Some(false) => style.remove_modifier(modifier),
                None => style,
            };
        }
        style
    }
}

/// A resolved theme: a full set of styles.
#[derive(Clone, Debug, PartialEq)]
pub struct ThemeFile {
    pub name: String,
    pub description: String,
    pub styles: BTreeMap<String, StyleSpec>,
}

impl ThemeFile {
    /// The style called `name` (the empty style if the name is unknown).
    pub fn style(&self, name: &str) -> Style {
        self.styles
            .get(name)
            .copied()
            .unwrap_or_default()
            .to_style()
    }

    /// The shipped theme called `name`.
    pub fn builtin(name: &str) -> Option<ThemeFile> {
        let (_, text) = BUILTIN_THEMES.iter().find(|(n, _)| *n == name)?;
        let path = format!("config/themes/{name}.toml");
        // The shipped files are checked by tests; a broken one would be a build defect.
        parse_theme(&SourceText::new(&path, text)).ok()
    }

    /// Applies style overrides (a user's `[theme.styles]`).
    pub fn with_overrides(mut self, overrides: &BTreeMap<String, StyleSpec>) -> ThemeFile {
        for (name, over) in overrides {
            let base = self.styles.get(name).copied().unwrap_or_default();
            self.styles.insert(name.clone(), base.merged(*over));
        }
        self
    }
}

/// Parses a whole theme file. Every style of [`STYLE_NAMES`] must be present.
pub fn parse_theme(src: &SourceText<'_>) -> Result<ThemeFile, Vec<Diagnostic>> {
    let doc = super::diag::parse_document(src)?;
    let mut diags = Vec::new();
    let mut name = None;
    let mut description = String::new();
    let mut styles = BTreeMap::new();
    for (key, value) in doc.get_ref() {
        let origin = src.origin(key.span());
        match key.get_ref().as_ref() {
            "name" | "description" => match value.get_ref() {
                DeValue::String(s) if key.get_ref() == "name" => name = Some(s.to_string()),
                DeValue::String(s) => description = s.to_string(),
                other => diags.push(
                    Problem::new(
                        format!(
                            "`{}` must be a string, found {}",
                            key.get_ref(),
                            type_name(other)
                        ),
                        "write it in quotes, e.g. name = \"my-theme\"",
                    )
                    .at(src.origin(value.span())),
                ),
            },
            "styles" => match value.get_ref() {
                DeValue::Table(t) => styles = parse_styles(src, t, &mut diags),
                other => diags.push(
                    Problem::new(
                        format!("`styles` must be a table, found {}", type_name(other)),
                        "write it as [styles] followed by lines like alive = { fg = \"green\" }",
                    )
                    .at(src.origin(value.span())),
                ),
            },
            other => diags.push(
                Problem::new(
                    format!("unknown key `{other}` in a theme file"),
                    unknown_name_fix(other, ["name", "description", "styles"], "keys"),
                )
                .at(origin),
            ),
        }
    }
    let missing: Vec<&str> = STYLE_NAMES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !styles.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        diags.push(
            Problem::new(
                format!("the theme lacks the styles {}", missing.join(", ")),
                "add a line for each under [styles], e.g. dead = { fg = \"red\" }",
            )
            .at(src.origin(0..0)),
        );
    }
    let Some(name) = name else {
        diags.push(
            Problem::new(
                "the theme has no `name`",
                "add a line name = \"my-theme\" at the top",
            )
            .at(src.origin(0..0)),
        );
        return Err(diags);
    };
    if diags.is_empty() {
        Ok(ThemeFile {
            name,
            description,
            styles,
        })
    } else {
        Err(diags)
    }
}

/// Reads a table of `style_name = { fg = ..., ... }`, collecting problems.
pub fn parse_styles(
    src: &SourceText<'_>,
    table: &DeTable<'_>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, StyleSpec> {
    let mut styles = BTreeMap::new();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        if !STYLE_NAMES.iter().any(|(n, _)| *n == name) {
            diags.push(
                Problem::new(
                    format!("unknown style `{name}`"),
                    unknown_name_fix(name, STYLE_NAMES.iter().map(|(n, _)| *n), "styles"),
                )
                .at(src.origin(key.span())),
            );
            continue;
        }
        let DeValue::Table(parts) = value.get_ref() else {
            diags.push(
                Problem::new(
                    format!(
                        "style `{name}` must be a table, found {}",
                        type_name(value.get_ref())
                    ),
                    format!("write it as {name} = {{ fg = \"cyan\", bold = true }}"),
                )
                .at(src.origin(value.span())),
            );
            continue;
        };
        let mut spec = StyleSpec::default();
        for (part, v) in parts {
            let part_name = part.get_ref().as_ref();
            let at = src.origin(v.span());
            match (part_name, v.get_ref()) {
                ("fg" | "bg", DeValue::String(s)) => match parse_color(s) {
                    Ok(c) if part_name == "fg" => spec.fg = Some(c),
                    Ok(c) => spec.bg = Some(c),
                    Err(p) => diags.push(p.at(at)),
                },
                ("fg" | "bg", other) => diags.push(
                    Problem::new(
                        format!(
                            "`{part_name}` must be a colour string, found {}",
                            type_name(other)
                        ),
                        format!("write it in quotes, e.g. {part_name} = \"cyan\""),
                    )
                    .at(at),
                ),
                (
                    flag @ ("bold" | "dim" | "italic" | "underlined" | "reversed"),
                    DeValue::Boolean(b),
                ) => {
                    let slot = match flag {
                        "bold" => &mut spec.bold,
                        "dim" => &mut spec.dim,
                        "italic" => &mut spec.italic,
                        "underlined" => &mut spec.underlined,
                        _ => &mut spec.reversed,
                    };
                    *slot = Some(*b);
                }
                (flag @ ("bold" | "dim" | "italic" | "underlined" | "reversed"), other) => diags
                    .push(
                        Problem::new(
                            format!("`{flag}` must be true or false, found {}", type_name(other)),
                            format!("write {flag} = true or {flag} = false"),
                        )
                        .at(at),
                    ),
                (other, _) => diags.push(
                    Problem::new(
                        format!("unknown style attribute `{other}` in style `{name}`"),
                        unknown_name_fix(other, STYLE_KEYS.iter().copied(), "attributes"),
                    )
                    .at(src.origin(part.span())),
                ),
            }
        }
        styles.insert(name.to_string(), spec);
    }
    styles
}

/// A colour: a ratatui name, `#rrggbb`, or an index 0-255.
fn parse_color(text: &str) -> Result<Color, Problem> {
    text.trim().parse::<Color>().map_err(|_| {
        Problem::new(
            format!("'{text}' is not a colour"),
            "use a name (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray, \
             light-red, light-green, light-yellow, light-blue, light-magenta, light-cyan, white, \
             reset), #rrggbb, or an index \"0\"-\"255\"",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_in_every_form() {
        assert_eq!(parse_color("light-blue").unwrap(), Color::LightBlue);
        assert_eq!(parse_color("dark_gray").unwrap(), Color::DarkGray);
        assert_eq!(parse_color("#ff8000").unwrap(), Color::Rgb(255, 128, 0));
        assert_eq!(parse_color("208").unwrap(), Color::Indexed(208));
        assert!(parse_color("blurple").is_err());
        assert!(parse_color("#ff80").is_err());
        assert!(parse_color("#ééé").is_err());
    }

    #[test]
    fn merge_keeps_what_the_override_leaves_unset() {
        let base = StyleSpec {
            fg: Some(Color::Green),
            bold: Some(true),
            ..StyleSpec::default()
        };
        let over = StyleSpec {
            fg: Some(Color::Blue),
            ..StyleSpec::default()
        };
        let merged = base.merged(over);
        assert_eq!(merged.fg, Some(Color::Blue));
        assert_eq!(merged.bold, Some(true));
        let style = merged.to_style();
        assert_eq!(style.fg, Some(Color::Blue));
        assert!(style.add_modifier.contains(Modifier::BOLD));
    }
}
