//! Where a setting came from, and the error a user sees when it is wrong.
//!
//! Every problem is reported as `ORIGIN: what is wrong; how to fix it`, where ORIGIN is
//! `file:line:column` for a file, the variable's name for the environment and the flag for the
//! command line, so the user can go straight to the place to change.

use std::fmt;
use std::ops::Range;

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
    /// A `RELUSCOPE_*` environment variable.
    Env(String),
    /// A command-line flag such as `--lr`.
    Cli(String),
    /// The settings as a whole, when no single layer is to blame.
    Merged,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => write!(f, "built-in default"),
            Origin::File { path, line, column } => write!(f, "{path}:{line}:{column}"),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Cli(flag) => write!(f, "{flag}"),
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; {}",
            self.origin, self.problem.what, self.problem.fix
        )
    }
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
        Origin::Env(v) => (2, v.as_str(), 0, 0),
        Origin::Cli(v) => (3, v.as_str(), 0, 0),
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
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
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
