//! The engine's error type: everything that can go wrong is something the user can fix
//! (a name, a setting, a data file, a model file), so every variant maps to exit code 2.

/// Why the engine refused a setting, a data file or a model file. The message says what, where
/// (file, line, column) and how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// A setting or name that is not valid (unknown init, layer width out of range, ...).
    #[error("{0}")]
    Invalid(String),
    /// A CSV data file that cannot be used; `line` and `column` are 1-based (0 = whole file).
    #[error("{}: {message}", location(file, *line, *column))]
    Csv {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A model file that cannot be read, parsed or used.
    #[error("{file}: {message}")]
    Model { file: String, message: String },
    /// A file that cannot be read or written.
    #[error("{file}: {message}")]
    Io { file: String, message: String },
}

fn location(file: &str, line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => file.to_string(),
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    }
}

impl EngineError {
    /// Shorthand for [`EngineError::Invalid`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        EngineError::Invalid(msg.into())
    }
}

/// " (did you mean 'x'?)" for the closest of `valid` to `name`, or "" when none is close.
pub(crate) fn suggestion(name: &str, valid: &[&str]) -> String {
    valid
        .iter()
        .map(|v| (strsim::jaro_winkler(name, v), *v))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| format!(" (did you mean '{v}'?)"))
        .unwrap_or_default()
}
