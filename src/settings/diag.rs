//! Where a setting came from, and the error a user sees when it is wrong.
//!
//! Every problem is reported as `ORIGIN: what is wrong; how to fix it`, where ORIGIN is
//! `file:line:column` for a file, the variable's name for the environment and the flag for the
//! command line, so the user can go straight to the place to change.

use std::fmt;
use std::ops::Range;

use toml::Spanned;
use toml::de::DeTable;

use crate::error::InputError;

/// Where a value was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The built-in defaults (the embedded `config/default.toml`).
    Default,
    /// A position in a TOML file (1-based line and column, columns counted in characters).
    File {
        path: String,
        line: usize,
        column: usize,
    },
    /// A file as a whole (the default config location).
    Path(String),
    /// A `RELUSCOPE_*` environment variable.
    Env(String),
    /// A command-line flag such as `--lr`.
    Cli(String),
    /// An item of a `--state` string, as written (`lr=0.1`).
    State(String),
    /// A value typed into the explorer's Parameters pane.
    Pane,
    /// The settings as a whole, when no single layer is to blame.
    Merged,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => write!(f, "built-in default"),
            Origin::File { path, line, column } => write!(f, "{path}:{line}:{column}"),
            Origin::Path(path) => write!(f, "{path}"),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Cli(flag) => write!(f, "{flag}"),
            Origin::State(item) => write!(f, "--state item `{item}`"),
            Origin::Pane => write!(f, "typed value"),
            Origin::Merged => write!(f, "settings"),
        }
    }
}

/// A value together with where it was set, so late checks can still point at the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Sourced { value, origin }
    }
}

/// What is wrong with one value and how to fix it, before we know where it sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub fix: String,
}

impl Problem {
    pub fn new(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Problem {
            what: what.into(),
            fix: fix.into(),
        }
    }

    pub fn at(self, origin: Origin) -> Diagnostic {
        Diagnostic {
            origin,
            problem: self,
        }
    }
}

/// One located problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub origin: Origin,
    pub problem: Problem,
}

impl fmt::Display for Diagnostic {
    /// `ORIGIN: what; fix`. A problem with a flag reads as the command line would:
    /// "--fps 0 is out of range; use 1 to 60 frames per second, e.g. --fps 15".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Problem { what, fix } = &self.problem;
        if let Origin::Cli(flag) = &self.origin {
            let key = flag.trim_start_matches('-').replace('-', "_");
            let fix = cli_example(fix, &key, flag);
            if let Some(rest) = what.strip_prefix(&format!("`{key}` ")) {
                return write!(f, "{flag} {rest}; {fix}");
            }
            if let Some(rest) = what.strip_prefix(&format!("`{key}`: ")) {
                return write!(f, "{flag}: {rest}; {fix}");
            }
        }
        if let Origin::Env(var) = &self.origin
            && let Some(key) = var.strip_prefix("RELUSCOPE_")
        {
            let fix = env_example(fix, &key.to_ascii_lowercase(), var);
            return write!(f, "{}: {what}; {fix}", self.origin);
        }
        if self.origin == Origin::Pane {
            // The status line has one line: the setting's name leads, without quotes.
            return write!(f, "{}; {fix}", what.replace('`', ""));
        }
        write!(f, "{}: {what}; {fix}", self.origin)
    }
}

/// A fix's TOML example (`layers = [8, 8]`, `activation = "relu"`) spelled as a flag
/// (`--layers 8,8`, `--activation relu`).
fn cli_example(fix: &str, key: &str, flag: &str) -> String {
    flag_or_var_example(fix, key, &format!("{flag} "))
}

/// A fix's TOML example spelled as an environment variable (`RELUSCOPE_LAYERS=8,8`).
fn env_example(fix: &str, key: &str, var: &str) -> String {
    flag_or_var_example(fix, key, &format!("{var}="))
}

pub(super) fn flag_or_var_example(fix: &str, key: &str, lead: &str) -> String {
    let pattern = format!("{key} = ");
    let Some(at) = fix.find(&pattern) else {
        return fix.to_string();
    };
    let value_start = at + pattern.len();
    let rest = &fix[value_start..];
    let (value, tail) = if rest.starts_with('[') {
        rest.split_at(rest.find(']').map_or(rest.len(), |i| i + 1))
    } else if let Some(quoted) = rest.strip_prefix('"') {
        quoted
            .find('"')
            .map_or((rest, ""), |i| (&rest[..i + 2], &rest[i + 2..]))
    } else {
        rest.split_at(rest.find([' ', ',', ')', ';']).unwrap_or(rest.len()))
    };
    let value = value
        .trim_matches(['[', ']'])
        .replace(", ", ",")
        .replace('"', "");
    format!("{}{lead}{value}{tail}", &fix[..at])
}

/// Turns collected diagnostics into the error `main` prints (exit code 2), in source order.
pub fn into_error(mut diags: Vec<Diagnostic>) -> anyhow::Error {
    diags.sort_by(|a, b| origin_key(&a.origin).cmp(&origin_key(&b.origin)));
    diags.dedup();
    let text = diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    InputError(text).into()
}

fn origin_key(o: &Origin) -> (u8, &str, usize, usize) {
    match o {
        Origin::Default => (0, "", 0, 0),
        Origin::File { path, line, column } => (1, path.as_str(), *line, *column),
        Origin::Path(p) => (1, p.as_str(), 0, 0),
        Origin::Env(v) => (2, v.as_str(), 0, 0),
        Origin::Cli(v) => (3, v.as_str(), 0, 0),
        Origin::State(v) => (3, v.as_str(), 0, 0),
        Origin::Pane => (4, "", 0, 0),
        Origin::Merged => (4, "", 0, 0),
    }
}

/// A text with a name, able to turn byte spans into `file:line:column` origins.
#[derive(Clone, Copy, Debug)]
pub struct SourceText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl<'a> SourceText<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        SourceText { name, text }
    }

    /// The origin of the byte offset `start` of `span` (clamped to the text).
    pub fn origin(&self, span: Range<usize>) -> Origin {
        let (line, column) = line_column(self.text, span.start);
        Origin::File {
            path: self.name.to_string(),
            line,
            column,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end or inside a
/// character are clamped so that no input can make this panic.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// "did you mean `x`?" for the closest candidate, if one is close enough to be a likely typo.
///
/// Close means a Jaro-Winkler similarity above 0.8 (shared prefixes, `lrr` for `lr`) or an
/// edit distance, transpositions counting once, of at most a quarter of the word (at least 1:
/// `fsp` for `fps`).
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let max_edits = (word.chars().count() / 4).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let jw = strsim::jaro_winkler(word, c);
            let edits = strsim::osa_distance(word, c);
            (jw > 0.8 || edits <= max_edits).then_some((edits, -jw, c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(.., c)| c)
}

/// The fix text for an unknown name: a suggestion when one is close, else the full list.
pub fn unknown_name_fix<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str> + Clone,
    kind: &str,
) -> String {
    let list = candidates
        .clone()
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(word, candidates) {
        Some(best) => format!("did you mean `{best}`? (valid {kind}: {list})"),
        None => format!("valid {kind}: {list}"),
    }
}

/// Parses TOML text, turning a syntax error into a located diagnostic.
pub fn parse_document<'i>(src: &SourceText<'i>) -> Result<Spanned<DeTable<'i>>, Vec<Diagnostic>> {
    DeTable::parse(src.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![
            Problem::new(
                format!("TOML syntax error: {}", e.message()),
                "fix the syntax there (strings need quotes, tables [brackets]; \
                 `reluscope --print-default-config` prints a valid file)",
            )
            .at(src.origin(span)),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_and_in_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // 'é' is two bytes; the '=' after "bé " is the 4th character.
        assert_eq!(line_column(text, 10), (2, 4));
        // Inside a multibyte character and past the end: clamped, never a panic.
        assert_eq!(line_column(text, 8), (2, 2));
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    #[test]
    fn examples_are_spelled_as_flags_for_flags() {
        assert_eq!(
            cli_example("for example layers = [8, 8]", "layers", "--layers"),
            "for example --layers 8,8"
        );
        assert_eq!(
            cli_example(
                "for example activation = \"leaky-relu:slope=0.1\"",
                "activation",
                "--activation"
            ),
            "for example --activation leaky-relu:slope=0.1"
        );
        assert_eq!(
            cli_example("write it as lr = 0.03", "lr", "--lr"),
            "write it as --lr 0.03"
        );
        assert_eq!(
            cli_example("use 1 to 60, e.g. fps = 15", "fps", "--fps"),
            "use 1 to 60, e.g. --fps 15"
        );
        assert_eq!(
            cli_example(
                "bias_init = 0.1 (or \"scheme\")",
                "bias_init",
                "--bias-init"
            ),
            "--bias-init 0.1 (or \"scheme\")"
        );
        assert_eq!(cli_example("no example", "lr", "--lr"), "no example");
        assert_eq!(
            cli_example(
                "for example features = [\"x1\", \"x2\"]",
                "features",
                "--features"
            ),
            "for example --features x1,x2"
        );
        assert_eq!(
            env_example("for example layers = [8, 8]", "layers", "RELUSCOPE_LAYERS"),
            "for example RELUSCOPE_LAYERS=8,8"
        );
    }

    #[test]
    fn suggestions_only_for_close_words() {
        assert_eq!(did_you_mean("lrr", ["lr", "l1", "seed"]), Some("lr"));
        assert_eq!(
            did_you_mean("activaton", ["activation", "init"]),
            Some("activation")
        );
        assert_eq!(did_you_mean("fsp", ["fps", "seed"]), Some("fps"));
        assert_eq!(did_you_mean("zzzz", ["activation", "init"]), None);
    }
}
